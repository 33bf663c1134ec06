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


# ------------------------------------------------------------------ adaptrep-linear-e2e
A = get_bound("adaptrep-linear-e2e")


def adaptrep_by_hand(d, k, T, n, m, sigma, nu, delta0, fail_prob, head_scale):
    """docs/theory/adaptrep-linear-e2e.md, written out step by step."""
    p = fail_prob
    t_n, t6 = math.sqrt(2 * math.log(12 * T / p)), math.sqrt(2 * math.log(6 / p))
    S, s = math.sqrt(n) + math.sqrt(d) + t_n, math.sqrt(n) - math.sqrt(d) - t_n
    g = math.sqrt(2 * k) * S * (math.sqrt(d) + math.sqrt(T) + t6)
    gamma = 2 * delta0 * math.sqrt(T) * S * (math.sqrt(d * T) + t6)
    alpha = 2 * sigma * g / s ** 2
    beta = 2 * sigma * (2 * delta0 * math.sqrt(T) * g + gamma) / s ** 2
    D = (alpha + math.sqrt(alpha ** 2 + 4 * beta)) / 2              # the root of D^2 = alpha D + beta
    phi = (D + 2 * delta0 * math.sqrt(T)) ** 2 / (T * nu)
    u = head_scale * min(1.0, math.sqrt(phi)) + delta0
    head = (math.sqrt(u ** 2 + sigma ** 2) * (math.sqrt(k) + t6)
            + delta0 * (math.sqrt(k) + math.sqrt(d - k) + t6)) ** 2 / (math.sqrt(m) - math.sqrt(k) - t6) ** 2
    return (u + delta0) ** 2 + head


ADAPTREP_POINTS = [
    dict(d=10, k=2, T=100, n=2000, m=100, sigma=0.5, nu=0.5, delta0=0.02, fail_prob=0.05, head_scale=1.0),
    dict(d=50, k=4, T=400, n=5000, m=400, sigma=0.3, nu=1.0, delta0=0.0, fail_prob=0.01, head_scale=2.0),
    dict(d=20, k=3, T=10, n=400, m=60, sigma=2.0, nu=0.1, delta0=0.3, fail_prob=0.1, head_scale=1.0),  # Min = 1
]


@pytest.mark.parametrize("point", ADAPTREP_POINTS)
def test_adaptrep_value_matches_the_statement(point):
    assert float(A.evaluate(**point)) == pytest.approx(adaptrep_by_hand(**point), rel=1e-12)


def test_adaptrep_at_delta0_0_is_the_frozen_statement():
    """At delta0 = 0 the root is D = alpha and every perturbation term vanishes: the value is
    frozenrep-shared-e2e's statement, h^2 min(1, Phi) + (h^2 min(1, Phi) + sigma^2)(sqrt(k) + t)^2/(...)^2 with
    Phi = 8 k sigma^2 S^2 (sqrt(d) + sqrt(T) + t)^2/(s^4 T nu), at this page's split of fail_prob
    (t_n = sqrt(2 log(12T/p)) and t = sqrt(2 log(6/p)) everywhere)."""
    d, k, T, n, m, sigma, nu, p, h = 10, 2, 100, 2000, 100, 0.5, 0.5, 0.05, 1.0
    t_n, t6 = math.sqrt(2 * math.log(12 * T / p)), math.sqrt(2 * math.log(6 / p))
    S, s = math.sqrt(n) + math.sqrt(d) + t_n, math.sqrt(n) - math.sqrt(d) - t_n
    phi = 8 * k * sigma ** 2 * S ** 2 * (math.sqrt(d) + math.sqrt(T) + t6) ** 2 / (s ** 4 * T * nu)
    bias = h ** 2 * min(1.0, phi)
    frozen_form = bias + (bias + sigma ** 2) * (math.sqrt(k) + t6) ** 2 / (math.sqrt(m) - math.sqrt(k) - t6) ** 2
    point = dict(d=d, k=k, T=T, n=n, m=m, sigma=sigma, nu=nu, fail_prob=p, head_scale=h)
    assert float(A.evaluate(delta0=0.0, **point)) == pytest.approx(frozen_form, rel=1e-12)
    assert float(A.evaluate(delta0=1e-3, **point)) > frozen_form


