"""report.html: one self-contained page with the content of report.md.

Figures and formulas are embedded as base64 ``data:`` URIs and the style
sheet is inline: the file opens in any browser without network access (no
scripts, no external fonts, style sheets or images).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from html import escape

from .markdown import READING_NOTE, SUMMARY_NOTE, not_passing_lines, run_line
from .tables import (STATUS_WORDS, SUMMARY_HEADERS, bound_description, claim_facts,
                     decision_sentence, fit_sentence, fixed_parameters, fmt, learner_label,
                     point_table, power_sentence, summary_rows, worst_terms_sentence)

__all__ = ["CSS", "data_uri", "html_id", "render_html"]

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       margin: 2em auto; max-width: 72em; padding: 0 1.5em; color: #1b1b1b;
       line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; margin-top: 2.2em; border-bottom: 1px solid #ddd;
     padding-bottom: 0.2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #d0d0d0; padding: 0.25em 0.6em; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: bold; border-radius: 3px; padding: 0.05em 0.45em; }
.status-pass { background: #dcf5dc; color: #145214; }
.status-fail { background: #fbdcdc; color: #8b1010; }
.status-error { background: #fde9c8; color: #7a4b00; }
.status-vacuous { background: #e4e0f5; color: #3d2a80; }
.status-other { background: #e8e8e8; color: #333; }
.power { margin: 0.3em 0 0.8em; }
.overall { font-size: 1.15em; margin: 0.6em 0; }
blockquote { margin: 0.6em 0; padding: 0.3em 1em; border-left: 4px solid #ccc;
             color: #333; background: #fafafa; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
       font-size: 0.92em; background: #f5f5f5; padding: 0 0.2em; }
img.figure { max-width: 100%; height: auto; border: 1px solid #eee; }
img.formula { vertical-align: middle; max-width: 100%; }
.note { color: #555; font-size: 0.9em; }
ul.prov { font-size: 0.9em; color: #333; }
"""


def data_uri(png: bytes) -> str:
    """A ``data:image/png;base64,...`` URI of PNG bytes.

    Parameters
    ----------
    png : bytes
        PNG file contents.

    Returns
    -------
    str
    """
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def html_id(claim_id: str) -> str:
    """An HTML id (and fragment) for a claim's section.

    Parameters
    ----------
    claim_id : str

    Returns
    -------
    str
        ``claim-`` followed by the id with characters other than letters,
        digits, ``-`` and ``_`` replaced by ``_``.
    """
    return "claim-" + "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in claim_id)


def _status(status: str) -> str:
    """A coloured status badge: PASS, FAIL, VACUOUS, ERROR (others grey, upper-case)."""
    status = str(status)
    cls = status if status in STATUS_WORDS else "other"
    return f'<span class="status status-{cls}">{escape(status.upper())}</span>'


