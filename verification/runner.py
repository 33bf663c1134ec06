"""Run validated claims: sweep points -> replicates -> checks -> results.

The unit of work is one replicate of one sweep point of one claim:
``simulations.run_replicate`` with every learner the check needs (so a
separation compares paired replicates on common data), seeded by
``child_seed(point_seed(s, c, i), r)``, where the seed of point ``i`` of claim
``c`` in a run with seed ``s`` is ``SeedSequence(s, spawn_key=(crc32(c), i))``
(``c`` is the claim's ``seed_key`` when it has one: claims sharing a key and a
point are simulated once and decided on the same replicates).
This is exactly what ``run_monte_carlo`` does for the point, so a point's
frame does not depend on how its replicates are grouped, scheduled or
distributed; and results do not depend on which claims run or in which order.

Replicates are grouped in batches (consecutive replicates of one point) that
a backend (:mod:`.backends`: serial, processes, Dask) computes in any order.
With a results store (:mod:`.store`) every completed batch is committed as
soon as it arrives, and a resumed run computes only the replicates the store
does not hold.

All tests of all claims in a run form one family: Holm's procedure at
family-wise level ``alpha`` (default 1e-3) decides which are rejected.
"""

from __future__ import annotations

import math
import time
import zlib
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from . import stats
from .backends import Backend, available_cores, make_backend
from .checks import PointSample, apply_decisions, run_check
from .claims import BASELINE_COLUMNS, ValidatedClaim, evaluate_bound, evaluate_premises
from .progress import Progress
from .store import (ResultsStore, StoredReplicate, code_digest, point_identity, point_key,
                    replicate_key)

__all__ = ["DEFAULT_ALPHA", "point_seed", "run_claims",
           "PointJob", "Batch", "BatchResult", "run_batch", "point_frame", "plan_batches"]

DEFAULT_ALPHA = 1e-3
#: Engine name of the default simulator (part of every store key).
DEFAULT_ENGINE = "simulations.run_replicate"
#: Automatic batch size: about this many batches per worker over the run, ...
BATCHES_PER_WORKER = 16
#: ... but never more replicates than this in one batch.
MAX_BATCH = 50


def point_seed(run_seed: int, claim_id: str, index: int) -> np.random.SeedSequence:
    """Seed of sweep point ``index`` of ``claim_id`` in a run seeded ``run_seed``."""
    return np.random.SeedSequence(int(run_seed),
                                  spawn_key=(zlib.crc32(claim_id.encode()), int(index)))


def plugin_code(setting: str, learners: Sequence[str], cache: dict[str, str] | None = None) -> dict:
    """The code of the plugin classes a point runs: ``{"setting:NAME" | "learner:NAME": {class, digest}}``.

    Empty when the setting and every learner are the suite's own.  The digest
    is :func:`~verification.store.code_digest` of the class's top-level module
    or package, so an edited plugin never reuses stored replicates.
    """
    from simulations.registry import get_learner, get_setting, is_builtin  # lazy

    cache = {} if cache is None else cache
    out: dict[str, dict] = {}
    classes = [("setting", setting, get_setting(setting))]
    classes += [("learner", name, get_learner(name, setting)) for name in learners]
    for kind, name, cls in classes:
        if is_builtin(cls):
            continue
        top = cls.__module__.split(".")[0]
        if top not in cache:
            cache[top] = code_digest(top)
        out[f"{kind}:{name}"] = {"class": f"{cls.__module__}.{cls.__qualname__}", "digest": cache[top]}
    return out


def _runtime_registrations(custom: Callable | None) -> tuple:
    if custom is not None:
        return ()
    from simulations.registry import runtime_registrations  # lazy
    return runtime_registrations()


def _default_monte_carlo() -> Callable:
    from simulations import run_monte_carlo  # lazy
    return run_monte_carlo


def _is_default(monte_carlo: Callable) -> bool:
    try:
        from simulations import run_monte_carlo
    except ImportError:  # pragma: no cover - simulations absent
        return False
    return monte_carlo is run_monte_carlo


