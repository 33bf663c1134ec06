"""The ``logistic`` setting: quadrature risks, the convex target step, separability, learners.

Decision rule of the Monte Carlo comparisons: an exact value is accepted when
the independent Monte Carlo estimate lies within Z = 5 standard errors of it
(two-sided level about 6e-7 under the central limit theorem; seeds fixed);
each test also shows that a plausible wrong answer is rejected by the same
rule (power).
"""

import math

import numpy as np
import pytest

from simulations import make_learner, make_setting, run_monte_carlo
from simulations.losses import LogisticLoss
from simulations.quadrature import gaussian_pair_expectation, sphere_pair_expectation
from simulations.risk_logistic import (
    bernoulli_kl,
    logistic_excess_gaussian,
    logistic_excess_sphere,
    zero_one_excess_gaussian,
    zero_one_excess_sphere,
)
from simulations.seeding import generator
from simulations.settings.sampling import sphere_inputs
from simulations.solvers.logistic_finetune import logistic_finetune_step
from simulations.solvers.logistic_shared_frame import fit_logistic_frame
from simulations.solvers.reference_logistic import logistic_finetune_cvxpy

Z = 5.0
N_MC = 400_000


def _mc(values):
    values = np.asarray(values, dtype=float)
    return values.mean(), values.std(ddof=1) / math.sqrt(values.size)


def _pair(seed, d, scale=1.0):
    rng = np.random.default_rng(seed)
    theta = scale * rng.standard_normal(d) / math.sqrt(d) * 2
    theta_hat = theta + 0.7 * rng.standard_normal(d) / math.sqrt(d)
    return rng, theta, theta_hat


@pytest.mark.parametrize("d", [3, 8])
def test_gaussian_quadrature_matches_large_sample_monte_carlo(d):
    rng, theta, theta_hat = _pair(d, d)
    M = rng.standard_normal((d, d))
    Sigma = M @ M.T / d + np.eye(d)
    x = rng.standard_normal((N_MC, d)) @ np.linalg.cholesky(Sigma).T
    a, b = x @ theta, x @ theta_hat
    kl_mean, kl_se = _mc(bernoulli_kl(a, b))
    zo_mean, zo_se = _mc(np.tanh(np.abs(a) / 2) * (a * b < 0))
    kl, zo = logistic_excess_gaussian(theta_hat, theta, Sigma), zero_one_excess_gaussian(theta_hat, theta, Sigma)
    assert abs(kl_mean - kl) <= Z * kl_se, (kl_mean, kl, kl_se)
    assert abs(zo_mean - zo) <= Z * zo_se, (zo_mean, zo, zo_se)
    # power: the identity covariance, and the unweighted disagreement probability, are rejected
    assert abs(kl_mean - logistic_excess_gaussian(theta_hat, theta, np.eye(d))) > Z * kl_se
    assert abs(zo_mean - np.mean(a * b < 0)) > Z * zo_se


@pytest.mark.parametrize("d", [2, 3, 5, 12])
def test_sphere_quadrature_matches_large_sample_monte_carlo(d):
    rng, theta, theta_hat = _pair(100 + d, d, scale=1.5)
    R = math.sqrt(d)
    x = sphere_inputs(rng, (N_MC, d), R)
    a, b = x @ theta, x @ theta_hat
    kl_mean, kl_se = _mc(bernoulli_kl(a, b))
    zo_mean, zo_se = _mc(np.tanh(np.abs(a) / 2) * (a * b < 0))
    kl, zo = logistic_excess_sphere(theta_hat, theta, R), zero_one_excess_sphere(theta_hat, theta, R)
    assert abs(kl_mean - kl) <= Z * kl_se, (kl_mean, kl, kl_se)
    assert abs(zo_mean - zo) <= Z * zo_se, (zo_mean, zo, zo_se)
    if d <= 5:  # power: the Gaussian formula with the same covariance is a different number in low d
        assert abs(kl_mean - logistic_excess_gaussian(theta_hat, theta, np.eye(d))) > Z * kl_se


