"""The source fit's constrained step on per-task spectra equals the exact step from scratch.

:class:`ConstrainedStepper` (one eigendecomposition per task, Woodbury per
multiplier) must return the same solution as
:func:`~simulations.solvers.finetune.finetune_step` (profiled head, one
``eigh`` per task and frame), whatever the frame, the order of the calls
(it warm-starts each task's multiplier from the previous call) and the mix
of interior, boundary and singular tasks; and the source fit built on it
must follow the same path as the fit built on ``finetune_step``.
"""


import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from simulations import make_setting
from simulations.seeding import generator
from simulations.solvers.finetune import finetune_step, mean_squared_error
from simulations.solvers.linalg import orthonormal_frame, sym_pinv
from simulations.solvers.shared_frame import fit_shared_frame
from simulations.solvers.spectral import initial_frames, per_task_estimates
from simulations.solvers.task_spectra import ConstrainedStepper, PenalizedStepper, task_spectra


def _stats(d, k, T, n, seed=0, delta0=0.5, sigma=1.0):
    s = make_setting("linear", dict(d=d, k=k, T=T, n=n, m=5, delta0=delta0, sigma=sigma))
    truth, src = s.draw_sources(generator(np.random.SeedSequence(seed)))
    return truth, src.gram, src.cross, src.energy


@pytest.fixture
def fallbacks(monkeypatch):
    """Sizes of the batches the steppers hand to ``finetune_step`` (their fallback), in call order."""
    import simulations.solvers.task_spectra as ts

    calls = []
    real = ts.finetune_step
    monkeypatch.setattr(ts, "finetune_step", lambda S, *a, **kw: calls.append(S.shape[0]) or real(S, *a, **kw))
    return calls


def _assert_same(a, b, rtol=1e-9):
    scale = max(1.0, np.abs(b.theta).max())
    np.testing.assert_allclose(a.theta, b.theta, rtol=0, atol=rtol * scale)
    np.testing.assert_allclose(a.w, b.w, rtol=0, atol=rtol * scale)
    np.testing.assert_allclose(a.delta, b.delta, rtol=0, atol=rtol * scale)
    np.testing.assert_allclose(a.objective, b.objective, rtol=1e-11, atol=1e-13)
    np.testing.assert_array_equal(a.on_boundary, b.on_boundary)


# n > d, n = d (ill-conditioned S_t), n < d (every S_t singular), and small radii.
@pytest.mark.parametrize("d,k,T,n,radius", [
    (12, 3, 20, 40, 0.3), (20, 2, 15, 20, 0.2), (12, 2, 10, 8, 0.3), (30, 4, 10, 200, 0.05), (15, 3, 25, 30, 2.0),
])
def test_stepper_equals_the_exact_step(d, k, T, n, radius, fallbacks):
    truth, S, g, yy = _stats(d, k, T, n)
    stepper = ConstrainedStepper(S, g, yy, n, radius, task_spectra(S))
    rng = np.random.default_rng(1)
    for noise in (0.0, 0.1, 1.0, 10.0):  # frames near the truth and random ones
        B = orthonormal_frame(truth.frame + noise * rng.standard_normal((d, k)))
        sol = stepper(B)
        # Every task on the spectra (a fallback would hide a fault), except interior singular ones.
        interior_singular = int(np.sum(~sol.on_boundary & stepper.singular))
        assert sum(fallbacks) == interior_singular
        fallbacks.clear()
        _assert_same(sol, finetune_step(S, g, yy, B, n, radius=radius))


def test_stepper_handles_interior_boundary_and_singular_tasks_together():
    truth, S, g, yy = _stats(10, 2, 12, 30, delta0=0.3)
    # Make two tasks singular (rank-deficient S_t), and one interior (its data fit by a frame vector).
    S = S.copy()
    g = g.copy()
    for t in (3, 7):
        U = np.linalg.qr(np.random.default_rng(t).standard_normal((10, 6)))[0]
        S[t] = U @ np.diag(np.arange(1.0, 7.0)) @ U.T
    B = orthonormal_frame(truth.frame)
    v = np.random.default_rng(5).standard_normal(10)
    g[5] = S[5] @ (B @ np.array([1.0, -2.0]) + 0.1 * v / np.linalg.norm(v))  # ||P S^-1 g|| <= 0.1 < r
    spectra = task_spectra(S)
    assert not spectra.nonsingular[3] and not spectra.nonsingular[7] and spectra.nonsingular.sum() == 10
    stepper = ConstrainedStepper(S, g, yy, 30, 0.3, spectra)
    sol = stepper(B)
    ref = finetune_step(S, g, yy, B, 30, radius=0.3)
    _assert_same(sol, ref)
    assert not sol.on_boundary[5] and sol.on_boundary.sum() >= 8
    # Data fit exactly by the frame (b = 0 after profiling): the exact step may return any
    # perturbation along col(B) up to the radius (it does: the trust-region "hard case"); the
    # stepper returns the minimum-norm one, delta = 0.  Same predictor, same objective.
    g[5] = S[5] @ (B @ np.array([1.0, -2.0]))
    sol = ConstrainedStepper(S, g, yy, 30, 0.3, spectra)(B)
    ref = finetune_step(S, g, yy, B, 30, radius=0.3)
    np.testing.assert_allclose(sol.theta[5], ref.theta[5], atol=1e-9)
    np.testing.assert_allclose(sol.objective[5], ref.objective[5], atol=1e-12)
    np.testing.assert_allclose(sol.delta[5], 0.0, atol=1e-9)


