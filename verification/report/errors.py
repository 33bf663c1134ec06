"""Errors of the report stage (bad input: the command line exits with status 2)."""

from __future__ import annotations

__all__ = ["ReportError", "ReplaceError"]


class ReportError(ValueError):
    """Bad input for a report: missing or malformed results.json, bad directory."""


class ReplaceError(ReportError):
    """A report directory cannot be replaced (not a directory, contains the cwd)."""
