"""Gradient-descent fine-tuning: the recorded reach, the path, the learners (linear and logistic)."""

import numpy as np
import pytest

from simulations import make_learner, make_setting, run_monte_carlo
from simulations.losses import LogisticLoss, SquaredLoss
from simulations.seeding import generator
from simulations.solvers.gradient_descent import features, gd_finetune, smoothness


def _data(seed, m=30, d=8, k=2, logistic=False):
    rng = np.random.default_rng(seed)
    B = np.linalg.qr(rng.standard_normal((d, k)))[0]
    X = rng.standard_normal((m, d))
    theta = B @ rng.standard_normal(k) + 0.3 * rng.standard_normal(d)
    if logistic:
        y = np.where(rng.random(m) < 1 / (1 + np.exp(-X @ theta)), 1.0, -1.0)
    else:
        y = X @ theta + rng.standard_normal(m)
    return rng, X, y, B


@pytest.mark.parametrize("loss", [SquaredLoss(), LogisticLoss()], ids=["squared", "logistic"])
def test_gradient_matches_finite_differences(loss):
    rng, X, y, B = _data(1, logistic=loss.name == "logistic")
    Z = features(X, B)
    u = rng.standard_normal(Z.shape[1]) * 0.3
    F = lambda v: np.mean(loss.value(Z @ v, y))  # noqa: E731
    grad = Z.T @ loss.d1(Z @ u, y) / X.shape[0]
    h = 1e-6
    fd = np.array([(F(u + h * e) - F(u - h * e)) / (2 * h) for e in np.eye(u.size)])
    np.testing.assert_allclose(grad, fd, atol=1e-7)
    # the second derivative the smoothness bound uses
    z = rng.standard_normal(50)
    yy = np.sign(rng.standard_normal(50)) if loss.name == "logistic" else rng.standard_normal(50)
    fd2 = (loss.d1(z + h, yy) - loss.d1(z - h, yy)) / (2 * h)
    np.testing.assert_allclose(loss.d2(z, yy), fd2, atol=1e-6)


@pytest.mark.parametrize("loss", [SquaredLoss(), LogisticLoss()], ids=["squared", "logistic"])
@pytest.mark.parametrize("steps", [0, 1, 7, 40])
def test_reach_bounds_the_displacement_and_the_perturbation(loss, steps):
    rng, X, y, B = _data(2, logistic=loss.name == "logistic")
    eta = 1.0 / smoothness(X, B, loss)
    w0 = rng.standard_normal(2)
    path = gd_finetune(X, y, B, loss, w0, steps=steps, step_size=eta, head_bound=1.5 * np.linalg.norm(w0))
    assert np.linalg.norm(path.delta) <= path.displacement + 1e-12
    assert path.displacement <= path.reach + 1e-12  # ||u_s - u_0|| <= eta s G
    assert path.reach == pytest.approx(eta * steps * path.grad_bound)
    assert path.monotone  # eta = 1/beta: the descent lemma holds
    assert np.linalg.norm(path.w) <= 1.5 * np.linalg.norm(w0) * (1 + 1e-12)
    if steps == 0:
        assert path.displacement == 0 and path.reach == 0
        np.testing.assert_array_equal(path.w, w0)


def test_too_large_a_step_is_not_monotone():
    # power of the monotonicity flag: a step 4/beta on a quadratic overshoots
    rng, X, y, B = _data(3)
    eta = 4.0 / smoothness(X, B, SquaredLoss())
    path = gd_finetune(X, y, B, SquaredLoss(), np.zeros(2), steps=10, step_size=eta)
    assert not path.monotone


def test_many_steps_reach_the_least_squares_fit():
    # squared loss, no head bound: GD from (w0, 0) converges to a minimiser of ||y - Z u||^2/m
    rng, X, y, B = _data(4, m=60)
    path = gd_finetune(X, y, B, SquaredLoss(), np.zeros(2), steps=5000, step_size=1.0 / smoothness(X, B, SquaredLoss()))
    theta_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(path.theta, theta_ls, atol=1e-6)


@pytest.mark.parametrize("setting", ["linear", "logistic"])
def test_gd_finetune_learner_columns(setting):
    params = dict(d=8, k=2, T=6, n=30, m=25, delta0=0.2)
    frame = run_monte_carlo(setting, ["gd-finetune"], params, reps=3, seed=1,
                            learner_params={"gd-finetune": {"steps": 5}})
    assert (frame.gd_steps == 5).all()
    assert (frame.displacement <= frame.gd_radius + 1e-12).all()
    assert np.allclose(frame.gd_radius, frame.gd_radius.clip(lower=0))
    assert frame.excess_risk.notna().all() and (frame.excess_risk >= 0).all()
    # other learners have NaN in these columns
    other = run_monte_carlo(setting, ["oracle"], params, reps=1, seed=1)
    assert other.gd_radius.isna().all()


def test_gd_finetune_with_zero_steps_is_the_head_fit_of_its_source():
    s = make_setting("logistic", dict(d=8, k=2, T=6, n=30, m=25, delta0=0.2))
    truth, src = s.draw_sources(generator(np.random.SeedSequence(0)))
    _, data = s.draw_target(generator(np.random.SeedSequence(1)), truth, None)
    gd = make_learner("gd-finetune", s, truth, {"steps": 0, "source": "frozenrep"}).fit(src).adapt(data)
    fr = make_learner("frozenrep", s, truth).fit(src).adapt(data)
    np.testing.assert_allclose(gd.theta_, fr.theta_, atol=1e-7)
    # and with steps the predictor moves
    gd5 = make_learner("gd-finetune", s, truth, {"steps": 5, "source": "frozenrep"}).fit(src).adapt(data)
    assert np.linalg.norm(gd5.theta_ - fr.theta_) > 1e-4


def test_gd_finetune_oracle_source_uses_the_true_frame():
    s = make_setting("linear", dict(d=8, k=2, T=6, n=30, m=25))
    truth, src = s.draw_sources(generator(np.random.SeedSequence(0)))
    gd = make_learner("gd-finetune", s, truth, {"source": "oracle"}).fit(src)
    assert np.allclose(np.abs(gd.representation_.T @ truth.frame), np.eye(2), atol=1e-12) or \
        np.linalg.matrix_rank(np.column_stack([gd.representation_, truth.frame]), tol=1e-8) == 2
