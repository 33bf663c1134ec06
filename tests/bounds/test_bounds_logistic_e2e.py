"""adaptrep-logistic-e2e: the value by hand, the stated regime, the domain, and the derivation's lemmas checked
numerically (the curvature of the logistic risk on the sphere, the matrix-Bernstein bound on E||G||_op) and its
deterministic steps on simulated ADAPTREP draws (docs/theory/adaptrep-logistic-e2e.md)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from bounds import get_bound
from simulations import make_learner, make_setting
from simulations.logistic_certificates import frame_comparator
from simulations.risk_logistic import logistic_excess_sphere
from simulations.seeding import generator
from simulations.settings.sampling import sphere_inputs

B = get_bound("adaptrep-logistic-e2e")


def _sigmoid_slope(u):
    return math.exp(-u) / (1 + math.exp(-u)) ** 2


def by_hand(d, k, T, n, m, nu, delta0, c_w, R, fail_prob, h):
    """The statement of the page, written out independently of the registered formula."""
    x, r = math.log(4 / fail_prob), c_w + delta0
    W, N = R * r, n * T
    rad_a = c_w * math.sqrt(T * k) * R * (math.sqrt(2 * n * max(T / d, 1) * math.log(d + T))
                                          + math.log(d + T) / 3) / N
    rad = min(rad_a, c_w * R / math.sqrt(n)) + delta0 * R / math.sqrt(n)
    V = min(14 / 25, R ** 2 * r ** 2 / d)
    mc = W * math.sqrt(x / (2 * N))
    eps = 2 * rad + mc + min(mc, math.sqrt(2 * V * x / N) + W * x / (3 * N))
    phi = R ** 2 / d * _sigmoid_slope(r * R * math.sqrt(3 / (d + 2)))
    frame = (math.sqrt(2 * T * eps / phi) + 2 * delta0 * math.sqrt(T)) ** 2 / (T * nu)
    hoeffding = W * math.sqrt(x / (2 * m))
    return (2 * R * (c_w * math.sqrt(k / d) + delta0) / math.sqrt(m) + hoeffding
            + min(hoeffding, math.sqrt(2 * R ** 2 * r ** 2 / d * x / m) + W * x / (3 * m))
            + R ** 2 / (8 * d) * h ** 2 * min(1.0, frame))


@pytest.mark.parametrize("point", [
    dict(d=3, k=1, T=20, n=30000, m=100000, nu=1.0, delta0=0.02, c_w=1.0, R=3 ** 0.5, fail_prob=0.05, h=1.0),
    dict(d=10, k=2, T=5, n=500, m=1000, nu=0.3, delta0=0.3, c_w=2.0, R=1.5, fail_prob=0.1, h=1.5),
    dict(d=4, k=4, T=100, n=10 ** 6, m=10 ** 6, nu=0.25, delta0=0.0, c_w=1.0, R=2.0, fail_prob=0.01, h=1.0),
])
def test_value_matches_the_page_by_hand(point):
    h = point.pop("h")
    assert float(B.evaluate(head_scale=h, **point)) == pytest.approx(by_hand(h=h, **point), rel=1e-12)


def _zero_predictor_excess(d, norm):
    theta = np.zeros(d)
    theta[0] = norm
    return logistic_excess_sphere(np.zeros(d), theta, math.sqrt(d))


def test_stated_regime_is_non_vacuous():
    """Sphere R = sqrt(d), k = 1, nu = h^2, 3 <= d <= 5, c_w = h in [1, 1.25], T >= 20, n >= 1e4 d, m >= 1e5,
    delta0 <= 0.02 h, fail_prob >= 0.01: bound <= 0.9 x the zero predictor's excess risk at ||theta_0|| = h - delta0
    (the smallest norm a target can have); with T = 10 (the quick claim's): <= 0.93."""
    for Ts, ceiling in [([20, 100], 0.9), ([10], 0.93)]:     # T = 10: the quick profile's claim
        worst = 0.0
        for d, h, T, nmul, m, frac, p in itertools.product([3, 4, 5], [1.0, 1.1, 1.25], Ts, [1, 3], [10 ** 5, 10 ** 6],
                                                           [0.0, 0.01, 0.02], [0.01, 0.05, 0.2]):
            delta0 = frac * h
            value = float(B.evaluate(d=d, k=1, T=T, n=10 ** 4 * d * nmul, m=m, nu=h ** 2, delta0=delta0, c_w=h,
                                     R=math.sqrt(d), fail_prob=p, head_scale=h))
            worst = max(worst, value / _zero_predictor_excess(d, h - delta0))
        assert worst <= ceiling, (Ts, worst)


def test_outside_the_regime_it_is_vacuous():
    """d = 10, k = 2, n = 1e4 per task: the bound exceeds the zero predictor's excess; so does m = 1e4 at d = 3."""
    zero10 = _zero_predictor_excess(10, 1.0)
    assert float(B.evaluate(d=10, k=2, T=20, n=10 ** 4, m=10 ** 5, nu=0.5, delta0=0.0, c_w=1.0, R=math.sqrt(10),
                            fail_prob=0.05, head_scale=1.0)) > zero10
    assert float(B.evaluate(d=3, k=1, T=20, n=10 ** 6, m=10 ** 4, nu=1.0, delta0=0.0, c_w=1.0, R=math.sqrt(3),
                            fail_prob=0.05, head_scale=1.0)) > 0.5 * _zero_predictor_excess(3, 1.0)


def test_domain_and_premises():
    with pytest.raises(ValueError, match="head_scale <= c_w"):
        B.evaluate(d=3, k=1, T=20, n=10 ** 4, m=10 ** 5, nu=1.0, delta0=0.0, c_w=1.0, R=1.7, fail_prob=0.05,
                   head_scale=1.5)
    with pytest.raises(ValueError, match="k <= d"):
        B.evaluate(d=3, k=4, T=20, n=10 ** 4, m=10 ** 5, nu=1.0, delta0=0.0, c_w=1.0, R=1.7, fail_prob=0.05,
                   head_scale=1.0)
    for premise in ("source_fit_excess <= 0", "comparator_gap <= 0", "source_truth_norm <= (c_w + delta0)*(1 + 1e-9)",
                    "target_perturbation_norm <= ft_radius*(1 + 1e-9) + 1e-12"):
        assert premise in B.premises


# -- the lemmas ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("d", [2, 3, 5, 10])
@pytest.mark.parametrize("rho", [0.3, 1.0, 2.5])
def test_curvature_lemma_against_the_exact_hessian(d, rho):
    """Step 3: lambda_min(E[sigmoid'(x'theta) x x']) >= (R^2/d) sigmoid'(rho R sqrt(3/(d+2))) on the sphere.  The
    Hessian's eigenvalues along theta and across it are 1-D integrals over t = e'x/R (density prop. to
    (1 - t^2)^((d-3)/2)), computed here by Gauss-Jacobi quadrature; the bound is also not absurdly loose."""
    from scipy.special import roots_jacobi

    R = math.sqrt(d) * 0.8
    a = (d - 3) / 2
    nodes, weights = roots_jacobi(200, a, a)
    weights = weights / weights.sum()
    s = R * nodes
    slope = np.exp(-np.abs(rho * s)) / (1 + np.exp(-np.abs(rho * s))) ** 2
    along = float(np.sum(weights * slope * s ** 2))
    across = float(np.sum(weights * slope * (R ** 2 - s ** 2))) / (d - 1)
    lower = R ** 2 / d * _sigmoid_slope(rho * R * math.sqrt(3 / (d + 2)))
    assert min(along, across) >= lower * (1 - 1e-9)
    assert min(along, across) <= 4 * lower        # the Jensen step loses at most a small factor here
    # the weights are right: at rho = 0 both eigenvalues are (R^2/d)/4
    assert float(np.sum(weights * s ** 2)) == pytest.approx(R ** 2 / d, rel=1e-10)


def test_curvature_lemma_by_monte_carlo_in_random_directions():
    """The same inequality for a few random directions a and a random theta, by Monte Carlo (200k inputs)."""
    rng = np.random.default_rng(7)
    d, R, rho = 4, 2.0, 1.5
    x = sphere_inputs(rng, (200000, d), R)
    theta = rng.standard_normal(d)
    theta *= rho / np.linalg.norm(theta)
    z = x @ theta
    slope = np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))) ** 2
    H = (x * slope[:, None]).T @ x / len(x)
    lower = R ** 2 / d * _sigmoid_slope(rho * R * math.sqrt(3 / (d + 2)))
    assert np.linalg.eigvalsh(H)[0] >= lower


