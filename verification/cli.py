"""The ``metabound`` command line.

Subcommands: ``verify`` (run claims, write a report directory: results.json,
report.md, report.html, results.csv, junit.xml, figures), ``report``
(regenerate the report from an existing results.json), ``bound`` (delegated to
:mod:`bounds.cli`), ``simulate`` (delegated to :mod:`simulations.cli`) and
``list`` (claims, bounds, settings, learners).

Exit status: 0 success / every claim passes, 1 some claim fails (or errs), 2 bad
input, 3 no claim fails but some point is vacuous (its bound is at or above the
trivial baseline, so it could not have failed).
Errors are one line on stderr (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

from .errors import EXIT_CODES

__all__ = ["main", "build_parser"]

DEFAULT_OUT = "reports/latest"


class UsageError(Exception):
    """Bad input: reported on one line, exit status 2."""


EXIT_STATUS = ("exit status: 0 success (every claim passes), 1 some claim fails or errs, "
               "2 bad input or usage, 3 nothing fails but some point is vacuous")
#: Exit status of ``verify`` per run status.
VERIFY_EXIT = EXIT_CODES


#: Default limit on the replicates of one run (``--max-replicates``).
DEFAULT_MAX_REPLICATES = 2_000_000
#: Default limit on a run's estimated duration in hours (``--max-hours``).
DEFAULT_MAX_HOURS = 6.0


def _number(kind: type, low: float, strict: bool, what: str):
    """An argparse type: a ``kind`` (int or float) above ``low`` (``> low`` if ``strict``, else ``>=``)."""
    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}") from None
        if not (value > low if strict else value >= low):      # also refuses nan
            raise argparse.ArgumentTypeError(f"must be {what}, got {value}")
        return value
    return convert


#: ``--max-replicates`` and the like: an integer >= 1.
_positive = _number(int, 1, False, "an integer >= 1")
#: ``--max-hours``: a number > 0 (``inf`` turns the time limit off).
_hours = _number(float, 0, True, "a number > 0 (or inf)")
#: ``--seed``: an integer >= 0 (numpy's SeedSequence refuses negative entropy).
_seed = _number(int, 0, False, "an integer >= 0")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (status 2)."""

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE (see PROG --help)`` and exit with status 2.

        Parameters
        ----------
        message : str
            argparse's description of the problem.
        """
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _delegate(module: str):
    """``(add_parser, run)`` of a sibling package's CLI, or None if absent."""
    try:
        mod = importlib.import_module(module)
        return mod.add_parser, mod.run
    except (ImportError, AttributeError):
        return None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="metabound",
        description="Numerical verification of the risk bounds of Chua, Lei, Lee "
                    "(NeurIPS 2021).",
        epilog=EXIT_STATUS + ". 'metabound COMMAND --help' documents each command.")
    parser.add_argument("--debug", action="store_true",
                        help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    v = sub.add_parser(
        "verify", help="run claims and write a report directory",
        description="Run the claims and write DIR/results.json with its report: "
                    "report.md, report.html (self-contained), results.csv (one row per "
                    "point), junit.xml (one test case per claim) and figures/. The "
                    "directory is replaced atomically. A progress bar (plain lines when "
                    "stderr is not a terminal) shows claims and replicates done.",
        epilog=EXIT_STATUS + ".")
    v.add_argument("--profile", choices=("quick", "full"), default="quick",
                   help="size of the built-in claims (default: quick)")
    v.add_argument("--claims", metavar="PATTERN", action="append",
                   help="only claims whose id matches this glob (repeatable)")
    v.add_argument("--claims-file", metavar="F", type=Path,
                   help="run the claims of this TOML file instead of the built-in ones")
    v.add_argument("--with-builtin", action="store_true",
                   help="with --claims-file: also run the built-in claims")
    v.add_argument("--separation", action=argparse.BooleanOptionalAction, default=None,
                   help="also draw the separation picture into the report (about a minute; default: with the "
                        "built-in full profile)")
    v.add_argument("--out", metavar="DIR", type=Path, default=Path(DEFAULT_OUT),
                   help=f"report directory, replaced as a whole (default: {DEFAULT_OUT})")
    v.add_argument("--seed", metavar="S", type=_seed, default=0,
                   help="run seed, an integer >= 0 (default 0)")
    v.add_argument("--max-replicates", metavar="N", type=_positive, default=DEFAULT_MAX_REPLICATES,
                   help=f"refuse runs of more than N replicates in all (default {DEFAULT_MAX_REPLICATES:,}; "
                        "the full profile has about 105,000)")
    v.add_argument("--max-hours", metavar="H", type=_hours, default=DEFAULT_MAX_HOURS,
                   help="refuse runs estimated (one timed replicate per claim) to take more "
                        f"than H hours (default {DEFAULT_MAX_HOURS:g}; inf: no limit)")
    v.add_argument("--alpha", type=float, default=1e-3,
                   help="family-wise error level of the run (default 1e-3)")
    v.add_argument("--quiet", action="store_true",
                   help="print only the summary (no progress, no failing-point details)")
    v.add_argument("--debug", action="store_true", dest="debug_sub",
                   help="show tracebacks on errors")
    _add_execution_options(v)
    v.set_defaults(handler=_cmd_verify)

    rp = sub.add_parser(
        "report", help="regenerate the report of an existing results.json",
        description="Rebuild report.md, report.html, results.csv, junit.xml and figures/ "
                    "from DIR/results.json without rerunning anything (results.json is "
                    "kept byte for byte; the directory is replaced atomically).",
        epilog="exit status: 0 report written (whatever the claims' status), "
               "2 bad input (missing or malformed results.json)")
    rp.add_argument("dir", metavar="DIR", type=Path,
                    help="report directory containing results.json")
    rp.add_argument("--out", metavar="OUT", type=Path,
                    help="write the report to OUT instead of replacing DIR")
    rp.add_argument("--summary", action="store_true",
                    help="print the Markdown summary (status table, failing points) to "
                         "stdout and write nothing, e.g. for a CI job summary")
    rp.add_argument("--debug", action="store_true", dest="debug_sub",
                    help="show tracebacks on errors")
    rp.set_defaults(handler=_cmd_report)

    lst = sub.add_parser("list", help="list claims, bounds, settings and learners",
                         description="List the built-in claims, registered bounds, "
                                     "settings (with their parameters) and learners.")
    lst.add_argument("what", nargs="?", default="all",
                     choices=("all", "claims", "bounds", "settings", "learners"),
                     help="what to list (default: all)")
    lst.add_argument("--profile", choices=("quick", "full"), default="quick",
                     help="profile of the claims listed (default: quick)")
    lst.set_defaults(handler=_cmd_list)

    fig = sub.add_parser("figure", help="draw a figure of the paper's comparisons",
                         description="Draw the separation picture: target excess risk of ADAPTREP, "
                                     "FROZENREP (head-only and fine-tuned target steps), target-only and "
                                     "the oracle on the hard cases, against m and d/k (docs/verification.md).")
    fig.add_argument("which", choices=("separation",), help="the figure")
    fig.add_argument("--out", metavar="DIR", type=Path, default=Path("reports/figures"),
                     help="directory for separation-<case>.png and separation.csv (default: reports/figures)")
    fig.add_argument("--case", action="append", choices=("linear", "network"),
                     help="hard case(s) to draw (default: both)")
    fig.add_argument("--reps", metavar="N", type=_number(int, 2, False, "an integer >= 2"), default=20,
                     help="replicates per point (default 20)")
    fig.add_argument("--seed", metavar="S", type=_seed, default=0, help="seed, an integer >= 0 (default 0)")
    fig.set_defaults(handler=_cmd_figure)

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


def _cmd_figure(args) -> int:
    from .report import check_target
    from .report.separation import write_separation

    check_target(args.out)           # before any simulation: an unwritable --out is bad input
    for path in write_separation(args.out, cases=tuple(args.case or ("linear", "network")),
                                 reps=args.reps, seed=args.seed):
        print(f"wrote {path}")
    return 0


def _unavailable(module: str) -> int:
    raise UsageError(f"this subcommand needs {module}, which is not available")


# ------------------------------------------------------------ verify execution
#: File name of the default results store, beside the report directory.
STORE_NAME = "metabound.sqlite"


def _add_execution_options(v: argparse.ArgumentParser) -> None:
    """The results-store and backend options of ``verify``."""
    g = v.add_argument_group(
        "execution", "where replicates run and where completed ones are kept "
        "(docs/performance.md); results never depend on these options")
    g.add_argument("--store", metavar="PATH",
                   help=f"SQLite results store: every completed replicate is committed "
                        f"to it (default: {STORE_NAME} beside --out, i.e. "
                        f"reports/{STORE_NAME}; 'none' keeps nothing)")
    g.add_argument("--resume", action="store_true",
                   help="reuse the replicates the store holds; compute only the missing "
                        "ones (e.g. after an interrupted run)")
    g.add_argument("--backend", choices=("serial", "processes", "dask"),
                   help="serial, a pool of local processes, or Dask distributed (default: "
                        "processes on all available cores, serial on one core)")
    g.add_argument("--workers", metavar="N", type=int,
                   help="worker processes of processes / a local Dask cluster (default: "
                        "all available cores)")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address (with --backend dask; without it a local "
                        "cluster on loopback)")


def _check_execution_options(args) -> None:
    """The backend options that can be checked without starting anything."""
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be >= 1, got {args.workers}")
    if args.scheduler is not None and args.backend != "dask":
        raise UsageError("--scheduler needs --backend dask")
    if args.backend == "serial" and args.workers not in (None, 1):
        raise UsageError("--workers needs --backend processes or dask")


def _planned_workers(args) -> int:
    """Workers the run will use, as the runner chooses them (for the time estimate)."""
    from .backends import available_cores
    if args.backend == "serial" or args.workers == 1:
        return 1
    if args.backend == "dask" and args.scheduler is not None:
        return args.workers or 1           # an external cluster: its size is unknown here
    return args.workers or available_cores()


class _Execution:
    """Store and backend of one ``verify`` run, from its options.

    Raises :class:`UsageError` on bad options or an unusable store, before
    anything runs.  While open, SIGTERM interrupts the run like Ctrl-C
    (completed batches are already committed to the store).
    """

    def __init__(self, args) -> None:
        from .backends import BackendError, make_backend
        from .store import ResultsStore, StoreError

        _check_execution_options(args)
        if args.backend is not None:
            try:
                self.backend = make_backend(args.backend, args.workers, args.scheduler)
            except BackendError as exc:
                raise UsageError(str(exc)) from None
        else:
            self.backend = None            # the runner picks processes or serial
        path = args.store if args.store is not None else str(Path(args.out).parent / STORE_NAME)
        if path.strip().lower() == "none":
            if args.resume:
                raise UsageError("--resume needs a results store (not --store none)")
            self.store = None
        else:
            try:
                self.store = ResultsStore(path)
            except StoreError as exc:
                raise UsageError(str(exc)) from None
        self.stats: dict = {}
        self.kwargs = dict(backend=self.backend, workers=args.workers, store=self.store,
                           resume=args.resume, execution=self.stats)
        if self.backend is not None:
            self.kwargs.pop("workers")
        import signal

        self._signal = signal
        try:
            self._previous = signal.signal(signal.SIGTERM, self._terminate)
        except ValueError:                 # not the main thread
            self._previous = None

    @staticmethod
    def _terminate(signum, frame) -> NoReturn:
        """SIGTERM handler: stop like Ctrl-C (committed batches stay in the store)."""
        raise KeyboardInterrupt

    def interrupted(self) -> bool:
        """Tell the user what an interrupted run kept; whether anything was said."""
        if self.store is not None:
            print(f"metabound: interrupted; completed replicates are kept in {self.store.path}:"
                  f" rerun with --resume --store {self.store.path} to continue",
                  file=sys.stderr)
            return True
        return False

    def summary(self) -> str | None:
        """One line on the store's use, or None without a store."""
        if self.store is None:
            return None
        s = self.stats
        return (f"store: {self.store.path} ({s.get('replicates_reused', 0)} replicates reused, "
                f"{s.get('replicates_computed', 0)} computed; backend {s.get('backend')}, "
                f"{s.get('workers')} worker(s))")

    def close(self) -> None:
        """Restore SIGTERM, stop the backend's workers, close the store."""
        if self._previous is not None:
            self._signal.signal(self._signal.SIGTERM, self._previous)
            self._previous = None
        if self.backend is not None:
            self.backend.close()
        if self.store is not None:
            self.store.close()


def _cmd_verify(args) -> int:
    from .api import load_claims, separation_by_default, verify
    from .estimate import estimate_run, plan_run
    from .report import check_target
    from .report.progressbar import ProgressPrinter
    from .results import format_claim, format_summary

    if args.with_builtin and args.claims_file is None:
        raise UsageError("--with-builtin needs --claims-file")
    if not 0 < args.alpha < 1:
        raise UsageError(f"--alpha must be in (0, 1), got {args.alpha}")
    claims = load_claims(args.claims_file, profile=args.profile, with_builtin=args.with_builtin,
                         select=args.claims)              # ClaimError: exit 2, nothing run
    total = plan_run(claims).replicates
    if total > args.max_replicates:           # before any work: no store, no output
        raise UsageError(f"the run has {total:,} replicates ({len(claims)} claims); the limit is "
                         f"{args.max_replicates:,}: pass --max-replicates {total} to run it anyway")
    check_target(args.out)                     # before running: bad --out is bad input
    _check_execution_options(args)
    if math.isfinite(args.max_hours):         # a timed replicate per claim, nothing written
        estimate = estimate_run(claims, args.seed, _planned_workers(args))
        if estimate.seconds > args.max_hours * 3600:
            hours = math.ceil(estimate.seconds / 3600 * 10) / 10
            raise UsageError(f"{estimate.describe()}: over the limit of {args.max_hours:g} h; "
                             f"pass --max-hours {hours:g} (or inf) to run it anyway")
        if not args.quiet:
            print(estimate.describe(), file=sys.stderr)
    execution = _Execution(args)               # store, backend: bad options are bad input
    separation = args.separation if args.separation is not None else separation_by_default(
        args.profile, args.claims_file is None, args.claims)
    if separation and not args.quiet:
        print("also: the separation picture (docs/reports.md; about a minute on two workers)", file=sys.stderr)

    progress = None if args.quiet else ProgressPrinter(sys.stderr)
    try:
        result = verify(claims, profile=args.profile, seed=args.seed, alpha=args.alpha, progress=progress,
                        claims_file=str(args.claims_file) if args.claims_file else None,
                        separation=separation, **execution.kwargs)
    except KeyboardInterrupt as exc:
        if progress is not None:
            progress.close()
            progress = None
        exc.reported = execution.interrupted()       # main() then says nothing more
        raise
    finally:
        execution.close()
        if progress is not None:
            progress.close()
    results = result.results
    path = result.write(args.out)
    if not args.quiet:
        for c in results["claims"]:
            if c["status"] != "pass":
                print(format_claim(c, only_failing=True))
    print(format_summary(results))
    print(f"results: {path}")
    print(f"report: {args.out / 'report.html'} (also report.md, results.csv, junit.xml, "
          "figures/)")
    if execution.summary() and not args.quiet:
        print(execution.summary())
    return result.exit_code


def _cmd_report(args: argparse.Namespace) -> int:
    """``metabound report DIR``: regenerate a report from its results.json.

    Parameters
    ----------
    args : argparse.Namespace
        ``dir``, ``out`` and ``summary``.

    Returns
    -------
    int
        0 (bad input raises :class:`verification.report.ReportError`).
    """
    from .report import load_results, regenerate_report

    if args.summary:
        from .report.markdown import render_summary
        sys.stdout.write(render_summary(load_results(args.dir)))
        return 0
    out = regenerate_report(args.dir, args.out)
    print(f"report: {out / 'report.html'} (also report.md, results.csv, junit.xml, "
          "figures/)")
    return 0


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
    from .report.errors import ReportError

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
        print("metabound: error: missing command: one of verify, report, figure, bound, simulate, "
              "list (see 'metabound --help')", file=sys.stderr)
        return 2
    try:
        rc = args.handler(args)
        return int(rc or 0)
    except (ClaimError, UsageError, ReportError) as exc:
        if debug:
            traceback.print_exc()
        print(f"metabound: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        if not getattr(exc, "reported", False):
            print("metabound: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:      # reader went away (`metabound list | head`): as SIGPIPE
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass                 # (silences Python's own flush error at exit)
        return 141
    except Exception as exc:
        if debug:
            traceback.print_exc()
        print(f"metabound: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