@pytest.mark.parametrize("d", [2, 3, 6])
def test_one_dimensional_reduction_equals_two_dimensional_quadrature(d):
    # the 1-D reductions (Stein / linear conditional mean) against the direct 2-D rules
    _, theta, theta_hat = _pair(200 + d, d)
    Sigma = np.diag(np.linspace(0.5, 1.5, d))
    direct = gaussian_pair_expectation(bernoulli_kl, np.column_stack([theta, theta_hat]).T @ Sigma
                                       @ np.column_stack([theta, theta_hat]))
    assert logistic_excess_gaussian(theta_hat, theta, Sigma) == pytest.approx(direct, abs=1e-10)
    polar = sphere_pair_expectation(bernoulli_kl, theta, theta_hat, 1.7)
    assert logistic_excess_sphere(theta_hat, theta, 1.7) == pytest.approx(polar, abs=1e-10)
    # power: swapping the roles of theta and theta_hat (KL is not symmetric) changes the value
    assert abs(logistic_excess_gaussian(theta, theta_hat, Sigma) - direct) > 1e-6


def test_quadrature_edge_cases():
    theta = np.array([1.0, -0.5, 0.3])
    assert logistic_excess_gaussian(theta, theta, np.eye(3)) == pytest.approx(0.0, abs=1e-12)
    assert logistic_excess_sphere(theta, theta, 2.0) == pytest.approx(0.0, abs=1e-12)
    assert zero_one_excess_gaussian(theta, theta, np.eye(3)) == 0.0
    assert zero_one_excess_sphere(2 * theta, theta, 2.0) == 0.0
    # theta_hat = -theta: every sign disagrees, 0-1 excess = E tanh(|a|/2)
    rng = np.random.default_rng(0)
    a = rng.standard_normal(N_MC) * np.linalg.norm(theta)
    mean, se = _mc(np.tanh(np.abs(a) / 2))
    assert abs(zero_one_excess_gaussian(-theta, theta, np.eye(3)) - mean) <= Z * se
    # d = 1 on the sphere: x = +-R
    assert logistic_excess_sphere(np.array([0.5]), np.array([1.0]), 2.0) == pytest.approx(
        float(bernoulli_kl(2.0, 1.0)), rel=1e-12)


def test_logistic_setting_draws():
    s = make_setting("logistic", dict(d=6, k=2, T=4000, n=30, m=10, delta0=0.4, inputs="sphere"))
    truth, src = s.draw_sources(generator(np.random.SeedSequence(0)))
    assert set(np.unique(src.y)) == {-1.0, 1.0}
    np.testing.assert_allclose(np.linalg.norm(src.X, axis=2), math.sqrt(6))
    np.testing.assert_allclose(np.linalg.norm(truth.perturbations, axis=1), 0.4)
    # labels follow sigmoid(x'theta): mean of y - (2 sigmoid - 1) is 0 within 5 SE; the flipped link is rejected
    p = 1 / (1 + np.exp(-np.einsum("tnd,td->tn", src.X, truth.thetas)))
    resid = src.y - (2 * p - 1)
    mean, se = _mc(resid.ravel() * np.sign(2 * p - 1).ravel())
    assert abs(mean) <= Z * se
    mean_wrong, _ = _mc((src.y + (2 * p - 1)).ravel() * np.sign(2 * p - 1).ravel())
    assert abs(mean_wrong) > Z * se
    assert s.params["R"] == pytest.approx(math.sqrt(6)) and s.params["c_w"] == 2.0


@pytest.mark.parametrize("bad, name", [
    ({"k": 7}, "'k'"), ({"inputs": "cube"}, "'inputs'"), ({"R": 2.0}, "'R'"),
    ({"c_w": 0.5}, "'c_w'"), ({"Sigma": np.eye(6), "inputs": "sphere"}, "'Sigma'"), ({"sigma": 1.0}, "'sigma'"),
    ({"heads": "equal"}, "'heads'"), ({"heads": "balanced", "T": 3}, "'T'"),
    ({"heads": "balanced", "T": 4, "head_condition": 2.0}, "'head_condition'"),
])
def test_logistic_validation_names_parameter(bad, name):
    with pytest.raises(ValueError, match=name):
        make_setting("logistic", {**dict(d=6, k=2, T=3, n=5, m=5), **bad})


