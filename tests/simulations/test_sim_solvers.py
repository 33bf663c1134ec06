"""Fast solvers against cvxpy references and against the optimality conditions."""

import numpy as np
import pytest

from simulations.solvers.finetune import finetune_step, head_only_step
from simulations.solvers.reference import (
    finetune_cvxpy,
    least_squares_cvxpy,
    norm_penalized_cvxpy,
    trust_region_cvxpy,
)
from simulations.solvers.trust_region import quadratic_value, solve_norm_penalized, solve_trust_region

REL = 1e-6


def _psd_instance(rng, d, m, in_range=True):
    X = rng.standard_normal((m, d))
    A = X.T @ X / m
    b = A @ rng.standard_normal(d) if in_range else rng.standard_normal(d)
    return A, b


def _rel_gap(ours, ref):
    return (ours - ref) / max(1.0, abs(ref))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("m", [3, 8, 30])  # singular (m < d), square-ish, well-conditioned
def test_trust_region_matches_cvxpy(seed, m):
    rng = np.random.default_rng(seed)
    A, b = _psd_instance(rng, 8, m, in_range=(seed % 2 == 0))
    r = float(rng.uniform(0.05, 3.0))
    sol = solve_trust_region(A, b, r)
    _, ref = trust_region_cvxpy(A, b, r)
    assert np.linalg.norm(sol.x) <= r * (1 + 1e-12)
    ours = quadratic_value(A, b, sol.x)
    # ours is optimal: never worse than the reference beyond its accuracy, and agrees to 1e-6.
    assert abs(_rel_gap(ours, ref)) <= REL


def test_trust_region_interior_and_zero_radius():
    rng = np.random.default_rng(1)
    A, b = _psd_instance(rng, 5, 50)
    x_free = np.linalg.solve(A, b)
    sol = solve_trust_region(A, b, 10 * np.linalg.norm(x_free))
    np.testing.assert_allclose(sol.x, x_free, rtol=1e-9)
    assert not sol.on_boundary and sol.multiplier == 0
    zero = solve_trust_region(A, b, 0.0)
    assert np.all(zero.x == 0)


def test_trust_region_singular_returns_minimum_norm_interior_solution():
    # A singular, b in its range, large radius: the minimum-norm minimiser A^+ b.
    rng = np.random.default_rng(2)
    A, b = _psd_instance(rng, 10, 4)
    sol = solve_trust_region(A, b, 1e6)
    np.testing.assert_allclose(sol.x, np.linalg.pinv(A) @ b, rtol=1e-6, atol=1e-9)


def test_trust_region_indefinite_satisfies_more_sorensen_conditions():
    rng = np.random.default_rng(3)
    for _ in range(20):
        M = rng.standard_normal((6, 6))
        A = (M + M.T) / 2
        b = rng.standard_normal(6)
        r = float(rng.uniform(0.1, 2.0))
        sol = solve_trust_region(A, b, r)
        mu = sol.multiplier
        assert mu >= -np.linalg.eigvalsh(A)[0] - 1e-9
        np.testing.assert_allclose((A + mu * np.eye(6)) @ sol.x, b, atol=1e-8)
        assert abs(np.linalg.norm(sol.x) - r) <= 1e-9 * r
        # no random feasible point does better
        z = rng.standard_normal((2000, 6))
        z *= (r * rng.uniform(0, 1, (2000, 1)) ** (1 / 6)) / np.linalg.norm(z, axis=1, keepdims=True)
        vals = np.einsum("ni,ij,nj->n", z, A, z) - 2 * z @ b
        assert quadratic_value(A, b, sol.x) <= vals.min() + 1e-10


def test_trust_region_hard_case():
    # b orthogonal to the bottom eigenvector of an indefinite A: the hard case.
    A = np.diag([-1.0, 2.0, 3.0])
    b = np.array([0.0, 1.0, 1.0])
    r = 2.0
    sol = solve_trust_region(A, b, r)
    assert abs(np.linalg.norm(sol.x) - r) < 1e-12
    np.testing.assert_allclose(sol.x[1:], [1 / 3, 1 / 4])
    assert sol.multiplier == pytest.approx(1.0)


