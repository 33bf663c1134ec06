"""The Monte Carlo runner: replicates -> tidy rows.

Replicate ``r`` of a call with seed ``s`` uses ``SeedSequence(s).spawn(reps)[r]``
(built directly from its index, so replicates can run in any order); its
children 0 and 1 seed the source draw and the target draw.  All learners of
one replicate see the same source data and the same target design and noise
(common random numbers).
"""

from __future__ import annotations

import time
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from .columns import EXTRA_COLUMNS as _EXTRA_COLUMNS
from .registry import get_learner, make_learner, make_setting
from .seeding import SeedLike, as_seed_sequence, child_seed, generator
from .settings import Setting

__all__ = ["run_monte_carlo", "run_replicate", "predictor_columns", "RISK_COLUMNS", "DIAGNOSTIC_COLUMNS", "EXTRA_COLUMNS"]

RISK_COLUMNS = ("excess_risk", "insample_risk")
DIAGNOSTIC_COLUMNS = (
    "rep_error",
    "sin_theta_max",
    "nu",
    "objective",
    "target_objective",
    "constraint_active",
    "n_iter",
    "converged",
    "fit_time",
    "adapt_time",
)
#: Columns that only some settings or learners produce; NaN where not produced
#: (documented one by one in :data:`simulations.columns.OPTIONAL_COLUMNS`).
EXTRA_COLUMNS = _EXTRA_COLUMNS


def _norm(value: Any) -> float:
    """Euclidean (Frobenius) norm, NaN for ``None``."""
    return float("nan") if value is None else float(np.linalg.norm(np.asarray(value, dtype=float)))


def predictor_columns(learner: Any, target: Any) -> dict[str, float]:
    """Norms of the adapted predictor, its declared class and the target truth.

    ``head_norm``, ``delta_norm`` (of ``learner.head_``, ``learner.delta_``),
    ``ft_radius``, ``ft_head_bound`` (of ``learner.fine_tuning_class()``) and
    ``target_head_norm``, ``target_perturbation_norm`` (of the target truth's
    ``head`` and ``perturbation``); see :data:`simulations.columns.OPTIONAL_COLUMNS`.
    """
    cls = learner.fine_tuning_class()
    return {
        "head_norm": _norm(getattr(learner, "head_", None)),
        "delta_norm": _norm(getattr(learner, "delta_", None)),
        "ft_radius": float(cls.radius),
        "ft_head_bound": float(cls.head_bound),
        "target_head_norm": _norm(getattr(target, "head", None)),
        "target_perturbation_norm": _norm(getattr(target, "perturbation", None)),
    }


def source_objective_at_truth(truth: Any, sources: Any) -> float:
    r"""The source objective at the truth, :math:`\frac{1}{Tn}\sum_t \|y_t - X_t \theta_t\|^2`,
    :math:`\theta_t = B^* w_t + v_t` (the learners' ``objective_`` normalisation)."""
    thetas = truth.heads @ truth.frame.T                       # (T, d)
    if truth.perturbations is not None:
        thetas = thetas + truth.perturbations
    resid = sources.y - np.einsum("tnd,td->tn", sources.X, thetas)
    return float(np.mean(resid ** 2))


def run_replicate(
    setting: Setting,
    learners: Sequence[str],
    seed: np.random.SeedSequence,
    rep: int = 0,
    learner_params: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Run one replicate for every learner; one row per learner."""
    truth, sources = setting.draw_sources(generator(child_seed(seed, 0)))
    target_seed = child_seed(seed, 1)
    described = setting.describe()
    rows = []
    truth_objective = None
    for name in learners:
        learner = make_learner(name, setting, truth, (learner_params or {}).get(name))
        t0 = time.perf_counter()
        learner.fit(sources)
        t1 = time.perf_counter()
        target, data = setting.draw_target(generator(target_seed), truth, learner.representation_)
        t2 = time.perf_counter()
        learner.adapt(data)
        t3 = time.perf_counter()
        evaluated = setting.evaluate(truth, target, data, learner)
        extra = {col: float("nan") for col in EXTRA_COLUMNS}
        extra.update(predictor_columns(learner, target))
        extra.update(learner.diagnostics())
        if (setting.family == "linear" and learner.source_objective_is_least_squares()
                and np.isfinite(learner.objective_)):
            if truth_objective is None:
                truth_objective = source_objective_at_truth(truth, sources)
            extra["source_fit_excess"] = float(learner.objective_) - truth_objective
        extra.update({col: evaluated.pop(col) for col in EXTRA_COLUMNS if col in evaluated})
        rows.append(
            {
                "rep": rep,
                "setting": setting.name,
                "learner": name,
                **described,
                **evaluated,
                "nu": truth.nu,
                "objective": learner.objective_,
                "target_objective": learner.target_objective_,
                "constraint_active": learner.constraint_active_,
                "n_iter": learner.n_iter_,
                "converged": learner.converged_,
                "fit_time": t1 - t0,
                "adapt_time": t3 - t2,
                **extra,
            }
        )
    return rows


def run_monte_carlo(
    setting: str,
    learners: str | Iterable[str],
    params: Mapping[str, Any],
    reps: int,
    seed: SeedLike = 0,
    learner_params: Mapping[str, Mapping[str, Any]] | None = None,
    blas_threads: int | None = 1,
) -> pd.DataFrame:
    """Estimate target excess risks by Monte Carlo.

    Parameters
    ----------
    setting : str
        A name in :data:`simulations.SETTINGS`.
    learners : str or iterable of str
        Names in :data:`simulations.LEARNERS`.
    params : mapping
        Setting parameters (validated; defaults filled in).
    reps : int
        Number of replicates, >= 1.
    seed : int, sequence of int or numpy.random.SeedSequence
        Root seed.
    learner_params : mapping, optional
        Hyper-parameters per learner name.
    blas_threads : int or None
        BLAS threads while replicates run (default 1: the matrices are small
        and threading them only adds contention; None leaves BLAS alone).

    Returns
    -------
    pandas.DataFrame
        One row per (replicate, learner): ``rep``, ``setting``, ``learner``,
        the resolved setting parameters, :data:`RISK_COLUMNS`,
        :data:`DIAGNOSTIC_COLUMNS` and :data:`EXTRA_COLUMNS` (NaN where a
        setting or learner does not produce them).
    """
    names = [learners] if isinstance(learners, str) else list(learners)
    if not names:
        raise ValueError("parameter 'learners' must name at least one learner")
    if isinstance(reps, bool) or not isinstance(reps, (int, np.integer)) or reps < 1:
        raise ValueError(f"parameter 'reps' must be an integer >= 1; got {reps!r}")
    built = make_setting(setting, params)
    for name in names:  # validate names and (setting, learner) pairs before any work
        get_learner(name, built)
    unknown = set(learner_params or {}) - set(names)
    if unknown:
        raise ValueError(f"parameter 'learner_params' names learners not in 'learners': {', '.join(sorted(unknown))}")
    root = as_seed_sequence(seed)
    rows: list[dict[str, Any]] = []
    with threadpool_limits(limits=blas_threads, user_api="blas"):
        for rep in range(int(reps)):
            rows.extend(run_replicate(built, names, child_seed(root, rep), rep, learner_params))
    return pd.DataFrame(rows)
