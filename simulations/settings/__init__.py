"""Task settings: seeded generators of source and target tasks and data."""

from .base import Setting, SourceData, SourceTruth, TargetData, TargetTruth
from .linear import LinearSetting
from .linear_hard import LinearHardSetting

__all__ = [
    "Setting",
    "SourceData",
    "SourceTruth",
    "TargetData",
    "TargetTruth",
    "LinearSetting",
    "LinearHardSetting",
]