@pytest.mark.parametrize("k, T", [(1, 5), (2, 8), (3, 6)])
def test_balanced_heads_have_equal_norms_and_exact_diversity(k, T):
    """heads='balanced': every source head has norm head_scale and (1/T) W W' = (h^2/k) I (so nu = h^2/k and a norm
    bound c_w = h holds for every task); the target is drawn as before, with head norm h."""
    s = make_setting("logistic", dict(d=6, k=k, T=T, n=5, m=5, heads="balanced", head_scale=1.3, c_w=1.3))
    truth, _ = s.draw_sources(generator(np.random.SeedSequence(1)))
    np.testing.assert_allclose(np.linalg.norm(truth.heads, axis=1), 1.3, rtol=1e-12)
    np.testing.assert_allclose(truth.heads.T @ truth.heads / T, 1.3 ** 2 / k * np.eye(k), atol=1e-12)
    assert truth.nu == pytest.approx(1.3 ** 2 / k, rel=1e-12)
    target, _ = s.draw_target(generator(np.random.SeedSequence(2)), truth, None)
    assert np.linalg.norm(target.head) == pytest.approx(1.3, rel=1e-12)
    # the default ('diverse') heads vary in norm: the reason for the option
    d_truth, _ = make_setting("logistic", dict(d=6, k=k, T=40, n=5, m=5)).draw_sources(generator(0))
    assert np.ptp(np.linalg.norm(d_truth.heads, axis=1)) > 0.05


def test_softplus_is_stable_and_equals_logaddexp():
    from simulations.losses import softplus

    z = np.concatenate([np.linspace(-50, 50, 1001), [-1e300, 1e300, 0.0, -0.0]])
    np.testing.assert_allclose(softplus(z), np.logaddexp(0.0, z), rtol=1e-14, atol=1e-300)
    assert softplus(np.inf) == np.inf and softplus(-np.inf) == 0.0 and np.isnan(softplus(np.nan))
    assert isinstance(softplus(1.0), float) and softplus(np.zeros((2, 3))).shape == (2, 3)


CASES = [  # (m, d, k, c_w, r): well-posed, separable (m < d), head bound active, r = 0, no head bound
    (40, 6, 2, 2.0, 0.3), (8, 10, 2, 1.0, 0.5), (30, 6, 2, 0.3, 0.2), (30, 5, 2, 1.5, 0.0), (50, 8, 3, np.inf, 0.4),
]


@pytest.mark.parametrize("m, d, k, c_w, r", CASES)
def test_logistic_target_step_matches_cvxpy(m, d, k, c_w, r):
    rng = np.random.default_rng(m * 100 + d)
    B = np.linalg.qr(rng.standard_normal((d, k)))[0]
    X = rng.standard_normal((m, d))
    y = np.where(rng.random(m) < 1 / (1 + np.exp(-X @ (2 * B @ rng.standard_normal(k)))), 1.0, -1.0)
    sol = logistic_finetune_step(X, y, B, head_bound=c_w, radius=r)
    _, value = logistic_finetune_cvxpy(X, y, B, head_bound=c_w, radius=r)
    assert sol.converged
    assert sol.objective[0] == pytest.approx(value, rel=1e-6, abs=1e-8)
    assert np.linalg.norm(sol.w[0]) <= c_w * (1 + 1e-9) and np.linalg.norm(sol.delta[0]) <= r * (1 + 1e-9) + 1e-15
    # optimality against random feasible points
    for _ in range(200):
        w = rng.standard_normal(k)
        w *= min(c_w, 3.0) * rng.random() / np.linalg.norm(w)
        dl = rng.standard_normal(d)
        dl *= r * rng.random() / np.linalg.norm(dl)
        assert np.mean(LogisticLoss().value(X @ (B @ w + dl), y)) >= sol.objective[0] - 1e-9


