"""Figures of a report (matplotlib, Agg, PNG bytes).

One figure per claim with points, drawn from ``results.json`` alone:

* bound checks (``upper-mean``, ``upper-whp``, ``lower-mean``): empirical
  mean risk with its confidence band against the bound; for upper bounds the
  trivial baseline (dashed grey), vacuous points marked;
* ``upper-always`` / ``lower-always``: two panels.  Left: the smallest and
  largest risk over the replicates (a bar per point, the mean marked) against
  the bound, and the baseline for upper bounds.  Right: the worst replicate's
  margin and the median margin against 1 (each replicate against its own
  bound, which matters when the bound varies per replicate);
* ``exact``: the allowed band ``lo x value .. hi x value`` (shaded) and the
  value, against the mean risk with its confidence interval;
* rate checks: mean risk with its band against the bound's shape scaled to
  the data, and the fitted power law of the slope test;
* ``exponent``: mean risk against the swept parameter ``along`` on log-log
  axes, with the fitted power law and the wedge of allowed slopes;
* separations: both learners' mean risks on one panel, and the ratio of means
  with its Fieller interval against the bound on a second one.

The x axis is the swept parameter with the most values (``along`` for
exponent claims); other swept parameters give one curve each.  Axes are
log-log when the x values are positive and span a factor of 4 or more (the y
axis only when all plotted values are positive; exponent claims always).
Points that fail the claim (after Holm's correction) are marked with a red
cross; points whose estimate lies on the wrong side of the bound without
being significant with an open orange circle; vacuous points (bound at or
above the trivial baseline) with an open purple diamond.

Figures are built on :class:`matplotlib.figure.Figure` with the Agg canvas,
never through ``pyplot``: no global state, no display needed.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatter, NullFormatter

from ..claims import REPLICATE_NAMES
from ..check_registry import check_of
from .tables import learner_label

__all__ = ["LOG_SPAN", "DPI", "bound_per_replicate", "x_axis", "use_log_x", "build_figure",
           "claim_figure", "formula_png"]

#: Sweeps spanning at least this factor are drawn on log-log axes.
LOG_SPAN = 4.0
#: Resolution of the PNG files.
DPI = 100

_FAIL = dict(marker="X", s=110, color="#d62728", edgecolors="black", linewidths=0.6,
             zorder=6, label="fails (Holm-adjusted)")
_BEYOND = dict(marker="o", s=90, facecolors="none", edgecolors="#ff7f0e", linewidths=1.8,
               zorder=5, label="estimate beyond bound (not significant)")
_VACUOUS = dict(marker="D", s=80, facecolors="none", edgecolors="#6a51a3", linewidths=1.6,
                zorder=5, label="vacuous (bound >= baseline)")
_ERROR = dict(marker="s", s=80, facecolors="none", edgecolors="#7a4b00", linewidths=1.6,
              zorder=5, label="not decided (error)")
#: Style of the trivial baseline.
_BASELINE = dict(color="#7f7f7f", linewidth=1.3, alpha=0.9)
#: Point keys of the mean risk and its confidence interval.
_MEAN_KEYS = ("mean", "ci_low", "ci_high")


def bound_per_replicate(claim: dict) -> bool:
    """Whether the claim's bound uses per-replicate diagnostics (``rep_error``, ``nu``).

    Parameters
    ----------
    claim : dict
        One entry of ``results["claims"]``.

    Returns
    -------
    bool
        True when the bound expression (``bound_names``, recorded by the run) names one of
        :data:`verification.claims.REPLICATE_NAMES`; its plotted value is then
        the mean over replicates.
    """
    names = claim.get("bound_names")
    if names is None:                      # results.json of an older run: the names of the formula's syntax tree
        import ast

        try:
            tree = ast.parse(str(claim.get("bound") or "0"), mode="eval")
        except SyntaxError:
            return False
        names = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
    return bool(set(names) & set(REPLICATE_NAMES))


def _is_number(v: Any) -> bool:
    """True for int/float values that are not booleans."""
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _num(v: Any) -> float:
    """Float value, NaN for None or non-numbers."""
    return float(v) if _is_number(v) else math.nan


def x_axis(claim: dict) -> tuple[str | None, list[str]]:
    """The parameter on the x axis and the other swept parameters.

    Parameters
    ----------
    claim : dict
        One entry of ``results["claims"]``.

    Returns
    -------
    x : str or None
        The swept parameter with the most distinct values (the first one on
        ties; ``along`` for exponent claims); None when nothing is swept.
    others : list of str
        The remaining swept parameters (one curve per combination).
    """
    sweep = claim.get("sweep") or {}
    if not sweep:
        return None, []
    along = claim.get("along")
    if check_of(claim).takes("along") and along in sweep:
        return str(along), [k for k in sweep if k != along]
    counts = {k: len({repr(v) for v in (vals if isinstance(vals, list) else [vals])})
              for k, vals in sweep.items()}
    best = max(counts, key=lambda k: (counts[k], -list(sweep).index(k)))
    return best, [k for k in sweep if k != best]


def use_log_x(values: Sequence[Any]) -> bool:
    """Whether x values call for a log axis.

    Parameters
    ----------
    values : sequence
        The x values of the points.

    Returns
    -------
    bool
        True when all values are positive numbers and ``max / min >= LOG_SPAN``.
    """
    nums = [v for v in values if _is_number(v)]
    if not nums or len(nums) != len(values) or min(nums) <= 0:
        return False
    return max(nums) / min(nums) >= LOG_SPAN


def _layout(claim: dict) -> tuple[str, list[float], list[str] | None, bool,
                                  dict[str, list[int]]]:
    """x label, x positions, tick labels (categorical axes), log flag, groups."""
    points = claim.get("points") or []
    xkey, others = x_axis(claim)
    raw = [(p.get("params") or {}).get(xkey) if xkey else None for p in points]
    if xkey is not None and all(_is_number(v) for v in raw):
        xs, ticks, log = [float(v) for v in raw], None, use_log_x(raw)
    else:
        labels: list[str] = []
        for v in raw:
            text = "(fixed)" if xkey is None else str(v)
            if text not in labels:
                labels.append(text)
        xs = [float(labels.index("(fixed)" if xkey is None else str(v))) for v in raw]
        ticks, log = labels, False
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(points):
        params = p.get("params") or {}
        label = ", ".join(f"{k}={params.get(k)}" for k in others)
        groups.setdefault(label, []).append(i)
    return xkey or "", xs, ticks, log, groups


def _series(points: list[dict], idx: list[int], key: str) -> np.ndarray:
    """Values of ``key`` at the points ``idx`` (NaN where missing)."""
    return np.array([_num(points[i].get(key)) for i in idx], dtype=float)


def _beyond(check: str, estimate: float, bound: float) -> bool:
    """Whether a point estimate lies on the wrong side of the bound."""
    if not (math.isfinite(estimate) and math.isfinite(bound)):
        return False
    return estimate < bound if check_of({"check": check}).side == "lower" else estimate > bound


def _band(ax: Axes, x: np.ndarray, lo: np.ndarray, hi: np.ndarray, y: np.ndarray,
          color: str) -> None:
    """Confidence band (or error bars for a single point) of one curve."""
    if len(x) >= 2:
        ax.fill_between(x, lo, hi, color=color, alpha=0.18, linewidth=0)
    lower = np.where(np.isfinite(lo), y - lo, 0.0)
    upper = np.where(np.isfinite(hi), hi - y, 0.0)
    ax.errorbar(x, y, yerr=[np.clip(lower, 0, None), np.clip(upper, 0, None)],
                fmt="none", ecolor=color, elinewidth=1.0, capsize=3, alpha=0.8)


def _bound_line(ax: Axes, x: np.ndarray, y: np.ndarray, style: str = "--",
                **kw: Any) -> None:
    """A dashed bound curve; a wide horizontal tick when there is one point."""
    if len(x) == 1:
        kw = {k: v for k, v in kw.items() if k != "linewidth"}
        ax.plot(x, y, linestyle="none", marker="_", markersize=40, markeredgewidth=2, **kw)
    else:
        ax.plot(x, y, style, **kw)


def _baseline_line(ax: Axes, points: list[dict], idx: list[int], x: np.ndarray,
                   group: str) -> np.ndarray:
    """The trivial baseline of one curve (dashed grey); its values (NaN where missing)."""
    base = _series(points, idx, "baseline")
    if np.isfinite(base).any():
        _bound_line(ax, x, base, style="--", label=_with_group("trivial baseline", group),
                    **_BASELINE)
    return base


def _mark_errors(ax: Axes, points: list[dict], idx: list[int], x: np.ndarray) -> None:
    """Open brown squares at the mean risk of the points that could not be decided."""
    ex = [xi for xi, i in zip(x, idx) if points[i].get("status") == "error"]
    ey = [_num(points[i].get("mean")) for i in idx if points[i].get("status") == "error"]
    if ex:
        ax.scatter(ex, ey, **_ERROR)


def _mark_vacuous(ax: Axes, points: list[dict], idx: list[int], x: np.ndarray,
                  key: str = "bound") -> None:
    """Open purple diamonds on the vacuous points of one curve (at ``key``, the bound)."""
    vx = [xi for xi, i in zip(x, idx) if points[i].get("status") == "vacuous"]
    vy = [_num(points[i].get(key)) for i in idx if points[i].get("status") == "vacuous"]
    if vx:
        ax.scatter(vx, vy, **_VACUOUS)


def _clip_for_log(ax: Axes, arrays: list[np.ndarray]) -> None:
    """Put the y axis on a log scale if every plotted centre value is positive."""
    values = np.concatenate([a[np.isfinite(a)] for a in arrays]) if arrays else np.array([])
    if values.size and np.all(values > 0):
        ax.set_yscale("log", nonpositive="clip")


def _mark(ax: Axes, check: str, points: list[dict], idx: list[int], xs: list[float],
          estimate_key: str) -> None:
    """Red crosses on failing points, open circles on non-significant excursions."""
    fail_x, fail_y, bey_x, bey_y = [], [], [], []
    for i in idx:
        p = points[i]
        y = _num(p.get(estimate_key))
        if p.get("status") == "fail":
            fail_x.append(xs[i])
            fail_y.append(y)
        elif _beyond(check, y, _num(p.get("bound"))):
            bey_x.append(xs[i])
            bey_y.append(y)
    if fail_x:
        ax.scatter(fail_x, fail_y, **_FAIL)
    if bey_x:
        ax.scatter(bey_x, bey_y, **_BEYOND)


class _PlainLogFormatter(LogFormatter):
    """Log-axis labels as plain numbers (0.2, 30) instead of 2x10^-1."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        """Label of the tick at ``x``: empty where matplotlib would leave it empty."""
        return format(x, ".3g") if super().__call__(x, pos) else ""


def _finish_axis(ax: Axes, xlabel: str, xvalues: list[float], ticks: list[str] | None,
                 log: bool, ylabel: str) -> None:
    """Labels, ticks, scale and a de-duplicated legend."""
    if ticks is not None:
        ax.set_xticks(range(len(ticks)))
        ax.set_xticklabels(ticks)
        ax.set_xlim(-0.5, len(ticks) - 0.5)
    else:
        if log:
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(NullFormatter())
        values = sorted(set(xvalues))
        if len(values) <= 12:
            ax.set_xticks(values)
            ax.set_xticklabels([format(v, "g") for v in values])
    if ax.get_yscale() == "log":
        ax.yaxis.set_major_formatter(_PlainLogFormatter())
        ax.yaxis.set_minor_formatter(_PlainLogFormatter(labelOnlyBase=False,
                                                        minor_thresholds=(2, 0.5)))
    ax.set_xlabel(xlabel or "point")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    seen: dict[str, Any] = {}
    for h, lab in zip(handles, labels):
        if lab and not lab.startswith("_") and lab not in seen:
            seen[lab] = h
    if seen:
        legend = ax.legend(list(seen.values()), list(seen), fontsize="small",
                           framealpha=0.85, loc="upper center", bbox_to_anchor=(0.5, -0.16),
                           ncols=2)
        for line in legend.get_lines():      # single-point bounds: a tick, not a bar
            if line.get_marker() == "_":
                line.set_markersize(14)


def _colors(n: int) -> list[str]:
    """``n`` colours of the tab10 cycle."""
    cycle = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
             "#bcbd22", "#7f7f7f", "#ff7f0e", "#d62728"]
    return [cycle[i % len(cycle)] for i in range(n)]


def _with_group(label: str, group: str) -> str:
    """A legend label qualified by its curve's group, if any."""
    return f"{label} ({group})" if group else label