@pytest.mark.parametrize("d, T, n", [(3, 20, 50), (10, 4, 30), (6, 6, 10)])
def test_matrix_bernstein_bound_on_the_rademacher_matrix(d, T, n):
    """Step 2 (a): E||G||_op <= sqrt(2 n R^2 Max(T/d, 1) log(d + T)) + R log(d + T)/3 for G = sum eps x e_t'
    with x uniform on the sphere of radius R (Monte Carlo mean over 400 draws, far below the bound; and the
    bound is above the exact E||G||_F/sqrt(min(d, T)) lower scale)."""
    rng = np.random.default_rng(11)
    R = math.sqrt(d)
    norms = []
    for _ in range(400):
        x = sphere_inputs(rng, (T, n, d), R)
        eps = rng.choice([-1.0, 1.0], size=(T, n))
        G = np.einsum("tn,tnd->dt", eps, x)
        norms.append(np.linalg.norm(G, 2))
    bound = math.sqrt(2 * n * R ** 2 * max(T / d, 1) * math.log(d + T)) + R * math.log(d + T) / 3
    assert np.mean(norms) + 3 * np.std(norms) / math.sqrt(400) <= bound
    assert np.mean(norms) >= math.sqrt(n * R ** 2 * T / min(d, T)) * 0.5


