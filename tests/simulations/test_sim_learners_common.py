"""Registry-level checks of every registered learner on every setting it supports; the common
battery itself (cf. scikit-learn's check_estimator) is simulations.testing.check_learner."""

import numpy as np
import pytest

from simulations import LEARNER_CLASSES, LEARNERS, SETTINGS, get_learner, make_learner, make_setting
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


def test_every_setting_has_a_battery_instance():
    assert set(SETTING_PARAMS) == set(SETTINGS)
    assert set(ALL) == {name for classes in LEARNER_CLASSES.values() for name in classes}


@pytest.mark.parametrize("setting, name", PAIRS)
def test_registry_hyper_parameters_cover_each_family(setting, name):
    """The registry's union of hyper-parameters covers each family's class (the rest of the common
    battery, shapes to pickling, is simulations.testing.check_learner: tests/simulations/test_sim_testing.py)."""
    cls = get_learner(name, setting)
    assert set(cls.HYPERPARAMETERS) <= set(LEARNERS[name].HYPERPARAMETERS)
    with pytest.raises(ValueError, match="unknown hyper-parameter"):
        cls().set_params(bogus=1)


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
