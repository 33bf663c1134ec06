"""Every report format carries the power fields and the new checks and statuses.

Margins, baselines, vacuity, resolutions, premise violations, undecidable
points, the run's power summary, and the ``exact``, ``upper-always`` /
``lower-always`` and ``exponent`` checks, in results.csv, report.md,
report.html, junit.xml and the figures, rendered from the fixture
``data/report_results.json`` (``data/make_report_results.py``).  Each test
fails when a field is missing from a format or a status is shown as another.
"""

import copy
import csv
import io
import math
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import numpy as np
import pytest

from verification.report import validate_results, write_report
from verification.report.figures import build_figure
from verification.report.html import render_html
from verification.report.junit import render_junit
from verification.report.markdown import render_markdown, render_summary
from verification.report.tables import (fmt, power_sentence, render_csv, resolution_text,
                                        worst_resolution)


def claims_by_id(results):
    return {c["id"]: c for c in results["claims"]}


def csv_table(results):
    return list(csv.DictReader(io.StringIO(render_csv(results))))


def md_sections(md):
    """Claim id -> its section of report.md."""
    parts = re.split(r"^## ", md, flags=re.M)
    return {p.split("\n", 1)[0]: p for p in parts[1:]}


def md_point_rows(section):
    """The point table of a Markdown section as a list of {header: cell}."""
    lines = [l for l in section.split("\n") if l.startswith("| ") and not l.startswith("| --- ")]
    split = [[c.strip() for c in re.split(r"(?<!\\)\|", l)[1:-1]] for l in lines]
    header, *rows = split
    return [dict(zip(header, r)) for r in rows]


class _Page(HTMLParser):
    """Tables of report.html by the claim section they are in, and paragraphs' text."""

    def __init__(self):
        super().__init__()
        self.tables, self.paragraphs, self.badges = [], [], []
        self._section, self._cell, self._p, self._badge = None, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self._section = a.get("id")
        elif tag == "table":
            self.tables.append({"class": a.get("class"), "section": self._section,
                                "rows": []})
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "p":
            self._p = {"class": a.get("class"), "section": self._section, "text": ""}
        elif tag == "span" and "status" in (a.get("class") or ""):
            self._badge = {"class": a.get("class"), "section": self._section, "text": ""}

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1]["rows"][-1].append(self._cell.strip())
            self._cell = None
        elif tag == "p" and self._p is not None:
            self.paragraphs.append(self._p)
            self._p = None
        elif tag == "span" and self._badge is not None:
            self.badges.append(self._badge)
            self._badge = None
        elif tag == "section":
            self._section = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._p is not None:
            self._p["text"] += data
        if self._badge is not None:
            self._badge["text"] += data


@pytest.fixture(scope="module")
def md(results):
    return render_markdown(results, {})


@pytest.fixture(scope="module")
def page(results):
    p = _Page()
    p.feed(render_html(results))
    return p


def html_points(page, claim_id):
    """The point table of a claim's HTML section as a list of {header: cell}."""
    [table] = [t for t in page.tables if t["section"] == f"claim-{claim_id}"]
    header, *rows = table["rows"]
    return [dict(zip(header, r)) for r in rows]


# ----------------------------------------------------------------- results.csv
CSV_FIELDS = ("baseline", "vacuous", "resolution", "margin", "status", "message",
              "premise_violations", "margin_median", "kind", "covers")


@pytest.mark.parametrize("field", CSV_FIELDS)
def test_csv_carries_every_point_field(results, field):
    rows = {(r["claim"], int(r["point"])): r for r in csv_table(results)}
    seen = 0
    for c in results["claims"]:
        for i, p in enumerate(c["points"]):
            cell = rows[(c["id"], i)][field]
            if field in ("kind", "covers"):
                assert cell == (";".join(c[field]) if field == "covers" else c[field])
                seen += bool(cell)
                continue
            if field == "premise_violations":
                want = "; ".join(f"{t}: {n}" for t, n in (p.get(field) or {}).items())
            elif field == "vacuous":
                want = "" if field not in p else str(p[field]).lower()
            elif p.get(field) is None:
                want = ""
            else:
                want = p[field]
            if isinstance(want, float):
                assert float(cell) == want, (c["id"], i, field, cell)
            else:
                assert cell == str(want), (c["id"], i, field, cell)
            seen += bool(cell)
    assert seen, f"no point of the fixture has a {field!r}"


