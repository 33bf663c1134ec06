"""The common battery every registered learner must pass (cf. scikit-learn's check_estimator)."""

import numpy as np
import pytest

from simulations import LEARNERS, make_learner, make_setting
from simulations.learners import NotFittedError
from simulations.seeding import generator
from simulations.settings import TargetData

PARAMS = dict(d=10, k=2, T=12, n=30, m=15, delta0=0.3)
ALL = sorted(LEARNERS)


def _problem(seed=0, setting="linear", **extra):
    s = make_setting(setting, {**PARAMS, **extra})
    truth, sources = s.draw_sources(generator(np.random.SeedSequence(seed)))
    target, data = s.draw_target(generator(np.random.SeedSequence(seed + 1000)), truth, None)
    return s, truth, sources, target, data


@pytest.mark.parametrize("name", ALL)
def test_constructor_stores_params_unchanged(name):
    cls = LEARNERS[name]
    learner = cls()
    params = learner.get_params()
    assert set(params) == set(cls._param_names())
    learner.set_params(**params)
    assert learner.get_params().keys() == params.keys()
    with pytest.raises(ValueError, match="unknown hyper-parameter"):
        learner.set_params(bogus=1)


@pytest.mark.parametrize("name", ALL)
def test_fit_adapt_shapes_and_return_self(name):
    s, truth, sources, target, data = _problem()
    learner = make_learner(name, s, truth)
    assert learner.fit(sources) is learner
    rep = learner.representation_
    assert rep is None or (rep.shape == (10, 2) and np.allclose(rep.T @ rep, np.eye(2), atol=1e-10))
    assert learner.adapt(data) is learner
    assert learner.theta_.shape == (10,)
    assert np.all(np.isfinite(learner.theta_))
    assert learner.predict(data.X).shape == (15,)
    assert np.isfinite(learner.target_objective_) and learner.target_objective_ >= 0
    assert isinstance(learner.converged_, bool)


@pytest.mark.parametrize("name", ALL)
def test_adapt_before_fit_raises(name):
    s, truth, sources, target, data = _problem()
    learner = make_learner(name, s, truth)
    with pytest.raises(NotFittedError):
        learner.adapt(data)
    with pytest.raises(NotFittedError):
        learner.predict(data.X)


@pytest.mark.parametrize("name", ALL)
def test_deterministic(name):
    thetas = []
    for _ in range(2):
        s, truth, sources, target, data = _problem(seed=3)
        thetas.append(make_learner(name, s, truth).fit(sources).adapt(data).theta_)
    np.testing.assert_array_equal(thetas[0], thetas[1])


@pytest.mark.parametrize("name", ALL)
def test_risk_finite_nonnegative_on_both_settings(name):
    for setting in ("linear", "linear-hard"):
        s, truth, sources, target, data = _problem(setting=setting, **({"delta0": 1.0, "d": 11} if setting == "linear-hard" else {}))
        learner = make_learner(name, s, truth).fit(sources)
        target, data = s.draw_target(generator(np.random.SeedSequence(7)), truth, learner.representation_)
        learner.adapt(data)
        h = learner.theta_ - target.theta
        risk = h @ truth.covariance @ h
        assert np.isfinite(risk) and risk >= 0


@pytest.mark.parametrize("name", ALL)
def test_target_dimension_mismatch_raises(name):
    s, truth, sources, target, data = _problem()
    learner = make_learner(name, s, truth).fit(sources)
    if learner.representation_ is None:
        pytest.skip("no representation to mismatch")
    bad = TargetData(X=np.ones((5, 7)), y=np.ones(5))
    with pytest.raises(ValueError, match="dimension"):
        learner.adapt(bad)


@pytest.mark.parametrize(
    "name, bad, field",
    [
        ("adaptrep", {"radius": -1.0}, "'radius'"),
        ("adaptrep", {"form": "lagrangian"}, "'form'"),
        ("adaptrep", {"k": 0}, "'k'"),
        ("adaptrep", {"max_iter": 0}, "'max_iter'"),
        ("adaptrep", {"tol": 2.0}, "'tol'"),
        ("adaptrep", {"init": "random"}, "'init'"),
        ("frozenrep", {"target_step": "all"}, "'target_step'"),
        ("frozenrep", {"k": 11}, "'k'"),
        ("oracle", {"radius": float("nan")}, "'radius'"),
    ],
)
def test_invalid_hyperparameters_raise_at_fit(name, bad, field):
    s, truth, sources, target, data = _problem()
    learner = make_learner(name, s, truth, bad)  # construction never validates
    with pytest.raises(ValueError, match=field):
        learner.fit(sources)


def test_radius_filled_from_delta0_unless_given():
    s, truth, *_ = _problem()
    assert make_learner("adaptrep", s, truth).radius == 0.3
    assert make_learner("adaptrep", s, truth, {"radius": 0.1}).radius == 0.1
    assert make_learner("adaptrep", s, truth).k == 2
    np.testing.assert_array_equal(make_learner("oracle", s, truth).frame, truth.frame)