def test_target_only_step_matches_cvxpy_and_breaks_on_wrong_radius():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((12, 9)), np.sign(rng.standard_normal(12))
    sol = logistic_finetune_step(X, y, None, radius=1.5)
    _, value = logistic_finetune_cvxpy(X, y, None, radius=1.5)
    assert sol.objective[0] == pytest.approx(value, rel=1e-6)
    _, other = logistic_finetune_cvxpy(X, y, None, radius=1.0)
    assert abs(sol.objective[0] - other) > 1e-3  # the comparison can fail


def test_separable_data_are_handled_by_the_head_constraint():
    # m < d: the data are separable, the unconstrained MLE does not exist
    rng = np.random.default_rng(5)
    d, m = 10, 6
    X = rng.standard_normal((m, d))
    y = np.sign(X @ rng.standard_normal(d))
    sol = logistic_finetune_step(X, y, np.eye(d)[:, :4], head_bound=3.0, radius=0.5)
    assert np.all(np.isfinite(sol.theta)) and sol.head_active[0] and sol.delta_active[0]
    assert np.linalg.norm(sol.w[0]) == pytest.approx(3.0, rel=1e-6)
    # the learners report it (constant-free check): target-only on a separable target
    frame = run_monte_carlo("logistic", "target-only", dict(d=10, k=2, T=1, n=1, m=6, c_w=1.5), reps=3, seed=0)
    assert frame.head_constraint_active.all()


def test_logistic_source_fit_gradient_and_optimality():
    s = make_setting("logistic", dict(d=8, k=2, T=15, n=200, m=10, delta0=0.3))
    truth, src = s.draw_sources(generator(np.random.SeedSequence(2)))
    fit = fit_logistic_frame(src.X, src.y, [np.linalg.qr(np.random.default_rng(0).standard_normal((8, 2)))[0]],
                             head_bound=2.0, radius=0.3, tol=1e-10, max_iter=5000)
    # the fitted objective is no worse than the best per-task fit on the true frame (a feasible point)
    at_truth = logistic_finetune_step(src.X, src.y, truth.frame, head_bound=2.0, radius=0.3).objective.mean()
    assert fit.objective <= at_truth + 1e-6
    assert np.all(np.linalg.norm(fit.heads, axis=1) <= 2.0 + 1e-9)
    np.testing.assert_allclose(fit.frame.T @ fit.frame, np.eye(2), atol=1e-10)
    # and a wrong (random) frame is worse: the check has power
    wrong = np.linalg.qr(np.random.default_rng(9).standard_normal((8, 2)))[0]
    assert logistic_finetune_step(src.X, src.y, wrong, head_bound=2.0, radius=0.3).objective.mean() > fit.objective + 1e-3


def test_adaptrep_learns_the_frame_and_beats_target_only():
    frame = run_monte_carlo("logistic", ["adaptrep", "frozenrep", "target-only", "oracle"],
                            dict(d=10, k=2, T=30, n=200, m=40, delta0=0.2), reps=12, seed=4)
    mean = frame.groupby("learner").excess_risk.mean()
    sin = frame.groupby("learner").sin_theta_max.mean()
    assert sin["adaptrep"] < 0.35 and frame.converged.all()
    # paired: adaptrep below target-only in mean by more than 5 SE of the paired differences
    wide = frame.pivot(index="rep", columns="learner", values="excess_risk")
    diff = wide["target-only"] - wide["adaptrep"]
    assert diff.mean() > Z * diff.std(ddof=1) / math.sqrt(len(diff)) * 0.5, (mean, diff.describe())
    assert mean["oracle"] <= mean["adaptrep"] * 1.5


def test_adaptrep_with_radius_zero_is_frozenrep():
    s = make_setting("logistic", dict(d=6, k=2, T=8, n=40, m=20))
    truth, src = s.draw_sources(generator(np.random.SeedSequence(1)))
    a = make_learner("adaptrep", s, truth, {"radius": 0.0}).fit(src)
    f = make_learner("frozenrep", s, truth).fit(src)
    assert a.objective_ == pytest.approx(f.objective_, rel=1e-10)
