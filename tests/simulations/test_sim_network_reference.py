"""Reference columns of the network family: baselines, the head-only Frank-Wolfe gap, exact expectations.

Decision rule of the statistical checks as in test_sim_network.py: a mean
difference is declared non-zero when |mean| > Z SE, Z = 5 (seeds fixed).
"""

import math

import numpy as np
import pytest

import simulations.solvers.network_fit as network_fit
from simulations import make_learner, make_setting, run_monte_carlo
from simulations.losses import LogisticLoss, SquaredLoss
from simulations.network_reference import (antialigned_head, baseline_risks, head_features, head_fw_gap,
                                           head_smoother_risks)
from simulations.risk_network import pointwise_excess
from simulations.seeding import generator

Z = 5.0
#: The exact-check configuration: the head ball never binds (c_w = 100 head_scale).
EXACT = dict(d=6, k=2, T=10, n=50, sigma=0.5, head_scale=2.0, c_w=200.0, test_size=2000, loss="squared")
COLUMNS = ("baseline_excess", "baseline_insample", "fw_gap", "expected_excess", "expected_insample")


def _mean_se(x):
    x = np.asarray(x, dtype=float)
    return x.mean(), x.std(ddof=1) / math.sqrt(x.size)


def _replicate(params, learner="oracle", seed=0, learner_params=None):
    s = make_setting("network", params)
    truth, src = s.draw_sources(generator(np.random.SeedSequence(seed)))
    lrn = make_learner(learner, s, truth, learner_params).fit(src)
    target, data = s.draw_target(generator(np.random.SeedSequence(seed + 1000)), truth, lrn.representation_)
    lrn.adapt(data)
    return s, truth, target, data, lrn, s.evaluate(truth, target, data, lrn)


# ---------------------------------------------------------------- exact formulas
def test_smoother_formulas_match_a_monte_carlo_over_the_noise():
    rng = np.random.default_rng(0)
    m, N, k, d, sigma = 15, 50, 3, 5, 0.7
    W = rng.standard_normal((k, d))
    X, Xt = rng.standard_normal((m, d)), rng.standard_normal((N, d))
    Phi, Phit = head_features(X, W), head_features(Xt, W)
    f_fn = lambda Z: np.sin(Z[:, 0]) + Z[:, 1] ** 2  # noqa: E731  (not linear in the features: bias > 0)
    f, ft = f_fn(X), f_fn(Xt)
    excess, insample = head_smoother_risks(Phi, Phit, f, ft, sigma)
    Y = f + sigma * rng.standard_normal((40000, m))
    heads = Y @ np.linalg.pinv(Phi).T
    ins = np.mean((heads @ Phi.T - f) ** 2, axis=1)
    exc = np.mean((heads @ Phit.T - ft) ** 2, axis=1)
    for mc, exact in ((ins, insample), (exc, excess)):
        mean, se = _mean_se(mc)
        assert abs(mean - exact) < Z * se, (mean, exact, se)
    # in-sample: the identity holds draw by draw, rank(Phi) = tr(P)
    P = Phi @ np.linalg.pinv(Phi)
    resid = f - P @ f
    xi = (Y - f) / sigma
    np.testing.assert_allclose(ins, resid @ resid / m + sigma ** 2 * np.sum((xi @ P) ** 2, axis=1) / m, rtol=1e-9)
    assert insample == pytest.approx(resid @ resid / m + sigma ** 2 * np.linalg.matrix_rank(Phi) / m, rel=1e-12)


def test_learner_insample_risk_is_the_identity_with_its_own_noise():
    # deterministic per replicate: insample = ||(I - P) f||^2/m + ||P (y - f)||^2/m when the head is Phi^+ y
    for delta0, lp in ((0.0, None), (0.3, {"radius": 0.0})):
        _, _, target, data, lrn, row = _replicate(dict(EXACT, m=40, delta0=delta0), learner_params=lp)
        Phi = head_features(data.X, lrn.layer_)
        P = Phi @ np.linalg.pinv(Phi)
        f = target.predict(data.X)
        expected = np.sum((f - P @ f) ** 2) / 40 + np.sum((P @ (data.y - f)) ** 2) / 40
        assert row["insample_risk"] == pytest.approx(expected, rel=1e-9)
        np.testing.assert_allclose(lrn.head_, np.linalg.pinv(Phi) @ data.y, rtol=1e-8, atol=1e-10)
        assert row["fw_gap"] < 1e-10
        assert np.isfinite(row["expected_insample"]) and np.isfinite(row["expected_excess"])


