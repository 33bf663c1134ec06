"""Interval estimates and tests against known answers."""

import math

import numpy as np
import pytest
from scipy import stats as sps

from verification import stats


def test_binomial_pvalue_exact():
    # P(Bin(10, 0.1) >= 3) = 1 - P(<= 2)
    assert stats.binom_violation_pvalue(3, 10, 0.1) == pytest.approx(
        1 - sum(math.comb(10, j) * 0.1 ** j * 0.9 ** (10 - j) for j in range(3)))
    assert stats.binom_violation_pvalue(0, 10, 0.1) == 1.0


def test_clopper_pearson_upper_zero_violations():
    # with v = 0 the upper bound solves (1 - p)^n = level
    assert stats.clopper_pearson_upper(0, 100, 0.05) == pytest.approx(1 - 0.05 ** (1 / 100))


def test_holm_known_example():
    rej, adj = stats.holm([0.01, 0.04, 0.03, 0.005], 0.05)
    np.testing.assert_allclose(adj, [0.03, 0.06, 0.06, 0.02])
    assert rej.tolist() == [True, False, False, True]


def test_anderson_lcb_is_below_mean_and_matches_pvalue():
    rng = np.random.default_rng(1)
    x = rng.exponential(size=300)
    lcb = stats.anderson_lcb(x, 1e-3)
    assert 0 < lcb < x.mean()
    # the p-value at mu0 = lcb is the level itself
    assert stats.anderson_pvalue(x, lcb) == pytest.approx(1e-3, rel=1e-4)
    assert stats.anderson_pvalue(x, x.mean() * 1.01) == 1.0


def test_anderson_lcb_constant_sample():
    # all mass at 1: LCB = 1 - eps
    x = np.ones(50)
    eps = math.sqrt(math.log(1 / 0.01) / 100)
    assert stats.anderson_lcb(x, 0.01) == pytest.approx(1 - eps)


def test_anderson_lcb_coverage_heavy_tail():
    """Distribution-free: coverage holds even for a lognormal with sigma = 2."""
    rng = np.random.default_rng(2)
    mu = math.exp(2.0)                          # mean of lognormal(0, 2)
    misses = sum(stats.anderson_lcb(rng.lognormal(0, 2, 50), 0.05) > mu
                 for _ in range(400))
    assert misses / 400 <= 0.05


def test_hall_t_is_student_t_without_skew_and_its_interval_inverts_the_test():
    rng = np.random.default_rng(3)
    y = rng.normal(size=50)
    sym = np.r_[y, 6.0 - y]                      # symmetric about 3: sample skewness 0
    assert stats.hall_t(sym, 3.4)[0] == pytest.approx(sps.ttest_1samp(sym, 3.4).statistic, rel=1e-12)
    assert stats.mean_pvalue_greater(sym, 3.4) == pytest.approx(
        sps.ttest_1samp(sym, 3.4, alternative="greater").pvalue, rel=1e-10)
    x = rng.chisquare(3, 100)
    lo, hi = stats.mean_interval(x, 0.025)
    assert stats.mean_pvalue_greater(x, lo) == pytest.approx(0.025, rel=1e-6)


def test_fieller_contains_ratio_and_is_exact_for_proportional_pairs():
    rng = np.random.default_rng(4)
    b = rng.exponential(size=200) + 0.5
    lo, hi = stats.fieller_ratio_interval(2 * b, b, 0.01)
    assert lo == pytest.approx(2) and hi == pytest.approx(2)
    a = rng.exponential(size=200) * 3
    lo, hi = stats.fieller_ratio_interval(a, b, 0.01)
    assert lo < a.mean() / b.mean() < hi


def test_fieller_unbounded_when_denominator_not_significant():
    rng = np.random.default_rng(5)
    lo, hi = stats.fieller_ratio_interval(rng.normal(1, 1, 30), rng.normal(0, 1, 30), 0.01)
    assert (lo, hi) == (-math.inf, math.inf)


def test_wls_slope_recovers_line_and_inflates_on_lack_of_fit():
    x = np.log([1, 2, 4, 8.0])
    fit = stats.wls_slope(x, 2 * x + 1, np.full(4, 1e-4))
    assert fit["slope"] == pytest.approx(2) and fit["birge"] == pytest.approx(0, abs=1e-12)
    assert fit["se"] == pytest.approx(math.sqrt(1e-4 / np.sum((x - x.mean()) ** 2)))
    curved = stats.wls_slope(x, x ** 2, np.full(4, 1e-4))
    assert curved["birge"] > 1
    assert curved["se"] > fit["se"]
    with pytest.raises(ValueError, match="does not vary"):
        stats.wls_slope(np.zeros(3), np.ones(3), np.ones(3))


def test_hall_interval_inverts_test_and_corrects_skew():
    rng = np.random.default_rng(6)
    x = rng.exponential(size=200)
    lo, hi = stats.mean_interval(x, 1e-3)
    assert stats.mean_pvalue_less(x, hi) == pytest.approx(1e-3, rel=1e-6)
    # right skew: the interval is shifted up relative to the plain t interval
    half = sps.t.isf(1e-3, 199) * x.std(ddof=1) / np.sqrt(200)
    assert hi > x.mean() + half and lo > x.mean() - half


@pytest.mark.slow
def test_hall_upper_tail_calibration_exponential():
    """P(UCB < mean) at level 1e-3 for exponential data, n = 200: near 1e-3."""
    rng = np.random.default_rng(8)
    X = rng.exponential(size=(20000, 200))
    miss = sum(stats.mean_interval(x, 1e-3)[1] < 1.0 for x in X)
    assert miss / 20000 < 2.5e-3
