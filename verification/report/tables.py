"""Tables of a report: the summary, the sweep points of a claim, results.csv.

Every function here reads the results dictionary of ``results.json``
(:func:`verification.results.build_results`) and returns plain rows; the
Markdown and HTML renderers only lay them out.  Missing keys (results written
by an older version) are shown as ``-``.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

__all__ = ["LOWER_CHECKS", "RATE_CHECKS", "fmt", "learner_label", "oriented_margin",
           "bound_kind", "failing_points", "slope_text", "fit_sentence", "worst_margin",
           "summary_rows", "SUMMARY_HEADERS", "point_table", "fixed_parameters", "csv_rows",
           "render_csv"]

#: Checks whose bound is a lower bound (the estimate must stay above it).
LOWER_CHECKS = ("lower-mean",)
#: Checks decided by one slope test per claim.
RATE_CHECKS = ("rate", "rate-at-least")

SUMMARY_HEADERS = ("claim", "setting", "learner", "check", "status", "worst margin")


def fmt(x: Any, spec: str = ".4g") -> str:
    """Format a number for a table; ``-`` for missing or non-finite values.

    Parameters
    ----------
    x : Any
        A number, None, or anything else (shown with ``str``).
    spec : str
        Format specification for numbers.

    Returns
    -------
    str
    """
    if x is None:
        return "-"
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, (int, float)):
        if isinstance(x, float) and not math.isfinite(x):
            return "-"
        return format(x, spec) if isinstance(x, float) else str(x)
    return str(x)


def learner_label(claim: dict) -> str:
    """``learner`` or ``learner vs versus`` for separation claims.

    Parameters
    ----------
    claim : dict
        One entry of ``results["claims"]``.

    Returns
    -------
    str
    """
    versus = claim.get("versus")
    learner = str(claim.get("learner", "?"))
    return f"{learner} vs {versus}" if versus else learner


def oriented_margin(claim: dict, point: dict) -> float | None:
    """Margin of one point, oriented so that values above 1 mean "holds".

    Parameters
    ----------
    claim : dict
        The claim the point belongs to.
    point : dict
        One entry of ``claim["points"]``.

    Returns
    -------
    float or None
        ``bound / mean`` (``bound / ratio`` for separations, as recorded in
        ``margin``) for upper bounds; its inverse ``mean / bound`` for lower
        bounds.  None when undefined.
    """
    m = point.get("margin")
    if m is None or not isinstance(m, (int, float)) or not math.isfinite(m):
        return None
    if claim.get("check") in LOWER_CHECKS:
        return 1.0 / m if m > 0 else None
    return float(m)


def bound_kind(claim: dict) -> str:
    """What the claim's bound is: ``upper``, ``lower``, ``ratio`` or ``shape``.

    Parameters
    ----------
    claim : dict
        One entry of ``results["claims"]``.

    Returns
    -------
    str
        ``lower`` for lower bounds, ``ratio`` for separations, ``shape`` for
        rate claims (only the bound's shape matters), ``upper`` otherwise.
    """
    check = claim.get("check")
    if check in LOWER_CHECKS:
        return "lower"
    if check == "separation":
        return "ratio"
    return "shape" if check in RATE_CHECKS else "upper"


def failing_points(claim: dict) -> list[dict]:
    """The points of a claim that fail it (after Holm's correction).

    Parameters
    ----------
    claim : dict
        One entry of ``results["claims"]``.

    Returns
    -------
    list of dict
        The entries of ``claim["points"]`` whose status is ``fail``.
    """
    return [p for p in claim.get("points") or [] if p.get("status") == "fail"]


def slope_text(fit: dict) -> str:
    """The fitted slope of a rate claim with its interval, as text.

    Parameters
    ----------
    fit : dict
        The claim's ``fit`` entry.

    Returns
    -------
    str
        E.g. ``"slope 1.012 [0.950, 1.074]"`` (``-`` for missing values).
    """
    lo, hi = (fit.get("slope_ci") or [None, None])[:2]
    return f"slope {fmt(fit.get('slope'), '.3f')} [{fmt(lo, '.3f')}, {fmt(hi, '.3f')}]"


def fit_sentence(fit: dict) -> str:
    """The slope test of a rate claim in one sentence, for a claim's section.

    Parameters
    ----------
    fit : dict
        The claim's ``fit`` entry.

    Returns
    -------
    str
        The slope, its interval, the target range (``inf`` when open above),
        the Birge ratio and the adjusted p-value.
    """
    ci = fit.get("slope_ci") or [None, None]
    target = fit.get("target") or [None, None]
    upper = fmt(target[1], ".3g") if target[1] is not None else "inf"
    return (f"Slope of log mean risk on log bound: {fmt(fit.get('slope'), '.3f')}, "
            f"interval [{fmt(ci[0], '.3f')}, {fmt(ci[1], '.3f')}], target "
            f"[{fmt(target[0], '.3g')}, {upper}], "
            f"Birge ratio {fmt(fit.get('birge'), '.3g')}, p adjusted "
            f"{fmt(fit.get('p_adjusted'), '.3g')}.")


def worst_margin(claim: dict) -> tuple[float | None, str]:
    """The tightest point of a claim, as a number and as table text.

    Parameters
    ----------
    claim : dict
        One entry of ``results["claims"]``.

    Returns
    -------
    value : float or None
        The smallest :func:`oriented_margin` over the points (None for rate
        claims and claims without points).
    text : str
        The value formatted, or for rate claims the fitted slope with its
        interval and target range, or ``-``.
    """
    fit = claim.get("fit")
    if claim.get("check") in RATE_CHECKS and fit:
        target = fit.get("target") or [None, None]
        tgt = (f">= {fmt(target[0], '.3g')}" if target[1] is None
               else f"{fmt(target[0], '.3g')}..{fmt(target[1], '.3g')}")
        return None, f"{slope_text(fit)}, target {tgt}"
    values = [m for m in (oriented_margin(claim, p) for p in claim.get("points") or [])
              if m is not None]
    if not values:
        return None, "-"
    worst = min(values)
    return worst, fmt(worst, ".3g")


def summary_rows(results: dict) -> list[dict]:
    """One row per claim for the summary table.

    Parameters
    ----------
    results : dict
        The contents of ``results.json``.

    Returns
    -------
    list of dict
        Keys: ``id``, ``setting``, ``learner``, ``check``, ``status``,
        ``worst_margin`` (float or None), ``worst_margin_text``,
        ``points``, ``points_failed``.
    """
    rows = []
    for c in results.get("claims") or []:
        value, text = worst_margin(c)
        points = c.get("points") or []
        rows.append({
            "id": str(c.get("id", "?")),
            "setting": str(c.get("setting", "?")),
            "learner": learner_label(c),
            "check": str(c.get("check", "?")),
            "status": str(c.get("status", "?")),
            "worst_margin": value,
            "worst_margin_text": text,
            "points": len(points),
            "points_failed": len(failing_points(c)),
        })
    return rows


def fixed_parameters(claim: dict) -> list[tuple[str, str]]:
    """The claim's fixed parameters and derived-parameter rules, as text pairs.

    Parameters
    ----------
    claim : dict
        One entry of ``results["claims"]``.

    Returns
    -------
    list of (str, str)
        ``(name, value)``; derived parameters appear as
        ``(name, "expr (derived per point)")``, learner hyper-parameters as
        ``("learner.name", value)``.
    """
    out = [(str(k), fmt(v)) for k, v in (claim.get("params") or {}).items()]
    out += [(str(k), f"{v} (derived per point)")
            for k, v in (claim.get("derived") or {}).items()]
    for learner, hyper in (claim.get("learner_params") or {}).items():
        for k, v in hyper.items():
            out.append((f"{learner}.{k}", fmt(v)))
    return out


def _point_param_names(claim: dict) -> list[str]:
    """Names of the per-point parameters, swept ones first."""
    names = [str(k) for k in (claim.get("sweep") or {})]
    for p in claim.get("points") or []:
        for k in p.get("params") or {}:
            if k not in names:
                names.append(k)
    return names


def point_table(claim: dict) -> tuple[list[str], list[list[str]]]:
    """Headers and formatted rows of the sweep points of one claim.

    Parameters
    ----------
    claim : dict
        One entry of ``results["claims"]``.

    Returns
    -------
    headers : list of str
    rows : list of list of str
        One row per point: its parameters, bound, mean (for separations the
        means of both learners and their ratio), interval, violations, margin,
        adjusted p-value and status.
    """
    names = _point_param_names(claim)
    sep = claim.get("check") == "separation"
    headers = list(names) + ["bound"]
    if sep:
        headers += [f"mean {claim.get('learner')}", f"mean {claim.get('versus')}",
                    "ratio", "ratio CI"]
    else:
        headers += ["mean", "CI"]
    headers += ["violations", "margin", "p adjusted", "status"]
    rows = []
    for p in claim.get("points") or []:
        params = p.get("params") or {}
        row = [fmt(params.get(n)) for n in names] + [fmt(p.get("bound"))]
        ci = f"[{fmt(p.get('ci_low'))}, {fmt(p.get('ci_high'))}]"
        if sep:
            row += [fmt(p.get("mean")), fmt(p.get("mean_versus")), fmt(p.get("ratio")), ci]
        else:
            row += [fmt(p.get("mean")), ci]
        row += [f"{fmt(p.get('violations'))}/{fmt(p.get('replicates'))}",
                fmt(oriented_margin(claim, p), ".3g"), fmt(p.get("p_adjusted"), ".3g"),
                str(p.get("status", "?"))]
        rows.append(row)
    return headers, rows


_CSV_COLUMNS = ("claim", "point", "setting", "learner", "versus", "check", "risk",
                "claim_status", "status", "bound", "mean", "mean_versus", "ratio",
                "ci_low", "ci_high", "violations", "replicates", "margin",
                "oriented_margin", "p_value", "p_adjusted", "rule", "slope",
                "slope_ci_low", "slope_ci_high")


def _csv_value(x: Any) -> Any:
    """Empty cell for missing / non-finite numbers; lists joined with ``;``."""
    if x is None:
        return ""
    if isinstance(x, float) and not math.isfinite(x):
        return ""
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, (list, tuple)):
        return ";".join(str(_csv_value(v)) for v in x)
    return x


def csv_rows(results: dict) -> tuple[list[str], list[dict]]:
    """Columns and rows of ``results.csv``: one row per sweep point.

    Parameters
    ----------
    results : dict
        The contents of ``results.json``.

    Returns
    -------
    columns : list of str
        Fixed columns, then ``param_<name>`` for every parameter of any point
        (fixed and swept), then ``diag_<name>`` for the simulator diagnostics.
    rows : list of dict
        Claims without points (status ``error``) contribute no row.
    """
    params: list[str] = []
    diags: list[str] = []
    rows = []
    for c in results.get("claims") or []:
        fit = c.get("fit") or {}
        slope_ci = fit.get("slope_ci") or [None, None]
        for i, p in enumerate(c.get("points") or []):
            row = {
                "claim": c.get("id"), "point": i, "setting": c.get("setting"),
                "learner": c.get("learner"), "versus": c.get("versus"),
                "check": c.get("check"), "risk": c.get("risk"),
                "claim_status": c.get("status"), "status": p.get("status"),
                "oriented_margin": oriented_margin(c, p),
                "slope": fit.get("slope"), "slope_ci_low": slope_ci[0],
                "slope_ci_high": slope_ci[1],
            }
            for key in ("bound", "mean", "mean_versus", "ratio", "ci_low", "ci_high",
                        "violations", "replicates", "margin", "p_value", "p_adjusted",
                        "rule"):
                row[key] = p.get(key)
            merged = {**(c.get("params") or {}), **(p.get("params") or {})}
            for k, v in merged.items():
                col = f"param_{k}"
                if col not in params:
                    params.append(col)
                row[col] = v
            for k, v in (p.get("diagnostics") or {}).items():
                col = f"diag_{k}"
                if col not in diags:
                    diags.append(col)
                row[col] = v
            rows.append(row)
    return list(_CSV_COLUMNS) + params + diags, rows


def render_csv(results: dict) -> str:
    """The text of ``results.csv``.

    Parameters
    ----------
    results : dict
        The contents of ``results.json``.

    Returns
    -------
    str
        RFC 4180 CSV with a header row; empty cells for missing values.
    """
    columns, rows = csv_rows(results)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_value(row.get(k)) for k in columns})
    return buf.getvalue()
