import numpy as np
import pytest

from verification.errors import ClaimError
from verification.expressions import parse_bound

NAMES = {"d", "m", "sigma", "k", "rep_error", "fail_prob", "E", "I"}


def test_parses_and_evaluates_vectorised():
    b = parse_bound("1.1*sigma**2*d/(m - d - 1)", NAMES)
    assert b.names == ("d", "m", "sigma")
    out = b.evaluate({"d": 10, "m": np.array([20, 40]), "sigma": 1.0})
    np.testing.assert_allclose(out, [1.1 * 10 / 9, 1.1 * 10 / 29])


def test_functions_and_broadcasting():
    b = parse_bound("Min(d/m, 1) + Max(sqrt(k/m), exp(-m)) + log(1/fail_prob)", NAMES)
    out = b.evaluate({"d": 10, "m": np.array([5.0, 20.0]), "k": 4, "fail_prob": 0.1})
    exp = np.minimum(10 / np.array([5, 20]), 1) + np.sqrt(4 / np.array([5, 20])) + np.log(10)
    np.testing.assert_allclose(out, exp)


def test_sympy_reserved_letters_are_plain_symbols():
    b = parse_bound("E + I", NAMES)
    assert float(b.evaluate({"E": 1.0, "I": 2.0})) == 3.0


@pytest.mark.parametrize("text, fragment", [
    ("d/q", "unknown name 'q'"),
    ("__import__('os').system('true')", "unknown function"),
    ("d.real", "Attribute not allowed"),
    ("(lambda: 1)()", "unknown function"),
    ("[d][0]", "not allowed"),
    ("d ^ 2", "'**'"),
    ("sin(d)", "unknown function 'sin'"),
    ("sqrt(d, m)", "takes 1 argument"),
    ("Min(d)", "at least 2"),
    ("d +", "does not parse"),
    ("'d'", "not a number"),
    ("", "non-empty"),
    ("sqrt", "without a call"),
    ("d if m else k", "not allowed"),
    ("d < m", "not allowed"),
])
def test_rejects_with_claim_and_field(text, fragment):
    with pytest.raises(ClaimError) as info:
        parse_bound(text, NAMES, claim="c1", field="bound")
    msg = str(info.value)
    assert fragment in msg
    assert "claim 'c1'" in msg and "field 'bound'" in msg


def test_latex():
    assert "sigma" in parse_bound("sigma**2*d/m", NAMES).latex()
