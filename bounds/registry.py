"""The registry of bounds: every bound by name.

Examples
--------
>>> from bounds import get_bound
>>> b = get_bound("target-only")
>>> float(b.evaluate(d=10, m=21, sigma=1.0))
1.0
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping
from typing import Any

from bounds.catalog import ALL
from bounds.expression import Bound

__all__ = ["BOUNDS", "ENTRY_POINT_GROUP", "BoundPluginWarning", "get_bound", "register_bound",
           "plugin_records", "summary"]

#: Entry-point group of plugin bounds: each entry point is a :class:`Bound` or a list of them.
ENTRY_POINT_GROUP = "metabound.bounds"
_NO_PLUGINS_ENV = "METABOUND_NO_PLUGINS"
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class BoundPluginWarning(UserWarning):
    """A ``metabound.bounds`` entry point could not be loaded (its bounds are then absent)."""


class _BoundTable(Mapping):
    """The registered bounds by name, read-only; ``metabound.bounds`` entry points are read on first use.

    The table only grows: a name keeps its bound once registered.
    """

    def __init__(self, builtin: tuple[Bound, ...]) -> None:
        self._bounds: dict[str, Bound] = {}
        self._loaded = False
        #: ``(entry point name, value, distribution, registered names, error)`` per entry point read.
        self.records: list[tuple[str, str, str | None, tuple[str, ...], str | None]] = []
        for b in builtin:
            self.add(b)

    def add(self, bound: Any) -> bool:
        """Register ``bound``; False when this very object is already registered."""
        if not isinstance(bound, Bound):
            raise TypeError(f"register_bound: expected a bounds.Bound, got {bound!r}")
        if not _NAME.match(bound.name):
            raise ValueError(f"register_bound: a bound's name is lower-case letters, digits and single dashes "
                             f"(e.g. 'my-bound'); got {bound.name!r}")
        known = self._bounds.get(bound.name)
        if known is bound:
            return False
        if known is not None:
            raise ValueError(f"register_bound: bound {bound.name!r} is already registered; choose another name")
        self._bounds[bound.name] = bound
        return True

    def ensure_loaded(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if os.environ.get(_NO_PLUGINS_ENV):
            return
        from importlib import metadata

        def dist(ep) -> str | None:
            return None if getattr(ep, "dist", None) is None else ep.dist.metadata["Name"]

        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP),
                         key=lambda ep: (dist(ep) or "", ep.name, ep.value)):
            try:
                obj = ep.load()
                items = list(obj) if isinstance(obj, (list, tuple)) else [obj]
                for item in items:
                    self.add(item)
                self.records.append((ep.name, ep.value, dist(ep), tuple(b.name for b in items), None))
            except Exception as exc:  # noqa: BLE001 - a broken plugin must not hide the built-in bounds
                message = f"{type(exc).__name__}: {exc}"
                warnings.warn(BoundPluginWarning(f"entry point {ep.name!r} = {ep.value!r} of group "
                                                 f"{ENTRY_POINT_GROUP!r} ({dist(ep)}) was not loaded: {message}"),
                              stacklevel=3)
                self.records.append((ep.name, ep.value, dist(ep), (), message))

    def __getitem__(self, name: str) -> Bound:
        self.ensure_loaded()
        return self._bounds[name]

    def __iter__(self):
        self.ensure_loaded()
        return iter(self._bounds)

    def __len__(self) -> int:
        self.ensure_loaded()
        return len(self._bounds)


#: Every registered bound, by name (read-only; the built-in ones and plugins').
BOUNDS: Mapping[str, Bound] = _BoundTable(ALL)


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
    BOUNDS.ensure_loaded()
    BOUNDS.add(bound)
    return bound


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
