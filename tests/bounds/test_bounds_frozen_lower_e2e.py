"""frozen-lower-e2e: the stated regime, the domain, and the deterministic steps of its derivation checked on
simulated draws with the realised singular values and noise (docs/theory/frozen-lower-e2e.md)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from bounds import get_bound
from simulations import make_learner, make_setting
from simulations.seeding import generator

B = get_bound("frozen-lower-e2e")


def test_the_stated_regime_is_non_vacuous():
    """Balanced heads, 0.9 <= delta0 <= 2, sigma <= 1, 10 <= d <= 100, 2 <= k <= 4, T = 2k j (1 <= j <= 50),
    n >= 1e9, p = 0.05: the bound is at least 0.24 (the idealised frame's value is 1/2); n >= 1e10: 0.35."""
    for n_min, floor in [(10 ** 9, 0.24), (10 ** 10, 0.35)]:
        worst = math.inf
        for d, k, j, n, sigma, delta0 in itertools.product(
                [10, 20, 50, 100], [2, 3, 4], [1, 5, 50], [n_min, 10 * n_min, 10 ** 14], [0.1, 0.5, 1.0],
                [0.9, 1.0, 1.5, 2.0]):
            worst = min(worst, float(B.evaluate(d=d, k=k, T=2 * k * j, n=n, sigma=sigma, delta0=delta0,
                                                fail_prob=0.05)))
        assert worst >= floor, (n_min, worst)


def test_the_bound_tends_to_the_idealised_frames_one_half():
    assert float(B.evaluate(d=10, k=2, T=20, n=10 ** 16, sigma=1.0, delta0=1.0, fail_prob=0.05)) > 0.49
    assert float(B.evaluate(d=10, k=2, T=20, n=10 ** 5, sigma=1.0, delta0=1.0, fail_prob=0.05)) == 0.0  # vacuous


def test_outside_the_domain_the_bound_is_undefined():
    with pytest.raises(ValueError, match=r"delta0\*\*2 > 1/2"):
        B.evaluate(d=10, k=2, T=20, n=10 ** 10, sigma=1.0, delta0=0.7, fail_prob=0.05)
    with pytest.raises(ValueError, match=r"< 1"):
        B.evaluate(d=10, k=2, T=20, n=20, sigma=1.0, delta0=1.0, fail_prob=0.05)
    for premise in ("comparator_fit_excess <= 0", "head_imbalance <= 1e-12", "ft_radius <= 0"):
        assert premise in B.premises


def _projection(Q):
    return Q @ Q.T


@pytest.mark.parametrize("source_data, n", [("samples", 3000), ("statistics", 10 ** 9)])
@pytest.mark.parametrize("seed", range(3))
def test_the_derivations_deterministic_steps_hold_on_simulated_draws(seed, source_data, n):
    """FROZENREP on the hard case, in whitened coordinates (W_t = X_t Sigma^{-1/2}; everything from the sufficient
    statistics, so the same test runs at n = 1e9): the premise, the two-sided comparison of H with
    n tr(Q' K Q)/(l or L), R = Phi Phi'/T exactly, the curvature inequality, the bound on ||K/T - R|| through
    ||E_hat||_F, the resulting x <= x_bar, and the final residual of every head at the worst-case target (all with
    the realised l, L, ||E_hat||_F).  At n = 3000 x_bar exceeds 1 (the final step is then trivial); at n = 1e9
    it is about 0.07 and the residual floor about 0.43."""
    d, k, T, sigma, delta0 = 6, 2, 8, 0.5, 1.0
    setting = make_setting("linear-hard", dict(d=d, k=k, T=T, n=n, m=10, sigma=sigma, delta0=delta0,
                                               heads="balanced", source_data=source_data))
    truth, sources = setting.draw_sources(generator(np.random.SeedSequence(seed)))
    learner = make_learner("frozenrep", setting, truth).fit(sources)
    half = np.sqrt(np.diag(truth.covariance))
    S = sources.gram / np.outer(half, half)                                  # W_t' W_t
    c = sources.cross / half                                                 # W_t' y_t
    E = np.eye(d)[:, d - k:]
    Q = np.linalg.qr(half[:, None] * learner.representation_)[0]             # whitened learned frame

    def H(F):                                                                # sum_t y' P_{W_t F} y
        r = c @ F
        return float(sum(r[t] @ np.linalg.solve(F.T @ S[t] @ F, r[t]) for t in range(T)))

    assert H(Q) >= H(E)                                                      # the premise
    eig = np.linalg.eigvalsh(S)
    L, l = eig[:, -1].max() / n, eig[:, 0].min() / n
    Z = c / n                                                                # z_t = W_t' y_t / n
    K = Z.T @ Z / T
    assert H(Q) <= n * T * np.trace(Q.T @ K @ Q) / l * (1 + 1e-10)
    assert H(E) >= n * T * np.trace(E.T @ K @ E) / L * (1 - 1e-10)
    Phi = truth.thetas * half                                                # phi_t = Sigma^{1/2} theta_t
    Bs = truth.frame
    R = Bs @ Bs.T / (2 * k) + delta0 ** 2 * E @ E.T / k
    assert np.allclose(Phi.T @ Phi / T, R, atol=1e-12)                      # balanced heads: exactly R
    g = (delta0 ** 2 - 0.5) / k
    x = math.sqrt(max(0.0, k - np.linalg.norm(Q.T @ E) ** 2))               # ||sin Theta(Q, E)||_F
    assert np.trace(E.T @ R @ E) - np.trace(Q.T @ R @ Q) >= g * x ** 2 * (1 - 1e-9) - 1e-12
    Delta = K - R
    gap = np.trace((_projection(E) - _projection(Q)) @ Delta)
    assert abs(gap) <= 2 * math.sqrt(k) * np.linalg.norm(Delta, 2) * x * (1 + 1e-9) + 1e-15
    eps = np.linalg.norm(Z - Phi) / math.sqrt(T)
    delta_op = 2 * delta0 * eps / math.sqrt(k) + eps ** 2
    assert np.linalg.norm(Delta, 2) <= delta_op * (1 + 1e-10)
    kappa = 1 - l / L
    x_bar = (2 * math.sqrt(k) * delta_op + math.sqrt(4 * k * delta_op ** 2 + 4 * g * kappa * (delta0 ** 2 + k * delta_op))
             ) / (2 * g)
    assert x <= x_bar * (1 + 1e-10)
    if source_data == "statistics":
        assert x_bar < 0.1
    tau = min(1.0, x_bar)
    floor = max(0.0, math.sqrt((1 - tau ** 2) / 2) - delta0 * tau) ** 2
    target, _ = setting.draw_target(generator(np.random.SeedSequence([seed, 1])), truth, learner.representation_)
    x0 = half * target.theta                                                 # Sigma^{1/2} theta_0
    residual = np.linalg.norm(x0 - Q @ (Q.T @ x0)) ** 2                      # the best head's excess risk
    assert residual >= floor * (1 - 1e-10)
    sin_max = math.sqrt(max(0.0, 1 - np.linalg.svd(Q.T @ E, compute_uv=False).min() ** 2))
    assert residual >= max(0.0, math.sqrt((1 - sin_max ** 2) / 2) - delta0 * sin_max) ** 2 * (1 - 1e-10)
    # and the bound itself, at the problem constants, is below the realised floor's ingredients' worst case
    assert float(B.evaluate(d=d, k=k, T=T, n=n, sigma=sigma, delta0=delta0, fail_prob=0.05)) <= residual
