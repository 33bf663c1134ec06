"""Scaling exponents d log(bound) / d log(constant), from the symbolic derivative."""

from __future__ import annotations

import numpy as np
import pytest

from bounds import BOUNDS, get_bound
from bounds_testpoints import VALID


def test_finetune_step_decays_like_inverse_square_root_of_m():
    m = np.array([5, 50, 500, 5000])
    got = get_bound("finetune-step").exponent("m", **dict(VALID["finetune-step"], m=m))
    np.testing.assert_allclose(got, -0.5, atol=1e-12)


@pytest.mark.parametrize("name", ["finetune-linear", "adaptrep-linear"])
def test_head_term_is_order_one_over_m_and_slow_term_one_over_sqrt_m(name):
    b = get_bound(name)
    point = dict(VALID[name], m=np.array([30.0, 300, 3000]))
    np.testing.assert_allclose(b.exponent("m", term="head", **point), -1.0, atol=1e-12)
    # slow = 4 sigma delta0 sqrt((m - k)(d - k))/m: exponent -1/2 + k/(2(m - k)) -> -1/2
    k = point["k"]
    np.testing.assert_allclose(b.exponent("m", term="slow", **point), -0.5 + k / (2 * (point["m"] - k)),
                               rtol=1e-9)


def test_finetune_linear_exponent_follows_the_active_branch():
    b = get_bound("finetune-linear")
    # ceiling active and m > d: sigma^2 d/m, exponent -1 in m
    assert float(b.exponent("m", d=10, k=5, m=1000, sigma=1, delta0=1.0)) == pytest.approx(-1)
    # ceiling active and m < d: sigma^2, exponent 0 in m
    assert float(b.exponent("m", d=100, k=5, m=10, sigma=1, delta0=1.0)) == pytest.approx(0)
    # delta0 = 0: sigma^2 k/m, exponent -1
    assert float(b.exponent("m", d=100, k=5, m=50, sigma=1, delta0=0.0)) == pytest.approx(-1)


def test_adaptrep_linear_representation_term_does_not_decay():
    b = get_bound("adaptrep-linear")
    point = dict(VALID["adaptrep-linear"])
    # (1 - k/m) rep_error: exponent in m is (k/m)/(1 - k/m) -> 0, in rep_error exactly 1
    k, m = point["k"], point["m"]
    assert float(b.exponent("m", term="representation", **point)) == pytest.approx(k / (m - k))
    assert float(b.exponent("rep_error", term="representation", **point)) == pytest.approx(1)


def test_target_only_exponent_is_exact():
    d, m = 10, np.array([12.0, 20, 200])
    got = get_bound("target-only").exponent("m", d=d, m=m, sigma=1)
    np.testing.assert_allclose(got, -m / (m - d - 1), rtol=1e-12)


def test_rate_transfer_terms_scale_as_stated():
    b = get_bound("adaptrep-linear-rate")
    for c, e in [("n", -1), ("T", -1), ("nu", -1), ("d", 1), ("k", 0)]:
        got = b.exponent(c, term="transfer", **VALID["adaptrep-linear-rate"])
        assert float(got) == pytest.approx(e), c
    got = get_bound("adaptrep-logistic").exponent("m", term="finetune",
                                                   **VALID["adaptrep-logistic"])
    assert float(got) == pytest.approx(-0.5)


def test_frozen_lower_bayes_exponent_in_eps_depends_on_tau2_default():
    b = get_bound("frozen-lower-bayes")
    point = dict(VALID["frozen-lower-bayes"])
    free = float(b.exponent("eps", **point))  # tau2 given: increases with eps
    point.pop("tau2")
    tied = float(b.exponent("eps", **point))  # tau2 = 1/(2 eps (d-k)): eps cancels
    assert free > 0.05
    assert tied == pytest.approx(0, abs=1e-12)


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_exponent_matches_finite_difference(name):
    b = get_bound(name)
    point = VALID[name]
    for c in b.constants:
        if point.get(c, 0) == 0 or b.constants[c].integer:
            continue  # log-derivative needs a positive real point
        h = 1e-6
        up = b.evaluate(**dict(point, **{c: point[c] * np.exp(h)}))
        down = b.evaluate(**dict(point, **{c: point[c] * np.exp(-h)}))
        fd = (np.log(up) - np.log(down)) / (2 * h)
        assert float(b.exponent(c, **point)) == pytest.approx(float(fd), abs=1e-5), c


@pytest.mark.parametrize("k", [1, 2, 5])
def test_adaptrep_rate_reduces_to_frozenrep_rate_when_exactly_shared(k):
    """At delta0 = 0 with unit-norm diverse heads (nu = 1/k) the two rates agree: the
    transfer term is sigma^2 d k/(n T) in both (review of issue 12: it was k times larger)."""
    point = dict(d=30, k=k, n=20, T=50, m=40, sigma=0.7)
    a = get_bound("adaptrep-linear-rate").evaluate(nu=1 / k, delta0=0.0, **point)
    f = get_bound("frozenrep-shared").evaluate(**point)
    assert float(a) == pytest.approx(float(f), rel=1e-12)