def test_convexity_of_the_slope_in_the_squared_argument():
    """g(v) = sigmoid'(sqrt(v)) is convex and decreasing on v >= 0 (second differences on a fine grid)."""
    v = np.linspace(0.0, 400.0, 40001)
    g = np.exp(-np.sqrt(v)) / (1 + np.exp(-np.sqrt(v))) ** 2
    assert np.all(np.diff(g) <= 1e-15)
    assert np.all(np.diff(g, 2) >= -1e-15)


# -- the deterministic steps on simulated draws -------------------------------------------------------------------

@pytest.mark.parametrize("seed, delta0", [(0, 0.0), (1, 0.02), (2, 0.05)])
def test_deterministic_steps_on_adaptrep_draws(seed, delta0):
    """On ADAPTREP draws (sphere inputs, balanced heads): the premises hold; the frame bound of step 4,
    ||P_perp B*||_F^2 <= (D + 2 delta0 sqrt(T))^2/(T nu), with the realised D; the comparator of step 6 lies in the
    class and ||theta_0 - theta_c|| <= ||P_perp B* w_0||; and the target split of step 7 adds up."""
    d, k, T, n, m, h = 4, 2, 8, 4000, 2000, 1.0
    setting = make_setting("logistic", dict(d=d, k=k, T=T, n=n, m=m, inputs="sphere", heads="balanced",
                                            head_scale=h, c_w=h, delta0=delta0))
    truth, sources = setting.draw_sources(generator(seed))
    learner = make_learner("adaptrep", setting, truth).fit(sources)
    target, data = setting.draw_target(generator(seed + 100), truth, learner.representation_)
    learner.adapt(data)
    assert truth.nu == pytest.approx(h ** 2 / k, rel=1e-12)
    assert np.allclose(np.linalg.norm(truth.heads, axis=1), h)
    thetas_hat = learner.source_heads_ @ learner.representation_.T + learner.source_deltas_
    D = float(np.linalg.norm(thetas_hat - truth.thetas))
    P_perp = np.eye(d) - learner.representation_ @ learner.representation_.T
    frame_error = float(np.linalg.norm(P_perp @ truth.frame) ** 2)
    assert frame_error <= (D + 2 * delta0 * math.sqrt(T)) ** 2 / (T * truth.nu) * (1 + 1e-9)
    theta_c = frame_comparator(target.theta, target.shared, learner.representation_, delta0)
    Q = learner.representation_
    assert np.linalg.norm(Q.T @ theta_c) <= h * (1 + 1e-12)
    assert np.linalg.norm(theta_c - Q @ (Q.T @ theta_c)) <= delta0 + 1e-12
    assert np.linalg.norm(target.theta - theta_c) <= np.linalg.norm(P_perp @ target.shared) + 1e-12


def test_premise_columns_on_a_replicate():
    """The premise columns the bound reads are produced for the logistic ADAPTREP, hold on a correct run, and
    source_fit_excess is recomputed (a stale frame makes it positive)."""
    from simulations.montecarlo import logistic_source_fit_columns, logistic_source_loss, run_monte_carlo

    df = run_monte_carlo("logistic", ["adaptrep"], dict(d=3, k=1, T=4, n=3000, m=500, inputs="sphere",
                                                        heads="balanced", c_w=1.0, delta0=0.02), reps=2, seed=5)
    assert (df["source_fit_excess"] < 0).all()
    assert (df["source_head_norm"] <= 1.0 + 1e-9).all() and (df["source_delta_norm"] <= 0.02 + 1e-12).all()
    assert (df["source_truth_norm"] <= 1.02 + 1e-9).all() and (df["comparator_gap"] <= 0).all()
    setting = make_setting("logistic", dict(d=3, k=1, T=4, n=3000, m=500, inputs="sphere", heads="balanced",
                                            c_w=1.0, delta0=0.02))
    truth, sources = setting.draw_sources(generator(0))
    learner = make_learner("adaptrep", setting, truth).fit(sources)
    truth_loss = logistic_source_loss(sources, truth.thetas)
    assert logistic_source_fit_columns(learner, sources, truth, truth_loss)["source_fit_excess"] < 0
    B = learner.representation_
    e = np.linalg.qr(np.hstack([B, np.eye(3)]))[0][:, 1:2]
    learner.representation_ = math.cos(0.3) * B + math.sin(0.3) * e
    assert logistic_source_fit_columns(learner, sources, truth, truth_loss)["source_fit_excess"] > 0
