"""report.md: the summary table, then one section per claim.

The Markdown is GitHub-flavoured (pipe tables, ``$$`` display math) and also
reads well as plain text.  :func:`render_summary` is the part written to a CI
job summary.
"""

from __future__ import annotations

from collections.abc import Mapping

from .tables import (RATE_CHECKS, SUMMARY_HEADERS, bound_kind, failing_points, fit_sentence,
                     fixed_parameters, fmt, learner_label, point_table, summary_rows)

__all__ = ["STATUS_MARK", "render_summary", "render_markdown", "run_line"]

#: Status words as shown in tables.
STATUS_MARK = {"pass": "PASS", "fail": "**FAIL**", "error": "**ERROR**"}


def _cell(text: object) -> str:
    """A table cell: pipes escaped, newlines flattened."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(headers: list[str] | tuple[str, ...], rows: list[list[str]]) -> list[str]:
    """Lines of a pipe table."""
    out = ["| " + " | ".join(_cell(h) for h in headers) + " |",
           "|" + "|".join(" --- " for _ in headers) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _anchor(claim_id: str) -> str:
    """The GitHub anchor of a claim's section heading."""
    text = f"{claim_id}".lower()
    return "".join(ch for ch in text.replace(" ", "-") if ch.isalnum() or ch in "-_")


def run_line(results: Mapping, *, with_status: bool = True) -> str:
    """One sentence stating the overall outcome of the run.

    Parameters
    ----------
    results : mapping
        The contents of ``results.json``.
    with_status : bool
        Start with the overall status word.

    Returns
    -------
    str
        E.g. ``"PASS: 12 claims (0 failed, 0 errors), 27 tests, Holm at alpha = 0.001."``
    """
    claims = results.get("claims") or []
    failed = sum(1 for c in claims if c.get("status") == "fail")
    errors = sum(1 for c in claims if c.get("status") == "error")
    head = f"{str(results.get('status', '?')).upper()}: " if with_status else ""
    plural = "" if errors == 1 else "s"
    return (f"{head}{len(claims)} claims ({failed} failed, {errors} error{plural}), "
            f"{fmt(results.get('n_tests'))} tests, "
            f"Holm at alpha = {fmt(results.get('alpha'), 'g')}.")


def render_summary(results: Mapping, *, link_sections: bool = False) -> str:
    """The summary: overall status, the table of claims, failing points.

    Parameters
    ----------
    results : mapping
        The contents of ``results.json``.
    link_sections : bool
        Link each claim id to its section (for the full report).

    Returns
    -------
    str
        Markdown text ending with a newline.
    """
    lines = [run_line(results), ""]
    rows = []
    for r in summary_rows(results):
        name = f"[{r['id']}](#{_anchor(r['id'])})" if link_sections else f"`{r['id']}`"
        rows.append([name, r["setting"], r["learner"], r["check"],
                     STATUS_MARK.get(r["status"], r["status"]), r["worst_margin_text"]])
    lines += _table(SUMMARY_HEADERS, rows)
    lines += ["", "Worst margin: the factor by which the estimate clears the bound at the "
              "tightest point (bound / mean for upper bounds, mean / bound for lower "
              "bounds, bound / ratio for separations); below 1 the estimate is on the "
              "wrong side of the bound. Rate claims show the fitted slope and its target."]
    bad = [c for c in results.get("claims") or [] if c.get("status") != "pass"]
    if bad:
        lines += ["", "Failing claims:", ""]
        for c in bad:
            if c.get("status") == "error":
                lines.append(f"- `{c.get('id')}`: error: {c.get('message')}")
                continue
            failing = failing_points(c)
            if c.get("check") in RATE_CHECKS:
                lines.append(f"- `{c.get('id')}`: fitted slope outside the target range")
                continue
            lines.append(f"- `{c.get('id')}`: {len(failing)} of "
                         f"{len(c.get('points') or [])} points fail")
            for p in failing:
                est = p.get("ratio") if c.get("check") == "separation" else p.get("mean")
                lines.append(f"  - {_params_text(p)}: estimate {fmt(est)} vs bound "
                             f"{fmt(p.get('bound'))}, CI [{fmt(p.get('ci_low'))}, "
                             f"{fmt(p.get('ci_high'))}], p adjusted "
                             f"{fmt(p.get('p_adjusted'), '.3g')}")
    return "\n".join(lines) + "\n"


