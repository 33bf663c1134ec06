"""The lean single-task fine-tuning step against the eigendecomposition path and cvxpy.

:func:`simulations.solvers.finetune.finetune_step` solves a batch of one task
in the constrained form without eigendecompositions
(:func:`~simulations.solvers.finetune._finetune_single`: Lanczos start,
Cholesky Newton, KKT certificate; see
:func:`~simulations.solvers.trust_region.solve_psd_trust_region`) and falls back to
the eigendecomposition path (:func:`~simulations.solvers.finetune._finetune_batched`)
when it cannot certify its answer.  Both must give the same minimiser
(minimum-norm conventions included), objective and ``on_boundary`` flag.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from simulations.solvers import trust_region as tr
from simulations.solvers.finetune import _finetune_batched, _finetune_single, finetune_step, head_only_step
from simulations.solvers.reference import finetune_cvxpy
from simulations.solvers.trust_region import solve_psd_trust_region, solve_trust_region


def _data(seed, d, k, m, *, spread=1.0, noise=1.0, scale=1.0):
    """Orthonormal frame B, data X (m x d) with column scales spread over [1/spread, 1], and y."""
    rng = np.random.default_rng(seed)
    B = np.linalg.qr(rng.standard_normal((d, k)))[0]
    X = scale * rng.standard_normal((m, d)) * np.exp(-np.log(spread) * rng.uniform(0, 1, d))
    theta = B @ rng.standard_normal(k) + rng.standard_normal(d) / math.sqrt(d)
    y = X @ theta + noise * rng.standard_normal(m)
    return X, y, B


def _stats(X, y):
    return (X.T @ X)[None], (X.T @ y)[None], np.array([y @ y])


def _free_norm(S, g, yy, B, m):
    """||delta|| of the unconstrained (minimum-norm) step, from the eigendecomposition path."""
    return float(np.linalg.norm(_finetune_batched(S, g, yy, B, m, radius=1e12).delta))


def _assert_same(a, b, yy, m, tol=1e-9, B=None):
    """``a`` and ``b`` are the same solution; with ``B``: ``a`` is the lean path's, ``b`` the old path's.

    The eigendecomposition path's delta leaks into col(B) by up to ~1e-8 (relative) when the
    multiplier is tiny and S ill-conditioned (rounding of the eigenvectors of the near-null
    eigenvalues), which shifts the same amount between w and delta (theta is unaffected); the
    lean path's delta is orthogonal to B to rounding (checked).  So with ``B`` the split is
    compared after removing the leak, and loosely (1e-7) as is.
    """
    scale = max(1.0, float(np.abs(b.theta).max()))
    np.testing.assert_allclose(a.theta, b.theta, rtol=0, atol=tol * scale)
    w_ref, delta_ref = b.w, b.delta
    if B is not None:
        leak = b.delta @ B
        w_ref, delta_ref = b.w + leak, b.delta - leak @ B.T
        np.testing.assert_allclose(a.w, b.w, rtol=0, atol=max(tol, 1e-7) * scale)
        np.testing.assert_allclose(a.delta, b.delta, rtol=0, atol=max(tol, 1e-7) * scale)
        assert np.all(np.linalg.norm(a.delta @ B, axis=1) <= 1e-12 * scale)
    np.testing.assert_allclose(a.w, w_ref, rtol=0, atol=tol * scale)
    np.testing.assert_allclose(a.delta, delta_ref, rtol=0, atol=tol * scale)
    # The objective formula (y'y - 2 theta'g + theta'S theta)/m cancels down to ~eps y'y/m.
    np.testing.assert_allclose(a.objective, b.objective, rtol=1e-11, atol=1e-13 * float(np.max(yy)) / m)
    np.testing.assert_array_equal(a.on_boundary, b.on_boundary)
    assert a.w.shape == b.w.shape and a.delta.shape == b.delta.shape and a.objective.shape == b.objective.shape
    assert a.on_boundary.dtype == b.on_boundary.dtype


FIELDS = ("w", "delta", "theta", "objective", "on_boundary")


def _check_step(S, g, yy, B, m, r, tol=1e-9):
    """finetune_step is the lean answer when there is one (and then agrees with the old path),
    else exactly the old path's answer."""
    ref = _finetune_batched(S, g, yy, B, m, radius=r)
    lean = _finetune_single(S, g, yy, B, m, r)
    out = finetune_step(S, g, yy, B, m, radius=r)
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(out, field), getattr(ref if lean is None else lean, field))
    if lean is not None:
        _assert_same(lean, ref, yy, m, tol=tol, B=B)
    return lean, ref


