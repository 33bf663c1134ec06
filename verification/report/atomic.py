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
import secrets
import shutil
from collections.abc import Collection, Iterator
from pathlib import Path

from .errors import ReplaceError

__all__ = ["ReplaceError", "atomic_directory", "check_target"]


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
        candidate = target.parent / f".{target.name}.old-{secrets.token_hex(4)}"
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
        candidate = target.parent / f".{target.name}.{tag}-{secrets.token_hex(4)}"
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

