"""Parameter constraints as objects: they validate, describe themselves and generate values they refuse."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from simulations import LEARNERS, SETTINGS
from simulations.learners import AdaptRep
from simulations.parameters import Choice, Constraint, Interval, Matrix, Parameter, SPDMatrix
from simulations.testing import check_learner

CONSTRAINTS = [Interval("int", 1), Interval("int", 0, 5), Interval("real", 0.0), Interval("real", 0.0, 1.0, True, True),
               Interval("real", 1.0), Choice(("head", "finetune")), Matrix(), SPDMatrix()]


@pytest.mark.parametrize("constraint", CONSTRAINTS, ids=repr)
def test_every_generated_invalid_value_is_refused_naming_the_parameter(constraint):
    assert constraint.invalid_values()
    for value in constraint.invalid_values():
        with pytest.raises(ValueError, match="parameter 'x'"):
            constraint("x", value)


@given(st.integers(-50, 50), st.integers(0, 20))
def test_an_integer_interval_accepts_exactly_its_integers(low, width):
    c = Interval("int", low, low + width)
    for v in (low, low + width, low + width // 2):
        assert c("x", v) == v and c("x", float(v)) == v
    for v in (low - 1, low + width + 1):
        with pytest.raises(ValueError, match=f"an integer in \\[{low}, {low + width}\\]"):
            c("x", v)


@given(st.floats(-1e6, 1e6), st.floats(0.0, 1e6), st.booleans(), st.booleans())
def test_a_real_interval_honours_open_ends(low, width, low_open, high_open):
    high = low + width
    c = Interval("real", low, high, low_open, high_open)
    for end, is_open in ((low, low_open), (high, high_open)):
        if is_open:
            with pytest.raises(ValueError):
                c("x", end)
        elif not (high == low and (low_open or high_open)):          # otherwise the interval is empty
            assert c("x", end) == end


def test_every_built_in_parameter_is_a_constraint_object():
    tables = [(f"setting {n}", cls.PARAMETERS) for n, cls in SETTINGS.items()]
    tables += [(f"learner {n}", info.HYPERPARAMETERS) for n, info in LEARNERS.items()]
    for owner, table in tables:
        for key, spec in table.items():
            assert isinstance(spec.validate, Constraint), f"{owner}: {key} is validated by {spec.validate!r}"
            assert spec.validate.describe()


class LeakyInterval(Interval):
    """A classic bug: comparisons with NaN are false, so NaN slips through the range test."""

    def __call__(self, name, value):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise self._refuse(name, value)
        if value < self.low or value > self.high:
            raise self._refuse(name, value)
        return float(value)


class LeakyRadius(AdaptRep):
    HYPERPARAMETERS = {**AdaptRep.HYPERPARAMETERS,
                       "radius": Parameter("radius", None, LeakyInterval("real", 0.0))}


def test_the_learner_battery_catches_a_constraint_that_lets_an_invalid_value_through():
    assert math.isnan(LeakyInterval("real", 0.0)("x", float("nan")))
    with pytest.raises(AssertionError, match="radius = nan is accepted, but its constraint"):
        check_learner(LeakyRadius, "linear")
