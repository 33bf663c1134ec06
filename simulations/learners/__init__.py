"""Learners: one protocol (``fit`` on sources, ``adapt`` on the target)."""

from .adaptrep import AdaptRep
from .base import Learner, NotFittedError
from .baselines import Oracle, TargetOnly
from .frozenrep import FrozenRep

__all__ = ["Learner", "NotFittedError", "AdaptRep", "FrozenRep", "TargetOnly", "Oracle"]
