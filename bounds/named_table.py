"""A read-only table of named objects that plugins extend through an entry-point group.

Used for the bounds (:data:`bounds.BOUNDS`, group ``metabound.bounds``) and,
by :mod:`verification.check_registry`, for the checks (``metabound.checks``).
The table only grows: a name keeps its object once registered, a taken name
is refused, and the entry points are read once, on first use, in a fixed
order (distribution, name), unless ``METABOUND_NO_PLUGINS`` is set.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping
from typing import Any

__all__ = ["NamedTable", "NAME_PATTERN", "NO_PLUGINS_ENV"]

#: Registered names: lower-case letters and digits, single dashes.
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
#: Environment variable that disables entry-point plugins.
NO_PLUGINS_ENV = "METABOUND_NO_PLUGINS"


class NamedTable(Mapping):
    """Objects of type ``kind`` by their ``name``; the entry points of ``group`` are read on first use.

    Parameters
    ----------
    kind : type
        What every entry is (``bounds.Bound``, ``verification.Check``).
    label : str
        Its name in messages (``"bound"``, ``"check"``).
    group : str
        The entry-point group.
    warning : type
        Warning category for an entry point that cannot be loaded.
    builtin : iterable
        The built-in entries.

    Attributes
    ----------
    records : list of tuple
        ``(entry point name, value, distribution, registered names, error)``
        per entry point read.
    """

    def __init__(self, kind: type, label: str, group: str, warning: type[Warning], builtin=()) -> None:
        self.kind, self.label, self.group, self.warning = kind, label, group, warning
        self._items: dict[str, Any] = {}
        self._loaded = False
        self.records: list[tuple[str, str, str | None, tuple[str, ...], str | None]] = []
        for item in builtin:
            self.add(item)

    def add(self, item: Any) -> bool:
        """Register ``item``; False when this very object is already registered."""
        if not isinstance(item, self.kind):
            raise TypeError(f"register_{self.label}: expected a {self.kind.__module__.split('.')[0]}."
                            f"{self.kind.__name__}, got {item!r}")
        if not isinstance(item.name, str) or not NAME_PATTERN.match(item.name):
            raise ValueError(f"register_{self.label}: a {self.label}'s name is lower-case letters, digits and "
                             f"single dashes (e.g. 'my-{self.label}'); got {item.name!r}")
        known = self._items.get(item.name)
        if known is item:
            return False
        if known is not None:
            raise ValueError(f"register_{self.label}: {self.label} {item.name!r} is already registered; "
                             "choose another name")
        self._items[item.name] = item
        return True

    def register(self, item: Any) -> Any:
        """Read the entry points, then :meth:`add` ``item``; return it."""
        self.ensure_loaded()
        self.add(item)
        return item

    def ensure_loaded(self) -> None:
        """Read the entry-point group (once)."""
        if self._loaded:
            return
        self._loaded = True
        if os.environ.get(NO_PLUGINS_ENV):
            return
        from importlib import metadata

        def dist(ep) -> str | None:
            return None if getattr(ep, "dist", None) is None else ep.dist.metadata["Name"]

        for ep in sorted(metadata.entry_points(group=self.group), key=lambda ep: (dist(ep) or "", ep.name, ep.value)):
            try:
                obj = ep.load()
                items = list(obj) if isinstance(obj, (list, tuple)) else [obj]
                for item in items:
                    self.add(item)
                self.records.append((ep.name, ep.value, dist(ep), tuple(i.name for i in items), None))
            except Exception as exc:  # noqa: BLE001 - a broken plugin must not hide the built-in entries
                message = f"{type(exc).__name__}: {exc}"
                warnings.warn(self.warning(f"entry point {ep.name!r} = {ep.value!r} of group {self.group!r} "
                                           f"({dist(ep)}) was not loaded: {message}"), stacklevel=3)
                self.records.append((ep.name, ep.value, dist(ep), (), message))

    def __getitem__(self, name: str) -> Any:
        self.ensure_loaded()
        return self._items[name]

    def __iter__(self):
        self.ensure_loaded()
        return iter(self._items)

    def __len__(self) -> int:
        self.ensure_loaded()
        return len(self._items)
