"""Checks as objects: the built-in ones, a plugin check registered at run time or through the entry-point group
``metabound.checks``, and the report asking the check instead of its name."""

from __future__ import annotations

import json
import math
import textwrap

import numpy as np
import pytest
from scipy import stats as sps

import verification.check_registry as check_registry
from verification import Check, Claim, get_check, register_check, verify
from verification.check_registry import BUILTIN_CHECKS, CHECK_REGISTRY, check_of
from bounds.named_table import NamedTable
from verification.checks import CHECKS
from verification.errors import ClaimError


def point_upper_median(sample, level):
    """H0: median risk <= bound.  Violations V = #(risk > bound) <= Binomial(n, 1/2) stochastically under H0,
    so the p-value is P(Bin(n, 1/2) >= V); the interval is the order-statistic interval of the median."""
    risk = np.sort(np.asarray(sample.risk, float))
    bound = float(np.mean(sample.bound))
    n, median = risk.size, float(np.median(risk))
    v = int(np.sum(risk > bound))
    lo = int(sps.binom.ppf(level, n, 0.5))
    return {"bound": bound, "mean": median, "ci_low": float(risk[max(lo - 1, 0)]),
            "ci_high": float(risk[min(n - lo, n - 1)]), "violations": v, "replicates": n,
            "margin": bound / median if median > 0 else None, "p_value": float(sps.binom.sf(v - 1, n, 0.5)),
            "rule": "binomial sign test on risk > bound"}


UPPER_MEDIAN = Check("upper-median", "upper", point_upper_median, description="upper bound on the median risk",
                     decision="a point fails when improbably many replicates exceed the bound for a median at "
                              "or below it (binomial sign test)")


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(check_registry, "CHECK_REGISTRY", NamedTable(
        Check, "check", check_registry.ENTRY_POINT_GROUP, check_registry.CheckPluginWarning, BUILTIN_CHECKS))
    monkeypatch.delenv("METABOUND_NO_PLUGINS", raising=False)
    import verification.claims as claims
    monkeypatch.setattr(claims, "CHECK_REGISTRY", check_registry.CHECK_REGISTRY)
    return check_registry.CHECK_REGISTRY


def test_every_built_in_check_is_an_object_with_its_attributes():
    assert set(CHECKS) == {c.name for c in BUILTIN_CHECKS}
    assert {n for n, c in CHECK_REGISTRY.items() if c.per_claim} == {"rate", "rate-at-least", "exponent"}
    assert {n for n, c in CHECK_REGISTRY.items() if c.always} == {"upper-always", "lower-always"}
    assert get_check("separation").requires == ("versus",) and get_check("upper-whp").requires == ("fail_prob",)
    assert get_check("exact").bound_sign == "nonnegative" and get_check("rate").bound_sign == "positive"
    with pytest.raises(ValueError, match="unknown check 'nope'; known: upper-whp"):
        get_check("nope")


def test_a_check_refuses_bad_attributes():
    with pytest.raises(ValueError, match="side must be one of"):
        Check("upper-x", "above", point_upper_median)
    with pytest.raises(ValueError, match="requires names 'level'"):
        Check("upper-x", "upper", point_upper_median, requires=("level",))
    with pytest.raises(ValueError, match="lower-case dashed name"):
        Check("Upper X", "upper", point_upper_median)


MEDIAN_CLAIM = dict(setting="linear", learner="target-only", check="upper-median", params=dict(d=5, k=2, T=2, n=5),
                    sweep=dict(m=[12, 20]), reps=200)


def test_a_registered_check_runs_and_is_reported(fresh, tmp_path):
    with pytest.raises(ClaimError, match="unknown check 'upper-median'"):
        verify([Claim(id="median", bound="target-only", **MEDIAN_CLAIM)], backend="serial", store=None)
    register_check(UPPER_MEDIAN)
    register_check(UPPER_MEDIAN)                                  # the same object twice: nothing happens
    with pytest.raises(ValueError, match="'upper-mean' is already registered"):
        register_check(Check("upper-mean", "upper", point_upper_median))
    # the median of the OLS excess risk is below its mean, sigma^2 d/(m - d - 1): holds; a quarter of it fails
    good = Claim(id="median-holds", bound="target-only", **MEDIAN_CLAIM)
    bad = Claim(id="median-fails", bound="0.25*sigma**2*d/(m - d - 1)", **MEDIAN_CLAIM)
    out = tmp_path / "report"
    result = verify([good, bad], backend="serial", store=None, out=out)
    assert result.statuses() == {"median-holds": "pass", "median-fails": "fail"}
    claims = {c["id"]: c for c in json.loads((out / "results.json").read_text())["claims"]}
    assert claims["median-holds"]["check_info"]["description"] == "upper bound on the median risk"
    md = (out / "report.md").read_text()
    assert "upper bound on the median risk" in md and "binomial sign test" in md
    assert "median-fails" in (out / "junit.xml").read_text()
    assert all(math.isfinite(p["margin"]) for p in claims["median-holds"]["points"])


def test_the_report_of_an_unregistered_check_uses_what_results_json_stored(fresh):
    stored = {"check": "upper-median", "check_info": UPPER_MEDIAN.describe()}
    check = check_of(stored)                       # not registered in this process
    assert (check.side, check.description) == ("upper", "upper bound on the median risk")
    with pytest.raises(RuntimeError, match="not registered"):
        check.rule(None, 0.01)
    assert check_of({"check": "Weird name!"}).name == "unknown"


def test_the_entry_point_group_registers_checks(fresh, tmp_path, monkeypatch):
    info = tmp_path / "fake_checks-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-checks\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[metabound.checks]\nupper-median = fake_checks_mod:UPPER_MEDIAN\n"
                                           "broken = fake_checks_mod:MISSING\n")
    (tmp_path / "fake_checks_mod.py").write_text(textwrap.dedent('''
        from verification import Check
        UPPER_MEDIAN = Check("upper-median", "upper", lambda sample, level: {}, description="median")
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.warns(check_registry.CheckPluginWarning, match="entry point 'broken'.*AttributeError"):
        assert "upper-median" in check_registry.CHECK_REGISTRY
    records = check_registry.check_plugin_records()
    assert sorted(r[3] for r in records) == [(), ("upper-median",)]
    assert {r[0]: r[4] is None for r in records} == {"broken": False, "upper-median": True}
