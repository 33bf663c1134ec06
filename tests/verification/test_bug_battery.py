"""The verifier's power: every bug of the battery makes the quick profile fail.

For each bug of :mod:`bug_battery` the quick profile's claims on the settings
the bug can affect run (on two worker processes that install the bug at start)
with the family-wise level scaled to the whole quick profile,
``alpha * tests run / tests of the profile``.  Holm's procedure over the whole
profile rejects every test whose p-value is below ``alpha / tests of the
profile``, which is exactly Bonferroni's threshold of the scaled run, so a
rejection here is a rejection in ``metabound verify --profile quick``.  An
``error`` (a non-finite value, repeated replicates) fails the profile too.

These runs take minutes; they are marked ``battery`` and run by ``.ci/run``
(``pytest -m battery``), not by the default ``pytest``.
"""

from __future__ import annotations

import pytest

from bug_battery import BLIND_SPOTS, BUGS, bugged_backend
from verification.builtin import builtin_claims
from verification.catalog import default_catalog
from verification.claims_file import validate_claims
from verification.runner import DEFAULT_ALPHA, run_claims

pytestmark = pytest.mark.battery


@pytest.fixture(scope="module")
def quick():
    return validate_claims(builtin_claims("quick"), default_catalog())


def run_under_bug(quick, bug):
    chosen = [vc for vc in quick if vc.claim.setting in bug.settings]
    total = sum(vc.n_tests for vc in quick)
    alpha = DEFAULT_ALPHA * sum(vc.n_tests for vc in chosen) / total
    backend = bugged_backend(bug.name)
    try:
        return run_claims(chosen, seed=0, alpha=alpha, backend=backend)
    finally:
        backend.close()


@pytest.mark.parametrize("bug", BUGS, ids=[b.name for b in BUGS])
def test_quick_profile_fails_under_bug(quick, bug):
    run = run_under_bug(quick, bug)
    caught = [c["id"] for c in run["claims"] if c["status"] in ("fail", "error")]
    print(f"{bug.name}: caught by {', '.join(caught) or 'nothing'}")
    assert run["status"] == "fail" and caught, f"bug {bug.name!r} ({bug.description}) passed the quick profile"


@pytest.mark.parametrize("bug", [pytest.param(b, marks=pytest.mark.xfail(strict=True, reason=b.description))
                                 for b in BLIND_SPOTS], ids=[b.name for b in BLIND_SPOTS])
def test_known_blind_spot_of_the_quick_profile(quick, bug):
    """Documented blind spots: the quick profile passes under these bugs (strict xfail: catching one is news)."""
    test_quick_profile_fails_under_bug(quick, bug)
