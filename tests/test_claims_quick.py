"""The built-in claims of the quick profile, one test per claim.

All claims run once, in one verification run (so Holm's correction covers
the whole family, as in ``metabound verify --profile quick``); each test then
asserts that its claim passed and shows the failing points if not.
"""

import pytest

from verification.builtin import builtin_claims
from verification.catalog import default_catalog
from verification.claims_file import validate_claims
from verification.results import format_claim
from verification.runner import run_claims

QUICK = builtin_claims("quick")


@pytest.fixture(scope="module")
def quick_results():
    vcs = validate_claims(QUICK, default_catalog())
    run = run_claims(vcs, seed=0)
    return {c["id"]: c for c in run["claims"]}


@pytest.mark.parametrize("claim_id", [c.id for c in QUICK])
def test_builtin_claim(quick_results, claim_id):
    result = quick_results[claim_id]
    assert result["status"] == "pass", "\n" + format_claim(result, only_failing=True)