def _sorted_by_x(xs: list[float], idx: list[int]) -> tuple[np.ndarray, list[int]]:
    """The x positions of the points ``idx`` in increasing order, and ``idx`` in that order.

    Parameters
    ----------
    xs : list of float
        x position of every point of the claim.
    idx : list of int
        The points of one curve.

    Returns
    -------
    x : numpy.ndarray
        Their x positions, sorted (stable, so ties keep their order).
    idx : list of int
        The point indices in the same order.
    """
    x = np.array([xs[i] for i in idx])
    order = np.argsort(x, kind="stable")
    return x[order], [idx[j] for j in order]


def _curve_with_band(ax: Axes, points: list[dict], idx: list[int], x: np.ndarray,
                     keys: tuple[str, str, str], color: str, label: str,
                     style: str = "o-") -> np.ndarray:
    """One estimate curve with its confidence band (error bars for a single point).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    points : list of dict
        All points of the claim.
    idx : list of int
        The points of this curve, in the order of ``x``.
    x : numpy.ndarray
        Their x positions.
    keys : (str, str, str)
        Point keys of the estimate, the interval's low and its high end,
        e.g. ``("mean", "ci_low", "ci_high")``.
    color, label, style : str
        Line colour, legend label and matplotlib format string.

    Returns
    -------
    numpy.ndarray
        The estimates (NaN where missing).
    """
    key, lo_key, hi_key = keys
    y = _series(points, idx, key)
    ax.plot(x, y, style, color=color, label=label)
    _band(ax, x, _series(points, idx, lo_key), _series(points, idx, hi_key), y, color)
    return y


