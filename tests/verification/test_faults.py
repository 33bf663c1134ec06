"""Bad input and faults (issue 15): errors before work and nothing written, limits on run size,
refused stores left as they were, stale report temporaries cleaned, messages that name their source."""

import json
import os
import sqlite3
import subprocess
import sys
import tomllib

import numpy as np
import pytest

import verification.report.atomic as atomic
from verification.checks import CHECKS, PointSample, decide
from verification.cli import main
from verification.report import write_report
from verification.store import ResultsStore, StoreError

CLAIM = """
[[claim]]
id = "ols"
setting = "linear"
learner = "target-only"
check = "upper-mean"
bound = "3*sigma**2*d/m"
reps = 30
[claim.params]
d = 4
k = 2
T = 2
n = 5
[claim.sweep]
m = [20, 40]
"""


def _nothing_written(tmp_path, out):
    assert not out.exists()
    assert not list(tmp_path.glob("*.sqlite*")), "a store was created"


# ------------------------------------------------------ nothing non-finite passes
@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("where", ["all", "one"])
def test_a_point_with_a_non_finite_bound_in_any_replicate_never_passes(check, where):
    rng = np.random.default_rng(0)
    points = []
    for m in (10, 20, 40):
        bound = np.full(40, 2.0 / m)
        if where == "all" or m == 20:
            bound[:: (1 if where == "all" else 40)] = np.nan
        points.append(PointSample(risk=rng.chisquare(4, 40) / m, bound=bound, fail_prob=0.05, params={"m": m},
                                  versus=rng.chisquare(4, 40) / m if check == "separation" else None))
    options = {"along": "m", "exponent": (-2, 0)} if check == "exponent" else {}
    status, result = decide(check, points, **options)
    assert status == "error"
    assert all(p["status"] != "pass" for p in result.points if p["params"]["m"] == 20 or where == "all")


