"""The ``logistic`` setting's bound columns: baselines, class distances, fw_gap, certificate ingredients.

Decision rule of the Monte Carlo comparison (the Fisher matrix): accept within
Z = 5 standard errors, and show that a plausible wrong answer is rejected by
the same rule.  The certificates are deterministic inequalities, so they are
checked in every replicate.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import minimize

from bounds import get_bound
from simulations import run_monte_carlo
from simulations.learners.base import FineTuningClass
from simulations.logistic_certificates import (
    baseline_risks, certificate_ingredients, class_distance, trivial_members,
)
from simulations.risk_logistic import logistic_excess_sphere, logistic_fisher_sphere
from simulations.settings.sampling import random_frame, sphere_inputs

Z = 5.0


def _brute_distance(theta, Q, c_w, r):
    """min ||theta - Q w - delta|| over ||w|| <= c_w, ||delta|| <= r, by SLSQP from several starts."""
    d, k = Q.shape

    def f(v):
        return float(np.sum((theta - Q @ v[:k] - v[k:]) ** 2))

    cons = [{"type": "ineq", "fun": lambda v: c_w**2 - v[:k] @ v[:k]},
            {"type": "ineq", "fun": lambda v: r**2 - v[k:] @ v[k:]}]
    best = np.inf
    rng = np.random.default_rng(0)
    for _ in range(5):
        res = minimize(f, 0.1 * rng.standard_normal(d + k), constraints=cons, method="SLSQP",
                       options={"ftol": 1e-14, "maxiter": 500})
        best = min(best, res.fun)
    return math.sqrt(max(best, 0.0))


@pytest.mark.parametrize("seed", range(4))
def test_class_distance_matches_constrained_minimisation(seed):
    rng = np.random.default_rng(seed)
    d, k = 6, 2
    Q = random_frame(rng, d, k)
    theta = 2.0 * rng.standard_normal(d)
    for c_w, r in [(0.5, 0.3), (3.0, 0.1), (0.2, 4.0)]:
        assert class_distance(theta, Q, c_w, r) == pytest.approx(_brute_distance(theta, Q, c_w, r), abs=1e-5)
    # no frame: the ball; infinite radius: everything
    assert class_distance(theta, None, np.inf, 1.0) == pytest.approx(max(np.linalg.norm(theta) - 1.0, 0.0))
    assert class_distance(theta, Q, 1.0, np.inf) == 0.0
    # unbounded head: distance to the span minus r
    perp = np.linalg.norm(theta - Q @ (Q.T @ theta))
    assert class_distance(theta, Q, np.inf, 0.2) == pytest.approx(max(perp - 0.2, 0.0))


def test_trivial_members_lie_in_the_class_and_the_baseline_is_their_largest_risk():
    rng = np.random.default_rng(3)
    d, k, R = 8, 2, math.sqrt(8)
    Q = random_frame(rng, d, k)
    theta = Q @ rng.standard_normal(k) + 0.3 * rng.standard_normal(d) / math.sqrt(d)
    X = sphere_inputs(rng, (50, d), R)
    for frame, c_w, r in [(Q, 2.0, 0.5), (Q, 2.0, 0.0), (None, np.inf, 2.5), (Q, 2.0, np.inf), (Q, np.inf, 0.5)]:
        members = trivial_members(theta, frame, c_w, r)
        assert np.all(members[0] == 0)
        for t in members:
            assert class_distance(t, frame, c_w, r) <= 1e-12
        cls = FineTuningClass(frame=frame, head_bound=c_w, radius=r)
        base, _ = baseline_risks(theta, cls, X, R=R)
        assert base == pytest.approx(max(logistic_excess_sphere(t, theta, R) for t in members), rel=1e-12)
    # the anti-aligned point is Q w + delta with ||w|| = c_w against Q'theta and ||delta|| = r against theta
    anti = trivial_members(theta, Q, 2.0, 0.5)[1]
    p = Q.T @ theta
    np.testing.assert_allclose(anti, -2.0 * Q @ p / np.linalg.norm(p) - 0.5 * theta / np.linalg.norm(theta))
    assert logistic_excess_sphere(anti, theta, R) > logistic_excess_sphere(np.zeros(d), theta, R)


@pytest.mark.parametrize(("d", "scale"), [(3, 1.5), (6, 0.7)])
def test_population_fisher_matches_large_sample_monte_carlo(d, scale):
    rng = np.random.default_rng(d)
    R = 1.3 * math.sqrt(d)
    theta = scale * rng.standard_normal(d)
    H = logistic_fisher_sphere(theta, R)
    x = sphere_inputs(rng, (400_000, d), R)
    a = x @ theta
    w = np.exp(-np.abs(a)) / (1 + np.exp(-np.abs(a))) ** 2
    samples = w[:, None, None] * x[:, :, None] * x[:, None, :]
    mean, se = samples.mean(0), samples.std(0, ddof=1) / math.sqrt(len(a))
    assert np.all(np.abs(mean - H) <= Z * se + 1e-12)
    # power: the isotropic guess (R^2/(4d)) I (the Fisher matrix at theta = 0) is rejected
    assert np.any(np.abs(mean - (R * R / (4 * d)) * np.eye(d)) > Z * se)
    np.testing.assert_allclose(logistic_fisher_sphere(np.zeros(d), R), R * R / (4 * d) * np.eye(d), rtol=1e-10)


def test_certificate_ingredients_by_their_definitions():
    rng = np.random.default_rng(5)
    d, m, R = 5, 40, math.sqrt(5)
    X = sphere_inputs(rng, (m, d), R)
    theta = rng.standard_normal(d) / 2
    y = np.where(rng.random(m) < 1 / (1 + np.exp(-X @ theta)), 1.0, -1.0)
    theta_hat = theta + 0.2 * rng.standard_normal(d)
    c = certificate_ingredients(X, y, theta_hat, theta, R)
    s = 1 / (1 + np.exp(y * (X @ theta)))  # sigmoid(-y z)
    g = -(X * (y * s)[:, None]).mean(0)
    p = 1 / (1 + np.exp(-X @ theta))
    Hm = (X * (p * (1 - p))[:, None]).T @ X / m
    H = logistic_fisher_sphere(theta, R)
    assert c["cert_gnorm2"] == pytest.approx(g @ np.linalg.solve(Hm, g), rel=1e-10)
    assert c["cert_fisher"] == pytest.approx(max(np.linalg.eigvals(np.linalg.solve(Hm, H)).real), rel=1e-10)
    Delta = theta_hat - theta
    assert c["cert_u"] == pytest.approx(R * np.linalg.norm(Delta))
    assert c["cert_um"] == pytest.approx(np.max(np.abs(X @ Delta)))
    gh = -(X * (y / (1 + np.exp(y * (X @ theta_hat))))[:, None]).mean(0)
    assert c["cert_vi"] == pytest.approx(max(0.0, gh @ Delta))
    assert c["cert_dim"] == d
    assert all(np.isnan(v) for v in certificate_ingredients(X[: d - 1], y[: d - 1], theta_hat, theta, R).values())


def test_columns_of_the_logistic_setting():
    params = dict(d=10, k=2, T=5, n=40, m=200, delta0=0.0, inputs="sphere")
    f = run_monte_carlo("logistic", ["oracle", "target-only", "gd-finetune"], params, reps=3, seed=1,
                        learner_params={"gd-finetune": {"steps": 10, "source": "oracle"}})
    erm = f[f.learner != "gd-finetune"]
    assert (erm.fw_gap < 1e-8).all() and f[f.learner == "gd-finetune"].fw_gap.isna().all()
    assert (f.class_distance <= 1e-12).all() and (erm.target_class_distance <= 1e-12).all()
    assert (erm.cert_vi < 1e-9).all()
    # the oracle's class (radius 0, true frame) and its error lie in span(B*): certificate on V, dim k
    assert (f[f.learner == "oracle"].cert_dim == 2).all() and (f[f.learner != "oracle"].cert_dim == 10).all()
    assert (f.baseline_excess > 5 * f.excess_risk).all()
    gauss = run_monte_carlo("logistic", ["oracle"], dict(params, inputs="gaussian"), reps=1, seed=1)
    assert gauss.cert_gnorm2.isna().all() and np.isfinite(gauss.baseline_excess).all()
    small = run_monte_carlo("logistic", ["oracle"], dict(params, m=8), reps=1, seed=1)
    assert small.cert_gnorm2.isna().all()


def _certificate(frame, name):
    b = get_bound(name)
    return b.evaluate(**{c: frame[c].to_numpy() for c in b.constants})


@pytest.mark.parametrize("m", [30, 200])
def test_certificates_bound_the_excess_risk_in_every_replicate(m):
    params = dict(d=10, k=2, T=5, n=40, m=m, delta0=0.3, inputs="sphere")
    f = run_monte_carlo("logistic", ["oracle", "target-only", "gd-finetune"], params, reps=6, seed=2,
                        learner_params={"gd-finetune": {"steps": 20, "source": "oracle"}})
    erm = f[f.learner != "gd-finetune"]
    gd = f[f.learner == "gd-finetune"]
    assert (erm.excess_risk <= _certificate(erm, "logistic-erm-certificate")).all()
    assert (f.excess_risk <= _certificate(f, "logistic-gap-certificate")).all()
    assert (gd.excess_risk <= _certificate(gd, "logistic-erm-certificate")).all()  # valid for any predictor
    # and they are informative: at m = 200 the median ratio certificate / risk is below 10
    if m == 200:
        assert np.median(_certificate(erm, "logistic-erm-certificate") / erm.excess_risk) < 10


def test_erm_certificate_fails_when_the_risk_is_inflated():
    # power: a risk scaled by 3 exceeds the certificate in some replicate (the certificate is tight)
    params = dict(d=10, k=2, T=5, n=40, m=1000, delta0=0.5, inputs="sphere")
    f = run_monte_carlo("logistic", ["target-only"], params, reps=6, seed=3)
    assert (3 * f.excess_risk > _certificate(f, "logistic-erm-certificate")).any()
