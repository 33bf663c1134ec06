"""Monte Carlo simulators of meta-learning task families and learners.

See ``docs/linear.md`` for the linear settings, learners and solvers, and
``docs/architecture.md`` for the public API.
"""

from .montecarlo import DIAGNOSTIC_COLUMNS, EXTRA_COLUMNS, RISK_COLUMNS, run_monte_carlo, run_replicate
from .registry import (LEARNER_CLASSES, LEARNERS, SETTINGS, get_learner, get_setting, load_plugins, make_learner,
                       make_setting, register_learner, register_setting)

__all__ = [
    "run_monte_carlo",
    "run_replicate",
    "RISK_COLUMNS",
    "DIAGNOSTIC_COLUMNS",
    "EXTRA_COLUMNS",
    "SETTINGS",
    "LEARNERS",
    "LEARNER_CLASSES",
    "get_setting",
    "get_learner",
    "make_setting",
    "make_learner",
    "register_setting",
    "register_learner",
    "load_plugins",
]
