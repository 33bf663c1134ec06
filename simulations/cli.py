"""The ``metabound simulate`` subcommand: Monte Carlo estimate of target excess risk.

Examples
--------
``metabound simulate --setting linear-hard --learner adaptrep --learner frozenrep --reps 20 --d 40 --k 4 --T 40 --n 100 --m 40``
``metabound simulate --setting linear --learner target-only --reps 200 --d 10 --k 2 --T 5 --n 20 --m 40 --json``

Prints, per learner, the mean excess risk with its 95% Student-t confidence
interval and diagnostics (principal-angle sine, realised task diversity,
convergence of the source fit, fit time).  Bad input returns exit status 2
with a one-line reason on standard error.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .montecarlo import run_monte_carlo
from .registry import LEARNERS, SETTINGS
from .summary import summarize

__all__ = ["add_parser", "run"]

_PREFIX = "param_"


def _setting_parameters() -> dict[str, str]:
    names: dict[str, str] = {}
    for cls in SETTINGS.values():
        for name, spec in cls.PARAMETERS.items():
            if name != "Sigma":  # a matrix: Python API only
                names.setdefault(name, spec.doc)
    return names


def _scalar(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``simulate`` subcommand on an argparse subparsers object."""
    parser = subparsers.add_parser(
        "simulate",
        help="estimate target excess risks by Monte Carlo",
        description="Run learners on a task setting and print mean target excess risk with its confidence interval.",
    )
    parser.add_argument("--setting", required=True, choices=sorted(SETTINGS), help="task setting")
    parser.add_argument(
        "--learner", action="append", required=True, metavar="NAME",
        help=f"learner (repeatable): {', '.join(sorted(LEARNERS))}",
    )
    parser.add_argument("--reps", type=int, default=50, help="replicates (default 50)")
    parser.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    parser.add_argument("--risk", choices=("excess_risk", "insample_risk"), default="excess_risk", help="risk column summarised")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    group = parser.add_argument_group("setting parameters (each setting uses its own subset; see docs/linear.md)")
    for name, doc in _setting_parameters().items():
        group.add_argument(f"--{name}", dest=_PREFIX + name, type=_scalar, metavar="VALUE", help=doc)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``metabound simulate``; returns the exit status."""
    params = {k[len(_PREFIX):]: v for k, v in vars(args).items() if k.startswith(_PREFIX) and v is not None}
    allowed = SETTINGS[args.setting].PARAMETERS
    foreign = sorted(set(params) - set(allowed))
    if foreign:
        print(f"metabound simulate: error: parameter {foreign[0]!r} does not belong to setting {args.setting!r} "
              f"(its parameters: {', '.join(allowed)})", file=sys.stderr)
        return 2
    try:
        frame = run_monte_carlo(args.setting, args.learner, params, reps=args.reps, seed=args.seed)
    except ValueError as exc:
        print(f"metabound simulate: error: {exc}", file=sys.stderr)
        return 2
    table = summarize(frame, column=args.risk)
    extra = frame.groupby("learner", sort=False).agg(nu=("nu", "mean"), converged=("converged", "mean"), n_iter=("n_iter", "mean"))
    table = table.join(extra)
    resolved = {k: v for k, v in frame.iloc[0].items() if k in allowed}
    if args.json:
        out = {
            "setting": args.setting,
            "params": {k: (v.item() if hasattr(v, "item") else v) for k, v in resolved.items()},
            "reps": args.reps,
            "seed": args.seed,
            "risk": args.risk,
            "learners": {name: {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for name, row in table.iterrows()},
        }
        print(json.dumps(out, indent=2, default=str))
        return 0
    print(f"{args.setting}: " + ", ".join(f"{k}={v}" for k, v in resolved.items()))
    print(f"{args.reps} replicates, seed {args.seed}; {args.risk}: mean [95% CI]")
    for name, row in table.iterrows():
        print(
            f"  {name:<12} {row['mean']:.4g} [{row['ci_low']:.4g}, {row['ci_high']:.4g}]"
            f"  sin_theta_max={row['sin_theta_max']:.3g}  nu={row['nu']:.3g}"
            f"  converged={row['converged']:.0%}  iters={row['n_iter']:.1f}  fit={row['fit_time']:.3g}s"
        )
    return 0
