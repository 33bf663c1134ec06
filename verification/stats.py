"""Interval estimates and tests used by the decision rules.

All functions are pure functions of numpy arrays.  ``level`` is always the
*one-sided* error probability of one side of an interval (a two-sided interval
built with ``level`` has coverage ``1 - 2*level``).

References
----------
T. W. Anderson (1969), Confidence limits for the expected value of an
arbitrary bounded random variable with a continuous distribution function.
P. Massart (1990), The tight constant in the Dvoretzky-Kiefer-Wolfowitz
inequality, Ann. Probab. 18(3).
P. Hall (1992), On the removal of skewness by transformation, JRSS B 54(1).
E. C. Fieller (1954), Some problems in interval estimation, JRSS B 16(2).
S. Holm (1979), A simple sequentially rejective multiple test procedure,
Scand. J. Statist. 6(2).
R. T. Birge (1932), The calculation of errors by the method of least squares,
Phys. Rev. 40.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

__all__ = [
    "binom_violation_pvalue", "clopper_pearson_upper",
    "hall_t", "mean_pvalue_greater", "mean_pvalue_less", "mean_interval",
    "anderson_lcb", "anderson_pvalue",
    "fieller_ratio_interval", "wls_slope", "holm",
]


# --------------------------------------------------------------- binomial
def binom_violation_pvalue(violations: int, reps: int, fail_prob: float) -> float:
    """Exact one-sided p-value of H0: violation probability <= ``fail_prob``.

    ``P(Binomial(reps, fail_prob) >= violations)``.
    """
    if violations <= 0:
        return 1.0
    return float(stats.binom.sf(violations - 1, reps, fail_prob))


def clopper_pearson_upper(violations: int, reps: int, level: float) -> float:
    """Exact (Clopper-Pearson) upper confidence bound of a binomial rate."""
    if violations >= reps:
        return 1.0
    return float(stats.beta.ppf(1.0 - level, violations + 1, reps - violations))


# ----------------------------------------- means: Hall's skewness-corrected t
def _moments(x: np.ndarray) -> tuple[int, float, float, float]:
    x = np.asarray(x, dtype=float).ravel()
    n = x.size
    if n < 2:
        raise ValueError("need at least 2 replicates")
    mean = float(x.mean())
    s = float(x.std(ddof=1))
    gamma = float(np.mean((x - mean) ** 3) / s ** 3) if s > 0 else 0.0
    return n, mean, s, gamma


def hall_t(x: np.ndarray, mu0: float) -> tuple[float, int]:
    """Hall's skewness-corrected t statistic for H0: mean = ``mu0``.

    With ``u = (xbar - mu0)/s`` and sample skewness ``g``,
    ``T = sqrt(n) (u + g u^2/3 + g^2 u^3/27 + g/(6n))``, referred to Student's
    t with ``n - 1`` degrees of freedom.  The cubic is monotone in ``u`` and
    removes the first-order effect of skewness on the distribution of the t
    statistic (Hall 1992), which matters in the far tails used here: for
    right-skewed risks the plain t interval's upper end is too low.
    """
    n, mean, s, g = _moments(x)
    if s <= 0:
        diff = mean - mu0
        return (math.copysign(math.inf, diff) if diff != 0 else 0.0), n - 1
    u = (mean - mu0) / s
    return float(math.sqrt(n) * (u + g * u * u / 3 + g * g * u ** 3 / 27 + g / (6 * n))), n - 1


def _hall_inverse(y: float, g: float, n: int) -> float:
    """The ``u`` with ``u + g u^2/3 + g^2 u^3/27 + g/(6n) = y``."""
    if abs(g) < 1e-12:
        return y
    return float(3.0 / g * (np.cbrt(1.0 + g * (y - g / (6 * n))) - 1.0))


def mean_pvalue_greater(x: np.ndarray, mu0: float = 0.0) -> float:
    """p-value of H0: E x <= mu0 against E x > mu0 (Hall's t)."""
    t, dof = hall_t(x, mu0)
    return float(stats.t.sf(t, dof))


def mean_pvalue_less(x: np.ndarray, mu0: float = 0.0) -> float:
    """p-value of H0: E x >= mu0 against E x < mu0 (Hall's t)."""
    t, dof = hall_t(x, mu0)
    return float(stats.t.cdf(t, dof))


def mean_interval(x: np.ndarray, level: float) -> tuple[float, float]:
    """Hall-corrected t interval for the mean, each side at ``level``.

    The interval inverts :func:`hall_t`: ``[lo, hi]`` holds the ``mu0`` that
    neither one-sided test rejects at ``level``.
    """
    n, mean, s, g = _moments(x)
    if s <= 0:
        return mean, mean
    q = stats.t.isf(level, n - 1) / math.sqrt(n)
    lo = mean - s * _hall_inverse(q, g, n)
    hi = mean - s * _hall_inverse(-q, g, n)
    return float(lo), float(hi)


# ------------------------------------ means of non-negative data: Anderson
def _anderson_integral(xs_sorted: np.ndarray, eps: float) -> float:
    """``int_0^inf max(S_hat(t) - eps, 0) dt`` for sorted non-negative data."""
    n = xs_sorted.size
    grid = np.concatenate(([0.0], xs_sorted))
    gaps = np.diff(grid)                       # x_(i+1) - x_(i), i = 0..n-1
    surv = (n - np.arange(n)) / n              # S_hat on [x_(i), x_(i+1))
    return float(np.sum(gaps * np.clip(surv - eps, 0.0, None)))


def anderson_lcb(x: np.ndarray, level: float) -> float:
    """Distribution-free lower confidence bound of the mean of ``x >= 0``.

    With probability at least ``1 - level`` the survival function satisfies
    ``S(t) >= S_hat(t) - eps`` for all t, ``eps = sqrt(log(1/level)/(2n))``
    (one-sided DKW inequality with Massart's constant), hence
    ``E x = int S >= int max(S_hat - eps, 0)``.  Exact in finite samples, for
    any distribution on ``[0, inf)``.
    """
    x = np.sort(np.asarray(x, dtype=float).ravel())
    if x.size == 0 or x[0] < 0:
        raise ValueError("anderson_lcb needs non-negative data")
    eps = math.sqrt(math.log(1.0 / level) / (2.0 * x.size))
    return _anderson_integral(x, eps)


def anderson_pvalue(x: np.ndarray, mu0: float) -> float:
    """p-value of H0: E x <= mu0 matching :func:`anderson_lcb`.

    The smallest ``level`` at which ``anderson_lcb(x, level) > mu0``.
    """
    x = np.sort(np.asarray(x, dtype=float).ravel())
    if x.size == 0 or x[0] < 0:
        raise ValueError("anderson_pvalue needs non-negative data")
    n = x.size
    if x.mean() <= mu0:
        return 1.0
    if mu0 <= 0:
        eps = 1.0 - 1.0 / n                    # integral stays > 0 up to here
    else:
        eps = optimize.brentq(lambda e: _anderson_integral(x, e) - mu0, 0.0, 1.0,
                              xtol=1e-12)
    return float(min(1.0, math.exp(-2.0 * n * eps * eps)))


# ------------------------------------------------------ ratio of two means
def fieller_ratio_interval(a: np.ndarray, b: np.ndarray,
                           level: float) -> tuple[float, float]:
    """Fieller interval for ``E a / E b`` from paired replicates.

    The set of ratios r for which the t test of ``mean(a - r b) = 0`` does not
    reject at ``level`` on either side.  Returns ``(-inf, inf)`` when ``E b``
    is not significantly non-zero (the set is then unbounded).
    """
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    n = a.size
    q2 = stats.t.isf(level, n - 1) ** 2
    cov = np.cov(a, b, ddof=1)
    saa, sab, sbb = cov[0, 0] / n, cov[0, 1] / n, cov[1, 1] / n
    am, bm = a.mean(), b.mean()
    qa = bm * bm - q2 * sbb
    qb = am * bm - q2 * sab
    qc = am * am - q2 * saa
    disc = qb * qb - qa * qc
    if qa <= 0 or disc < 0:
        return -math.inf, math.inf
    root = math.sqrt(disc)
    return float((qb - root) / qa), float((qb + root) / qa)


# -------------------------------------------------------- weighted slope
def wls_slope(x: np.ndarray, y: np.ndarray, var_y: np.ndarray) -> dict:
    """Weighted least-squares slope of ``y`` on ``x`` with known variances.

    Returns ``slope``, ``intercept``, ``se`` and ``birge`` (the reduced
    chi-square, ``chi2 / (points - 2)``).  ``se`` is the known-variance
    standard error multiplied by ``sqrt(max(1, birge))``: when the points
    scatter about the line more than their Monte Carlo error explains (lack
    of fit), the error bar grows accordingly.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    w = 1.0 / np.asarray(var_y, dtype=float)
    xw = np.sum(w * x) / np.sum(w)
    yw = np.sum(w * y) / np.sum(w)
    sxx = np.sum(w * (x - xw) ** 2)
    if not sxx > 0:
        raise ValueError("the bound does not vary across the sweep")
    slope = np.sum(w * (x - xw) * (y - yw)) / sxx
    intercept = yw - slope * xw
    resid = y - intercept - slope * x
    dof = x.size - 2
    birge = float(np.sum(w * resid ** 2) / dof) if dof > 0 else 1.0
    se = math.sqrt(1.0 / sxx * max(1.0, birge))
    return {"slope": float(slope), "intercept": float(intercept),
            "se": float(se), "birge": birge}


# ------------------------------------------------------------------ Holm
def holm(pvalues, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Holm's step-down procedure.

    Returns ``(rejected, adjusted)``: boolean rejections at family-wise level
    ``alpha`` and Holm-adjusted p-values (reject iff adjusted <= alpha).
    """
    p = np.asarray(pvalues, dtype=float).ravel()
    m = p.size
    if m == 0:
        return np.zeros(0, bool), np.zeros(0)
    order = np.argsort(p, kind="stable")
    adj_sorted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    adjusted = np.empty(m)
    adjusted[order] = adj_sorted
    return adjusted <= alpha, adjusted