# ------------------------------------------------------------------- work units
@dataclass(frozen=True)
class PointJob:
    """Everything that determines the replicates of one sweep point.

    Attributes
    ----------
    claim : str
        Id of the claim (informational: it enters the results only through
        ``seed``).
    index : int
        Index of the sweep point in the claim.
    setting : str
        Setting name.
    params : dict
        Setting parameters of the point (resolved).
    learners : tuple of str
        Learners run on every replicate, in order.
    learner_params : dict
        Hyper-parameters per learner (may be empty).
    seed : numpy.random.SeedSequence
        The point's seed (:func:`point_seed`).
    reps : int
        Number of replicates of the point.
    """

    claim: str
    index: int
    setting: str
    params: dict
    learners: tuple[str, ...]
    learner_params: dict
    seed: np.random.SeedSequence
    reps: int


@dataclass(frozen=True)
class Batch:
    """Replicates ``reps`` of one point, computed together.

    ``monte_carlo`` is None for the default simulator (``run_replicate`` per
    replicate); otherwise a per-point Monte Carlo callable with the signature
    of ``run_monte_carlo``, and ``reps`` must be all the point's replicates.
    """

    job: PointJob
    reps: tuple[int, ...]
    monte_carlo: Callable | None = None
    blas_threads: int | None = 1
    #: Settings and learners registered at run time in the main process
    #: (:func:`simulations.registry.runtime_registrations`); a worker adopts them first.
    registrations: tuple = ()


@dataclass
class BatchResult:
    """Rows of a computed batch: ``{rep: [row per learner]}`` and its seconds."""

    rows: dict[int, list[dict]]
    elapsed: float


def run_batch(batch: Batch) -> BatchResult:
    """Compute the replicates of a batch (runs in a worker).

    Parameters
    ----------
    batch : Batch

    Returns
    -------
    BatchResult
        Rows per replicate, as :func:`simulations.run_replicate` returns them
        (for an injected Monte Carlo callable: its frame split by ``rep``).
    """
    t0 = time.perf_counter()
    job = batch.job
    if batch.registrations:
        from simulations.registry import adopt  # lazy
        adopt(batch.registrations)
    with threadpool_limits(limits=batch.blas_threads, user_api="blas"):
        if batch.monte_carlo is None:
            from simulations import make_setting, run_replicate  # lazy
            from simulations.seeding import child_seed

            setting = make_setting(job.setting, job.params)
            lp = job.learner_params or None
            rows = {r: run_replicate(setting, list(job.learners), child_seed(job.seed, r),
                                     r, lp) for r in batch.reps}
        else:
            extra = {"learner_params": job.learner_params} if job.learner_params else {}
            frame = batch.monte_carlo(setting=job.setting, learners=list(job.learners),
                                      params=dict(job.params), reps=job.reps, seed=job.seed,
                                      **extra)
            if "rep" not in frame:
                raise RuntimeError("the Monte Carlo frame has no 'rep' column")
            records = frame.to_dict("records")
            rows = {r: [] for r in batch.reps}
            for rec in records:
                rep = int(rec["rep"])
                if rep in rows:
                    rows[rep].append(rec)
    return BatchResult(rows, time.perf_counter() - t0)


def point_frame(rows: Mapping[int, Sequence[dict]], reps: int) -> pd.DataFrame:
    """The tidy frame of a point from its replicates' rows (replicate order).

    For the default simulator this equals ``run_monte_carlo``'s frame for the
    point (same rows, same order, same columns).
    """
    return pd.DataFrame([row for r in range(reps) for row in rows[r]])


def plan_batches(missing: Sequence[tuple[PointJob, Sequence[int]]], batch_size: int,
                 monte_carlo: Callable | None = None, blas_threads: int | None = 1,
                 registrations: tuple = ()) -> list[Batch]:
    """Group the missing replicates of each point into batches.

    Parameters
    ----------
    missing : sequence of (PointJob, replicate indices)
        Points in run order and their replicates to compute.
    batch_size : int
        Largest number of replicates per batch (consecutive replicates of one
        point).  Ignored with ``monte_carlo``: a per-point callable computes
        the whole point in one batch.
    monte_carlo, blas_threads, registrations
        Copied into every batch.

    Returns
    -------
    list of Batch
    """
    batches = []
    for job, reps in missing:
        reps = sorted(int(r) for r in reps)
        if not reps:
            continue
        if monte_carlo is not None:
            batches.append(Batch(job, tuple(range(job.reps)), monte_carlo, blas_threads, registrations))
            continue
        for i in range(0, len(reps), batch_size):
            batches.append(Batch(job, tuple(reps[i:i + batch_size]), None, blas_threads, registrations))
    return batches


