"""The public learner battery (simulations.testing.check_learner): every registered learner passes it,
and learners broken in ways a third party might break them fail it."""

import numpy as np
import pytest

from simulations import LEARNER_CLASSES, SETTINGS
from simulations.learners import AdaptRep
from simulations.parameters import Parameter
from simulations.testing import check_learner

PAIRS = [(s, name) for s, cls in SETTINGS.items() for name in sorted(LEARNER_CLASSES[cls.family])]


@pytest.mark.parametrize("setting, name", PAIRS)
def test_every_registered_learner_passes_the_battery(setting, name):
    check_learner(name, setting)


class Noisy(AdaptRep):
    """Draws from an unseeded generator in adapt: not reproducible."""

    def adapt(self, target):
        super().adapt(target)
        self.theta_ = self.theta_ + 1e-3 * np.random.default_rng().standard_normal(self.theta_.shape)
        return self


class NanPredictions(AdaptRep):
    def predict(self, X):
        return super().predict(X) * np.nan


class PredictsBeforeFit(AdaptRep):
    def predict(self, X):
        return np.zeros(np.shape(X)[0])


class Unpicklable(AdaptRep):
    def fit(self, sources):
        super().fit(sources)
        self.hook_ = lambda x: x            # a lambda in the learned state
        return self


class UncheckedRadius(AdaptRep):
    """A radius parameter without validation: a string fails deep inside the solver."""

    HYPERPARAMETERS = {**AdaptRep.HYPERPARAMETERS, "radius": Parameter("radius", None, lambda name, v: v)}


class ForgetfulParams(AdaptRep):
    def get_params(self):
        params = super().get_params()
        params.pop("tol")
        return params


@pytest.mark.parametrize("cls, message", [
    (Noisy, "two fits on the same data differ"),
    (NanPredictions, "non-finite predictions"),
    (PredictsBeforeFit, "predict before fit did not raise NotFittedError"),
    (Unpicklable, "does not pickle"),
    (UncheckedRadius, "no invalid value of 'radius' is refused"),
    (ForgetfulParams, "get_params misses constructor arguments"),
])
def test_broken_learners_fail_the_battery(cls, message):
    with pytest.raises(AssertionError, match=message):
        check_learner(cls, "linear")


def test_the_battery_refuses_what_is_not_a_learner():
    with pytest.raises(TypeError, match="Learner subclass"):
        check_learner(dict, "linear")