def test_trust_region_batched_equals_single():
    rng = np.random.default_rng(4)
    As, bs, rs = [], [], []
    for _ in range(5):
        A, b = _psd_instance(rng, 6, 9)
        As.append(A), bs.append(b), rs.append(rng.uniform(0.1, 1))
    batch = solve_trust_region(np.array(As), np.array(bs), np.array(rs))
    for i in range(5):
        np.testing.assert_allclose(batch.x[i], solve_trust_region(As[i], bs[i], rs[i]).x, rtol=1e-12, atol=1e-14)


def test_trust_region_rejects_negative_radius():
    with pytest.raises(ValueError, match="radius"):
        solve_trust_region(np.eye(2), np.ones(2), -1.0)


@pytest.mark.parametrize("seed", range(6))
def test_norm_penalized_matches_cvxpy(seed):
    rng = np.random.default_rng(10 + seed)
    A, b = _psd_instance(rng, 7, [3, 10, 40][seed % 3])
    penalty = float(rng.uniform(0.01, 2.0) * np.linalg.norm(b))
    sol = solve_norm_penalized(A, b, penalty)
    _, ref = norm_penalized_cvxpy(A, b, penalty)
    ours = quadratic_value(A, b, sol.x) + penalty * np.linalg.norm(sol.x)
    assert abs(_rel_gap(ours, ref)) <= REL


def test_norm_penalized_zero_when_penalty_dominates():
    A, b = np.eye(3), np.array([0.3, 0.4, 0.0])
    assert np.all(solve_norm_penalized(A, b, 1.0).x == 0)  # ||b|| = 0.5 <= 1.0 / 2
    assert np.linalg.norm(solve_norm_penalized(A, b, 0.9).x) > 0


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("m", [2, 6, 25])  # m < k, k < m < d, m > d
def test_finetune_step_matches_cvxpy(seed, m):
    rng = np.random.default_rng(100 + seed)
    d, k = 10, 3
    X = rng.standard_normal((m, d))
    y = rng.standard_normal(m) + X @ rng.standard_normal(d)
    B = np.linalg.qr(rng.standard_normal((d, k)))[0]
    stats = (X.T @ X)[None], (X.T @ y)[None], np.array([y @ y])
    r = float(rng.uniform(0.05, 2.0))
    ours = finetune_step(*stats, B, m, radius=r)
    theta_ref, ref = finetune_cvxpy(X, y, B, radius=r)
    assert abs(_rel_gap(ours.objective[0], ref)) <= REL
    assert np.linalg.norm(ours.delta[0]) <= r * (1 + 1e-10)
    np.testing.assert_allclose(ours.theta[0], ours.w[0] @ B.T + ours.delta[0])
    penalty = float(rng.uniform(0.05, 1.0))
    ours_p = finetune_step(*stats, B, m, penalty=penalty)
    _, ref_p = finetune_cvxpy(X, y, B, penalty=penalty)
    assert abs(_rel_gap(ours_p.objective[0], ref_p)) <= REL


def test_finetune_step_requires_exactly_one_form():
    S, g, yy = np.eye(3)[None], np.ones((1, 3)), np.ones(1)
    B = np.eye(3)[:, :1]
    with pytest.raises(ValueError, match="exactly one"):
        finetune_step(S, g, yy, B, 3)
    with pytest.raises(ValueError, match="exactly one"):
        finetune_step(S, g, yy, B, 3, radius=1.0, penalty=1.0)


def test_head_only_step_is_least_squares_in_the_frame():
    rng = np.random.default_rng(7)
    X, y = rng.standard_normal((30, 6)), rng.standard_normal(30)
    B = np.linalg.qr(rng.standard_normal((6, 2)))[0]
    sol = head_only_step((X.T @ X)[None], (X.T @ y)[None], np.array([y @ y]), B, 30)
    w = np.linalg.lstsq(X @ B, y, rcond=None)[0]
    np.testing.assert_allclose(sol.w[0], w, rtol=1e-9)
    assert np.all(sol.delta == 0)
    _, ref = least_squares_cvxpy(X @ B, y)
    assert abs(_rel_gap(sol.objective[0], ref)) <= REL
