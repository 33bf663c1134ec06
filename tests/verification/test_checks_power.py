"""The new decision rules and the power fields: exact, always, exponent, screening, premises, vacuity, resolution."""

import math

import numpy as np
import pytest

from verification.checks import POWER, PointSample, decide, run_check, screen


@pytest.fixture
def rng():
    return np.random.default_rng(2024)


def chi2(rng, mean, reps, dof=10):
    return mean / dof * rng.chisquare(dof, reps)


# ------------------------------------------------------------------ screening
def test_a_nan_bound_is_an_error_never_a_pass(rng):
    risk = chi2(rng, 1.0, 50)
    bound = np.full(50, 2.0)
    bound[3] = np.nan
    status, res = decide("upper-mean", [PointSample(risk=risk, bound=bound)])
    assert status == "error"
    assert res.points[0]["status"] == "error" and "bound is not finite in 1 of 50" in res.points[0]["message"]
    assert res.tests == []


@pytest.mark.parametrize("check", ["upper-mean", "upper-whp", "lower-whp", "lower-mean", "exact", "upper-always",
                                   "lower-always"])
def test_an_all_nan_bound_errs_for_every_point_check(rng, check):
    sample = PointSample(risk=chi2(rng, 1.0, 30), bound=np.full(30, np.nan), fail_prob=0.05)
    assert decide(check, [sample])[0] == "error"


def test_a_non_finite_risk_or_comparison_is_an_error(rng):
    risk = chi2(rng, 1.0, 30)
    risk[0] = np.inf
    assert decide("upper-mean", [PointSample(risk=risk, bound=10.0)])[0] == "error"
    a, b = chi2(rng, 1.0, 30), chi2(rng, 2.0, 30)
    b[5] = np.nan
    assert decide("separation", [PointSample(risk=a, bound=1.0, versus=b)])[0] == "error"


def test_repeated_replicates_are_an_error(rng):
    risk = np.repeat(chi2(rng, 1.0, 1), 40)             # every replicate identical: a shared seed
    error, _ = screen(PointSample(risk=risk, bound=2.0))
    assert error is not None and "not independent" in error
    assert decide("upper-mean", [PointSample(risk=risk, bound=2.0)])[0] == "error"
    zeros = np.zeros(40)                                  # exact zeros are legitimate (noiseless fits)
    assert screen(PointSample(risk=zeros, bound=1.0))[0] is None


def test_an_error_in_one_point_of_a_rate_claim_errs_the_claim(rng):
    pts = [PointSample(risk=chi2(rng, 1.0 / m, 100), bound=1.0 / m, params={"m": m}) for m in (10, 20, 40)]
    pts[1].risk[0] = np.nan
    assert decide("rate", pts)[0] == "error"


# ------------------------------------------------------------------ premises
def test_a_violated_premise_fails_the_point_with_p_value_zero(rng):
    risk = chi2(rng, 1.0, 50)
    holds = np.ones(50, bool)
    holds[7] = False
    status, res = decide("upper-mean", [PointSample(risk=risk, bound=5.0, premises=(("a <= b", holds),))])
    rec = res.points[0]
    assert status == "fail" and rec["p_value"] == 0.0
    assert rec["premise_violations"] == {"a <= b": 1}
    ok = PointSample(risk=risk, bound=5.0, premises=(("a <= b", np.ones(50, bool)),))
    assert decide("upper-mean", [ok])[0] == "pass"


# ------------------------------------------------------------------ vacuity
def test_upper_bound_at_or_above_the_baseline_is_vacuous(rng):
    risk = chi2(rng, 1.0, 100)
    base = np.full(100, 3.0)
    status, res = decide("upper-mean", [PointSample(risk=risk, bound=3.5, baseline=base)])
    assert status == "vacuous" and res.points[0]["vacuous"] and res.points[0]["status"] == "vacuous"
    status, res = decide("upper-mean", [PointSample(risk=risk, bound=2.5, baseline=base)])
    assert status == "pass" and not res.points[0]["vacuous"]


def test_vacuity_of_whp_counts_how_often_the_witness_would_violate(rng):
    risk = chi2(rng, 1.0, 100)
    base = chi2(rng, 3.0, 100)
    bound = np.quantile(base, 0.99)             # the witness violates in about 1% < fail_prob
    s, res = decide("upper-whp", [PointSample(risk=risk, bound=bound, fail_prob=0.05, baseline=base)])
    assert s == "vacuous"
    bound = np.quantile(base, 0.5)              # the witness violates half the time
    s, res = decide("upper-whp", [PointSample(risk=risk, bound=bound, fail_prob=0.05, baseline=base)])
    assert s == "pass" and not res.points[0]["vacuous"]


def test_a_lower_bound_at_or_below_zero_is_vacuous(rng):
    risk = chi2(rng, 1.0, 50)
    assert decide("lower-mean", [PointSample(risk=risk, bound=0.0)])[0] == "vacuous"
    assert decide("lower-always", [PointSample(risk=risk, bound=np.zeros(50))])[0] == "vacuous"


def test_a_vacuous_point_that_fails_is_a_failure(rng):
    risk = chi2(rng, 5.0, 100)
    s, _ = decide("upper-mean", [PointSample(risk=risk, bound=2.0, baseline=np.full(100, 1.0))])
    assert s == "fail"


# ------------------------------------------------------------------ margins
def test_margins_are_oriented_so_that_above_one_means_holds(rng):
    risk = chi2(rng, 1.0, 200)
    up = decide("upper-mean", [PointSample(risk=risk, bound=2.0)])[1].points[0]
    lo = decide("lower-mean", [PointSample(risk=risk, bound=0.5)])[1].points[0]
    assert up["margin"] == pytest.approx(2.0 / risk.mean())
    assert lo["margin"] == pytest.approx(risk.mean() / 0.5)
    ex = decide("exact", [PointSample(risk=risk, bound=1.0)])[1].points[0]
    assert ex["margin"] >= 1 and ex["margin"] == pytest.approx(max(risk.mean(), 1 / risk.mean()))


