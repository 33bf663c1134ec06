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
from .losses import softplus
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


def least_squares_objective(sources: Any, thetas: np.ndarray) -> float:
    r""":math:`\frac{1}{Tn}\sum_t \|y_t - X_t\theta_t\|^2` from the sufficient statistics,
    :math:`y_t^\top y_t - 2\theta_t^\top X_t^\top y_t + \theta_t^\top X_t^\top X_t\theta_t` (so it also
    works for :class:`~simulations.settings.base.SourceStatistics`)."""
    thetas = np.asarray(thetas, dtype=float)
    quad = np.einsum("ti,tij,tj->t", thetas, sources.gram, thetas)
    total = np.sum(sources.energy - 2 * np.einsum("ti,ti->t", thetas, sources.cross) + quad)
    return float(total) / (sources.n_tasks * sources.n_samples)


def frame_objective(sources: Any, frame: np.ndarray) -> float:
    r"""The frozen source objective of a fixed frame with its least-squares heads,
    :math:`\frac{1}{Tn}\sum_t (y_t^\top y_t - c_t^\top F (F^\top S_t F)^{-1} F^\top c_t)`,
    :math:`S_t = X_t^\top X_t`, :math:`c_t = X_t^\top y_t`."""
    F = np.asarray(frame, dtype=float)
    SF = np.einsum("tij,jk->tik", sources.gram, F)
    M = np.einsum("ji,tjk->tik", F, SF)                                     # F' S_t F
    r = sources.cross @ F                                                   # F' c_t
    fitted = np.einsum("ti,ti->t", r, np.linalg.solve(M, r[:, :, None])[:, :, 0])
    return float(np.sum(sources.energy - fitted)) / (sources.n_tasks * sources.n_samples)


def source_objective_at_truth(truth: Any, sources: Any) -> float:
    r"""The source objective at the truth, :math:`\frac{1}{Tn}\sum_t \|y_t - X_t \theta_t\|^2`,
    :math:`\theta_t = B^* w_t + v_t` (the learners' ``objective_`` normalisation)."""
    thetas = truth.heads @ truth.frame.T                       # (T, d)
    if truth.perturbations is not None:
        thetas = thetas + truth.perturbations
    return least_squares_objective(sources, thetas)


def stored_source_predictors(learner: Any, n_tasks: int, dim: int) -> tuple[np.ndarray, np.ndarray | None] | None:
    r"""The learner's stored source predictors :math:`\hat\theta_t = \hat B\hat w_t + \hat\delta_t`, shape (T, d),
    and its perturbations (``None`` without), from ``representation_``, ``source_heads_`` and ``source_deltas_``;
    ``None`` for a learner that stores no source fit of this shape."""
    frame = getattr(learner, "representation_", None)
    heads = getattr(learner, "source_heads_", None)
    if frame is None or heads is None or np.shape(frame)[0] != dim or np.shape(heads)[0] != n_tasks:
        return None
    thetas = np.asarray(heads) @ np.asarray(frame).T
    deltas = getattr(learner, "source_deltas_", None)
    return (thetas if deltas is None else thetas + deltas), deltas


def _max_row_norm(rows: np.ndarray | None) -> float:
    return 0.0 if rows is None else float(np.max(np.linalg.norm(rows, axis=1)))


def source_fit_columns(learner: Any, sources: Any, truth_objective: float,
                       comparator_objective: float | None = None) -> dict[str, float]:
    r"""``source_fit_excess``, ``source_delta_norm`` and ``comparator_fit_excess`` of a least-squares source fit.

    The objective is recomputed from the learner's stored source predictors
    (:func:`stored_source_predictors`), not read from its ``objective_``, so a
    premise on it does not rest on the learner's own report:
    ``source_fit_excess`` :math:`= \frac{1}{Tn}\sum_t\|y_t - X_t\hat\theta_t\|^2 -` the same at the truth,
    ``source_delta_norm`` :math:`= \max_t \|\hat\delta_t\|` (0 without perturbations),
    ``comparator_fit_excess`` = the same objective minus ``comparator_objective`` (the
    :func:`frame_objective` of the setting's comparator frame, computed once per replicate; NaN without one).
    A learner that stores no source predictors falls back to its ``objective_`` (and NaN for the others).
    """
    nan = float("nan")
    stored = stored_source_predictors(learner, sources.n_tasks, sources.dim)
    if stored is None:
        return {"source_fit_excess": float(learner.objective_) - truth_objective, "source_delta_norm": nan,
                "comparator_fit_excess": nan}
    thetas, deltas = stored
    fit = least_squares_objective(sources, thetas)
    return {"source_fit_excess": fit - truth_objective, "source_delta_norm": _max_row_norm(deltas),
            "comparator_fit_excess": nan if comparator_objective is None else fit - comparator_objective}


def logistic_source_loss(sources: Any, thetas: np.ndarray) -> float:
    r"""Mean source logistic loss :math:`\frac{1}{Tn}\sum_{t,i}\log(1 + e^{-y_{ti}x_{ti}^\top\theta_t})`."""
    margins = sources.y * np.matmul(sources.X, np.asarray(thetas, dtype=float)[:, :, None])[..., 0]
    return float(np.mean(softplus(-margins)))


def logistic_source_fit_columns(learner: Any, sources: Any, truth: Any, truth_loss: float) -> dict[str, float]:
    r"""``source_fit_excess``, ``source_head_norm``, ``source_delta_norm`` and ``source_truth_norm`` of a
    logistic source fit, recomputed from the learner's stored source predictors.

    ``source_fit_excess`` = :func:`logistic_source_loss` at :math:`\hat\theta_t = \hat B\hat w_t + \hat\delta_t`
    minus ``truth_loss`` (the same at the truth, computed once per replicate); ``source_head_norm``
    :math:`= \max_t\|\hat w_t\|`, ``source_delta_norm`` :math:`= \max_t\|\hat\delta_t\|` and
    ``source_truth_norm`` :math:`= \max_t\|\theta^*_t\|`.  NaN for a learner that stores no source predictors.
    """
    nan = float("nan")
    out = {"source_fit_excess": nan, "source_head_norm": nan, "source_delta_norm": nan,
           "source_truth_norm": _max_row_norm(truth.thetas)}
    stored = stored_source_predictors(learner, sources.n_tasks, sources.dim)
    if stored is None:
        return out
    thetas, deltas = stored
    out["source_head_norm"] = _max_row_norm(learner.source_heads_)
    out["source_delta_norm"] = _max_row_norm(deltas)
    out["source_fit_excess"] = logistic_source_loss(sources, thetas) - truth_loss
    return out


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
    truth_objective = comparator_objective = None
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
                comparator = getattr(setting, "comparator_frame", None)
                comparator_objective = None if comparator is None else frame_objective(sources, comparator)
            extra.update(source_fit_columns(learner, sources, truth_objective, comparator_objective))
        elif setting.family == "logistic":
            if truth_objective is None:
                truth_objective = logistic_source_loss(sources, truth.thetas)
            extra.update(logistic_source_fit_columns(learner, sources, truth, truth_objective))
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
