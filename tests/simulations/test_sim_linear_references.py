"""The simulator's independent references for linear learners: class geometry, optimality gaps,
exact conditional risks of linear smoothers, worst-case-target captures, predictor columns."""

import math

import cvxpy as cp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulations import make_setting, run_monte_carlo
from simulations.class_geometry import approximation_error, residual_metric
from simulations.conditional import smoother_risks
from simulations.losses import SquaredLoss
from simulations.optimality import fw_gap

LINEAR = dict(d=8, k=2, T=10, n=40, m=30, delta0=0.3)


# ---------------------------------------------------------------- class geometry
def _random_case(seed: int, d: int = 6, k: int = 2):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((d, d))
    cov = A @ A.T / d + 0.1 * np.eye(d)
    B = rng.standard_normal((d, k))
    theta = rng.standard_normal(d) * 2
    return cov, B, theta


def test_residual_metric_annihilates_the_frame_and_is_the_projection_residual():
    cov, B, theta = _random_case(0)
    C = residual_metric(B, cov)
    np.testing.assert_allclose(C @ B, 0, atol=1e-10)
    # theta' C theta = min_w (B w - theta)' Sigma (B w - theta)
    L = np.linalg.cholesky(cov)
    w = np.linalg.lstsq(L.T @ B, L.T @ theta, rcond=None)[0]
    r = L.T @ (B @ w - theta)
    assert float(theta @ C @ theta) == pytest.approx(float(r @ r), rel=1e-10)
    np.testing.assert_allclose(residual_metric(None, cov), cov)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("radius", [0.0, 0.05, 0.5, 2.0])
def test_approximation_error_matches_cvxpy(seed, radius):
    cov, B, theta = _random_case(seed)
    C = residual_metric(B, cov)
    got = approximation_error(C, theta, radius)
    delta = cp.Variable(theta.size)
    L = np.linalg.cholesky(C + 1e-13 * np.eye(theta.size))
    prob = cp.Problem(cp.Minimize(cp.sum_squares(L.T @ (theta - delta))), [cp.norm(delta, 2) <= radius])
    prob.solve()
    assert got == pytest.approx(prob.value, rel=1e-5, abs=1e-8)
    assert got <= prob.value * (1 + 1e-6) + 1e-10     # never overstates the minimum (safe lower bound)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.integers(0, 10_000), st.floats(0.0, 3.0), st.floats(0.0, 3.0))
def test_approximation_error_decreases_in_the_radius_and_is_a_lower_bound(seed, r1, r2):
    cov, B, theta = _random_case(seed)
    C = residual_metric(B, cov)
    lo, hi = sorted((r1, r2))
    assert approximation_error(C, theta, hi) <= approximation_error(C, theta, lo) * (1 + 1e-9) + 1e-12
    # any feasible delta (here theta scaled into the ball) does at least as badly
    delta = theta * min(1.0, hi / max(np.linalg.norm(theta), 1e-300))
    assert approximation_error(C, theta, hi) <= float((theta - delta) @ C @ (theta - delta)) * (1 + 1e-9) + 1e-12
    assert approximation_error(C, theta, math.inf) == 0.0


# ---------------------------------------------------------------- optimality gaps
def test_fw_gap_is_zero_at_the_learners_minimisers_and_positive_off_them():
    f = run_monte_carlo("linear", ["target-only", "oracle", "adaptrep", "frozenrep"], LINEAR, reps=3, seed=4)
    assert (f["fw_gap"] < 1e-12).all()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 8))
    y = X @ rng.standard_normal(8) + rng.standard_normal(30)
    theta = np.linalg.lstsq(X, y, rcond=None)[0]
    assert fw_gap(X, y, SquaredLoss(), theta, None, None, None, math.inf, math.inf) < 1e-10
    assert fw_gap(X, y, SquaredLoss(), theta + 0.05, None, None, None, math.inf, math.inf) > 1e-3


def test_gd_and_penalised_learners_have_no_optimality_gap_column():
    f = run_monte_carlo("linear", ["gd-finetune"], LINEAR, reps=1, seed=1)
    assert f["fw_gap"].isna().all() and f["class_bias"].isna().all()
    f = run_monte_carlo("linear", ["adaptrep"], LINEAR, reps=1, seed=1,
                        learner_params={"adaptrep": {"form": "penalized"}})
    assert f["fw_gap"].isna().all()