# ------------------------------------------------------------------ resolution
@pytest.mark.parametrize("check", ["upper-mean", "upper-whp", "lower-whp", "lower-mean", "exact", "upper-always",
                                   "lower-always"])
def test_resolution_is_at_least_one_and_finite_for_a_tight_point(rng, check):
    risk = chi2(rng, 1.0, 300)
    bound = {"upper-mean": 1.0, "upper-whp": float(np.quantile(risk, 0.97)), "lower-mean": 1.0,
             "lower-whp": float(np.quantile(risk, 0.03)),
             "exact": 1.0, "upper-always": float(risk.max()) * 1.01, "lower-always": float(risk.min()) * 0.99}[check]
    rec = decide(check, [PointSample(risk=risk, bound=bound, fail_prob=0.05)])[1].points[0]
    assert rec["resolution"] != "inf" and 1 <= rec["resolution"] < 3


@pytest.mark.parametrize("rule, kind", [("upper-mean", "constant"), ("upper-mean", "per-replicate"),
                                        ("exact", "constant"), ("lower-mean", "constant")])
def test_the_resolution_factor_is_detected_with_about_the_stated_power(rule, kind):
    """A bound wrong by the reported resolution is caught in at least POWER of resamples (not about half).

    The resolution is a plug-in quantity (the observed sample stands for the risk's distribution), so the
    fresh samples are bootstrap resamples of the observed one (decided by the rule itself: resamples repeat
    values, which the screening would refuse).
    """
    from verification.checks import point_exact, point_lower_mean, point_upper_mean

    point = {"upper-mean": point_upper_mean, "exact": point_exact, "lower-mean": point_lower_mean}[rule]
    rng = np.random.default_rng(7)
    reps, level = 200, 1e-3 / 40
    first = chi2(rng, 1.0, reps)
    bound = np.full(reps, 1.0) if kind == "constant" else 1.0 + 1e-9 * np.arange(reps)
    f = point(PointSample(risk=first, bound=bound), level)["resolution"]
    assert 1 < f < 2
    wrong = bound * f if rule == "lower-mean" else bound / f
    caught = np.mean([point(PointSample(risk=rng.choice(first, reps), bound=wrong), level)["p_value"] <= level
                      for _ in range(200)])
    assert POWER - 0.03 <= caught <= 1.0


def test_resolution_is_inf_when_the_check_cannot_reject():
    rng = np.random.default_rng(1)
    risk = chi2(rng, 1.0, 20)
    # upper-whp with fail_prob close to 1: no number of violations among 20 is significant at this level
    rec = run_check("upper-whp", [PointSample(risk=risk, bound=0.5, fail_prob=0.99)], 1e-6).points[0]
    assert rec["resolution"] == "inf"


# ------------------------------------------------------------------ exact
def test_exact_passes_the_true_mean_and_fails_a_ten_percent_error(rng):
    risk = chi2(rng, 2.0, 3000, dof=50)
    assert decide("exact", [PointSample(risk=risk, bound=2.0)])[0] == "pass"
    assert decide("exact", [PointSample(risk=risk, bound=2.2)])[0] == "fail"
    assert decide("exact", [PointSample(risk=risk, bound=1.8)])[0] == "fail"
    assert decide("exact", [PointSample(risk=risk, bound=2.2)], band=(0.85, 1.0))[0] == "pass"


def test_exact_with_per_replicate_expectations_pairs_the_differences(rng):
    expected = rng.uniform(0.5, 2.0, 200)
    risk = expected * rng.chisquare(20, 200) / 20
    assert decide("exact", [PointSample(risk=risk, bound=expected)])[0] == "pass"
    assert decide("exact", [PointSample(risk=1.15 * risk, bound=expected)])[0] == "fail"


# ------------------------------------------------------------------ always
def test_upper_always_fails_on_one_violation_and_passes_otherwise(rng):
    risk = chi2(rng, 1.0, 30)
    bound = risk * 1.5
    assert decide("upper-always", [PointSample(risk=risk, bound=bound)])[0] == "pass"
    bound[4] = risk[4] * 0.999
    status, res = decide("upper-always", [PointSample(risk=risk, bound=bound)])
    assert status == "fail" and res.points[0]["violations"] == 1
    assert res.points[0]["margin"] == pytest.approx(0.999)


def test_lower_always_tolerates_rounding_only(rng):
    risk = chi2(rng, 1.0, 30)
    assert decide("lower-always", [PointSample(risk=risk, bound=risk * (1 + 1e-12))])[0] == "pass"
    assert decide("lower-always", [PointSample(risk=risk, bound=risk * (1 + 1e-6))])[0] == "fail"


# ------------------------------------------------------------------ exponent
def test_exponent_accepts_a_flat_risk_and_rejects_a_linear_one(rng):
    ds = [10, 20, 40, 80]
    flat = [PointSample(risk=chi2(rng, 1.0, 200), bound=1.0, params={"d": d}) for d in ds]
    grow = [PointSample(risk=chi2(rng, d / 10, 200), bound=1.0, params={"d": d}) for d in ds]
    status, res = decide("exponent", flat, along="d", exponent=(-0.2, 0.2))
    assert status == "pass" and abs(res.fit["slope"]) < 0.2
    status, res = decide("exponent", grow, along="d", exponent=(-0.2, 0.2))
    assert status == "fail" and res.fit["slope"] == pytest.approx(1, abs=0.1)
    assert res.fit["resolution"] > 0