def _auto_batch_size(n_reps: int, workers: int) -> int:
    """About ``BATCHES_PER_WORKER`` batches per worker, at most ``MAX_BATCH`` replicates."""
    return int(min(MAX_BATCH, max(1, math.ceil(n_reps / (BATCHES_PER_WORKER * max(workers, 1))))))


# ------------------------------------------------------------------ assembling
@dataclass
class ClaimSamples:
    vc: ValidatedClaim
    samples: list[PointSample]
    diagnostics: list[dict]
    elapsed: float
    error: str | None = None


def _learner_rows(frame: pd.DataFrame, learner: str) -> pd.DataFrame:
    rows = frame[frame["learner"] == learner].sort_values("rep") if "learner" in frame else frame[:0]
    if rows.empty:
        raise RuntimeError(f"run_monte_carlo returned no rows for learner {learner!r}")
    return rows


def _diagnostics(rows: pd.DataFrame) -> dict:
    out = {}
    for col, how in (("converged", "mean"), ("sin_theta_max", "mean"),
                     ("rep_error", "mean"), ("nu", "mean"), ("fit_time", "sum"),
                     ("adapt_time", "sum")):
        if col in rows:
            vals = pd.to_numeric(rows[col], errors="coerce")
            if vals.notna().any():
                out[col] = float(getattr(vals, how)())
    return out


def _point_sample(vc: ValidatedClaim, index: int, frame: pd.DataFrame
                  ) -> tuple[PointSample, dict]:
    """Sample of sweep point ``index`` from its Monte Carlo frame."""
    c = vc.claim
    full, sp = vc.points[index], vc.sweep_points[index]
    rows = _learner_rows(frame, c.learner)
    values = dict(full)
    names = set(vc.expression.names) | {n for p in vc.premises for n in p.names}
    for name in names:                    # resolved values from the frame
        if name in rows and name not in vc.replicate_names:
            values[name] = rows[name].iloc[0]
    replicate = {n: rows[n].to_numpy(float) for n in vc.replicate_names if n in rows}
    bound = evaluate_bound(vc, values, replicate)
    premises = evaluate_premises(vc, values, replicate, len(rows))
    base_col = BASELINE_COLUMNS.get(c.risk)
    baseline = rows[base_col].to_numpy(float) if base_col is not None and base_col in rows else None
    versus = None
    if c.versus is not None:
        vrows = _learner_rows(frame, c.versus)
        if not np.array_equal(vrows["rep"].to_numpy(), rows["rep"].to_numpy()):
            raise RuntimeError("replicates of the two learners do not pair up")
        versus = vrows[c.risk].to_numpy(float)
        if vc.premises:                   # the premises hold for both learners of a separation
            vrep = {n: vrows[n].to_numpy(float) for n in vc.replicate_names if n in vrows}
            premises = premises + tuple((f"{text} [{c.versus}]", holds) for text, holds
                                        in evaluate_premises(vc, values, vrep, len(vrows)))
    sample = PointSample(risk=rows[c.risk].to_numpy(float), bound=bound, versus=versus,
                         fail_prob=full.get("fail_prob"), params=sp, baseline=baseline, premises=premises)
    return sample, _diagnostics(rows)


def _jobs(vc: ValidatedClaim, seed: int) -> list[PointJob]:
    """The point jobs of a claim in a run seeded ``seed``."""
    c = vc.claim
    return [PointJob(claim=c.id, index=i, setting=c.setting,
                     params={k: v for k, v in full.items() if k in vc.setting_names},
                     learners=tuple(vc.learners), learner_params=dict(c.learner_params),
                     seed=point_seed(seed, c.seed_key or c.id, i), reps=int(c.reps))
            for i, full in enumerate(vc.points)]


