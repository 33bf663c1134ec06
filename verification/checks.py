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
``upper-always`` / ``lower-always``
    H0: risk <= bound (>= bound) in every replicate: a deterministic
    inequality (it holds for every sample), so one violation beyond the
    numerical tolerance ``ALWAYS_RTOL`` refutes it (p-value 0), none leaves it
    standing (p-value 1).
``lower-mean``
    H0: E risk >= bound.  Hall's t test on ``risk - bound`` (H0: mean >= 0);
    fails when the upper confidence bound of the mean is below the bound.
``exact``
    H0: lo <= E risk / E value <= hi (``band = (lo, hi)``, default (1, 1)),
    ``value`` the claim's bound (a constant or a per-replicate expectation).
    Hall's t on the paired ``risk - hi*value`` (H0: mean <= 0) and
    ``risk - lo*value`` (H0: mean >= 0); p-value twice the smaller one.
``rate`` / ``rate-at-least``
    One test per claim.  Weighted least squares of log(mean risk) on
    log(mean bound) across the sweep, weights from the Monte Carlo variance of
    the log means (delta method), standard error inflated by the Birge ratio
    when the points scatter more than their Monte Carlo error.  ``rate``:
    H0: slope in [1 - tol, 1 + tol] (two-sided, Bonferroni over both sides);
    ``rate-at-least``: H0: slope >= 1 - tol.
``exponent``
    One test per claim: the same weighted slope of log(mean risk) on
    log(``along``), the swept parameter; H0: slope in ``exponent = (lo, hi)``
    (e.g. (-0.25, 0.25): the risk is flat in ``along``).
``separation``
    H0: E risk_A / E risk_B <= bound.  Hall's t test on the paired
    differences ``risk_A - bound * risk_B`` (H0: mean <= 0); this is the
    Fieller test, and the reported interval is the Fieller interval of the
    ratio of means.

Before any rule, every point is screened (:func:`screen`): a risk, bound or
comparison value that is not finite makes the point an ``error`` (nothing
non-finite ever passes), as do repeated replicates (identical non-zero risks:
the replicates are not independent, e.g. they share a seed); a violated
*premise* of the bound (an inequality that must hold in every replicate, see
``docs/verification.md``) makes it a ``fail`` with p-value 0.

Power (docs/verification.md, "Vacuity and resolution"): every record carries

* ``margin``: how loose the claim is where it holds, oriented so that values
  >= 1 mean "holds" (``bound/mean`` for upper bounds, ``mean/bound`` for lower
  bounds, ``bound/ratio`` for separations, ``max(r, 1/r)`` with
  ``r = mean/value`` for exact values, the worst replicate's ratio for the
  ``always`` checks);
* ``baseline`` and ``vacuous``: the trivial baseline (the mean over
  replicates of the largest excess risk among trivial members of the
  learner's class, e.g. the zero predictor) and whether the bound is at or
  above it (for lower bounds: whether it is <= 0), so that no member of the
  class could ever violate it;
* ``resolution``: the smallest factor ``f >= 1`` by which the stated bound
  could be wrong (divided by ``f`` for upper bounds and separations,
  multiplied for lower bounds, either way for exact values) and still be
  detected with probability >= ``POWER`` at the claim's replicates and the
  run's level, computed by plugging in the observed sample (normal
  approximation of the test statistic; exact binomial for the counting
  rules).  ``inf`` means the check could not detect any such error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as sps

from . import stats

__all__ = ["CHECKS", "DEFAULT_TOL", "MIN_REPS", "POWER", "ALWAYS_RTOL", "PointSample", "CheckResult",
           "run_check", "decide", "screen", "apply_decisions"]

#: Names of the built-in checks.  Their rules are below; :mod:`verification.check_registry` holds each as a
#: :class:`~verification.check_registry.Check` (with any plugin checks), which is what claims are validated
#: against and what the report asks.
CHECKS = ("upper-whp", "upper-mean", "upper-always", "lower-whp", "lower-mean", "lower-always", "exact",
          "rate", "rate-at-least", "exponent", "separation")
DEFAULT_TOL = 0.2
#: Minimum number of replicates per point for checks built on means.
MIN_REPS = 20
#: Minimum number of sweep points for slope checks.
MIN_RATE_POINTS = 3
#: Detection probability that defines a point's resolution.
POWER = 0.9
#: Relative tolerance of the ``always`` checks (and of premises): rounding of exact formulas.
ALWAYS_RTOL = 1e-9
#: Largest factor the resolution search considers; beyond it the resolution is ``inf``.
MAX_FACTOR = 1e6