def test_csv_shows_errors_premises_and_vacuity(results):
    rows = csv_table(results)
    nan = [r for r in rows if r["claim"] == "nan-bound"]
    assert [r["status"] for r in nan] == ["error", "error"]
    assert nan[0]["message"].startswith("bound is not finite in ")
    [premise] = [r for r in rows if r["claim"] == "premise-broken"]
    assert premise["premise_violations"] == "nu <= 0.5: 60" and premise["status"] == "fail"
    vac = [r for r in rows if r["claim"] == "vacuous"]
    assert {r["vacuous"] for r in vac} == {"true"} and {r["status"] for r in vac} == {"vacuous"}
    exact = [r for r in rows if r["claim"] == "exact-wrong"]
    assert {(r["band_low"], r["band_high"]) for r in exact} == {("0.9", "1.1")}
    rate = [r for r in rows if r["claim"] == "rate-ok"]
    fit = claims_by_id(results)["rate-ok"]["fit"]
    assert {float(r["slope_resolution"]) for r in rate} == {fit["resolution"]}


def test_csv_infinite_resolution_is_inf(results):
    inf = copy.deepcopy(results)
    inf["claims"][0]["points"][0]["resolution"] = "inf"
    assert csv_table(inf)[0]["resolution"] == "inf"
    assert float(csv_table(inf)[0]["resolution"]) == math.inf


# ------------------------------------------------------------------ report.md
def test_markdown_top_shows_the_power_summary(md, results):
    power = results["power"]
    top = md.split("## Summary", 1)[0]
    [line] = [l for l in top.split("\n") if l.startswith("Power: ")]
    assert line == power_sentence(results)
    assert f"{power['vacuous']} of {power['points']} decided points vacuous" in line
    assert "vacuous [m=20]; vacuous [m=40]" in line
    assert f"median margin {fmt(power['median_margin'], '.4g')}" in line
    assert (f"worst resolution {resolution_text(power['worst_resolution'])} at "
            f"{power['worst_resolution_at']['claim']}") in line
    assert f"worst slope resolution {resolution_text(power['worst_slope_resolution'])}" in line
    assert render_summary(results).split("\n")[2] == line          # the CI job summary too


def test_markdown_vacuous_and_error_are_not_pass(md, results):
    sections = md_sections(md)
    assert sections["vacuous"].split("\n")[2].startswith("**VACUOUS**: `upper-mean`")
    assert sections["nan-bound"].split("\n")[2].startswith("**ERROR**: `upper-mean`")
    rows = md_point_rows(sections["vacuous"])
    assert [(r["vacuous"], r["status"]) for r in rows] == [("yes", "vacuous")] * 2
    summary = render_summary(results)
    assert "Vacuous claims:\n\n- `vacuous`: vacuous at 2 of 2 points" in summary
    assert "  - m=20: bound 5.5 >= baseline 2.005" in summary
    assert "- `nan-bound`: 2 of 2 points could not be decided" in summary
    assert "error: None" not in summary


@pytest.mark.parametrize("claim_id", ["upper-2d", "whp", "lower-ok", "vacuous",
                                      "premise-broken", "exact-ok", "always-upper",
                                      "always-lower", "sep-ok"])
def test_markdown_point_tables_show_baseline_vacuous_resolution(md, results, claim_id):
    claim = claims_by_id(results)[claim_id]
    rows = md_point_rows(md_sections(md)[claim_id])
    assert len(rows) == len(claim["points"])
    for row, p in zip(rows, claim["points"]):
        assert row["resolution"] == resolution_text(p["resolution"])
        assert row["margin"] == fmt(p["margin"], ".3g")
        if claim["check"] != "separation":                       # separations have none
            assert row["baseline"] == fmt(p["baseline"])
            assert row["vacuous"] == ("yes" if p["vacuous"] else "no")


def test_markdown_notes_for_errors_and_premises(md, results):
    sections = md_sections(md)
    nan = md_point_rows(sections["nan-bound"])
    for row, p in zip(nan, claims_by_id(results)["nan-bound"]["points"]):
        assert row["note"] == f"error: {p['message']}" and row["status"] == "error"
    [premise] = md_point_rows(sections["premise-broken"])
    assert premise["note"] == "premise violated: nu <= 0.5: 60 of 60 replicates"
    assert "note" not in md_point_rows(sections["upper-2d"])[0]   # only where needed


def test_markdown_sections_show_kind_covers_premises(md, results):
    sections = md_sections(md)
    assert ("\nKind: theorem; covers: C1, C4; premises: `nu <= 2`; fits converged: 100% of replicates.\n"
            in sections["upper-2d"])
    assert "\nKind: empirical; covers: -; premises: none; fits converged: 100% of replicates.\n" in sections["whp"]
    for c in results["claims"]:
        assert f"\nKind: {c['kind']}; covers: " in sections[c["id"]]


