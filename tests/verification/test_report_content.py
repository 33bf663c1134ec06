"""Report content from a small fixed results.json (data/report_results.json).

The fixture was produced by the toy Monte Carlo of conftest.py
(``data/make_report_results.py`` regenerates it): seventeen claims covering
every check, passing and failing, a two-parameter sweep, a single point
separation, a vacuous claim, a violated premise, undecidable points and a claim
whose simulation raised (status ``error``).  The power fields (baseline,
vacuous, resolution, ...) in every format: ``test_report_power.py``.
"""

import base64
import copy
import csv
import io
import json
import re
from html.parser import HTMLParser

import matplotlib.image
import pytest

from verification.report import write_report
from verification.report.figures import build_figure, use_log_x, x_axis
from verification.report.markdown import render_markdown, render_summary
from verification.report.tables import oriented_margin, render_csv, worst_margin

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXPECTED_STATUS = {"upper-2d": "pass", "whp": "pass", "lower-ok": "pass",
                   "lower-wrong": "fail", "rate-ok": "pass", "rate-wrong": "fail",
                   "sep-wrong": "fail", "sep-ok": "pass", "vacuous": "vacuous",
                   "premise-broken": "fail", "nan-bound": "error", "exact-ok": "pass",
                   "exact-wrong": "fail", "always-upper": "fail", "always-lower": "pass",
                   "exponent-d": "pass", "broken": "error"}
MARK = {"pass": "| PASS |", "fail": "| **FAIL** |", "vacuous": "| **VACUOUS** |",
        "error": "| **ERROR** |"}
SUMMARY = ["claim", "kind", "covers", "setting", "learner", "check", "status",
           "worst margin", "worst resolution"]


