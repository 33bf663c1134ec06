"""The Bound class itself: construction, combination, broadcasting, from_string."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from bounds import Bound, Constant, get_bound


def test_from_string_builds_a_rate_bound_with_standard_constants():
    b = Bound.from_string("toy", "sigma**2*d/m")
    assert list(b.constants) == ["d", "m", "sigma"] and b.kind == "rate" and not b.explicit
    np.testing.assert_allclose(b.evaluate(d=10, m=[10, 20], sigma=1), [1.0, 0.5])
    assert float(b.exponent("m", d=10, m=20, sigma=1)) == pytest.approx(-1)


def test_from_string_needs_definitions_for_unknown_names():
    with pytest.raises(ValueError, match=r"unknown names \['alpha_x'\]"):
        Bound.from_string("toy", "alpha_x/m")
    alpha_x = Constant("alpha_x", "a new constant", default=2.0)
    b = Bound.from_string("toy", "alpha_x/m", constants=[alpha_x])
    assert b.required() == ("m",) and float(b.evaluate(m=4)) == 0.5


def test_value_expression_other_than_sum():
    c = [Constant("x", "x"), Constant("y", "y")]
    b = Bound("toy", "s", "upper", True, ("a",), "p.md", c,
              terms={"first": "x", "second": "y"}, value="Max(first, 2*second)")
    np.testing.assert_allclose(b.evaluate(x=[1.0, 5.0], y=1.0), [2.0, 5.0])
    assert b.formula == "Max(first, 2*second)"
    total = Bound("toy", "s", "upper", True, ("a",), "p.md", c, terms={"first": "x", "second": "y"})
    assert float(total.evaluate(x=1.0, y=2.0)) == 3.0


def test_whole_sweep_broadcasts_in_one_call():
    b = get_bound("finetune-linear")
    m = np.array([10, 20, 40, 80])[:, None]
    d = np.array([50, 100, 200])[None, :]
    values = b.evaluate(d=d, k=5, m=m, sigma=1.0, delta0=0.1)
    assert values.shape == (4, 3)
    loop = [[float(b.evaluate(d=int(dd), k=5, m=int(mm), sigma=1.0, delta0=0.1))
             for dd in d.ravel()] for mm in m.ravel()]
    np.testing.assert_allclose(values, loop)
    parts = b.breakdown(d=d, k=5, m=m, sigma=1.0, delta0=0.1)
    assert all(v.shape == (4, 3) for v in parts.values())
    np.testing.assert_allclose(parts["head"] + np.minimum(np.minimum(parts["ceiling"], parts["slow"]),
                                                          parts["diameter"]), values)


def test_scalar_inputs_give_0d_and_constant_terms_broadcast():
    assert get_bound("target-only").evaluate(d=1, m=3, sigma=1).shape == ()
    assert get_bound("frozen-lower-bias").evaluate(eps=np.ones((2, 3))).shape == (2, 3)


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(kind="upperish"), "kind must be one of"),
    (dict(kind="rate", explicit=True), "rate-only bound cannot have explicit"),
    (dict(terms={"t": "x + q"}), r"names \['q'\] that are not constants"),
    (dict(terms={"x": "x"}), "clash with constants"),
    (dict(value="t + u"), r"unknown terms \['u'\]"),
    (dict(monotonicity={"q": 1}), "unknown constant 'q'"),
    (dict(monotonicity={"x": 2}), "must be -1, 0 or \\+1"),
    (dict(conditions=("x + 1",)), "is not a relation"),
])
def test_construction_errors(kwargs, match):
    base = dict(name="toy", statement="s", kind="upper", explicit=True, assumptions=(),
                derivation="p.md", constants=[Constant("x", "x")], terms={"t": "x"})
    with pytest.raises(ValueError, match=match):
        Bound(**{**base, **kwargs})


def test_exponent_argument_errors():
    b = get_bound("target-only")
    with pytest.raises(ValueError, match="unknown constant 'k'"):
        b.exponent("k", d=3, m=10, sigma=1)
    with pytest.raises(ValueError, match="unknown term 'head'"):
        b.exponent("m", term="head", d=3, m=10, sigma=1)


def test_bound_formulas_go_through_the_one_safe_parser():
    """No eval: code in a formula string is refused, not run (sympify would have run it)."""
    import bounds.formula as formula

    for text in ("__import__('os').system('false')", "(lambda: 1)()", "d.__class__", "[d][0]", "d if m else k"):
        with pytest.raises(ValueError, match="cannot parse formula"):
            Bound.from_string("unsafe", text, kind="upper")
    rel = formula.parse_formula("m > d + 1", {"m": sympy.Symbol("m"), "d": sympy.Symbol("d")}, relation=True)
    assert isinstance(rel, sympy.core.relational.Relational)
    with pytest.raises(formula.FormulaError, match="not a relation"):
        formula.parse_formula("m + d", {"m": sympy.Symbol("m"), "d": sympy.Symbol("d")}, relation=True)
    with pytest.raises(formula.FormulaError, match="comparison is not allowed"):
        formula.parse_formula("(m > d) + 1", {"m": sympy.Symbol("m"), "d": sympy.Symbol("d")})
