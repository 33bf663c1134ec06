"""The Monte Carlo Bayes risk sits above the Jensen lower bounds."""

from __future__ import annotations

import numpy as np
import pytest

from bounds import bayes_risk_monte_carlo, get_bound


@pytest.mark.parametrize(("d", "k", "m", "eps", "sigma"), [
    (30, 3, 20, 0.1, 1.0), (12, 2, 40, 1 / 6, 0.5), (8, 4, 3, 0.5, 2.0)])
def test_frozen_bayes_risk_above_jensen_bound(d, k, m, eps, sigma):
    mean, se = bayes_risk_monte_carlo(d, k, m, eps, sigma, None, draws=1500, rng=0)
    bound = float(get_bound("frozen-lower-bayes").evaluate(d=d, k=k, m=m, eps=eps, sigma=sigma))
    assert se > 0
    assert mean - bound > 5 * se


def test_target_only_bayes_is_the_eps_one_k_zero_case():
    d, m, sigma, tau2 = 6, 15, 1.0, 0.4
    mean, se = bayes_risk_monte_carlo(d, 0, m, 1.0, sigma, tau2, draws=1500, rng=1)
    bound = float(get_bound("target-only-bayes").evaluate(d=d, m=m, sigma=sigma, tau2=tau2))
    assert mean - bound > 5 * se


def test_matches_slow_reference_formula():
    d, k, m, eps, sigma, tau2, draws = 9, 3, 4, 0.3, 0.7, 0.8, 50
    mean, se = bayes_risk_monte_carlo(d, k, m, eps, sigma, tau2, draws=draws, rng=7)
    x = np.random.default_rng(7).standard_normal((draws, m, d - k)) * np.sqrt(eps)
    ref = [eps * np.trace(np.linalg.inv(xi.T @ xi / sigma**2 + np.eye(d - k) / tau2))
           for xi in x]
    assert mean == pytest.approx(np.mean(ref), rel=1e-10)
    assert se == pytest.approx(np.std(ref, ddof=1) / np.sqrt(draws), rel=1e-8)


def test_reproducible_and_validated():
    assert bayes_risk_monte_carlo(10, 2, 5, 0.2, 1.0, draws=20, rng=3) == \
        bayes_risk_monte_carlo(10, 2, 5, 0.2, 1.0, draws=20, rng=3)
    with pytest.raises(ValueError, match="d - k"):
        bayes_risk_monte_carlo(3, 3, 5, 0.2, 1.0)
