"""`metabound report DIR`: regenerate the report from results.json, rerun nothing."""

import json
import shutil
from pathlib import Path

import pytest

from verification.cli import main
from verification.report import load_results, write_report


def files(directory: Path) -> dict:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail loudly if anything tries to simulate or run claims."""
    import simulations
    import verification.runner

    def forbidden(*a, **k):
        raise AssertionError("the report must not rerun anything")

    monkeypatch.setattr(verification.runner, "run_claims", forbidden)
    monkeypatch.setattr(verification.runner, "_default_monte_carlo", forbidden)
    monkeypatch.setattr(simulations, "run_monte_carlo", forbidden)


@pytest.fixture
def report_dir(tmp_path, results_path):
    d = tmp_path / "rep"
    d.mkdir()
    shutil.copyfile(results_path, d / "results.json")
    return d


def test_regenerates_identical_report_without_rerunning(report_dir, results_path, no_simulation,
                                                        capsys):
    write_report(load_results(report_dir), report_dir)
    original = files(report_dir)
    assert set(original) >= {"results.json", "report.md", "report.html", "results.csv",
                             "junit.xml", "figures/sep-wrong.png"}
    (report_dir / "report.md").unlink()
    (report_dir / "report.html").write_text("stale")
    shutil.rmtree(report_dir / "figures")
    assert main(["report", str(report_dir)]) == 0
    assert files(report_dir) == original                     # byte for byte
    assert (report_dir / "results.json").read_bytes() == results_path.read_bytes()
    out = capsys.readouterr().out
    assert f"report: {report_dir / 'report.html'}" in out


def test_out_writes_elsewhere_and_leaves_dir_alone(report_dir, results_path, tmp_path,
                                                   no_simulation, fast_figures):
    before = files(report_dir)
    other = tmp_path / "other"
    assert main(["report", str(report_dir), "--out", str(other)]) == 0
    assert files(report_dir) == before
    assert (other / "results.json").read_bytes() == results_path.read_bytes()
    for name in ("report.md", "report.html", "results.csv", "junit.xml"):
        assert (other / name).is_file()


def test_summary_prints_markdown_and_writes_nothing(report_dir, no_simulation, capsys):
    before = files(report_dir)
    assert main(["report", str(report_dir), "--summary"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("FAIL: 17 claims (6 failed, 1 vacuous, 2 errors)")
    assert out.split("\n")[2].startswith("Power: 2 of 36 decided points vacuous")
    assert ("| `lower-wrong` | empirical | - | linear | oracle | lower-mean | **FAIL** | 0.284 "
            "| 1 |") in out
    assert "| `vacuous` | empirical | - | linear | target-only | upper-mean | **VACUOUS** |" in out
    assert files(report_dir) == before


def _break(report_dir, text):
    (report_dir / "results.json").write_text(text)


def _drop_point_key(text):
    data = json.loads(text)
    del data["claims"][1]["points"][0]["mean"]
    return json.dumps(data)


@pytest.mark.parametrize("mutate, message", [
    (None, "not found"),
    (lambda t: t[:100], "not valid JSON: "),
    (lambda t: "[1, 2]", "not a metabound results file"),
    (lambda t: t.replace('"metabound.results/1"', '"metabound.results/9"'),
     "unsupported results schema 'metabound.results/9'"),
    (lambda t: t.replace('"schema"', '"schemata"'), "not a metabound results file"),
    (lambda t: json.dumps({**json.loads(t), "claims": {}}), "'claims' must be a list"),
    (_drop_point_key, "claim 'whp', point #1: missing key 'mean'"),
])
def test_bad_results_json_exits_2_with_one_line(report_dir, results_path, mutate, message,
                                                capsys, no_simulation):
    if mutate is None:
        (report_dir / "results.json").unlink()
    else:
        _break(report_dir, mutate(results_path.read_text()))
    before = files(report_dir)
    assert main(["report", str(report_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("metabound: error: ") and err.count("\n") == 1, err
    assert message in err and "Traceback" not in err
    assert files(report_dir) == before                       # nothing touched
    assert sorted(p.name for p in report_dir.parent.iterdir()) == ["rep"]


def test_report_of_a_file_or_missing_dir(tmp_path, results_path, capsys):
    assert main(["report", str(tmp_path / "nope")]) == 2
    assert "nope/results.json not found" in capsys.readouterr().err
    f = tmp_path / "results.json"
    shutil.copyfile(results_path, f)
    assert main(["report", str(f)]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_debug_shows_traceback(tmp_path, capsys):
    assert main(["--debug", "report", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and err.rstrip().endswith("not found (write it with: "
                                                        f"metabound verify --out {tmp_path / 'nope'})")
