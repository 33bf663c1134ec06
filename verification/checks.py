"""Decision rules: pure functions from replicate samples to tests.

Every check turns the samples of a claim (one :class:`PointSample` per sweep
point) into per-point records and a list of hypothesis tests, each with a
p-value.  The null hypothesis of every test is "the claim holds" (the bound is
correct); a claim *fails* when one of its tests is rejected after the
multiplicity correction of the whole run (:func:`verification.stats.holm`).
Intervals in the records are computed at the display level ``level``
(normally the Bonferroni level ``alpha / number_of_tests``, each side).

Decision rules (H0 = the claim is true):

``upper-whp``
    H0: P(risk > bound) <= fail_prob.  Count violations v among R replicates;
    exact binomial p-value ``P(Bin(R, fail_prob) >= v)``.
``upper-mean``
    H0: E risk <= bound.  Constant bound: distribution-free Anderson/DKW lower
    confidence bound of the mean of the non-negative risk (exact).  Bound
    varying per replicate: Hall's skewness-corrected t test on the paired
    differences ``risk - bound`` (H0: mean difference <= 0).
``lower-mean``
    H0: E risk >= bound.  Hall's t test on ``risk - bound`` (H0: mean >= 0);
    fails when the upper confidence bound of the mean is below the bound.
``rate`` / ``rate-at-least``
    One test per claim.  Weighted least squares of log(mean risk) on
    log(mean bound) across the sweep, weights from the Monte Carlo variance of
    the log means (delta method), standard error inflated by the Birge ratio
    when the points scatter more than their Monte Carlo error.  ``rate``:
    H0: slope in [1 - tol, 1 + tol] (two-sided, Bonferroni over both sides);
    ``rate-at-least``: H0: slope >= 1 - tol.
``separation``
    H0: E risk_A / E risk_B <= bound.  Hall's t test on the paired
    differences ``risk_A - bound * risk_B`` (H0: mean <= 0); this is the
    Fieller test, and the reported interval is the Fieller interval of the
    ratio of means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as sps

from . import stats

__all__ = ["CHECKS", "RATE_CHECKS", "DEFAULT_TOL", "MIN_REPS", "PointSample",
           "CheckResult", "run_check", "decide"]

CHECKS = ("upper-whp", "upper-mean", "lower-mean", "rate", "rate-at-least",
          "separation")
RATE_CHECKS = ("rate", "rate-at-least")
DEFAULT_TOL = 0.2
#: Minimum number of replicates per point for checks built on means.
MIN_REPS = 20
#: Minimum number of sweep points for rate checks.
MIN_RATE_POINTS = 3


@dataclass
class PointSample:
    """Replicate samples of one sweep point.

    ``risk`` and ``versus`` have one entry per replicate (paired by index);
    ``bound`` is a scalar or one value per replicate.
    """

    risk: np.ndarray
    bound: np.ndarray | float
    versus: np.ndarray | None = None
    fail_prob: float | None = None
    params: dict = field(default_factory=dict)


@dataclass
class CheckResult:
    """Per-point records and the tests (point index or None, p-value)."""

    points: list[dict]
    tests: list[tuple[int | None, float]]
    fit: dict | None = None


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _base_record(risk: np.ndarray, bound: np.ndarray, level: float) -> dict:
    lo, hi = stats.mean_interval(risk, level)
    mean = float(np.mean(risk))
    bmean = float(np.mean(bound))
    return {
        "bound": bmean,
        "mean": mean,
        "ci_low": lo,
        "ci_high": hi,
        "violations": int(np.sum(risk > bound)),
        "replicates": int(risk.size),
        "margin": _finite(bmean / mean) if mean != 0 else None,
    }


def _bound_array(sample: PointSample) -> np.ndarray:
    b = np.asarray(sample.bound, dtype=float)
    risk = np.asarray(sample.risk, dtype=float)
    return np.broadcast_to(b, risk.shape) if b.ndim == 0 else b


def _point_record(sample: PointSample, level: float) -> tuple[np.ndarray, np.ndarray, dict]:
    """The risks, the bound per replicate and the common record of one point.

    Parameters
    ----------
    sample : PointSample
        The replicates of one sweep point.
    level : float
        Per-side error level of the mean's interval.

    Returns
    -------
    risk : numpy.ndarray
        The risk of every replicate.
    bound : numpy.ndarray
        The bound of every replicate (a constant bound broadcast).
    record : dict
        Bound, mean, interval, violations (risk above the bound), replicates
        and margin (:func:`_base_record`).
    """
    risk = np.asarray(sample.risk, float)
    bound = _bound_array(sample)
    return risk, bound, _base_record(risk, bound, level)


def _constant(b: np.ndarray) -> bool:
    return b.size == 0 or bool(np.all(b == b.flat[0]))


def point_upper_whp(sample: PointSample, level: float) -> dict:
    if sample.fail_prob is None:
        raise ValueError("upper-whp needs fail_prob")
    _, _, rec = _point_record(sample, level)
    v, r = rec["violations"], rec["replicates"]
    rec["fail_prob"] = float(sample.fail_prob)
    rec["violation_rate"] = v / r
    rec["violation_rate_upper"] = stats.clopper_pearson_upper(v, r, level)
    rec["p_value"] = stats.binom_violation_pvalue(v, r, sample.fail_prob)
    rec["rule"] = "exact binomial"
    return rec


def point_upper_mean(sample: PointSample, level: float) -> dict:
    risk, bound, rec = _point_record(sample, level)
    if _constant(bound) and risk.min() >= 0:
        b = float(bound.flat[0])
        rec["ci_low"] = stats.anderson_lcb(risk, level)
        rec["p_value"] = stats.anderson_pvalue(risk, b)
        rec["rule"] = "anderson-dkw"
    else:
        diff = risk - bound
        rec["diff_ci_low"] = stats.mean_interval(diff, level)[0]
        rec["p_value"] = stats.mean_pvalue_greater(diff, 0.0)
        rec["rule"] = "hall-t paired"
    return rec


def point_lower_mean(sample: PointSample, level: float) -> dict:
    risk, bound, rec = _point_record(sample, level)
    rec["violations"] = int(np.sum(risk < bound))      # below a lower bound
    diff = risk - bound
    if not _constant(bound):
        rec["diff_ci_high"] = stats.mean_interval(diff, level)[1]
    rec["p_value"] = stats.mean_pvalue_less(diff, 0.0)
    rec["rule"] = "hall-t"
    return rec


def point_separation(sample: PointSample, level: float) -> dict:
    a = np.asarray(sample.risk, float)
    b = np.asarray(sample.versus, float)
    bound = _bound_array(sample)
    ma, mb = float(a.mean()), float(b.mean())
    ratio = ma / mb if mb != 0 else math.inf
    lo, hi = stats.fieller_ratio_interval(a, b, level)
    bmean = float(np.mean(bound))
    diff = a - bound * b
    a_lo, a_hi = stats.mean_interval(a, level)     # per-learner intervals, for reports
    b_lo, b_hi = stats.mean_interval(b, level)
    return {
        "bound": bmean,
        "mean": ma,
        "mean_versus": mb,
        "mean_ci_low": a_lo,
        "mean_ci_high": a_hi,
        "versus_ci_low": b_lo,
        "versus_ci_high": b_hi,
        "ratio": _finite(ratio),
        "ci_low": _finite(lo),
        "ci_high": _finite(hi),
        "violations": int(np.sum(diff > 0)),
        "replicates": int(a.size),
        "margin": _finite(bmean / ratio) if ratio not in (0, math.inf) else None,
        "p_value": stats.mean_pvalue_greater(diff, 0.0),
        "rule": "fieller (hall-t on risk_A - bound*risk_B)",
    }


def fit_rate(samples: list[PointSample], level: float, tol: float,
             at_least: bool) -> tuple[list[dict], dict]:
    """Records per point and the slope test of a rate claim."""
    records, x, y, var = [], [], [], []
    for s in samples:
        risk, _, rec = _point_record(s, level)
        records.append(rec)
        mean = rec["mean"]
        if not (mean > 0 and rec["bound"] > 0):
            raise ValueError("rate checks need positive mean risk and bound "
                             f"(mean={mean:g}, bound={rec['bound']:g} at {s.params})")
        se2 = risk.var(ddof=1) / risk.size
        x.append(math.log(rec["bound"]))
        y.append(math.log(mean))
        var.append(max(se2 / mean ** 2, 1e-300))
    fit = stats.wls_slope(np.array(x), np.array(y), np.array(var))
    slope, se = fit["slope"], fit["se"]
    lo_t, hi_t = 1.0 - tol, 1.0 + tol
    p_low = float(sps.norm.cdf((slope - lo_t) / se))     # H0: slope >= 1 - tol
    p_high = float(sps.norm.sf((slope - hi_t) / se))     # H0: slope <= 1 + tol
    if at_least:
        p = p_low
        z = sps.norm.isf(level)
    else:
        p = min(1.0, 2.0 * min(p_low, p_high))
        z = sps.norm.isf(level / 2.0)
    fit.update({
        "tol": tol,
        "target": [lo_t, None] if at_least else [lo_t, hi_t],
        "slope_ci": [slope - z * se, slope + z * se],
        "p_value": p,
        "rule": "wls log-log slope, z interval, Birge-inflated",
    })
    return records, fit


_POINT_RULES = {
    "upper-whp": point_upper_whp,
    "upper-mean": point_upper_mean,
    "lower-mean": point_lower_mean,
    "separation": point_separation,
}


def run_check(check: str, samples: list[PointSample], level: float,
              tol: float | None = None) -> CheckResult:
    """Apply the decision rule ``check`` to the samples of one claim.

    ``level`` is the per-side error level of the reported intervals.
    """
    if check in _POINT_RULES:
        rule = _POINT_RULES[check]
        records = []
        for s in samples:
            rec = rule(s, level)
            rec["params"] = dict(s.params)
            records.append(rec)
        return CheckResult(records, [(i, r["p_value"]) for i, r in enumerate(records)])
    if check in RATE_CHECKS:
        if len(samples) < MIN_RATE_POINTS:
            raise ValueError(f"{check} needs at least {MIN_RATE_POINTS} sweep points")
        records, fit = fit_rate(samples, level, DEFAULT_TOL if tol is None else tol,
                                at_least=(check == "rate-at-least"))
        for rec, s in zip(records, samples):
            rec["params"] = dict(s.params)
        return CheckResult(records, [(None, fit["p_value"])], fit)
    raise ValueError(f"unknown check {check!r}; known: {', '.join(CHECKS)}")


def apply_decisions(result: CheckResult, rejected: list[bool],
                    adjusted: list[float]) -> str:
    """Write ``p_adjusted`` and ``status`` into the records; return the claim status."""
    failed = False
    for (idx, _), rej, padj in zip(result.tests, rejected, adjusted):
        status = "fail" if rej else "pass"
        failed |= bool(rej)
        if idx is None:
            result.fit["p_adjusted"] = float(padj)
            result.fit["status"] = status
            for rec in result.points:          # the claim-level slope test
                rec["p_value"] = result.fit["p_value"]
                rec["p_adjusted"] = float(padj)
                rec["status"] = status
        else:
            result.points[idx]["p_adjusted"] = float(padj)
            result.points[idx]["status"] = status
    return "fail" if failed else "pass"


def decide(check: str, samples: list[PointSample], alpha: float = 1e-3,
           tol: float | None = None) -> tuple[str, CheckResult]:
    """Decide one claim on its own (Holm over its own tests at ``alpha``)."""
    n_tests = len(samples) if check in _POINT_RULES else 1
    result = run_check(check, samples, alpha / max(n_tests, 1), tol)
    rejected, adjusted = stats.holm([p for _, p in result.tests], alpha)
    status = apply_decisions(result, list(rejected), list(adjusted))
    return status, result