# ------------------------------------------------------ learner hyper-parameters up front
@pytest.mark.parametrize("table, message", [
    ("[claim.learner_params.target-only]\nnorm_bound = 2.0\n", "unknown hyper-parameter 'norm_bound'"),
    ("[claim.learner_params.oracle]\nradius = -1\n", "parameter 'radius' must be"),
])
def test_hyper_parameters_are_validated_per_family_before_work(tmp_path, capsys, table, message):
    text = CLAIM if "oracle" not in table else CLAIM.replace('"target-only"', '"oracle"')
    claims = tmp_path / "c.toml"
    claims.write_text(text + table)
    out = tmp_path / "out"
    assert main(["verify", "--claims-file", str(claims), "--out", str(out), "--store", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    _nothing_written(tmp_path, out)


def test_an_unsupported_setting_learner_pair_is_refused_before_work(tmp_path, capsys):
    claims = tmp_path / "c.toml"
    claims.write_text(CLAIM.replace('setting = "linear"', 'setting = "network"').replace(
        'learner = "target-only"', 'learner = "frozenrep"') + "[claim.learner_params.frozenrep]\ntarget_step = 'bogus'\n")
    assert main(["verify", "--claims-file", str(claims), "--out", str(tmp_path / "out")]) == 2
    assert "target_step" in capsys.readouterr().err


# ------------------------------------------------------ --out, --seed before work
def test_an_unwritable_out_is_refused_before_any_simulation(tmp_path, capsys, monkeypatch):
    claims = tmp_path / "c.toml"
    claims.write_text(CLAIM)
    real_mkdir = os.mkdir

    def mkdir(path, *a, **k):
        if ".probe-" in str(path):
            raise PermissionError(13, "Permission denied")
        return real_mkdir(path, *a, **k)

    monkeypatch.setattr(atomic.os, "mkdir", mkdir)
    import verification.runner as runner

    monkeypatch.setattr(runner, "run_claims", lambda *a, **k: pytest.fail("simulated despite a bad --out"))
    out = tmp_path / "ro" / "out"
    assert main(["verify", "--claims-file", str(claims), "--out", str(out), "--store", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "Permission denied" in err
    _nothing_written(tmp_path, out)


@pytest.mark.parametrize("seed", ["-1", "x"])
def test_a_bad_seed_names_the_option_and_creates_no_store(tmp_path, capsys, seed):
    out = tmp_path / "out"
    assert main(["verify", "--seed", seed, "--out", str(out), "--claims", "c3-target-only-rate-m"]) == 2
    err = capsys.readouterr().err
    assert "argument --seed: must be an integer >= 0" in err and err.count("\n") == 1
    _nothing_written(tmp_path, out)


# ------------------------------------------------------ run size
@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("m = [20, 40]", "m = [" + ", ".join(str(20 + i) for i in range(200)) + "]\nsigma = ["
                         + ", ".join(str(1 + i / 100) for i in range(200)) + "]"), "the sweep has 40,000 points"),
    (lambda t: t.replace("reps = 30", "reps = 100000000000"), "reps must be at most 10,000,000"),
    (lambda t: t.replace("reps = 30", "reps = 5000000"), "the run has 10,000,000 replicates"),
])
def test_runs_beyond_the_limits_are_refused_before_work(tmp_path, capsys, edit, message):
    claims = tmp_path / "c.toml"
    claims.write_text(edit(CLAIM))
    out = tmp_path / "out"
    assert main(["verify", "--claims-file", str(claims), "--out", str(out), "--store", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    _nothing_written(tmp_path, out)


def test_the_replicate_limit_can_be_raised_explicitly(tmp_path, capsys, toy_env, fast_figures):
    claims = tmp_path / "c.toml"
    claims.write_text(CLAIM)
    args = ["verify", "--claims-file", str(claims), "--out", str(tmp_path / "out"), "--quiet", "--store", "none"]
    assert main(args + ["--max-replicates", "59"]) == 2
    assert "the run has 60 replicates" in capsys.readouterr().err
    assert main(args + ["--max-replicates", "60"]) in (0, 1, 3)


def test_a_run_estimated_beyond_the_time_limit_is_refused_before_work(tmp_path, capsys):
    claims = tmp_path / "c.toml"
    claims.write_text(CLAIM)
    out = tmp_path / "out"
    assert main(["verify", "--claims-file", str(claims), "--out", str(out), "--store", str(tmp_path / "s.sqlite"),
                 "--max-hours", "1e-9"]) == 2
    err = capsys.readouterr().err
    assert "planned: 1 claim, 2 points, 60 replicates, about" in err and "over the limit of 1e-09 h" in err
    assert "pass --max-hours" in err and err.count("\n") == 1
    _nothing_written(tmp_path, out)


@pytest.mark.parametrize("hours", ["0", "-1", "nan", "lots"])
def test_a_bad_time_limit_names_the_option(tmp_path, capsys, hours):
    assert main(["verify", "--max-hours", hours, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "argument --max-hours: must be a number > 0 (or inf)" in err and err.count("\n") == 1
    _nothing_written(tmp_path, tmp_path / "out")


def test_the_estimate_times_each_claim_at_its_costliest_point(monkeypatch):
    from verification import estimate, runner
    from verification.catalog import default_catalog
    from verification.claims_file import parse_claims

    vc, = [c.validate(default_catalog()) for c in parse_claims(tomllib.loads(CLAIM))]
    assert estimate.costliest_point(vc) == 1                     # m = 40
    probed = []
    monkeypatch.setattr(runner, "run_batch", lambda batch: probed.append(batch) or None)
    ticks = iter([0.0, 0.5])
    monkeypatch.setattr(estimate.time, "perf_counter", lambda: next(ticks))
    e = estimate.estimate_run([vc], seed=0, workers=2)
    (batch,) = probed
    assert batch.job.params["m"] == 40 and batch.reps == (0,)
    assert (e.points, e.replicates, e.seconds) == (2, 60, 0.5 * 60 / 2)
    assert "about 15 s on 2 workers" in e.describe()


# ------------------------------------------------------ stores and report temporaries
def test_a_refused_store_leaves_its_directory_as_it_was(tmp_path):
    good = tmp_path / "good.sqlite"
    con = sqlite3.connect(good)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (x)")
    con.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(5000)])
    con.commit()
    con.close()
    data = good.read_bytes()
    bad = tmp_path / "sub" / "trunc.sqlite"
    bad.parent.mkdir()
    bad.write_bytes(data[: len(data) // 3])
    before = sorted(p.name for p in bad.parent.iterdir())
    with pytest.raises(StoreError):
        ResultsStore(bad)
    assert sorted(p.name for p in bad.parent.iterdir()) == before


def test_stale_report_temporaries_of_dead_writers_are_cleaned(tmp_path, results, fast_figures):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()          # a pid that has exited
    out = tmp_path / "report"
    stale = [tmp_path / f".report.tmp-{dead}-abcd1234", tmp_path / f".report.old-{dead}-00ff00ff"]
    live = tmp_path / f".report.tmp-{os.getppid()}-12345678"     # a running process: left alone
    other = tmp_path / f".other.tmp-{dead}-abcd1234"              # another target: left alone
    for d in stale + [live, other]:
        d.mkdir()
        (d / "junk").write_text("x")
    write_report(results, out)
    assert not any(d.exists() for d in stale)
    assert live.exists() and other.exists()
    assert (out / "results.json").is_file()


# ------------------------------------------------------ messages name their source
def test_a_binary_claims_file_is_named(tmp_path, capsys):
    claims = tmp_path / "c.toml"
    claims.write_bytes(b"\xff\xfe\x00\x01binary")
    assert main(["verify", "--claims-file", str(claims), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert str(claims) in err and "not UTF-8" in err and err.count("\n") == 1


def test_a_results_file_with_a_non_numeric_field_is_named(tmp_path, results, capsys):
    bad = json.loads(json.dumps(results))
    claim = bad["claims"][0]
    claim["points"][0]["mean"] = "high"
    d = tmp_path / "rep"
    d.mkdir()
    (d / "results.json").write_text(json.dumps(bad))
    assert main(["report", str(d)]) == 2
    err = capsys.readouterr().err
    assert "results.json" in err and f"claim {claim['id']!r}" in err and "field 'mean'" in err


def test_sigma_zero_is_in_the_bounds_domain_as_in_the_simulator(capsys):
    assert main(["bound", "target-only", "--d", "4", "--m", "10", "--sigma", "0"]) == 0
    assert "value: 0" in capsys.readouterr().out


@pytest.mark.parametrize("learner, bound, name", [("target-only", "4*rep_error + 1", "rep_error"),
                                                  ("adaptrep", "1 + gd_radius", "gd_radius")])
def test_a_column_the_learner_never_produces_is_refused_before_work(tmp_path, capsys, learner, bound, name):
    claims = tmp_path / "c.toml"
    claims.write_text(CLAIM.replace('"target-only"', f'"{learner}"').replace('"3*sigma**2*d/m"', f'"{bound}"'))
    out = tmp_path / "out"
    assert main(["verify", "--claims-file", str(claims), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{name!r} is not produced by learner {learner!r}" in err and "field 'bound'" in err
    _nothing_written(tmp_path, out)


# ------------------------------------------------------ registered bounds keep their domain (issue 13)
REGISTERED = CLAIM.replace('bound = "3*sigma**2*d/m"', 'bound = "target-only"')


def test_a_registered_bound_is_refused_outside_its_domain_before_work(tmp_path, capsys):
    """target-only at d=4, m=5 (outside m > d + 1): the formula would give -4, the bound is undefined."""
    claims = tmp_path / "c.toml"
    claims.write_text(REGISTERED.replace("m = [20, 40]", "m = [5, 40]"))
    out = tmp_path / "out"
    assert main(["verify", "--claims-file", str(claims), "--out", str(out), "--store", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "condition m > d + 1 violated" in err and "sweep point {'m': 5}" in err
    assert "outside the domain of the registered bound" in err and err.count("\n") == 1
    _nothing_written(tmp_path, out)


def test_a_registered_bound_name_resolves_to_the_bound():
    from bounds import get_bound
    from verification.catalog import default_catalog
    from verification.claims_file import parse_claims

    vc, = [c.validate(default_catalog()) for c in parse_claims(tomllib.loads(REGISTERED))]
    assert vc.claim.bound_name == "target-only" and vc.kind == "theorem"
    assert vc.claim.derivation == get_bound("target-only").derivation
    for point in vc.points:
        got = float(vc.expression.evaluate({n: point[n] for n in vc.expression.names}))
        assert got == float(get_bound("target-only").evaluate(d=point["d"], m=point["m"], sigma=point["sigma"]))


def test_an_unregistered_bound_name_is_refused(capsys, tmp_path):
    claims = tmp_path / "c.toml"
    claims.write_text(CLAIM.replace('reps = 30', 'reps = 30\nbound_name = "nope"'))
    assert main(["verify", "--claims-file", str(claims), "--out", str(tmp_path / "out")]) == 2
    assert "bound_name 'nope' is not a registered bound" in capsys.readouterr().err
