"""The calculator: explain, solve (sample-complexity inversion) and compare, from Python and the CLI."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bounds import STANDARD, Bound, get_bound
from bounds.calculator import compare, explain, parse_sweep, solve
from verification.cli import main


# ------------------------------------------------------------------ domain evaluation
def test_evaluate_in_domain_is_nan_exactly_outside_the_conditions():
    b = get_bound("target-only")
    m = np.arange(5, 30)
    got = b.evaluate_in_domain(d=10, m=m, sigma=1.5)
    inside = m > 11
    assert np.all(np.isnan(got[~inside]))
    np.testing.assert_allclose(got[inside], b.evaluate(d=10, m=m[inside], sigma=1.5), rtol=0, atol=0)
    got = b.evaluate_in_domain(d=10, m=np.array([20.0, 20.5, -3.0]), sigma=1.0)   # not integer, negative
    assert math.isfinite(got[0]) and np.isnan(got[1:]).all()
    with pytest.raises(ValueError, match="missing constant 'sigma'"):
        b.evaluate_in_domain(d=10, m=20)
    with pytest.raises(ValueError, match="unknown constants"):
        b.evaluate_in_domain(d=10, m=20, sigma=1, q=1)


# ------------------------------------------------------------------ explain
def test_explain_shares_are_the_terms_share_of_the_value():
    e = explain(get_bound("frozenrep-shared"), d=50, k=3, T=20, n=100, m=30, sigma=1.0)
    parts = get_bound("frozenrep-shared").breakdown(d=50, k=3, T=20, n=100, m=30, sigma=1.0)
    for t in e.terms:
        assert t.share == pytest.approx(float(parts[t.name]) / e.value, rel=1e-12)
    assert sum(t.share for t in e.terms) == pytest.approx(1.0)
    assert e.dominant == "head"                                    # 0.1 against 0.075
    assert e.exponents["m"] == pytest.approx(-0.1 / 0.175)
    assert e.exponents["T"] == pytest.approx(-0.075 / 0.175)


def test_explain_gives_inactive_branches_of_a_min_no_share():
    b = get_bound("finetune-linear")
    point = dict(d=100, k=5, m=50, sigma=1.0, delta0=0.1)
    e = explain(b, **point)
    share = {t.name: t.share for t in e.terms}
    parts = {t: float(v) for t, v in b.breakdown(**point).items()}
    active = min(("ceiling", "slow", "diameter"), key=parts.get)
    assert share[active] == pytest.approx(parts[active] / e.value)
    assert all(share[t] == 0 for t in ("ceiling", "slow", "diameter") if t != active)
    assert sum(share.values()) == pytest.approx(1.0)
    for c in point:
        assert e.exponents[c] == pytest.approx(float(b.exponent(c, **point)))
    assert e.value == pytest.approx(float(b.evaluate(**point)))


def test_explain_refuses_sweeps_and_bad_points():
    b = get_bound("target-only")
    with pytest.raises(ValueError, match="'m' must be a single number"):
        explain(b, d=10, m=[20, 30], sigma=1)
    with pytest.raises(ValueError, match="m > d \\+ 1"):
        explain(b, d=10, m=5, sigma=1)
    with pytest.raises(ValueError, match="unknown constants"):
        explain(b, d=10, m=20, sigma=1, nu=2)


# ------------------------------------------------------------------ solve
@settings(max_examples=60, deadline=None)
@given(d=st.integers(1, 200), sigma=st.floats(0.05, 5), target=st.floats(1e-3, 10))
def test_solve_target_only_matches_the_closed_form(d, sigma, target):
    """sigma^2 d/(m - d - 1) <= t  iff  m >= d + 1 + sigma^2 d / t: the least integer."""
    s = solve(get_bound("target-only"), "m", target, d=d, sigma=sigma)
    b = get_bound("target-only")
    assert float(b.evaluate(d=d, m=s.value, sigma=sigma)) <= target          # reached at m ...
    if s.value - 1 > d + 1:                                                  # ... and not before
        assert float(b.evaluate(d=d, m=s.value - 1, sigma=sigma)) > target
    else:
        assert s.value == d + 2                                              # the domain's first m
    assert abs(s.value - max(math.ceil(d + 1 + sigma ** 2 * d / target), d + 2)) <= 1   # rounding at ties
    assert s.direction == -1


def test_solve_a_real_constant_in_which_the_bound_grows():
    s = solve(get_bound("target-only"), "sigma", 0.5, d=50, m=100)
    assert s.direction == +1
    assert s.value == pytest.approx(math.sqrt(0.5 * 49 / 50), rel=1e-9)


def test_solve_sample_complexity_of_a_two_term_rate():
    """frozenrep-shared <= t in m: sigma^2 k/m <= t - transfer."""
    point = dict(d=50, k=3, T=200, n=100, sigma=1.0)
    s = solve(get_bound("frozenrep-shared"), "m", 0.1, **point)
    transfer = 50 * 3 / (100 * 200)
    assert s.value == math.ceil(3 / (0.1 - transfer))
    t = solve(get_bound("frozenrep-shared"), "T", 0.1, m=100, d=50, k=3, n=100, sigma=1.0)
    assert t.value == math.ceil(50 * 3 / (100 * (0.1 - 0.03)))


def test_solve_names_the_limit_when_the_target_is_out_of_reach():
    with pytest.raises(ValueError, match="never reaches the target 0.01 .* its limit at m -> infinity is 0.075"):
        solve(get_bound("frozenrep-shared"), "m", 0.01, d=50, k=3, T=20, n=100, sigma=1.0)


def test_solve_refuses_a_bound_that_is_not_monotone():
    bumpy = Bound.from_string("bumpy", "(m - 30)**2/m + 1")
    with pytest.raises(ValueError, match="not monotone in 'm'"):
        solve(bumpy, "m", 2.0)
    plain = Bound.from_string("plain", "10/m")             # undeclared, found monotone on the grid
    assert solve(plain, "m", 0.5).value == 20


@pytest.mark.parametrize("kwargs, message", [
    (dict(name="q", target=1.0, d=10, sigma=1), "unknown constant 'q' to solve for"),
    (dict(name="m", target=math.nan, d=10, sigma=1), "target must be finite"),
    (dict(name="m", target=1.0, d=10, sigma=1, m=30), "'m' is solved for"),
    (dict(name="m", target=1.0, d=[10, 20], sigma=1), "'d' must be a single number"),
    (dict(name="m", target=1.0, d=10, sigma=1, lower=0.5), "lower end 0.5 of the search is outside"),
])
def test_solve_errors_name_the_problem(kwargs, message):
    name, target = kwargs.pop("name"), kwargs.pop("target")
    with pytest.raises(ValueError, match=message):
        solve(get_bound("target-only"), name, target, **kwargs)


# ------------------------------------------------------------------ compare
def test_compare_finds_the_crossing_with_a_level():
    level = Bound("level", "a level", "upper", True, (), "", [STANDARD["m"]], {"level": "1/2"})
    c = compare([get_bound("target-only"), level], "m", np.arange(5, 80), d=10, sigma=1.1)
    # 12.1/(m - 11) <= 0.5 from m = 35.2 on: the order changes at the integer 36
    (x,) = c.crossings
    assert x.at == 36 and x.below_after == "target-only"
    assert np.isnan(c.table["target-only"][:7]).all()             # m <= 11 outside the domain
    assert "crossings:" in c.text() and "target-only and level cross at m ~ 36" in c.text()


def test_compare_of_the_rates_shows_adaptrep_and_frozenrep_agree_when_exactly_shared():
    c = compare([get_bound("adaptrep-linear-rate"), get_bound("frozenrep-shared")], "m",
                parse_sweep("m=10:1000:9", integer=True)[1],
                d=50, k=3, T=200, n=100, sigma=1.0, nu=1 / 3, delta0=0.0)
    np.testing.assert_allclose(c.table["adaptrep-linear-rate"], c.table["frozenrep-shared"], rtol=1e-12)


@pytest.mark.parametrize("text, message", [
    ("m", "expected NAME=LO:HI"), ("m=10:5", "LO < HI"), ("m=1:2:1", "2 <= N"), ("m=1,x", "finite numbers"),
    ("m=1:10:1000000000", "N <= 100,000"),
])
def test_parse_sweep_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_sweep(text)


def test_compare_refuses_constants_no_bound_takes():
    with pytest.raises(ValueError, match=r"constants \['nu'\] are taken by none"):
        compare([get_bound("target-only")], "m", [20, 30], d=10, sigma=1, nu=0.3)
    with pytest.raises(ValueError, match="does not take the swept constant 'n'"):
        compare([get_bound("target-only")], "n", [20, 30], d=10, sigma=1)


# ------------------------------------------------------------------ CLI
def test_cli_explain_solve_compare(tmp_path, capsys):
    assert main(["bound", "finetune-linear", "--explain", "--d", "100", "--k", "5", "--m", "50",
                 "--sigma", "1", "--delta0", "0.1"]) == 0
    out = capsys.readouterr().out
    assert "<- dominant" in out and "exponents d log(bound)" in out
    assert main(["bound", "target-only", "--solve", "m", "--target", "0.1", "--d", "50", "--sigma", "1",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == 551
    plot = tmp_path / "cmp.png"
    assert main(["bound", "--compare", "adaptrep-linear-rate", "frozenrep-shared", "target-only",
                 "--d", "50", "--k", "3", "--T", "200", "--n", "100", "--sigma", "1", "--nu", "0.33",
                 "--delta0", "0.3", "--sweep", "m=10:1000", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "crossings:" in out and "kinds: adaptrep-linear-rate [rate, rate only]" in out
    assert plot.stat().st_size > 1000


@pytest.mark.parametrize("argv, message", [
    (["target-only", "--solve", "m", "--d", "5", "--sigma", "1"], "--solve needs --target"),
    (["target-only", "--target", "1", "--d", "5"], "--target needs --solve"),
    (["--compare", "target-only", "--d", "5", "--sigma", "1"], "--compare needs --sweep"),
    (["--compare", "target-only", "--sweep", "m=10:20", "--m", "4", "--d", "5", "--sigma", "1"], "'m' is swept"),
    (["--compare", "nope", "--sweep", "m=10:20"], "unknown bound 'nope'"),
    (["target-only", "--sweep", "m=10:20"], "--sweep and --plot need --compare"),
    (["frozenrep-shared", "--solve", "m", "--target", "0.01", "--d", "50", "--k", "3", "--T", "20",
      "--n", "100", "--sigma", "1"], "its limit at m -> infinity is 0.075"),
])
def test_cli_calculator_errors_exit_2_with_one_line(capsys, argv, message):
    assert main(["bound", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_the_index_lists_every_bound():
    """docs/theory/index.md has one row per registered bound, with its kind and domain."""
    from pathlib import Path

    from bounds import BOUNDS
    text = (Path(__file__).resolve().parents[2] / "docs" / "theory" / "index.md").read_text()
    rows = {}
    for line in text.splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0].strip("`")] = cells
    assert set(rows) == set(BOUNDS)
    for name, b in BOUNDS.items():
        assert rows[name][2] == b.kind, name
        assert rows[name][3] == ("explicit" if b.explicit else "rate only"), name
        assert rows[name][5] == (", ".join(f"`{c}`" for c in b.conditions) or "-"), name


def test_compare_excludes_a_bound_where_a_premise_the_constants_decide_fails():
    """frozenrep-shared-e2e assumes delta0 = 0 (premise "delta0 <= 0"): compared with adaptrep-linear-e2e at
    delta0 = 0.02 its row is NaN and the comparison says why; at delta0 = 0 it is shown.  Premises on per-replicate
    columns (source_fit_excess ...) are not decided here."""
    point = dict(d=10, k=2, T=200, n=2000, sigma=0.5, nu=0.5, fail_prob=0.05, head_scale=1.0)
    bounds = [get_bound("adaptrep-linear-e2e"), get_bound("frozenrep-shared-e2e")]
    c = compare(bounds, "m", [100, 200], delta0=0.02, **point)
    assert np.isnan(c.table["frozenrep-shared-e2e"]).all() and np.isfinite(c.table["adaptrep-linear-e2e"]).all()
    assert c.excluded == {"frozenrep-shared-e2e": ("delta0 <= 0 (at delta0=0.02)",)}
    assert "not applicable where its premise fails: delta0 <= 0" in c.text()
    assert c.to_dict()["excluded"] == {"frozenrep-shared-e2e": ["delta0 <= 0 (at delta0=0.02)"]}
    c0 = compare(bounds, "m", [100, 200], delta0=0.0, **point)
    assert not c0.excluded and np.isfinite(c0.table["frozenrep-shared-e2e"]).all()
    with pytest.raises(ValueError, match="premises failing"):
        compare(bounds, "m", [3], delta0=0.02, **point)     # m = 3: outside adaptrep-linear-e2e's domain
