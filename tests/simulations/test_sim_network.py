"""The ``network`` and ``network-hard`` settings: gradients, construction, risks, the frozen failure.

Decision rule of the statistical tests: a paired mean difference D is declared
positive when mean(D) > Z SE(D), Z = 5 (one-sided level about 3e-7 under the
central limit theorem; seeds fixed), and the same rule is shown to reject
where the effect is absent (power and specificity).
"""

import math

import numpy as np
import pytest

from simulations import make_learner, make_setting, run_monte_carlo
from simulations.losses import LogisticLoss, SquaredLoss
from simulations.seeding import generator
from simulations.solvers.network import objective_and_grads, project_frobenius, project_layer
from simulations.solvers.network_fit import finetune_network, fit_head

Z = 5.0


def _mean_se(x):
    x = np.asarray(x, dtype=float)
    return x.mean(), x.std(ddof=1) / math.sqrt(x.size)


@pytest.mark.parametrize("loss", [SquaredLoss(), LogisticLoss()], ids=["squared", "logistic"])
def test_network_gradients_match_finite_differences(loss):
    rng = np.random.default_rng(0)
    T, n, k, d = 3, 20, 3, 5
    X = rng.standard_normal((T, n, d))
    y = np.sign(rng.standard_normal((T, n))) if loss.name == "logistic" else rng.standard_normal((T, n))
    layers, heads = rng.standard_normal((T, k, d)), rng.standard_normal((T, k))
    _, gh, gl = objective_and_grads(X, y, layers, heads, loss)
    f = lambda L, H: objective_and_grads(X, y, L, H, loss)[0]  # noqa: E731
    h = 1e-6
    for idx in [(0, 1), (2, 2), (1, 0)]:
        E = np.zeros_like(heads)
        E[idx] = h
        assert gh[idx] == pytest.approx((f(layers, heads + E) - f(layers, heads - E)) / (2 * h), abs=1e-7)
    for idx in [(0, 1, 2), (2, 0, 4), (1, 2, 0)]:
        E = np.zeros_like(layers)
        E[idx] = h
        assert gl[idx] == pytest.approx((f(layers + E, heads) - f(layers - E, heads)) / (2 * h), abs=1e-7)


def test_projections():
    rng = np.random.default_rng(1)
    W = 3 * rng.standard_normal((3, 6))
    P = project_layer(W, 1.5)
    assert np.linalg.norm(P, 2) == pytest.approx(1.5)
    np.testing.assert_array_equal(project_layer(P, 2.0), P)
    D = rng.standard_normal((4, 3, 6))
    Q = project_frobenius(D, 0.5)
    np.testing.assert_allclose(np.sqrt(np.sum(Q**2, axis=(1, 2))), 0.5)


