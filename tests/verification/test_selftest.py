"""Self-test: deliberately wrong claims fail, their correct twins pass.

Wrong twins: a bound scaled down 10x, an exponent off by 1/2, an upper bound
claimed as a lower bound, a separation the wrong way round.  A verifier that
cannot fail is a defect.
"""

import pytest

from verification.builtin import selftest_claims
from verification.catalog import default_catalog
from verification.claims_file import validate_claims
from verification.results import format_claim
from verification.runner import run_claims

PAIRS = selftest_claims("quick")


@pytest.fixture(scope="module")
def selftest_results():
    claims = [c for pair in PAIRS for c in pair]
    run = run_claims(validate_claims(claims, default_catalog()), seed=0)
    return {c["id"]: c for c in run["claims"]}


@pytest.mark.parametrize("correct, wrong", PAIRS, ids=[p[1].id for p in PAIRS])
def test_wrong_twin_fails_and_correct_twin_passes(selftest_results, correct, wrong):
    good, bad = selftest_results[correct.id], selftest_results[wrong.id]
    assert good["status"] == "pass", "\n" + format_claim(good, only_failing=True)
    assert bad["status"] == "fail", "verifier did not catch:\n" + format_claim(bad)