def _is_numeric_text(text: str) -> bool:
    """Whether a formatted cell holds a number (right-aligned)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _table(headers: list[str] | tuple[str, ...], rows: list[list[str]], *,
           cls: str = "") -> str:
    """An HTML table of already rendered (escaped) cells; numbers right-aligned."""
    out = [f'<table class="{cls}">' if cls else "<table>",
           "<thead><tr>" + "".join(f"<th>{escape(str(h))}</th>" for h in headers)
           + "</tr></thead>", "<tbody>"]
    for row in rows:
        cells = []
        for c in row:
            num = ' class="num"' if _is_numeric_text(str(c)) else ""
            cells.append(f"<td{num}>{c}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _summary(results: Mapping) -> str:
    """The summary table of all claims."""
    rows = []
    for r in summary_rows(results):
        rows.append([f'<a href="#{html_id(r["id"])}">{escape(r["id"])}</a>',
                     escape(r["kind"]), escape(r["covers"]), escape(r["setting"]),
                     escape(r["learner"]), escape(r["check"]), _status(r["status"]),
                     escape(r["worst_margin_text"]), escape(r["worst_resolution_text"])])
    return _table(SUMMARY_HEADERS, rows, cls="summary")


def _not_passing(results: Mapping) -> str:
    """The claims that do not pass (failing, vacuous, in error) as headed nested lists."""
    groups: list[tuple[str, list[tuple[str, list[str]]]]] = []
    for line in not_passing_lines(results, code=""):
        if line.startswith("  - ") and groups and groups[-1][1]:
            groups[-1][1][-1][1].append(line[4:])
        elif line.startswith("- ") and groups:
            groups[-1][1].append((line[2:], []))
        elif line.strip():
            groups.append((line, []))
    out = []
    for heading, items in groups:
        out.append(f'<p class="note"><strong>{escape(heading)}</strong></p>')
        lis = []
        for text, subs in items:
            inner = ("<ul>" + "".join(f"<li>{escape(t)}</li>" for t in subs) + "</ul>"
                     if subs else "")
            lis.append(f"<li>{escape(text)}{inner}</li>")
        out.append('<ul class="notpassing">' + "".join(lis) + "</ul>")
    return "\n".join(out)


def _provenance(results: Mapping) -> str:
    """A list describing how the run was made."""
    prov = results.get("provenance") or {}
    libs = ", ".join(f"{k} {v}" for k, v in (prov.get("libraries") or {}).items() if v)
    items = [
        f"profile {results.get('profile') or '-'}; claims file "
        f"{results.get('claims_file') or '-'}; seed {fmt(results.get('seed'))}",
        f"family-wise level alpha = {fmt(results.get('alpha'), 'g')} (Holm over "
        f"{fmt(results.get('n_tests'))} tests); intervals at "
        f"{fmt(results.get('level'), '.3g')} per side",
        f"metabound {prov.get('version') or '-'}, commit {prov.get('git_commit') or '-'}, "
        f"{prov.get('timestamp') or '-'}",
        f"Python {prov.get('python') or '-'} on {prov.get('platform') or '-'}; {libs}",
    ]
    if prov.get("command"):
        items.append(f"command: <code>{escape(str(prov['command']))}</code>")
        rendered = [escape(i) for i in items[:-1]] + [items[-1]]
    else:
        rendered = [escape(i) for i in items]
    return '<ul class="prov">' + "".join(f"<li>{i}</li>" for i in rendered) + "</ul>"


def _claim_section(claim: Mapping, figure: bytes | None, formula: bytes | None) -> str:
    """The HTML section of one claim."""
    cid = str(claim.get("id", "?"))
    check = str(claim.get("check"))
    facts = dict(claim_facts(claim))
    premises = claim.get("premises") or []
    premise_html = ("; ".join(f"<code>{escape(str(t))}</code>" for t in premises)
                    if premises else "none")
    parts = [f'<section id="{html_id(cid)}">',
             f"<h2>{escape(cid)} {_status(str(claim.get('status', '?')))}</h2>",
             f"<p><code>{escape(check)}</code>, {escape(learner_label(claim))} on "
             f"<code>{escape(str(claim.get('setting')))}</code>, risk "
             f"<code>{escape(str(claim.get('risk')))}</code>, "
             f"{escape(fmt(claim.get('reps')))} replicates per point, "
             f"{escape(fmt(claim.get('elapsed_s'), '.1f'))} s.</p>",
             f'<p class="facts">Kind: {escape(facts["kind"])}; covers: '
             f"{escape(facts['covers'])}; premises: {premise_html}"
             + (f"; fits converged: {escape(facts['converged'])}" if "converged" in facts else "") + ".</p>"]
    if claim.get("statement"):
        parts.append(f"<blockquote>{escape(str(claim['statement']))}</blockquote>")
    parts.append(f'<p class="rule">{escape(decision_sentence(claim))}</p>')
    latex = str(claim.get("bound_latex") or "")
    if formula:
        math = (f'<img class="formula" alt="{escape(latex)}" title="{escape(latex)}" '
                f'src="{data_uri(formula)}">')
    elif latex:
        math = f"<code>{escape(latex)}</code>"
    else:
        math = ""
    extra = ""
    if claim.get("bound_name"):
        extra += f" (registered bound <code>{escape(str(claim['bound_name']))}</code>)"
    if claim.get("derivation"):
        extra += f"; derivation: {escape(str(claim['derivation']))}"
    parts.append(f"<p>Bound ({escape(bound_description(claim))}): {math}<br>"
                 f"<code>{escape(str(claim.get('bound')))}</code>{extra}</p>")
    terms = worst_terms_sentence(claim)
    if terms:
        parts.append(f'<p class="terms">{escape(terms)}</p>')
    fixed = fixed_parameters(claim)
    if fixed:
        parts.append("<p>Fixed parameters: " + ", ".join(
            f"{escape(k)} = {escape(v)}" for k, v in fixed) + "</p>")
    fit = claim.get("fit")
    if fit:
        parts.append(f"<p>{escape(fit_sentence(fit))}</p>")
    if claim.get("message"):
        parts.append(f"<p>Error: <code>{escape(str(claim['message']))}</code></p>")
    headers, rows = point_table(claim)
    if rows:
        rows = [[escape(c) for c in row[:-1]] + [_status(row[-1])] for row in rows]
        parts.append(_table(headers, rows, cls="points"))
    if figure:
        parts.append(f'<p><img class="figure" alt="figure of {escape(cid)}" '
                     f'src="{data_uri(figure)}"></p>')
    parts.append("</section>")
    return "\n".join(parts)


def render_html(results: Mapping, figures: Mapping[str, bytes] | None = None,
                formulas: Mapping[str, bytes | None] | None = None,
                separation: Mapping[str, bytes] | None = None) -> str:
    """The whole report.html.

    Parameters
    ----------
    results : mapping
        The contents of ``results.json``.
    figures : mapping of str to bytes, optional
        Claim id to its PNG figure.
    formulas : mapping of str to bytes or None, optional
        Claim id to a PNG rendering of its bound's LaTeX (the LaTeX source is
        shown where missing).
    separation : mapping of str to bytes, optional
        Case to the PNG of the separation picture (full profile).

    Returns
    -------
    str
        A complete HTML5 document.
    """
    figures = figures or {}
    formulas = formulas or {}
    status = str(results.get("status", "?"))
    power = power_sentence(results)
    body = [
        "<h1>metabound verification report</h1>",
        "<p>Risk bounds of Chua, Lei, Lee, <em>How Fine-Tuning Allows for Effective "
        "Meta-Learning</em> (NeurIPS 2021), checked on simulated risks.</p>",
        f'<p class="overall">{_status(status)} '
        f"{escape(run_line(results, with_status=False))}</p>",
    ]
    if power:
        body.append(f'<p class="power">{escape(power)}</p>')
    body += [
        _provenance(results),
        '<h2 id="summary">Summary</h2>',
        _summary(results),
        f'<p class="note">{escape(SUMMARY_NOTE)}</p>',
    ]
    not_passing = _not_passing(results)
    if not_passing:
        body.append(not_passing)
    body.append(f'<p class="note">{escape(READING_NOTE)}</p>')
    if separation:
        from .separation import REPORT_TEXT

        block = results.get("separation") or {}
        body.append('<h2 id="separation">Separation picture</h2>')
        body.append(f"<p>{escape(REPORT_TEXT.format(reps=block.get('reps', '?')))}</p>")
        for case, png in separation.items():
            body.append(f'<figure><img alt="separation, {escape(case)} hard case" src="{data_uri(png)}">'
                        f"<figcaption>{escape(case)} hard case</figcaption></figure>")
    for claim in results.get("claims") or []:
        cid = str(claim.get("id"))
        body.append(_claim_section(claim, figures.get(cid), formulas.get(cid)))
    title = f"metabound report: {status.upper()}"
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")