def _plot_bound(ax: Axes, claim: dict, xs: list[float],
                groups: dict[str, list[int]]) -> list:
    """Mean risk with band against the bound (upper/lower checks)."""
    points = claim["points"]
    check = claim.get("check", "")
    info = check_of(claim)
    per_rep = bound_per_replicate(claim)
    bound_label = "bound (mean over replicates)" if per_rep else "bound"
    kind = "lower bound" if info.side == "lower" else bound_label
    plotted = []
    for (group, idx), color in zip(groups.items(), _colors(len(groups))):
        x, idx = _sorted_by_x(xs, idx)
        mean = _curve_with_band(ax, points, idx, x, _MEAN_KEYS, color,
                                _with_group("mean risk", group))
        bound = _series(points, idx, "bound")
        _bound_line(ax, x, bound, color=color, linewidth=1.6, alpha=0.9,
                    label=_with_group(kind, group))
        if "fail_prob" in info.requires:           # a probability: show the violation counts
            for xi, yi, i in zip(x, mean, idx):
                ax.annotate(f"{points[i].get('violations')}/{points[i].get('replicates')}",
                            (xi, yi), textcoords="offset points", xytext=(4, 6),
                            fontsize="x-small", color="dimgray")
        _mark(ax, check, points, idx, xs, "mean")
        _mark_vacuous(ax, points, idx, x, key="bound")
        _mark_errors(ax, points, idx, x)
        plotted += [mean, bound]
        if info.side == "upper":                   # the trivial baseline of an upper bound
            plotted.append(_baseline_line(ax, points, idx, x, group))
    return plotted


