"""Atomic replacement of a whole directory.

A report directory is either the complete old one or the complete new one,
never a mix: everything is written into a temporary sibling directory, which
then takes the place of the target by ``os.rename``.  The old directory is kept
(renamed aside) until the new one is in place, and removed afterwards.

Entries of the old directory that the writer does not produce (for example a
results store kept next to the report) are carried over into the new
directory, by rename, just before the swap.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Collection, Iterator
from pathlib import Path

from ..liveness import process_running
from .errors import ReplaceError

__all__ = ["ReplaceError", "atomic_directory", "check_target", "clean_stale_siblings"]


def check_target(target: str | os.PathLike) -> None:
    """Refuse targets whose replacement would be surprising or impossible.

    Parameters
    ----------
    target : str or path-like
        The directory to replace.

    Raises
    ------
    ReplaceError
        If ``target`` exists and is not a directory, is the filesystem root, or
        is the current working directory or one of its ancestors.
    """
    target = Path(os.path.realpath(target))
    if target.exists() and not target.is_dir():
        raise ReplaceError(f"{target} exists and is not a directory")
    if target.parent == target:
        raise ReplaceError(f"refusing to replace the root directory {target}")
    cwd = Path.cwd().resolve()
    if target.exists() and (cwd == target or target in cwd.parents):
        raise ReplaceError(f"refusing to replace {target}: it contains the current "
                           "directory; choose a dedicated output directory")
    _check_writable(target)


def _check_writable(target: Path) -> None:
    """Refuse a target whose directory cannot be written: try it, before any work.

    The nearest existing ancestor of ``target``'s parent (the parents are
    created when the report is written) must accept a new directory; a probe
    directory is created there and removed at once.
    """
    base = target.parent
    while not base.exists():
        if base.parent == base:
            break
        base = base.parent
    if not base.is_dir():
        raise ReplaceError(f"cannot write {target}: {base} is not a directory")
    probe = base / f".{target.name}.probe-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        os.mkdir(probe)
    except OSError as exc:
        raise ReplaceError(f"cannot write {target}: {base}: {exc.strerror or exc}") from None
    os.rmdir(probe)


#: Hidden siblings the writer makes: ``.<name>.tmp-<pid>-<hex>`` (being written) and ``.<name>.old-<pid>-<hex>``.
_SIBLING = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old)-(?P<pid>\d+)-[0-9a-f]+$")


def clean_stale_siblings(target: str | os.PathLike) -> list[Path]:
    """Remove the hidden temporaries of ``target`` left by writers that no longer run.

    A writer killed while writing (or between its two renames) leaves
    ``.<name>.tmp-<pid>-<hex>`` or ``.<name>.old-<pid>-<hex>`` beside the
    target.  Those whose process ``pid`` is gone are removed; those of a
    running writer (a concurrent run) are left alone.

    Returns
    -------
    list of Path
        The directories removed.
    """
    target = Path(os.path.realpath(target))
    removed = []
    if not target.parent.is_dir():
        return removed
    for entry in target.parent.iterdir():
        m = _SIBLING.match(entry.name)
        if m and m.group("name") == target.name and entry.is_dir() and not entry.is_symlink():
            if int(m.group("pid")) != os.getpid() and not process_running(int(m.group("pid"))):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


def _aside_name(target: Path) -> Path:
    """An unused hidden sibling name for the old directory.

    Parameters
    ----------
    target : Path
        The directory being replaced.

    Returns
    -------
    Path
        ``<parent>/.<name>.old-<random>``, not existing yet.
    """
    while True:
        candidate = target.parent / f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
        if not os.path.lexists(candidate):
            return candidate


def _fresh_sibling(target: Path, tag: str) -> Path:
    """Create an empty hidden sibling directory of ``target``.

    Parameters
    ----------
    target : Path
        The directory being replaced.
    tag : str
        Part of the name, e.g. ``"tmp"``.

    Returns
    -------
    Path
        ``<parent>/.<name>.<tag>-<random>``, created with the usual
        permissions (``0o777`` minus the umask), unlike ``mkdtemp``'s 0700.
    """
    while True:
        candidate = target.parent / f".{target.name}.{tag}-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            os.mkdir(candidate)
        except FileExistsError:
            continue
        return candidate


@contextlib.contextmanager
def atomic_directory(target: str | os.PathLike, *,
                     owned: Collection[str] = ()) -> Iterator[Path]:
    """Write a directory elsewhere, then swap it into place at ``target``.

    Parameters
    ----------
    target : str or path-like
        The directory to create or replace.  Its parent is created if needed.
    owned : collection of str
        Names of the entries the writer produces.  Entries of an existing
        ``target`` with other names are moved into the new directory before
        the swap (and moved back if the swap fails).

    Yields
    ------
    Path
        A fresh, empty temporary directory next to ``target`` (same
        filesystem, so the final rename is atomic).  Write everything there.

    Raises
    ------
    ReplaceError
        If ``target`` is not a directory or contains the current directory.

    Notes
    -----
    If the body raises (or the process is interrupted), the temporary
    directory is removed and ``target`` is left untouched.  On success the
    sequence is: carry foreign entries over, ``rename(target, aside)``,
    ``rename(temporary, target)``, remove ``aside``.  Between the two renames
    ``target`` is briefly absent; at no time does it hold a mix of old and new
    files.
    """
    target = Path(os.path.realpath(target))    # a symlinked DIR: replace what it points to
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_siblings(target)
    tmp = _fresh_sibling(target, "tmp")
    try:
        yield tmp
        _swap(tmp, target, set(owned))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(new: Path, target: Path, owned: set[str]) -> None:
    """Move ``new`` to ``target``, carrying over the entries not in ``owned``.

    Parameters
    ----------
    new : Path
        The completely written new directory.
    target : Path
        Where it goes; replaced if it exists.
    owned : set of str
        Entry names produced by the writer (not carried over).
    """
    if not target.exists():
        os.rename(new, target)
        return
    moved: list[str] = []
    aside = _aside_name(target)
    try:
        for name in sorted(os.listdir(target)):
            if name not in owned and not os.path.lexists(new / name):
                os.rename(target / name, new / name)
                moved.append(name)
        os.rename(target, aside)
    except BaseException:
        for name in moved:
            os.rename(new / name, target / name)
        raise
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(aside, target)
        for name in moved:
            os.rename(new / name, target / name)
        raise
    shutil.rmtree(aside, ignore_errors=True)

