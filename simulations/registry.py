"""Names of the settings and learners, and their construction."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from .learners import AdaptRep, FrozenRep, Learner, Oracle, TargetOnly
from .settings import LinearHardSetting, LinearSetting, Setting, SourceTruth

__all__ = ["SETTINGS", "LEARNERS", "get_setting", "get_learner", "make_setting", "make_learner"]

SETTINGS: Mapping[str, type[Setting]] = {cls.name: cls for cls in (LinearSetting, LinearHardSetting)}
LEARNERS: Mapping[str, type[Learner]] = {cls.name: cls for cls in (AdaptRep, FrozenRep, TargetOnly, Oracle)}


def get_setting(name: str) -> type[Setting]:
    """The setting class called ``name``."""
    try:
        return SETTINGS[name]
    except KeyError:
        raise ValueError(f"unknown setting {name!r}; known settings: {', '.join(SETTINGS)}") from None


def get_learner(name: str) -> type[Learner]:
    """The learner class called ``name``."""
    try:
        return LEARNERS[name]
    except KeyError:
        raise ValueError(f"unknown learner {name!r}; known learners: {', '.join(LEARNERS)}") from None


def make_setting(name: str, params: Mapping[str, Any]) -> Setting:
    """Build and validate a setting."""
    return get_setting(name).from_params(**params)


def make_learner(
    name: str, setting: Setting, truth: SourceTruth | None = None, hyper: Mapping[str, Any] | None = None
) -> Learner:
    """Build learner ``name``, filling ``SETTING_DEFAULTS`` left at ``None`` from the setting and the truth."""
    cls = get_learner(name)
    kwargs = dict(hyper or {})
    sources = {"k": setting.rank, "radius": setting.fine_tuning_radius}
    for hyper_name, source in cls.SETTING_DEFAULTS.items():
        if kwargs.get(hyper_name) is None:
            if source == "frame":
                if truth is None:
                    raise ValueError(f"learner {name!r} needs the true frame")
                kwargs[hyper_name] = np.array(truth.frame)
            else:
                kwargs[hyper_name] = sources[source]
    learner = cls()
    learner.set_params(**kwargs)
    return learner
