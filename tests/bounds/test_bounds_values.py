"""Hand-computed values of every registered bound at fixed constants."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bounds import BOUNDS, get_bound
from bounds_testpoints import VALID

CONF_HALF = math.sqrt(2 * math.log(4) / 16)  # b sqrt(2 log(2/0.5)/16), b = 1

#: (bound, value at VALID[bound], breakdown at VALID[bound]) computed by hand.
HAND = {
    # 4*1*1*2*(sqrt(1/4) + 0.5)/sqrt(16) = 2
    "finetune-step": (2 + CONF_HALF, {"finetune": 2.0, "confidence": CONF_HALF}),
    # 4*1*2*(1*sqrt(1/4) + 0.1*5*1)/4 = 2
    "gd-radius": (2 + CONF_HALF, {"finetune": 2.0, "confidence": CONF_HALF}),
    # head 5/50, perturbation 4*0.1*sqrt(2), ceiling 50/50
    "finetune-linear": (0.1 + 0.4 * math.sqrt(2),
                        {"head": 0.1, "perturbation": 0.4 * math.sqrt(2), "ceiling": 1.0}),
    # 4*0.5 + 6*4*2/100 + 8*2*0.5*sqrt(25/100)
    "adaptrep-linear": (6.48, {"representation": 2.0, "head": 0.48, "perturbation": 4.0}),
    # 1*2*10/(5*4*0.5) + 2/20 + min(0.09, 10/20)
    "adaptrep-linear-rate": (2.19, {"transfer": 2.0, "head": 0.1, "perturbation": 0.09}),
    # 10*2/20 + 2/20
    "frozenrep-shared": (1.1, {"transfer": 1.0, "head": 0.1}),
    # 4*10/(21 - 11)
    "target-only": (4.0, {"variance": 4.0}),
    # 3/(14 - 4)
    "oracle-head": (0.3, {"variance": 0.3}),
    "frozen-lower-bias": (0.5, {"bias": 0.5}),
    # 0.5*10/(20*0.5/1 + 1/1)
    "frozen-lower-bayes": (5 / 11, {"bayes": 5 / 11}),
    # 5*1*0.5/(10*0.5 + 1)
    "target-only-bayes": (2.5 / 6, {"bayes": 2.5 / 6}),
    # (sqrt(64/16) + sqrt(4/4) + 0.5*sqrt(16/4))/0.5 + sqrt(4/16) + 0.5*sqrt(1) + sqrt(4/16)
    "adaptrep-logistic": (9.5, {"transfer": 8.0, "finetune": 1.0, "confidence": 0.5}),
    # 4*2/4 + 16*0.5*sqrt(4/16) + conf
    "network-finetune": (6 + CONF_HALF, {"head": 2.0, "perturbation": 4.0,
                                         "confidence": CONF_HALF}),
    # (sqrt(64/16) + sqrt(4/4) + 0.5*sqrt(64/4))/0.5 + sqrt(4/16) + 0.5*sqrt(64/16) + sqrt(4/16)
    "adaptrep-network-rate": (12.0, {"transfer": 10.0, "finetune": 1.5, "confidence": 0.5}),
    # 4*2*(1*sqrt(1/4) + 0.5)/4 = 2; b = log(1 + e^(2*(1 + 0.5)))
    "finetune-logistic": (2 + math.log1p(math.exp(3)) * CONF_HALF,
                          {"finetune": 2.0, "confidence": math.log1p(math.exp(3)) * CONF_HALF}),
    # 4*1*2*(sqrt(1/4) + 0.3)/4 = 1.6; (0.7 + 2*(1 + 2*0.3)) sqrt(2 log(2*11/0.5)/16); gap 0.1
    "gd-radius-observed": (1.6 + 3.9 * math.sqrt(2 * math.log(44) / 16) + 0.1,
                           {"finetune": 1.6, "confidence": 3.9 * math.sqrt(2 * math.log(44) / 16),
                            "gap": 0.1}),
}


def test_every_bound_has_a_hand_value():
    assert set(HAND) == set(BOUNDS) == set(VALID)


@pytest.mark.parametrize("name", sorted(HAND))
def test_value_and_breakdown_match_hand_computation(name):
    bound = get_bound(name)
    value, parts = HAND[name]
    assert float(bound.evaluate(**VALID[name])) == pytest.approx(value, rel=1e-12)
    got = bound.breakdown(**VALID[name])
    assert list(got) == list(parts)
    for term, expected in parts.items():
        assert float(got[term]) == pytest.approx(expected, rel=1e-12), term


def test_finetune_linear_ceiling_takes_over():
    b = get_bound("finetune-linear")
    # delta0 = 1: head + perturbation = 0.1 + 4 sqrt(2) > ceiling = 1
    assert float(b.evaluate(d=100, k=5, m=50, sigma=1, delta0=1.0)) == pytest.approx(1.0)
    # m > d: ceiling sigma^2 d/m = 100/400
    assert float(b.evaluate(d=100, k=5, m=400, sigma=1, delta0=1.0)) == pytest.approx(0.25)


def test_frozen_lower_bayes_default_tau2_gives_closed_form():
    b = get_bound("frozen-lower-bayes")
    d, k, m, sigma = 12, 2, 20, 1.5
    expected = sigma**2 * (d - k) / (2 * sigma**2 * (d - k) + m)
    for eps in (0.05, 0.5, 3.0):
        got = float(b.evaluate(d=d, k=k, m=m, eps=eps, sigma=sigma))
        assert got == pytest.approx(expected, rel=1e-12)


def test_frozen_lower_bias_is_one_half_for_every_eps():
    eps = np.array([1e-4, 0.01, 0.3, 1.0, 7.0])
    np.testing.assert_allclose(get_bound("frozen-lower-bias").evaluate(eps=eps), 0.5)


def test_gd_radius_is_finetune_step_at_substituted_radius():
    rng = np.random.default_rng(3)
    eta, s, G, c_w = rng.uniform(0.01, 1, 20), rng.integers(0, 30, 20), rng.uniform(0.1, 3, 20), \
        rng.uniform(0.5, 4, 20)
    common = dict(d=50, k=3, m=40, L=1.5, b=2.0, R=3.0, fail_prob=0.05)
    gd = get_bound("gd-radius").evaluate(eta=eta, s=s, G=G, c_w=c_w, **common)
    ft = get_bound("finetune-step").evaluate(delta0=eta * s * G / c_w, c_w=c_w, **common)
    np.testing.assert_allclose(gd, ft, rtol=1e-12)


def test_adaptrep_linear_broadcasts_over_rep_error_column():
    rep_error = np.linspace(0, 2, 7)
    point = dict(VALID["adaptrep-linear"], rep_error=rep_error)
    got = get_bound("adaptrep-linear").evaluate(**point)
    np.testing.assert_allclose(got, 4 * rep_error + 0.48 + 4.0)


def test_exact_bounds_match_monte_carlo_of_least_squares():
    # target-only: E (theta_hat - theta)^T (theta_hat - theta) = sigma^2 tr E (X^T X)^{-1}
    rng = np.random.default_rng(0)
    d, m, sigma, reps = 3, 12, 1.0, 4000
    x = rng.standard_normal((reps, m, d))
    tr = np.trace(np.linalg.inv(np.einsum("rmi,rmj->rij", x, x)), axis1=1, axis2=2)
    mc, se = sigma**2 * tr.mean(), sigma**2 * tr.std(ddof=1) / np.sqrt(reps)
    exact = float(get_bound("target-only").evaluate(d=d, m=m, sigma=sigma))
    assert abs(mc - exact) < 4 * se
    # oracle-head is target-only in dimension k
    assert float(get_bound("oracle-head").evaluate(k=d, m=m, sigma=sigma)) == exact


def test_finetune_logistic_is_finetune_step_with_the_logistic_loss():
    # L = 1, b = log(1 + exp(R (c_w + delta0))), class radius delta0 = delta0_step * c_w
    rng = np.random.default_rng(4)
    delta0, c_w, R = rng.uniform(0, 2, 20), rng.uniform(0.5, 3, 20), rng.uniform(0.5, 4, 20)
    common = dict(d=30, k=3, m=50, fail_prob=0.05)
    lg = get_bound("finetune-logistic").evaluate(delta0=delta0, c_w=c_w, R=R, **common)
    ft = get_bound("finetune-step").evaluate(delta0=delta0 / c_w, c_w=c_w, R=R, L=1.0,
                                             b=np.log1p(np.exp(R * (c_w + delta0))), **common)
    np.testing.assert_allclose(lg, ft, rtol=1e-12)


def test_gd_radius_observed_floors_the_radius_at_the_grid_start():
    b = get_bound("gd-radius-observed")
    point = dict(VALID["gd-radius-observed"])
    at_floor = float(b.evaluate(**dict(point, gd_radius=point["r_min"])))
    below = float(b.evaluate(**dict(point, gd_radius=0.0)))
    assert below == pytest.approx(at_floor, rel=1e-14)
    assert float(b.evaluate(**dict(point, gd_radius=0.5))) > at_floor
