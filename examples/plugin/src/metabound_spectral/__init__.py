"""Example metabound plugin: a learner and a task family of one's own (see docs/extending.md)."""

from .learner import SpectralRep
from .setting import DriftingSubspaces

__all__ = ["SpectralRep", "DriftingSubspaces"]
