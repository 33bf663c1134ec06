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
    "Constraint",
    "Interval",
    "Choice",
    "Matrix",
    "SPDMatrix",
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
        raising ``ValueError`` naming ``name`` and the allowed range; the
        built-in tables use :class:`Constraint` objects, which can also be
        inspected (:meth:`Constraint.describe`) and generate values they
        refuse (:meth:`Constraint.invalid_values`).
    """

    doc: str
    default: Any
    validate: Callable[[str, Any], Any]

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


class Constraint:
    """An inspectable constraint on one parameter's value (in the spirit of scikit-learn's ``_param_validation``).

    Calling it, ``constraint(name, value)``, returns the normalised value or
    raises ``ValueError`` naming the parameter and :meth:`describe`;
    :meth:`invalid_values` generates values it must refuse (what the public
    batteries of :mod:`simulations.testing` try on every parameter).
    """

    def __call__(self, name: str, value: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def invalid_values(self) -> tuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def _refuse(self, name: str, value: Any) -> ValueError:
        return ValueError(f"parameter {name!r} must be {self.describe()}; got {value!r}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()})"


@dataclass(frozen=True, repr=False)
class Interval(Constraint):
    """An integer (``kind="int"``) or finite real (``kind="real"``) in an interval."""

    kind: str
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def describe(self) -> str:
        if self.kind == "int":
            return f"an integer in [{self.low}, {self.high}]" if math.isfinite(self.high) \
                else f"an integer >= {self.low}"
        left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
        return f"a finite real number in {left}{self.low}, {self.high}{right}"

    def __call__(self, name: str, value: Any) -> Any:
        if self.kind == "int":
            if isinstance(value, (float, np.floating)) and float(value).is_integer():
                value = int(value)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool):
                raise self._refuse(name, value)
            value = int(value)
        else:
            if not _is_real(value) or not math.isfinite(float(value)):
                raise self._refuse(name, value)
            value = float(value)
        too_low = value <= self.low if self.low_open else value < self.low
        too_high = value >= self.high if self.high_open else value > self.high
        if too_low or too_high:
            raise self._refuse(name, value)
        return value

    def invalid_values(self) -> tuple:
        out: list = ["bogus", True, float("nan"), float("inf"), -float("inf")]
        if math.isfinite(self.low):
            out.append(self.low if self.low_open else (self.low - 1 if self.kind == "int" else self.low - 0.5))
        if math.isfinite(self.high):
            out.append(self.high if self.high_open else (self.high + 1 if self.kind == "int" else self.high + 0.5))
        if self.kind == "int":
            base = self.low if math.isfinite(self.low) else 0
            out.append(base + 0.5)                            # not an integer
        return tuple(out)


@dataclass(frozen=True, repr=False)
class Choice(Constraint):
    """One of a fixed set of strings."""

    choices: tuple[str, ...]

    def describe(self) -> str:
        return f"one of {', '.join(map(repr, self.choices))}"

    def __call__(self, name: str, value: Any) -> Any:
        if not isinstance(value, str) or value not in self.choices:
            raise self._refuse(name, value)
        return value

    def invalid_values(self) -> tuple:
        return ("-".join(self.choices) + "-bogus", 1, True, self.choices[0].upper() + "?")


class Matrix(Constraint):
    """A non-empty 2-D matrix of finite numbers (e.g. a frame)."""

    def describe(self) -> str:
        return "a non-empty 2-D matrix of finite numbers"

    def __call__(self, name: str, value: Any) -> np.ndarray:
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            arr = None
        if arr is None or arr.ndim != 2 or arr.size == 0 or not np.all(np.isfinite(arr)):
            shown = f"shape {np.shape(arr)}" if arr is not None else repr(value)
            raise ValueError(f"parameter {name!r} must be {self.describe()}; got {shown}")
        return arr

    def invalid_values(self) -> tuple:
        return ("bogus", [1.0, 2.0], np.zeros((0, 0)), [[1.0, float("nan")]])


class SPDMatrix(Constraint):
    """An optional symmetric positive definite matrix (``None``: the identity)."""

    def describe(self) -> str:
        return "a symmetric positive definite matrix"

    def __call__(self, name: str, value: Any) -> np.ndarray | None:
        if value is None:
            return None
        try:
            mat = np.array(value, dtype=float)
        except (TypeError, ValueError):
            raise self._refuse(name, value) from None
        if mat.ndim != 2 or mat.shape[0] != mat.shape[1] or mat.shape[0] == 0:
            raise ValueError(f"parameter {name!r} must be a square symmetric positive definite matrix; "
                             f"got shape {mat.shape}")
        if not np.all(np.isfinite(mat)):
            raise ValueError(f"parameter {name!r} must have finite entries")
        if not np.allclose(mat, mat.T, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(mat).max())):
            raise ValueError(f"parameter {name!r} must be symmetric positive definite; it is not symmetric")
        lam_min = np.linalg.eigvalsh((mat + mat.T) / 2).min()
        if lam_min <= 0:
            raise ValueError(f"parameter {name!r} must be symmetric positive definite; its smallest eigenvalue "
                             f"is {lam_min:.3g} <= 0")
        return (mat + mat.T) / 2

    def invalid_values(self) -> tuple:
        return ("bogus", [[1.0, 2.0]], [[1.0, 0.5], [0.0, 1.0]], [[-1.0, 0.0], [0.0, 1.0]], [[float("nan")]])


def validate_int(low: int, high: float = math.inf) -> Interval:
    """Constraint: an integer in ``[low, high]``."""
    return Interval("int", low, high)


#: Constraint: a non-empty 2-D matrix of finite numbers.
validate_matrix = Matrix()


def validate_float(low: float = -math.inf, high: float = math.inf, *, low_open: bool = False,
                   high_open: bool = False) -> Interval:
    """Constraint: a finite real number in an interval."""
    return Interval("real", low, high, low_open, high_open)


def validate_choice(*choices: str) -> Choice:
    """Constraint: a string among ``choices``."""
    return Choice(tuple(choices))


#: Constraint: an optional symmetric positive definite covariance matrix.
validate_spd = SPDMatrix()


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