def test_warm_starts_change_the_work_not_the_solution():
    truth, S, g, yy = _stats(15, 3, 20, 30)
    rng = np.random.default_rng(2)
    frames = [orthonormal_frame(truth.frame + s * rng.standard_normal((15, 3))) for s in (0.0, 0.3, 3.0)]
    spectra = task_spectra(S)
    forward = ConstrainedStepper(S, g, yy, 30, 0.5, spectra)
    backward = ConstrainedStepper(S, g, yy, 30, 0.5, spectra)
    first = [forward(B) for B in frames]
    second = [backward(B) for B in frames[::-1]][::-1]
    for a, b in zip(first, second):
        _assert_same(a, b, rtol=1e-11)
    # The same frame again: the stored multipliers are the roots, one evaluation confirms them.
    before = forward.evaluations
    forward(frames[-1])
    assert forward.evaluations - before == 1


@pytest.mark.parametrize("seed,step", [(3, dict(radius=0.5)), (5, dict(penalty=0.05))])
def test_fit_follows_the_same_path_as_with_the_exact_step(seed, step):
    truth, S, g, yy = _stats(20, 3, 30, 40, seed=seed)
    spectra = task_spectra(S)
    inits = initial_frames(S, g, 3, 40, "spectral", spectra=spectra)
    fast = fit_shared_frame(S, g, yy, 40, inits, spectra=spectra, **step)
    # Every step by finetune_step, the method before the spectra.
    slow = fit_shared_frame(S, g, yy, 40, inits, steps="scratch", **step)
    assert fast.n_iter == slow.n_iter
    np.testing.assert_allclose(fast.history, slow.history, rtol=1e-10)
    np.testing.assert_allclose(fast.frame @ fast.frame.T, slow.frame @ slow.frame.T, atol=1e-8)
    assert np.all(np.diff(fast.history) <= 1e-12 * fast.history[:-1])


def test_pinv_solve_matches_sym_pinv_including_singular_tasks():
    _, S, g, _ = _stats(12, 2, 10, 8)  # n < d: every S_t singular
    spectra = task_spectra(S)
    expected = np.einsum("tij,tj->ti", sym_pinv(S), g)
    np.testing.assert_allclose(spectra.pinv_solve(g), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(per_task_estimates(S, g, spectra), per_task_estimates(S, g), rtol=1e-10, atol=1e-12)
    assert not spectra.nonsingular.any()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(2, 9), k=st.integers(1, 3), extra=st.integers(0, 12),
       radius=st.floats(1e-3, 3.0), frame_noise=st.floats(0.0, 5.0))
def test_stepper_equals_the_exact_step_property(seed, d, k, extra, radius, frame_noise):
    k = min(k, d - 1) if d > 1 else 1
    rng = np.random.default_rng(seed)
    T, n = 4, d + extra
    X = rng.standard_normal((T, n, d)) * rng.uniform(0.1, 3.0, size=(T, 1, d))
    theta = rng.standard_normal((T, d))
    y = np.einsum("tnd,td->tn", X, theta) + rng.standard_normal((T, n))
    S, g, yy = X.transpose(0, 2, 1) @ X, np.einsum("tnd,tn->td", X, y), np.sum(y * y, axis=1)
    B = orthonormal_frame(np.eye(d)[:, :k] + frame_noise * rng.standard_normal((d, k)))
    sol = ConstrainedStepper(S, g, yy, n, radius, task_spectra(S))(B)
    ref = finetune_step(S, g, yy, B, n, radius=radius)
    # The objective is what both minimise: equal to rounding, and the solution feasible.
    np.testing.assert_allclose(sol.objective, ref.objective, rtol=1e-9, atol=1e-12)
    assert np.all(np.linalg.norm(sol.delta, axis=1) <= radius * (1 + 1e-10))
    np.testing.assert_allclose(sol.delta @ B, 0.0, atol=1e-9 * max(1.0, np.abs(sol.theta).max()))