@pytest.mark.parametrize("learner,params,lp", [
    ("oracle", dict(delta0=0.0), None),
    ("oracle", dict(delta0=0.3), {"oracle": {"radius": 0.0}}),
    ("frozenrep", dict(delta0=0.3), None),
], ids=["oracle-shared", "oracle-head-only-bias", "frozenrep-head"])
def test_mean_risks_equal_their_exact_expectations(learner, params, lp):
    df = run_monte_carlo("network", [learner], dict(EXACT, m=40, **params), reps=60, seed=0, learner_params=lp)
    assert not (df.head_norm >= df.ft_head_bound * (1 - 1e-9)).any()
    assert df.expected_insample.notna().all() and df.expected_excess.notna().all()
    for risk, exp in (("insample_risk", "expected_insample"), ("excess_risk", "expected_excess")):
        mean, se = _mean_se(df[risk] - df[exp])
        assert abs(mean) < Z * se, (risk, mean, se)


def test_exact_check_detects_a_head_fitted_on_permuted_labels(monkeypatch):
    fit_head = network_fit.fit_head

    def permuted(X, y, W, loss, head_bound):
        rng = np.random.default_rng(7)
        return fit_head(X, np.stack([rng.permutation(r) for r in y]), W, loss, head_bound)

    monkeypatch.setattr(network_fit, "fit_head", permuted)
    df = run_monte_carlo("network", ["oracle"], dict(EXACT, m=40, delta0=0.0), reps=30, seed=0)
    for risk, exp in (("insample_risk", "expected_insample"), ("excess_risk", "expected_excess")):
        mean, se = _mean_se(df[risk] - df[exp])
        assert mean > Z * se, (risk, mean, se)


def test_exact_check_detects_a_scaled_test_risk_when_the_bias_is_large(monkeypatch):
    from simulations.settings.network import NetworkSetting

    evaluate = NetworkSetting.evaluate

    def scaled(self, *args):
        out = evaluate(self, *args)
        out["excess_risk"] *= 1.1
        return out

    monkeypatch.setattr(NetworkSetting, "evaluate", scaled)
    df = run_monte_carlo("network", ["oracle"], dict(EXACT, m=160, delta0=0.3), reps=60, seed=0,
                         learner_params={"oracle": {"radius": 0.0}})
    mean, se = _mean_se(df.excess_risk - df.expected_excess)
    assert mean > Z * se, (mean, se)


# ---------------------------------------------------------------- NaN where not defined
def test_columns_are_nan_where_not_defined():
    # head ball binding (the learner's c_w = 0.5 < ||w*|| = 2): no exact expectation
    _, _, _, _, lrn, row = _replicate(dict(EXACT, m=40, delta0=0.5), learner="frozenrep",
                                      learner_params={"c_w": 0.5})
    assert lrn.head_constraint_active_
    assert math.isnan(row["expected_excess"]) and math.isnan(row["expected_insample"])
    assert row["fw_gap"] < 1e-8  # still the exact constrained minimiser
    # positive radius: non-convex step, no gap, no expectation
    _, _, _, _, _, row = _replicate(dict(EXACT, m=40, delta0=0.3))
    assert all(math.isnan(row[c]) for c in ("fw_gap", "expected_excess", "expected_insample"))
    assert np.isfinite(row["baseline_excess"])
    # logistic head-only step: a gap, no expectation
    _, _, _, _, _, row = _replicate(dict(EXACT, m=40, loss="logistic", c_w=4.0))
    assert row["fw_gap"] < 1e-8
    assert math.isnan(row["expected_excess"]) and math.isnan(row["expected_insample"])
    # gradient-descent fine-tuning: not an empirical minimiser
    frame = run_monte_carlo("network", ["gd-finetune", "target-only"], dict(EXACT, m=40), reps=1, seed=0)
    assert frame[["fw_gap", "expected_excess", "expected_insample"]].isna().all().all()
    assert frame[["baseline_excess", "baseline_insample"]].notna().all().all()