def _params_text(point: Mapping) -> str:
    """``m=20, d=10`` or ``(fixed)``."""
    params = point.get("params") or {}
    return ", ".join(f"{k}={fmt(v)}" for k, v in params.items()) or "(fixed)"


def _provenance_lines(results: Mapping) -> list[str]:
    """Bullet list of how the run was made."""
    prov = results.get("provenance") or {}
    libs = prov.get("libraries") or {}
    lines = [
        f"- profile: {results.get('profile') or '-'}; claims file: "
        f"{results.get('claims_file') or '-'}; seed: {fmt(results.get('seed'))}",
        f"- family-wise level alpha = {fmt(results.get('alpha'), 'g')} (Holm over "
        f"{fmt(results.get('n_tests'))} tests); intervals at {fmt(results.get('level'), '.3g')} "
        "per side",
        f"- metabound {prov.get('version') or '-'}, commit {prov.get('git_commit') or '-'}, "
        f"{prov.get('timestamp') or '-'}",
        f"- Python {prov.get('python') or '-'} on {prov.get('platform') or '-'}; "
        + ", ".join(f"{k} {v}" for k, v in libs.items() if v),
    ]
    if prov.get("command"):
        lines.append(f"- command: `{prov['command']}`")
    return lines


def _claim_section(claim: Mapping, figure: str | None) -> list[str]:
    """Markdown lines of one claim's section."""
    cid = str(claim.get("id", "?"))
    status = str(claim.get("status", "?"))
    lines = [f"## {cid}", "",
             f"**{STATUS_MARK.get(status, status).strip('*')}**: `{claim.get('check')}`, "
             f"{learner_label(claim)} on `{claim.get('setting')}`, risk "
             f"`{claim.get('risk')}`, {fmt(claim.get('reps'))} replicates per point, "
             f"{fmt(claim.get('elapsed_s'), '.1f')} s.", ""]
    if claim.get("statement"):
        lines += [f"> {claim['statement']}", ""]
    lines += [f"Bound ({bound_kind(claim)}):", ""]
    if claim.get("bound_latex"):
        lines += ["$$", str(claim["bound_latex"]), "$$", ""]
    bound = f"`{claim.get('bound')}`"
    if claim.get("bound_name"):
        bound += f" (registered bound `{claim['bound_name']}`)"
    if claim.get("derivation"):
        bound += f"; derivation: {claim['derivation']}"
    lines += [bound, ""]
    fixed = fixed_parameters(claim)
    if fixed:
        lines += ["Fixed parameters: " + ", ".join(f"{k} = {v}" for k, v in fixed), ""]
    fit = claim.get("fit")
    if fit:
        lines += [fit_sentence(fit), ""]
    if claim.get("message"):
        lines += [f"Error: `{claim['message']}`", ""]
    headers, rows = point_table(claim)
    if rows:
        lines += _table(headers, rows) + [""]
    if figure:
        lines += [f"![{cid}]({figure})", ""]
    return lines


def render_markdown(results: Mapping, figures: Mapping[str, str] | None = None) -> str:
    """The whole report.md.

    Parameters
    ----------
    results : mapping
        The contents of ``results.json``.
    figures : mapping of str to str, optional
        Claim id to the figure's path relative to the report.

    Returns
    -------
    str
        Markdown text ending with a newline.
    """
    figures = figures or {}
    lines = ["# metabound verification report", "",
             "Risk bounds of Chua, Lei, Lee, *How Fine-Tuning Allows for Effective "
             "Meta-Learning* (NeurIPS 2021), checked on simulated risks.", ""]
    lines += _provenance_lines(results) + ["", "## Summary", ""]
    lines += render_summary(results, link_sections=True).rstrip("\n").split("\n")
    lines += ["", "Intervals: confidence intervals of the mean risk (for separations, the "
              "Fieller interval of the ratio of means) at the run's per-side level. "
              "Violations: replicates on the wrong side of the bound. Figures: "
              "crosses mark failing points, open circles estimates beyond the bound "
              "that are not significant.", ""]
    for claim in results.get("claims") or []:
        lines += _claim_section(claim, figures.get(str(claim.get("id"))))
    return "\n".join(lines).rstrip("\n") + "\n"
