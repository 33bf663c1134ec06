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
from types import MappingProxyType
from typing import Any

from bounds.catalog import ALL
from bounds.expression import Bound

__all__ = ["BOUNDS", "get_bound", "summary"]

#: Every registered bound, by name (read-only).
BOUNDS: Mapping[str, Bound] = MappingProxyType({b.name: b for b in ALL})


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