# ---------------------------------------------------------------- conditional risks
def test_smoother_risks_match_a_monte_carlo_over_the_noise():
    rng = np.random.default_rng(3)
    m, d, sigma = 25, 6, 0.7
    X = rng.standard_normal((m, d))
    cov = np.diag(np.linspace(0.2, 1.5, d))
    theta = rng.standard_normal(d)
    B = np.linalg.qr(rng.standard_normal((d, 2)))[0]
    M = B @ np.linalg.pinv(X @ B)                         # head-only least squares: misspecified
    expected_excess, expected_insample = smoother_risks(M, X, theta, cov, sigma)
    noise = rng.standard_normal((40_000, m))
    est = (X @ theta + sigma * noise) @ M.T               # theta_hat per draw
    diff = est - theta
    excess = np.einsum("ri,ij,rj->r", diff, cov, diff)
    insample = np.sum((diff @ X.T) ** 2, axis=1) / m
    for got, sample in ((expected_excess, excess), (expected_insample, insample)):
        se = sample.std() / math.sqrt(sample.size)
        assert abs(sample.mean() - got) < 5 * se


@pytest.mark.parametrize("learner", ["target-only", "frozenrep", "gd-finetune", "maml"])
def test_linear_smoother_learners_equal_their_reference(learner):
    lp = {"maml": {"max_iter": 30}} if learner == "maml" else None
    f = run_monte_carlo("linear", [learner], LINEAR, reps=3, seed=2, learner_params=lp)
    assert (f["smoother_residual"] < 1e-10).all()
    assert f["expected_excess"].notna().all() and f["expected_insample"].notna().all()


def test_constrained_learners_are_not_smoothers():
    f = run_monte_carlo("linear", ["adaptrep", "oracle"], LINEAR, reps=1, seed=2)
    assert f["expected_excess"].isna().all() and f["smoother_residual"].isna().all()
    f = run_monte_carlo("linear", ["oracle"], dict(LINEAR, delta0=0.0), reps=1, seed=2)
    assert (f["smoother_residual"] < 1e-10).all()      # radius 0: head-only least squares


# ---------------------------------------------------------------- hard case captures
def test_the_worst_case_target_attains_the_least_capture_of_the_learners_frame():
    p = dict(d=12, k=2, T=30, n=30, m=20)
    f = run_monte_carlo("linear-hard", ["adaptrep", "frozenrep"], p, reps=4, seed=5)
    np.testing.assert_allclose(f["target_capture"], f["capture_floor"], atol=1e-9)
    np.testing.assert_allclose(f["perturbation_capture"], f["perturbation_floor"], atol=1e-9)
    g = run_monte_carlo("linear-hard", ["adaptrep"], dict(p, target="random"), reps=4, seed=5)
    assert (g["target_capture"] > g["capture_floor"] + 1e-6).all()


def test_every_member_of_the_class_is_above_the_class_bias():
    p = dict(d=12, k=2, T=30, n=30, m=20)
    f = run_monte_carlo("linear-hard", ["frozenrep", "adaptrep"], p, reps=4, seed=6,
                        learner_params={"frozenrep": {"target_step": "finetune"}})
    assert (f["excess_risk"] >= f["class_bias"] * (1 - 1e-9)).all()
    assert (f["delta_norm"] <= f["ft_radius"] * (1 + 1e-9) + 1e-12).all()


# ---------------------------------------------------------------- predictor columns
def test_predictor_columns_describe_the_declared_class():
    f = run_monte_carlo("linear", ["adaptrep", "frozenrep", "target-only", "gd-finetune"], LINEAR, reps=1, seed=7)
    by = f.set_index("learner")
    assert by.loc["adaptrep", "ft_radius"] == pytest.approx(0.3)
    assert by.loc["frozenrep", "ft_radius"] == 0.0 and by.loc["frozenrep", "delta_norm"] == 0.0
    assert math.isinf(by.loc["target-only", "ft_radius"]) and math.isnan(by.loc["target-only", "head_norm"])
    assert math.isinf(by.loc["gd-finetune", "ft_radius"])
    assert by.loc["adaptrep", "target_perturbation_norm"] == pytest.approx(0.3)
    assert by.loc["adaptrep", "target_head_norm"] == pytest.approx(1.0)
    setting = make_setting("linear", LINEAR)
    assert by.loc["adaptrep", "baseline_excess"] > 0 and setting.params["delta0"] == 0.3