@dataclass
class PointSample:
    """Replicate samples of one sweep point.

    ``risk``, ``versus`` and ``baseline`` have one entry per replicate
    (paired by index); ``bound`` is a scalar or one value per replicate.
    ``premises`` holds ``(text, holds)`` pairs, ``holds`` a boolean array
    over the replicates.
    """

    risk: np.ndarray
    bound: np.ndarray | float
    versus: np.ndarray | None = None
    fail_prob: float | None = None
    params: dict = field(default_factory=dict)
    baseline: np.ndarray | None = None
    premises: tuple = ()


@dataclass
class CheckResult:
    """Per-point records and the tests (point index or None, p-value)."""

    points: list[dict]
    tests: list[tuple[int | None, float]]
    fit: dict | None = None


def _finite(x: float) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def _bound_array(sample: PointSample) -> np.ndarray:
    b = np.asarray(sample.bound, dtype=float)
    risk = np.asarray(sample.risk, dtype=float)
    return np.broadcast_to(b, risk.shape) if b.ndim == 0 else b


def _constant(b: np.ndarray) -> bool:
    return b.size == 0 or bool(np.all(b == b.flat[0]))


# ------------------------------------------------------------------ screening
def screen(sample: PointSample) -> tuple[str | None, dict]:
    """Refuse a point that no rule may decide; collect premise violations.

    Returns
    -------
    error : str or None
        Why the point cannot be decided (non-finite values, repeated
        replicates), or None.
    premise_violations : dict
        ``{premise text: number of replicates where it fails}`` (only the
        failing ones).
    """
    risk = np.asarray(sample.risk, dtype=float)
    bound = _bound_array(sample)
    R = risk.size
    problems = []
    for name, arr in (("risk", risk), ("bound", bound),
                      ("versus", None if sample.versus is None else np.asarray(sample.versus, float))):
        if arr is None:
            continue
        bad = int(np.sum(~np.isfinite(arr)))
        if bad:
            problems.append(f"{name} is not finite in {bad} of {R} replicates")
    if problems:
        return "; ".join(problems), {}
    nonzero = risk[risk != 0]
    distinct = np.unique(nonzero).size
    if nonzero.size >= 2 and distinct < nonzero.size:
        return (f"replicates are not independent: {nonzero.size - distinct} of {R} replicates repeat the "
                f"risk of another one exactly (a shared seed?)"), {}
    violations = {}
    for text, holds in sample.premises:
        n_bad = int(np.sum(~np.asarray(holds, dtype=bool)))
        if n_bad:
            violations[text] = n_bad
    return None, violations


# --------------------------------------------------------------- resolution
_Z_POWER = float(sps.norm.ppf(POWER))


def _smallest_factor(detected, lo: float = 1.0, hi: float = MAX_FACTOR) -> float:
    """Smallest ``f`` in ``[lo, hi]`` with ``detected(f)`` (assumed monotone), ``inf`` if none."""
    if detected(lo):
        return lo
    if not detected(hi):
        return math.inf
    a, b = math.log(lo), math.log(hi)
    for _ in range(60):
        mid = 0.5 * (a + b)
        if detected(math.exp(mid)):
            b = mid
        else:
            a = mid
    return math.exp(b)


def _mean_detected(diff: np.ndarray, level: float) -> bool:
    """Plug-in power >= POWER of Hall's one-sided test "mean(diff) > 0" at ``level``.

    The test rejects when the lower end of Hall's interval is above 0; under the plug-in
    distribution that end fluctuates by about one standard error, so power POWER needs it
    ``z_POWER`` standard errors above 0.
    """
    n = diff.size
    s = float(np.std(diff, ddof=1)) if n > 1 else 0.0
    if s == 0:
        return float(np.mean(diff)) > 0
    return stats.mean_interval(diff, level)[0] - _Z_POWER * s / math.sqrt(n) > 0


def _quantile_factor(ratios: np.ndarray, needed_fraction: float) -> float:
    """Smallest ``f`` such that a fraction >= ``needed_fraction`` of ``ratios`` lies below ``f``."""
    r = np.sort(ratios[np.isfinite(ratios)])
    R = ratios.size
    j = int(math.ceil(needed_fraction * R - 1e-12))
    if j < 1:
        j = 1
    if j > r.size:
        return math.inf
    return max(1.0, float(r[j - 1]) * (1.0 + 1e-12))