@pytest.mark.parametrize("claim_id, headers, rule", [
    ("exact-wrong", ["m", "value", "allowed mean", "mean", "mean CI", "ratio", "ratio CI",
                     "outside band", "baseline", "vacuous", "margin", "resolution",
                     "p adjusted", "status"],
     "Decision rule (exact): two-sided, band [lo, hi] = [0.9, 1.1]: a point fails when"),
    ("always-upper", ["sigma", "bound", "mean", "risk range", "violations", "baseline",
                      "vacuous", "margin", "median margin", "resolution", "p adjusted",
                      "status"],
     "Decision rule (upper-always): a deterministic inequality: a point fails as soon as "
     "one replicate's risk exceeds the bound"),
    ("always-lower", ["bound", "mean", "risk range", "violations", "baseline", "vacuous",
                      "margin", "median margin", "resolution", "p adjusted", "status"],
     "Decision rule (lower-always): a deterministic inequality"),
    ("exponent-d", ["d", "mean", "CI", "p adjusted", "status"],
     "Decision rule (exponent): one test per claim: the weighted least-squares slope of "
     "log mean risk on log d fails when its interval lies entirely outside the allowed "
     "range [0.8, 1.2]"),
])
def test_markdown_new_checks_have_columns_and_rule(md, results, claim_id, headers, rule):
    section = md_sections(md)[claim_id]
    assert list(md_point_rows(section)[0]) == headers
    assert rule in section
    claim = claims_by_id(results)[claim_id]
    rows = md_point_rows(section)
    if claim["check"] == "exact":
        p = claim["points"][0]
        assert rows[0]["allowed mean"] == f"[{fmt(0.9 * p['bound'])}, {fmt(1.1 * p['bound'])}]"
        assert rows[0]["mean CI"] == f"[{fmt(p['mean_ci_low'])}, {fmt(p['mean_ci_high'])}]"
    if claim["check"].endswith("always"):
        p = claim["points"][-1]
        assert rows[-1]["risk range"] == f"[{fmt(p['ci_low'])}, {fmt(p['ci_high'])}]"
        assert rows[-1]["median margin"] == fmt(p["margin_median"], ".3g")


def test_markdown_slope_claims_show_their_resolution(md, results):
    sections = md_sections(md)
    for cid in ("rate-ok", "exponent-d"):
        fit = claims_by_id(results)[cid]["fit"]
        assert f"resolution {resolution_text(fit['resolution'])} in slope units" in sections[cid]
    assert "Slope of log mean risk on log d: " in sections["exponent-d"]


# ---------------------------------------------------------------- report.html
def test_html_top_shows_the_power_summary(page, results):
    power = [p for p in page.paragraphs if p["class"] == "power"]
    assert [p["text"] for p in power] == [power_sentence(results)]
    assert page.paragraphs.index(power[0]) < 2 + page.paragraphs.index(
        next(p for p in page.paragraphs if p["class"] == "overall"))


def test_html_vacuous_and_error_badges(page):
    summary = [b for b in page.badges if b["section"] is None]
    texts = {b["text"] for b in summary}
    assert {"PASS", "FAIL", "VACUOUS", "ERROR"} <= texts
    vac = [b for b in page.badges if b["section"] == "claim-vacuous"]
    assert vac and all(b["text"] == "VACUOUS" and "status-vacuous" in b["class"] for b in vac)
    err = [b for b in page.badges if b["section"] == "claim-nan-bound"]
    assert err and all(b["text"] == "ERROR" for b in err)


@pytest.mark.parametrize("claim_id", ["upper-2d", "vacuous", "premise-broken", "exact-ok",
                                      "always-upper", "always-lower"])
def test_html_point_tables_show_baseline_vacuous_resolution(page, results, claim_id):
    claim = claims_by_id(results)[claim_id]
    rows = html_points(page, claim_id)
    for row, p in zip(rows, claim["points"]):
        assert row["resolution"] == resolution_text(p["resolution"])
        assert row["baseline"] == fmt(p["baseline"])
        assert row["vacuous"] == ("yes" if p["vacuous"] else "no")
        assert row["status"] == p["status"].upper()


