"""The registry: complete, documented, serialisable; LaTeX renders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sympy as sp

from bounds import BOUNDS, KINDS, Bound, get_bound, summary
from bounds_testpoints import VALID

ROOT = Path(__file__).resolve().parents[2]

NAMES = ["finetune-step", "finetune-linear", "adaptrep-linear", "adaptrep-linear-rate",
         "frozenrep-shared", "frozenrep-shared-e2e", "adaptrep-linear-e2e", "target-only", "oracle-head", "frozen-lower-bias",
         "frozen-lower-bayes", "target-only-bayes", "gd-radius", "adaptrep-logistic", "adaptrep-logistic-e2e",
         "network-finetune", "finetune-logistic", "gd-radius-observed", "adaptrep-network-rate",
         "logistic-erm-certificate", "logistic-gap-certificate",
         "network-head-exact", "network-head-exact-test", "head-only-exact", "head-only-insample",
         "smoother-conditional", "smoother-conditional-insample", "class-bias", "frozen-lower-e2e"]
RATE_ONLY = {"adaptrep-linear-rate", "frozenrep-shared", "adaptrep-logistic", "adaptrep-network-rate"}


def test_registry_holds_exactly_the_catalogue():
    assert sorted(BOUNDS) == sorted(NAMES)
    assert {n for n, b in BOUNDS.items() if b.kind == "rate"} == RATE_ONLY
    assert {n for n, b in BOUNDS.items() if b.kind == "lower"} == {
        "frozen-lower-bias", "frozen-lower-bayes", "target-only-bayes", "class-bias", "frozen-lower-e2e"}
    assert {n for n, b in BOUNDS.items() if b.kind == "exact"} == {
        "target-only", "oracle-head", "network-head-exact", "network-head-exact-test", "head-only-exact",
        "head-only-insample", "smoother-conditional", "smoother-conditional-insample"}


@pytest.mark.parametrize("name", NAMES)
def test_each_bound_is_described_and_documented(name):
    b = get_bound(name)
    assert isinstance(b, Bound) and b.name == name
    assert b.kind in KINDS
    assert b.explicit == (b.kind != "rate")
    assert b.statement and b.assumptions
    assert b.derivation == f"docs/theory/{name}.md"
    page = (ROOT / b.derivation).read_text()
    assert page.startswith(f"# `{name}`")
    if b.explicit:
        assert "project-derived" in page
    else:
        assert "rate only" in page.lower()
    index = (ROOT / "docs/theory/index.md").read_text()
    assert f"({name}.md)" in index


@pytest.mark.parametrize("name", NAMES)
def test_to_dict_is_json_and_round_trips_the_formula(name):
    b = get_bound(name)
    data = json.loads(json.dumps(b.to_dict()))
    assert data["kind"] == b.kind and list(data["constants"]) == list(b.constants)
    local = {c.name: c.symbol for c in b.constants.values()}
    parsed = sp.sympify(data["expr"], locals=local)
    if parsed != b.expr:
        # the same function in another canonical form (simplify does not finish on the end-to-end bounds'
        # nested expressions): equal at the bound's valid test point and at two scaled copies of it
        names = list(VALID[name])
        f, g = (sp.lambdify([local[c] for c in names], e, "mpmath") for e in (parsed, b.expr))
        for scale in (1.0, 1.5, 3.0):
            point = [VALID[name][c] * (1 if b.constants[c].integer else scale) for c in names]
            assert float(f(*point)) == pytest.approx(float(g(*point)), rel=1e-10), (name, scale)


@pytest.mark.parametrize("name", NAMES)
def test_latex_renders(name):
    b = get_bound(name)
    text = b.latex()
    assert text.count("{") == text.count("}") and text
    assert "_" not in re.sub(r"_\{|_0|_w", "", text)  # no raw snake_case names leak
    for t in b.terms:
        assert b.latex(t)
    # renders through sympy's own LaTeX printer of the value
    assert sp.latex(b.expr, symbol_names={c.symbol: c.latex_name for c in
                                          b.constants.values() if c.latex_name}) == text


def test_latex_uses_declared_symbols():
    assert r"\delta_0" in get_bound("finetune-linear").latex()
    assert r"\min" in get_bound("finetune-linear").latex()
    assert r"\mathcal{E}_{\mathrm{rep}}" in get_bound("adaptrep-linear").latex()
    assert r"p_{\mathrm{fail}}" in get_bound("finetune-step").latex()


def test_unknown_name_lists_known_names():
    with pytest.raises(ValueError, match=r"unknown bound 'nope'; known bounds: .*target-only"):
        get_bound("nope")


def test_summary_rows():
    rows = summary()
    assert [r["name"] for r in rows] == list(BOUNDS)
    assert all(r["derivation"].startswith("docs/theory/") for r in rows)
