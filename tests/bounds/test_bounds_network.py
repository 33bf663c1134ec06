"""The network bounds: the factor-2 form of network-finetune, its Maurer step, the premises.

The derivation is in docs/theory/network-finetune.md; the numerical checks here
can falsify its two non-textbook steps (the Lipschitz constant of the maps fed
to Maurer's vector contraction, and the resulting bound on the empirical
Rademacher complexity of the perturbation part), never prove them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from bounds import BOUNDS, get_bound
from simulations.columns import OPTIONAL_COLUMNS

NETWORK = ("network-finetune", "network-head-exact", "network-head-exact-test")


def _relation(bound, text):
    names = {**{c.name: c.symbol for c in bound.constants.values()},
             **{c: sp.Symbol(c, real=True) for c in OPTIONAL_COLUMNS if c not in bound.constants}}
    rel = sp.sympify(text, locals=names)
    return rel, names


@pytest.mark.parametrize("name", NETWORK)
def test_premises_are_relations_over_constants_and_columns(name):
    bound = get_bound(name)
    assert bound.premises
    for text in bound.premises:
        rel, names = _relation(bound, text)
        assert isinstance(rel, sp.core.relational.Relational), text
        assert {s.name for s in rel.free_symbols} <= set(names), text
    assert bound.to_dict()["premises"] == list(bound.premises)


def _holds(bound, values):
    out = []
    for text in bound.premises:
        rel, names = _relation(bound, text)
        out.append(bool(rel.subs({names[k]: v for k, v in values.items()})))
    return out


def test_network_finetune_premises_are_membership_in_the_evaluated_class():
    b = get_bound("network-finetune")
    assert _holds(b, dict(head_norm=2.0, c_w=2.0, delta_norm=0.1, delta0=0.1)) == [True, True]
    assert _holds(b, dict(head_norm=2.0 * (1 + 1e-7), c_w=2.0, delta_norm=0.0, delta0=0.0)) == [False, True]
    assert _holds(b, dict(head_norm=1.0, c_w=2.0, delta_norm=1e-6, delta0=0.0)) == [True, False]
    assert _holds(b, dict(head_norm=1.0, c_w=2.0, delta_norm=1e-13, delta0=0.0)) == [True, True]  # rounding


@pytest.mark.parametrize("name", NETWORK[1:])
def test_head_exact_premises_reject_a_binding_head_and_a_positive_radius(name):
    b = get_bound(name)
    assert _holds(b, dict(head_norm=1.0, ft_head_bound=200.0, ft_radius=0.0)) == [True, True]
    assert _holds(b, dict(head_norm=200.0, ft_head_bound=200.0, ft_radius=0.0)) == [False, True]
    assert _holds(b, dict(head_norm=1.0, ft_head_bound=200.0, ft_radius=0.1)) == [True, False]


@pytest.mark.parametrize("name", NETWORK[1:])
def test_head_exact_value_is_its_column(name):
    b = get_bound(name)
    (col,) = b.constants
    assert col in OPTIONAL_COLUMNS
    x = np.linspace(0.0, 3.0, 7)
    np.testing.assert_array_equal(b.evaluate(**{col: x}), x)


def test_network_finetune_is_twice_the_complexity_bound_plus_confidence():
    # 2 L R_m(F) + b sqrt(2 log(2/p)/m), R_m(F) <= c_w R_phi/sqrt(m) + 4 c_w delta0 R sqrt(width/m)
    rng = np.random.default_rng(0)
    n = 50
    c = dict(m=rng.integers(1, 5000, n), width=rng.integers(1, 64, n), delta0=rng.uniform(0, 2, n),
             L=rng.uniform(0.1, 3, n), b=rng.uniform(0.1, 10, n), c_w=rng.uniform(0.1, 10, n),
             R=rng.uniform(0.1, 10, n), R_phi=rng.uniform(0.1, 10, n), fail_prob=rng.uniform(0.01, 0.9, n))
    rad = c["c_w"] * c["R_phi"] / np.sqrt(c["m"]) + 4 * c["c_w"] * c["delta0"] * c["R"] * np.sqrt(c["width"] / c["m"])
    conf = c["b"] * np.sqrt(2 * np.log(2 / c["fail_prob"]) / c["m"])
    np.testing.assert_allclose(get_bound("network-finetune").evaluate(**c), 2 * c["L"] * rad + conf, rtol=1e-12)


def test_registered_network_bounds_are_in_the_registry():
    for name in NETWORK:
        assert name in BOUNDS


# ------------------------------------------------------------------- the Maurer step
def _h(a, z, u, c_w, d0R):
    """h_i(a, z) = (c_w/(delta0 R)) a^T (relu(u + z) - relu(u))."""
    return (c_w / d0R) * a @ (np.maximum(u + z, 0.0) - np.maximum(u, 0.0))


def _in_ball(rng, k, radius):
    v = rng.standard_normal(k)
    return v * radius * rng.uniform() ** (1 / k) / np.linalg.norm(v)


def test_maurer_maps_are_sqrt2_cw_lipschitz_on_the_range():
    # docs step 9: |h(a, z) - h(a', z')| <= sqrt(2) c_w ||(a - a', z - z')|| on ||a||, ||z|| <= delta0 R
    rng = np.random.default_rng(1)
    worst = 0.0
    for _ in range(4000):
        k = int(rng.integers(1, 6))
        c_w, d0R = rng.uniform(0.1, 5), rng.uniform(0.05, 5)
        u = rng.standard_normal(k) * rng.uniform(0, 3)
        a, a2, z, z2 = (_in_ball(rng, k, d0R) for _ in range(4))
        if rng.uniform() < 0.3:  # near-boundary, nearly equal points: the local constant
            a2, z2 = a + 1e-3 * rng.standard_normal(k), z + 1e-3 * rng.standard_normal(k)
            a2 *= min(1.0, d0R / np.linalg.norm(a2))
            z2 *= min(1.0, d0R / np.linalg.norm(z2))
        dist = math.sqrt(np.sum((a - a2) ** 2) + np.sum((z - z2) ** 2))
        if dist > 0:
            worst = max(worst, abs(_h(a, z, u, c_w, d0R) - _h(a2, z2, u, c_w, d0R)) / (c_w * dist))
    assert worst <= math.sqrt(2) * (1 + 1e-12)
    assert worst > 1.0  # the constant is not slack by more than sqrt(2)


def _sup_perturbation(X, W, s, c_w, d0, rng, starts=4, iters=80):
    """A lower estimate of sup_{||w||<=c_w, ||D||_F<=d0} sum_i s_i w^T (relu((W + D) x_i) - relu(W x_i)).

    For fixed D the supremum over w is c_w ||v(D)||, v(D) = sum_i s_i psi_i(D); D by normalised
    projected ascent from random starts (every value found is attained, so the estimate is <= the sup).
    """
    U = X @ W.T
    base = np.maximum(U, 0.0)
    best = 0.0
    for _ in range(starts):
        D = rng.standard_normal(W.shape)
        D *= d0 / np.linalg.norm(D)
        for _ in range(iters):
            Z = U + X @ D.T
            v = s @ (np.maximum(Z, 0.0) - base)
            nv = float(np.linalg.norm(v))
            best = max(best, c_w * nv)
            if nv == 0.0:
                break
            G = ((s[:, None] * (Z > 0)) * (c_w * v / nv)).T @ X
            D = D + 0.5 * d0 * G / max(float(np.linalg.norm(G)), 1e-300)
            D *= min(1.0, d0 / float(np.linalg.norm(D)))
    return best


def test_perturbation_rademacher_complexity_is_below_its_bound():
    # docs step 9, empirical version on the sphere of radius R: E_s sup_G (1/m) sum_i s_i g(x_i)
    # <= 4 c_w delta0 R sqrt(width/m); checked against a lower estimate of the left-hand side
    rng = np.random.default_rng(2)
    m, d, width, c_w, d0 = 30, 4, 3, 1.5, 0.5
    R = math.sqrt(d)
    X = rng.standard_normal((m, d))
    X *= R / np.linalg.norm(X, axis=1, keepdims=True)
    W = np.linalg.qr(rng.standard_normal((d, width)))[0].T
    sups = [_sup_perturbation(X, W, rng.choice([-1.0, 1.0], m), c_w, d0, rng) for _ in range(20)]
    estimate = float(np.mean(sups)) / m
    se = float(np.std(sups, ddof=1)) / math.sqrt(len(sups)) / m
    bound = 4 * c_w * d0 * R * math.sqrt(width / m)
    assert estimate - 4 * se <= bound
    assert estimate > 0.05 * bound  # the search finds a sizeable supremum (the check has teeth)


def test_head_rademacher_complexity_is_below_its_bound():
    # docs step 8: E_s sup_{||w||<=c_w} (1/m) sum_i s_i w^T phi_i = c_w E||sum_i s_i phi_i||/m
    # <= c_w sqrt(sum_i ||phi_i||^2)/m
    rng = np.random.default_rng(3)
    m, d, width, c_w = 25, 5, 3, 2.0
    X = rng.standard_normal((m, d))
    Phi = np.maximum(X @ rng.standard_normal((width, d)).T, 0.0)
    S = rng.choice([-1.0, 1.0], (20000, m))
    lhs = c_w * np.linalg.norm(S @ Phi, axis=1).mean() / m
    assert lhs <= c_w * math.sqrt(np.sum(Phi ** 2)) / m