@pytest.fixture(scope="module")
def report(results, tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "report"
    write_report(results, out)
    return out


class _Tables(HTMLParser):
    """Collects tables (rows of cell texts), images and external references."""

    def __init__(self):
        super().__init__()
        self.tables, self.images, self.refs, self.tags = [], [], [], []
        self._cell = None
        self._table_class = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "table":
            self.tables.append({"class": a.get("class"), "rows": []})
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "img":
            self.images.append(a)
        for key in ("src", "href"):
            if key in a:
                self.refs.append(a[key])

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1]["rows"][-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def parse_html(text):
    p = _Tables()
    p.feed(text)
    return p


def test_all_files_are_written(report, results):
    for name in ("results.json", "report.md", "report.html", "results.csv", "junit.xml"):
        assert (report / name).is_file(), name
    with_points = [c["id"] for c in results["claims"] if c["points"]]
    pngs = sorted(p.stem for p in (report / "figures").glob("*.png"))
    assert pngs == sorted(with_points)
    for p in (report / "figures").glob("*.png"):
        assert p.read_bytes().startswith(PNG_SIGNATURE)
        assert matplotlib.image.imread(p).shape[0] > 100


def test_results_json_is_the_results(report, results):
    assert json.loads((report / "results.json").read_text()) == results


def summary_rows_md(md):
    """Claim id -> its row of the Markdown summary table."""
    return {m.group(1): m.group(0) for m in
            re.finditer(r"^\| \[([^\]]+)\]\(#[^)]+\) \|.*$", md, flags=re.M)}


def test_markdown_summary_table(report):
    md = (report / "report.md").read_text()
    assert "| " + " | ".join(SUMMARY) + " |" in md
    rows = summary_rows_md(md)
    assert set(rows) == set(EXPECTED_STATUS)
    for cid, status in EXPECTED_STATUS.items():
        assert MARK[status] in rows[cid], rows[cid]
        if status != "pass":
            assert "| PASS |" not in rows[cid], rows[cid]     # never shown as PASS
    assert "frozenrep vs oracle | separation" in rows["sep-wrong"]
    assert "| theorem | C1, C4 | linear | target-only | upper-mean |" in rows["upper-2d"]
    assert "| rate | C3 |" in rows["rate-ok"] and "| exact | C3 |" in rows["exact-ok"]
    assert "slope 1.925 [1.285, 2.565], target 0.8..1.2 | 0.838 (slope) |" in rows["rate-wrong"]
    assert rows["exact-wrong"].endswith("| 1.45 (deviation) | 2.31 |")
    assert rows["nan-bound"].endswith("| **ERROR** | - | - |")
    assert md.startswith("# metabound verification report")
    assert "FAIL: 17 claims (6 failed, 1 vacuous, 2 errors), 30 tests" in md


def test_markdown_claim_sections(report, results):
    md = (report / "report.md").read_text()
    sections = re.split(r"^## ", md, flags=re.M)
    by_id = {s.split("\n", 1)[0]: s for s in sections[1:]}
    for c in results["claims"]:
        sec = by_id[c["id"]]
        assert c["statement"] in sec
        assert "$$\n" + c["bound_latex"] + "\n$$" in sec
        assert f"`{c['bound']}`" in sec
        if c["points"]:
            assert f"![{c['id']}](figures/{c['id']}.png)" in sec
            table = [l for l in sec.split("\n")
                     if l.startswith("| ") and not l.startswith("| --- ")]
            assert len(table) - 1 == len(c["points"])           # minus the header
        else:
            assert "![" not in sec and "solver diverged at m=13" in sec
    assert "Fixed parameters: d = 10, k = 2, T = 5, n = 20, sigma = 1, fail_prob = 0.05" \
        in by_id["whp"]
    header = next(l for l in by_id["upper-2d"].split("\n") if l.startswith("| m |"))
    assert header == ("| m | sigma | bound | mean | CI | violations | baseline | vacuous | "
                      "margin | resolution | p adjusted | status |")
    sep_header = next(l for l in by_id["sep-wrong"].split("\n") if l.startswith("| m |"))
    assert "| mean frozenrep | mean oracle | ratio | ratio CI |" in sep_header


def test_markdown_lists_failing_points(results):
    text = render_summary(results)
    assert "- `lower-wrong`: 2 of 2 points fail" in text
    assert "  - m=10: estimate 0.1703 vs bound 0.6" in text
    assert "- `rate-wrong`: fitted slope outside the target range" in text
    assert "- `broken`: error: RuntimeError: solver diverged at m=13" in text
    assert "  - m=20: ratio mean / value 0.692 vs band [0.9, 1.1]" in text
    assert "  - sigma=2: largest risk 1.089 vs bound 0.5, 3 of 40 replicates beyond it" in text
    passing = copy.deepcopy(results)
    passing["claims"] = [c for c in passing["claims"] if c["status"] == "pass"]
    assert "Failing claims" not in render_summary(passing)
    assert "Vacuous claims" not in render_summary(passing)
    assert "Claims with errors" not in render_summary(passing)


def test_html_summary_table_and_statuses(report):
    page = parse_html((report / "report.html").read_text())
    [summary] = [t for t in page.tables if t["class"] == "summary"]
    header, *rows = summary["rows"]
    assert header == SUMMARY
    assert {r[0]: r[6] for r in rows} == {k: v.upper() for k, v in EXPECTED_STATUS.items()}
    by_id = {r[0]: r for r in rows}
    assert by_id["upper-2d"][1:3] == ["theorem", "C1, C4"]
    assert by_id["rate-wrong"][-1] == "0.838 (slope)" and by_id["whp"][-1] == "2.46"
    points = [t for t in page.tables if t["class"] == "points"]
    assert len(points) == 16                                 # all but the claim that raised


def test_html_embeds_figures_and_needs_no_network(report, results):
    text = (report / "report.html").read_text()
    page = parse_html(text)
    figures = [i for i in page.images if i.get("class") == "figure"]
    assert len(figures) == sum(1 for c in results["claims"] if c["points"])
    for img in page.images:
        assert img["src"].startswith("data:image/png;base64,")
        png = base64.b64decode(img["src"].split(",", 1)[1])
        assert png.startswith(PNG_SIGNATURE)
    assert all(r.startswith(("data:", "#")) for r in page.refs), page.refs
    assert "script" not in page.tags and "link" not in page.tags
    assert "http://" not in text and "https://" not in text and "@import" not in text
    disk = (report / "figures" / "sep-wrong.png").read_bytes()
    assert base64.b64encode(disk).decode() in text          # the same figure as on disk


def test_html_escapes_text(results, tmp_path, fast_figures):
    evil = copy.deepcopy(results)
    evil["claims"][0]["id"] = "x<script>alert(1)</script>&|"
    evil["claims"][0]["statement"] = "<b>bold</b> & more"
    write_report(evil, tmp_path / "r")
    text = (tmp_path / "r" / "report.html").read_text()
    assert "<script>" not in text and "<b>bold</b>" not in text
    assert "x&lt;script&gt;alert(1)&lt;/script&gt;&amp;|" in text
    md = (tmp_path / "r" / "report.md").read_text()
    assert "&\\|](#" in md                                    # pipe escaped in the table
    assert list((tmp_path / "r" / "figures").glob("x_script_alert*"))


def test_oriented_and_worst_margins(results):
    claims = {c["id"]: c for c in results["claims"]}
    lower = claims["lower-wrong"]
    p = lower["points"][0]
    assert p["margin"] == pytest.approx(p["mean"] / p["bound"])   # recorded oriented
    assert oriented_margin(lower, p) == p["margin"]              # and not inverted again
    assert worst_margin(lower)[0] < 1 < worst_margin(claims["lower-ok"])[0]
    upper = claims["upper-2d"]
    assert worst_margin(upper)[0] == pytest.approx(min(q["margin"] for q in upper["points"]))
    exact = claims["exact-wrong"]                                # exact: the largest deviation
    assert worst_margin(exact)[0] == max(q["margin"] for q in exact["points"])
    assert worst_margin(claims["always-upper"])[0] < 1           # the worst replicate
    assert worst_margin(claims["broken"]) == (None, "-")
    assert worst_margin(claims["nan-bound"]) == (None, "-")
    assert worst_margin(claims["rate-ok"])[1].startswith("slope 1.007")
    assert worst_margin(claims["exponent-d"])[1].startswith("slope 1.013")


def test_csv_one_row_per_point(report, results):
    rows = list(csv.DictReader(io.StringIO((report / "results.csv").read_text())))
    assert len(rows) == sum(len(c["points"]) for c in results["claims"])
    assert {r["claim"] for r in rows} == set(EXPECTED_STATUS) - {"broken"}
    first = results["claims"][0]["points"][0]
    row = rows[0]
    assert float(row["mean"]) == first["mean"]           # full precision round trip
    assert row["param_m"] == "20" and row["param_sigma"] == "1.0"
    assert row["param_d"] == "10"                       # fixed parameters too
    sep = [r for r in rows if r["claim"] == "sep-wrong"]
    assert all(r["status"] == "fail" and r["versus"] == "oracle" and r["ratio"] for r in sep)
    assert rows[0]["diag_converged"] == "1.0"
    assert all(r["margin"] == r["oriented_margin"] for r in rows)   # both oriented
    assert render_csv(results) == (report / "results.csv").read_text()


def test_x_axis_and_log_scale_rules(results):
    claims = {c["id"]: c for c in results["claims"]}
    assert x_axis(claims["upper-2d"]) == ("m", ["sigma"])
    assert x_axis(claims["broken"]) == ("m", [])
    assert x_axis({"sweep": {}}) == (None, [])
    assert use_log_x([20, 80]) and use_log_x([1, 4])
    assert not use_log_x([20, 40]) and not use_log_x([1, 3.99])
    assert not use_log_x([0, 10]) and not use_log_x(["a", "b"]) and not use_log_x([])


def _labels(ax):
    return [t for t in ax.get_legend_handles_labels()[1]]


def test_figures_by_kind(results):
    claims = {c["id"]: c for c in results["claims"]}
    fig = build_figure(claims["upper-2d"])                 # two curves, log-log
    [ax] = fig.axes
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "mean risk (sigma=1.0)" in _labels(ax) and "bound (sigma=2.0)" in _labels(ax)
    assert "trivial baseline (sigma=2.0)" in _labels(ax)    # upper bound: baseline drawn
    assert len(ax.collections) >= 2                        # confidence bands
    fig = build_figure(claims["lower-wrong"])              # span 4: log-log, failures
    [ax] = fig.axes
    assert ax.get_xscale() == "log"
    assert "fails (Holm-adjusted)" in _labels(ax) and "lower bound" in _labels(ax)
    assert not any("baseline" in l for l in _labels(ax))   # no baseline for lower bounds
    assert "fails (Holm-adjusted)" not in _labels(build_figure(claims["lower-ok"]).axes[0])
    fig = build_figure(claims["sep-wrong"])                # separation: two panels
    left, right = fig.axes
    assert {"frozenrep", "oracle"} <= set(_labels(left))
    assert "fails (Holm-adjusted)" in _labels(right) and "bound" in _labels(right)
    fig = build_figure(claims["rate-wrong"])
    labels = _labels(fig.axes[0])
    assert any(l.startswith("fitted: bound^1.92") for l in labels)
    assert any("shape only" in l for l in labels)
    fig = build_figure(claims["sep-ok"])                   # single point: linear axes
    assert fig.axes[0].get_xscale() == "linear"
    assert build_figure(claims["broken"]) is None


def test_figure_marks_non_significant_excursions(results):
    claim = copy.deepcopy(next(c for c in results["claims"] if c["id"] == "upper-2d"))
    claim["points"][0]["bound"] = claim["points"][0]["mean"] * 0.9   # beyond, still "pass"
    assert claim["points"][0]["status"] == "pass"
    labels = _labels(build_figure(claim).axes[0])
    assert "estimate beyond bound (not significant)" in labels
    assert "fails (Holm-adjusted)" not in labels


def test_figure_with_categorical_sweep(results):
    claim = copy.deepcopy(next(c for c in results["claims"] if c["id"] == "whp"))
    claim["sweep"] = {"target": ["worst", "gaussian"]}
    for p, t in zip(claim["points"], ["worst", "gaussian"]):
        p["params"] = {"target": t}
    ax = build_figure(claim).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["worst", "gaussian"]


def test_markdown_without_figures_has_no_images(results):
    assert "![" not in render_markdown(results, {})


def test_the_fraction_of_converged_fits_is_reported():
    from verification.report.tables import claim_facts, converged_text

    claim = {"points": [{"replicates": 20, "diagnostics": {"converged": 1.0}},
                        {"replicates": 60, "diagnostics": {"converged": 0.5}}]}
    assert converged_text(claim) == "62% of replicates (lowest point 50%)"
    assert dict(claim_facts(claim))["converged"] == "62% of replicates (lowest point 50%)"
    assert converged_text({"points": [{"replicates": 5, "diagnostics": {"converged": 1.0}}]}) == "100% of replicates"
    assert "converged" not in dict(claim_facts({"points": [{"replicates": 5}]}))
