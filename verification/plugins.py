"""What plugins a run used: the entry points of every group, and classes registered at run time.

Each package reads its own groups on first use of its registry
(``simulations``: ``metabound.settings``, ``metabound.learners``; ``bounds``:
``metabound.bounds``; :mod:`verification.check_registry`: ``metabound.checks``).
:func:`plugin_provenance` reads them all and lists them for ``results.json``,
so a report says which distributions (and versions) produced it.
"""

from __future__ import annotations

__all__ = ["plugin_provenance"]


def plugin_provenance() -> list[dict]:
    """One record per entry point read (all groups) and per class registered at run time.

    Returns
    -------
    list of dict
        ``group``, ``name``, ``value`` (``module:attribute``), ``distribution``,
        ``version``, ``registered`` (``kind:name`` list) and ``error`` (why it
        was not loaded, or None).  Runtime registrations have group
        ``"runtime"`` and no distribution.
    """
    out: list[dict] = []
    try:
        from simulations.registry import load_plugins, runtime_registrations
    except ImportError:  # pragma: no cover - simulations absent
        load_plugins, runtime_registrations = (lambda: ()), (lambda: ())
    for r in load_plugins():
        out.append({"group": r.group, "name": r.name, "value": r.value, "distribution": r.distribution,
                    "version": r.version, "registered": list(r.registered), "error": r.error})
    from bounds.registry import ENTRY_POINT_GROUP, plugin_records

    for name, value, dist, names, error in plugin_records():
        out.append({"group": ENTRY_POINT_GROUP, "name": name, "value": value, "distribution": dist,
                    "version": _version(dist), "registered": [f"bound:{n}" for n in names], "error": error})
    from .check_registry import ENTRY_POINT_GROUP as CHECK_GROUP, check_plugin_records

    for name, value, dist, names, error in check_plugin_records():
        out.append({"group": CHECK_GROUP, "name": name, "value": value, "distribution": dist,
                    "version": _version(dist), "registered": [f"check:{n}" for n in names], "error": error})
    for kind, cls, *family in runtime_registrations():
        label = f"{kind}:{cls.name}" + (f"@{family[0]}" if family else "")
        out.append({"group": "runtime", "name": cls.name, "value": f"{cls.__module__}:{cls.__qualname__}",
                    "distribution": None, "version": None, "registered": [label], "error": None})
    return out


def _version(dist: str | None) -> str | None:
    if dist is None:
        return None
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None
