"""The ``metabound bound`` subcommand: evaluate, print or list the bounds.

Examples
--------
``metabound bound target-only --d 10 --m 20,40 --sigma 1``
``metabound bound finetune-linear --d 100 --k 5 --m 50 --sigma 1 --delta0 0.1 --json``
``metabound bound adaptrep-linear --latex``
``metabound bound --list``
``metabound bound finetune-linear --explain --d 100 --k 5 --m 50 --sigma 1 --delta0 0.1``
``metabound bound target-only --solve m --target 0.1 --d 50 --sigma 1``
``metabound bound --compare adaptrep-linear-rate frozenrep-shared target-only --d 50 --k 3
--T 200 --n 100 --sigma 1 --nu 0.33 --delta0 0.3 --sweep m=10:1000 --plot bounds.png``

Constants take a number or a comma-separated list of numbers (a sweep).
Unknown bounds and bad constants exit with status 2 and a one-line reason on
standard error.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import numpy as np

from bounds.constants import STANDARD
from bounds.registry import BOUNDS, get_bound

__all__ = ["add_parser", "run"]

_PREFIX = "const_"


def _all_constants() -> dict[str, str]:
    names: dict[str, str] = {}
    for b in BOUNDS.values():
        for n, c in b.constants.items():
            names.setdefault(n, c.description)
    return {n: names[n] for n in sorted(names, key=lambda n: (n not in STANDARD, n))}


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``bound`` subcommand on an argparse subparsers object.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers()``.

    Returns
    -------
    argparse.ArgumentParser
        The subcommand's parser (its ``func`` default is :func:`run`).
    """
    parser = subparsers.add_parser(
        "bound", help="evaluate or list the risk bounds",
        description="Evaluate a registered bound, print its formula, or list the registry.")
    parser.add_argument("name", nargs="?", help="bound name (see --list)")
    parser.add_argument("--list", action="store_true", help="list the registered bounds")
    parser.add_argument("--latex", action="store_true", help="print the LaTeX formula only")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--exponent", metavar="CONSTANT",
                        help="also print d log(bound) / d log(CONSTANT)")
    calc = parser.add_argument_group("calculator")
    calc.add_argument("--explain", action="store_true",
                      help="each term's value and share, the dominant term, and the exponent "
                           "in every constant at the point")
    calc.add_argument("--solve", metavar="CONSTANT",
                      help="the smallest CONSTANT (largest, if the bound grows in it) at which "
                           "the bound is at most --target")
    calc.add_argument("--target", metavar="X", type=float, help="level for --solve")
    calc.add_argument("--compare", metavar="BOUND", nargs="+",
                      help="evaluate these bounds side by side along --sweep, with crossings")
    calc.add_argument("--sweep", metavar="NAME=LO:HI[:N]",
                      help="for --compare: the swept constant, LO:HI (N points, geometric; "
                           "default 25) or V1,V2,...")
    calc.add_argument("--plot", metavar="FILE", help="for --compare: also draw the comparison")
    group = parser.add_argument_group("constants (a number or a comma-separated list)")
    for name, description in _all_constants().items():
        group.add_argument(f"--{name}", dest=_PREFIX + name, metavar="X", help=description)
    parser.set_defaults(func=run)
    return parser


def _parse_value(name: str, text: str) -> float | np.ndarray:
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(f"constant {name!r}: cannot read {text!r} as a number "
                         "or a comma-separated list of numbers") from None
    return values[0] if len(values) == 1 else np.asarray(values)


def _jsonable(value: np.ndarray) -> Any:
    return value.tolist() if np.ndim(value) else float(value)


def _text(value: np.ndarray) -> str:
    return np.array2string(np.asarray(value), precision=6) if np.ndim(value) else f"{float(value):.6g}"


def _list(as_json: bool) -> str:
    if as_json:
        return json.dumps([b.to_dict() for b in BOUNDS.values()], indent=2)
    width = max(len(n) for n in BOUNDS)
    lines = []
    for b in BOUNDS.values():
        tag = f"{b.kind}, {'explicit' if b.explicit else 'rate-only'}"
        lines.append(f"{b.name:<{width}}  [{tag}]  {b.statement}")
    return "\n".join(lines)


def _given(args: argparse.Namespace) -> dict[str, Any]:
    given = {n[len(_PREFIX):]: v for n, v in vars(args).items()
             if n.startswith(_PREFIX) and v is not None}
    return {n: _parse_value(n, v) for n, v in given.items()}


