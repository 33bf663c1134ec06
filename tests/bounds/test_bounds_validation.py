"""Validation: bad constants raise ValueError naming the constant and its range."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bounds import BOUNDS, get_bound
from bounds_testpoints import VALID


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_missing_constant_is_named(name):
    b = get_bound(name)
    assert b.required()
    for c in b.required():
        point = {k: v for k, v in VALID[name].items() if k != c}
        with pytest.raises(ValueError, match=rf"missing constant '{c}'.*allowed range"):
            b.evaluate(**point)


@pytest.mark.parametrize("name", sorted(BOUNDS))
@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf])
def test_negative_and_non_finite_values_are_named(name, bad):
    b = get_bound(name)
    for c, const in b.constants.items():
        if bad == -1.0 and const.lower < -1:
            continue
        why = "is negative" if bad == -1.0 else "is not finite"
        with pytest.raises(ValueError, match=rf"'{c}' = .*{why}; allowed range: .*{c}"):
            b.evaluate(**dict(VALID[name], **{c: bad}))


def test_bad_entry_inside_an_array_is_found():
    b = get_bound("finetune-linear")
    with pytest.raises(ValueError, match=r"'delta0' = -0.5 is negative"):
        b.evaluate(**dict(VALID["finetune-linear"], delta0=np.array([0.1, -0.5, 0.2])))


def test_out_of_range_and_non_integer():
    b = get_bound("finetune-step")
    with pytest.raises(ValueError, match=r"'fail_prob' = 1.5 is out of range; allowed range: "
                                         r"0 < fail_prob < 1"):
        b.evaluate(**dict(VALID["finetune-step"], fail_prob=1.5))
    with pytest.raises(ValueError, match=r"'m' = 10.5 is not an integer.*1 <= m"):
        b.evaluate(**dict(VALID["finetune-step"], m=10.5))
    with pytest.raises(ValueError, match=r"'sigma' = -0.5 is negative; allowed range: 0 <= sigma"):
        get_bound("target-only").evaluate(d=3, m=10, sigma=-0.5)
    # sigma = 0 (noiseless data) is in the domain, as in the simulator's settings
    assert float(get_bound("target-only").evaluate(d=3, m=10, sigma=0.0)) == 0.0
    with pytest.raises(ValueError, match=r"'d' must be a number"):
        get_bound("target-only").evaluate(d="ten", m=10, sigma=1.0)


@pytest.mark.parametrize(("name", "change", "text", "names"), [
    ("target-only", {"m": 11}, r"m > d \+ 1", "d, m"),
    ("oracle-head", {"m": 4}, r"m > k \+ 1", "k, m"),
    ("finetune-linear", {"k": 101}, r"k <= d", "d, k"),
    ("frozen-lower-bayes", {"k": 12}, r"k < d", "d, k"),
])
def test_violated_condition_names_the_constants(name, change, text, names):
    with pytest.raises(ValueError, match=rf"condition {text} violated \(constants {names}\)"):
        get_bound(name).evaluate(**dict(VALID[name], **change))


def test_condition_checked_elementwise_over_a_sweep():
    b = get_bound("target-only")
    assert b.evaluate(d=10, m=np.array([12, 20]), sigma=1).shape == (2,)
    with pytest.raises(ValueError, match=r"at d=10, m=11"):
        b.evaluate(d=10, m=np.array([12, 11, 20]), sigma=1)


def test_default_is_validated_and_extra_names_ignored_unless_strict():
    b = get_bound("frozen-lower-bayes")
    point = {k: v for k, v in VALID["frozen-lower-bayes"].items() if k != "tau2"}
    values = b.validate(**point, T=5)
    assert float(values["tau2"]) == pytest.approx(1 / (2 * 0.5 * 10))
    with pytest.raises(ValueError, match=r"unknown constants \['T'\]"):
        b.evaluate(strict=True, **point, T=5)


def test_shapes_that_do_not_broadcast_are_rejected():
    with pytest.raises(ValueError, match="do not broadcast"):
        get_bound("target-only").evaluate(d=np.array([1, 2]), m=np.array([10, 20, 30]), sigma=1)
