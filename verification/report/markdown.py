"""report.md: the summary table, then one section per claim.

The Markdown is GitHub-flavoured (pipe tables, ``$$`` display math) and also
reads well as plain text.  :func:`render_summary` is the part written to a CI
job summary: the overall outcome, the power line, the table of claims and the
claims that do not pass (failing, vacuous, in error).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..check_registry import check_of
from .tables import (SUMMARY_HEADERS,
                     bound_description, claim_facts, decision_sentence, error_points,
                     failing_points, fit_sentence, fixed_parameters, fmt, learner_label,
                     params_text, point_note, point_table, power_sentence, premise_text,
                     summary_rows, vacuous_points, worst_terms_sentence)

__all__ = ["STATUS_MARK", "SUMMARY_NOTE", "READING_NOTE", "render_summary",
           "render_markdown", "run_line", "not_passing_lines", "status_mark"]

#: Status words as shown in tables: only PASS is plain.
STATUS_MARK = {"pass": "PASS", "fail": "**FAIL**", "vacuous": "**VACUOUS**",
               "error": "**ERROR**"}

#: The explanation under the summary table (also used by the HTML report).
SUMMARY_NOTE = (
    "Worst margin: the factor by which the estimate clears the bound at the tightest "
    "point (bound / mean for upper bounds, mean / bound for lower bounds, bound / ratio "
    "for separations, the worst replicate for the always checks); below 1 the estimate "
    "is on the wrong side of the bound. Exact claims show their largest deviation "
    "max(mean/value, value/mean) (1 = exactly the value); slope claims the fitted slope "
    "and its target. Worst resolution: the largest, over the claim's points, of the "
    "smallest factor by which the bound could be wrong (divided for upper bounds and "
    "separations, multiplied for lower bounds, either way for exact values) and still be "
    "detected with probability 0.9 (inf: no error of any size would be); for slope "
    "claims the distance outside the target range, in slope units. VACUOUS: not "
    "rejected, but the bound is at or above the trivial baseline (e.g. the zero "
    "predictor's risk) at some point, so no member of the learner's class could have "
    "failed it there. ERROR: some point could not be decided.")

#: How to read the point tables and figures (also used by the HTML report).
READING_NOTE = (
    "Intervals: confidence intervals of the mean risk (for separations and exact values, "
    "the Fieller interval of the ratio) at the run's per-side level; for the always "
    "checks the smallest and largest risk over the replicates. Violations: replicates "
    "on the wrong side of the bound (outside the band for exact values). Baseline: the "
    "trivial baseline, the mean over replicates of the largest excess risk of a trivial "
    "member of the learner's class (0 for lower bounds); vacuous: the bound is at or "
    "above it. Resolution: the smallest factor by which the bound could be wrong and "
    "still be detected with probability 0.9 at the run's level. Figures: crosses mark "
    "failing points, open circles estimates beyond the bound that are not significant, "
    "purple diamonds vacuous points; the grey dashed line is the trivial baseline.")


def status_mark(status: str) -> str:
    """The Markdown status word: ``PASS``, or bold ``FAIL``, ``VACUOUS``, ``ERROR``.

    Parameters
    ----------
    status : str
        A claim or run status.

    Returns
    -------
    str
        Unknown statuses are shown upper-case and bold (never as PASS).
    """
    return STATUS_MARK.get(status, f"**{str(status).upper()}**")


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
        E.g. ``"PASS: 12 claims (0 failed, 0 vacuous, 0 errors), 27 tests, Holm
        at alpha = 0.001."``
    """
    claims = results.get("claims") or []
    failed = sum(1 for c in claims if c.get("status") == "fail")
    vacuous = sum(1 for c in claims if c.get("status") == "vacuous")
    errors = sum(1 for c in claims if c.get("status") == "error")
    head = f"{str(results.get('status', '?')).upper()}: " if with_status else ""
    plural = "" if errors == 1 else "s"
    return (f"{head}{len(claims)} claims ({failed} failed, {vacuous} vacuous, "
            f"{errors} error{plural}), {fmt(results.get('n_tests'))} tests, "
            f"Holm at alpha = {fmt(results.get('alpha'), 'g')}.")


