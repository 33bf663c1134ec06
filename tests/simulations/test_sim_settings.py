"""Task settings: validation, construction facts, determinism."""

import math

import numpy as np
import pytest

from simulations import make_setting
from simulations.seeding import generator

BASE = dict(d=12, k=3, T=8, n=20, m=15)


def _draw(name, seed=0, **params):
    setting = make_setting(name, params)
    truth, sources = setting.draw_sources(generator(np.random.SeedSequence(seed)))
    return setting, truth, sources


@pytest.mark.parametrize(
    "bad, name",
    [
        ({"k": 13}, "'k'"),
        ({"d": 0}, "'d'"),
        ({"T": -1}, "'T'"),
        ({"n": 0}, "'n'"),
        ({"m": 2.5}, "'m'"),
        ({"sigma": -0.1}, "'sigma'"),
        ({"delta0": -1.0}, "'delta0'"),
        ({"sigma": float("nan")}, "'sigma'"),
        ({"delta0": float("inf")}, "'delta0'"),
        ({"head_condition": 0.5}, "'head_condition'"),
        ({"head_scale": 0.0}, "'head_scale'"),
        ({"perturbation_fraction": 1.5}, "'perturbation_fraction'"),
        ({"Sigma": -np.eye(12)}, "'Sigma'"),
        ({"Sigma": np.eye(5)}, "'Sigma'"),
        ({"Sigma": np.triu(np.ones((12, 12)))}, "'Sigma'"),
        ({"bogus": 1}, "'bogus'"),
        ({"d": True}, "'d'"),
    ],
)
def test_linear_validation_names_parameter(bad, name):
    with pytest.raises(ValueError, match=name):
        make_setting("linear", {**BASE, **bad})


def test_missing_required_parameter_is_named():
    with pytest.raises(ValueError, match="'m'"):
        make_setting("linear", {k: v for k, v in BASE.items() if k != "m"})


def test_error_message_states_allowed_range():
    with pytest.raises(ValueError, match=r"\[1, d\] = \[1, 12\]"):
        make_setting("linear", {**BASE, "k": 13})


@pytest.mark.parametrize(
    "bad, name",
    [({"d": 6}, "'d'"), ({"eps": 0.0}, "'eps'"), ({"target": "best"}, "'target'"), ({"tau2": -1.0}, "'tau2'")],
)
def test_linear_hard_validation(bad, name):
    with pytest.raises(ValueError, match=name):
        make_setting("linear-hard", {**BASE, **bad})


def test_linear_hard_defaults():
    s = make_setting("linear-hard", BASE)
    assert s.params["eps"] == pytest.approx(3 / 12)
    assert s.params["sigma"] == 1.0 and s.params["delta0"] == 1.0 and s.params["target"] == "worst"
    assert s.params["tau2"] == pytest.approx(1 / (2 * 0.25 * 9))


def test_linear_truth_structure():
    setting, truth, sources = _draw("linear", delta0=0.3, perturbation_fraction=0.5, head_scale=2.0, head_condition=4.0, **BASE)
    assert sources.X.shape == (8, 20, 12) and sources.y.shape == (8, 20)
    np.testing.assert_allclose(truth.frame.T @ truth.frame, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(truth.perturbations, axis=1), 0.15)
    cov = truth.heads.T @ truth.heads / 8
    lam = np.linalg.eigvalsh(cov)
    assert lam.sum() == pytest.approx(4.0)  # mean squared head norm = head_scale^2
    assert lam.max() / lam.min() == pytest.approx(4.0)  # head_condition
    assert truth.nu == pytest.approx(lam.min())
    np.testing.assert_allclose(sources.gram[2], sources.X[2].T @ sources.X[2])


def test_linear_responses_follow_the_model():
    # sigma = 0: responses are exactly X theta_t
    _, truth, sources = _draw("linear", sigma=0.0, delta0=0.2, **BASE)
    np.testing.assert_allclose(sources.y, np.einsum("tnd,td->tn", sources.X, truth.thetas), atol=1e-12)