SIZES = [(20, 2, 40), (100, 5, 100), (10, 3, 10), (30, 2, 31), (12, 2, 6), (8, 1, 8), (50, 5, 400), (6, 5, 30)]
#: Radius as a multiple of the unconstrained ||delta||: clearly active, active, barely active, barely
#: inactive (interior), interior.
FACTORS = [0.02, 0.5, 0.999, 1.001, 3.0]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("factor", FACTORS)
@pytest.mark.parametrize("d,k,m", SIZES)
def test_lean_path_matches_eigendecomposition_path(d, k, m, factor, seed):
    X, y, B = _data(seed, d, k, m)
    S, g, yy = _stats(X, y)
    r = factor * _free_norm(S, g, yy, B, m)
    lean, ref = _check_step(S, g, yy, B, m, r)
    assert bool(ref.on_boundary[0]) == (factor < 1)
    if m >= d:  # definite problems: the lean path must apply (it is what the benchmark measures)
        assert lean is not None
    elif factor > 1:  # singular interior: minimum-norm, left to the eigendecomposition path
        assert lean is None


@pytest.mark.parametrize("spread", [1e2, 1e3])
@pytest.mark.parametrize("factor", [0.05, 0.9, 2.0])
@pytest.mark.parametrize("d,k,m", [(30, 3, 60), (60, 4, 60), (100, 5, 300)])
def test_lean_path_on_ill_conditioned_data(d, k, m, factor, spread):
    X, y, B = _data(3, d, k, m, spread=spread)
    S, g, yy = _stats(X, y)
    r = factor * _free_norm(S, g, yy, B, m)
    # cond(S) up to ~1e12 here: both paths are accurate to ~cond * eps only.
    _check_step(S, g, yy, B, m, r, tol=1e-7)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("d,k,m", [(20, 2, 40), (100, 5, 100), (30, 3, 30)])
def test_benchmark_like_instances_take_few_factorisations(d, k, m, seed, monkeypatch):
    # As tests/benchmarks/test_bench_target_step.py: r = sqrt(k/d), true perturbation of norm 3r.
    rng = np.random.default_rng(seed)
    B = np.linalg.qr(rng.standard_normal((d, k)))[0]
    r = math.sqrt(k / d)
    v = rng.standard_normal(d)
    X = rng.standard_normal((m, d))
    y = X @ (B @ rng.standard_normal(k) + 3 * r * v / np.linalg.norm(v)) + rng.standard_normal(m)
    S, g, yy = _stats(X, y)
    calls = []
    real = tr.dpotrf

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(tr, "dpotrf", counting)
    sol = _finetune_single(S, g, yy, B, m, r)
    assert sol is not None and sol.on_boundary[0]
    assert 1 <= len(calls) <= 4


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("d,k,m,r", [(20, 2, 40, 0.3), (15, 3, 10, 0.5), (12, 2, 12, 0.05), (25, 4, 60, 2.0)])
def test_lean_path_matches_cvxpy(d, k, m, r, seed):
    X, y, B = _data(seed, d, k, m)
    S, g, yy = _stats(X, y)
    sol = finetune_step(S, g, yy, B, m, radius=r)
    theta_ref, value_ref = finetune_cvxpy(X, y, B, radius=r)
    value = float(sol.objective[0])
    assert np.isclose(value, np.mean((y - X @ sol.theta[0]) ** 2), rtol=1e-10)
    assert abs(value - value_ref) <= 1e-6 * abs(value_ref)
    assert value <= value_ref * (1 + 1e-9)  # exact: never worse than the conic solver
    assert np.linalg.norm(sol.delta[0]) <= r * (1 + 1e-9)
    np.testing.assert_allclose(sol.theta[0], theta_ref, atol=1e-3 * max(1.0, np.abs(theta_ref).max()))


