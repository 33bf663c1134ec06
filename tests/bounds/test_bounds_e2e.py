"""frozenrep-shared-e2e: the value, the stated non-vacuous regime, the domain, and the deterministic
steps of its derivation checked on simulated draws (docs/theory/frozenrep-shared-e2e.md)."""

import itertools
import math

import numpy as np
import pytest

from bounds import get_bound
from simulations import make_learner, make_setting
from simulations.seeding import generator

B = get_bound("frozenrep-shared-e2e")


def by_hand(d, k, T, n, m, sigma, nu, fail_prob, head_scale):
    p = fail_prob
    t_n, t_g, t_m = math.sqrt(2 * math.log(6 * T / p)), math.sqrt(2 * math.log(3 / p)), math.sqrt(2 * math.log(6 / p))
    S, s = math.sqrt(n) + math.sqrt(d) + t_n, math.sqrt(n) - math.sqrt(d) - t_n
    phi = 8 * k * sigma ** 2 * S ** 2 * (math.sqrt(d) + math.sqrt(T) + t_g) ** 2 / (s ** 4 * T * nu)
    bias = head_scale ** 2 * min(1.0, phi)
    return bias + (bias + sigma ** 2) * (math.sqrt(k) + t_m) ** 2 / (math.sqrt(m) - math.sqrt(k) - t_m) ** 2


@pytest.mark.parametrize("point", [
    dict(d=10, k=2, T=100, n=2000, m=100, sigma=0.5, nu=0.5, fail_prob=0.05, head_scale=1.0),
    dict(d=50, k=4, T=400, n=5000, m=400, sigma=0.3, nu=0.2, fail_prob=0.01, head_scale=2.0),
    dict(d=20, k=3, T=10, n=400, m=60, sigma=2.0, nu=0.1, fail_prob=0.1, head_scale=1.0),   # min(1, Phi) = 1
])
def test_value_matches_the_statement(point):
    assert float(B.evaluate(**point)) == pytest.approx(by_hand(**point), rel=1e-12)


def test_the_stated_regime_is_non_vacuous():
    """sigma/h <= 0.5, 2 <= k <= 4, d >= 10, n >= 200 d, T >= 50, m >= 50 k, p = 0.05: bound <= 0.3 h^2."""
    worst = 0.0
    for k, d, c, T, mk, ratio, h in itertools.product(
            [2, 3, 4], [10, 15, 30, 100, 500], [200, 300, 2000], [50, 75, 400, 5000], [50, 80, 1000],
            [0.01, 0.2, 0.5], [0.5, 1.0, 3.0]):
        v = float(B.evaluate(d=d, k=k, T=T, n=c * d, m=mk * k, sigma=ratio * h, nu=h ** 2 / k,
                             fail_prob=0.05, head_scale=h)) / h ** 2
        worst = max(worst, v)
    assert worst <= 0.3


def test_the_bound_over_h2_depends_on_sigma_over_h_only():
    point = dict(d=20, k=3, T=100, n=4000, m=300, fail_prob=0.05)
    a = float(B.evaluate(sigma=0.4, head_scale=1.0, nu=1 / 3, **point))
    b = float(B.evaluate(sigma=1.2, head_scale=3.0, nu=9 / 3, **point)) / 9
    assert a == pytest.approx(b, rel=1e-12)


def test_outside_the_domain_the_bound_is_undefined():
    with pytest.raises(ValueError, match=r"sqrt\(n\) > sqrt\(d\)"):
        B.evaluate(d=50, k=2, T=100, n=60, m=200, sigma=0.5, nu=0.5, fail_prob=0.05, head_scale=1.0)
    with pytest.raises(ValueError, match=r"sqrt\(m\) > sqrt\(k\)"):
        B.evaluate(d=10, k=2, T=100, n=2000, m=20, sigma=0.5, nu=0.5, fail_prob=0.05, head_scale=1.0)
    assert "source_fit_excess <= 1e-12" in B.premises and "delta0 <= 0" in B.premises


@pytest.mark.parametrize("seed", range(4))
def test_the_derivations_deterministic_steps_hold_on_simulated_draws(seed):
    """On FROZENREP fits: the basic inequality (premise), then
    sum ||X Delta||^2 <= 4 sigma^2 sum ||P_t xi_t||^2 <= 8 k sigma^2 ||G||^2 / s^2 and
    ||P_perp B*||_F^2 <= 8 k sigma^2 ||G||^2 / (s^4 T nu), with the realised s = min_t s_min(X_t), ||G||, nu."""
    d, k, T, n, sigma = 8, 2, 30, 60, 0.7
    setting = make_setting("linear", dict(d=d, k=k, T=T, n=n, m=20, sigma=sigma, delta0=0.0))
    truth, sources = setting.draw_sources(generator(np.random.SeedSequence(seed)))
    learner = make_learner("frozenrep", setting, truth).fit(sources)
    Bh = learner.representation_
    X, y = sources.X, sources.y
    theta = truth.heads @ truth.frame.T
    xi = (y - np.einsum("tnd,td->tn", X, theta)) / sigma
    theta_hat = np.stack([np.linalg.lstsq(X[t] @ Bh, y[t], rcond=None)[0] for t in range(T)]) @ Bh.T
    delta = theta_hat - theta
    fit = np.sum((y - np.einsum("tnd,td->tn", X, theta_hat)) ** 2)
    assert fit <= np.sum((y - np.einsum("tnd,td->tn", X, theta)) ** 2)            # the premise
    V = np.linalg.qr(np.hstack([Bh, truth.frame]))[0]
    def projected(t):                                   # ||P_t xi_t||^2, P_t onto col(X_t V)
        Z = X[t] @ V
        return np.linalg.norm(Z @ np.linalg.lstsq(Z, xi[t], rcond=None)[0]) ** 2

    proj = sum(projected(t) for t in range(T))
    in_sample = np.sum(np.einsum("tnd,td->tn", X, delta) ** 2)
    assert in_sample <= 4 * sigma ** 2 * proj * (1 + 1e-10)
    s = min(np.linalg.svd(X[t], compute_uv=False)[-1] for t in range(T))
    G = np.stack([X[t].T @ xi[t] for t in range(T)], axis=1)
    g2 = np.linalg.norm(G, 2) ** 2
    assert proj <= 2 * k * g2 / s ** 2 * (1 + 1e-10)
    assert np.sum(delta ** 2) <= 8 * k * sigma ** 2 * g2 / s ** 4 * (1 + 1e-10)
    perp = truth.frame - Bh @ (Bh.T @ truth.frame)
    assert np.sum(perp ** 2) <= 8 * k * sigma ** 2 * g2 / (s ** 4 * T * truth.nu) * (1 + 1e-10)