def _bound_varies(claim: dict) -> bool:
    """Whether the bound of an ``always`` claim may differ between replicates.

    True when the expression names a per-replicate column, or when some point
    records no violation although its smallest (largest) risk lies beyond the
    mean bound: then the plotted bound is a mean and only the margins (per
    replicate ratios) compare each replicate with its own bound.
    """
    if bound_per_replicate(claim):
        return True
    upper = check_of(claim).side != "lower"
    for p in claim.get("points") or []:
        b, lo, hi = _num(p.get("bound")), _num(p.get("ci_low")), _num(p.get("ci_high"))
        if p.get("violations") == 0 and math.isfinite(b) and (
                (upper and hi > b * (1 + 1e-9) + 1e-15)
                or (not upper and lo < b * (1 - 1e-9) - 1e-15)):
            return True
    return False


def _plot_always(axes: tuple[Axes, Axes], claim: dict, xs: list[float],
                 groups: dict[str, list[int]]) -> tuple[list, list]:
    """Per-replicate min/max risk against the bound (left); worst and median margins (right)."""
    left, right = axes
    points = claim["points"]
    upper = check_of(claim).side != "lower"
    varies = _bound_varies(claim)
    kind = ("bound" if upper else "lower bound") + (
        " (mean over replicates)" if varies else " (every replicate)")
    risk_plotted, margin_plotted = [], []
    for (group, idx), color in zip(groups.items(), _colors(len(groups))):
        x, idx = _sorted_by_x(xs, idx)
        lo, hi = _series(points, idx, "ci_low"), _series(points, idx, "ci_high")
        mean = _series(points, idx, "mean")
        if len(x) >= 2:
            left.fill_between(x, lo, hi, color=color, alpha=0.14, linewidth=0)
        below = np.where(np.isfinite(lo), mean - lo, 0.0)
        above = np.where(np.isfinite(hi), hi - mean, 0.0)
        left.errorbar(x, mean, yerr=[np.clip(below, 0, None), np.clip(above, 0, None)],
                      fmt="o", color=color, ecolor=color, elinewidth=2.2, capsize=6,
                      label=_with_group("risk: min..max over replicates (dot: mean)", group))
        bound = _series(points, idx, "bound")
        _bound_line(left, x, bound, color=color, linewidth=1.6, alpha=0.9,
                    label=_with_group(kind, group))
        failing = [points[i].get("status") == "fail" for i in idx]
        worst = hi if upper else lo          # the replicate that would violate the bound
        if any(failing):
            left.scatter(x[failing], worst[failing], **_FAIL)
        _mark_vacuous(left, points, idx, x, key="bound")
        risk_plotted += [lo, hi, bound]
        if upper:
            risk_plotted.append(_baseline_line(left, points, idx, x, group))
        margin = _series(points, idx, "margin")
        median = _series(points, idx, "margin_median")
        right.plot(x, margin, "o-", color=color,
                   label=_with_group("worst replicate's margin", group))
        right.plot(x, median, "s:", color=color, alpha=0.7,
                   label=_with_group("median margin", group))
        if any(failing):
            right.scatter(x[failing], margin[failing], **_FAIL)
        margin_plotted += [margin, median]
    right.axhline(1.0, color="dimgray", linestyle="--", linewidth=1.4,
                  label="margin 1: a replicate at the bound")
    margin_plotted.append(np.array([1.0]))
    return risk_plotted, margin_plotted