# ---------------------------------------------------------------------- engine
@dataclass
class _ClaimState:
    vc: ValidatedClaim
    jobs: list[PointJob]
    keys: list[str]                                   # point keys (store)
    identities: list[dict]
    rows: list[dict] = field(default_factory=list)    # per point: {rep: rows}
    samples: dict = field(default_factory=dict)       # point -> (PointSample, diag)
    errors: dict = field(default_factory=dict)        # (point, rep) -> message
    remaining: int = 0                                # replicates not yet in
    elapsed: float = 0.0


@dataclass
class _Stats:
    reused: int = 0
    computed: int = 0
    failed: int = 0


def _simulate(claims: Sequence[ValidatedClaim], seed: int, monte_carlo: Callable | None,
              backend: Backend, store: ResultsStore | None, resume: bool,
              batch_size: int | None, on_batch: Callable[[int, int, bool], None] | None,
              blas_threads: int | None = 1) -> tuple[list[ClaimSamples], _Stats]:
    """Compute (or reuse) every replicate of ``claims``; assemble point samples.

    ``on_batch(claim_index, n_reps, claim_complete)`` is called after every
    batch (computed or reused).
    """
    mc = monte_carlo or _default_monte_carlo()
    custom = None if _is_default(mc) else mc
    engine = DEFAULT_ENGINE if custom is None else (
        f"{getattr(mc, '__module__', '?')}.{getattr(mc, '__qualname__', repr(mc))}")
    stats_ = _Stats()
    states: list[_ClaimState] = []
    try:
        digest = code_digest("simulations")
    except ImportError:
        digest = None
    plugin_digests: dict[str, str] = {}
    for vc in claims:
        jobs = _jobs(vc, seed)
        ids = [point_identity(engine=engine, setting=j.setting, params=j.params,
                              learners=j.learners, learner_params=j.learner_params,
                              seed=j.seed, blas_threads=blas_threads, digest=digest,
                              plugins=None if custom is not None else
                              plugin_code(j.setting, j.learners, plugin_digests))
               for j in jobs]
        states.append(_ClaimState(vc, jobs, [point_key(i) for i in ids], ids,
                                  rows=[{} for _ in jobs],
                                  remaining=sum(j.reps for j in jobs)))

    def finish_point(ci: int, pi: int) -> None:
        st = states[ci]
        try:
            st.samples[pi] = _point_sample(st.vc, pi, point_frame(st.rows[pi], st.jobs[pi].reps))
        except Exception as exc:
            st.errors[(pi, -1)] = f"{type(exc).__name__}: {exc}"
        st.rows[pi] = {}                  # the sample is all we keep

    def add_rows(ci: int, pi: int, rows: Mapping[int, list]) -> None:
        st = states[ci]
        st.rows[pi].update(rows)
        if len(st.rows[pi]) == st.jobs[pi].reps and not st.errors:
            finish_point(ci, pi)

    # Points of different claims with the same identity (claims sharing a seed_key) are
    # computed once: the first is the one simulated, the others receive its rows.
    first_of: dict[str, tuple[int, int]] = {}
    aliases: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for ci, st in enumerate(states):
        for pi, key in enumerate(st.keys):
            if key in first_of:
                aliases.setdefault(first_of[key], []).append((ci, pi))
            else:
                first_of[key] = (ci, pi)
    duplicate = {a for group in aliases.values() for a in group}

    def deliver(ci: int, pi: int, rows: Mapping[int, list]) -> None:
        add_rows(ci, pi, rows)
        for cj, pj in aliases.get((ci, pi), ()):
            states[cj].remaining -= len(rows)
            add_rows(cj, pj, rows)
            if on_batch is not None:
                on_batch(cj, len(rows), states[cj].remaining == 0)

    # Reuse what the store holds.
    missing: list[tuple[PointJob, list[int]]] = []
    job_at: dict[int, tuple[int, int]] = {}          # id(PointJob) -> (claim, point)
    for ci, st in enumerate(states):
        reused = 0
        for pi, job in enumerate(st.jobs):
            job_at[id(job)] = (ci, pi)
            if (ci, pi) in duplicate:
                continue
            need = list(range(job.reps))
            if store is not None and resume:
                keys = {replicate_key(st.keys[pi], r): r for r in need}
                found = store.get(keys)
                if custom is not None and len(found) < job.reps:
                    found = {}            # a per-point callable recomputes whole points
                got = {keys[k]: rows for k, rows in found.items()}
                need = [r for r in need if r not in got]
                if got:
                    reused += len(got)
                    deliver(ci, pi, got)
            if need:
                missing.append((job, need))
        if reused:
            st.remaining -= reused
            stats_.reused += reused
            if on_batch is not None:
                on_batch(ci, reused, st.remaining == 0)

    n_missing = sum(len(r) for _, r in missing)
    size = batch_size or _auto_batch_size(n_missing, backend.workers)
    batches = plan_batches(missing, size, custom, blas_threads, _runtime_registrations(custom))

    for bi, result, exc in (backend.map_unordered(run_batch, batches) if batches else ()):
        batch = batches[bi]
        job = batch.job
        ci, pi = job_at[id(job)]
        st = states[ci]
        n = len(batch.reps)
        if exc is not None:
            for cj, pj in [(ci, pi)] + aliases.get((ci, pi), []):
                states[cj].errors[(pj, batch.reps[0])] = f"{type(exc).__name__}: {exc}"
                if (cj, pj) != (ci, pi):
                    states[cj].remaining -= n
            stats_.failed += n
        else:
            st.elapsed += result.elapsed
            stats_.computed += n
            if store is not None:
                store.put(StoredReplicate(st.keys[pi], st.identities[pi], job.claim, pi, r,
                                          result.rows[r]) for r in batch.reps)
            if not st.errors:
                deliver(ci, pi, {r: result.rows[r] for r in batch.reps})
            else:
                for cj, pj in aliases.get((ci, pi), ()):
                    states[cj].remaining -= n
        st.remaining -= n
        if on_batch is not None:
            on_batch(ci, n, st.remaining == 0)

    out = []
    for st in states:
        if st.errors:
            first = min(st.errors)        # the earliest point (and replicate) that failed
            out.append(ClaimSamples(st.vc, [], [], st.elapsed, error=st.errors[first]))
            continue
        pts = range(len(st.jobs))
        out.append(ClaimSamples(st.vc, [st.samples[i][0] for i in pts],
                                [st.samples[i][1] for i in pts], st.elapsed))
    return out, stats_