def _explain(args: argparse.Namespace) -> int:
    from bounds.calculator import explain
    result = explain(get_bound(args.name), **_given(args))
    print(json.dumps(result.to_dict(), indent=2) if args.json else result.text())
    return 0


def _solve(args: argparse.Namespace) -> int:
    from bounds.calculator import solve
    if args.target is None:
        raise ValueError("--solve needs --target X")
    result = solve(get_bound(args.name), args.solve, args.target, **_given(args))
    print(json.dumps(result.to_dict(), indent=2) if args.json else result.text())
    return 0


def _compare(args: argparse.Namespace) -> int:
    from bounds.calculator import compare, parse_sweep, plot_comparison
    if args.name:
        raise ValueError(f"--compare takes the bound names; drop the positional {args.name!r}")
    if not args.sweep:
        raise ValueError("--compare needs --sweep NAME=LO:HI[:N] or NAME=V1,V2,...")
    for flag in ("explain", "solve", "latex", "exponent"):
        if getattr(args, flag):
            raise ValueError(f"--{flag} does not combine with --compare")
    bounds = [get_bound(n) for n in args.compare]
    name = args.sweep.partition("=")[0].strip()
    consts = [b.constants[name] for b in bounds if name in b.constants]
    sweep_name, values = parse_sweep(args.sweep, integer=bool(consts) and all(c.integer for c in consts))
    constants = _given(args)
    if sweep_name in constants:
        raise ValueError(f"{sweep_name!r} is swept; do not also give --{sweep_name}")
    result = compare(bounds, sweep_name, values, **constants)
    print(json.dumps(result.to_dict(), indent=2) if args.json else result.text())
    if args.plot:
        plot_comparison(result, args.plot)
        if not args.json:
            print(f"plot: {args.plot}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Execute the ``bound`` subcommand.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of the subcommand.

    Returns
    -------
    int
        0 on success, 2 for an unknown bound or bad constants (with a
        one-line reason on standard error).
    """
    if args.list:
        print(_list(args.json))
        return 0
    try:
        if args.compare:
            return _compare(args)
        if args.sweep or args.plot:
            raise ValueError("--sweep and --plot need --compare")
        if args.target is not None and not args.solve:
            raise ValueError("--target needs --solve")
        if args.solve or args.explain:
            if not args.name:
                raise ValueError("give a bound name before --solve/--explain")
            if args.solve and args.explain:
                raise ValueError("--solve and --explain do not combine; give one")
            return _solve(args) if args.solve else _explain(args)
    except ValueError as exc:
        print(f"bound: {exc}", file=sys.stderr)
        return 2
    if not args.name:
        print("bound: give a bound name or --list", file=sys.stderr)
        return 2
    try:
        bound = get_bound(args.name)
        given = {n[len(_PREFIX):]: v for n, v in vars(args).items()
                 if n.startswith(_PREFIX) and v is not None}
        constants = {n: _parse_value(n, v) for n, v in given.items()}
        if args.latex and not constants:
            print(bound.latex())
            return 0
        value = bound.evaluate(strict=True, **constants)
        parts = bound.breakdown(**constants)
        exponent = (bound.exponent(args.exponent, **constants)
                    if args.exponent else None)
    except ValueError as exc:
        print(f"bound: {exc}", file=sys.stderr)
        return 2
    if args.json:
        out = {"name": bound.name, "kind": bound.kind, "explicit": bound.explicit,
               "constants": {n: _jsonable(np.asarray(v)) for n, v in constants.items()},
               "value": _jsonable(value),
               "breakdown": {t: _jsonable(v) for t, v in parts.items()},
               "formula": bound.formula, "expr": str(bound.expr), "latex": bound.latex(),
               "derivation": bound.derivation}
        if exponent is not None:
            out["exponent"] = {args.exponent: _jsonable(exponent)}
        print(json.dumps(out, indent=2))
        return 0
    if args.latex:
        print(bound.latex())
        return 0
    tag = f"{bound.kind}, {'explicit constants' if bound.explicit else 'rate only'}"
    lines = [f"{bound.name} [{tag}]", f"value: {_text(value)}"]
    lines += [f"  {t}: {_text(v)}" for t, v in parts.items()]
    if exponent is not None:
        lines.append(f"exponent in {args.exponent}: {_text(exponent)}")
    lines.append(f"formula: {bound.formula}")
    lines += [f"  {t} = {e}" for t, e in bound.terms.items()]
    if bound.premises:
        lines.append("premises (checked per replicate by metabound verify):")
        lines.extend(f"  {p}" for p in bound.premises)
    lines.append(f"derivation: {bound.derivation}")
    print("\n".join(lines))
    return 0
