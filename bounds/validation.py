"""Checking the constants handed to a bound.

Every failure is a :class:`ValueError` whose message names the bound, the
offending constant(s) and the allowed range or condition, so that a sweep
that goes out of a bound's range fails loudly and readably.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from bounds.constants import Constant

__all__ = ["as_array", "check_value", "check_condition"]


def as_array(bound: str, name: str, value: Any) -> np.ndarray:
    """Convert ``value`` to a float array, or raise a ``ValueError`` naming ``name``.

    Parameters
    ----------
    bound : str
        Name of the bound (for the message).
    name : str
        Name of the constant.
    value : array_like
        Scalar or array of numbers.

    Returns
    -------
    numpy.ndarray
        Float array (0-d for a scalar).
    """
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{bound}: constant {name!r} must be a number, got a bool")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{bound}: constant {name!r} must be a number or an array of numbers, "
            f"got {value!r}"
        ) from None
    return arr


def check_value(bound: str, constant: Constant, value: np.ndarray) -> None:
    """Raise ``ValueError`` unless every entry of ``value`` lies in the constant's range.

    Parameters
    ----------
    bound : str
        Name of the bound (for the message).
    constant : Constant
        The constant and its domain.
    value : numpy.ndarray
        Values to check.

    Raises
    ------
    ValueError
        Naming the constant, the first bad value, why it is bad, and the
        allowed range.
    """
    ok = constant.contains(value)
    if np.all(ok):
        return
    bad = float(np.asarray(value)[~ok].ravel()[0]) if value.ndim else float(value)
    if not np.isfinite(bad):
        why = "is not finite"
    elif bad < 0 and constant.lower >= 0:
        why = "is negative"
    elif constant.integer and bad == bad and bad != np.round(bad):
        why = "is not an integer"
    else:
        why = "is out of range"
    raise ValueError(
        f"{bound}: constant {constant.name!r} = {bad!r} {why}; "
        f"allowed range: {constant.range_text}"
    )


def check_condition(
    bound: str,
    text: str,
    names: Sequence[str],
    predicate: Callable[..., Any],
    values: Mapping[str, np.ndarray],
) -> None:
    """Raise ``ValueError`` unless ``predicate`` holds for every entry.

    Parameters
    ----------
    bound : str
        Name of the bound (for the message).
    text : str
        The condition as text, e.g. ``"m > d + 1"``.
    names : sequence of str
        Constants the condition involves, in the order ``predicate`` takes them.
    predicate : callable
        Vectorised predicate returning a boolean array.
    values : mapping
        Validated constant values.
    """
    args = [values[n] for n in names]
    ok = np.broadcast_to(np.asarray(predicate(*args), dtype=bool),
                         np.broadcast_shapes(*(np.shape(a) for a in args)))
    if np.all(ok):
        return
    index = np.argwhere(~ok)[0] if ok.ndim else ()
    at = ", ".join(
        f"{n}={np.broadcast_to(values[n], ok.shape)[tuple(index)]:g}" for n in names
    )
    raise ValueError(
        f"{bound}: condition {text} violated (constants {', '.join(names)}) at {at}"
    )
