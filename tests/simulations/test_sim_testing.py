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


# ------------------------------------------------------------------ the setting battery
from simulations.settings import LinearSetting, SourceData  # noqa: E402
from simulations.settings.base import TargetData as _TargetData  # noqa: E402
from simulations.testing import SETTING_CHECKS, check_setting  # noqa: E402


@pytest.mark.parametrize("setting", sorted(SETTINGS))
def test_every_registered_setting_passes_the_battery(setting):
    check_setting(setting)


class UnseededDraws(LinearSetting):
    name = "unseeded"

    def draw_sources(self, rng):
        truth, data = super().draw_sources(rng)
        noise = np.random.default_rng().standard_normal(data.y.shape)
        return truth, SourceData(X=data.X, y=data.y + noise)


class TransposedTarget(LinearSetting):
    name = "transposed"

    def draw_target(self, rng, truth, representation):
        target, data = super().draw_target(rng, truth, representation)
        return target, _TargetData(X=data.X.T, y=data.y)


class DoubledRisk(LinearSetting):
    """An excess-risk formula off by a factor 2 (every risk still finite and non-negative)."""

    name = "doubled-risk"

    def evaluate(self, truth, target, data, learner):
        row = super().evaluate(truth, target, data, learner)
        return {**row, "excess_risk": 2 * row["excess_risk"]}


class RiskAgainstSharedPart(LinearSetting):
    """Excess risk measured against B* w instead of B* w + v: the perturbation is forgotten."""

    name = "shared-only-risk"

    def evaluate(self, truth, target, data, learner):
        from simulations.risk import excess_risk
        row = super().evaluate(truth, target, data, learner)
        return {**row, "excess_risk": excess_risk(learner.theta_, target.shared, truth.covariance)}


class UncheckedNoise(LinearSetting):
    name = "unchecked-noise"
    PARAMETERS = {**LinearSetting.PARAMETERS, "sigma": Parameter("noise", 1.0, lambda name, v: v)}


class NanLabels(LinearSetting):
    """A noise model that breaks for delta0 > 0: labels are NaN."""

    name = "nan-labels"

    def draw_sources(self, rng):
        truth, data = super().draw_sources(rng)
        return truth, SourceData(X=data.X, y=data.y * (np.nan if self.params["delta0"] > 0.1 else 1.0))


@pytest.mark.parametrize("cls, message", [
    (UnseededDraws, "two draws with one seed differ"),
    (TransposedTarget, "target X has shape"),
    (DoubledRisk, "the zero predictor has excess risk"),
    (RiskAgainstSharedPart, "the true predictor has excess risk"),
    (UncheckedNoise, "sigma = 'bogus' raised TypeError|no invalid value of 'sigma'"),
    (NanLabels, "sources.y is not finite"),
])
def test_broken_settings_fail_the_battery(cls, message):
    with pytest.raises(AssertionError, match=message):
        check_setting(cls, params=dict(d=10, k=2, T=12, n=30, m=15, delta0=0.3))


def test_check_setting_names_its_checks_and_refuses_non_settings():
    assert [c.__name__ for c in SETTING_CHECKS] == [
        "check_setting_parameters", "check_setting_invalid_parameters", "check_setting_draws",
        "check_setting_risks", "check_setting_pickle"]
    with pytest.raises(TypeError, match="Setting subclass"):
        check_setting(AdaptRep)
    check_setting(DoubledRisk, params=dict(d=10, k=2, T=12, n=30, m=15), skip=("check_setting_risks",))


def test_check_learner_accepts_an_unregistered_setting_class():
    check_learner("target-only", UnseededDraws, params=dict(d=8, k=2, T=6, n=20, m=10),
                  skip=("check_deterministic", "check_invalid_hyperparameters"))