def test_html_sections_show_facts_rules_notes(page, results):
    facts = {p["section"]: p["text"] for p in page.paragraphs if p["class"] == "facts"}
    assert facts["claim-upper-2d"] == ("Kind: theorem; covers: C1, C4; premises: nu <= 2; "
                                       "fits converged: 100% of replicates.")
    assert len(facts) == len(results["claims"])
    rules = {p["section"]: p["text"] for p in page.paragraphs if p["class"] == "rule"}
    assert rules["claim-exact-wrong"].startswith("Decision rule (exact): two-sided, band")
    assert rules["claim-always-lower"].startswith("Decision rule (lower-always): a "
                                                  "deterministic inequality")
    assert "log d" in rules["claim-exponent-d"]
    [premise] = html_points(page, "premise-broken")
    assert premise["note"] == "premise violated: nu <= 0.5: 60 of 60 replicates"
    nan = html_points(page, "nan-bound")
    assert all(r["note"].startswith("error: bound is not finite") for r in nan)
    header = page.tables[[t["class"] for t in page.tables].index("summary")]["rows"][0]
    assert header[-1] == "worst resolution" and header[1:3] == ["kind", "covers"]


# ------------------------------------------------------------------ junit.xml
def junit_cases(results):
    root = ET.fromstring(render_junit(results).encode("utf-8"))
    return root, {c.get("name"): c for c in root.iter("testcase")}


def test_junit_vacuous_claim_is_a_failure(results):
    root, cases = junit_cases(results)
    failure = cases["vacuous"].find("failure")
    assert failure is not None and cases["vacuous"].find("error") is None
    assert failure.get("message") == "vacuous: bound >= trivial baseline at 2 points"
    assert failure.get("type") == "ClaimVacuous"
    assert "m=20: bound=5.5 baseline=2.005" in failure.text
    only = copy.deepcopy(results)
    only["claims"] = [c for c in only["claims"] if c["status"] in ("pass", "vacuous")]
    root, _ = junit_cases(only)
    assert (root.get("failures"), root.get("errors")) == ("1", "0")


def test_junit_undecidable_points_are_an_error(results):
    _, cases = junit_cases(results)
    error = cases["nan-bound"].find("error")
    assert error.get("message").startswith("2 of 2 points could not be decided: bound is not "
                                           "finite in ")
    assert error.text.count("bound is not finite") == 2 and "None" not in error.text
    assert cases["nan-bound"].find("failure") is None


def test_junit_system_out_has_resolution_and_baseline_per_point(results):
    _, cases = junit_cases(results)
    for c in results["claims"]:
        out = cases[c["id"]].find("system-out").text
        assert out.startswith(f"kind: {c['kind']}; covers: ")
        for p in c["points"]:
            if p.get("resolution") is not None:
                assert f"resolution={resolution_text(p['resolution'])}" in out, c["id"]
            if p.get("baseline") is not None:
                assert f"baseline={format(p['baseline'], '.3g')}" in out, c["id"]
        if (c.get("fit") or {}).get("resolution") is not None:
            assert f"slope resolution {resolution_text(c['fit']['resolution'])}" in out
    premise = cases["premise-broken"].find("system-out").text
    assert "premise violated in 60 replicates: nu <= 0.5" in premise


def test_junit_suite_carries_the_power_summary(results):
    root, _ = junit_cases(results)
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    power = results["power"]
    assert props["power_vacuous_points"] == str(power["vacuous"])
    assert float(props["power_worst_resolution"]) == power["worst_resolution"]
    assert props["power_worst_resolution_at"].startswith(power["worst_resolution_at"]["claim"])
    assert float(props["power_worst_slope_resolution"]) == power["worst_slope_resolution"]
    assert float(props["power_median_margin"]) == power["median_margin"]


# -------------------------------------------------------------------- figures
def _labels(ax):
    return ax.get_legend_handles_labels()[1]


def _line(ax, label):
    handles, labels = ax.get_legend_handles_labels()
    return handles[labels.index(label)]


def test_figure_exact_shows_band_and_mean_interval(results):
    claim = claims_by_id(results)["exact-wrong"]
    [ax] = build_figure(claim).axes
    assert {"allowed: 0.9..1.1 x value", "value", "mean risk (interval)"} <= set(_labels(ax))
    values = np.array([p["bound"] for p in claim["points"]])
    dotted = [l for l in ax.get_lines() if l.get_linestyle() == ":"]
    edges = sorted(tuple(np.round(l.get_ydata(), 12)) for l in dotted)
    assert edges == sorted([tuple(np.round(0.9 * values, 12)), tuple(np.round(1.1 * values, 12))])
    assert "fails (Holm-adjusted)" in _labels(ax)
    exact = claims_by_id(results)["exact-ok"]
    assert "value (exact)" in _labels(build_figure(exact).axes[0])