def test_kkt_certificate_rejects_a_perturbed_solution_and_uncertified_tasks_fall_back(monkeypatch):
    import simulations.solvers.task_spectra as ts

    truth, S, g, yy = _stats(15, 3, 12, 30)
    stepper = ConstrainedStepper(S, g, yy, 30, 0.3, task_spectra(S))
    B = orthonormal_frame(truth.frame)
    C = np.matmul(stepper.Vt, B)
    idx = np.arange(12)
    th, mu, done = stepper._root(C, idx)
    assert done.all() and ts._certified(stepper.s, stepper.gh, C, th, mu).all()
    bad = th.copy()
    bad[4] *= 1 + 1e-8
    assert not ts._certified(stepper.s, stepper.gh, C, bad, mu)[4]
    # Every task uncertified: the answer is finetune_step's, bit for bit (the certified
    # answer differs from it by rounding, so this also shows that the fallback ran).
    ref = finetune_step(S, g, yy, B, 30, radius=0.3)
    assert not np.array_equal(stepper(B).theta, ref.theta)
    monkeypatch.setattr(ts, "_certified", lambda s, gh, C, th, mu: np.zeros(len(mu), dtype=bool))
    fallback = ConstrainedStepper(S, g, yy, 30, 0.3, task_spectra(S))(B)
    for field in ("w", "delta", "theta", "objective", "on_boundary"):
        np.testing.assert_array_equal(getattr(fallback, field), getattr(ref, field))


def test_singular_tasks_on_the_boundary_use_the_spectra(fallbacks):
    # n < d: every S_t singular.  Boundary tasks are solved on the spectra (multipliers above a
    # floor), not from scratch; interior ones (a minimum-norm convention) from scratch.
    truth, S, g, yy = _stats(20, 2, 12, 10, delta0=0.3)
    spectra = task_spectra(S)
    assert not spectra.nonsingular.any()
    B = orthonormal_frame(truth.frame)
    calls = fallbacks
    stepper = ConstrainedStepper(S, g, yy, 10, 0.3, spectra)
    sol = stepper(B)
    _assert_same(sol, finetune_step(S, g, yy, B, 10, radius=0.3))
    assert sol.on_boundary.all() and calls == [] and stepper.evaluations > 0
    # A radius no task reaches: all interior, all from scratch.
    big = ConstrainedStepper(S, g, yy, 10, 1e6, spectra)
    _assert_same(big(B), finetune_step(S, g, yy, B, 10, radius=1e6))
    assert calls == [12]


def test_unknown_steps_are_rejected():
    truth, S, g, yy = _stats(6, 2, 4, 20)
    with pytest.raises(ValueError, match="parameter 'steps' must be one of 'spectra', 'scratch'"):
        fit_shared_frame(S, g, yy, 20, [truth.frame], radius=0.1, steps="eigh")


# Penalised form: n > d, n = d, n < d, a penalty that makes about half the tasks head-only, and a tiny one.
@pytest.mark.parametrize("d,k,T,n,penalty", [
    (12, 3, 20, 40, 0.1), (20, 2, 15, 20, 0.05), (12, 2, 10, 8, 0.1), (15, 2, 20, 40, 1.5), (10, 2, 10, 60, 1e-4),
])
def test_penalized_stepper_equals_the_exact_step(d, k, T, n, penalty, fallbacks):
    truth, S, g, yy = _stats(d, k, T, n)
    stepper = PenalizedStepper(S, g, yy, n, penalty, task_spectra(S))
    rng = np.random.default_rng(3)
    for noise in (0.0, 0.3, 3.0):
        B = orthonormal_frame(truth.frame + noise * rng.standard_normal((d, k)))
        sol = stepper(B)
        assert fallbacks == []  # every task solved on the spectra (a fallback would hide a fault)
        ref = finetune_step(S, g, yy, B, n, penalty=penalty)
        _assert_same(sol, ref)
        # The reported objective includes the penalty.
        np.testing.assert_allclose(
            sol.objective, mean_squared_error(S, g, yy, sol.theta, n) + penalty * np.linalg.norm(sol.delta, axis=1),
            rtol=1e-9, atol=1e-12)