@pytest.mark.parametrize("d,k,m", [(20, 2, 40), (10, 3, 6), (100, 5, 100)])
def test_zero_radius_is_the_head_only_step(d, k, m):
    X, y, B = _data(2, d, k, m)
    S, g, yy = _stats(X, y)
    ref = head_only_step(S, g, yy, B, m)
    _assert_same(finetune_step(S, g, yy, B, m, radius=0.0), ref, yy, m)
    _assert_same(finetune_step(S, g, yy, B, m, penalty=np.inf), ref, yy, m)
    assert _finetune_single(S, g, yy, B, m, 0.0) is None  # not the lean path's business
    w_ref = np.linalg.lstsq(X @ B, y, rcond=None)[0]
    np.testing.assert_allclose(ref.w[0], w_ref, rtol=1e-8, atol=1e-10 * max(1.0, np.abs(w_ref).max()))
    assert np.all(ref.delta == 0) and ref.on_boundary[0]


@pytest.mark.parametrize("d,k,m", [(20, 2, 40), (10, 3, 6), (12, 4, 3), (100, 5, 100)])
def test_head_only_step_is_least_squares_on_the_frame_features(d, k, m):
    # Independent reference: numpy's minimum-norm least squares on the features X B (m < k
    # makes X B rank-deficient: the minimum-norm head), for a batch of three tasks.
    tasks = [_data(s, d, k, m) for s in (3, 4, 5)]
    B = tasks[0][2]
    S = np.stack([X.T @ X for X, _, _ in tasks])
    g = np.stack([X.T @ y for X, y, _ in tasks])
    yy = np.array([y @ y for _, y, _ in tasks])
    sol = head_only_step(S, g, yy, B, m)
    for t, (X, y, _) in enumerate(tasks):
        w_ref = np.linalg.lstsq(X @ B, y, rcond=None)[0]
        np.testing.assert_allclose(sol.w[t], w_ref, rtol=1e-8, atol=1e-10 * max(1.0, np.abs(w_ref).max()))
        np.testing.assert_allclose(sol.theta[t], B @ w_ref, rtol=1e-8, atol=1e-10)
        mse = np.mean((y - X @ B @ w_ref) ** 2)
        assert sol.objective[t] == pytest.approx(mse, rel=1e-9, abs=1e-12 * (y @ y) / m)
    assert np.all(sol.delta == 0) and np.all(sol.on_boundary)
    # The penalised form with an infinite penalty is the same step.
    inf = finetune_step(S, g, yy, B, m, penalty=np.inf)
    np.testing.assert_array_equal(inf.w, sol.w)


def test_batches_and_penalised_form_use_the_eigendecomposition_path():
    d, k, m, T = 15, 3, 30, 5
    rng = np.random.default_rng(4)
    B = np.linalg.qr(rng.standard_normal((d, k)))[0]
    X = rng.standard_normal((T, m, d))
    y = X @ rng.standard_normal(d) + rng.standard_normal((T, m))
    S, g, yy = np.swapaxes(X, 1, 2) @ X, np.einsum("tmd,tm->td", X, y), np.einsum("tm,tm->t", y, y)
    batch = finetune_step(S, g, yy, B, m, radius=0.2)
    old = _finetune_batched(S, g, yy, B, m, radius=0.2)
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(batch, field), getattr(old, field))
    for t in range(T):  # each task alone takes the lean path: same answer
        one = finetune_step(S[t:t + 1], g[t:t + 1], yy[t:t + 1], B, m, radius=0.2)
        sliced = type(batch)(*(getattr(batch, f)[t:t + 1] for f in FIELDS))
        _assert_same(one, sliced, yy, m, B=B)
    pen = finetune_step(S[:1], g[:1], yy[:1], B, m, penalty=0.3)
    pen_old = _finetune_batched(S[:1], g[:1], yy[:1], B, m, penalty=0.3)
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(pen, field), getattr(pen_old, field))