def not_passing_lines(results: Mapping, code: str = "`") -> list[str]:
    """Bullet lines for the claims that do not pass: failing, vacuous, in error.

    Parameters
    ----------
    results : mapping
        The contents of ``results.json``.
    code : str
        Quote put around claim ids (a backtick for Markdown, nothing for text).

    Returns
    -------
    list of str
        Headings (``Failing claims:``, ``Vacuous claims:``, ``Claims with
        errors:``), each followed by a blank line and one bullet per claim
        with indented sub-bullets for its points; empty when every claim
        passes.
    """
    claims = results.get("claims") or []
    out: list[str] = []
    known = ("pass", "fail", "vacuous", "error")
    groups = (("fail", "Failing claims:"), ("vacuous", "Vacuous claims:"),
              ("error", "Claims with errors:"))
    for status, heading in groups:
        bad = [c for c in claims if c.get("status") == status
               or (status == "error" and c.get("status") not in known)]
        if not bad:
            continue
        out += ([""] if out else []) + [heading, ""]
        for c in bad:
            out += _claim_bullets(c, status, code)
    return out


def _claim_bullets(claim: Mapping, status: str, code: str) -> list[str]:
    """The bullet of one claim that does not pass, with sub-bullets for its points."""
    cid = f"{code}{claim.get('id')}{code}"
    points = claim.get("points") or []
    if status == "vacuous":
        vac = vacuous_points(claim)
        lines = [f"- {cid}: vacuous at {len(vac)} of {len(points)} points (bound >= trivial "
                 "baseline: it could not have failed there)"]
        lines += [f"  - {params_text(p)}: bound {fmt(p.get('bound'))} >= baseline "
                  f"{fmt(p.get('baseline'))}, mean {fmt(p.get('mean'))}" for p in vac]
        return lines
    if status == "error":
        if claim.get("message"):
            return [f"- {cid}: error: {claim.get('message')}"]
        errs = error_points(claim)
        lines = [f"- {cid}: {len(errs)} of {len(points)} points could not be decided"
                 + ("" if errs else f" (status {claim.get('status')})")]
        lines += [f"  - {params_text(p)}: {p.get('message') or 'not decided'}" for p in errs]
        return lines
    fit = claim.get("fit") or {}
    if check_of(claim).per_claim:
        line = f"- {cid}: fitted slope outside the target range"
        if fit.get("premise_violations"):
            line += "; premise violated: " + premise_text(fit["premise_violations"])
        return [line]
    failing = failing_points(claim)
    lines = [f"- {cid}: {len(failing)} of {len(points)} points fail"]
    check = check_of(claim)
    for p in failing:
        interval = f"[{fmt(p.get('ci_low'))}, {fmt(p.get('ci_high'))}]"
        if check.layout == "exact":
            lo, hi = (p.get("band") or claim.get("band") or [1.0, 1.0])[:2]
            what = (f"ratio mean / value {fmt(p.get('ratio'))} vs band [{fmt(lo, 'g')}, "
                    f"{fmt(hi, 'g')}], CI {interval}")
        elif check.always:
            upper = check.side != "lower"
            worst = p.get("ci_high") if upper else p.get("ci_low")
            what = (f"{'largest' if upper else 'smallest'} risk {fmt(worst)} vs bound "
                    f"{fmt(p.get('bound'))}, {fmt(p.get('violations'))} of "
                    f"{fmt(p.get('replicates'))} replicates beyond it")
        else:
            est = p.get("ratio") if check.side == "ratio" else p.get("mean")
            what = f"estimate {fmt(est)} vs bound {fmt(p.get('bound'))}, CI {interval}"
        line = (f"  - {params_text(p)}: {what}, p adjusted "
                f"{fmt(p.get('p_adjusted'), '.3g')}")
        note = point_note(p)
        lines.append(line + (f"; {note}" if note else ""))
    return lines


def _head_lines(results: Mapping) -> list[str]:
    """The run line and the power line, each followed by a blank line."""
    lines = [run_line(results), ""]
    power = power_sentence(results)
    if power:
        lines += [power, ""]
    return lines