def _band_factors(claim: dict, point: dict) -> tuple[float, float]:
    """``(lo, hi)`` of an exact claim at one point ((1, 1) when not recorded)."""
    for source in (point, claim):
        band = source.get("band")
        if isinstance(band, (list, tuple)) and len(band) == 2 and all(map(_is_number, band)):
            return float(band[0]), float(band[1])
    return 1.0, 1.0


def _plot_exact(ax: Axes, claim: dict, xs: list[float],
                groups: dict[str, list[int]]) -> list:
    """The allowed band (lo x value .. hi x value) and the value against the mean risk."""
    points = claim["points"]
    plotted = []
    for (group, idx), color in zip(groups.items(), _colors(len(groups))):
        x, idx = _sorted_by_x(xs, idx)
        value = _series(points, idx, "bound")
        factors = np.array([_band_factors(claim, points[i]) for i in idx], dtype=float)
        lo_v, hi_v = factors[:, 0] * value, factors[:, 1] * value
        wide = bool(np.any(factors[:, 0] != factors[:, 1]))
        lo_f, hi_f = factors[0] if len(factors) else (1.0, 1.0)
        if wide:
            label = _with_group(f"allowed: {lo_f:g}..{hi_f:g} x value", group)
            if len(x) >= 2:
                ax.fill_between(x, lo_v, hi_v, color="#9e9e9e", alpha=0.25, linewidth=0,
                                label=label)
                label = "_band"
            _bound_line(ax, x, lo_v, style=":", color="dimgray", linewidth=1.2, label=label)
            _bound_line(ax, x, hi_v, style=":", color="dimgray", linewidth=1.2,
                        label="_band")
        _bound_line(ax, x, value, color=color, linewidth=1.6, alpha=0.9,
                    label=_with_group("value" if wide else "value (exact)", group))
        mean = _curve_with_band(ax, points, idx, x, ("mean", "mean_ci_low", "mean_ci_high"),
                                color, _with_group("mean risk (interval)", group))
        fail_x, fail_y, bey_x, bey_y = [], [], [], []
        for xi, yi, lo, hi, i in zip(x, mean, lo_v, hi_v, idx):
            if points[i].get("status") == "fail":
                fail_x.append(xi)
                fail_y.append(yi)
            elif math.isfinite(yi) and math.isfinite(lo) and math.isfinite(hi) and (
                    yi < lo * (1 - 1e-12) or yi > hi * (1 + 1e-12)) and wide:
                bey_x.append(xi)
                bey_y.append(yi)
        if fail_x:
            ax.scatter(fail_x, fail_y, **_FAIL)
        if bey_x:
            ax.scatter(bey_x, bey_y, **_BEYOND)
        _mark_vacuous(ax, points, idx, x)
        _mark_errors(ax, points, idx, x)
        plotted += [mean, lo_v, hi_v]
    return plotted