def test_adaptrep_stated_regime_is_non_vacuous():
    """The frozen regime plus delta0/h <= 0.02: bound <= 0.61 h^2 < (1 - 0.02)^2 h^2 <= the zero predictor."""
    worst = 0.0
    for k, d, c, T, mk, ratio, h, dr in itertools.product(
            [2, 3, 4], [10, 15, 30, 100, 500], [200, 300, 2000], [50, 75, 400, 5000], [50, 80, 1000],
            [0.01, 0.2, 0.5], [0.5, 1.0, 3.0], [0.0, 0.01, 0.02]):
        v = float(A.evaluate(d=d, k=k, T=T, n=c * d, m=mk * k, sigma=ratio * h, nu=h ** 2 / k,
                             delta0=dr * h, fail_prob=0.05, head_scale=h)) / h ** 2
        worst = max(worst, v)
    assert worst <= 0.61 < (1 - 0.02) ** 2


def test_adaptrep_regime_edge_is_where_the_docs_say():
    """Beyond the stated regime the bound becomes vacuous: k = 4 at the worst corner with delta0/h = 0.05."""
    corner = dict(d=10, k=4, T=50, n=2000, m=200, sigma=0.5, nu=0.25, fail_prob=0.05, head_scale=1.0)
    assert float(A.evaluate(delta0=0.02, **corner)) <= 0.61
    assert float(A.evaluate(delta0=0.05, **corner)) > 1.0


def test_adaptrep_bound_over_h2_depends_on_sigma_and_delta0_over_h_only():
    point = dict(d=20, k=3, T=100, n=4000, m=300, fail_prob=0.05)
    a = float(A.evaluate(sigma=0.4, head_scale=1.0, nu=1 / 3, delta0=0.02, **point))
    b = float(A.evaluate(sigma=1.2, head_scale=3.0, nu=9 / 3, delta0=0.06, **point)) / 9
    assert a == pytest.approx(b, rel=1e-12)


def test_adaptrep_outside_the_domain_the_bound_is_undefined():
    base = dict(k=2, T=100, m=200, sigma=0.5, nu=0.5, delta0=0.02, fail_prob=0.05, head_scale=1.0)
    with pytest.raises(ValueError, match=r"sqrt\(n\) > sqrt\(d\)"):
        A.evaluate(d=50, n=60, **base)
    with pytest.raises(ValueError, match=r"sqrt\(m\) > sqrt\(k\)"):
        A.evaluate(d=10, n=2000, **dict(base, m=20))
    for premise in ("source_fit_excess <= 1e-12", "source_delta_norm <= delta0*(1 + 1e-9) + 1e-12", "fw_gap <= 1e-8"):
        assert premise in A.premises


