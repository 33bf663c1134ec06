"""Decision rules on synthetic risk samples with known answers."""

import numpy as np
import pytest

from verification.checks import PointSample, decide, run_check


def chi2_risk(rng, dof, scale, reps=200):
    """Risk sample with mean dof * scale (a scaled chi-square, skewed, >= 0)."""
    return scale * rng.chisquare(dof, reps)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


MS = [20, 40, 80, 160]


def ols_points(rng, bound_fn, reps=200, d=10):
    """Points whose true mean risk is d/m."""
    return [PointSample(risk=chi2_risk(rng, d, 1 / m, reps), bound=bound_fn(m),
                        params={"m": m}) for m in MS]


# ---------------------------------------------------------------- upper-mean
def test_upper_mean_passes_correct_bound(rng):
    status, res = decide("upper-mean", ols_points(rng, lambda m: 1.1 * 10 / m))
    assert status == "pass"
    rec = res.points[0]
    assert rec["margin"] == pytest.approx(rec["bound"] / rec["mean"])
    assert rec["rule"] == "anderson-dkw" and rec["status"] == "pass"


def test_upper_mean_passes_exact_mean(rng):
    assert decide("upper-mean", ols_points(rng, lambda m: 10 / m))[0] == "pass"


def test_upper_mean_fails_bound_scaled_down_10x(rng):
    status, res = decide("upper-mean", ols_points(rng, lambda m: 0.1 * 10 / m))
    assert status == "fail"
    assert all(p["status"] == "fail" for p in res.points)


def test_upper_mean_fails_when_only_one_point_is_wrong(rng):
    status, res = decide("upper-mean", ols_points(
        rng, lambda m: 10 / m if m != 160 else 0.5 * 10 / m))
    assert status == "fail"
    assert [p["status"] for p in res.points] == ["pass", "pass", "pass", "fail"]


def test_upper_mean_per_replicate_bound_uses_paired_differences(rng):
    risk = chi2_risk(rng, 10, 0.1)
    extra = 0.1 * rng.exponential(size=risk.size)
    ok = PointSample(risk=risk + extra, bound=1.0 + 2 * extra)   # mean diff < 0
    bad = PointSample(risk=risk + extra, bound=0.5 + extra)      # mean diff = 0.5
    s_ok, r_ok = decide("upper-mean", [ok])
    s_bad, r_bad = decide("upper-mean", [bad])
    assert (s_ok, s_bad) == ("pass", "fail")
    assert r_ok.points[0]["rule"] == "hall-t paired"


# ---------------------------------------------------------------- lower-mean
def test_lower_mean_passes_true_lower_bound(rng):
    assert decide("lower-mean", ols_points(rng, lambda m: 0.9 * 10 / m))[0] == "pass"
    assert decide("lower-mean", ols_points(rng, lambda m: 10 / m))[0] == "pass"


def test_lower_mean_fails_when_bound_is_really_an_upper_bound(rng):
    status, res = decide("lower-mean", ols_points(rng, lambda m: 1.5 * 10 / m))
    assert status == "fail"
    assert all(p["ci_high"] < p["bound"] for p in res.points)


# ---------------------------------------------------------------- upper-whp
def test_upper_whp_counts_violations_against_quantile(rng):
    from scipy import stats as sps
    # bound = 0.99 quantile of the risk distribution, fail_prob = 0.05: passes
    pts = [PointSample(risk=chi2_risk(rng, 10, 1 / m, 400),
                       bound=sps.chi2.ppf(0.99, 10) / m, fail_prob=0.05, params={"m": m})
           for m in MS]
    status, res = decide("upper-whp", pts)
    assert status == "pass"
    assert all(p["violations"] <= 0.05 * 400 for p in res.points)
    # bound = median: violation rate 0.5 >> fail_prob
    pts = [PointSample(risk=chi2_risk(rng, 10, 1 / m, 400),
                       bound=sps.chi2.ppf(0.5, 10) / m, fail_prob=0.05) for m in MS]
    status, res = decide("upper-whp", pts)
    assert status == "fail"
    assert all(p["violation_rate"] > 0.3 for p in res.points)


def test_lower_whp_counts_replicates_below_the_bound(rng):
    from scipy import stats as sps
    # bound = 0.01 quantile, fail_prob = 0.05: passes; bound = median: half the replicates below, fails
    ok = [PointSample(risk=chi2_risk(rng, 10, 1 / m, 400), bound=sps.chi2.ppf(0.01, 10) / m, fail_prob=0.05)
          for m in MS]
    status, res = decide("lower-whp", ok)
    assert status == "pass"
    assert all(p["violations"] <= 0.05 * 400 and p["baseline"] == 0.0 and not p["vacuous"] for p in res.points)
    assert all(p["margin"] == pytest.approx(p["mean"] / p["bound"]) for p in res.points)
    bad = [PointSample(risk=chi2_risk(rng, 10, 1 / m, 400), bound=sps.chi2.ppf(0.5, 10) / m, fail_prob=0.05)
           for m in MS]
    status, res = decide("lower-whp", bad)
    assert status == "fail"
    assert all(p["violation_rate"] > 0.3 for p in res.points)
    # the side matters: the same points fail upper-whp (99% of the replicates lie above that bound)
    assert decide("upper-whp", ok)[0] == "fail"


