"""Risk bounds of Chua, Lei, Lee (2021) with explicit, project-derived constants.

Each bound is a :class:`Bound` built from one sympy expression of named terms
over named constants; :data:`BOUNDS` lists them and :func:`get_bound` fetches
one by name.  Derivations live in ``docs/theory/``.
"""

from bounds.bayes_risk import bayes_risk_monte_carlo
from bounds.constants import STANDARD, Constant
from bounds.expression import KINDS, Bound
from bounds.registry import BOUNDS, get_bound, register_bound, summary

__all__ = ["BOUNDS", "Bound", "Constant", "KINDS", "STANDARD", "bayes_risk_monte_carlo",
           "get_bound", "register_bound", "summary"]
