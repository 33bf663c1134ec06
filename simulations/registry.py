"""Names of the settings and learners, and their construction.

Learner names are global (``adaptrep``, ``frozenrep``, ``target-only``,
``oracle``, ``gd-finetune``, ``maml``); their implementation depends on the
setting's *family* (``Setting.family``: ``linear``, ``logistic`` or
``network``).  :data:`LEARNER_CLASSES` maps family -> name -> class, and
:func:`make_learner` picks the class of the setting's family; a pair the
family does not implement raises ``ValueError`` naming both.
:data:`LEARNERS` maps each name to a :class:`LearnerInfo` (the union of its
hyper-parameters over the families, read by the verification catalog).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from .learners import AdaptRep, FrozenRep, Learner, Oracle, TargetOnly
from .learners.gd import LinearGDFineTune, LogisticGDFineTune
from .learners.maml import LinearMaml, LogisticMaml, NetworkMaml
from .learners.logistic import LogisticAdaptRep, LogisticFrozenRep, LogisticOracle, LogisticTargetOnly
from .learners.network import NetworkAdaptRep, NetworkFrozenRep, NetworkGDFineTune, NetworkOracle, NetworkTargetOnly
from .parameters import Parameter
from .settings import LinearHardSetting, LinearSetting, Setting, SourceTruth
from .settings.logistic import LogisticSetting
from .settings.network import NetworkSetting
from .settings.network_hard import NetworkHardSetting

__all__ = [
    "SETTINGS",
    "LEARNERS",
    "LEARNER_CLASSES",
    "LearnerInfo",
    "get_setting",
    "get_learner",
    "make_setting",
    "make_learner",
    "build_learner",
]

SETTINGS: Mapping[str, type[Setting]] = {
    cls.name: cls for cls in (LinearSetting, LinearHardSetting, LogisticSetting, NetworkSetting,
                                                   NetworkHardSetting)
}

#: family -> learner name -> class.
LEARNER_CLASSES: Mapping[str, Mapping[str, type[Learner]]] = MappingProxyType({
    "linear": {cls.name: cls for cls in (AdaptRep, FrozenRep, TargetOnly, Oracle, LinearGDFineTune, LinearMaml)},
    "logistic": {cls.name: cls for cls in (LogisticAdaptRep, LogisticFrozenRep, LogisticTargetOnly, LogisticOracle,
                                           LogisticGDFineTune, LogisticMaml)},
    "network": {cls.name: cls for cls in (NetworkAdaptRep, NetworkFrozenRep, NetworkTargetOnly, NetworkOracle,
                                          NetworkGDFineTune, NetworkMaml)},
})


@dataclass(frozen=True)
class LearnerInfo:
    """A learner name and its implementations per family.

    Attributes
    ----------
    name : str
    classes : mapping of str to type
        Family -> learner class.
    """

    name: str
    classes: Mapping[str, type[Learner]]

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(self.classes)

    @property
    def HYPERPARAMETERS(self) -> Mapping[str, Parameter]:  # noqa: N802 - mirrors the class attribute
        """Union of the hyper-parameters of every family's class (first definition wins)."""
        out: dict[str, Parameter] = {}
        for cls in self.classes.values():
            for key, spec in cls.HYPERPARAMETERS.items():
                out.setdefault(key, spec)
        return out


def _learner_infos() -> dict[str, LearnerInfo]:
    names: dict[str, dict[str, type[Learner]]] = {}
    for family, classes in LEARNER_CLASSES.items():
        for name, cls in classes.items():
            names.setdefault(name, {})[family] = cls
    return {name: LearnerInfo(name, MappingProxyType(classes)) for name, classes in names.items()}


#: Learner name -> :class:`LearnerInfo`.
LEARNERS: Mapping[str, LearnerInfo] = MappingProxyType(_learner_infos())


def get_setting(name: str) -> type[Setting]:
    """The setting class called ``name``."""
    try:
        return SETTINGS[name]
    except KeyError:
        raise ValueError(f"unknown setting {name!r}; known settings: {', '.join(SETTINGS)}") from None


def get_learner(name: str, setting: Setting | type[Setting] | str | None = None) -> type[Learner]:
    """The class implementing learner ``name`` for ``setting`` (a setting, setting class or setting name).

    Without ``setting``, the ``linear`` family's class.  Raises ``ValueError``
    for an unknown name or a (setting, learner) pair that is not implemented.
    """
    if name not in LEARNERS:
        raise ValueError(f"unknown learner {name!r}; known learners: {', '.join(LEARNERS)}")
    if setting is None:
        family, label = "linear", "linear"
    else:
        cls = get_setting(setting) if isinstance(setting, str) else setting
        family, label = cls.family, cls.name
    info = LEARNERS[name]
    if family not in info.classes:
        supported = sorted(n for n, c in SETTINGS.items() if c.family in info.classes)
        raise ValueError(f"learner {name!r} does not support setting {label!r}; it supports: {', '.join(supported)}")
    return info.classes[family]


def make_setting(name: str, params: Mapping[str, Any]) -> Setting:
    """Build and validate a setting."""
    return get_setting(name).from_params(**params)


def make_learner(
    name: str, setting: Setting, truth: SourceTruth | None = None, hyper: Mapping[str, Any] | None = None
) -> Learner:
    """Build learner ``name`` for ``setting``, filling ``SETTING_DEFAULTS`` left at ``None``.

    The defaults come from :meth:`Setting.learner_defaults` (``k``, ``radius``
    and, per family, e.g. ``c_w``) and, for ``frame``, from the true frame.
    """
    return build_learner(get_learner(name, setting), setting, truth, hyper)


def build_learner(
    cls: type[Learner], setting: Setting, truth: SourceTruth | None = None, hyper: Mapping[str, Any] | None = None
) -> Learner:
    """Instantiate a learner class for ``setting`` (registered or not), filling its
    ``SETTING_DEFAULTS`` left at ``None`` as :func:`make_learner` does."""
    kwargs = dict(hyper or {})
    sources = setting.learner_defaults()
    for hyper_name, source in cls.SETTING_DEFAULTS.items():
        if kwargs.get(hyper_name) is None:
            if source == "frame":
                if truth is None:
                    raise ValueError(f"learner {cls.name!r} needs the true frame")
                kwargs[hyper_name] = np.array(truth.frame)
            else:
                kwargs[hyper_name] = sources[source]
    learner = cls()
    learner.set_params(**kwargs)
    return learner
