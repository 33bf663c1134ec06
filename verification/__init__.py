"""Executable claims: the paper's results as checks on simulated risks.

Flow: claim -> sweep points -> ``simulations.run_monte_carlo`` per point ->
tidy frame -> check decides (with Holm's correction over the run) ->
``results.json``.  See ``docs/verification.md``.
"""

from .api import VerifyResult, load_claims, verify
from .catalog import Catalog, default_catalog
from .check_registry import CHECK_REGISTRY, Check, get_check, register_check
from .checks import CHECKS, PointSample, decide, run_check
from .claims import Claim, ValidatedClaim
from .claims_file import load_claims_file, parse_claims, validate_claims
from .errors import ClaimError
from .expressions import BoundExpression, parse_bound
from .runner import run_claims
from .stats import holm

__all__ = [
    "Catalog", "default_catalog", "CHECKS", "PointSample", "decide", "run_check",
    "Claim", "ValidatedClaim", "load_claims_file", "parse_claims", "validate_claims",
    "ClaimError", "BoundExpression", "parse_bound", "run_claims", "holm",
    "verify", "load_claims", "VerifyResult", "Check", "CHECK_REGISTRY", "get_check", "register_check",
]