@pytest.mark.parametrize("seed", range(4))
def test_adaptrep_derivations_deterministic_steps_hold_on_simulated_draws(seed):
    """On ADAPTREP fits with delta0 > 0 (docs/theory/adaptrep-linear-e2e.md, with the realised s, S, ||G||,
    chi-squares, nu): the source's quadratic inequality and the frame bound, then the target step's
    Pythagorean split and the bound on its head error, uniform in the perturbation."""
    d, k, T, n, m, sigma, delta0 = 8, 2, 30, 80, 40, 0.7, 0.15
    setting = make_setting("linear", dict(d=d, k=k, T=T, n=n, m=m, sigma=sigma, delta0=delta0))
    truth, sources = setting.draw_sources(generator(np.random.SeedSequence(seed)))
    learner = make_learner("adaptrep", setting, truth).fit(sources)
    Bh, W, Dl = learner.representation_, learner.source_heads_, learner.source_deltas_
    X, y = sources.X, sources.y
    theta = truth.heads @ truth.frame.T + truth.perturbations
    xi = (y - np.einsum("tnd,td->tn", X, theta)) / sigma
    theta_hat = W @ Bh.T + Dl
    assert np.all(np.linalg.norm(Dl, axis=1) <= delta0 * (1 + 1e-9))                 # the premises
    assert np.sum((y - np.einsum("tnd,td->tn", X, theta_hat)) ** 2) <= np.sum(
        (y - np.einsum("tnd,td->tn", X, theta)) ** 2)
    Delta = theta_hat - theta
    c = Dl - truth.perturbations                                                       # ||c_t|| <= 2 delta0
    L = Delta - c                                                                      # in span(B_hat, B*)
    G = np.stack([X[t].T @ xi[t] for t in range(T)], axis=1)
    g_op, D2, ell = np.linalg.norm(G, 2), np.sum(Delta ** 2), math.sqrt(np.sum(L ** 2))
    s = min(np.linalg.svd(X[t], compute_uv=False)[-1] for t in range(T))
    S = max(np.linalg.svd(X[t], compute_uv=False)[0] for t in range(T))
    chi = sum(np.linalg.norm(X[t] @ np.linalg.lstsq(X[t], xi[t], rcond=None)[0]) ** 2 for t in range(T))
    gamma = 2 * delta0 * math.sqrt(T) * S * math.sqrt(chi)
    # s^2 D^2 <= sum ||X Delta||^2 <= 2 sigma (sqrt(2k) ||G|| ell + Gamma), ell <= D + 2 delta0 sqrt(T)
    in_sample = np.sum(np.einsum("tnd,td->tn", X, Delta) ** 2)
    assert s ** 2 * D2 <= in_sample * (1 + 1e-10)
    cross = sum(xi[t] @ (X[t] @ Delta[t]) for t in range(T))
    assert in_sample <= 2 * sigma * cross * (1 + 1e-10)                              # the basic inequality
    assert sum(G[:, t] @ L[t] for t in range(T)) <= math.sqrt(2 * k) * g_op * ell * (1 + 1e-10)
    assert sum(G[:, t] @ c[t] for t in range(T)) <= gamma * (1 + 1e-10)
    assert np.all(np.linalg.norm(c, axis=1) <= 2 * delta0 * (1 + 1e-9))
    assert ell <= math.sqrt(D2) + 2 * delta0 * math.sqrt(T) + 1e-12
    alpha = 2 * sigma * math.sqrt(2 * k) * g_op / s ** 2
    beta = 2 * sigma * (math.sqrt(2 * k) * g_op * 2 * delta0 * math.sqrt(T) + gamma) / s ** 2
    D_bound = (alpha + math.sqrt(alpha ** 2 + 4 * beta)) / 2
    assert math.sqrt(D2) <= D_bound * (1 + 1e-10)
    perp = truth.frame - Bh @ (Bh.T @ truth.frame)
    assert np.sum(perp ** 2) <= (D_bound + 2 * delta0 * math.sqrt(T)) ** 2 / (T * truth.nu) * (1 + 1e-10)
    # the target step: Pythagoras and ||a|| <= (sqrt(||u||^2 + sigma^2)-part + r ||G_0||) / s_min(Z), realised
    target, data = setting.draw_target(generator(np.random.SeedSequence([seed, 1])), truth, Bh)
    learner.adapt(data)
    theta0 = target.theta
    u = theta0 - Bh @ (Bh.T @ theta0)
    a = Bh.T @ (learner.theta_ - theta0)
    err2 = np.sum((learner.theta_ - theta0) ** 2)
    off = learner.theta_ - theta0 - Bh @ a
    assert err2 == pytest.approx(a @ a + off @ off, rel=1e-10)
    assert np.linalg.norm(off) <= np.linalg.norm(u) + delta0 * (1 + 1e-9) + 1e-12
    Z = data.X @ Bh
    Uperp = np.linalg.svd(np.eye(d) - Bh @ Bh.T)[0][:, : d - k]
    Xperp = data.X @ Uperp
    eta = data.X @ u + (data.y - data.X @ theta0)                                     # X_perp u + sigma xi
    M = np.linalg.solve(Z.T @ Z, Z.T @ Xperp)
    a_noise = np.linalg.solve(Z.T @ Z, Z.T @ eta)
    s_z = np.linalg.svd(Z, compute_uv=False)[-1]
    assert np.linalg.norm(a) <= (np.linalg.norm(a_noise) + np.linalg.norm(M, 2) * delta0) * (1 + 1e-9) + 1e-12
    PZ_eta = np.linalg.norm(Z @ a_noise)
    assert np.linalg.norm(a_noise) <= PZ_eta / s_z * (1 + 1e-10)
    assert np.linalg.norm(M, 2) <= np.linalg.norm(np.linalg.cholesky(Z.T @ Z).T @ M, 2) / s_z * (1 + 1e-10)
