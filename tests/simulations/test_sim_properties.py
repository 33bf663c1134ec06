"""Property tests (hypothesis) of the solvers' invariants."""

import numpy as np
from hypothesis import given, settings, strategies as st

from simulations.solvers.finetune import finetune_step
from simulations.solvers.trust_region import quadratic_value, solve_norm_penalized, solve_trust_region

dims = st.integers(min_value=1, max_value=7)
seeds = st.integers(min_value=0, max_value=2**32 - 1)
radii = st.floats(min_value=1e-3, max_value=10.0)


def _instance(seed, d, m):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, d))
    A = X.T @ X / m
    b = A @ rng.standard_normal(d)
    return rng, A, b


@settings(max_examples=60, deadline=None)
@given(seed=seeds, d=dims, m=st.integers(1, 12), r=radii)
def test_trust_region_feasible_and_optimal_against_feasible_points(seed, d, m, r):
    rng, A, b = _instance(seed, d, m)
    sol = solve_trust_region(A, b, r)
    assert np.linalg.norm(sol.x) <= r * (1 + 1e-9)
    z = rng.standard_normal((200, d))
    z *= r * rng.uniform(0, 1, (200, 1)) / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-300)
    vals = np.einsum("ni,ij,nj->n", z, A, z) - 2 * z @ b
    assert quadratic_value(A, b, sol.x) <= vals.min() + 1e-9 * max(1.0, abs(vals.min()))


@settings(max_examples=40, deadline=None)
@given(seed=seeds, d=dims, m=st.integers(2, 12), r1=radii, r2=radii)
def test_trust_region_value_non_increasing_in_radius(seed, d, m, r1, r2):
    _, A, b = _instance(seed, d, m)
    lo, hi = sorted((r1, r2))
    v_lo = quadratic_value(A, b, solve_trust_region(A, b, lo).x)
    v_hi = quadratic_value(A, b, solve_trust_region(A, b, hi).x)
    assert v_hi <= v_lo + 1e-10 * max(1.0, abs(v_lo))


@settings(max_examples=40, deadline=None)
@given(seed=seeds, d=dims, m=st.integers(2, 12), frac=st.floats(0.01, 0.99))
def test_penalized_solution_solves_the_constrained_problem_at_its_own_norm(seed, d, m, frac):
    # Lagrangian duality: x_pen(rho) minimises the constrained problem with r = ||x_pen||.
    _, A, b = _instance(seed, d, m)
    rho = frac * 2 * np.linalg.norm(b)  # below 2||b||: x_pen != 0
    x_pen = solve_norm_penalized(A, b, rho).x
    r = np.linalg.norm(x_pen)
    x_con = solve_trust_region(A, b, r).x
    v_pen, v_con = quadratic_value(A, b, x_pen), quadratic_value(A, b, x_con)
    assert abs(v_pen - v_con) <= 1e-7 * max(1.0, abs(v_con))


@settings(max_examples=30, deadline=None)
@given(seed=seeds, m=st.integers(1, 15), r=radii)
def test_finetune_objective_bounds(seed, m, r):
    # 0 <= objective(radius r) <= objective(radius 0, head only) <= mean y^2 (w = 0, delta = 0).
    rng = np.random.default_rng(seed)
    d, k = 6, 2
    X, y = rng.standard_normal((m, d)), rng.standard_normal(m)
    B = np.linalg.qr(rng.standard_normal((d, k)))[0]
    stats = (X.T @ X)[None], (X.T @ y)[None], np.array([y @ y])
    full = finetune_step(*stats, B, m, radius=r).objective[0]
    head = finetune_step(*stats, B, m, radius=0.0).objective[0]
    assert -1e-12 <= full <= head + 1e-10 and head <= y @ y / m + 1e-10
