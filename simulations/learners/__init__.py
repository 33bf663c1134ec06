"""Learners: one protocol (``fit`` on sources, ``adapt`` on the target)."""

from .adaptrep import AdaptRep
from .base import FineTuningClass, Learner, NotFittedError, target_statistics
from .baselines import Oracle, TargetOnly
from .frozenrep import FrozenRep

__all__ = ["Learner", "NotFittedError", "FineTuningClass", "target_statistics", "AdaptRep", "FrozenRep",
           "TargetOnly", "Oracle"]
