"""Names of the settings and learners, and their construction.

Learner names are global (``adaptrep``, ``frozenrep``, ``target-only``,
``oracle``, ``gd-finetune``, ``maml``); their implementation depends on the
setting's *family* (``Setting.family``: ``linear``, ``logistic`` or
``network``).  :data:`LEARNER_CLASSES` maps family -> name -> class, and
:func:`make_learner` picks the class of the setting's family; a pair the
family does not implement raises ``ValueError`` naming both.
:data:`LEARNERS` maps each name to a :class:`LearnerInfo` (the union of its
hyper-parameters over the families, read by the verification catalog).

Extension: :func:`register_setting` and :func:`register_learner` add classes
at run time; installed distributions add them through the entry-point groups
``metabound.settings`` and ``metabound.learners``, read once per process on
first use of the registry (in the main process and in every worker alike).
See ``docs/extending.md``.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Sequence

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
    "register_setting",
    "register_learner",
    "load_plugins",
    "runtime_registrations",
    "adopt",
    "is_builtin",
    "PluginRecord",
    "PluginWarning",
    "ENTRY_POINT_GROUPS",
]

#: Entry-point groups read by :func:`load_plugins`: kind -> group.
ENTRY_POINT_GROUPS: Mapping[str, str] = MappingProxyType(
    {"setting": "metabound.settings", "learner": "metabound.learners"})
#: Set to a non-empty value to skip entry-point plugins (the built-in catalogue only).
NO_PLUGINS_ENV = "METABOUND_NO_PLUGINS"
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

_BUILTIN_SETTINGS = (LinearSetting, LinearHardSetting, LogisticSetting, NetworkSetting, NetworkHardSetting)
_BUILTIN_LEARNERS = {
    "linear": (AdaptRep, FrozenRep, TargetOnly, Oracle, LinearGDFineTune, LinearMaml),
    "logistic": (LogisticAdaptRep, LogisticFrozenRep, LogisticTargetOnly, LogisticOracle, LogisticGDFineTune,
                 LogisticMaml),
    "network": (NetworkAdaptRep, NetworkFrozenRep, NetworkTargetOnly, NetworkOracle, NetworkGDFineTune, NetworkMaml),
}


class PluginWarning(UserWarning):
    """An entry-point plugin could not be loaded or registered (it is then absent)."""


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


@dataclass(frozen=True)
class PluginRecord:
    """One entry point read by :func:`load_plugins`.

    Attributes
    ----------
    group, name, value : str
        The entry point (``value`` is ``module:attribute``).
    distribution, version : str or None
        The installed distribution that declares it.
    registered : tuple of str
        What it registered, as ``kind:name`` (``learner:spectral@linear`` for a learner).
    error : str or None
        Why it could not be loaded or registered (then nothing of it is registered).
    """

    group: str
    name: str
    value: str
    distribution: str | None
    version: str | None
    registered: tuple[str, ...] = ()
    error: str | None = None


class _Registry:
    """Settings and learner classes by name: the built-in ones, entry-point plugins and runtime registrations.

    The one piece of process-wide state of :mod:`simulations`.  It only grows
    (a name, once registered, keeps its class), and entry points are read once,
    on first use, in a fixed order (group, distribution, name), so every
    process (the main one, process and Dask workers) that has the same
    distributions installed sees the same registry.
    """

    def __init__(self) -> None:
        self.settings: dict[str, type[Setting]] = {}
        self.classes: dict[str, dict[str, type[Learner]]] = {}      # family -> name -> class
        self.by_name: dict[str, dict[str, type[Learner]]] = {}      # name -> family -> class
        self.runtime: list[tuple[str, type]] = []                   # (kind, class) registered at run time
        self.records: list[PluginRecord] = []
        self.loaded = False
        for cls in _BUILTIN_SETTINGS:
            self.add_setting(cls)
        for family, classes in _BUILTIN_LEARNERS.items():
            for cls in classes:
                self.add_learner(cls, (family,))

    # -- registration ---------------------------------------------------------
    def add_setting(self, cls: Any) -> bool:
        """Register a setting class; False when this very class is already registered."""
        if not (isinstance(cls, type) and issubclass(cls, Setting)) or cls is Setting:
            raise TypeError(f"register_setting: expected a subclass of simulations.settings.Setting, got {cls!r}")
        name = _checked_name(cls.name, "setting", cls)
        if not isinstance(cls.family, str) or not _NAME.match(cls.family):
            raise ValueError(f"register_setting: setting {name!r} has family {cls.family!r}; a family is a "
                             "lower-case name such as 'linear'")
        for key, spec in dict(cls.PARAMETERS).items():
            if not isinstance(spec, Parameter):
                raise TypeError(f"register_setting: parameter {key!r} of setting {name!r} is not a "
                                "simulations.parameters.Parameter")
        known = self.settings.get(name)
        if known is cls:
            return False
        if known is not None:
            raise ValueError(f"register_setting: setting {name!r} is already registered "
                             f"({_qualname(known)}); choose another name for {_qualname(cls)}")
        self.settings[name] = cls
        return True

    def add_learner(self, cls: Any, families: Sequence[str]) -> list[str]:
        """Register a learner class for ``families``; returns the families newly registered."""
        if not (isinstance(cls, type) and issubclass(cls, Learner)) or cls is Learner:
            raise TypeError(f"register_learner: expected a subclass of simulations.learners.Learner, got {cls!r}")
        name = _checked_name(cls.name, "learner", cls)
        if isinstance(families, str) or not families:
            raise ValueError(f"register_learner: 'families' of learner {name!r} must be a non-empty sequence of "
                             f"family names such as ('linear',); got {families!r}")
        for method in ("fit", "adapt"):
            if getattr(cls, method) is getattr(Learner, method):
                raise TypeError(f"register_learner: learner {name!r} ({_qualname(cls)}) does not define {method}()")
        params = set(cls._param_names())
        undeclared = sorted(params - set(cls.HYPERPARAMETERS))
        if undeclared:
            raise ValueError(f"register_learner: constructor argument {undeclared[0]!r} of learner {name!r} is not "
                             "declared in HYPERPARAMETERS (every hyper-parameter needs a Parameter: doc, default, "
                             "validator)")
        stray = sorted(set(cls.SETTING_DEFAULTS) - params)
        if stray:
            raise ValueError(f"register_learner: SETTING_DEFAULTS of learner {name!r} names {stray[0]!r}, which is "
                             "not a constructor argument")
        new = []
        for family in families:
            if not isinstance(family, str) or not _NAME.match(family):
                raise ValueError(f"register_learner: family {family!r} of learner {name!r} is not a family name "
                                 "such as 'linear'")
            known = self.classes.get(family, {}).get(name)
            if known is cls:
                continue
            if known is not None:
                raise ValueError(f"register_learner: learner {name!r} is already registered for family "
                                 f"{family!r} ({_qualname(known)}); choose another name for {_qualname(cls)}")
            new.append(family)
        for family in new:
            self.classes.setdefault(family, {})[name] = cls
            self.by_name.setdefault(name, {})[family] = cls
        return new

    # -- entry points -----------------------------------------------------------
    def ensure_loaded(self) -> None:
        if self.loaded:
            return
        self.loaded = True                  # first: a plugin that reads the registry while loading must not recurse
        if os.environ.get(NO_PLUGINS_ENV):
            return
        from importlib import metadata

        for kind in ("setting", "learner"):             # settings first: a plugin family's learners follow
            group = ENTRY_POINT_GROUPS[kind]
            eps = sorted(metadata.entry_points(group=group),
                         key=lambda ep: (_dist_name(ep) or "", ep.name, ep.value))
            for ep in eps:
                self.records.append(self._load(kind, group, ep))

    def _load(self, kind: str, group: str, ep: Any) -> PluginRecord:
        dist = getattr(ep, "dist", None)
        base = dict(group=group, name=ep.name, value=ep.value, distribution=_dist_name(ep),
                    version=getattr(dist, "version", None))
        try:
            obj = ep.load()
            items = list(obj) if isinstance(obj, (list, tuple)) else [obj]
            done = []
            for item in items:
                if kind == "setting":
                    self.add_setting(item)
                    done.append(f"setting:{item.name}")
                else:
                    families = tuple(getattr(item, "FAMILIES", ("linear",)))
                    self.add_learner(item, families)
                    done.extend(f"learner:{item.name}@{f}" for f in families)
            return PluginRecord(**base, registered=tuple(done))
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the built-in catalogue
            message = f"{type(exc).__name__}: {exc}"
            warnings.warn(PluginWarning(f"entry point {ep.name!r} = {ep.value!r} of group {group!r} "
                                        f"(distribution {base['distribution']}) was not loaded: {message}"),
                          stacklevel=3)
            return PluginRecord(**base, error=message)


def _dist_name(ep: Any) -> str | None:
    dist = getattr(ep, "dist", None)
    return None if dist is None else dist.metadata["Name"]


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _checked_name(name: Any, kind: str, cls: type) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"register_{kind}: {_qualname(cls)}.name must be a lower-case name of letters, digits and "
                         f"single dashes (e.g. 'spectral-rep'); got {name!r}")
    return name


_REGISTRY = _Registry()


class _LiveMapping(Mapping):
    """A read-only view of a registry table that loads the entry-point plugins on first use."""

    def __init__(self, table: Callable[[], Mapping]) -> None:
        self._table = table

    def _data(self) -> Mapping:
        _REGISTRY.ensure_loaded()
        return self._table()

    def __getitem__(self, key):
        return self._data()[key]

    def __iter__(self):
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self._data())!r})"


#: Setting name -> class (read-only; includes plugins).
SETTINGS: Mapping[str, type[Setting]] = _LiveMapping(lambda: MappingProxyType(_REGISTRY.settings))
#: Family -> learner name -> class (read-only; includes plugins).
LEARNER_CLASSES: Mapping[str, Mapping[str, type[Learner]]] = _LiveMapping(
    lambda: {family: MappingProxyType(classes) for family, classes in _REGISTRY.classes.items()})
#: Learner name -> :class:`LearnerInfo` (read-only; includes plugins).
LEARNERS: Mapping[str, LearnerInfo] = _LiveMapping(
    lambda: {name: LearnerInfo(name, MappingProxyType(classes)) for name, classes in _REGISTRY.by_name.items()})


def register_setting(cls: type[Setting]) -> type[Setting]:
    """Register a setting class under ``cls.name`` (usable as a class decorator).

    Parameters
    ----------
    cls : type
        A subclass of :class:`~simulations.settings.Setting` with ``name``,
        ``family`` and ``PARAMETERS``.

    Returns
    -------
    type
        ``cls``.

    Raises
    ------
    TypeError, ValueError
        ``cls`` is not a setting, its name is not a lower-case dashed name,
        or the name is taken by another class.  Registering the same class
        twice is allowed (nothing happens).
    """
    _REGISTRY.ensure_loaded()
    if _REGISTRY.add_setting(cls):
        _REGISTRY.runtime.append(("setting", cls))
    return cls


def register_learner(cls: type[Learner] | None = None, *, families: Sequence[str] | None = None):
    """Register a learner class under ``cls.name`` for setting ``families`` (usable as a class decorator).

    Parameters
    ----------
    cls : type
        A subclass of :class:`~simulations.learners.Learner` that defines
        ``fit`` and ``adapt`` and declares every constructor argument in
        ``HYPERPARAMETERS``.
    families : sequence of str, optional
        Setting families it implements (default: ``cls.FAMILIES``, else
        ``("linear",)``).  A name may have one class per family, as the
        built-in learners do.

    Returns
    -------
    type
        ``cls`` (or, called with ``families`` only, a decorator).
    """
    def register(c: type[Learner]) -> type[Learner]:
        _REGISTRY.ensure_loaded()
        fams = families if families is not None else getattr(c, "FAMILIES", ("linear",))
        fams = fams if isinstance(fams, str) else tuple(fams)          # a bare string is refused, not split
        for family in _REGISTRY.add_learner(c, fams):
            _REGISTRY.runtime.append(("learner", c, family))
        return c
    return register if cls is None else register(cls)


def runtime_registrations() -> tuple:
    """What :func:`register_setting` and :func:`register_learner` added in this process (not entry points).

    Process and Dask workers receive it with their work and :func:`adopt` it,
    so classes registered in a script also work on workers (they must be
    importable there: pickled by reference).
    """
    return tuple(_REGISTRY.runtime)


def adopt(registrations: Sequence[tuple]) -> None:
    """Register what another process's :func:`runtime_registrations` returned (idempotent)."""
    _REGISTRY.ensure_loaded()
    for kind, cls, *family in registrations:
        if kind == "setting":
            _REGISTRY.add_setting(cls)
        else:
            _REGISTRY.add_learner(cls, tuple(family))