def _res(x: float) -> float | str:
    """A resolution for the records: a float >= 1, or the string ``"inf"`` (JSON has no infinity)."""
    return float(x) if math.isfinite(x) else "inf"


def _ratios(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num/den`` with ``inf`` where ``den <= 0`` (the factor can never make a violation there)."""
    out = np.full(num.shape, math.inf)
    pos = den > 0
    out[pos] = num[pos] / den[pos]
    return out


# ----------------------------------------------------------------- records
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


def _baseline(sample: PointSample) -> np.ndarray | None:
    if sample.baseline is None:
        return None
    b = np.asarray(sample.baseline, dtype=float)
    return b if b.size and np.all(np.isfinite(b)) else None


def _whp(sample: PointSample, level: float, upper: bool) -> dict:
    """The high-probability checks: a violation is a replicate on the wrong side of the bound, and the
    count of violations is tested against ``fail_prob`` by the exact binomial test."""
    name = "upper-whp" if upper else "lower-whp"
    if sample.fail_prob is None:
        raise ValueError(f"{name} needs fail_prob")
    risk, bound = np.asarray(sample.risk, float), _bound_array(sample)
    rec = _base_record(risk, bound, level)
    if not upper:
        rec["violations"] = int(np.sum(risk < bound))
        rec["margin"] = _finite(rec["mean"] / rec["bound"]) if rec["bound"] > 0 else None
    v, r, fp = rec["violations"], rec["replicates"], float(sample.fail_prob)
    rec["fail_prob"] = fp
    rec["violation_rate"] = v / r
    rec["violation_rate_upper"] = stats.clopper_pearson_upper(v, r, level)
    rec["p_value"] = stats.binom_violation_pvalue(v, r, fp)
    rec["rule"] = "exact binomial"
    # resolution: the smallest count the test rejects, and the violation rate giving it power POWER
    counts = np.arange(1, r + 1)
    rejecting = np.nonzero(sps.binom.sf(counts - 1, r, fp) <= level)[0]
    v_crit = int(counts[rejecting[0]]) if rejecting.size else None
    if v_crit is None:
        rec["resolution"] = _res(math.inf)
    else:
        needed = float(sps.beta.ppf(POWER, v_crit, r - v_crit + 1))
        ratios = _ratios(bound, risk) if upper else _ratios(risk, bound)
        rec["resolution"] = _res(_quantile_factor(ratios, needed))
    if upper:
        base = _baseline(sample)
        if base is not None:
            rec["baseline"] = float(np.mean(base))
            rec["vacuous"] = bool(np.sum(base > bound) <= fp * r)
    else:
        rec["baseline"] = 0.0
        rec["vacuous"] = bool(np.mean(bound) <= 0)
    return rec


def point_upper_whp(sample: PointSample, level: float) -> dict:
    return _whp(sample, level, upper=True)


def point_lower_whp(sample: PointSample, level: float) -> dict:
    return _whp(sample, level, upper=False)


def point_upper_mean(sample: PointSample, level: float) -> dict:
    risk, bound = np.asarray(sample.risk, float), _bound_array(sample)
    rec = _base_record(risk, bound, level)
    if _constant(bound) and risk.min() >= 0:
        b = float(bound.flat[0])
        lcb = stats.anderson_lcb(risk, level)
        rec["ci_low"] = lcb
        rec["p_value"] = stats.anderson_pvalue(risk, b)
        rec["rule"] = "anderson-dkw"
        worst = lcb - _Z_POWER * float(np.std(risk, ddof=1)) / math.sqrt(risk.size)
        rec["resolution"] = _res(max(1.0, b / worst) if worst > 0 else math.inf)
    else:
        diff = risk - bound
        rec["diff_ci_low"] = stats.mean_interval(diff, level)[0]
        rec["p_value"] = stats.mean_pvalue_greater(diff, 0.0)
        rec["rule"] = "hall-t paired"
        rec["resolution"] = _res(_smallest_factor(lambda f: _mean_detected(risk - bound / f, level)))
    base = _baseline(sample)
    if base is not None:
        rec["baseline"] = float(np.mean(base))
        rec["vacuous"] = bool(np.mean(bound) >= np.mean(base))
    return rec


def point_lower_mean(sample: PointSample, level: float) -> dict:
    risk, bound = np.asarray(sample.risk, float), _bound_array(sample)
    rec = _base_record(risk, bound, level)
    rec["violations"] = int(np.sum(risk < bound))      # below a lower bound
    rec["margin"] = _finite(rec["mean"] / rec["bound"]) if rec["bound"] > 0 else None
    diff = risk - bound
    if not _constant(bound):
        rec["diff_ci_high"] = stats.mean_interval(diff, level)[1]
    rec["p_value"] = stats.mean_pvalue_less(diff, 0.0)
    rec["rule"] = "hall-t"
    rec["resolution"] = _res(_smallest_factor(lambda f: _mean_detected(f * bound - risk, level))
                             if np.mean(bound) > 0 else math.inf)
    rec["baseline"] = 0.0
    rec["vacuous"] = bool(np.mean(bound) <= 0)
    return rec


def _always(sample: PointSample, upper: bool) -> dict:
    risk, bound = np.asarray(sample.risk, float), _bound_array(sample)
    slack = ALWAYS_RTOL * np.maximum(np.abs(bound), 1e-300) + 1e-15
    bad = risk > bound + slack if upper else risk < bound - slack
    ratios = _ratios(bound, risk) if upper else _ratios(risk, bound)
    finite = ratios[np.isfinite(ratios)]
    rec = {
        "bound": float(np.mean(bound)),
        "mean": float(np.mean(risk)),
        "ci_low": float(np.min(risk)),
        "ci_high": float(np.max(risk)),
        "violations": int(np.sum(bad)),
        "replicates": int(risk.size),
        "margin": _finite(float(finite.min())) if finite.size else None,
        "margin_median": _finite(float(np.median(finite))) if finite.size else None,
        "p_value": 0.0 if np.any(bad) else 1.0,
        "rule": "deterministic: every replicate" + (" (risk <= bound)" if upper else " (risk >= bound)"),
        # power POWER: a violation in at least one of R replicates, each with probability p_f
        "resolution": _res(_quantile_factor(ratios, 1.0 - (1.0 - POWER) ** (1.0 / max(risk.size, 1)))),
    }
    base = _baseline(sample)
    if upper and base is not None:
        rec["baseline"] = float(np.mean(base))
        rec["vacuous"] = bool(not np.any(base > bound + slack))
    elif not upper:
        rec["baseline"] = 0.0
        rec["vacuous"] = bool(np.all(bound <= 0))
    return rec


def point_upper_always(sample: PointSample, level: float) -> dict:
    return _always(sample, upper=True)


def point_lower_always(sample: PointSample, level: float) -> dict:
    return _always(sample, upper=False)


def point_exact(sample: PointSample, level: float, band: tuple[float, float] = (1.0, 1.0)) -> dict:
    risk, value = np.asarray(sample.risk, float), _bound_array(sample)
    lo_b, hi_b = float(band[0]), float(band[1])
    mean, vmean = float(np.mean(risk)), float(np.mean(value))
    ratio = mean / vmean if vmean != 0 else math.inf
    p_hi = stats.mean_pvalue_greater(risk - hi_b * value, 0.0)   # H0: E risk <= hi E value
    p_lo = stats.mean_pvalue_less(risk - lo_b * value, 0.0)      # H0: E risk >= lo E value
    r_lo, r_hi = stats.fieller_ratio_interval(risk, np.asarray(value, float), level / 2.0)
    m_lo, m_hi = stats.mean_interval(risk, level / 2.0)
    f_small = _smallest_factor(lambda f: _mean_detected(risk - hi_b * value / f, level / 2.0))  # stated too small
    f_large = _smallest_factor(lambda f: _mean_detected(lo_b * f * value - risk, level / 2.0))  # stated too large
    rec = {
        "bound": vmean,
        "band": [lo_b, hi_b],
        "mean": mean,
        "ratio": _finite(ratio),
        "ci_low": _finite(r_lo),
        "ci_high": _finite(r_hi),
        "mean_ci_low": m_lo,
        "mean_ci_high": m_hi,
        "violations": None,      # an exact value is about the mean: single replicates do not violate it
        "replicates": int(risk.size),
        "margin": _finite(max(ratio, 1.0 / ratio)) if 0 < ratio < math.inf else None,
        "p_value": float(min(1.0, 2.0 * min(p_hi, p_lo))),
        "rule": "hall-t paired, two-sided: risk - hi*value and risk - lo*value",
        "resolution": _res(max(f_small, f_large)),
    }
    base = _baseline(sample)
    if base is not None:
        rec["baseline"] = float(np.mean(base))
        rec["vacuous"] = bool(lo_b * vmean <= 0 and hi_b * vmean >= rec["baseline"])
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
        "resolution": _res(_smallest_factor(lambda f: _mean_detected(a - bound * b / f, level))),
    }


def _slope_fit(samples: list[PointSample], level: float, xs: list[float], what: str
               ) -> tuple[list[dict], dict]:
    """Records per point and the weighted log-log slope of mean risk on ``xs``."""
    records, x, y, var = [], [], [], []
    for s, xv in zip(samples, xs):
        risk, bound = np.asarray(s.risk, float), _bound_array(s)
        rec = _base_record(risk, bound, level)
        rec["margin"] = None             # a shape has no level: no margin
        records.append(rec)
        mean = rec["mean"]
        if not (mean > 0 and xv > 0):
            raise ValueError(f"slope checks need a positive mean risk and {what} "
                             f"(mean={mean:g}, {what}={xv:g} at {s.params})")
        se2 = risk.var(ddof=1) / risk.size
        x.append(math.log(xv))
        y.append(math.log(mean))
        var.append(max(se2 / mean ** 2, 1e-300))
    return records, stats.wls_slope(np.array(x), np.array(y), np.array(var))


def _interval_test(fit: dict, lo_t: float | None, hi_t: float | None, level: float) -> None:
    """p-value, interval and resolution of H0: slope in [lo_t, hi_t] (None: unbounded side)."""
    slope, se = fit["slope"], fit["se"]
    p_low = float(sps.norm.cdf((slope - lo_t) / se)) if lo_t is not None else 1.0
    p_high = float(sps.norm.sf((slope - hi_t) / se)) if hi_t is not None else 1.0
    two = lo_t is not None and hi_t is not None
    p = min(1.0, 2.0 * min(p_low, p_high)) if two else min(p_low, p_high)
    z = float(sps.norm.isf(level / 2.0 if two else level))
    fit.update({
        "target": [lo_t, hi_t],
        "slope_ci": [slope - z * se, slope + z * se],
        "p_value": p,
        # how far outside the allowed range a slope must be to be detected with probability POWER
        "resolution": (z + _Z_POWER) * se,
    })


def fit_rate(samples: list[PointSample], level: float, tol: float,
             at_least: bool) -> tuple[list[dict], dict]:
    """Records per point and the slope test of a rate claim."""
    xs = []
    for s in samples:
        b = float(np.mean(_bound_array(s)))
        if not b > 0:
            raise ValueError(f"rate checks need a positive bound (bound={b:g} at {s.params})")
        xs.append(b)
    records, fit = _slope_fit(samples, level, xs, "bound")
    _interval_test(fit, 1.0 - tol, None if at_least else 1.0 + tol, level)
    fit.update({"tol": tol, "rule": "wls log-log slope, z interval, Birge-inflated"})
    return records, fit


def fit_exponent(samples: list[PointSample], level: float, along: str,
                 exponent: tuple[float, float]) -> tuple[list[dict], dict]:
    """Records per point and the test of H0: the slope of log(mean risk) on log(``along``) lies in ``exponent``."""
    xs = []
    for s in samples:
        if along not in s.params:
            raise ValueError(f"exponent checks need the swept parameter {along!r} at every point")
        xs.append(float(s.params[along]))
    records, fit = _slope_fit(samples, level, xs, along)
    _interval_test(fit, float(exponent[0]), float(exponent[1]), level)
    fit.update({"along": along, "exponent": [float(exponent[0]), float(exponent[1])],
                "rule": f"wls slope of log mean risk on log {along}, z interval, Birge-inflated"})
    return records, fit


def _error_record(sample: PointSample, message: str) -> dict:
    risk = np.asarray(sample.risk, float)
    return {"bound": _finite(float(np.mean(_bound_array(sample)))) if np.all(np.isfinite(_bound_array(sample)))
            else None, "mean": _finite(float(np.mean(risk))), "ci_low": None, "ci_high": None,
            "violations": None, "replicates": int(risk.size), "margin": None, "p_value": None,
            "status": "error", "message": message, "rule": "not decided"}


def _premise_record(rec: dict, violations: dict) -> dict:
    if violations:
        rec["premise_violations"] = violations
        rec["p_value"] = 0.0
        rec["rule"] = "premise violated: " + "; ".join(f"{t} fails in {n} replicates" for t, n in violations.items())
    return rec


def run_check(check: "str | Check", samples: list[PointSample], level: float,
              tol: float | None = None, band: tuple[float, float] | None = None,
              along: str | None = None, exponent: tuple[float, float] | None = None) -> CheckResult:
    """Apply the decision rule of ``check`` (a registered name or a :class:`~verification.check_registry.Check`)
    to the samples of one claim.

    ``level`` is the per-side error level of the reported intervals.  Points
    that :func:`screen` refuses get status ``error`` and no test; a violated
    premise gives the point's test p-value 0.  The options (``tol``, ``band``,
    ``along``, ``exponent``) reach the rule when the check takes them.
    """
    from .check_registry import get_check  # the registry holds the rules of this module

    chk = get_check(check) if isinstance(check, str) else check
    options = {k: v for k, v in (("tol", tol), ("band", band), ("along", along), ("exponent", exponent))
               if v is not None and chk.takes(k)}
    screened = [screen(s) for s in samples]
    if not chk.per_claim:
        records, tests = [], []
        for i, (s, (error, violations)) in enumerate(zip(samples, screened)):
            if error is not None:
                rec = _error_record(s, error)
            else:
                rec = _premise_record(chk.rule(s, level, **options), violations)
                tests.append((i, rec["p_value"]))
            rec["params"] = dict(s.params)
            records.append(rec)
        return CheckResult(records, tests)
    if len(samples) < chk.min_points:
        raise ValueError(f"{chk.name} needs at least {chk.min_points} sweep points")
    errors = [(i, e) for i, (e, _) in enumerate(screened) if e is not None]
    if errors:                  # one slope over all points: a point that cannot be decided voids the claim
        first = errors[0][1]
        records = [_error_record(s, e if e is not None else f"not decided: another point of this slope claim "
                                 f"could not be ({first})") for s, (e, _) in zip(samples, screened)]
        for rec, s in zip(records, samples):
            rec["params"] = dict(s.params)
        return CheckResult(records, [], None)
    records, fit = chk.rule(samples, level, **options)
    violations: dict = {}
    for rec, s, (_, v) in zip(records, samples, screened):
        rec["params"] = dict(s.params)
        if v:
            rec["premise_violations"] = v
            for t, n in v.items():
                violations[t] = violations.get(t, 0) + n
    if violations:
        fit["premise_violations"] = violations
        fit["p_value"] = 0.0
    return CheckResult(records, [(None, fit["p_value"])], fit)


def apply_decisions(result: CheckResult, rejected: list[bool],
                    adjusted: list[float]) -> str:
    """Write ``p_adjusted`` and ``status`` into the records; return the claim status.

    A point's status is ``fail`` (its test rejected), ``vacuous`` (not
    rejected, but its bound is at or above the trivial baseline), ``pass`` or
    ``error`` (set by :func:`run_check`).  The claim's status is the worst of
    its points' in the order error, fail, vacuous, pass.
    """
    for (idx, _), rej, padj in zip(result.tests, rejected, adjusted):
        status = "fail" if rej else "pass"
        if idx is None:
            result.fit["p_adjusted"] = float(padj)
            result.fit["status"] = status
            for rec in result.points:          # the claim-level slope test
                rec["p_value"] = result.fit["p_value"]
                rec["p_adjusted"] = float(padj)
                rec["status"] = status
        else:
            rec = result.points[idx]
            rec["p_adjusted"] = float(padj)
            rec["status"] = "vacuous" if status == "pass" and rec.get("vacuous") else status
    return claim_status([p.get("status") for p in result.points], has_tests=bool(result.tests))


#: Claim and run statuses, worst first.
STATUS_ORDER = ("error", "fail", "vacuous", "pass")


def claim_status(statuses: list[str | None], has_tests: bool = True) -> str:
    """The worst of the points' statuses (``error`` when there is nothing to decide)."""
    if not statuses or not has_tests:
        return "error"
    for s in STATUS_ORDER:
        if s in statuses:
            return s
    return "pass"


def decide(check: str, samples: list[PointSample], alpha: float = 1e-3,
           tol: float | None = None, **options) -> tuple[str, CheckResult]:
    """Decide one claim on its own (Holm over its own tests at ``alpha``)."""
    from .check_registry import get_check

    n_tests = 1 if get_check(check).per_claim else len(samples)
    result = run_check(check, samples, alpha / max(n_tests, 1), tol, **options)
    rejected, adjusted = stats.holm([p for _, p in result.tests], alpha)
    status = apply_decisions(result, list(rejected), list(adjusted))
    return status, result
