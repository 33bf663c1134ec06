"""The logistic certificates and the sharpened uniform-convergence bounds: formulas, singularities, premises."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from bounds import get_bound
from bounds_testpoints import VALID

CERTIFICATES = ("logistic-erm-certificate", "logistic-gap-certificate")
SHARPENED = ("finetune-step", "gd-radius", "gd-radius-observed", "finetune-logistic")


def _series(a, sign, shift):
    """sum_k (sign a)^k / (k + shift)! to double precision (for the reference values at small a)."""
    a = np.asarray(a, dtype=float)
    return sum((sign * a) ** k / math.factorial(k + shift) for k in range(30))


def _phi1(a):
    """(1 - e^-a)/a, by expm1 for a >= 0.1 and by its series below."""
    a = np.asarray(a, dtype=float)
    safe = np.where(a >= 0.1, a, 1.0)
    return np.where(a >= 0.1, -np.expm1(-safe) / safe, _series(np.minimum(a, 0.1), -1, 1))


def _phi2(a):
    """(e^a - 1 - a)/a^2."""
    a = np.asarray(a, dtype=float)
    safe = np.where(a >= 0.1, a, 1.0)
    return np.where(a >= 0.1, (np.expm1(safe) - safe) / safe**2, _series(np.minimum(a, 0.1), 1, 2))


def _phi3(a):
    """(e^-a + a - 1)/a^2."""
    a = np.asarray(a, dtype=float)
    safe = np.where(a >= 0.1, a, 1.0)
    return np.where(a >= 0.1, (np.expm1(-safe) + safe) / safe**2, _series(np.minimum(a, 0.1), -1, 2))


def _draw(rng, size):
    return dict(cert_gnorm2=rng.uniform(0, 0.5, size), cert_fisher=rng.uniform(0.5, 3, size),
                cert_u=rng.uniform(0.01, 4, size), cert_um=rng.uniform(0.01, 3, size))


def test_erm_certificate_matches_a_direct_implementation():
    rng = np.random.default_rng(0)
    c = _draw(rng, 200)
    vi = rng.uniform(0, 0.05, 200)
    got = get_bound("logistic-erm-certificate").evaluate(cert_vi=vi, **c)
    p1 = _phi1(c["cert_um"])
    x = (np.sqrt(c["cert_gnorm2"]) + np.sqrt(c["cert_gnorm2"] + 4 * p1 * vi)) / (2 * p1)
    np.testing.assert_allclose(got, _phi2(c["cert_u"]) * c["cert_fisher"] * x**2, rtol=1e-9)


def test_gap_certificate_matches_a_direct_implementation():
    rng = np.random.default_rng(1)
    c = _draw(rng, 200)
    gap = rng.uniform(-0.2, 0.2, 200)
    got = get_bound("logistic-gap-certificate").evaluate(empirical_gap=gap, **c)
    p3 = _phi3(c["cert_um"])
    x = (np.sqrt(c["cert_gnorm2"]) + np.sqrt(np.maximum(0, c["cert_gnorm2"] + 4 * p3 * gap))) / (2 * p3)
    np.testing.assert_allclose(got, _phi2(c["cert_u"]) * c["cert_fisher"] * x**2, rtol=1e-9)


@pytest.mark.parametrize("name", CERTIFICATES)
def test_removable_singularities_give_the_limits(name):
    b = get_bound(name)
    extra = {"cert_vi": 0.0} if name == CERTIFICATES[0] else {"empirical_gap": 0.0}
    at_zero = float(b.evaluate(cert_gnorm2=0.04, cert_fisher=2.0, cert_u=0.0, cert_um=0.0, **extra))
    assert np.isfinite(at_zero)
    # limits phi1 = 1, phi2 = phi3 = 1/2: ERM 0.5*2*0.04 = 0.04; gap (2*0.2/(2*0.5))^2*0.5*2 = 0.16
    expected = 0.04 if name == CERTIFICATES[0] else 0.16
    assert at_zero == pytest.approx(expected, rel=1e-12)
    # tiny arguments are finite (no 0/0) and continuous through the floor a = 1e-3
    for a in (1e-14, 1e-8, 1e-5, 2e-3):
        v = float(b.evaluate(cert_gnorm2=0.04, cert_fisher=2.0, cert_u=a, cert_um=a, **extra))
        assert np.isfinite(v) and v == pytest.approx(expected, rel=5e-3)
    grid = np.linspace(0.999e-3, 1.001e-3, 5)
    v = b.evaluate(cert_gnorm2=0.04, cert_fisher=2.0, cert_u=grid, cert_um=grid, **extra)
    p = _phi1(grid) if name == CERTIFICATES[0] else _phi3(grid)
    np.testing.assert_allclose(v, _phi2(grid) * 2.0 * (0.2 / p) ** 2, rtol=1e-8)


@pytest.mark.parametrize("name", CERTIFICATES)
def test_certificate_is_a_valid_upper_value_below_the_floor(name):
    # below the floors the registered value is >= the exact formula (phi1, phi3 decrease, phi2 increases)
    b = get_bound(name)
    extra = {"cert_vi": 1e-3} if name == CERTIFICATES[0] else {"empirical_gap": -1e-3}
    for a in (1e-9, 1e-7, 5e-4, 1e-3, 0.02, 0.5, 2.5, 4.0):
        got = float(b.evaluate(cert_gnorm2=0.04, cert_fisher=2.0, cert_u=a, cert_um=a, **extra))
        p = _phi1(np.array(a)) if name == CERTIFICATES[0] else _phi3(np.array(a))
        if name == CERTIFICATES[0]:
            x = (0.2 + math.sqrt(0.04 + 4 * p * 1e-3)) / (2 * p)
        else:
            x = (0.2 + math.sqrt(max(0.0, 0.04 - 4 * p * 1e-3))) / (2 * p)
        exact = float(_phi2(np.array(a))) * 2.0 * x**2
        assert got >= exact * (1 - 1e-9)  # valid up to rounding
        assert got <= exact * (1 + 1e-8)  # and accurate


def test_gap_certificate_is_close_to_erm_certificate_at_an_exact_minimiser():
    # interior ERM: empirical gap ~ -gnorm2/2, vi = 0; small curvature losses (a -> 0)
    erm = float(get_bound("logistic-erm-certificate").evaluate(
        cert_gnorm2=0.01, cert_fisher=1.0, cert_u=0.0, cert_um=0.0, cert_vi=0.0))
    gap = float(get_bound("logistic-gap-certificate").evaluate(
        cert_gnorm2=0.01, cert_fisher=1.0, cert_u=0.0, cert_um=0.0, empirical_gap=-0.005))
    assert gap == pytest.approx(erm, rel=0.01)


def _old_values(name, p):
    """The registered formulas before the sharpening (factor 4, log(2/fail_prob), Hoeffding comparator)."""
    if name == "finetune-step":
        return (4 * p["L"] * p["c_w"] * p["R"] * (np.sqrt(p["k"] / p["d"]) + p["delta0"]) / np.sqrt(p["m"])
                + p["b"] * np.sqrt(2 * np.log(2 / p["fail_prob"]) / p["m"]))
    if name == "gd-radius":
        return (4 * p["L"] * p["R"] * (p["c_w"] * np.sqrt(p["k"] / p["d"]) + p["eta"] * p["s"] * p["G"])
                / np.sqrt(p["m"]) + p["b"] * np.sqrt(2 * np.log(2 / p["fail_prob"]) / p["m"]))
    if name == "finetune-logistic":
        W = p["R"] * (p["c_w"] + p["delta0"])
        return (4 * p["R"] * (p["c_w"] * np.sqrt(p["k"] / p["d"]) + p["delta0"]) / np.sqrt(p["m"])
                + np.log1p(np.exp(W)) * np.sqrt(2 * np.log(2 / p["fail_prob"]) / p["m"]))
    rho = np.maximum(p["gd_radius"], p["r_min"])
    return (4 * p["L"] * p["R"] * (p["c_w"] * np.sqrt(p["k"] / p["d"]) + rho) / np.sqrt(p["m"])
            + (p["b0"] + p["L"] * p["R"] * (p["c_w"] + 2 * rho))
            * np.sqrt(2 * np.log(2 * (p["J"] + 1) / p["fail_prob"]) / p["m"]) + p["empirical_gap"])


@pytest.mark.parametrize("name", SHARPENED)
def test_sharpened_bounds_are_never_above_their_previous_form(name):
    rng = np.random.default_rng(7)
    n = 300
    p = dict(VALID[name])
    draws = dict(m=rng.integers(5, 5000, n).astype(float), fail_prob=rng.uniform(0.001, 0.9, n),
                 c_w=rng.uniform(0.1, 5, n), R=rng.uniform(0.1, 10, n), delta0=rng.uniform(0, 3, n),
                 L=rng.uniform(0.2, 3, n), b=rng.uniform(0.1, 5, n), eta=rng.uniform(0.01, 2, n),
                 G=rng.uniform(0.01, 3, n), gd_radius=rng.uniform(0, 5, n), b0=rng.uniform(0, 2, n),
                 empirical_gap=rng.uniform(-0.5, 0.5, n))
    p.update({k: v for k, v in draws.items() if k in p})
    b = get_bound(name)
    new = b.evaluate(**p)
    assert np.all(new <= _old_values(name, p) * (1 + 1e-12))
    assert np.mean(new < 0.95 * _old_values(name, p)) > 0.5


def test_gd_radius_observed_comparator_takes_the_smaller_of_hoeffding_and_bernstein():
    b = get_bound("gd-radius-observed")
    point = dict(VALID["gd-radius-observed"])
    v = (1 * 2 * 1 / 2 + 0.7 / 2) ** 2  # (L R c_w / sqrt(d) + b0/2)^2
    for m in (16, 4000):
        parts = b.breakdown(**dict(point, m=m))
        hoeffding = 2.7 * math.sqrt(math.log(4) / (2 * m))
        bernstein = math.sqrt(2 * v * math.log(4) / m) + 2.7 * math.log(4) / (3 * m)
        assert float(parts["comparator"]) == pytest.approx(min(hoeffding, bernstein), rel=1e-12)
    # large m and d: sd bound R c_w / sqrt(d) well below the range b* / 2, Bernstein about half of Hoeffding
    point = dict(point, m=40000, d=16, c_w=0.2, b0=1e-3)
    bstar = 1e-3 + 2 * 0.2
    parts = b.breakdown(**point)
    assert float(parts["comparator"]) < 0.55 * bstar * math.sqrt(math.log(4) / 80000)


def test_premises_are_relations_in_known_names():
    from simulations.columns import OPTIONAL_COLUMNS

    names = ("logistic-erm-certificate", "logistic-gap-certificate") + SHARPENED
    for name in names:
        b = get_bound(name)
        symbols = {c: sp.Symbol(c, real=True) for c in set(b.constants) | set(OPTIONAL_COLUMNS)}
        for text in b.premises:
            rel = sp.sympify(text, locals={**symbols, "Max": sp.Max, "Min": sp.Min})
            assert isinstance(rel, sp.core.relational.Relational), (name, text)
            assert {s.name for s in rel.free_symbols} <= set(symbols), (name, text)
    assert get_bound("logistic-gap-certificate").premises == ()
    assert "fw_gap <= 1e-8" in get_bound("logistic-erm-certificate").premises


@pytest.mark.parametrize("name", CERTIFICATES + SHARPENED)
def test_registered_expression_parses_in_the_claims_grammar(name):
    from verification.expressions import parse_bound

    b = get_bound(name)
    parsed = parse_bound(str(b.expr), allowed=list(b.constants))
    point = {c: np.asarray(v, dtype=float) for c, v in b.validate(**VALID[name]).items()}
    assert float(parsed.evaluate(point)) == pytest.approx(float(b.evaluate(**VALID[name])), rel=1e-12)