def check_options(vc: ValidatedClaim) -> dict:
    """Keyword arguments of :func:`verification.checks.run_check` from the claim (tol, band, along, exponent)."""
    return vc.check.options(vc.claim)


def worst_point_terms(vc: ValidatedClaim, points: Sequence[dict]) -> dict | None:
    """The registered bound's terms at the claim's worst point (smallest margin).

    Returns ``{"params", "margin", "value", "dominant", "terms": [{"name", "value", "share"}]}``
    (:func:`bounds.calculator.explain`), or None when the claim has no registered bound, no
    margin, or the bound needs per-replicate columns (then its terms differ by replicate).
    """
    c = vc.claim
    if not c.bound_name or set(vc.expression.names) & set(vc.replicate_names):
        return None                         # no registered bound, or its value differs by replicate
    scored = [(p["margin"], i) for i, p in enumerate(points)
              if isinstance(p.get("margin"), (int, float)) and np.isfinite(p["margin"])]
    if not scored:
        return None
    margin, i = min(scored)
    index = next((j for j, sp in enumerate(vc.sweep_points) if sp == points[i].get("params")), None)
    if index is None:
        return None
    from bounds import get_bound
    from bounds.calculator import explain
    from bounds.formula import parse_formula
    import sympy

    b = vc.bound if vc.bound is not None else get_bound(c.bound_name)
    full = vc.points[index]
    values = {n: full[n] for n in b.constants
              if isinstance(full.get(n), (int, float)) and not isinstance(full.get(n), bool)}
    for name, text in (c.bound_fixed or {}).items():
        expr = parse_formula(str(text), sympy.Symbol)
        try:
            values[name] = float(expr.subs({sympy.Symbol(k): v for k, v in full.items()
                                            if isinstance(v, (int, float)) and not isinstance(v, bool)}))
        except (TypeError, ValueError):
            return None                     # the fixed value needs a per-replicate column
    try:
        e = explain(b, exponents=False, **values)
    except ValueError:
        return None                         # e.g. a constant measured per replicate
    return {"params": dict(vc.sweep_points[index]), "margin": float(margin), "value": e.value,
            "dominant": e.dominant,
            "terms": [{"name": t.name, "value": t.value, "share": t.share} for t in e.terms]}


