"""The logistic fine-tuning step (predictor-space Newton method) against cvxpy, the barrier method and KKT.

Every configuration of the two ball constraints is covered (both inactive,
perturbation only, both active, separable data, ``r = 0``, ``c_w = inf``,
no frame), plus batches of differing tasks, the barrier fallback, the
duality-gap certificate and the analytic-centre split of interior optima.
Seeds are fixed.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.special import expit

from simulations.solvers import logistic_finetune as lf
from simulations.solvers.logistic_ball import interior_split, solve_logistic_ball
from simulations.solvers.logistic_finetune import ACTIVE_RTOL, logistic_finetune_step
from simulations.solvers.reference_logistic import logistic_finetune_cvxpy

INF = math.inf


def _instance(seed, m, d, k, scale_w=1.0, scale_d=0.0, separable=False, frame=True):
    rng = np.random.default_rng(seed)
    B = np.linalg.qr(rng.standard_normal((d, k)))[0] if frame else None
    theta = (B @ (scale_w * rng.standard_normal(k)) if frame else 0.0) + scale_d * rng.standard_normal(d)
    X = rng.standard_normal((m, d))
    if separable:
        y = np.where(X @ theta >= 0, 1.0, -1.0)
    else:
        y = np.where(rng.random(m) < expit(X @ theta), 1.0, -1.0)
    return X, y, B


#: name: (instance, c_w, r, head active, delta active)
CASES = {
    "interior": (dict(seed=1, m=300, d=5, k=2, scale_d=0.3), 10.0, 10.0, False, False),
    "delta-only": (dict(seed=2, m=200, d=8, k=2, scale_w=0.5, scale_d=1.0), 10.0, 0.1, False, True),
    "both": (dict(seed=3, m=60, d=10, k=3, scale_w=2.0, scale_d=0.5), 1.0, 0.2, True, True),
    "separable-both": (dict(seed=4, m=8, d=10, k=2, scale_w=2.0, scale_d=0.5, separable=True), 1.0, 0.5, True, True),
    "r0-head-active": (dict(seed=5, m=100, d=6, k=3, scale_w=3.0), 0.5, 0.0, True, True),
    "r0-head-inactive": (dict(seed=6, m=300, d=6, k=3, scale_w=0.5), 10.0, 0.0, False, True),
    "r0-unconstrained": (dict(seed=7, m=300, d=6, k=3, scale_w=0.5), INF, 0.0, False, True),
    "r0-separable": (dict(seed=8, m=3, d=6, k=3, separable=True), 2.0, 0.0, True, True),
    "free-head": (dict(seed=9, m=200, d=8, k=2, scale_d=1.0), INF, 0.1, False, True),
    "free-head-interior": (dict(seed=10, m=300, d=5, k=2, scale_d=0.3), INF, 10.0, False, False),
    "no-frame-active": (dict(seed=11, m=30, d=10, k=1, scale_d=1.0, frame=False), INF, 0.5, False, True),
    "no-frame-inactive": (dict(seed=12, m=300, d=5, k=1, scale_d=0.5, frame=False), INF, 10.0, False, False),
    "no-frame-separable": (dict(seed=13, m=6, d=12, k=1, scale_d=1.0, separable=True, frame=False), INF, 2.0, False,
                           True),
}


def _gradient(X, y, theta):
    return -(X.T @ (y * expit(-y * (X @ theta)))) / len(y)


def _check_feasible_and_kkt(X, y, B, c, r, sol, i=0, tol=1.01e-6):
    """Feasibility, theta = B w + delta, and the KKT conditions, computed independently of the solver.

    Stationarity ``||g + mu n|| <= tol * max(1, ||g||)`` (``n`` the outward normal, ``mu >= 0``; the
    solver's target is 1e-6), and the Frank-Wolfe duality gap below 1e-10 (finite bounds).
    """
    w, dl, th = sol.w[i], sol.delta[i], sol.theta[i]
    np.testing.assert_allclose(th, (B @ w if B is not None else 0.0) + dl, atol=1e-12)
    assert np.linalg.norm(w) <= c * (1 + 1e-12)
    assert np.linalg.norm(dl) <= r * (1 + 1e-12)
    g = _gradient(X, y, th)
    if r == 0:  # head only: B^T g + lambda w = 0, lambda >= 0 (0 if ||w|| < c)
        g = B.T @ g
        lam = -g @ w / c**2 if sol.head_active[i] else 0.0
        assert lam >= -1e-10  # rounding
        residual = np.linalg.norm(g + lam * w)
    elif sol.delta_active[i]:  # g = -mu delta, mu >= 0 (the normal cone of the feasible predictors)
        mu = -g @ dl / r**2
        assert mu >= -1e-10  # rounding
        residual = np.linalg.norm(g + mu * dl)
    else:  # interior
        residual = np.linalg.norm(g)
    assert residual <= tol * max(1.0, np.linalg.norm(g))
    if B is not None and r > 0 and math.isfinite(c):
        gap = g @ th + c * np.linalg.norm(B.T @ g) + r * np.linalg.norm(g)
    elif B is not None and r == 0 and math.isfinite(c):
        gap = g @ w + c * np.linalg.norm(g)
    elif B is None:
        gap = g @ th + r * np.linalg.norm(g)
    else:
        gap = 0.0  # a free head: no Frank-Wolfe gap (the solver uses a corrected dual point)
    assert gap <= 1e-10 * max(1.0, sol.objective[i])


@pytest.mark.parametrize("name", CASES)
def test_matches_cvxpy_in_every_configuration(name):
    kwargs, c, r, head_active, delta_active = CASES[name]
    X, y, B = _instance(**kwargs)
    sol = logistic_finetune_step(X, y, B, head_bound=c, radius=r)
    theta_ref, value = logistic_finetune_cvxpy(X, y, B, head_bound=c, radius=r)
    assert sol.converged
    assert sol.objective[0] == pytest.approx(value, rel=1e-7)
    # the minimiser is unique here (strictly convex loss on the data span, or an active constraint)
    np.testing.assert_allclose(sol.theta[0], theta_ref, atol=1e-4 * max(1.0, np.linalg.norm(theta_ref)))
    assert sol.head_active[0] == head_active and sol.delta_active[0] == delta_active
    _check_feasible_and_kkt(X, y, B, c, r, sol)
    assert sol.n_newton <= 15  # the Newton method certified it (the barrier method takes ~40)


@pytest.mark.parametrize("name", CASES)
def test_agrees_with_the_barrier_method(name):
    kwargs, c, r, _, _ = CASES[name]
    X, y, B = _instance(**kwargs)
    sol = logistic_finetune_step(X, y, B, head_bound=c, radius=r)
    w, delta, value, _, converged = lf._barrier(X[None], y[None], B, c, r, 1e-10, None)
    assert converged
    # both are certified to 1e-10 relative (duality gaps); the values agree to that accuracy
    assert abs(sol.objective[0] - value[0]) <= 2e-10 * max(1.0, value[0])
    # and so do the splits, also for interior optima (analytic centre = the barrier path's limit)
    np.testing.assert_allclose(sol.w, w, atol=1e-3)
    np.testing.assert_allclose(sol.delta, delta, atol=1e-3)


def test_batch_of_different_tasks_equals_the_single_task_solves():
    # interior, both active, interior (larger inputs) and perturbation-only (separable) tasks, same (m, d, k)
    m, d, k = 60, 4, 2
    rng = np.random.default_rng(29)
    B = np.linalg.qr(rng.standard_normal((d, k)))[0]
    X = rng.standard_normal((4, m, d))
    y = np.sign(rng.standard_normal((4, m)))
    y[1] = np.where(rng.random(m) < expit(X[1] @ (3 * rng.standard_normal(d))), 1.0, -1.0)
    y[3] = np.where(X[3] @ rng.standard_normal(d) >= 0, 1.0, -1.0)
    X[2] *= 3.0
    c, r = 1.5, 0.4
    batch = logistic_finetune_step(X, y, B, head_bound=c, radius=r)
    assert batch.converged
    assert batch.head_active.tolist() == [False, True, False, False]
    assert batch.delta_active.tolist() == [False, True, False, True]
    for i in range(4):
        one = logistic_finetune_step(X[i], y[i], B, head_bound=c, radius=r)
        for field in ("w", "delta", "theta", "objective", "head_active", "delta_active"):
            np.testing.assert_allclose(getattr(batch, field)[i], getattr(one, field)[0], rtol=0, atol=1e-14)
        _check_feasible_and_kkt(X[i], y[i], B, c, r, batch, i)
        _, value = logistic_finetune_cvxpy(X[i], y[i], B, head_bound=c, radius=r)
        assert batch.objective[i] == pytest.approx(value, rel=1e-7)


def test_non_orthonormal_frame_is_solved_by_the_barrier_method():
    X, y, B = _instance(seed=21, m=40, d=8, k=2, scale_w=2.0, scale_d=0.5)
    B = B * np.array([2.0, 0.5])  # orthogonal columns, not normalised: ||w|| <= c is an ellipse in theta
    sol = logistic_finetune_step(X, y, B, head_bound=1.0, radius=0.3)
    _, value = logistic_finetune_cvxpy(X, y, B, head_bound=1.0, radius=0.3)
    assert sol.converged and sol.objective[0] == pytest.approx(value, rel=1e-7)
    assert sol.n_newton > 15  # the barrier path


def test_an_uncertified_task_falls_back_to_the_barrier_method(monkeypatch):
    X, y, B = _instance(**CASES["both"][0])
    c, r = CASES["both"][1:3]
    expected = logistic_finetune_step(X, y, B, head_bound=c, radius=r)
    calls = []

    def crippled(*args, **kwargs):  # one Newton step: never certified
        calls.append(1)
        return solve_logistic_ball(*args, **{**kwargs, "max_iter": 1})

    monkeypatch.setattr(lf, "solve_logistic_ball", crippled)
    sol = logistic_finetune_step(np.stack([X, X]), np.stack([y, y]), B, head_bound=c, radius=r)
    assert len(calls) == 2 and sol.converged
    np.testing.assert_allclose(sol.objective, expected.objective[0], rtol=1e-9)
    assert np.all(sol.head_active) and np.all(sol.delta_active)


def test_degenerate_data_are_still_solved():
    # repeated inputs with conflicting labels next to separable ones: the optimum has an
    # (almost) vanishing multiplier on the boundary; whatever path solves it, it is optimal
    rng = np.random.default_rng(9)
    d, k = 17, 4
    B = np.linalg.qr(rng.standard_normal((d, k)))[0]
    Xa = 5 * rng.standard_normal((10, d))
    ya = np.where(Xa @ rng.standard_normal(d) >= 0, 1.0, -1.0)
    X, y = np.vstack([Xa, Xa]), np.concatenate([ya, ya])
    y[:3] *= -1
    sol = logistic_finetune_step(X, y, B, head_bound=0.5, radius=5.0)
    _, value = logistic_finetune_cvxpy(X, y, B, head_bound=0.5, radius=5.0)
    assert sol.converged and sol.objective[0] == pytest.approx(value, rel=1e-7)
    assert np.linalg.norm(sol.w[0]) <= 0.5 * (1 + 1e-12) and np.linalg.norm(sol.delta[0]) <= 5.0 * (1 + 1e-12)


def test_separable_data_without_head_bound_approach_the_infimum():
    # c_w = inf and data separable inside the frame: no minimiser, the infimum is 0; the
    # returned objective is within tol of it
    X, y, B = _instance(seed=22, m=6, d=8, k=3, scale_w=2.0, separable=True)
    y = np.where(X @ B[:, 0] >= 0, 1.0, -1.0)
    sol = logistic_finetune_step(X, y, B, head_bound=INF, radius=0.1)
    assert sol.converged and sol.objective[0] <= 1e-10


def test_init_is_used_and_validated():
    kwargs, c, r, _, _ = CASES["both"]
    X, y, B = _instance(**kwargs)
    k = B.shape[1]
    ref = logistic_finetune_step(X, y, B, head_bound=c, radius=r)
    start = np.concatenate([0.5 * c * np.eye(k)[0], np.zeros(X.shape[1])])
    sol = logistic_finetune_step(X, y, B, head_bound=c, radius=r, init=start)
    assert sol.objective[0] == pytest.approx(ref.objective[0], rel=1e-10)
    with pytest.raises(ValueError, match="strictly feasible"):
        logistic_finetune_step(X, y, B, head_bound=c, radius=r, init=2 * c * start)
    with pytest.raises(ValueError, match="'radius'"):
        logistic_finetune_step(X, y, B, head_bound=c, radius=-1.0)
    with pytest.raises(ValueError, match="'head_bound'"):
        logistic_finetune_step(X, y, B, head_bound=0.0, radius=r)
    with pytest.raises(ValueError, match="nothing to fit"):
        logistic_finetune_step(X, y, None, radius=0.0)


def test_interior_split_is_the_analytic_centre():
    kwargs, c, r, _, _ = CASES["interior"]
    X, y, B = _instance(**kwargs)
    sol = logistic_finetune_step(X, y, B, head_bound=c, radius=r)
    a = B.T @ sol.theta[0]
    np.testing.assert_allclose(sol.w[0], a * (np.linalg.norm(sol.w[0]) / np.linalg.norm(a)), atol=1e-14)
    # s = ||w|| maximises log(c^2 - s^2) + log(r^2 - ||theta - B s a_hat||^2) along a_hat
    s = np.linspace(-c, c, 200_001)[1:-1]
    perp2 = np.linalg.norm(sol.theta[0] - B @ a) ** 2
    dist2 = perp2 + (np.linalg.norm(a) - s) ** 2
    ok = dist2 < r * r
    barrier = np.log(c * c - s[ok] ** 2) + np.log(r * r - dist2[ok])
    assert np.linalg.norm(sol.w[0]) == pytest.approx(s[ok][np.argmax(barrier)], abs=2 * c / 200_000)
    # the root finder itself, on a case with a closed form (c = r, no perpendicular part: s = alpha / 2)
    assert interior_split(0.8, 0.0, 1.0, 1.0) == pytest.approx(0.4, abs=1e-14)
    assert interior_split(0.0, 0.3, 1.0, 1.0) == 0.0


@pytest.mark.parametrize("c, r, frame", [(1.0, 0.2, True), (INF, 0.2, True), (INF, 1.5, False), (INF, INF, False)])
def test_duality_gap_bounds_the_suboptimality_along_the_iterations(c, r, frame):
    X, y, B = _instance(seed=23, m=50, d=6, k=2, scale_w=2.0, scale_d=0.5, frame=frame)
    best = solve_logistic_ball(X, y, B, c, r, tol=1e-13)
    assert best.certified
    gaps = []
    for it in range(1, 8):
        res = solve_logistic_ball(X, y, B, c, r, max_iter=it)
        if math.isfinite(res.gap):
            gaps.append(res.gap)
            assert res.objective - best.objective <= res.gap + 1e-15
    assert gaps and min(gaps) <= 1e-10


def test_benchmark_sized_step_takes_few_newton_steps():
    # the benchmark's instance shape (tests/benchmarks/test_bench_target_step.py)
    rng = np.random.default_rng(0)
    d, k, m = 20, 2, 40
    B = np.linalg.qr(rng.standard_normal((d, k)))[0]
    theta = B @ rng.standard_normal(k) + 0.5 * rng.standard_normal(d) / math.sqrt(d)
    X = rng.standard_normal((m, d))
    y = np.where(rng.random(m) < expit(X @ theta), 1.0, -1.0)
    sol = logistic_finetune_step(X, y, B, head_bound=2.0, radius=math.sqrt(k / d))
    assert sol.converged and sol.n_newton <= 8
    assert sol.head_active[0] and sol.delta_active[0]
    assert np.linalg.norm(sol.w[0]) >= 2.0 * (1 - ACTIVE_RTOL)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(2, 30), d=st.integers(1, 8), k=st.integers(1, 3),
       c=st.sampled_from([0.3, 1.0, 3.0, INF]), r=st.sampled_from([0.0, 0.05, 0.5, 2.0]),
       frame=st.booleans(), separable=st.booleans())
def test_property_optimal_feasible_and_as_good_as_the_barrier(seed, m, d, k, c, r, frame, separable):
    k = min(k, d)
    if not frame:
        r = max(r, 0.5)
    if frame and r > 0 and not math.isfinite(c) and separable:
        c = 3.0  # a separable task with a free head has no minimiser
    if frame and r == 0 and not math.isfinite(c):
        c = 3.0
    X, y, B = _instance(seed, m, d, k, scale_w=2.0, scale_d=0.5, separable=separable, frame=frame)
    sol = logistic_finetune_step(X, y, B, head_bound=c, radius=r)
    assert sol.converged
    _, _, value, _, converged = lf._barrier(X[None], y[None], B, c, r, 1e-10, None)
    if converged:
        assert abs(sol.objective[0] - value[0]) <= 3e-10 * max(1.0, value[0])
    _check_feasible_and_kkt(X, y, B, c, r, sol)
