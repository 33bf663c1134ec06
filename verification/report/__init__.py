"""Reports of a verification run: Markdown, HTML, figures, CSV and JUnit.

Last stage of the flow: ``results.json`` -> report directory.  Everything is
rendered from the results alone (nothing is recomputed), and a report
directory is replaced atomically.  See ``docs/reports.md``.

>>> from verification.report import write_report, regenerate_report
>>> write_report(results, "reports/latest")          # doctest: +SKIP
>>> regenerate_report("reports/latest")              # doctest: +SKIP

The errors and :func:`atomic_directory` import without matplotlib; the
writers (and matplotlib) load on first use.
"""

from __future__ import annotations

from typing import Any

from .atomic import atomic_directory, check_target
from .errors import ReplaceError, ReportError

__all__ = ["REPORT_ENTRIES", "ReportError", "ReplaceError", "atomic_directory",
           "check_target", "load_results", "regenerate_report", "validate_results",
           "write_report"]

_LAZY = ("REPORT_ENTRIES", "load_results", "regenerate_report", "validate_results",
         "write_report")


def __getattr__(name: str) -> Any:
    """Load the writers on first access (PEP 562).

    Parameters
    ----------
    name : str
        Attribute requested from the package.

    Returns
    -------
    Any
        The attribute of :mod:`verification.report.writer`.
    """
    if name in _LAZY:
        from . import writer
        return getattr(writer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