def _plot_exponent(ax: Axes, claim: dict, xs: list[float],
                   groups: dict[str, list[int]]) -> list:
    """Mean risk against ``along`` with the fitted power law and the allowed slopes."""
    points = claim["points"]
    fit = claim.get("fit") or {}
    failed = claim.get("status") == "fail"
    plotted = []
    for (group, idx), color in zip(groups.items(), _colors(len(groups))):
        x, idx = _sorted_by_x(xs, idx)
        plotted.append(_curve_with_band(ax, points, idx, x, _MEAN_KEYS, color,
                                        _with_group("mean risk", group)))
    grid = np.array(sorted({v for v in xs if math.isfinite(v) and v > 0}), dtype=float)
    slope, intercept = fit.get("slope"), fit.get("intercept")
    if grid.size >= 2 and _is_number(slope) and _is_number(intercept):
        line = np.exp(intercept) * grid ** slope
        ax.plot(grid, line, "-", color="#d62728" if failed else "black", linewidth=1.4,
                label=f"fitted slope {slope:.3f}")
        rng = claim.get("exponent") or fit.get("exponent") or fit.get("target") or []
        if len(rng) == 2 and all(_is_number(v) for v in rng):
            xc = float(np.exp(np.mean(np.log(grid))))
            yc = float(np.exp(intercept) * xc ** slope)
            lo_line, hi_line = yc * (grid / xc) ** rng[0], yc * (grid / xc) ** rng[1]
            ax.fill_between(grid, np.minimum(lo_line, hi_line), np.maximum(lo_line, hi_line),
                            color="#9e9e9e", alpha=0.22, linewidth=0,
                            label=f"allowed slopes [{rng[0]:g}, {rng[1]:g}]")
            plotted += [lo_line, hi_line]
        plotted.append(line)
    if failed:
        ax.text(0.02, 0.03, "slope outside the allowed range: claim fails",
                transform=ax.transAxes, color="#d62728", fontsize="small")
    return plotted


