"""Tables of a report: the summary, the sweep points of a claim, results.csv.

Every function here reads the results dictionary of ``results.json``
(:func:`verification.results.build_results`) and returns plain rows; the
Markdown and HTML renderers only lay them out.  Missing keys (results written
by an older version) are shown as ``-``.

Margins are read as recorded: ``results.json`` orients them so that values
>= 1 mean "holds" (``bound / mean`` for upper bounds, ``mean / bound`` for
lower bounds, ``bound / ratio`` for separations, ``max(r, 1/r)`` with
``r = mean / value`` for exact values, the worst replicate's ratio for the
``always`` checks).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Mapping
from typing import Any

from ..check_registry import check_of

__all__ = ["STATUS_WORDS", "fmt", "resolution_value", "resolution_text",
           "learner_label", "oriented_margin", "bound_kind", "bound_description",
           "failing_points", "vacuous_points", "error_points", "params_text", "slope_text",
           "fit_sentence", "decision_sentence", "claim_facts", "worst_margin",
           "worst_resolution", "power_sentence", "summary_rows", "SUMMARY_HEADERS",
           "point_table", "fixed_parameters", "premise_text", "point_note", "csv_rows",
           "render_csv"]

#: Status words as shown in reports (claim and run statuses).
STATUS_WORDS = {"pass": "PASS", "fail": "FAIL", "vacuous": "VACUOUS", "error": "ERROR"}

SUMMARY_HEADERS = ("claim", "kind", "covers", "setting", "learner", "check", "status",
                   "worst margin", "worst resolution")


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


def resolution_value(x: Any) -> float | None:
    """A recorded resolution as a number.

    Parameters
    ----------
    x : Any
        A ``resolution`` entry of results.json: a float >= 1, the string
        ``"inf"`` (no error of any size would be detected), or missing.

    Returns
    -------
    float or None
        ``math.inf`` for ``"inf"``; None when missing or not a number.
    """
    if isinstance(x, str):
        return math.inf if x.strip().lower() in ("inf", "infinity") else None
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x) if not math.isnan(x) else None


def resolution_text(x: Any, spec: str = ".3g") -> str:
    """A recorded resolution as table text: the number, ``inf``, or ``-``.

    Parameters
    ----------
    x : Any
        A ``resolution`` entry of results.json.
    spec : str
        Format specification for finite values.

    Returns
    -------
    str
    """
    v = resolution_value(x)
    if v is None:
        return "-"
    return "inf" if math.isinf(v) else format(v, spec)


def learner_label(claim: Mapping) -> str:
    """``learner`` or ``learner vs versus`` for separation claims.

    Parameters
    ----------
    claim : mapping
        One entry of ``results["claims"]``.

    Returns
    -------
    str
    """
    versus = claim.get("versus")
    learner = str(claim.get("learner", "?"))
    return f"{learner} vs {versus}" if versus else learner


def oriented_margin(claim: Mapping, point: Mapping) -> float | None:
    """Margin of one point, oriented so that values of 1 or more mean "holds".

    results.json records margins already oriented (``bound / mean`` for upper
    bounds, ``mean / bound`` for lower bounds, ``bound / ratio`` for
    separations, ``max(r, 1/r)`` with ``r = mean / value`` for exact values,
    the worst replicate's ratio for the ``always`` checks), so this returns the
    recorded ``margin`` unchanged; lower bounds are no longer inverted.

    Parameters
    ----------
    claim : mapping
        The claim the point belongs to (kept for the interface; unused).
    point : mapping
        One entry of ``claim["points"]``.

    Returns
    -------
    float or None
        The margin; None when missing or not finite.
    """
    m = point.get("margin")
    if isinstance(m, bool) or not isinstance(m, (int, float)) or not math.isfinite(m):
        return None
    return float(m)


def bound_kind(claim: Mapping) -> str:
    """What the claim's bound is: ``upper``, ``lower``, ``ratio``, ``exact``, ``shape`` or ``unused``.

    Parameters
    ----------
    claim : mapping
        One entry of ``results["claims"]``.

    Returns
    -------
    str
        ``lower`` for lower bounds, ``ratio`` for separations, ``exact`` for
        exact values, ``shape`` for rate claims (only the bound's shape
        matters), ``unused`` for exponent claims (decided on the swept
        parameter, not on the bound), ``upper`` otherwise.
    """
    side = check_of(claim).side
    return {"two-sided": "exact", "exponent": "unused"}.get(side, side)


def bound_description(claim: Mapping) -> str:
    """What the claim's bound means, in words, for its section.

    Parameters
    ----------
    claim : mapping
        One entry of ``results["claims"]``.

    Returns
    -------
    str
        E.g. ``"upper bound on the mean risk"`` or ``"exact value of the mean
        risk, band [0.9, 1.1]"``.
    """
    check = check_of(claim)
    if check.layout == "exact":
        lo, hi = _band(claim)
        return f"{check.description}, band [{fmt(lo, 'g')}, {fmt(hi, 'g')}]"
    if check.side == "exponent":
        return f"not used: the claim is on the exponent along {claim.get('along') or '?'}"
    return check.description or str(bound_kind(claim))


def _band(claim: Mapping, point: Mapping | None = None) -> tuple[float | None, float | None]:
    """The ``band`` of an exact claim (the point's, else the claim's, else (1, 1))."""
    for source in (point, claim):
        band = (source or {}).get("band")
        if isinstance(band, (list, tuple)) and len(band) == 2:
            return band[0], band[1]
    return (1.0, 1.0) if check_of(claim).takes("band") else (None, None)


def points_with_status(claim: Mapping, status: str) -> list[dict]:
    """The points of a claim (entries of ``claim["points"]``) whose status is ``status``.

    Parameters
    ----------
    claim : mapping
        One entry of ``results["claims"]``.
    status : str
        ``fail`` (after Holm's correction), ``vacuous`` (not rejected, bound >= baseline),
        ``error`` (could not be decided), ``pass``.
    """
    return [p for p in claim.get("points") or [] if p.get("status") == status]


def failing_points(claim: Mapping) -> list[dict]:
    """The points that fail the claim (:func:`points_with_status` ``fail``)."""
    return points_with_status(claim, "fail")


def vacuous_points(claim: Mapping) -> list[dict]:
    """The vacuous points of the claim (:func:`points_with_status` ``vacuous``)."""
    return points_with_status(claim, "vacuous")


def error_points(claim: Mapping) -> list[dict]:
    """The undecided points of the claim (:func:`points_with_status` ``error``)."""
    return points_with_status(claim, "error")


def params_text(point: Mapping) -> str:
    """The swept parameters of a point, ``m=20, d=10``, or ``(fixed)``.

    Parameters
    ----------
    point : mapping
        A point record, or a ``{claim, params}`` entry of ``power``.

    Returns
    -------
    str
    """
    params = point.get("params") or {}
    return ", ".join(f"{k}={fmt(v)}" for k, v in params.items()) or "(fixed)"


def slope_text(fit: Mapping) -> str:
    """The fitted slope of a slope claim with its interval, as text.

    Parameters
    ----------
    fit : mapping
        The claim's ``fit`` entry.

    Returns
    -------
    str
        E.g. ``"slope 1.012 [0.950, 1.074]"`` (``-`` for missing values).
    """
    lo, hi = (fit.get("slope_ci") or [None, None])[:2]
    return f"slope {fmt(fit.get('slope'), '.3f')} [{fmt(lo, '.3f')}, {fmt(hi, '.3f')}]"


def _target_text(fit: Mapping, sep: str = ", ") -> str:
    """``[lo, hi]`` of a slope target, ``inf`` / ``-inf`` for open sides."""
    target = fit.get("target") or [None, None]
    lo = fmt(target[0], ".3g") if target[0] is not None else "-inf"
    hi = fmt(target[1], ".3g") if target[1] is not None else "inf"
    return f"[{lo}{sep}{hi}]"


def fit_sentence(fit: Mapping) -> str:
    """The slope test of a slope claim in one sentence, for a claim's section.

    Parameters
    ----------
    fit : mapping
        The claim's ``fit`` entry.

    Returns
    -------
    str
        The slope (on log bound, or on log ``along`` for exponent claims), its
        interval, the target range (``inf`` when open above), the Birge ratio,
        the resolution in slope units, premise violations and the adjusted
        p-value.
    """
    ci = fit.get("slope_ci") or [None, None]
    on = f"log {fit['along']}" if fit.get("along") else "log bound"
    text = (f"Slope of log mean risk on {on}: {fmt(fit.get('slope'), '.3f')}, "
            f"interval [{fmt(ci[0], '.3f')}, {fmt(ci[1], '.3f')}], target "
            f"{_target_text(fit)}, Birge ratio {fmt(fit.get('birge'), '.3g')}")
    if "resolution" in fit:
        text += (f", resolution {resolution_text(fit.get('resolution'))} in slope units (a "
                 "slope that far outside the target is detected with probability 0.9)")
    violations = fit.get("premise_violations") or {}
    if violations:
        text += ", premise violated: " + premise_text(violations)
    return text + f", p adjusted {fmt(fit.get('p_adjusted'), '.3g')}."


def decision_sentence(claim: Mapping) -> str:
    """How the claim's check decides, in one or two sentences.

    Parameters
    ----------
    claim : mapping
        One entry of ``results["claims"]``.

    Returns
    -------
    str
        The decision rule of the check (with the claim's band, exponent range
        or ``along`` filled in), followed by what premises, vacuity and
        undecidable points mean.
    """
    check = check_of(claim)
    if check.takes("exponent"):
        rng = claim.get("exponent") or (claim.get("fit") or {}).get("exponent") or [None, None]
        rule = (f"one test per claim: the weighted least-squares slope of log mean risk on "
                f"log {claim.get('along') or '?'} fails when its interval lies entirely "
                f"outside the allowed range [{fmt(rng[0], 'g')}, {fmt(rng[1], 'g')}]; the "
                "bound expression is not used")
    elif check.takes("band"):
        lo, hi = _band(claim)
        rule = check.decision.replace("two-sided:", f"two-sided, band [lo, hi] = "
                                      f"[{fmt(lo, 'g')}, {fmt(hi, 'g')}]:")
    else:
        rule = check.decision or f"check {check.name!r}"
    text = f"Decision rule ({claim.get('check')}): {rule}."
    if claim.get("premises"):
        text += (" A premise of the bound that fails in some replicate fails the point "
                 "outright (p-value 0).")
    if check.side == "upper":
        text += (" A point that is not rejected but whose bound is at or above the trivial "
                 "baseline is vacuous: no member of the learner's class could have failed "
                 "it.")
    elif check.side == "lower":
        text += (" A point that is not rejected but whose bound is at or below 0 (the "
                 "baseline of a lower bound) is vacuous: no risk could have failed it.")
    elif check.side == "two-sided":
        text += (" A point that is not rejected but whose allowed band reaches from 0 to the "
                 "trivial baseline is vacuous: no member of the learner's class could have "
                 "failed it.")
    return text


def claim_facts(claim: Mapping) -> list[tuple[str, str]]:
    """The claim's kind, the paper claims it covers and its premises, as text pairs.

    Parameters
    ----------
    claim : mapping
        One entry of ``results["claims"]``.

    Returns
    -------
    list of (str, str)
        ``("kind", ...)``, ``("covers", ...)``, ``("premises", ...)``; ``-``
        (``none`` for premises) when missing; then ``("converged", ...)``, the
        fraction of replicates whose fits converged, when the points record it.
    """
    premises = [str(p) for p in claim.get("premises") or []]
    facts = [("kind", str(claim.get("kind") or "-")),
             ("covers", ", ".join(str(c) for c in claim.get("covers") or []) or "-"),
             ("premises", "; ".join(premises) if premises else "none")]
    converged = converged_text(claim)
    if converged:
        facts.append(("converged", converged))
    return facts


def converged_text(claim: Mapping) -> str | None:
    """The fraction of replicates whose fits converged, over the claim's points (None when not recorded)."""
    pairs = []
    for p in claim.get("points") or []:
        frac = (p.get("diagnostics") or {}).get("converged")
        reps = p.get("replicates")
        if isinstance(frac, (int, float)) and not isinstance(frac, bool) and math.isfinite(frac):
            pairs.append((float(frac), reps if isinstance(reps, int) and reps > 0 else 1))
    if not pairs:
        return None
    overall = sum(f * n for f, n in pairs) / sum(n for _, n in pairs)
    lowest = min(f for f, _ in pairs)
    text = f"{100 * overall:.0f}% of replicates"
    if lowest < 1:
        text += f" (lowest point {100 * lowest:.0f}%)"
    return text


def worst_margin(claim: Mapping) -> tuple[float | None, str]:
    """The tightest point of a claim, as a number and as table text.

    Parameters
    ----------
    claim : mapping
        One entry of ``results["claims"]``.

    Returns
    -------
    value : float or None
        The smallest :func:`oriented_margin` over the points; for exact
        claims the largest (the biggest deviation ``max(r, 1/r)`` from the
        stated value).  None for slope claims and claims without margins.
    text : str
        The value formatted (``"... (deviation)"`` for exact claims), or for
        slope claims the fitted slope with its interval and target range, or
        ``-``.
    """
    fit = claim.get("fit")
    if check_of(claim).per_claim and fit:
        target = fit.get("target") or [None, None]
        tgt = (f">= {fmt(target[0], '.3g')}" if target[1] is None
               else f"{fmt(target[0], '.3g')}..{fmt(target[1], '.3g')}")
        return None, f"{slope_text(fit)}, target {tgt}"
    values = [m for m in (oriented_margin(claim, p) for p in claim.get("points") or [])
              if m is not None]
    if not values:
        return None, "-"
    if check_of(claim).side == "two-sided":
        worst = max(values)
        return worst, f"{fmt(worst, '.3g')} (deviation)"
    worst = min(values)
    return worst, fmt(worst, ".3g")


def worst_resolution(claim: Mapping) -> tuple[float | None, str]:
    """The claim's coarsest resolution, as a number and as table text.

    Parameters
    ----------
    claim : mapping
        One entry of ``results["claims"]``.

    Returns
    -------
    value : float or None
        For point checks the largest point resolution (``math.inf`` when
        some point could detect no error at all); for slope claims the fit's
        resolution in slope units; None when none is recorded.
    text : str
        The value formatted (``inf``), ``"<x> (slope)"`` for slope claims, or
        ``-``.
    """
    fit = claim.get("fit") or {}
    if check_of(claim).per_claim:
        v = resolution_value(fit.get("resolution"))
        return v, "-" if v is None else f"{resolution_text(v)} (slope)"
    values = [v for v in (resolution_value(p.get("resolution"))
                          for p in claim.get("points") or []) if v is not None]
    if not values:
        return None, "-"
    worst = max(values)
    return worst, resolution_text(worst)


def _where(at: Any) -> str:
    """``claim [m=20, d=10]`` for a ``{claim, params}`` entry of ``power``."""
    if not isinstance(at, Mapping):
        return "-"
    params = at.get("params") or {}
    inner = ", ".join(f"{k}={fmt(v)}" for k, v in params.items())
    return f"{at.get('claim', '?')}" + (f" [{inner}]" if inner else "")


def power_sentence(results: Mapping, max_listed: int = 5) -> str | None:
    """The run's power summary in one sentence (the ``power`` entry of results.json).

    Parameters
    ----------
    results : mapping
        The contents of ``results.json``.
    max_listed : int
        At most this many vacuous points are named.

    Returns
    -------
    str or None
        Vacuous points (how many of the decided points, and which), the
        median margin, the worst resolution and where, the worst slope
        resolution; None when the results have no ``power`` entry.
    """
    power = results.get("power")
    if not isinstance(power, Mapping):
        return None
    vac = list(power.get("vacuous_points") or [])
    n_vac = power.get("vacuous", len(vac))
    text = f"Power: {fmt(n_vac)} of {fmt(power.get('points'))} decided points vacuous"
    if vac:
        names = "; ".join(_where(v) for v in vac[:max_listed])
        more = f"; and {len(vac) - max_listed} more" if len(vac) > max_listed else ""
        text += f" ({names}{more})"
    text += f"; median margin {fmt(power.get('median_margin'), '.4g')}"
    text += f"; worst resolution {resolution_text(power.get('worst_resolution'))}"
    if power.get("worst_resolution_at"):
        text += f" at {_where(power.get('worst_resolution_at'))}"
    text += (f"; worst slope resolution "
             f"{resolution_text(power.get('worst_slope_resolution'))}.")
    return text


def summary_rows(results: Mapping) -> list[dict]:
    """One row per claim for the summary table.

    Parameters
    ----------
    results : mapping
        The contents of ``results.json``.

    Returns
    -------
    list of dict
        Keys: ``id``, ``kind``, ``covers``, ``setting``, ``learner``,
        ``check``, ``status``, ``worst_margin`` (float or None),
        ``worst_margin_text``, ``worst_resolution`` (float or None),
        ``worst_resolution_text``, ``points``, ``points_failed``,
        ``points_vacuous``, ``points_error``.
    """
    rows = []
    for c in results.get("claims") or []:
        value, text = worst_margin(c)
        res, res_text = worst_resolution(c)
        points = c.get("points") or []
        rows.append({
            "id": str(c.get("id", "?")),
            "kind": str(c.get("kind") or "-"),
            "covers": ", ".join(str(x) for x in c.get("covers") or []) or "-",
            "setting": str(c.get("setting", "?")),
            "learner": learner_label(c),
            "check": str(c.get("check", "?")),
            "status": str(c.get("status", "?")),
            "worst_margin": value,
            "worst_margin_text": text,
            "worst_resolution": res,
            "worst_resolution_text": res_text,
            "points": len(points),
            "points_failed": len(failing_points(c)),
            "points_vacuous": len(vacuous_points(c)),
            "points_error": len(error_points(c)),
        })
    return rows


def worst_terms_sentence(claim: Mapping) -> str | None:
    """The registered bound's terms at the worst point, as one sentence (None if not available).

    e.g. ``Terms of frozenrep-shared-e2e at the worst point (d = 10, m = 100; margin 33.2):
    representation 0.0325 (15%), head 0.19 (85%); dominant: head.``
    """
    w = claim.get("worst_terms")
    if not isinstance(w, Mapping) or not w.get("terms"):
        return None
    where = params_text({"params": w["params"]}) if w.get("params") else "the fixed parameters"
    parts = []
    for t in w["terms"]:
        share = t.get("share")
        pct = f" ({100 * share:.0f}%)" if isinstance(share, (int, float)) and share == share else ""
        parts.append(f"{t.get('name')} {fmt(t.get('value'))}{pct}")
    return (f"Terms of {claim.get('bound_name')} at the worst point ({where}; margin "
            f"{fmt(w.get('margin'))}): " + ", ".join(parts) + f"; dominant: {w.get('dominant')}.")


def fixed_parameters(claim: Mapping) -> list[tuple[str, str]]:
    """The claim's fixed parameters and derived-parameter rules, as text pairs.

    Parameters
    ----------
    claim : mapping
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


def _point_param_names(claim: Mapping) -> list[str]:
    """Names of the per-point parameters, swept ones first."""
    names = [str(k) for k in (claim.get("sweep") or {})]
    for p in claim.get("points") or []:
        for k in p.get("params") or {}:
            if k not in names:
                names.append(k)
    return names


def premise_text(violations: Mapping, replicates: Any = None) -> str:
    """Premise violations as text: ``"<premise>: <n> of <R> replicates; ..."``.

    Parameters
    ----------
    violations : mapping
        ``{premise text: number of replicates where it fails}``.
    replicates : int, optional
        Replicates of the point (``of R`` is omitted when missing).

    Returns
    -------
    str
    """
    of = f" of {replicates}" if isinstance(replicates, int) else ""
    return "; ".join(f"{text}: {fmt(n)}{of} replicates" for text, n in violations.items())


def point_note(point: Mapping) -> str:
    """Why a point is an error (its message) or which premises failed, else ``""``.

    Parameters
    ----------
    point : mapping
        One entry of ``claim["points"]``.

    Returns
    -------
    str
    """
    notes = []
    if point.get("message"):
        notes.append(f"error: {point['message']}")
    if point.get("premise_violations"):
        notes.append("premise violated: " + premise_text(point["premise_violations"],
                                                         point.get("replicates")))
    return "; ".join(notes)


def _interval(lo: Any, hi: Any) -> str:
    """``[lo, hi]``."""
    return f"[{fmt(lo)}, {fmt(hi)}]"


def _scaled(factor: Any, value: Any) -> float | None:
    """``factor * value`` when both are finite numbers."""
    ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
             for v in (factor, value))
    return float(factor) * float(value) if ok else None


def _yes_no(x: Any) -> str:
    """``yes`` / ``no`` for a flag, ``-`` when missing."""
    return "-" if x is None else ("yes" if x else "no")


_Column = tuple[str, Callable[[Mapping], str]]


def _point_columns(claim: Mapping) -> list[_Column]:
    """The columns of a claim's point table after its parameters (status last)."""
    layout = check_of(claim).layout
    bound: _Column = ("bound", lambda p: fmt(p.get("bound")))
    mean: _Column = ("mean", lambda p: fmt(p.get("mean")))
    ci: _Column = ("CI", lambda p: _interval(p.get("ci_low"), p.get("ci_high")))
    viol: _Column = ("violations",
                     lambda p: f"{fmt(p.get('violations'))}/{fmt(p.get('replicates'))}")
    baseline: list[_Column] = [("baseline", lambda p: fmt(p.get("baseline"))),
                               ("vacuous", lambda p: _yes_no(p.get("vacuous")))]
    margin: _Column = ("margin", lambda p: fmt(oriented_margin(claim, p), ".3g"))
    resolution: _Column = ("resolution", lambda p: resolution_text(p.get("resolution")))
    if layout == "ratio":
        cols = [bound, (f"mean {claim.get('learner')}", lambda p: fmt(p.get("mean"))),
                (f"mean {claim.get('versus')}", lambda p: fmt(p.get("mean_versus"))),
                ("ratio", lambda p: fmt(p.get("ratio"))),
                ("ratio CI", lambda p: _interval(p.get("ci_low"), p.get("ci_high"))),
                viol, margin, resolution]
    elif layout == "exact":
        def allowed(p: Mapping) -> str:
            lo, hi = _band(claim, p)
            return _interval(_scaled(lo, p.get("bound")), _scaled(hi, p.get("bound")))
        cols = [("value", lambda p: fmt(p.get("bound"))), ("allowed mean", allowed), mean,
                ("mean CI", lambda p: _interval(p.get("mean_ci_low"), p.get("mean_ci_high"))),
                ("ratio", lambda p: fmt(p.get("ratio"))),
                ("ratio CI", lambda p: _interval(p.get("ci_low"), p.get("ci_high"))),
                ("outside band",
                 lambda p: f"{fmt(p.get('violations'))}/{fmt(p.get('replicates'))}"),
                *baseline, margin, resolution]
    elif layout == "always":
        cols = [bound, mean,
                ("risk range", lambda p: _interval(p.get("ci_low"), p.get("ci_high"))),
                viol, *baseline, margin,
                ("median margin", lambda p: fmt(p.get("margin_median"), ".3g")), resolution]
    elif layout == "exponent":
        cols = [mean, ci]
    elif layout == "shape":
        cols = [bound, mean, ci, viol]
    else:
        cols = [bound, mean, ci, viol, *baseline, margin, resolution]
    cols.append(("p adjusted", lambda p: fmt(p.get("p_adjusted"), ".3g")))
    if any(point_note(p) for p in claim.get("points") or []):
        cols.append(("note", point_note))
    cols.append(("status", lambda p: str(p.get("status") or "-")))
    return cols


def point_table(claim: Mapping) -> tuple[list[str], list[list[str]]]:
    """Headers and formatted rows of the sweep points of one claim.

    Parameters
    ----------
    claim : mapping
        One entry of ``results["claims"]``.

    Returns
    -------
    headers : list of str
    rows : list of list of str
        One row per point: its parameters, then by check

        * bound checks: bound, mean, interval, violations, baseline,
          vacuous, margin, resolution;
        * ``upper-always`` / ``lower-always``: bound, mean, risk range
          (smallest and largest replicate), violations, baseline, vacuous,
          margin (worst replicate), median margin, resolution;
        * ``exact``: value, allowed mean (band x value), mean and its
          interval, ratio mean / value and its interval, replicates outside
          the band, baseline, vacuous, margin (deviation), resolution;
        * separations: bound, both learners' means, their ratio and its
          interval, violations, margin, resolution;
        * rate claims: bound, mean, interval, violations; exponent claims:
          mean, interval;

        then the adjusted p-value, a ``note`` column (error messages, premise
        violations) when some point has one, and the status (always last).
    """
    names = _point_param_names(claim)
    cols = _point_columns(claim)
    headers = list(names) + [h for h, _ in cols]
    rows = []
    for p in claim.get("points") or []:
        params = p.get("params") or {}
        rows.append([fmt(params.get(n)) for n in names] + [cell(p) for _, cell in cols])
    return headers, rows


_CSV_COLUMNS = ("claim", "point", "setting", "learner", "versus", "check", "kind", "covers",
                "risk", "claim_status", "status", "message", "bound", "band_low",
                "band_high", "mean", "mean_ci_low", "mean_ci_high", "mean_versus",
                "versus_ci_low", "versus_ci_high", "ratio", "ci_low", "ci_high",
                "violations", "replicates", "margin", "oriented_margin", "margin_median",
                "baseline", "vacuous", "resolution", "p_value", "p_adjusted", "rule",
                "premise_violations", "slope", "slope_ci_low", "slope_ci_high",
                "slope_target_low", "slope_target_high", "slope_resolution")
#: Point keys copied to results.csv unchanged.
_CSV_POINT_KEYS = ("bound", "mean", "mean_ci_low", "mean_ci_high", "mean_versus",
                   "versus_ci_low", "versus_ci_high", "ratio", "ci_low", "ci_high",
                   "violations", "replicates", "margin", "margin_median", "baseline",
                   "vacuous", "resolution", "p_value", "p_adjusted", "rule", "message")


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


def csv_rows(results: Mapping) -> tuple[list[str], list[dict]]:
    """Columns and rows of ``results.csv``: one row per sweep point.

    Parameters
    ----------
    results : mapping
        The contents of ``results.json``.

    Returns
    -------
    columns : list of str
        Fixed columns, then ``param_<name>`` for every parameter of any point
        (fixed and swept), then ``diag_<name>`` for the simulator diagnostics.
        ``resolution`` is a number or ``inf``; ``vacuous`` is ``true`` /
        ``false``; ``premise_violations`` is ``<premise>: <n>`` joined with
        ``; ``; ``covers`` is joined with ``;``.
    rows : list of dict
        Claims without points (their simulation raised) contribute no row.
    """
    params: list[str] = []
    diags: list[str] = []
    rows = []
    for c in results.get("claims") or []:
        fit = c.get("fit") or {}
        slope_ci = fit.get("slope_ci") or [None, None]
        target = fit.get("target") or [None, None]
        for i, p in enumerate(c.get("points") or []):
            band_lo, band_hi = _band(c, p)
            violations = p.get("premise_violations") or {}
            row = {
                "claim": c.get("id"), "point": i, "setting": c.get("setting"),
                "learner": c.get("learner"), "versus": c.get("versus"),
                "check": c.get("check"), "kind": c.get("kind"),
                "covers": list(c.get("covers") or []) or None, "risk": c.get("risk"),
                "claim_status": c.get("status"), "status": p.get("status"),
                "band_low": band_lo, "band_high": band_hi,
                "oriented_margin": oriented_margin(c, p),
                "premise_violations": "; ".join(f"{t}: {n}" for t, n in violations.items())
                                      or None,
                "slope": fit.get("slope"), "slope_ci_low": slope_ci[0],
                "slope_ci_high": slope_ci[1], "slope_target_low": target[0],
                "slope_target_high": target[1], "slope_resolution": fit.get("resolution"),
            }
            for key in _CSV_POINT_KEYS:
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


def render_csv(results: Mapping) -> str:
    """The text of ``results.csv``.

    Parameters
    ----------
    results : mapping
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
