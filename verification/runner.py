"""Run validated claims: sweep points -> Monte Carlo -> checks -> results.

Each sweep point is one ``run_monte_carlo`` call with every learner the check
needs, so a separation compares paired replicates on common data.  The seed of
point ``i`` of claim ``c`` in a run with seed ``s`` is
``SeedSequence(s, spawn_key=(crc32(c), i))``: results do not depend on which
claims run or in which order.

All tests of all claims in a run form one family: Holm's procedure at
family-wise level ``alpha`` (default 1e-3) decides which are rejected.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from . import stats
from .checks import PointSample, apply_decisions, run_check
from .claims import REPLICATE_NAMES, ValidatedClaim, evaluate_bound
from .progress import Progress

__all__ = ["DEFAULT_ALPHA", "point_seed", "simulate_claim", "run_claims"]

DEFAULT_ALPHA = 1e-3


def point_seed(run_seed: int, claim_id: str, index: int) -> np.random.SeedSequence:
    """Seed of sweep point ``index`` of ``claim_id`` in a run seeded ``run_seed``."""
    return np.random.SeedSequence(int(run_seed),
                                  spawn_key=(zlib.crc32(claim_id.encode()), int(index)))


def _default_monte_carlo() -> Callable:
    from simulations import run_monte_carlo  # lazy
    return run_monte_carlo


@dataclass
class ClaimSamples:
    vc: ValidatedClaim
    samples: list[PointSample]
    diagnostics: list[dict]
    elapsed: float
    error: str | None = None


def _learner_rows(frame: pd.DataFrame, learner: str) -> pd.DataFrame:
    rows = frame[frame["learner"] == learner].sort_values("rep")
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


def simulate_claim(vc: ValidatedClaim, seed: int = 0,
                   monte_carlo: Callable | None = None,
                   on_point: Callable[[int], None] | None = None) -> ClaimSamples:
    """Run the Monte Carlo of every sweep point of one claim.

    ``on_point(reps)`` is called after each sweep point with its replicate count.
    """
    mc = monte_carlo or _default_monte_carlo()
    c = vc.claim
    samples, diags = [], []
    t0 = time.perf_counter()
    for i, (full, sp) in enumerate(zip(vc.points, vc.sweep_points)):
        sim_params = {k: v for k, v in full.items() if k in vc.setting_names}
        extra = {"learner_params": c.learner_params} if c.learner_params else {}
        frame = mc(setting=c.setting, learners=list(vc.learners), params=sim_params,
                   reps=c.reps, seed=point_seed(seed, c.id, i), **extra)
        rows = _learner_rows(frame, c.learner)
        values = dict(full)
        for name in vc.expression.names:      # resolved values from the frame
            if name in rows and name not in REPLICATE_NAMES:
                values[name] = rows[name].iloc[0]
        replicate = {n: rows[n].to_numpy(float) for n in REPLICATE_NAMES if n in rows}
        bound = evaluate_bound(vc, values, replicate)
        versus = None
        if c.versus is not None:
            vrows = _learner_rows(frame, c.versus)
            if not np.array_equal(vrows["rep"].to_numpy(), rows["rep"].to_numpy()):
                raise RuntimeError("replicates of the two learners do not pair up")
            versus = vrows[c.risk].to_numpy(float)
        samples.append(PointSample(risk=rows[c.risk].to_numpy(float), bound=bound,
                                   versus=versus, fail_prob=full.get("fail_prob"),
                                   params=sp))
        diags.append(_diagnostics(rows))
        if on_point is not None:
            on_point(c.reps)
    return ClaimSamples(vc, samples, diags, time.perf_counter() - t0)


def _claim_header(vc: ValidatedClaim) -> dict:
    c = vc.claim
    return {
        "id": c.id, "statement": c.statement, "derivation": c.derivation,
        "bound_name": c.bound_name, "setting": c.setting, "learner": c.learner,
        "versus": c.versus, "check": c.check, "bound": c.bound,
        "bound_latex": vc.expression.latex(), "risk": c.risk, "reps": c.reps,
        "tol": c.tol, "params": dict(c.params), "sweep": dict(c.sweep),
        "derived": dict(c.derived), "learner_params": dict(c.learner_params),
        "source": c.source,
    }


def run_claims(claims: list[ValidatedClaim], *, seed: int = 0,
               alpha: float = DEFAULT_ALPHA, monte_carlo: Callable | None = None,
               progress: Callable[[Progress], None] | None = None) -> dict:
    """Run ``claims`` and decide them jointly; return the results dictionary.

    The returned dict has ``status`` ("pass" or "fail"), ``alpha``,
    ``n_tests``, ``level`` (the per-side level of the reported intervals,
    ``alpha / n_tests``) and ``claims`` (one entry per claim, with ``points``).
    Provenance is added by :func:`verification.results.build_results`.
    """
    t0 = time.perf_counter()
    simulated = []
    reps_total = sum(len(vc.points) * vc.claim.reps for vc in claims)
    state = {"reps": 0, "claims": 0}

    def report(vc: ValidatedClaim):
        def on_point(reps: int) -> None:
            state["reps"] += reps
            if progress:
                progress(Progress(vc.id, state["claims"], len(claims), state["reps"],
                                  reps_total, time.perf_counter() - t0))
        return on_point

    for vc in claims:
        try:
            simulated.append(simulate_claim(vc, seed, monte_carlo, on_point=report(vc)))
        except Exception as exc:  # a simulator failure fails the claim, not the run
            simulated.append(ClaimSamples(vc, [], [], 0.0,
                                          error=f"{type(exc).__name__}: {exc}"))
        state["claims"] += 1
    n_tests = sum(cs.vc.n_tests for cs in simulated if cs.error is None)
    level = alpha / max(n_tests, 1)

    checked, pvalues, owners = [], [], []
    for cs in simulated:
        result = None
        if cs.error is None:
            try:
                result = run_check(cs.vc.claim.check, cs.samples, level, cs.vc.claim.tol)
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
        out_claims.append(entry)
    status = "pass" if all(c["status"] == "pass" for c in out_claims) else "fail"
    return {"status": status, "alpha": alpha, "correction": "holm",
            "n_tests": n_tests, "level": level, "seed": seed,
            "elapsed_s": round(time.perf_counter() - t0, 3), "claims": out_claims}
