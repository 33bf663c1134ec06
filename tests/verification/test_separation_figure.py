"""The separation figure (issue 14, item 4): data, files, axes and series."""

import numpy as np
import pandas as pd
import pytest

from verification.cli import main
from verification.report.separation import PROCEDURES, separation_figure, separation_frame


@pytest.fixture(scope="module")
def linear():
    return separation_frame("linear", reps=4, seed=0)


def test_every_procedure_at_every_point_with_an_interval(linear):
    labels = {p[0] for p in PROCEDURES}
    for (along, x), part in linear.groupby(["along", "x"]):
        assert set(part.procedure) == labels, (along, x)
        assert np.all(part.ci_low <= part["mean"]) and np.all(part["mean"] <= part.ci_high)
        assert np.all(np.isfinite(part["mean"]))
    assert set(linear.along) == {"m", "d/k"}


def test_the_linear_picture_is_the_papers(linear):
    """FROZENREP (head-only) stays near its class's bias lower bound and above ADAPTREP everywhere."""
    wide = linear.pivot_table(index=["along", "x"], columns="procedure", values="mean")
    frozen = wide["FROZENREP, head-only target step"]
    assert np.all(wide["ADAPTREP"] < 0.5 * frozen)
    bias = linear.groupby(["along", "x"]).frozen_class_bias.first()
    assert np.all(frozen >= 0.9 * bias)                   # class_bias is a lower bound for that class
    exact = linear.groupby(["along", "x"]).target_only_exact.first()
    assert exact.notna().all()


def test_the_figure_has_both_panels_every_series_and_the_bounds(linear):
    fig = separation_figure(linear)
    assert len(fig.axes) == 2
    for ax in fig.axes:
        labels = [line.get_label() for line in ax.get_lines()]
        assert all(p[0] in labels for p in PROCEDURES)
        assert "target-only exact risk" in labels
        assert "lower bound for FROZENREP's head-only class (mean class_bias)" in labels
    assert {ax.get_xlabel() for ax in fig.axes} == {"target samples m", "d/k"}


def test_the_command_writes_the_files(tmp_path, capsys):
    assert main(["figure", "separation", "--case", "linear", "--reps", "2", "--out", str(tmp_path / "f")]) == 0
    png = tmp_path / "f" / "separation-linear.png"
    assert png.stat().st_size > 10_000
    frame = pd.read_csv(tmp_path / "f" / "separation.csv")
    assert set(frame.case) == {"linear"} and len(frame) == 7 * len(PROCEDURES)
    assert "wrote" in capsys.readouterr().out


def test_bad_options_are_refused(capsys):
    assert main(["figure", "separation", "--reps", "1"]) == 2
    assert "--reps: must be an integer >= 2" in capsys.readouterr().err
    with pytest.raises(ValueError, match="unknown case"):
        separation_frame("cubic")


# ------------------------------------------------------------------ the picture in the full profile's report
def _rows():
    from verification.report.separation import CASES, PROCEDURES

    rows = []
    for case in CASES:
        for along, xs in (("m", (20, 40)), ("d/k", (3.0, 5.0))):
            for i, (label, *_rest) in enumerate(PROCEDURES):
                for x in xs:
                    mean = (1.0 + i) / x
                    rows.append(dict(case=case, along=along, x=float(x), procedure=label, mean=mean,
                                     ci_low=0.8 * mean, ci_high=1.2 * mean, reps=20,
                                     target_only_exact=(1.0 / x if case == "linear" else None),
                                     frozen_class_bias=0.5 / x))
    return rows


def test_the_report_draws_the_separation_picture_from_results_json(tmp_path, results):
    import json

    from verification.report.writer import regenerate_report, write_report

    with_picture = dict(results, separation={"reps": 20, "seed": 0, "rows": _rows()})
    out = write_report(with_picture, tmp_path / "report")
    for case in ("linear", "network"):
        png = (out / "figures" / f"separation-{case}.png").read_bytes()
        assert png.startswith(b"\x89PNG")
    md = (out / "report.md").read_text()
    assert "## Separation picture" in md and "figures/separation-network.png" in md
    assert "| linear: along | x | procedure |" in md and "ADAPTREP" in md
    assert md.count("oracle (true representation)") == 8          # 2 cases x 2 sweeps x 2 points
    html = (out / "report.html").read_text()
    assert 'id="separation"' in html and html.count('alt="separation, ') == 2
    stored = json.loads((out / "results.json").read_text())["separation"]
    assert stored["rows"][0]["procedure"] == "ADAPTREP" and stored["rows"][-1]["target_only_exact"] is None
    again = regenerate_report(out, tmp_path / "again")
    assert (again / "report.md").read_text() == md
    assert (again / "figures" / "separation-linear.png").read_bytes() == \
        (out / "figures" / "separation-linear.png").read_bytes()
    plain = write_report(results, tmp_path / "plain")                # no separation rows: no section
    assert "Separation picture" not in (plain / "report.md").read_text()
    assert not list((plain / "figures").glob("separation-*"))


def test_separation_by_default_only_for_the_whole_full_profile():
    from verification.api import separation_by_default

    assert separation_by_default("full", True, None)
    assert not separation_by_default("quick", True, None)
    assert not separation_by_default("full", False, None)          # a claims file
    assert not separation_by_default("full", True, ["c5-*"])       # a selection