def load_plugins() -> tuple[PluginRecord, ...]:
    """Read the entry-point groups (once per process) and return what each entry point registered.

    Groups: ``metabound.settings`` (a Setting subclass or a list of them) and
    ``metabound.learners`` (a Learner subclass, or a list, with
    ``FAMILIES``).  An entry point that fails to load is skipped with a
    :class:`PluginWarning` and reported with its error.  Nothing is loaded
    when the environment variable ``METABOUND_NO_PLUGINS`` is set.
    """
    _REGISTRY.ensure_loaded()
    return tuple(_REGISTRY.records)


def is_builtin(cls: type) -> bool:
    """Whether ``cls`` is one of the suite's own settings or learners."""
    return cls.__module__.split(".")[0] == __name__.split(".")[0]


def _failed_plugins(kind: str) -> str:
    failed = [r for r in _REGISTRY.records if r.error and r.group == ENTRY_POINT_GROUPS[kind]]
    if not failed:
        return ""
    return " (not loaded: " + "; ".join(f"entry point {r.name!r} of {r.distribution}: {r.error}" for r in failed) + ")"


def get_setting(name: str) -> type[Setting]:
    """The setting class called ``name``."""
    try:
        return SETTINGS[name]
    except KeyError:
        raise ValueError(f"unknown setting {name!r}; known settings: {', '.join(SETTINGS)}"
                         f"{_failed_plugins('setting')}") from None


def get_learner(name: str, setting: Setting | type[Setting] | str | None = None) -> type[Learner]:
    """The class implementing learner ``name`` for ``setting`` (a setting, setting class or setting name).

    Without ``setting``, the ``linear`` family's class.  Raises ``ValueError``
    for an unknown name or a (setting, learner) pair that is not implemented.
    """
    if name not in LEARNERS:
        raise ValueError(f"unknown learner {name!r}; known learners: {', '.join(LEARNERS)}"
                         f"{_failed_plugins('learner')}")
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
