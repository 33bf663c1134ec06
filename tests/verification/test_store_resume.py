"""Interrupted runs: a killed ``metabound verify`` loses only replicates in flight,
and ``--resume`` completes it with results identical to an uninterrupted run."""

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from verification.cli import main

# 1200 cheap replicates in batches of a few dozen: the run lasts about a second.
CLAIMS = """
[[claim]]
id = "ols"
setting = "linear"
learner = "target-only"
check = "upper-mean"
bound = "1.5*sigma**2*d/(m - d - 1)"
reps = 200
[claim.params]
d = 8
k = 2
T = 3
n = 10
head_scale = 3.0
[claim.sweep]
m = [12, 16, 24, 32, 48, 64]
"""
TOTAL = 6 * 200


def stored(path) -> int:
    if not path.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT COUNT(*) FROM replicates").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:            # not created yet
        return 0


def comparable(path) -> dict:
    """results.json without timestamps, timings and the command line."""
    res = json.loads(path.read_text())
    for key in ("timestamp", "command", "git_commit"):
        res["provenance"].pop(key, None)
    res.pop("elapsed_s", None)
    for c in res["claims"]:
        c.pop("elapsed_s", None)
        for p in c["points"]:
            for t in ("fit_time", "adapt_time"):
                p["diagnostics"].pop(t, None)
    return res


def start(tmp_path, claims, store, backend):
    cmd = [sys.executable, "-m", "verification.cli", "verify", "--claims-file", str(claims),
           "--out", str(tmp_path / "killed"), "--store", str(store), "--backend", backend,
           "--quiet"]
    if backend in ("processes", "dask"):
        cmd += ["--workers", "2"]
    return subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)


def wait_for_rows(proc, store, timeout=60.0) -> None:
    deadline = time.monotonic() + timeout
    while stored(store) == 0:
        if proc.poll() is not None:
            pytest.fail(f"verify ended before storing anything: {proc.communicate()}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("no replicate stored in time")
        time.sleep(0.01)


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    """The claims file and the results.json of the uninterrupted run."""
    tmp = tmp_path_factory.mktemp("straight")
    claims = tmp / "claims.toml"
    claims.write_text(CLAIMS)
    rc = main(["verify", "--claims-file", str(claims), "--out", str(tmp / "out"),
               "--store", "none", "--backend", "serial", "--quiet"])
    assert rc == 0
    return claims, comparable(tmp / "out" / "results.json")


def resume_and_compare(tmp_path, claims, store, capsys, expected):
    kept = stored(store)
    assert 0 < kept < TOTAL, "the run was not interrupted mid-sweep"
    rc = main(["verify", "--claims-file", str(claims), "--out", str(tmp_path / "resumed"),
               "--store", str(store), "--resume", "--backend", "serial"])
    out = capsys.readouterr().out
    assert rc == 0
    assert f"{kept} replicates reused, {TOTAL - kept} computed" in out
    assert comparable(tmp_path / "resumed" / "results.json") == expected


def test_sigkill_mid_sweep_then_resume_gives_identical_results(tmp_path, capsys, straight):
    store = tmp_path / "store.sqlite"
    claims, expected = straight
    proc = start(tmp_path, claims, store, "serial")
    wait_for_rows(proc, store)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    resume_and_compare(tmp_path, claims, store, capsys, expected)


def test_sigterm_stops_process_workers_and_keeps_completed_batches(tmp_path, capsys, straight):
    psutil = pytest.importorskip("psutil")
    store = tmp_path / "store.sqlite"
    claims, expected = straight
    proc = start(tmp_path, claims, store, "processes")
    wait_for_rows(proc, store)
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children, "no worker processes"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "interrupted" in err and "--resume" in err and "Traceback" not in err
    assert err.count("interrupted") == 1, err           # said once, with what the store kept
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"worker processes left running: {alive}"
    assert not (tmp_path / "killed").exists()           # no partial report
    resume_and_compare(tmp_path, claims, store, capsys, expected)


@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_sigkill_leaves_no_process_behind(tmp_path, backend):
    """kill -9 of ``metabound verify`` takes its workers (and fork server, resource tracker) with it."""
    psutil = pytest.importorskip("psutil")
    if backend == "dask":
        pytest.importorskip("distributed")
    store = tmp_path / "store.sqlite"
    claims = tmp_path / "long.toml"                       # long enough to be killed mid-run
    claims.write_text(CLAIMS.replace("reps = 200", "reps = 5000"))
    proc = start(tmp_path, claims, store, backend)
    wait_for_rows(proc, store, timeout=120)
    descendants = psutil.Process(proc.pid).children(recursive=True)
    assert descendants, "no worker processes"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    gone, alive = psutil.wait_procs(descendants, timeout=20)
    for p in alive:                      # do not leave them running if the test fails
        p.kill()
    assert not alive, f"processes left running after kill -9: {[p.pid for p in alive]}"
