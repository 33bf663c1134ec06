"""The common battery every registered learner must pass on every setting it supports
(cf. scikit-learn's check_estimator)."""

import numpy as np
import pytest

from simulations import LEARNER_CLASSES, LEARNERS, SETTINGS, get_learner, make_learner, make_setting
from simulations.learners import NotFittedError
from simulations.seeding import generator
from simulations.settings import TargetData

PARAMS = dict(d=10, k=2, T=12, n=30, m=15, delta0=0.3)
#: Small instances of every setting (the linear ones as before).
SETTING_PARAMS = {
    "linear": PARAMS,
    "linear-hard": {**PARAMS, "delta0": 1.0, "d": 11},
    "logistic": PARAMS,
    "network": {**PARAMS, "d": 6, "T": 8, "n": 40, "test_size": 500},
    "network-hard": {**PARAMS, "d": 6, "T": 8, "n": 40, "test_size": 500},
}
#: Every (setting, learner) pair the simulator implements.
PAIRS = [(s, name) for s, cls in SETTINGS.items() if s in SETTING_PARAMS
         for name in sorted(LEARNER_CLASSES[cls.family])]
ALL = sorted(LEARNERS)


def _problem(seed=0, setting="linear", **extra):
    s = make_setting(setting, {**SETTING_PARAMS[setting], **extra})
    truth, sources = s.draw_sources(generator(np.random.SeedSequence(seed)))
    target, data = s.draw_target(generator(np.random.SeedSequence(seed + 1000)), truth, None)
    return s, truth, sources, target, data


def _check_representation(setting, learner):
    rep = learner.representation_
    if rep is None:
        return
    p = setting.params
    if setting.family == "network":
        assert rep.shape == (p["k"], p["d"]) and np.all(np.isfinite(rep))
    else:
        assert rep.shape == (p["d"], p["k"]) and np.allclose(rep.T @ rep, np.eye(p["k"]), atol=1e-10)


def test_every_setting_has_a_battery_instance():
    assert set(SETTING_PARAMS) == set(SETTINGS)
    assert set(ALL) == {name for classes in LEARNER_CLASSES.values() for name in classes}


@pytest.mark.parametrize("setting, name", PAIRS)
def test_constructor_stores_params_unchanged(setting, name):
    cls = get_learner(name, setting)
    learner = cls()
    params = learner.get_params()
    assert set(params) == set(cls._param_names())
    learner.set_params(**params)
    assert learner.get_params().keys() == params.keys()
    with pytest.raises(ValueError, match="unknown hyper-parameter"):
        learner.set_params(bogus=1)
    assert set(cls.HYPERPARAMETERS) <= set(LEARNERS[name].HYPERPARAMETERS)


@pytest.mark.parametrize("setting, name", PAIRS)
def test_fit_adapt_shapes_and_return_self(setting, name):
    s, truth, sources, target, data = _problem(setting=setting)
    d, m = s.params["d"], s.params["m"]
    learner = make_learner(name, s, truth)
    assert learner.fit(sources) is learner
    _check_representation(s, learner)
    assert learner.adapt(data) is learner
    assert np.all(np.isfinite(learner.predict(data.X)))
    assert learner.predict(data.X).shape == (m,)
    if s.family != "network":
        assert learner.theta_.shape == (d,)
        assert np.all(np.isfinite(learner.theta_))
    assert np.isfinite(learner.target_objective_) and learner.target_objective_ >= 0
    assert isinstance(learner.converged_, bool)


@pytest.mark.parametrize("setting, name", PAIRS)
def test_adapt_before_fit_raises(setting, name):
    s, truth, sources, target, data = _problem(setting=setting)
    learner = make_learner(name, s, truth)
    with pytest.raises(NotFittedError):
        learner.adapt(data)
    with pytest.raises(NotFittedError):
        learner.predict(data.X)