def test_fallbacks_keep_the_eigendecomposition_conventions():
    d, k, m = 12, 2, 30
    X, y, B = _data(5, d, k, m)
    # (a) y fit exactly by the frame: b is rounding noise (the old path's hard-case conventions apply).
    y_fit = X @ (B @ np.array([1.0, -2.0]))
    S, g, yy = _stats(X, y_fit)
    assert _finetune_single(S, g, yy, B, m, 0.3) is None
    _assert_same(finetune_step(S, g, yy, B, m, radius=0.3), _finetune_batched(S, g, yy, B, m, radius=0.3), yy, m)
    # (b) nearly collinear head columns (cond(B'SB) ~ 1e10): pseudo-inverse conventions.
    v = B[:, 0] - B[:, 1]
    Xc = X - np.outer(X @ v, v) / (v @ v) * (1 - 1e-5)
    S, g, yy = _stats(Xc, y)
    assert _finetune_single(S, g, yy, B, m, 0.3) is None
    _assert_same(finetune_step(S, g, yy, B, m, radius=0.3), _finetune_batched(S, g, yy, B, m, radius=0.3), yy, m)
    # (c) other dtypes, radius given as an array: not the lean path, same answer.
    S, g, yy = _stats(X, y)
    assert _finetune_single(S.astype(np.float32), g, yy, B, m, 0.3) is None
    assert _finetune_single(S, g, yy, B, m, np.array([0.3])) is None
    # (d) errors as before.
    with pytest.raises(ValueError):
        finetune_step(S, g, yy, B, m, radius=-1.0)
    with pytest.raises(ValueError):
        finetune_step(S, g, yy, B, m, radius=0.3, penalty=0.1)
    with pytest.raises(ValueError):
        finetune_step(S, g, yy, B, m)


@pytest.mark.parametrize("eps", [1e-7, 1e-4, -1e-4, -1e-7])
@pytest.mark.parametrize("d,k,m", [(12, 2, 6), (20, 3, 20), (40, 4, 80)])
def test_nearly_hard_radius_at_the_unconstrained_norm(d, k, m, eps):
    # r within a relative eps of ||A^+ b||: the multiplier is (nearly) 0 on either side; with
    # m < d, A is singular and the interior solution is the minimum-norm one.
    X, y, B = _data(6, d, k, m)
    S, g, yy = _stats(X, y)
    r = (1 + eps) * _free_norm(S, g, yy, B, m)
    _check_step(S, g, yy, B, m, r, tol=1e-8)


def _psd(rng, d, rank):
    Z = rng.standard_normal((rank, d))
    return Z.T @ Z / rank


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("d", [3, 20, 64])
def test_solve_psd_trust_region_matches_solve_trust_region(d, seed):
    rng = np.random.default_rng(seed)
    A = _psd(rng, d, 2 * d)
    b = A @ rng.standard_normal(d)
    free = float(np.linalg.norm(np.linalg.solve(A, b)))
    for r in (0.01 * free, 0.7 * free, 1.5 * free):
        fast = solve_psd_trust_region(A, b, r)
        assert fast is not None
        ref = solve_trust_region(A, b, r)
        np.testing.assert_allclose(fast.x, ref.x, rtol=0, atol=1e-10 * max(1.0, np.abs(ref.x).max()))
        assert fast.on_boundary == bool(ref.on_boundary)
        assert fast.multiplier == pytest.approx(float(ref.multiplier), rel=1e-8, abs=1e-12)
    zero = solve_psd_trust_region(A, b, 0.0)
    assert np.all(zero.x == 0) and zero.on_boundary
    none = solve_psd_trust_region(A, np.zeros(d), 1.0)
    assert np.all(none.x == 0) and not none.on_boundary
    with pytest.raises(ValueError):
        solve_psd_trust_region(A, b, -1.0)


