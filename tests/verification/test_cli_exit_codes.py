"""The metabound command line: exit codes, one-line errors, help, subcommands."""

import argparse
import json
import os
import shutil
import subprocess
import sys

import pytest

from verification.cli import build_parser, main

PASSING = """
[[claim]]
id = "ols"
setting = "linear"
learner = "target-only"
check = "upper-mean"
bound = "1.5*sigma**2*d/m"
reps = 50
[claim.params]
d = 10
k = 2
T = 5
n = 20
[claim.sweep]
m = [20, 40]
"""
FAILING = PASSING.replace("1.5*sigma**2*d/m", "0.1*sigma**2*d/m")
SUBCOMMANDS = ("verify", "report", "list", "figure", "bound", "simulate")


def one_line_error(err: str) -> str:
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    return err.strip()


def test_pass_is_0_fail_is_1(tmp_path, toy_env, fast_figures, write_claims, capsys):
    out = tmp_path / "out"
    assert main(["verify", "--claims-file", str(write_claims(PASSING)), "--out",
                 str(out), "--quiet"]) == 0
    assert main(["verify", "--claims-file", str(write_claims(FAILING)), "--out",
                 str(out), "--quiet"]) == 1
    stdout = capsys.readouterr().out
    assert "FAIL  ols" in stdout
    for name in ("results.json", "report.md", "report.html", "results.csv", "junit.xml"):
        assert (out / name).is_file()
    assert json.loads((out / "results.json").read_text())["status"] == "fail"
    assert "**FAIL**" in (out / "report.md").read_text()


def test_failing_claim_details_unless_quiet(tmp_path, toy_env, fast_figures, write_claims,
                                            capsys):
    assert main(["verify", "--claims-file", str(write_claims(FAILING)), "--out",
                 str(tmp_path / "o")]) == 1
    assert "ols: FAIL  [upper-mean]" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["verify", "--alpha", "x"], "metabound verify: error: argument --alpha: invalid float "
                                 "value: 'x' (see 'metabound verify --help')"),
    (["verify", "--alpha", "2"], "metabound: error: --alpha must be in (0, 1), got 2.0"),
    (["verify", "--profile", "huge"], "metabound verify: error: argument --profile: invalid "
                                      "choice: 'huge'"),
    (["verify", "--bogus"], "metabound: error: unrecognized arguments: --bogus"),
    (["frobnicate"], "metabound: error: argument COMMAND: invalid choice: 'frobnicate'"),
    ([], "metabound: error: missing command: one of verify, report, figure, bound, simulate, list"),
    (["verify", "--claims-file", "{claims}", "--claims", "zzz*"],
     "metabound: error: no claim matches zzz*; known: ols"),
    (["verify", "--with-builtin"], "metabound: error: --with-builtin needs --claims-file"),
    (["report"], "metabound report: error: the following arguments are required: DIR"),
    (["list", "everything"], "metabound list: error: argument what: invalid choice"),
    (["simulate", "--setting", "linear"], "metabound simulate: error: the following "
                                          "arguments are required: --learner"),
])
def test_usage_errors_exit_2_with_one_line(argv, message, capsys, toy_env, tmp_path,
                                           write_claims):
    argv = [a.replace("{claims}", str(write_claims(PASSING))) for a in argv]
    if argv[:1] == ["verify"] and "--out" not in argv:
        argv = argv + ["--out", str(tmp_path / "o")]
    assert main(argv) == 2
    err = one_line_error(capsys.readouterr().err)
    assert err.startswith(message), err
    assert not (tmp_path / "o").exists()


def test_bad_claims_file_exits_2_and_writes_nothing(tmp_path, toy_env, write_claims, capsys):
    bad = PASSING.replace('bound = "1.5*sigma**2*d/m"', 'bound = "1.5*sigma**2*D/m"')
    out = tmp_path / "o"
    assert main(["verify", "--claims-file", str(write_claims(bad)), "--out",
                 str(out)]) == 2
    err = one_line_error(capsys.readouterr().err)
    assert "claim 'ols', field 'bound': unknown name 'D'" in err
    assert not out.exists()
    assert main(["verify", "--claims-file", str(tmp_path / "missing.toml"), "--out",
                 str(out)]) == 2
    one_line_error(capsys.readouterr().err)


def test_bad_out_is_bad_input_and_nothing_runs(tmp_path, toy_env, write_claims, capsys,
                                                monkeypatch):
    import verification.runner
    ran = []
    monkeypatch.setattr(verification.runner, "_default_monte_carlo",
                        lambda: (lambda **kw: ran.append(kw)))
    f = tmp_path / "afile"
    f.write_text("x")
    assert main(["verify", "--claims-file", str(write_claims(PASSING)), "--out",
                 str(f)]) == 2
    err = one_line_error(capsys.readouterr().err)
    assert "is not a directory" in err and not ran
    monkeypatch.chdir(tmp_path)
    assert main(["verify", "--claims-file", "claims.toml", "--out", "."]) == 2
    assert "contains the current directory" in one_line_error(capsys.readouterr().err)
    assert not ran and f.read_text() == "x"