@pytest.mark.parametrize("setting, name", PAIRS)
def test_refit_and_readapt_leave_no_stale_state(setting, name):
    """A new fit forgets the previous target (no theta_ survives it); a new adapt forgets the
    previous target's attributes; refitting on the same sources gives the same predictor."""
    s, truth, sources, target, data = _problem(setting=setting)
    learner = make_learner(name, s, truth).fit(sources).adapt(data)
    first = learner.predict(data.X)
    learner.stale_target_attr_ = "left by the previous adapt"
    learner.fit(sources)
    assert not hasattr(learner, "stale_target_attr_") and "theta_" not in vars(learner)
    with pytest.raises(NotFittedError):
        learner.predict(data.X)
    learner.adapt(data)
    learner.stale_target_attr_ = "left by the previous adapt"
    learner.adapt(data)
    assert not hasattr(learner, "stale_target_attr_")
    assert hasattr(learner, "representation_")           # the source state stays
    np.testing.assert_array_equal(learner.predict(data.X), first)
    # an adapt that fails half-way leaves no predictor behind
    bad = TargetData(X=np.ones((3, s.params["d"])), y=np.zeros(2))      # y does not match X
    with pytest.raises(Exception):
        learner.adapt(bad)
    with pytest.raises(NotFittedError):
        learner.predict(data.X)


@pytest.mark.parametrize("setting, name", PAIRS)
def test_deterministic(setting, name):
    preds = []
    for _ in range(2):
        s, truth, sources, target, data = _problem(setting=setting, seed=3)
        preds.append(make_learner(name, s, truth).fit(sources).adapt(data).predict(data.X))
    np.testing.assert_array_equal(preds[0], preds[1])


@pytest.mark.parametrize("setting, name", PAIRS)
def test_risk_finite_nonnegative(setting, name):
    s, truth, sources, target, data = _problem(setting=setting)
    learner = make_learner(name, s, truth).fit(sources)
    target, data = s.draw_target(generator(np.random.SeedSequence(7)), truth, learner.representation_)
    learner.adapt(data)
    row = s.evaluate(truth, target, data, learner)
    for col in ("excess_risk", "insample_risk"):
        assert np.isfinite(row[col]) and row[col] >= 0, (col, row[col])


@pytest.mark.parametrize("setting, name", PAIRS)
def test_target_dimension_mismatch_raises(setting, name):
    s, truth, sources, target, data = _problem(setting=setting)
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


@pytest.mark.parametrize(
    "name, bad, field",
    [
        ("adaptrep", {"c_w": 0.0}, "'c_w'"),
        ("adaptrep", {"radius": -0.1}, "'radius'"),
        ("frozenrep", {"target_step": "all"}, "'target_step'"),
        ("target-only", {"norm_bound": -1.0}, "'norm_bound'"),
        ("oracle", {"c_w": float("inf")}, "'c_w'"),
    ],
)
def test_invalid_logistic_hyperparameters_raise_at_fit(name, bad, field):
    s, truth, sources, target, data = _problem(setting="logistic")
    learner = make_learner(name, s, truth, bad)
    with pytest.raises(ValueError, match=field):
        learner.fit(sources)


def test_radius_filled_from_delta0_unless_given():
    s, truth, *_ = _problem()
    assert make_learner("adaptrep", s, truth).radius == 0.3
    assert make_learner("adaptrep", s, truth, {"radius": 0.1}).radius == 0.1
    assert make_learner("adaptrep", s, truth).k == 2
    np.testing.assert_array_equal(make_learner("oracle", s, truth).frame, truth.frame)


def test_logistic_defaults_come_from_the_setting():
    s, truth, *_ = _problem(setting="logistic", c_w=1.5)
    assert make_learner("adaptrep", s, truth).c_w == 1.5
    assert make_learner("target-only", s, truth).norm_bound == pytest.approx(1.8)
    assert type(make_learner("adaptrep", s, truth)).__module__.endswith("learners.logistic")


def test_unsupported_pair_names_both():
    for setting, cls in SETTINGS.items():
        missing = set(ALL) - set(LEARNER_CLASSES[cls.family])
        for name in missing:
            with pytest.raises(ValueError, match=f"{name}.*{setting}"):
                get_learner(name, setting)
