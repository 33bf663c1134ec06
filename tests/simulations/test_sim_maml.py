"""MAML: exact meta-gradients, the first-order variant, the learners on the hard cases.

Statistical decision rule: a paired mean difference D is declared positive when
mean(D) > Z SE(D), Z = 5 (one-sided level about 3e-7 under the CLT; seeds fixed).
"""

import math

import numpy as np
import pytest

from simulations import run_monte_carlo
from simulations.losses import LogisticLoss, SquaredLoss
from simulations.solvers.maml import fit_maml, maml_objective_and_grad, split_support_query

Z = 5.0


def _tasks(loss, seed=0, T=3, n=12, nq=8, d=5):
    rng = np.random.default_rng(seed)
    Xs, Xq = rng.standard_normal((T, n, d)), rng.standard_normal((T, nq, d))
    if loss.name == "logistic":
        ys, yq = np.sign(rng.standard_normal((T, n))), np.sign(rng.standard_normal((T, nq)))
    else:
        ys, yq = rng.standard_normal((T, n)), rng.standard_normal((T, nq))
    return rng, Xs, ys, Xq, yq


@pytest.mark.parametrize("loss", [SquaredLoss(), LogisticLoss()], ids=["squared", "logistic"])
@pytest.mark.parametrize("steps", [1, 3])
def test_second_order_meta_gradient_matches_finite_differences(loss, steps):
    rng, Xs, ys, Xq, yq = _tasks(loss)
    d, k = 5, 2
    B, wb = 0.5 * rng.standard_normal((d, k)), 0.5 * rng.standard_normal(k)
    _, gB, gw = maml_objective_and_grad(Xs, ys, Xq, yq, B, wb, loss, steps, 0.1, "second")
    f = lambda B_, w_: maml_objective_and_grad(Xs, ys, Xq, yq, B_, w_, loss, steps, 0.1)[0]  # noqa: E731
    h = 1e-6
    fdB = np.zeros_like(B)
    for i in range(d):
        for j in range(k):
            E = np.zeros_like(B)
            E[i, j] = h
            fdB[i, j] = (f(B + E, wb) - f(B - E, wb)) / (2 * h)
    fdw = np.array([(f(B, wb + h * e) - f(B, wb - h * e)) / (2 * h) for e in np.eye(k)])
    np.testing.assert_allclose(gB, fdB, atol=1e-8)
    np.testing.assert_allclose(gw, fdw, atol=1e-8)
    # the first-order approximation is a different vector (the comparison has power)
    _, gB1, gw1 = maml_objective_and_grad(Xs, ys, Xq, yq, B, wb, loss, steps, 0.1, "first")
    assert np.abs(gB1 - fdB).max() > 1e-4


def test_split_support_query():
    X, y = np.zeros((2, 10, 3)), np.zeros((2, 10))
    Xs, ys, Xq, yq = split_support_query(X, y, 0.3)
    assert Xs.shape == (2, 7, 3) and Xq.shape == (2, 3, 3)
    assert split_support_query(X[:, :2], y[:, :2], 0.9)[2].shape[1] == 1  # at least one of each


def test_fit_maml_decreases_the_meta_objective():
    rng, Xs, ys, Xq, yq = _tasks(SquaredLoss(), T=6, n=20, nq=20)
    X, y = np.concatenate([Xs, Xq], axis=1), np.concatenate([ys, yq], axis=1)
    B0 = np.linalg.qr(rng.standard_normal((5, 2)))[0]
    start = maml_objective_and_grad(Xs, ys, Xq, yq, B0, np.zeros(2), SquaredLoss(), 3, 0.05)[0]
    fit = fit_maml(X, y, SquaredLoss(), B0, steps=3, alpha=0.05, max_iter=300)
    assert fit.objective < start
    assert np.linalg.norm(fit.B, 2) <= 1 + 1e-9
    np.testing.assert_allclose(fit.frame.T @ fit.frame, np.eye(2), atol=1e-10)


def test_maml_beats_frozenrep_on_the_linear_hard_case():
    frame = run_monte_carlo("linear-hard", ["maml", "frozenrep"], dict(d=10, k=2, T=20, n=50, m=40),
                            reps=15, seed=2)
    wide = frame.pivot(index="rep", columns="learner", values="excess_risk")
    diff = wide.frozenrep - 2 * wide.maml
    assert diff.mean() > Z * diff.std(ddof=1) / math.sqrt(len(diff)), wide.mean()
    assert (frame.loc[frame.learner == "maml", "gd_steps"] == 10).all()


def test_network_fomaml_runs_and_records_the_target_path():
    frame = run_monte_carlo("network-hard", ["maml"],
                            dict(d=7, k=2, T=6, n=40, m=30, sigma=0.5, head_scale=2.0, test_size=500), reps=3, seed=0)
    assert np.isfinite(frame.excess_risk).all() and (frame.displacement <= frame.gd_radius + 1e-12).all()