def test_debug_shows_the_traceback(tmp_path, toy_env, capsys):
    argv = ["verify", "--claims-file", str(tmp_path / "missing.toml"), "--out",
            str(tmp_path / "o")]
    assert main(["--debug"] + argv) == 2
    assert "Traceback (most recent call last)" in capsys.readouterr().err
    assert main(argv + ["--debug"]) == 2
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_unexpected_exception_is_one_line_exit_2(tmp_path, toy_env, write_claims, capsys,
                                                  monkeypatch):
    import verification.report
    monkeypatch.setattr(verification.report, "check_target",
                        lambda out: (_ for _ in ()).throw(PermissionError("denied")))
    assert main(["verify", "--claims-file", str(write_claims(PASSING)), "--out",
                 str(tmp_path / "o")]) == 2
    assert one_line_error(capsys.readouterr().err) == "metabound: error: PermissionError: denied"


def _all_parsers(parser, prefix="metabound"):
    yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _all_parsers(sub, f"{prefix} {name}")


def test_every_option_is_documented():
    parsers = dict(_all_parsers(build_parser()))
    assert {p.split()[-1] for p in parsers if p != "metabound"} == set(SUBCOMMANDS)
    for name, parser in parsers.items():
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help and action.help != argparse.SUPPRESS, \
                f"{name}: {action.option_strings or action.dest} has no help"


@pytest.mark.parametrize("argv", [["--help"]] + [[c, "--help"] for c in SUBCOMMANDS])
def test_help_exits_0(argv, capsys):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: metabound")
    if argv == ["--help"]:
        for c in SUBCOMMANDS:
            assert f"    {c} " in out
        assert "exit status: 0" in out


def test_simulate_through_metabound(capsys):
    argv = ["simulate", "--setting", "linear", "--learner", "target-only", "--reps", "20",
            "--d", "5", "--k", "2", "--T", "2", "--n", "10", "--m", "20"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "target-only" in out and "CI" in out
    assert main(argv + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    text = json.dumps(data)
    assert "target-only" in text and "mean" in text
    assert main(argv[:-2] + ["--m", "0"]) == 2
    assert "'m'" in one_line_error(capsys.readouterr().err)


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for section in ("claims (quick profile):", "bounds:", "settings:", "learners:"):
        assert section in out


def test_console_script_end_to_end(tmp_path):
    """A fresh process, the real simulator: one claim, a complete report directory."""
    exe = shutil.which("metabound")
    cmd = [exe] if exe else [sys.executable, "-m", "verification.cli"]
    out = tmp_path / "rep"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run(cmd + ["verify", "--claims", "c3-target-only-rate-m", "--out",
                                 str(out)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "PASS  c3-target-only-rate-m" in proc.stdout
    assert proc.stderr.splitlines()[-1].startswith("progress: 100% | claims 1/1")
    for name in ("results.json", "report.md", "report.html", "results.csv", "junit.xml",
                 "figures/c3-target-only-rate-m.png"):
        assert (out / name).is_file(), name
    proc = subprocess.run(cmd + ["report", str(out / "nope")], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1


def test_vacuous_is_3_and_reported_as_vacuous(tmp_path, toy_env, fast_figures, write_claims, capsys):
    vacuous = PASSING.replace("1.5*sigma**2*d/m", "2 + sigma**2*d/m")      # above the toy baseline 2
    out = tmp_path / "out"
    assert main(["verify", "--claims-file", str(write_claims(vacuous)), "--out", str(out), "--quiet"]) == 3
    stdout = capsys.readouterr().out
    assert "VACUOUS ols" in stdout and "power: 2 vacuous of 2 points" in stdout
    results = json.loads((out / "results.json").read_text())
    assert results["status"] == "vacuous"
    assert all(p["status"] == "vacuous" and p["vacuous"] for p in results["claims"][0]["points"])


def test_a_nan_bound_is_exit_1_never_a_pass(tmp_path, toy_env, fast_figures, write_claims, capsys):
    nan = PASSING.replace("1.5*sigma**2*d/m", "0.01*sqrt(rep_error - 0.4)")   # NaN in every replicate
    out = tmp_path / "out"
    assert main(["verify", "--claims-file", str(write_claims(nan)), "--out", str(out), "--quiet"]) == 1
    results = json.loads((out / "results.json").read_text())
    assert results["status"] == "fail" and results["claims"][0]["status"] == "error"
    assert "bound is not finite in 50 of 50 replicates" in results["claims"][0]["points"][0]["message"]