def test_every_column_is_in_the_frame():
    df = run_monte_carlo("network-hard", ["frozenrep"], dict(d=7, k=2, T=4, n=20, m=30, sigma=0.5,
                                                             head_scale=2.0, test_size=200), reps=1, seed=0)
    for c in COLUMNS:
        assert c in df
    assert df.baseline_excess.iloc[0] > df.excess_risk.iloc[0]
    assert np.isfinite(df.expected_excess.iloc[0]) or bool(df.head_constraint_active.iloc[0])


# ---------------------------------------------------------------- baselines
@pytest.mark.parametrize("loss", ["squared", "logistic"])
def test_baselines_are_the_worse_of_two_members_of_the_class(loss):
    params = dict(EXACT, m=30, delta0=0.2, loss=loss, c_w=4.0, inputs="sphere")
    s, _, target, data, lrn, row = _replicate(params)
    cls = lrn.fine_tuning_class()
    c_w, W = cls.head_bound, cls.frame
    f_test, f_design = target.predict(target.test_X), target.predict(data.X)
    lossf = s.loss
    # the two members, evaluated with the risk module's own pointwise excess
    w = antialigned_head(head_features(data.X, W), f_design, c_w)
    assert np.linalg.norm(w) == pytest.approx(c_w)
    members = [np.zeros(2), w]
    exc = [pointwise_excess(f_test, head_features(target.test_X, W) @ v, lossf).mean() for v in members]
    ins = [pointwise_excess(f_design, head_features(data.X, W) @ v, lossf).mean() for v in members]
    assert row["baseline_excess"] == pytest.approx(max(exc), rel=1e-12)
    assert row["baseline_insample"] == pytest.approx(max(ins), rel=1e-12)
    assert exc[1] > exc[0]  # the anti-aligned head is the worse member here
    assert row["baseline_excess"] > row["excess_risk"]


def test_antialigned_direction_maximises_the_design_correlation():
    rng = np.random.default_rng(4)
    Phi = np.maximum(rng.standard_normal((40, 3)), 0)
    f = Phi @ np.array([1.0, -0.5, 2.0]) + 0.3 * rng.standard_normal(40)
    u = -antialigned_head(Phi, f, 1.0)
    corr = lambda v: (Phi @ v) @ f / np.linalg.norm(Phi @ v)  # noqa: E731
    others = rng.standard_normal((2000, 3))
    assert corr(u) >= max(corr(v) for v in others) - 1e-12
    assert antialigned_head(Phi, np.zeros(40), 1.0) is None


def test_target_only_baseline_is_the_zero_predictor():
    s = make_setting("network", dict(EXACT, m=30))
    truth, src = s.draw_sources(generator(np.random.SeedSequence(0)))
    target, data = s.draw_target(generator(np.random.SeedSequence(1)), truth, None)
    excess, insample = baseline_risks(target, data, None, 4.0, "squared")
    assert excess == pytest.approx(np.mean(target.predict(target.test_X) ** 2))
    assert insample == pytest.approx(np.mean(target.predict(data.X) ** 2))
    lrn = make_learner("target-only", s, truth).fit(src).adapt(data)
    row = s.evaluate(truth, target, data, lrn)
    assert (row["baseline_excess"], row["baseline_insample"]) == (excess, insample)
    assert baseline_risks(target, data, truth.layer, math.inf, "squared") == (math.inf, math.inf)


# ---------------------------------------------------------------- Frank-Wolfe gap
@pytest.mark.parametrize("loss", [SquaredLoss(), LogisticLoss()], ids=["squared", "logistic"])
def test_head_fw_gap_is_zero_at_the_minimiser_and_positive_elsewhere(loss):
    rng = np.random.default_rng(5)
    m, k = 50, 3
    Phi = np.maximum(rng.standard_normal((m, k)), 0)
    y = np.sign(rng.standard_normal(m)) if loss.name == "logistic" else Phi @ np.ones(k) + rng.standard_normal(m)
    for c_w in (0.3, 50.0):  # binding and not binding
        w = network_fit.fit_head(Phi[None], y[None], np.eye(k), loss, c_w)[0]  # identity layer: features = Phi
        assert head_fw_gap(Phi, y, loss, w, c_w) < 1e-8
        assert head_fw_gap(Phi, y, loss, 0.9 * w, c_w) > 1e-6
