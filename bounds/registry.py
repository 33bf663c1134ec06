"""The registry of bounds: every bound by name.

Examples
--------
>>> from bounds import get_bound
>>> b = get_bound("target-only")
>>> float(b.evaluate(d=10, m=21, sigma=1.0))
1.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bounds.catalog import ALL
from bounds.expression import Bound
from bounds.named_table import NamedTable

__all__ = ["BOUNDS", "ENTRY_POINT_GROUP", "BoundPluginWarning", "get_bound", "register_bound",
           "plugin_records", "summary"]

#: Entry-point group of plugin bounds: each entry point is a :class:`Bound` or a list of them.
ENTRY_POINT_GROUP = "metabound.bounds"


class BoundPluginWarning(UserWarning):
    """A ``metabound.bounds`` entry point could not be loaded (its bounds are then absent)."""


#: Every registered bound, by name (read-only; the built-in ones and plugins').
BOUNDS: Mapping[str, Bound] = NamedTable(Bound, "bound", ENTRY_POINT_GROUP, BoundPluginWarning, ALL)


def register_bound(bound: Bound) -> Bound:
    """Register ``bound`` under its name, so claims files and the CLI can name it.

    Parameters
    ----------
    bound : Bound
        Its ``name`` must be a lower-case dashed name not taken by another
        bound (registering the same object twice does nothing).

    Returns
    -------
    Bound
        ``bound``.
    """
    return BOUNDS.register(bound)


def plugin_records() -> tuple:
    """The ``metabound.bounds`` entry points read: (name, value, distribution, bounds, error) each."""
    BOUNDS.ensure_loaded()
    return tuple(BOUNDS.records)


def get_bound(name: str) -> Bound:
    """The registered bound called ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`BOUNDS`.

    Returns
    -------
    Bound

    Raises
    ------
    ValueError
        If ``name`` is not registered; the message lists the known names.
    """
    try:
        return BOUNDS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown bound {name!r}; known bounds: {', '.join(BOUNDS)}") from None


def summary() -> list[dict[str, Any]]:
    """One row per bound: name, kind, explicit, statement, assumptions, derivation."""
    return [
        {"name": b.name, "kind": b.kind, "explicit": b.explicit, "statement": b.statement,
         "assumptions": list(b.assumptions), "derivation": b.derivation,
         "constants": list(b.constants)}
        for b in BOUNDS.values()
    ]
