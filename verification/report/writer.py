"""Write a report directory from results, atomically.

``write_report(results, DIR)`` produces::

    DIR/results.json      the results (verification.results.write_results)
    DIR/report.md         summary table, one section per claim
    DIR/report.html       the same, self-contained (figures embedded)
    DIR/results.csv       one row per sweep point
    DIR/junit.xml         one test case per claim
    DIR/figures/<id>.png  one figure per claim with points

Everything is rendered from the results.json just written (or copied), so
``metabound report DIR`` regenerates byte-for-byte the same Markdown, CSV and
JUnit files, and the same figures.  The directory is replaced as a whole
(:func:`verification.report.atomic.atomic_directory`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from ..results import SCHEMA, write_results
from . import figures as _figures
from .atomic import atomic_directory
from .errors import ReportError
from .figures import claim_figure, formula_png
from .html import render_html
from .junit import render_junit
from .markdown import render_markdown
from .tables import render_csv

__all__ = ["ReportError", "REPORT_ENTRIES", "load_results", "validate_results",
           "figure_names", "write_report", "regenerate_report"]

#: Entries of a report directory produced by :func:`write_report`.
REPORT_ENTRIES = ("results.json", "report.md", "report.html", "results.csv",
                  "junit.xml", "figures")

_CLAIM_KEYS = ("id", "status", "check", "setting", "learner", "bound", "risk", "points")
#: Keys every point must have.  ``status`` is not among them: the points of a
#: slope claim that could not be fitted (another point is an error) carry none,
#: and are shown with status ``-``.
_POINT_KEYS = ("params", "bound", "mean", "ci_low", "ci_high", "violations",
               "replicates", "margin")


#: Point fields that must be numbers (or null) for the report to render them.
_NUMERIC_POINT_KEYS = ("bound", "mean", "ci_low", "ci_high", "violations", "replicates", "margin",
                       "p_value", "p_adjusted", "baseline", "resolution", "ratio", "mean_versus")


def validate_results(results: object, source: str = "results") -> dict:
    """Check that ``results`` has the structure of results.json.

    Parameters
    ----------
    results : object
        Parsed JSON.
    source : str
        Name used in error messages (usually the file's path).

    Returns
    -------
    dict
        ``results`` itself.

    Raises
    ------
    ReportError
        Naming the first missing or ill-typed entry.
    """
    if not isinstance(results, dict):
        raise ReportError(f"{source}: not a metabound results file (top level is not an object)")
    schema = results.get("schema")
    if not isinstance(schema, str) or not schema.startswith("metabound.results/"):
        raise ReportError(f"{source}: not a metabound results file (schema {schema!r}, "
                          f"expected {SCHEMA!r})")
    if schema != SCHEMA:
        raise ReportError(f"{source}: unsupported results schema {schema!r}; this version "
                          f"reads {SCHEMA!r}")
    for key in ("status", "claims"):
        if key not in results:
            raise ReportError(f"{source}: missing key {key!r}")
    if not isinstance(results["claims"], list):
        raise ReportError(f"{source}: 'claims' must be a list")
    for i, c in enumerate(results["claims"]):
        if not isinstance(c, dict):
            raise ReportError(f"{source}: claim #{i + 1} is not an object")
        for key in _CLAIM_KEYS:
            if key not in c:
                raise ReportError(f"{source}: claim {c.get('id', f'#{i + 1}')!r}: "
                                  f"missing key {key!r}")
        if not isinstance(c["points"], list):
            raise ReportError(f"{source}: claim {c['id']!r}: 'points' must be a list")
        for j, p in enumerate(c["points"]):
            missing = [k for k in _POINT_KEYS if not isinstance(p, dict) or k not in p]
            if missing:
                raise ReportError(f"{source}: claim {c['id']!r}, point #{j + 1}: "
                                  f"missing key {missing[0]!r}")
            for key in _NUMERIC_POINT_KEYS:
                value = p.get(key)
                ok = value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
                if key == "resolution":
                    ok = ok or value == "inf"
                if not ok:
                    raise ReportError(f"{source}: claim {c['id']!r}, point #{j + 1}, field {key!r}: "
                                      f"expected a number or null, got {value!r}")
    return results


def load_results(path: str | os.PathLike) -> dict:
    """Read and validate a results.json.

    Parameters
    ----------
    path : str or path-like
        The file, or a report directory containing ``results.json``.

    Returns
    -------
    dict

    Raises
    ------
    ReportError
        If the file is missing, is not JSON, or lacks required entries.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "results.json"
    if not path.is_file():
        raise ReportError(f"{path} not found (write it with: metabound verify --out "
                          f"{path.parent})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, "
                          f"column {exc.colno}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read: {exc}") from None
    return validate_results(data, str(path))


def figure_names(claim_ids: list[str]) -> dict[str, str]:
    """File names of the claims' figures: safe, unique, stable.

    Parameters
    ----------
    claim_ids : list of str

    Returns
    -------
    dict
        Claim id to ``<slug>.png``, where the slug keeps letters, digits,
        ``.``, ``-`` and ``_`` (other characters become ``_``); clashes get
        ``-2``, ``-3``, ... appended.
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for cid in claim_ids:
        slug = re.sub(r"[^A-Za-z0-9._-]", "_", str(cid)).lstrip(".") or "claim"
        name, k = slug, 2
        while name.lower() in used:
            name = f"{slug}-{k}"
            k += 1
        used.add(name.lower())
        out[cid] = f"{name}.png"
    return out


#: Render figures in worker processes from this many claims on (process start-up costs about a second).
PARALLEL_FIGURES = 8


def _png(task: tuple[str, object]) -> bytes | None:
    """One image: ``("figure", claim)`` or ``("formula", latex)`` (a pure function: runs in a worker process)."""
    kind, arg = task
    return _figures.claim_figure(arg) if kind == "figure" else _figures.formula_png(arg)


def _render_pngs(claims: list) -> list[tuple[bytes | None, bytes | None]]:
    """Figures and formula images of every claim, in claim order.

    Rendering (matplotlib) dominates the cost of a report; each distinct formula
    is rendered once, and with several cores and many claims the images are
    rendered in a process pool.  The result does not depend on it: every image
    is a pure function of its claim (or formula).  Serial when the figure
    functions have been replaced (tests stub them) or on one core.
    """
    from ..backends import available_cores

    latex = [str(c.get("bound_latex") or "") for c in claims]
    distinct = list(dict.fromkeys(latex))
    workers = min(available_cores(), len(claims))
    stubbed = claim_figure is not _figures.claim_figure or formula_png is not _figures.formula_png
    if stubbed or workers < 2 or len(claims) < PARALLEL_FIGURES:
        images = {t: formula_png(t) for t in distinct}
        return [(claim_figure(c), images[t]) for c, t in zip(claims, latex)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    tasks = [("figure", dict(c)) for c in claims] + [("formula", t) for t in distinct]
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            out = list(pool.map(_png, tasks, chunksize=2))
    except (BrokenProcessPool, OSError):     # workers cannot start here (e.g. a __main__ read from stdin)
        out = [_png(t) for t in tasks]
    images = dict(zip(distinct, out[len(claims):]))
    return [(png, images[t]) for png, t in zip(out[:len(claims)], latex)]


def _separation_pngs(results: Mapping) -> dict[str, bytes]:
    """The separation picture of the run (``results["separation"]``, the full profile), one PNG per case."""
    block = results.get("separation")
    if not isinstance(block, Mapping) or not block.get("rows"):
        return {}
    from .separation import separation_pngs

    try:
        return separation_pngs(block["rows"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportError(f"results: 'separation' cannot be drawn: {type(exc).__name__}: {exc}") from None


def _render_into(directory: Path, results: Mapping) -> None:
    """Write every derived file of a report into ``directory``."""
    claims = [c for c in results["claims"]]
    names = figure_names([str(c["id"]) for c in claims])
    fig_dir = directory / "figures"
    fig_dir.mkdir()
    figures_png: dict[str, bytes] = {}
    figures_rel: dict[str, str] = {}
    formulas: dict[str, bytes | None] = {}
    for c, (png, formula) in zip(claims, _render_pngs(claims)):
        cid = str(c["id"])
        if png is not None:
            (fig_dir / names[cid]).write_bytes(png)
            figures_png[cid] = png
            figures_rel[cid] = f"figures/{names[cid]}"
        formulas[cid] = formula
    separation = _separation_pngs(results)
    for case, png in separation.items():
        (fig_dir / f"separation-{case}.png").write_bytes(png)
    (directory / "report.md").write_text(render_markdown(results, figures_rel),
                                         encoding="utf-8")
    (directory / "report.html").write_text(render_html(results, figures_png, formulas, separation),
                                           encoding="utf-8")
    (directory / "results.csv").write_text(render_csv(results), encoding="utf-8")
    (directory / "junit.xml").write_text(render_junit(results), encoding="utf-8")


def write_report(results: Mapping, out_dir: str | os.PathLike, *,
                 source: str | os.PathLike | None = None) -> Path:
    """Write (or replace) a complete report directory.

    Parameters
    ----------
    results : mapping
        The results dictionary (:func:`verification.results.build_results`).
    out_dir : str or path-like
        The report directory; replaced atomically if it exists.  Entries not
        produced here (see :data:`REPORT_ENTRIES`) are kept.
    source : str or path-like, optional
        An existing results.json to copy unchanged instead of writing
        ``results`` (used when regenerating).

    Returns
    -------
    Path
        The report directory.

    Raises
    ------
    ReportError
        If the results lack required entries.
    verification.report.atomic.ReplaceError
        If ``out_dir`` cannot be replaced.
    """
    out_dir = Path(out_dir)
    with atomic_directory(out_dir, owned=REPORT_ENTRIES) as tmp:
        if source is not None:
            shutil.copyfile(source, tmp / "results.json")
        else:
            write_results(dict(results), tmp)
        written = load_results(tmp / "results.json")   # render what was written
        _render_into(tmp, written)
    return out_dir


def regenerate_report(report_dir: str | os.PathLike,
                      out_dir: str | os.PathLike | None = None) -> Path:
    """Rebuild a report from its results.json without rerunning anything.

    Parameters
    ----------
    report_dir : str or path-like
        A directory containing ``results.json``.
    out_dir : str or path-like, optional
        Where to write the report (default: ``report_dir`` itself, replaced
        atomically; results.json is kept byte for byte).

    Returns
    -------
    Path
        The directory written.

    Raises
    ------
    ReportError
        If ``report_dir/results.json`` is missing or malformed.
    """
    report_dir = Path(report_dir)
    if report_dir.exists() and not report_dir.is_dir():
        raise ReportError(f"{report_dir} is not a directory")
    source = report_dir / "results.json"
    load_results(source)                      # fail early, before touching anything
    return write_report({}, out_dir if out_dir is not None else report_dir,
                        source=source)