def test_network_setting_construction():
    s = make_setting("network", dict(d=6, k=2, T=5, n=10, m=8, delta0=0.4, head_scale=2.0, test_size=50))
    truth, src = s.draw_sources(generator(np.random.SeedSequence(0)))
    np.testing.assert_allclose(truth.layer @ truth.layer.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(np.sqrt(np.sum(truth.perturbations**2, axis=(1, 2))), 0.4)
    target, data = s.draw_target(generator(np.random.SeedSequence(1)), truth, None)
    assert np.linalg.norm(target.head) == pytest.approx(2.0) and target.test_X.shape == (50, 6)
    # squared loss: y - f(x) is the noise, sigma = 1
    resid = data.y - target.predict(data.X)
    assert resid.std() < 3
    # logistic labels and sphere inputs
    s2 = make_setting("network", dict(d=6, k=2, T=5, n=10, m=8, loss="logistic", inputs="sphere"))
    _, src2 = s2.draw_sources(generator(np.random.SeedSequence(0)))
    assert set(np.unique(src2.y)) <= {-1.0, 1.0}
    np.testing.assert_allclose(np.linalg.norm(src2.X, axis=2), math.sqrt(6))


def test_network_hard_construction():
    s = make_setting("network-hard", dict(d=9, k=2, T=4000, n=2, m=2))
    truth, src = s.draw_sources(generator(np.random.SeedSequence(0)))
    d, k, eps = 9, 2, 2 / 9
    sc = math.sqrt(1 / (2 * eps))
    assert np.all(truth.layer[:, d - k:] == 0) and np.all(truth.perturbations[:, :, : d - k] == 0)
    np.testing.assert_allclose(truth.layer @ truth.layer.T, sc**2 * np.eye(k), atol=1e-12)
    np.testing.assert_allclose(np.sqrt(np.sum(truth.perturbations**2, axis=(1, 2))), math.sqrt(k))
    assert s.layer_bound == pytest.approx(sc) and s.params["delta0"] == pytest.approx(math.sqrt(k))
    # pre-activation variances: shared part 1/2, perturbation delta0^2/k = 1 per unit
    X = src.X.reshape(-1, d)
    shared = X @ truth.layer.T
    np.testing.assert_allclose(shared.var(axis=0), 0.5, rtol=0.05)
    pert = np.einsum("tkd,tnd->tnk", truth.perturbations, src.X).reshape(-1, k)
    np.testing.assert_allclose(pert.var(axis=0), 1.0, rtol=0.05)
    with pytest.raises(ValueError, match="'d'"):
        make_setting("network-hard", dict(d=4, k=2, T=2, n=2, m=2))


def test_test_sample_risk_is_noise_free():
    # the estimate is the mean of (f_hat - f*)^2: the squared error against fresh noisy labels is
    # larger by sigma^2 = 1 (within Z SE), and is itself rejected as an estimate of the excess risk
    s = make_setting("network", dict(d=6, k=2, T=5, n=40, m=30, sigma=1.0, head_scale=2.0, test_size=20000))
    truth, src = s.draw_sources(generator(np.random.SeedSequence(3)))
    learner = make_learner("frozenrep", s, truth).fit(src)
    for seed in (10, 11):
        target, data = s.draw_target(generator(np.random.SeedSequence(seed)), truth, None)
        row = s.evaluate(truth, target, data, learner.adapt(data))
        f_true, f_hat = target.predict(target.test_X), learner.predict(target.test_X)
        rng = np.random.default_rng(seed)
        noisy = (f_true + rng.standard_normal(f_true.shape) - f_hat) ** 2
        mean, se = _mean_se(noisy)
        assert abs(mean - row["excess_risk"] - 1.0) <= Z * se   # E(y - f_hat)^2 = risk + sigma^2
        assert abs(mean - row["excess_risk"]) > Z * se          # ...so it is not the excess risk
        assert row["risk_se"] == pytest.approx(np.std((f_hat - f_true) ** 2, ddof=1) / math.sqrt(20000))


@pytest.fixture(scope="module")
def hard_frame():
    return run_monte_carlo("network-hard", ["adaptrep", "frozenrep", "target-only"],
                           dict(d=7, k=2, T=10, n=60, m=40, sigma=0.5, head_scale=2.0, test_size=2000),
                           reps=12, seed=5)


def test_frozenrep_fails_on_the_nonlinear_hard_case(hard_frame):
    wide = hard_frame.pivot(index="rep", columns="learner", values="excess_risk")
    # FROZENREP's risk exceeds twice ADAPTREP's, and exceeds target-only's (paired, Z SE)
    mean, se = _mean_se(wide.frozenrep - 2 * wide.adaptrep)
    assert mean > Z * se, (wide.mean(), mean, se)
    mean, se = _mean_se(wide.frozenrep - wide["target-only"])
    assert mean > Z * se, (wide.mean(), mean, se)


def test_frozen_objective_prefers_the_perturbation_directions():
    # The construction's mechanism: the multi-task frozen objective is lower at its own fit,
    # which puts a sizeable share of the first layer in the bottom (perturbation) block, than at
    # the true shared layer W*; ADAPTREP's objective is (nearly) minimised at W*.
    s = make_setting("network-hard", dict(d=7, k=2, T=10, n=60, m=40, sigma=0.5, head_scale=2.0))
    loss, c_w = SquaredLoss(), s.params["c_w"]
    for seed in range(3):
        truth, src = s.draw_sources(generator(np.random.SeedSequence(seed)))
        frozen = make_learner("frozenrep", s, truth).fit(src)
        heads = fit_head(src.X, src.y, truth.layer, loss, c_w)
        at_truth = objective_and_grads(src.X, src.y, np.broadcast_to(truth.layer, (10, 2, 7)), heads, loss)[0]
        assert frozen.objective_ < 0.8 * at_truth, (frozen.objective_, at_truth)
        W = frozen.representation_
        assert np.sum(W[:, -2:] ** 2) / np.sum(W**2) > 0.25
        adapt = make_learner("adaptrep", s, truth).fit(src)
        per_task = [finetune_network(src.X[t], src.y[t], truth.layer, loss, head_bound=c_w,
                                     radius=s.params["delta0"]).objective for t in range(10)]
        assert np.mean(per_task) <= adapt.objective_ * 1.1, (np.mean(per_task), adapt.objective_)


def test_no_frozen_failure_on_the_plain_network_setting():
    # specificity of the rule above: with a shared first layer and small perturbations FROZENREP
    # is not worse than twice ADAPTREP
    frame = run_monte_carlo("network", ["adaptrep", "frozenrep"],
                            dict(d=6, k=2, T=10, n=60, m=40, sigma=0.5, head_scale=2.0, delta0=0.1, test_size=2000),
                            reps=12, seed=5)
    wide = frame.pivot(index="rep", columns="learner", values="excess_risk")
    mean, se = _mean_se(wide.frozenrep - 2 * wide.adaptrep)
    assert not mean > Z * se


# ------------------------------------------------------------------ the hard regime (docs/network.md)
def test_the_frozen_floor_matches_a_monte_carlo_estimate():
    """h^2 E_u Var_a relu(a + u), a ~ N(0, 1/2), u ~ N(0, delta0^2/k): quadrature against 10^6 draws."""
    from simulations.settings.network_hard import frozen_floor

    rng = np.random.default_rng(0)
    for head, delta0, k in ((1.0, 2.0, 4), (2.0, 0.5, 2), (1.5, 3.0, 3)):
        u = rng.normal(0.0, delta0 / np.sqrt(k), (400, 1))          # outer draws
        a = rng.normal(0.0, np.sqrt(0.5), (400, 2500))             # inner draws per u
        inner = np.maximum(a + u, 0.0).var(axis=1, ddof=1)
        estimate, se = head ** 2 * inner.mean(), head ** 2 * inner.std(ddof=1) / np.sqrt(inner.size)
        assert abs(frozen_floor(head, delta0, k) - estimate) < 5 * se + 1e-3
    assert frozen_floor(1.0, 2.0, 4) == pytest.approx(0.2059, abs=2e-4)
    assert frozen_floor(2.0, 2.0, 4) == pytest.approx(4 * frozen_floor(1.0, 2.0, 4))


def test_the_frozen_floor_is_the_risk_of_the_best_bottom_block_predictor():
    """E[f | x_bot] (computed in closed form per hidden unit) has excess risk = the floor, on a simulated target."""
    from scipy.stats import norm

    from simulations import make_setting
    from simulations.seeding import generator
    from simulations.settings.network_hard import frozen_floor

    setting = make_setting("network-hard", dict(d=12, k=3, T=2, n=5, m=200, test_size=10))
    p = setting.params
    risks = []
    for r in range(40):
        rng = generator(np.random.SeedSequence([5, r]))
        truth, _ = setting.draw_sources(rng)
        target, _ = setting.draw_target(rng, truth, None)
        X = setting._inputs(rng, (20000, p["d"]))
        W = target.layer + target.perturbation
        f = target.predict(X)
        u = X[:, p["d"] - p["k"]:] @ W[:, p["d"] - p["k"]:].T          # the bottom block's part of each unit
        s = np.sqrt(0.5)
        cond = (u * norm.cdf(u / s) + s * norm.pdf(u / s)) @ target.head  # E[relu(a + u) | u] per unit, summed
        risks.append(np.mean((f - cond) ** 2))
    assert np.mean(risks) == pytest.approx(frozen_floor(p["head_scale"], p["delta0"], p["k"]), rel=0.08)


def test_the_setting_warns_outside_the_hard_regime_and_not_inside():
    import warnings

    from simulations import make_setting
    from simulations.settings.network_hard import HardRegimeWarning

    point = dict(d=20, k=4, T=40, n=200, m=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error", HardRegimeWarning)
        setting = make_setting("network-hard", point)                   # the defaults: inside
    assert (setting.params["sigma"], setting.params["head_scale"]) == (0.5, 2.0)
    with pytest.warns(HardRegimeWarning, match="sigma=1, head_scale=1, delta0=2, d=20, k=4, m=100"):
        make_setting("network-hard", dict(point, sigma=1.0, head_scale=1.0))   # the old defaults: outside
    with pytest.warns(HardRegimeWarning, match="raise head_scale or m"):
        make_setting("network-hard", dict(point, d=50, m=150))              # m < 1.06 k (d + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", HardRegimeWarning)
        make_setting("network-hard", dict(point, d=50, T=20, n=150, m=250))  # the k = 4 claims' point
    with pytest.warns(HardRegimeWarning, match="n = 100 < 3 d = 150"):
        make_setting("network-hard", dict(point, d=50, n=100, m=250))      # too few samples per task
    with pytest.warns(HardRegimeWarning, match="T n = 1000 < 15 k d = 1200"):
        make_setting("network-hard", dict(point, T=5, m=250))
    with pytest.warns(HardRegimeWarning, match="sigma = 0.6 > head_scale/4 = 0.5"):
        make_setting("network-hard", dict(point, sigma=0.6, m=250))
