"""Execution engine and backends: per-replicate batches reproduce run_monte_carlo,
and serial, processes and a local Dask cluster give identical results."""

import copy
import dataclasses
import os
import sys

import pandas as pd
import pytest

from simulations import run_monte_carlo
from verification.backends import (BackendError, DaskBackend, ProcessBackend, SerialBackend,
                                   make_backend, worker_info)
from verification.catalog import default_catalog
from verification.claims import Claim
from verification.runner import (Batch, _jobs, point_frame, run_batch,
                                 run_claims)

TIMING = ("fit_time", "adapt_time")
LINEAR = dict(d=6, k=2, T=4, n=12, sigma=1.0)

CLAIMS = [
    Claim(id="tonly", setting="linear", learner="target-only", check="upper-mean",
          bound="1.5*sigma**2*d/(m - d - 1)", params=dict(LINEAR, head_scale=3.0), sweep=dict(m=[14, 28]),
          reps=30),
    Claim(id="sep", setting="linear", learner="adaptrep", versus="frozenrep",
          check="separation", bound="3", params=dict(LINEAR, m=20),
          sweep=dict(delta0=[0.0, 0.4]), reps=20),
    Claim(id="hard", setting="linear-hard", learner="frozenrep", check="lower-mean",
          bound="0.1", params=dict(d=5, k=2, T=6, n=12, m=10, target="gaussian"),
          learner_params={"frozenrep": {"target_step": "finetune"}}, reps=20),
    Claim(id="broken", setting="linear", learner="adaptrep", check="upper-mean",
          bound="k/m + rep_error", params=dict(LINEAR, m=20), reps=20),
]
BROKEN = {"adaptrep": {"max_iter": 0}}


def _break_after_validation(vc):
    """A hyper-parameter that validation refuses (issue 15), slipped in after it,
    so that the fit fails inside the workers: run-time errors must travel back
    identically from every backend."""
    return dataclasses.replace(vc, claim=dataclasses.replace(vc.claim, learner_params=BROKEN))


@pytest.fixture(autouse=True)
def workers_import_the_packages(monkeypatch):
    """Worker processes inherit ``sys.path``; under pytest it may hold ``tests/``,
    whose directories ``simulations/``, ``verification/`` (no ``__init__.py``)
    would shadow the installed packages there as namespace packages."""
    def shadows(entry):
        return any(os.path.isdir(os.path.join(entry, name))
                   and not os.path.exists(os.path.join(entry, name, "__init__.py"))
                   for name in ("simulations", "verification", "bounds"))
    monkeypatch.setattr(sys, "path", [p for p in sys.path if not shadows(p)])


@pytest.fixture(scope="module")
def claims():
    vcs = [c.validate(default_catalog()) for c in CLAIMS]
    return vcs[:-1] + [_break_after_validation(vcs[-1])]


def strip(run: dict) -> dict:
    """A run's results without elapsed times and timing diagnostics."""
    run = copy.deepcopy(run)
    run.pop("elapsed_s", None)
    for c in run["claims"]:
        c.pop("elapsed_s", None)
        for p in c["points"]:
            for t in TIMING:
                p.get("diagnostics", {}).pop(t, None)
    return run


@pytest.fixture(scope="module")
def reference(claims):
    return run_claims(claims, seed=5, backend="serial")


@pytest.mark.parametrize("claim_index", [0, 1, 2])
def test_batched_replicates_give_the_run_monte_carlo_frame(claims, claim_index):
    vc = claims[claim_index]
    for job in _jobs(vc, seed=5):
        expected = run_monte_carlo(job.setting, list(job.learners), job.params, job.reps,
                                   seed=job.seed, learner_params=job.learner_params or None)
        reps = list(range(job.reps))
        rows = {}
        for chunk in (reps[7:], reps[:3], reps[3:7]):         # uneven, out of order
            rows.update(run_batch(Batch(job, tuple(chunk))).rows)
        got = point_frame(rows, job.reps)
        cols = [c for c in expected if c not in TIMING]
        assert list(got.columns) == list(expected.columns)
        pd.testing.assert_frame_equal(got[cols], expected[cols], check_exact=True)


def test_reference_run_has_the_expected_statuses(reference):
    status = {c["id"]: c["status"] for c in reference["claims"]}
    assert status["broken"] == "error" and "max_iter" in reference["claims"][3]["message"]
    assert status["tonly"] == status["sep"] == "pass"


def test_batch_size_does_not_change_results(claims, reference):
    assert strip(run_claims(claims, seed=5, backend="serial", batch_size=3)) \
        == strip(reference)


def test_processes_give_identical_results(claims, reference):
    ex = {}
    run = run_claims(claims, seed=5, backend="processes", workers=2, batch_size=4,
                     execution=ex)
    assert ex["backend"] == "processes" and ex["workers"] == 2
    assert strip(run) == strip(reference)


def test_local_dask_cluster_gives_identical_results(claims, reference):
    pytest.importorskip("distributed")
    with DaskBackend(workers=2) as backend:
        run = run_claims(claims, seed=5, backend=backend, batch_size=5)
        infos = [i for i, r, e in backend.map_unordered(worker_info, [0, 1, 2, 3])]
        assert sorted(infos) == [0, 1, 2, 3]
        threads = {r["blas_threads"] for _, r, _ in backend.map_unordered(worker_info, [0, 1])}
    assert threads <= {1, None}
    assert strip(run) == strip(reference)


def test_process_workers_use_one_blas_thread():
    with ProcessBackend(workers=2) as backend:
        out = [r for _, r, e in backend.map_unordered(worker_info, list(range(6)))]
    assert {o["blas_threads"] for o in out} <= {1, None}


def test_serial_backend_reports_errors_per_item():
    def f(x):
        if x == 1:
            raise ValueError("one")
        return x * 10
    out = sorted(SerialBackend().map_unordered(f, [0, 1, 2]), key=lambda o: o[0])
    assert [o[1] for o in out] == [0, None, 20]
    assert isinstance(out[1][2], ValueError)


def test_backend_options_are_validated():
    with pytest.raises(BackendError, match="unknown backend"):
        make_backend("threads")
    with pytest.raises(BackendError, match="--scheduler needs --backend dask"):
        make_backend("processes", scheduler="tcp://127.0.0.1:1")
    with pytest.raises(BackendError, match="--workers"):
        make_backend("serial", workers=2)
    with pytest.raises(BackendError, match="--workers"):
        make_backend("processes", workers=0)
