"""Convex target steps: the exact solvers against their cvxpy references.

Linear: the constrained fine-tuning step (profiled head + trust-region
subproblem, :func:`simulations.solvers.finetune.finetune_step`) against
:func:`simulations.solvers.reference.finetune_cvxpy` (CLARABEL).  Logistic:
the ball-constrained logistic step against its cvxpy reference, when the
simulator has it.  Optimal values must agree to 1e-6 (relative); the ratio
of median times (reference / fast) is reported, target >= 50.

Run: ``pytest tests/benchmarks/test_bench_target_step.py --benchmark-only -s``.
"""

import math

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from bench_support import median_time, report

#: (d, k, m): the quick profile's size and the ADAPTREP benchmark's size.
SIZES = {"d20-k2-m40": (20, 2, 40), "d100-k5-m100": (100, 5, 100)}


def linear_instance(d, k, m, seed=0):
    """A target task whose perturbation lies outside the ball (constraint active)."""
    rng = np.random.default_rng(seed)
    B = np.linalg.qr(rng.standard_normal((d, k)))[0]
    r = math.sqrt(k / d)
    v = rng.standard_normal(d)
    theta = B @ rng.standard_normal(k) + 3 * r * v / np.linalg.norm(v)
    X = rng.standard_normal((m, d))
    y = X @ theta + rng.standard_normal(m)
    return X, y, B, r


@pytest.mark.parametrize("size", SIZES)
def test_linear_target_step_vs_cvxpy(benchmark, size):
    from simulations.solvers.finetune import finetune_step
    from simulations.solvers.reference import finetune_cvxpy

    d, k, m = SIZES[size]
    X, y, B, r = linear_instance(d, k, m)

    def fast():  # from the data, as the learner does: statistics, then the step
        return finetune_step((X.T @ X)[None], (X.T @ y)[None], np.array([y @ y]), B, m,
                             radius=r)

    with threadpool_limits(limits=1, user_api="blas"):
        sol = benchmark(fast)
    _, ref_value = finetune_cvxpy(X, y, B, radius=r)
    rel = abs(float(sol.objective[0]) - ref_value) / abs(ref_value)
    assert rel <= 1e-6, f"optimal values differ by {rel:.2e} (relative)"
    assert sol.on_boundary[0]
    t_fast = median_time(fast, repeat=15, number=5)
    t_ref = median_time(lambda: finetune_cvxpy(X, y, B, radius=r), repeat=5)
    report(benchmark, f"linear target step {size}", fast_s=t_fast, cvxpy_s=t_ref,
           ratio=t_ref / t_fast, rel_gap=rel)


def logistic_instance(d, k, m, seed=0):
    rng = np.random.default_rng(seed)
    B = np.linalg.qr(rng.standard_normal((d, k)))[0]
    theta = B @ rng.standard_normal(k) + 0.5 * rng.standard_normal(d) / math.sqrt(d)
    X = rng.standard_normal((m, d))
    p = 1 / (1 + np.exp(-X @ theta))
    y = np.where(rng.random(m) < p, 1.0, -1.0)
    return X, y, B, math.sqrt(k / d), 2.0


@pytest.mark.parametrize("size", SIZES)
def test_logistic_target_step_vs_cvxpy(benchmark, size):
    solver = pytest.importorskip("simulations.solvers.logistic_finetune",
                                 reason="no logistic ball-constrained solver yet")
    reference = pytest.importorskip("simulations.solvers.reference_logistic")
    d, k, m = SIZES[size]
    X, y, B, r, cw = logistic_instance(d, k, m)

    def fast():
        return solver.logistic_finetune_step(X, y, B, head_bound=cw, radius=r)

    with threadpool_limits(limits=1, user_api="blas"):
        sol = benchmark(fast)
    _, ref_value = reference.logistic_finetune_cvxpy(X, y, B, head_bound=cw, radius=r)
    value = float(np.ravel(sol.objective)[0])
    rel = abs(value - ref_value) / abs(ref_value)
    assert rel <= 1e-6, f"optimal values differ by {rel:.2e} (relative)"
    t_fast = median_time(fast, repeat=9, number=3)
    t_ref = median_time(lambda: reference.logistic_finetune_cvxpy(X, y, B, head_bound=cw,
                                                                  radius=r), repeat=5)
    report(benchmark, f"logistic target step {size}", fast_s=t_fast, cvxpy_s=t_ref,
           ratio=t_ref / t_fast, rel_gap=rel)
