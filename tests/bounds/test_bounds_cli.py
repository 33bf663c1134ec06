"""The ``bound`` subcommand, driven through ``run(parser.parse_args(...))``."""

from __future__ import annotations

import argparse
import json

import pytest

from bounds import BOUNDS
from bounds.cli import add_parser, run


@pytest.fixture
def parser():
    p = argparse.ArgumentParser(prog="metabound")
    add_parser(p.add_subparsers(dest="command"))
    return p


def call(parser, capsys, *argv):
    status = run(parser.parse_args(["bound", *argv]))
    out, err = capsys.readouterr()
    return status, out, err


def test_value_breakdown_and_formula(parser, capsys):
    status, out, err = call(parser, capsys, "target-only", "--d", "10", "--m", "21",
                            "--sigma", "2")
    assert status == 0 and not err
    assert "value: 4" in out and "variance: 4" in out
    assert "formula: variance" in out and "d*sigma**2/(-d + m - 1)" in out


def test_sweep_and_exponent(parser, capsys):
    status, out, _ = call(parser, capsys, "finetune-step", "--d", "4", "--k", "1",
                          "--m", "16,64", "--delta0", "0.5", "--L", "1", "--b", "1",
                          "--c_w", "1", "--R", "2", "--fail_prob", "0.5", "--exponent", "m")
    assert status == 0
    assert "finetune: [1.  0.5]" in out and "exponent in m: [-0.5 -0.5]" in out


def test_json(parser, capsys):
    status, out, _ = call(parser, capsys, "oracle-head", "--k", "3", "--m", "14",
                          "--sigma", "1", "--json")
    data = json.loads(out)
    assert status == 0 and data["value"] == pytest.approx(0.3)
    assert data["breakdown"] == {"variance": pytest.approx(0.3)}
    assert data["kind"] == "exact" and data["latex"].startswith(r"\frac")


def test_latex(parser, capsys):
    status, out, _ = call(parser, capsys, "adaptrep-linear", "--latex")
    assert status == 0 and out.strip() == BOUNDS["adaptrep-linear"].latex()


def test_list(parser, capsys):
    status, out, _ = call(parser, capsys, "--list")
    assert status == 0
    assert len(out.strip().splitlines()) == len(BOUNDS)
    assert "adaptrep-logistic" in out and "[rate, rate-only]" in out
    status, out, _ = call(parser, capsys, "--list", "--json")
    assert [b["name"] for b in json.loads(out)] == list(BOUNDS)


@pytest.mark.parametrize(("argv", "reason"), [
    (["nope"], "unknown bound 'nope'"),
    ([], "give a bound name or --list"),
    (["target-only", "--d", "10", "--m", "5", "--sigma", "1"], "condition m > d + 1 violated"),
    (["target-only", "--d", "10", "--m", "30"], "missing constant 'sigma'"),
    (["target-only", "--d", "x", "--m", "30", "--sigma", "1"], "cannot read 'x'"),
    (["target-only", "--d", "10", "--m", "30", "--sigma", "-1"], "'sigma' = -1.0 is negative"),
    (["target-only", "--d", "10", "--m", "30", "--sigma", "1", "--k", "2"],
     "unknown constants ['k']"),
    (["target-only", "--d", "10", "--m", "30", "--sigma", "1", "--exponent", "q"],
     "unknown constant 'q'"),
])
def test_errors_exit_2_with_one_line(parser, capsys, argv, reason):
    status, out, err = call(parser, capsys, *argv)
    assert status == 2 and not out
    assert reason in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
