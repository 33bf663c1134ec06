"""The ``metabound`` command line.

Subcommands: ``verify`` (run claims, write results.json), ``bound``
(delegated to :mod:`bounds.cli`), ``simulate`` (delegated to
:mod:`simulations.cli`) and ``list`` (claims, bounds, settings, learners).

Exit status: 0 success / every claim passes, 1 some claim fails, 2 bad input.
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib
import sys
import traceback
from pathlib import Path

__all__ = ["main", "build_parser"]

DEFAULT_OUT = "reports/latest"


class UsageError(Exception):
    """Bad input: reported on one line, exit status 2."""


def _delegate(module: str):
    """``(add_parser, run)`` of a sibling package's CLI, or None if absent."""
    try:
        mod = importlib.import_module(module)
        return mod.add_parser, mod.run
    except (ImportError, AttributeError):
        return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="metabound",
        description="Numerical verification of the risk bounds of Chua, Lei, Lee "
                    "(NeurIPS 2021).")
    parser.add_argument("--debug", action="store_true",
                        help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    v = sub.add_parser("verify", help="run claims and write DIR/results.json")
    v.add_argument("--profile", choices=("quick", "full"), default="quick",
                   help="size of the built-in claims (default: quick)")
    v.add_argument("--claims", metavar="PATTERN", action="append",
                   help="only claims whose id matches this glob (repeatable)")
    v.add_argument("--claims-file", metavar="F", type=Path,
                   help="run the claims of this TOML file instead of the built-in ones")
    v.add_argument("--with-builtin", action="store_true",
                   help="with --claims-file: also run the built-in claims")
    v.add_argument("--out", metavar="DIR", type=Path, default=Path(DEFAULT_OUT),
                   help=f"output directory (default: {DEFAULT_OUT})")
    v.add_argument("--seed", metavar="S", type=int, default=0, help="run seed (default 0)")
    v.add_argument("--alpha", type=float, default=1e-3,
                   help="family-wise error level of the run (default 1e-3)")
    v.add_argument("--quiet", action="store_true", help="print only the summary")
    v.add_argument("--debug", action="store_true", dest="debug_sub",
                   help="show tracebacks on errors")
    v.set_defaults(handler=_cmd_verify)

    lst = sub.add_parser("list", help="list claims, bounds, settings and learners")
    lst.add_argument("what", nargs="?", default="all",
                     choices=("all", "claims", "bounds", "settings", "learners"))
    lst.add_argument("--profile", choices=("quick", "full"), default="quick")
    lst.set_defaults(handler=_cmd_list)

    for name, module in (("bound", "bounds.cli"), ("simulate", "simulations.cli")):
        pair = _delegate(module)
        if pair is not None:
            add_parser, run = pair
            before = set(sub.choices)
            add_parser(sub)
            created = sub.choices.get(name) or next(
                (sub.choices[n] for n in set(sub.choices) - before), None)
            if created is not None:
                created.set_defaults(handler=lambda args, _run=run: _run(args))
        else:
            p = sub.add_parser(name, help=f"(unavailable: {module} is not installed)")
            p.set_defaults(handler=lambda args, _m=module: _unavailable(_m))
    return parser


def _unavailable(module: str) -> int:
    raise UsageError(f"this subcommand needs {module}, which is not available")


def _select(claims, patterns):
    if not patterns:
        return claims
    chosen = [c for c in claims if any(fnmatch.fnmatchcase(c.id, p) for p in patterns)]
    if not chosen:
        raise UsageError(f"no claim matches {', '.join(patterns)}; known: "
                         f"{', '.join(c.id for c in claims)}")
    return chosen


def _cmd_verify(args) -> int:
    from .builtin import builtin_claims
    from .catalog import default_catalog
    from .claims_file import load_claims_file, validate_claims
    from .results import build_results, format_claim, format_summary, write_results
    from .runner import run_claims

    if args.with_builtin and args.claims_file is None:
        raise UsageError("--with-builtin needs --claims-file")
    if not 0 < args.alpha < 1:
        raise UsageError(f"--alpha must be in (0, 1), got {args.alpha}")
    catalog = default_catalog()
    claims = []
    if args.claims_file is not None:
        claims += load_claims_file(args.claims_file, catalog)
    if args.claims_file is None or args.with_builtin:
        builtin = validate_claims(builtin_claims(args.profile), catalog)
        ids = {c.id for c in claims}
        clash = [c.id for c in builtin if c.id in ids]
        if clash:
            raise UsageError(f"claims file redefines built-in claim id(s): {', '.join(clash)}")
        claims += builtin
    claims = _select(claims, args.claims)

    progress = None if args.quiet else (
        lambda ev: print(f"[{ev.reps_done}/{ev.reps_total} replicates] {ev.claim}", file=sys.stderr))
    run = run_claims(claims, seed=args.seed, alpha=args.alpha, progress=progress)
    results = build_results(run, profile=args.profile,
                            claims_file=str(args.claims_file) if args.claims_file else None)
    path = write_results(results, args.out)
    if not args.quiet:
        for c in results["claims"]:
            if c["status"] != "pass":
                print(format_claim(c, only_failing=True))
    print(format_summary(results))
    print(f"results: {path}")
    return 0 if results["status"] == "pass" else 1


def _cmd_list(args) -> int:
    what = args.what
    if what in ("all", "claims"):
        from .builtin import builtin_claims
        print(f"claims ({args.profile} profile):")
        for c in builtin_claims(args.profile):
            print(f"  {c.id:30s} {c.check:13s} {c.setting}/{c.learner}"
                  + (f" vs {c.versus}" if c.versus else "") + f"  {c.statement}")
    if what in ("all", "bounds"):
        print("bounds:")
        try:
            import bounds
            for name in sorted(bounds.BOUNDS):
                b = bounds.get_bound(name)
                print(f"  {name:30s} {getattr(b, 'kind', '')}")
        except (ImportError, AttributeError) as exc:
            print(f"  (unavailable: {exc})")
    if what in ("all", "settings", "learners"):
        try:
            from .catalog import default_catalog
            cat = default_catalog()
        except (ImportError, AttributeError) as exc:
            print(f"settings/learners unavailable: {exc}")
            return 0
        if what in ("all", "settings"):
            print("settings:")
            for name, params in cat.settings.items():
                print(f"  {name}: {', '.join(params)}")
        if what in ("all", "learners"):
            print("learners:")
            for name in cat.learners:
                print(f"  {name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``metabound`` console script."""
    from .errors import ClaimError

    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        parser = build_parser()
    except Exception as exc:  # pragma: no cover - defensive
        print(f"metabound: error: {exc}", file=sys.stderr)
        return 2
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:           # argparse: --help -> 0, usage errors -> 2
        return int(exc.code or 0)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 2
    try:
        rc = args.handler(args)
        return int(rc or 0)
    except (ClaimError, UsageError) as exc:
        if debug:
            traceback.print_exc()
        print(f"metabound: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if debug:
            traceback.print_exc()
        print(f"metabound: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