def _summary_body(results: Mapping, *, link_sections: bool) -> list[str]:
    """The table of claims, its note and the claims that do not pass."""
    rows = []
    for r in summary_rows(results):
        name = f"[{r['id']}](#{_anchor(r['id'])})" if link_sections else f"`{r['id']}`"
        rows.append([name, r["kind"], r["covers"], r["setting"], r["learner"], r["check"],
                     status_mark(r["status"]), r["worst_margin_text"],
                     r["worst_resolution_text"]])
    lines = _table(SUMMARY_HEADERS, rows) + ["", SUMMARY_NOTE]
    bad = not_passing_lines(results)
    if bad:
        lines += [""] + bad
    return lines


def render_summary(results: Mapping, *, link_sections: bool = False) -> str:
    """The summary: overall status, power, the table of claims, claims that do not pass.

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
    lines = _head_lines(results) + _summary_body(results, link_sections=link_sections)
    return "\n".join(lines) + "\n"


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


def _facts_line(claim: Mapping) -> str:
    """``Kind: theorem; covers: C1, C4; premises: `...`.``"""
    facts = dict(claim_facts(claim))
    premises = [f"`{p}`" for p in claim.get("premises") or []]
    converged = f"; fits converged: {facts['converged']}" if "converged" in facts else ""
    return (f"Kind: {facts['kind']}; covers: {facts['covers']}; premises: "
            + ("; ".join(premises) if premises else "none") + converged + ".")


def _claim_section(claim: Mapping, figure: str | None) -> list[str]:
    """Markdown lines of one claim's section."""
    cid = str(claim.get("id", "?"))
    status = str(claim.get("status", "?"))
    lines = [f"## {cid}", "",
             f"**{status_mark(status).strip('*')}**: `{claim.get('check')}`, "
             f"{learner_label(claim)} on `{claim.get('setting')}`, risk "
             f"`{claim.get('risk')}`, {fmt(claim.get('reps'))} replicates per point, "
             f"{fmt(claim.get('elapsed_s'), '.1f')} s.", "", _facts_line(claim), ""]
    if claim.get("statement"):
        lines += [f"> {claim['statement']}", ""]
    lines += [decision_sentence(claim), ""]
    lines += [f"Bound ({bound_description(claim)}):", ""]
    if claim.get("bound_latex"):
        lines += ["$$", str(claim["bound_latex"]), "$$", ""]
    bound = f"`{claim.get('bound')}`"
    if claim.get("bound_name"):
        bound += f" (registered bound `{claim['bound_name']}`)"
    if claim.get("derivation"):
        bound += f"; derivation: {claim['derivation']}"
    lines += [bound, ""]
    terms = worst_terms_sentence(claim)
    if terms:
        lines += [terms, ""]
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
    lines += _head_lines(results)
    lines += _provenance_lines(results) + ["", "## Summary", ""]
    lines += _summary_body(results, link_sections=True)
    lines += ["", READING_NOTE, ""]
    lines += separation_lines(results)
    for claim in results.get("claims") or []:
        lines += _claim_section(claim, figures.get(str(claim.get("id"))))
    return "\n".join(lines).rstrip("\n") + "\n"


def separation_lines(results: Mapping) -> list[str]:
    """The report's section on the separation picture (full profile), or nothing."""
    block = results.get("separation")
    if not isinstance(block, Mapping) or not block.get("rows"):
        return []
    from .separation import REPORT_TEXT

    rows = block["rows"]
    cases = list(dict.fromkeys(str(r.get("case")) for r in rows))
    lines = ["## Separation picture", "", REPORT_TEXT.format(reps=block.get("reps", "?")), ""]
    for case in cases:
        lines += [f"![separation, {case} hard case](figures/separation-{case}.png)", ""]
        lines += [f"| {case}: along | x | procedure | mean excess risk | 95% band |", "|---|---|---|---|---|"]
        for r in rows:
            if str(r.get("case")) == case:
                lines.append(f"| {r.get('along')} | {fmt(r.get('x'), 'g')} | {r.get('procedure')} | "
                             f"{fmt(r.get('mean'))} | [{fmt(r.get('ci_low'))}, {fmt(r.get('ci_high'))}] |")
        lines.append("")
    return lines