def test_linear_custom_covariance_is_used():
    rng = np.random.default_rng(0)
    M = rng.standard_normal((4, 4))
    Sigma = M @ M.T + np.eye(4)
    setting = make_setting("linear", dict(d=4, k=1, T=4000, n=50, m=5, Sigma=Sigma))
    _, sources = setting.draw_sources(generator(np.random.SeedSequence(1)))
    emp = sources.gram.sum(0) / (4000 * 50)
    np.testing.assert_allclose(emp, Sigma, atol=0.05 * np.abs(Sigma).max())


def test_heads_fewer_tasks_than_rank_have_zero_diversity():
    _, truth, _ = _draw("linear", d=6, k=4, T=2, n=5, m=5)
    assert truth.nu == 0.0


def test_same_seed_same_draw_and_different_seed_different_draw():
    _, t1, s1 = _draw("linear", seed=5, **BASE)
    _, t2, s2 = _draw("linear", seed=5, **BASE)
    _, _, s3 = _draw("linear", seed=6, **BASE)
    np.testing.assert_array_equal(s1.X, s2.X)
    np.testing.assert_array_equal(t1.frame, t2.frame)
    assert not np.array_equal(s1.X, s3.X)


def test_hard_instance_construction():
    setting, truth, sources = _draw("linear-hard", d=20, k=3, T=10, n=5, m=5)
    d, k, eps = 20, 3, 3 / 20
    assert np.all(truth.frame[d - k :] == 0)  # B* in the top block
    np.testing.assert_allclose(truth.frame.T @ truth.frame, np.eye(k), atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(truth.heads, axis=1), math.sqrt(1 / (2 * eps)))
    assert np.all(truth.perturbations[:, : d - k] == 0)
    np.testing.assert_allclose(np.linalg.norm(truth.perturbations, axis=1), 1.0)
    Sigma = truth.covariance
    shared = truth.heads @ truth.frame.T
    # prediction-space variances: shared part 1/2, perturbation delta0^2 = 1
    np.testing.assert_allclose(np.einsum("ti,ij,tj->t", shared, Sigma, shared), 0.5)
    np.testing.assert_allclose(np.einsum("ti,ij,tj->t", truth.perturbations, Sigma, truth.perturbations), 1.0)


def test_hard_worst_target_is_orthogonal_to_representation():
    setting, truth, _ = _draw("linear-hard", d=20, k=3, T=10, n=5, m=5)
    rng = np.random.default_rng(0)
    rep = np.linalg.qr(rng.standard_normal((20, 3)))[0]
    target, data = setting.draw_target(generator(np.random.SeedSequence(9)), truth, rep)
    P = rep @ rep.T
    a = target.shared / np.linalg.norm(target.shared)
    # the chosen a minimises ||P a|| over unit a in span(B*)
    C = rep.T @ truth.frame
    assert np.linalg.norm(P @ a) == pytest.approx(np.sqrt(np.linalg.eigvalsh(C.T @ C)[0]), abs=1e-10)
    assert np.linalg.norm(target.shared) == pytest.approx(setting.shared_scale)
    assert np.linalg.norm(target.perturbation) == pytest.approx(1.0)
    # a representation equal to the bottom block: the shared part is untouched by it
    bottom = np.eye(20)[:, 17:]
    target2, _ = setting.draw_target(generator(np.random.SeedSequence(9)), truth, bottom)
    assert np.linalg.norm(bottom.T @ target2.shared) < 1e-12
    # the same seed gives the same design and noise whatever the representation
    _, data2 = setting.draw_target(generator(np.random.SeedSequence(9)), truth, bottom)
    np.testing.assert_array_equal(data.X, data2.X)


def test_hard_gaussian_target_has_prior_scale():
    setting = make_setting("linear-hard", dict(d=21, k=3, T=2, n=2, m=2, target="gaussian"))
    truth, _ = setting.draw_sources(generator(np.random.SeedSequence(0)))
    norms = [
        np.sum(setting.draw_target(generator(np.random.SeedSequence(i)), truth, None)[0].shared ** 2)
        for i in range(4000)
    ]
    # E ||a||^2 = tau2 (d - k) = 1/(2 eps); chi-square sd: tau2 sqrt(2 (d - k))
    tau2 = setting.params["tau2"]
    se = tau2 * math.sqrt(2 * 18) / math.sqrt(4000)
    assert abs(np.mean(norms) - tau2 * 18) < 5 * se
