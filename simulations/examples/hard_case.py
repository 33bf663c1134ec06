"""The hard case of NOTES.md section 4 in one command.

Prints the mean worst-case target excess risk of ADAPTREP, FROZENREP and
target-only least squares on ``linear-hard`` with d=40, k=4, T=40, n=100,
m=40 over 50 replicates, with 95% confidence intervals and the sine of the
largest principal angle between each learned and the true representation::

    python -m simulations.examples.hard_case [--reps 50] [--seed 0]
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from simulations import run_monte_carlo
from simulations.summary import summarize

PARAMS = dict(d=40, k=4, T=40, n=100, m=40)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50, help="replicates (default 50)")
    parser.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    frame = run_monte_carlo("linear-hard", ["adaptrep", "frozenrep", "target-only"], PARAMS, reps=args.reps, seed=args.seed)
    elapsed = time.perf_counter() - start
    print(f"linear-hard {PARAMS}, worst-case targets, {args.reps} replicates, seed {args.seed}")
    with pd.option_context("display.float_format", "{:.4g}".format, "display.width", 160, "display.max_columns", 20):
        print(summarize(frame))
    print("target-only: with m <= d + 1 least squares has infinite expected risk; read its median, not its mean.")
    print(f"({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