def _plot_rate(ax: Axes, claim: dict, xs: list[float],
               groups: dict[str, list[int]]) -> list:
    """Mean risk with band, the bound's shape scaled to the data, the fitted law."""
    points = claim["points"]
    fit = claim.get("fit") or {}
    allmean = _series(points, list(range(len(points))), "mean")
    allbound = _series(points, list(range(len(points))), "bound")
    ok = (allmean > 0) & (allbound > 0)
    scale = 1.0
    if ok.any():
        scale = float(np.exp(np.mean(np.log(allmean[ok]) - np.log(allbound[ok]))))
    failed = claim.get("status") == "fail"
    plotted = []
    for (group, idx), color in zip(groups.items(), _colors(len(groups))):
        x, idx = _sorted_by_x(xs, idx)
        mean = _curve_with_band(ax, points, idx, x, _MEAN_KEYS, color,
                                _with_group("mean risk", group))
        bound = _series(points, idx, "bound")
        _bound_line(ax, x, scale * bound, color=color, linewidth=1.6,
                    label=_with_group(f"bound x {scale:.3g} (shape only)", group))
        plotted += [mean, scale * bound]
        if "slope" in fit and "intercept" in fit:
            with np.errstate(divide="ignore", invalid="ignore"):
                law = np.exp(fit["intercept"]) * bound ** fit["slope"]
            ax.plot(x, law, ":", color="#d62728" if failed else "black", linewidth=1.4,
                    label=f"fitted: bound^{fit['slope']:.3f}")
    if failed:
        ax.text(0.02, 0.03, "slope outside target: claim fails", transform=ax.transAxes,
                color="#d62728", fontsize="small")
    return plotted


def _plot_separation(axes: tuple[Axes, Axes], claim: dict, xs: list[float],
                     groups: dict[str, list[int]]) -> tuple[list, list]:
    """Both learners' mean risks (left) and the ratio with its interval (right)."""
    points = claim["points"]
    a_name, b_name = str(claim.get("learner")), str(claim.get("versus"))
    left, right = axes
    single = len(groups) == 1
    risk_plotted, ratio_plotted = [], []
    for (group, idx), color in zip(groups.items(), _colors(max(len(groups), 2))):
        x, idx = _sorted_by_x(xs, idx)
        ca, cb = (_colors(2) if single else (color, color))
        mean_a = _curve_with_band(left, points, idx, x, ("mean", "mean_ci_low", "mean_ci_high"),
                                  ca, _with_group(a_name, group))
        mean_b = _curve_with_band(left, points, idx, x,
                                  ("mean_versus", "versus_ci_low", "versus_ci_high"),
                                  cb, _with_group(b_name, group),
                                  style="s-." if not single else "s-")
        bound = _series(points, idx, "bound")
        _bound_line(left, x, bound * mean_b, color="dimgray", linewidth=1.2,
                    label=f"bound x mean {b_name}")
        rc = "#1f77b4" if single else color
        ratio = _curve_with_band(right, points, idx, x, ("ratio", "ci_low", "ci_high"), rc,
                                 _with_group("ratio of means", group))
        _bound_line(right, x, bound, color=rc, linewidth=1.6,
                    label=_with_group("bound", group))
        _mark(right, claim.get("check", ""), points, idx, xs, "ratio")
        risk_plotted += [mean_a, mean_b]
        ratio_plotted += [ratio, bound]
    return risk_plotted, ratio_plotted