def _claim_header(vc: ValidatedClaim) -> dict:
    c = vc.claim
    return {
        "id": c.id, "statement": c.statement, "derivation": c.derivation,
        "bound_name": c.bound_name, "setting": c.setting, "learner": c.learner,
        "versus": c.versus, "check": c.check, "check_info": vc.check.describe(), "bound": c.bound,
        "bound_latex": vc.expression.latex(), "bound_names": list(vc.expression.names), "risk": c.risk, "reps": c.reps,
        "tol": c.tol, "params": dict(c.params), "sweep": dict(c.sweep),
        "derived": dict(c.derived), "learner_params": dict(c.learner_params),
        "source": c.source, "kind": vc.kind, "covers": list(c.covers), "seed_key": c.seed_key,
        "premises": [p.text for p in vc.premises],
        "band": None if c.band is None else list(c.band), "along": c.along,
        "exponent": None if c.exponent is None else list(c.exponent),
    }


def run_claims(claims: list[ValidatedClaim], *, seed: int = 0,
               alpha: float = DEFAULT_ALPHA, monte_carlo: Callable | None = None,
               progress: Callable[[Progress], None] | None = None,
               backend: Backend | str | None = "serial", workers: int | None = None,
               scheduler: str | None = None, store: ResultsStore | None = None,
               resume: bool = False, batch_size: int | None = None,
               execution: dict | None = None) -> dict:
    """Run ``claims`` and decide them jointly; return the results dictionary.

    Parameters
    ----------
    claims : list of ValidatedClaim
    seed : int
        Run seed; point ``i`` of claim ``c`` uses :func:`point_seed`.
    alpha : float
        Family-wise error level (Holm over all tests of the run).
    monte_carlo : callable, optional
        A per-point Monte Carlo with the signature of
        ``simulations.run_monte_carlo`` (tests inject toys).  Default: the
        simulator, run per replicate (``simulations.run_replicate``), which
        gives the same frames as ``run_monte_carlo``.
    progress : callable, optional
        Called with a :class:`~verification.progress.Progress` after every
        batch of replicates (computed, or reused from ``store``).
    backend : Backend or {"serial", "processes", "dask"} or None
        Where batches run (:mod:`verification.backends`).  None: ``processes``
        on all available cores when there are several (``serial`` on one core,
        and always for an injected ``monte_carlo``, which need not be
        picklable).  A :class:`Backend` instance is used and left open.
    workers, scheduler
        Passed to :func:`verification.backends.make_backend` with a name.
    store : ResultsStore, optional
        Every computed replicate is committed to it as its batch completes.
    resume : bool
        Reuse the replicates ``store`` holds; compute only the missing ones.
    batch_size : int, optional
        Replicates per batch (default: about 16 batches per worker over the
        run, at most 50 replicates each).
    execution : dict, optional
        Filled with ``backend``, ``workers``, ``replicates_reused``,
        ``replicates_computed`` and ``replicates_failed``.

    Returns
    -------
    dict
        ``status`` ("pass" or "fail"), ``alpha``, ``n_tests``, ``level`` (the
        per-side level of the reported intervals, ``alpha / n_tests``),
        ``seed``, ``elapsed_s`` and ``claims`` (one entry per claim, with
        ``points``).  Provenance is added by
        :func:`verification.results.build_results`.  The result depends only
        on the claims, ``seed`` and ``alpha``: not on the backend, the
        workers, the batches or the store.
    """
    t0 = time.perf_counter()
    if resume and store is None:
        raise ValueError("resume=True needs a store")
    reps_total = sum(len(vc.points) * vc.claim.reps for vc in claims)
    state = {"reps": 0, "claims": 0}

    def on_batch(ci: int, n: int, complete: bool) -> None:
        state["reps"] += n
        state["claims"] += int(complete)
        if progress:
            progress(Progress(claims[ci].id, state["claims"], len(claims), state["reps"],
                              reps_total, time.perf_counter() - t0))

    owned = not isinstance(backend, Backend)
    if owned:
        name = backend
        if name is None:
            injected = monte_carlo or _default_monte_carlo()
            name = ("processes" if available_cores() > 1 and workers != 1
                    and _is_default(injected) else "serial")
            if name == "serial":
                workers = None
        backend = make_backend(name, workers, scheduler)
    try:
        simulated, stats_ = _simulate(claims, seed, monte_carlo, backend, store, resume,
                                      batch_size, on_batch)
    finally:
        if owned:
            backend.close()
    if execution is not None:
        execution.update(backend=backend.name, workers=backend.workers,
                         replicates_reused=stats_.reused, replicates_computed=stats_.computed,
                         replicates_failed=stats_.failed)
    n_tests = sum(cs.vc.n_tests for cs in simulated if cs.error is None)
    level = alpha / max(n_tests, 1)

    checked, pvalues, owners = [], [], []
    for cs in simulated:
        result = None
        if cs.error is None:
            try:
                result = run_check(cs.vc.claim.check, cs.samples, level, **check_options(cs.vc))
            except Exception as exc:
                cs.error = f"{type(exc).__name__}: {exc}"
        checked.append(result)
        if result is not None:
            for _, p in result.tests:
                pvalues.append(p)
                owners.append(len(checked) - 1)
    rejected, adjusted = stats.holm(pvalues, alpha)

    out_claims = []
    for j, (cs, result) in enumerate(zip(simulated, checked)):
        entry = _claim_header(cs.vc)
        entry["elapsed_s"] = round(cs.elapsed, 3)
        if result is None:
            entry.update(status="error", message=cs.error, points=[], fit=None)
        else:
            mine = [i for i, o in enumerate(owners) if o == j]
            entry["status"] = apply_decisions(result, [bool(rejected[i]) for i in mine],
                                              [float(adjusted[i]) for i in mine])
            for rec, diag in zip(result.points, cs.diagnostics):
                rec["diagnostics"] = diag
            entry["points"] = result.points
            entry["fit"] = result.fit
            entry["worst_terms"] = worst_point_terms(cs.vc, result.points)
        out_claims.append(entry)
    status = run_status([c["status"] for c in out_claims])
    return {"status": status, "alpha": alpha, "correction": "holm",
            "n_tests": n_tests, "level": level, "seed": seed,
            "power": power_summary(out_claims),
            "elapsed_s": round(time.perf_counter() - t0, 3), "claims": out_claims}


