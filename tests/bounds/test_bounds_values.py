"""Hand-computed values of every registered bound at fixed constants."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bounds import BOUNDS, get_bound
from bounds_testpoints import VALID

FL_DIAMETER = 0.04 * ((math.sqrt(45) + math.sqrt(95)) ** 2 + 1) / 50
# frozenrep-shared-e2e at d=10, k=2, T=100, n=2000, m=100, sigma=0.5, nu=0.5, p=0.05, h=1:
# t_n = sqrt(2 log(12000)), S, s = sqrt(2000) +- (sqrt(10) + t_n), t_G = sqrt(2 log 60), t_m = sqrt(2 log 120)
_TN = math.sqrt(2 * math.log(12000))
_S, _s = math.sqrt(2000) + math.sqrt(10) + _TN, math.sqrt(2000) - math.sqrt(10) - _TN
FR_E2E_REP = min(1.0, 8 * 2 * 0.25 * _S ** 2 * (math.sqrt(10) + 10 + math.sqrt(2 * math.log(60))) ** 2
                 / (_s ** 4 * 100 * 0.5))
FR_E2E_HEAD = (FR_E2E_REP + 0.25) * (math.sqrt(2) + math.sqrt(2 * math.log(120))) ** 2 \
    / (10 - math.sqrt(2) - math.sqrt(2 * math.log(120))) ** 2
# adaptrep-linear-e2e at the same point with delta0 = 0.02 (docs/theory/adaptrep-linear-e2e.md):
# t_n = sqrt(2 log(24000)), t = sqrt(2 log 120); D the positive root of D^2 = alpha D + beta
_AT, _T6 = math.sqrt(2 * math.log(24000)), math.sqrt(2 * math.log(120))
_AS, _As = math.sqrt(2000) + math.sqrt(10) + _AT, math.sqrt(2000) - math.sqrt(10) - _AT
_AG = 2 * _AS * (math.sqrt(10) + 10 + _T6)                          # sqrt(2k) S (sqrt d + sqrt T + t)
_AGAMMA = 2 * 0.02 * 10 * _AS * (math.sqrt(1000) + _T6)              # 2 delta0 sqrt(T) S (sqrt(dT) + t)
_AALPHA, _ABETA = 2 * 0.5 * _AG / _As ** 2, 2 * 0.5 * (2 * 0.02 * 10 * _AG + _AGAMMA) / _As ** 2
_AD = (_AALPHA + math.sqrt(_AALPHA ** 2 + 4 * _ABETA)) / 2
_AU = min(1.0, math.sqrt((_AD + 2 * 0.02 * 10) ** 2 / (100 * 0.5))) + 0.02
AE_REP = (_AU + 0.02) ** 2
AE_HEAD = (math.sqrt(_AU ** 2 + 0.25) * (math.sqrt(2) + _T6) + 0.02 * (math.sqrt(2) + math.sqrt(8) + _T6)) ** 2 \
    / (10 - math.sqrt(2) - _T6) ** 2
# adaptrep-logistic-e2e at d=4, k=1, T=20, n=4e4, m=1e5, nu=1, delta0=0.02, c_w=1.2, h=1, R=2, p=0.05
# (docs/theory/adaptrep-logistic-e2e.md): x = log 80, r = 1.22, W = 2.44, N = 8e5, R^2/d = 1, V = 14/25;
# Rad = min(shared branch c_w sqrt(Tk) R (sqrt(2 n 5 log 24) + log(24)/3)/N, single-task c_w R/sqrt(n)) + delta0 R/sqrt(n)
_LX, _LW, _LN = math.log(80), 2.44, 8e5
_LRAD = min(1.2 * math.sqrt(20) * 2 * (math.sqrt(2 * 4e4 * 5 * math.log(24)) + math.log(24) / 3) / _LN,
            1.2 * 2 / 200) + 0.02 * 2 / 200
_LMC = _LW * math.sqrt(_LX / (2 * _LN))
_LEPS = 2 * _LRAD + _LMC + min(_LMC, math.sqrt(2 * 0.56 * _LX / _LN) + _LW * _LX / (3 * _LN))
_LPHI = math.exp(-_LW * math.sqrt(0.5)) / (1 + math.exp(-_LW * math.sqrt(0.5))) ** 2    # u = r R sqrt(3/6)
_LFRAME = (math.sqrt(40 * _LEPS / _LPHI) + 0.04 * math.sqrt(20)) ** 2 / 20
LE = {"finetune": 4 * (1.2 * 0.5 + 0.02) / math.sqrt(1e5), "confidence": _LW * math.sqrt(_LX / 2e5),
      "comparator": min(_LW * math.sqrt(_LX / 2e5), _LW * math.sqrt(2 * _LX / 4e5) + _LW * _LX / 3e5),
      "representation": min(1.0, _LFRAME) / 8}
# frozen-lower-e2e at d=10, k=2, T=20, n=1e10, sigma=1, delta0=1, p=0.05 (docs/theory/frozen-lower-e2e.md):
_FA = (math.sqrt(10) + math.sqrt(2 * math.log(80 / 0.05))) / 1e5
_FKAPPA = 1 - (1 - _FA) ** 2 / (1 + _FA) ** 2
_FEPS = ((1 + _FA) ** 2 - 1) * math.sqrt(1.5) + (1 + _FA) * (math.sqrt(10) + math.sqrt(2 * math.log(40)) / math.sqrt(20)) / 1e5
_FDELTA = 2 * _FEPS / math.sqrt(2) + _FEPS ** 2
_FX = (2 * math.sqrt(2) * _FDELTA + math.sqrt(8 * _FDELTA ** 2 + 4 * 0.25 * _FKAPPA * (1 + 2 * _FDELTA))) / 0.5
FL_E2E = (math.sqrt((1 - _FX ** 2) / 2) - _FX) ** 2
AL_DIAMETER = (math.sqrt((math.sqrt(98) + math.sqrt(23)) ** 2 + 1) + math.sqrt(49)) ** 2 / 100
CONF_HALF = math.sqrt(2 * math.log(4) / 16)  # b sqrt(2 log(2/0.5)/16), b = 1
CONF_ONE = math.sqrt(2 * math.log(2) / 16)  # b sqrt(2 log(1/0.5)/16), b = 1 (finetune-step, gd-radius)
LG_CONF = 3 * math.sqrt(math.log(4) / 32)
LG_COMP = min(LG_CONF, math.sqrt(2 * 0.56 * math.log(4) / 16) + 3 * math.log(4) / 48)
GD_CONF = 3.9 * math.sqrt(math.log(44) / 32)
GD_COMP = min(2.7 * math.sqrt(math.log(4) / 32),
              math.sqrt(2 * 1.35**2 * math.log(4) / 16) + 2.7 * math.log(4) / 48)


def _erm_certificate(gnorm2, fisher, u, um, vi):
    """phi2(u) fisher x^2, x = (sqrt(gnorm2) + sqrt(gnorm2 + 4 phi1(um) vi))/(2 phi1(um))."""
    phi1 = -math.expm1(-um) / um
    phi2 = (math.expm1(u) - u) / u**2
    x = (math.sqrt(gnorm2) + math.sqrt(gnorm2 + 4 * phi1 * vi)) / (2 * phi1)
    return phi2 * fisher * x**2


def _gap_certificate(gnorm2, fisher, u, um, gap):
    """phi2(u) fisher x^2, x = (sqrt(gnorm2) + sqrt(max(0, gnorm2 + 4 phi3(um) gap)))/(2 phi3(um))."""
    phi3 = (math.expm1(-um) + um) / um**2
    phi2 = (math.expm1(u) - u) / u**2
    x = (math.sqrt(gnorm2) + math.sqrt(max(0.0, gnorm2 + 4 * phi3 * gap))) / (2 * phi3)
    return phi2 * fisher * x**2

#: (bound, value at VALID[bound], breakdown at VALID[bound]) computed by hand.
HAND = {
    # 2*1*1*2*(sqrt(1/4) + 0.5)/sqrt(16) = 1; b sqrt(2 log(1/0.5)/16), b = 1
    "finetune-step": (1 + CONF_ONE, {"finetune": 1.0, "confidence": CONF_ONE}),
    # 2*1*2*(1*sqrt(1/4) + 0.1*5*1)/4 = 1
    "gd-radius": (1 + CONF_ONE, {"finetune": 1.0, "confidence": CONF_ONE}),
    # d = 100, k = 5, m = 50, sigma = 1, delta0 = 0.1: head 5/50, ceiling min(45, 95)/50,
    # slow 4*0.1*sqrt(45*95)/50, diameter 4*0.01*((sqrt 45 + sqrt 95)^2 + 1)/50; value head + min(...)
    "finetune-linear": (0.1 + FL_DIAMETER,
                        {"head": 0.1, "ceiling": 0.9, "slow": 0.4 * math.sqrt(45 * 95) / 50,
                         "diameter": FL_DIAMETER}),
    # d = 25, k = 2, m = 100, sigma = 2, delta0 = 0.5, rep_error = 0.5, tr C = 23, ||C|| = 1 (defaults):
    # head 4*2/100, representation 0.98*0.5, ceiling 4*23/100, slow 4*2*0.5*sqrt(98*23)/100,
    # diameter (2*0.5*sqrt((sqrt 98 + sqrt 23)^2 + 1) + sqrt(98*0.5))^2/100
    "adaptrep-linear": (0.08 + 0.49 + 0.92,
                        {"head": 0.08, "representation": 0.49, "ceiling": 0.92,
                         "slow": 4 * math.sqrt(98 * 23) / 100, "diameter": AL_DIAMETER}),
    # 10/(5*4*0.5) + 2/20 + min(min(20, 10)/20, 0.09*(1 + sqrt(10/20))**2)
    "adaptrep-linear-rate": (1.1 + 0.09 * (1 + math.sqrt(0.5)) ** 2,
                             {"transfer": 1.0, "head": 0.1, "perturbation": 0.09 * (1 + math.sqrt(0.5)) ** 2}),
    # 10*2/20 + 2/20
    "frozenrep-shared": (1.1, {"transfer": 1.0, "head": 0.1}),
    # see FR_E2E below
    "frozenrep-shared-e2e": (FR_E2E_REP + FR_E2E_HEAD, {"representation": FR_E2E_REP, "head": FR_E2E_HEAD}),
    "frozen-lower-e2e": (FL_E2E, {"bias": FL_E2E}),
    "adaptrep-linear-e2e": (AE_REP + AE_HEAD, {"representation": AE_REP, "head": AE_HEAD}),
    "adaptrep-logistic-e2e": (sum(LE.values()), LE),
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
    # 2*1*1*2/4 + 8*1*1*0.5*1*sqrt(4/16) + conf (one-sided contraction: factor 2)
    "network-finetune": (3 + CONF_HALF, {"head": 1.0, "perturbation": 2.0,
                                         "confidence": CONF_HALF}),
    # the value is the per-replicate column itself
    "network-head-exact": (0.25, {"expected": 0.25}),
    "network-head-exact-test": (0.4, {"expected": 0.4}),
    # (sqrt(64/16) + sqrt(4/4) + 0.5*sqrt(64/4))/0.5 + sqrt(4/16) + 0.5*sqrt(64/16) + sqrt(4/16)
    "adaptrep-network-rate": (12.0, {"transfer": 10.0, "finetune": 1.5, "confidence": 0.5}),
    # 2*2*(1*sqrt(1/4) + 0.5)/4 = 1; W = 2*(1 + 0.5) = 3: W sqrt(log 4/32);
    # comparator min(W sqrt(log 4/32), sqrt(2*0.56*log 4/16) + W log 4/48) (Bernstein, V = min(14/25, 9/4))
    "finetune-logistic": (1 + LG_CONF + LG_COMP, {"finetune": 1.0, "confidence": LG_CONF,
                                                  "comparator": LG_COMP}),
    # 2*1*2*(sqrt(1/4) + 2*0.3)/4 = 1.1; (0.7 + 2*(1 + 2*0.3)) sqrt(log(2*11/0.5)/32);
    # comparator min(2.7 sqrt(log 4/32), sqrt(2 v log 4/16) + 2.7 log 4/48), v = (2/2 + 0.35)^2; gap 0.1
    "gd-radius-observed": (1.1 + GD_CONF + GD_COMP + 0.1,
                           {"finetune": 1.1, "confidence": GD_CONF, "comparator": GD_COMP, "gap": 0.1}),
    "logistic-erm-certificate": (_erm_certificate(0.04, 1.5, 0.8, 0.5, 0.01),
                                 {"certificate": _erm_certificate(0.04, 1.5, 0.8, 0.5, 0.01)}),
    "logistic-gap-certificate": (_gap_certificate(0.04, 1.5, 0.8, 0.5, -0.01),
                                 {"certificate": _gap_certificate(0.04, 1.5, 0.8, 0.5, -0.01)}),
    # 0.5 + (1 + 0.5)*2/(13 - 3)
    "head-only-exact": (0.8, {"bias": 0.5, "variance": 0.3}),
    # 2/10 + (1 - 2/10)*0.5
    "head-only-insample": (0.6, {"variance": 0.2, "bias": 0.4}),
    "smoother-conditional": (0.3, {"expected": 0.3}),
    "smoother-conditional-insample": (0.2, {"expected": 0.2}),
    "class-bias": (0.45, {"bias": 0.45}),
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


def test_finetune_linear_branches():
    b = get_bound("finetune-linear")
    # delta0 = 1: the perturbation branches exceed the ceiling: head + ceiling = sigma^2 min(m, d)/m
    assert float(b.evaluate(d=100, k=5, m=50, sigma=1, delta0=1.0)) == pytest.approx(1.0)
    assert float(b.evaluate(d=100, k=5, m=400, sigma=1, delta0=1.0)) == pytest.approx(0.25)
    # delta0 = 0: exactly the head term sigma^2 k/m (the in-sample risk of least squares in span(B*))
    assert float(b.evaluate(d=100, k=5, m=50, sigma=1, delta0=0.0)) == pytest.approx(0.1)
    # never above the first version min(sigma^2 k/m + 4 sigma delta0 sqrt(d/m), sigma^2 min(m, d)/m)
    rng = np.random.default_rng(0)
    for _ in range(200):
        d, k = int(rng.integers(2, 200)), 1
        k = int(rng.integers(1, d + 1))
        m, sigma, r = int(rng.integers(k + 1, 400)), float(rng.uniform(0.1, 3)), float(rng.uniform(0, 2))
        old = min(sigma**2 * k / m + 4 * sigma * r * math.sqrt(d / m), sigma**2 * min(m, d) / m)
        assert float(b.evaluate(d=d, k=k, m=m, sigma=sigma, delta0=r)) <= old * (1 + 1e-12)


def test_adaptrep_linear_is_exact_at_radius_zero_and_never_above_the_first_version():
    b = get_bound("adaptrep-linear")
    # delta0 = 0: sigma^2 k/m + (1 - k/m) rep_error, the exact in-sample risk of head-only least squares
    assert float(b.evaluate(d=25, k=2, m=100, sigma=2, delta0=0.0, rep_error=0.5)) == pytest.approx(0.08 + 0.49)
    rng = np.random.default_rng(1)
    for _ in range(200):
        d = int(rng.integers(2, 100))
        k = int(rng.integers(1, d + 1))
        m, sigma = int(rng.integers(k, 300)), float(rng.uniform(0.1, 3))
        r, rep = float(rng.uniform(0, 2)), float(rng.uniform(0, 2))
        old = 4 * rep + 6 * sigma**2 * k / m + 8 * sigma * r * math.sqrt(d / m)
        assert float(b.evaluate(d=d, k=k, m=m, sigma=sigma, delta0=r, rep_error=rep)) <= old * (1 + 1e-12)


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
    one = [float(get_bound("adaptrep-linear").evaluate(**dict(point, rep_error=float(r)))) for r in rep_error]
    np.testing.assert_allclose(got, one)


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


def test_finetune_logistic_is_never_above_finetune_step_with_the_logistic_loss():
    # finetune-step with L = 1, b = log(1 + exp(R (c_w + delta0))), class radius delta0 = delta0_step * c_w,
    # at fail_prob/2 for each of its two halves, is the previous (Hoeffding) form; the Bernstein form is smaller
    rng = np.random.default_rng(4)
    delta0, c_w, R = rng.uniform(0, 2, 20), rng.uniform(0.5, 3, 20), rng.uniform(0.5, 4, 20)
    common = dict(d=30, k=3, m=50, fail_prob=0.05)
    lg = get_bound("finetune-logistic").evaluate(delta0=delta0, c_w=c_w, R=R, **common)
    old = (4 * R * (c_w * np.sqrt(3 / 30) + delta0) / np.sqrt(50)
           + np.log1p(np.exp(R * (c_w + delta0))) * np.sqrt(2 * np.log(2 / 0.05) / 50))
    assert np.all(lg < old)
    parts = get_bound("finetune-logistic").breakdown(delta0=delta0, c_w=c_w, R=R, **common)
    np.testing.assert_allclose(parts["finetune"], 2 * R * (c_w * np.sqrt(3 / 30) + delta0) / np.sqrt(50))
    W = R * (c_w + delta0)
    np.testing.assert_allclose(parts["confidence"], W * np.sqrt(np.log(40) / 100))
    bern = np.sqrt(2 * np.minimum(0.56, W**2 / 30) * np.log(40) / 50) + W * np.log(40) / 150
    np.testing.assert_allclose(parts["comparator"], np.minimum(W * np.sqrt(np.log(40) / 100), bern))


def test_finetune_step_confidence_uses_log_one_over_fail_prob():
    b = get_bound("finetune-step")
    point = dict(VALID["finetune-step"], fail_prob=0.05)
    assert float(b.breakdown(**point)["confidence"]) == pytest.approx(math.sqrt(2 * math.log(20) / 16))


def test_gd_radius_observed_floors_the_radius_at_the_grid_start():
    b = get_bound("gd-radius-observed")
    point = dict(VALID["gd-radius-observed"])
    at_floor = float(b.evaluate(**dict(point, gd_radius=point["r_min"])))
    below = float(b.evaluate(**dict(point, gd_radius=0.0)))
    assert below == pytest.approx(at_floor, rel=1e-14)
    assert float(b.evaluate(**dict(point, gd_radius=0.5))) > at_floor