def build_figure(claim: dict) -> Figure | None:
    """The matplotlib figure of one claim (not yet rendered).

    Parameters
    ----------
    claim : dict
        One entry of ``results["claims"]`` (with ``points``).

    Returns
    -------
    matplotlib.figure.Figure or None
        One axes (two for separations and the ``always`` checks: risks and
        per-replicate margins); None for claims without points (their
        simulation raised).
    """
    points = claim.get("points") or []
    if not points:
        return None
    xlabel, xs, ticks, log, groups = _layout(claim)
    check = claim.get("check", "")
    info = check_of(claim)
    risk = str(claim.get("risk") or "excess_risk")
    sep = info.layout == "ratio"
    two = sep or info.layout == "always"
    fig = Figure(figsize=(11.0, 5.2) if two else (6.6, 5.4), dpi=DPI,
                 layout="constrained")
    FigureCanvasAgg(fig)
    status = str(claim.get("status", "?")).upper()
    title = f"{claim.get('id')}: {status}"
    sub = f"{check}, {learner_label(claim)} on {claim.get('setting')}"
    if info.per_claim and claim.get("fit"):
        f = claim["fit"]
        lo, hi = (f.get("slope_ci") or [math.nan, math.nan])[:2]
        sub += f"; slope {_num(f.get('slope')):.3f} [{_num(lo):.3f}, {_num(hi):.3f}]"
    errors = sum(1 for p in points if p.get("status") == "error")
    if errors:
        sub += f"; {errors} of {len(points)} points not decided (error)"
    premises = sum(1 for p in points if p.get("premise_violations"))
    if premises:
        sub += f"; premise violated at {premises} of {len(points)} points"
    colour = {"PASS": "black", "VACUOUS": "#6a51a3"}.get(status, "#d62728")
    fig.suptitle(f"{title}\n{sub}", fontsize="medium", color=colour)
    if info.layout == "always":
        left, right = fig.subplots(1, 2)
        risk_vals, margin_vals = _plot_always((left, right), claim, xs, groups)
        if log:
            _clip_for_log(left, risk_vals)
            _clip_for_log(right, margin_vals)
        _finish_axis(left, xlabel, xs, ticks, log, f"{risk} per replicate")
        _finish_axis(right, xlabel, xs, ticks, log,
                     "margin per replicate (" + ("bound / risk" if info.side == "upper"
                                                 else "risk / bound") + ")")
    elif sep:
        left, right = fig.subplots(1, 2)
        risk_vals, ratio_vals = _plot_separation((left, right), claim, xs, groups)
        if log:
            _clip_for_log(left, risk_vals)
            _clip_for_log(right, ratio_vals)
        _finish_axis(left, xlabel, xs, ticks, log, f"mean {risk}")
        _finish_axis(right, xlabel, xs, ticks, log,
                     f"ratio {claim.get('learner')} / {claim.get('versus')}")
    else:
        ax = fig.subplots()
        plot = _PLOTS.get(info.layout, _plot_bound)
        vals = plot(ax, claim, xs, groups)
        if info.layout == "exponent" and ticks is None and all(v > 0 for v in xs):
            log = True                    # log mean risk against log along, always
        if log:
            _clip_for_log(ax, vals)
        _finish_axis(ax, xlabel, xs, ticks, log, f"mean {risk}")
    return fig


#: Plot of each point-table layout (the others: :func:`_plot_bound`).
_PLOTS = {"exact": _plot_exact, "exponent": _plot_exponent, "shape": _plot_rate}


def claim_figure(claim: dict) -> bytes | None:
    """The PNG figure of one claim.

    Parameters
    ----------
    claim : dict
        One entry of ``results["claims"]`` (with ``points``).

    Returns
    -------
    bytes or None
        PNG data; None for claims without points (status ``error``).
    """
    fig = build_figure(claim)
    if fig is None:
        return None
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def formula_png(latex: str, fontsize: float = 14.0) -> bytes | None:
    """Render a LaTeX formula with matplotlib's mathtext.

    Parameters
    ----------
    latex : str
        Formula in (math-mode) LaTeX, without dollar signs.
    fontsize : float
        Font size in points.

    Returns
    -------
    bytes or None
        PNG data, or None when mathtext cannot parse the formula (the report
        then shows the LaTeX source).
    """
    if not latex:
        return None
    fig = Figure(dpi=DPI)
    FigureCanvasAgg(fig)
    fig.text(0, 0, f"${latex}$", fontsize=fontsize)
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=DPI * 1.5, bbox_inches="tight",
                    pad_inches=0.04, transparent=True, metadata={"Software": None})
    except (ValueError, RuntimeError):
        return None
    return buf.getvalue()