def run_status(statuses: Sequence[str]) -> str:
    """``fail`` if a claim fails or errs, else ``vacuous`` if a claim is vacuous, else ``pass``."""
    if any(s in ("fail", "error") for s in statuses):
        return "fail"
    return "vacuous" if "vacuous" in statuses else "pass"


def power_summary(claims: Sequence[dict]) -> dict:
    """How much the run can detect: vacuous points, median margin, worst resolution (and where).

    Returns
    -------
    dict
        ``points`` (decided points), ``vacuous`` (their number),
        ``vacuous_points`` (claim id and parameters of each), ``median_margin``
        (over points with a margin), ``worst_resolution`` (largest point
        resolution, ``inf`` if some error could not be detected at all) with
        ``worst_resolution_at`` (claim id and parameters), and
        ``worst_slope_resolution`` for slope claims.
    """
    margins, worst, worst_at, vac, n, slope_res = [], None, None, [], 0, None
    for c in claims:
        for p in c.get("points") or []:
            if p.get("status") == "error":
                continue
            n += 1
            if p.get("margin") is not None:
                margins.append(float(p["margin"]))
            if p.get("vacuous"):
                vac.append({"claim": c["id"], "params": p.get("params")})
            r = p.get("resolution")
            r = math.inf if r == "inf" else r
            if r is not None and (worst is None or r > worst):
                worst, worst_at = float(r), {"claim": c["id"], "params": p.get("params")}
        fit = c.get("fit") or {}
        if fit.get("resolution") is not None:
            slope_res = max(slope_res or 0.0, float(fit["resolution"]))
    return {"points": n, "vacuous": len(vac), "vacuous_points": vac,
            "median_margin": float(np.median(margins)) if margins else None,
            "worst_resolution": "inf" if worst == math.inf else worst, "worst_resolution_at": worst_at,
            "worst_slope_resolution": slope_res}