def test_lower_whp_needs_fail_prob_and_a_positive_bound_to_say_anything(rng):
    risk = chi2_risk(rng, 10, 1.0, 50)
    with pytest.raises(Exception, match="fail_prob"):
        decide("lower-whp", [PointSample(risk=risk, bound=1.0)])
    status, res = decide("lower-whp", [PointSample(risk=risk, bound=0.0, fail_prob=0.05)])
    assert status == "vacuous" and res.points[0]["vacuous"]


def test_upper_whp_exact_rate_at_fail_prob_passes(rng):
    from scipy import stats as sps
    pts = [PointSample(risk=chi2_risk(rng, 10, 1.0, 400),
                       bound=sps.chi2.ppf(0.9, 10), fail_prob=0.1) for _ in range(3)]
    assert decide("upper-whp", pts)[0] == "pass"


# ---------------------------------------------------------------- rates
def test_rate_passes_correct_shape(rng):
    status, res = decide("rate", ols_points(rng, lambda m: 10 / m))
    assert status == "pass"
    assert res.fit["slope"] == pytest.approx(1, abs=0.1)


def test_rate_shape_ignores_constant_factor(rng):
    assert decide("rate", ols_points(rng, lambda m: 42 * 10 / m))[0] == "pass"


def test_rate_fails_exponent_off_by_half(rng):
    status, res = decide("rate", ols_points(rng, lambda m: (10 / m) ** 0.5))
    assert status == "fail"                       # slope of log risk on log bound = 2
    assert res.fit["slope_ci"][0] > 1.2
    status, res = decide("rate", ols_points(rng, lambda m: (10 / m) ** 1.5))
    assert status == "fail"                       # slope 2/3
    assert res.fit["slope_ci"][1] < 0.8


def test_rate_at_least(rng):
    # risk decays like 1/m; a bound decaying like 1/sqrt(m) is slower: slope 2 >= 0.8
    assert decide("rate-at-least", ols_points(rng, lambda m: (10 / m) ** 0.5))[0] == "pass"
    # a bound decaying like 1/m^2 is faster than the risk: slope 1/2 < 0.8
    assert decide("rate-at-least", ols_points(rng, lambda m: (10 / m) ** 2))[0] == "fail"


def test_rate_tol(rng):
    pts = ols_points(rng, lambda m: (10 / m) ** (1 / 1.6))   # slope 1.6
    assert decide("rate", pts)[0] == "fail"
    assert decide("rate", pts, tol=0.7)[0] == "pass"


def test_rate_needs_three_points(rng):
    with pytest.raises(ValueError, match="at least 3"):
        run_check("rate", ols_points(rng, lambda m: 1 / m)[:2], 1e-3)


# ---------------------------------------------------------------- separation
def sep_points(rng, bound, ratio=0.25, reps=200):
    pts = []
    for m in MS:
        b = chi2_risk(rng, 10, 1 / m, reps)
        a = ratio * b * rng.uniform(0.5, 1.5, reps)   # paired, mean ratio = ratio
        pts.append(PointSample(risk=a, versus=b, bound=bound, params={"m": m}))
    return pts


def test_separation_passes_true_ratio_bound(rng):
    status, res = decide("separation", sep_points(rng, 0.5))
    assert status == "pass"
    assert res.points[0]["ratio"] == pytest.approx(0.25, rel=0.15)
    assert res.points[0]["ci_low"] < 0.25 < res.points[0]["ci_high"]


def test_separation_fails_when_claimed_the_wrong_way_round(rng):
    # A is 4x better than B; claiming B / A <= 0.5 is wrong
    pts = [PointSample(risk=p.versus, versus=p.risk, bound=0.5, params=p.params)
           for p in sep_points(rng, 0.5)]
    status, res = decide("separation", pts)
    assert status == "fail"
    assert all(p["ci_low"] > 0.5 for p in res.points)


def test_separation_bound_at_true_ratio_passes(rng):
    assert decide("separation", sep_points(rng, 0.25))[0] == "pass"


# ---------------------------------------------------- error-rate calibration
@pytest.mark.slow
@pytest.mark.parametrize("check, bound_factor", [
    ("upper-mean", 1.0), ("lower-mean", 1.0), ("separation", None), ("rate", 1.0)])
def test_false_failure_rate_of_correct_claims(check, bound_factor):
    """At alpha = 0.05, a claim exactly at the boundary of H0 fails <= ~5%."""
    rng = np.random.default_rng(7)
    fails = 0
    runs = 300
    for _ in range(runs):
        if check == "separation":
            pts = sep_points(rng, 0.25, reps=100)
        else:
            pts = ols_points(rng, lambda m: bound_factor * 10 / m, reps=100)
        fails += decide(check, pts, alpha=0.05)[0] == "fail"
    assert fails / runs <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / runs)
