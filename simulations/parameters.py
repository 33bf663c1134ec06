"""Declared parameters of task settings and their validation.

Every setting declares a table of :class:`Parameter` objects (in the spirit of
scikit-learn's parameter constraints).  Validation happens once, when a
setting is built, and every failure is a :class:`ValueError` that names the
parameter and the allowed range.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

__all__ = [
    "Parameter",
    "REQUIRED",
    "validate_matrix",
    "validate_int",
    "validate_float",
    "validate_choice",
    "validate_spd",
    "resolve_parameters",
]


class _Required:
    """Sentinel for parameters without a default."""

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return "REQUIRED"


REQUIRED: Any = _Required()


@dataclass(frozen=True)
class Parameter:
    """A declared parameter of a setting.

    Parameters
    ----------
    doc : str
        One-line description, including the allowed range.
    default : object
        Default value, or :data:`REQUIRED`.
    validate : callable
        ``validate(name, value) -> value`` returning the normalised value or
        raising ``ValueError`` naming ``name`` and the allowed range.
    """

    doc: str
    default: Any
    validate: Callable[[str, Any], Any]

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def validate_int(low: int, high: float = math.inf) -> Callable[[str, Any], int]:
    """Validator of an integer in ``[low, high]``."""

    def check(name: str, value: Any) -> int:
        rng = f"an integer in [{low}, {high}]" if math.isfinite(high) else f"an integer >= {low}"
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        if not isinstance(value, (numbers.Integral,)) or isinstance(value, bool):
            raise ValueError(f"parameter {name!r} must be {rng}; got {value!r}")
        value = int(value)
        if not (low <= value <= high):
            raise ValueError(f"parameter {name!r} must be {rng}; got {value}")
        return value

    return check


def validate_matrix(name: str, value: Any) -> np.ndarray:
    """A 2-D array of finite numbers (e.g. a frame), or ``ValueError`` naming the parameter."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.ndim != 2 or arr.size == 0 or not np.all(np.isfinite(arr)):
        shown = f"shape {np.shape(arr)}" if arr is not None else repr(value)
        raise ValueError(f"parameter {name!r} must be a non-empty 2-D matrix of finite numbers; got {shown}")
    return arr


def validate_float(
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> Callable[[str, Any], float]:
    """Validator of a finite real number in an interval."""
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    desc = f"a finite real number in {left}{low}, {high}{right}"

    def check(name: str, value: Any) -> float:
        if not _is_real(value):
            raise ValueError(f"parameter {name!r} must be {desc}; got {value!r}")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"parameter {name!r} must be {desc}; got {value}")
        too_low = value <= low if low_open else value < low
        too_high = value >= high if high_open else value > high
        if too_low or too_high:
            raise ValueError(f"parameter {name!r} must be {desc}; got {value}")
        return value

    return check


def validate_choice(*choices: str) -> Callable[[str, Any], str]:
    """Validator of a string among ``choices``."""

    def check(name: str, value: Any) -> str:
        if value not in choices:
            raise ValueError(f"parameter {name!r} must be one of {', '.join(map(repr, choices))}; got {value!r}")
        return value

    return check


def validate_spd(name: str, value: Any) -> np.ndarray | None:
    """Validate an optional symmetric positive definite covariance matrix."""
    if value is None:
        return None
    try:
        mat = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"parameter {name!r} must be a symmetric positive definite matrix; got {value!r}") from None
    if mat.ndim != 2 or mat.shape[0] != mat.shape[1] or mat.shape[0] == 0:
        raise ValueError(f"parameter {name!r} must be a square symmetric positive definite matrix; got shape {mat.shape}")
    if not np.all(np.isfinite(mat)):
        raise ValueError(f"parameter {name!r} must have finite entries")
    if not np.allclose(mat, mat.T, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(mat).max())):
        raise ValueError(f"parameter {name!r} must be symmetric positive definite; it is not symmetric")
    lam_min = np.linalg.eigvalsh((mat + mat.T) / 2).min()
    if lam_min <= 0:
        raise ValueError(
            f"parameter {name!r} must be symmetric positive definite; its smallest eigenvalue is {lam_min:.3g} <= 0"
        )
    return (mat + mat.T) / 2


def resolve_parameters(
    table: Mapping[str, Parameter], given: Mapping[str, Any], *, owner: str
) -> dict[str, Any]:
    """Validate ``given`` against ``table`` and fill in defaults.

    Raises
    ------
    ValueError
        For an unknown name, a missing required parameter, or an invalid
        value; the message names the parameter.
    """
    unknown = sorted(set(given) - set(table))
    if unknown:
        raise ValueError(
            f"unknown parameter {unknown[0]!r} for {owner}; allowed: {', '.join(table)}"
        )
    resolved: dict[str, Any] = {}
    for name, spec in table.items():
        if name in given and given[name] is not None:
            resolved[name] = spec.validate(name, given[name])
        elif spec.required:
            raise ValueError(f"missing required parameter {name!r} for {owner} ({spec.doc})")
        else:
            resolved[name] = spec.default if spec.default is None else spec.validate(name, spec.default)
    return resolved