def test_figure_always_shows_min_max_and_margins(results):
    claim = claims_by_id(results)["always-upper"]
    left, right = build_figure(claim).axes
    labels = _labels(left)
    assert "risk: min..max over replicates (dot: mean)" in labels
    assert "bound (every replicate)" in labels and "trivial baseline" in labels
    assert "fails (Holm-adjusted)" in labels
    lo, hi = left.get_ylim()
    assert lo <= min(p["ci_low"] for p in claim["points"])
    assert hi >= max(p["ci_high"] for p in claim["points"])
    worst = _line(right, "worst replicate's margin")
    assert list(worst.get_ydata()) == [p["margin"] for p in claim["points"]]
    assert "fails (Holm-adjusted)" in _labels(right)
    lower = claims_by_id(results)["always-lower"]               # per-replicate bound
    left, _ = build_figure(lower).axes
    assert "lower bound (mean over replicates)" in _labels(left)
    assert not any("baseline" in l for l in _labels(left))


def test_figure_exponent_is_log_log_with_slope_and_range(results):
    claim = claims_by_id(results)["exponent-d"]
    [ax] = build_figure(claim).axes
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"   # d spans only 4x: forced
    assert ax.get_xlabel() == "d"
    assert f"fitted slope {claim['fit']['slope']:.3f}" in _labels(ax)
    assert "allowed slopes [0.8, 1.2]" in _labels(ax)


def test_figure_baseline_vacuity_errors_premises(results):
    claims = claims_by_id(results)
    [ax] = build_figure(claims["vacuous"]).axes
    assert "vacuous (bound >= baseline)" in _labels(ax)
    base = _line(ax, "trivial baseline")
    assert base.get_linestyle() == "--"
    assert list(base.get_ydata()) == [p["baseline"] for p in claims["vacuous"]["points"]]
    fig = build_figure(claims["nan-bound"])
    assert "not decided (error)" in _labels(fig.axes[0])
    assert "2 of 2 points not decided" in fig._suptitle.get_text()
    assert "premise violated at 1 of 1 points" in \
        build_figure(claims["premise-broken"])._suptitle.get_text()


# ------------------------------------------------------------------ robustness
def test_points_without_status_and_infinite_resolution_render(results, tmp_path,
                                                              fast_figures):
    broken = copy.deepcopy(results)
    rate = claims_by_id(broken)["rate-ok"]
    rate.update(status="error", fit=None)
    for p in rate["points"]:
        for key in ("status", "p_value", "p_adjusted"):
            p.pop(key, None)
    rate["points"][1].update(status="error", message="risk is not finite in 1 of 60 replicates")
    claims_by_id(broken)["upper-2d"]["points"][0]["resolution"] = "inf"
    broken["power"]["worst_resolution"] = "inf"
    validate_results(broken)
    write_report(broken, tmp_path / "r")
    md = (tmp_path / "r" / "report.md").read_text()
    rows = md_point_rows(md_sections(md)["rate-ok"])
    assert [r["status"] for r in rows] == ["-", "error", "-", "-"]
    assert "; worst resolution inf at " in md
    assert worst_resolution(claims_by_id(broken)["upper-2d"]) == (math.inf, "inf")
    assert "| inf |" in md_sections(md)["upper-2d"]
    assert "risk is not finite in 1 of 60 replicates" in (tmp_path / "r" / "junit.xml").read_text()


def test_results_without_power_fields_render_with_dashes(results):
    old = copy.deepcopy(results)
    old.pop("power")
    for c in old["claims"]:
        for key in ("kind", "covers", "premises"):
            c.pop(key, None)
        for p in c["points"]:
            for key in ("baseline", "vacuous", "resolution"):
                p.pop(key, None)
    md = render_markdown(old, {})
    assert "Power:" not in md
    rows = md_point_rows(md_sections(md)["upper-2d"])
    assert {(r["baseline"], r["vacuous"], r["resolution"]) for r in rows} == {("-", "-", "-")}
    assert "\nKind: -; covers: -; premises: none.\n" in md
    render_html(old)
    render_junit(old)
    render_csv(old)


def test_unknown_status_is_never_pass(results):
    odd = copy.deepcopy(results)
    odd["claims"][0]["status"] = "skipped"
    md = render_markdown(odd, {})
    assert "| **SKIPPED** |" in md and "**SKIPPED**: `upper-mean`" in md
    page = _Page()
    page.feed(render_html(odd))
    assert any(b["text"] == "SKIPPED" and "status-other" in b["class"] for b in page.badges)
    root, cases = junit_cases(odd)
    assert cases["upper-2d"].find("error") is not None