@pytest.mark.parametrize("seed", range(4))
def test_solve_psd_trust_region_singular_and_indefinite(seed):
    rng = np.random.default_rng(seed)
    d = 15
    A = _psd(rng, d, 6)  # singular, b in the range: the interior answer is the minimum-norm A^+ b
    b = A @ rng.standard_normal(d)
    free = float(np.linalg.norm(np.linalg.pinv(A) @ b))
    assert solve_psd_trust_region(A, b, 2 * free, singular=True) is None
    inside = solve_psd_trust_region(A, b, 2 * free)  # not flagged: must not return a non-minimum-norm point
    assert inside is None or np.allclose(inside.x, np.linalg.pinv(A) @ b, atol=1e-9)
    active = solve_psd_trust_region(A, b, 0.3 * free, singular=True)
    ref = solve_trust_region(A, b, 0.3 * free)
    if active is not None:
        np.testing.assert_allclose(active.x, ref.x, atol=1e-9 * max(1.0, np.abs(ref.x).max()))
    # Indefinite A (outside the contract): any certified answer is still a global minimiser.
    Ai = A - 0.5 * np.eye(d)
    for r in (0.1, 1.0, 10.0):
        out = solve_psd_trust_region(Ai, b, r)
        if out is not None:
            ref = solve_trust_region(Ai, b, r)
            assert tr.quadratic_value(Ai, b, out.x) == pytest.approx(float(tr.quadratic_value(Ai, b, ref.x)),
                                                                      rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_krylov_multiplier_is_a_lower_bound_increasing_in_the_dimension(seed):
    rng = np.random.default_rng(seed)
    d = 40
    A = _psd(rng, d, int(rng.choice([20, 40, 200])))
    b = rng.standard_normal(d)
    b = A @ b if seed % 2 else b - 0.0
    bn = float(np.linalg.norm(b))
    r = float(rng.uniform(0.01, 0.5)) * bn / float(np.linalg.eigvalsh(A)[-1])
    mu_star = float(solve_trust_region(A, b, r).multiplier)
    previous = 0.0
    for j in (1, 2, 3, 5, 8, 12):
        alpha, beta = tr._lanczos(A, b, bn, j)
        mu_j, theta_max = tr._gauss_multiplier(alpha, beta, bn, r)
        assert mu_j <= mu_star * (1 + 1e-10)
        assert mu_j >= previous * (1 - 1e-10)
        assert theta_max <= float(np.linalg.eigvalsh(A)[-1]) * (1 + 1e-10)
        previous = mu_j


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(2, 14), k_frac=st.floats(0.0, 0.99),
       m_mult=st.floats(0.3, 4.0), log_r=st.floats(-4.0, 2.0), noise=st.sampled_from([0.0, 0.1, 1.0]))
def test_property_lean_path_equals_eigendecomposition_path(seed, d, k_frac, m_mult, log_r, noise):
    k = 1 + int(k_frac * (d - 1))
    m = max(1, int(m_mult * d))
    X, y, B = _data(seed, d, k, m, noise=noise)
    S, g, yy = _stats(X, y)
    r = 10.0 ** log_r
    # cond(S) is unbounded at m ~ d: compare at the accuracy both paths have.
    lean, _ = _check_step(S, g, yy, B, m, r, tol=1e-7)
    if lean is not None:
        assert np.linalg.norm(lean.delta[0]) <= r * (1 + 1e-9)
        assert np.linalg.norm(B.T @ lean.delta[0]) <= 1e-7 * max(1.0, np.linalg.norm(lean.delta[0]))
