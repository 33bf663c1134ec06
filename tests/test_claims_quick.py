"""The built-in claims of the quick profile, one test per claim.

All claims run once, in one verification run (so Holm's correction covers
the whole family, as in ``metabound verify --profile quick``); each test then
asserts that its claim passed and shows the failing points if not.
"""

import pytest

from verification import verify
from verification.builtin import builtin_claims

QUICK = builtin_claims("quick")


@pytest.fixture(scope="module")
def quick_run():
    """The quick profile through the public API (what `metabound verify` and the pytest plugin run)."""
    return verify(profile="quick", seed=0)


@pytest.fixture(scope="module")
def quick_results(quick_run):
    return {c["id"]: c for c in quick_run.claims}


@pytest.mark.parametrize("claim_id", [c.id for c in QUICK])
def test_builtin_claim(quick_run, claim_id):
    assert quick_run.claim(claim_id)["status"] == "pass", "\n" + quick_run.failures(claim_id)


UPPER = ("upper-mean", "upper-whp", "upper-always")


def test_no_built_in_point_is_vacuous_and_every_upper_bound_has_a_baseline(quick_results):
    for cid, claim in quick_results.items():
        for p in claim["points"]:
            assert not p.get("vacuous"), (cid, p["params"], p.get("bound"), p.get("baseline"))
            if claim["check"] in UPPER and claim["risk"] != "sin_theta_max":
                assert p.get("baseline") is not None, (cid, p["params"])


def test_each_paper_claim_has_a_point_with_margin_at_most_3(quick_results):
    best = {f"C{i}": None for i in range(1, 9)}
    for claim in quick_results.values():
        margins = [p["margin"] for p in claim["points"] if p.get("margin") is not None]
        for c in claim.get("covers") or []:
            if margins and (best[c] is None or min(margins) < best[c]):
                best[c] = min(margins)
    assert all(v is not None and v <= 3 for v in best.values()), best


def test_the_docs_list_every_built_in_claim():
    from pathlib import Path

    from verification.builtin import builtin_claims

    text = (Path(__file__).resolve().parents[1] / "docs" / "verification.md").read_text()
    missing = [c.id for c in builtin_claims("full") if f"`{c.id}`" not in text]
    assert not missing, missing


@pytest.mark.parametrize("profile", ["quick", "full"])
def test_every_built_in_claim_of_both_profiles_validates(profile):
    """The full profile is not run by the tests: its claims must at least validate (a claim fixed and swept in
    the same parameter, an unknown bound constant, ... is a ClaimError here rather than at run time)."""
    from verification.builtin import builtin_claims
    from verification.catalog import default_catalog
    from verification.claims_file import validate_claims

    validated = validate_claims(builtin_claims(profile), default_catalog())
    assert len(validated) == len(builtin_claims(profile)) and all(v.points for v in validated)
