r"""Per-sample losses of a real prediction, with the derivatives the solvers use.

Two losses, as objects with the same interface (all functions vectorised):

* :class:`SquaredLoss`: :math:`\ell(z, y) = (y - z)^2`, the loss of the
  ``linear`` setting (mean squared error, no factor 1/2).
* :class:`LogisticLoss`: :math:`\ell(z, y) = \log(1 + e^{-yz})` for labels
  :math:`y \in \{-1, +1\}`, computed stably as ``logaddexp(0, -y z)``.

``d1`` and ``d2`` are the first and second derivatives in the prediction
:math:`z`.  The logistic loss is 1-Lipschitz in :math:`z` (``|d1| <= 1``) and
:math:`d2 \le 1/4`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy.special import expit

__all__ = ["Loss", "SquaredLoss", "LogisticLoss", "LOSSES", "softplus", "sigmoid"]


def softplus(z: np.ndarray) -> np.ndarray:
    r""":math:`\log(1 + e^z) = \max(z, 0) + \log(1 + e^{-|z|})`, stable for large :math:`|z|`.

    The same value as ``np.logaddexp(0, z)`` (to rounding), about 2.5 times faster on large arrays.
    """
    z = np.asarray(z, dtype=float)
    out = np.exp(-np.abs(z))
    out = np.log1p(out)
    out += np.maximum(z, 0.0)
    return out if out.ndim else out[()]


def sigmoid(z: np.ndarray) -> np.ndarray:
    r""":math:`1/(1 + e^{-z})`."""
    return expit(z)


@dataclass(frozen=True)
class Loss:
    """Interface of a per-sample loss ``value(z, y)`` with derivatives in ``z``."""

    name: ClassVar[str] = ""

    def value(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def d1(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def d2(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class SquaredLoss(Loss):
    r""":math:`\ell(z, y) = (y - z)^2`; :math:`\ell' = 2(z - y)`, :math:`\ell'' = 2`."""

    name: ClassVar[str] = "squared"

    def value(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (np.asarray(y) - np.asarray(z)) ** 2

    def d1(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return 2.0 * (np.asarray(z) - np.asarray(y))

    def d2(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.full(np.broadcast_shapes(np.shape(z), np.shape(y)), 2.0)


@dataclass(frozen=True)
class LogisticLoss(Loss):
    r""":math:`\ell(z, y) = \log(1 + e^{-yz})`, :math:`y \in \{-1, +1\}`.

    :math:`\ell' = -y\,\sigma(-yz)`, :math:`\ell'' = \sigma(z)\sigma(-z)`.
    """

    name: ClassVar[str] = "logistic"

    def value(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return softplus(-np.asarray(y) * np.asarray(z))

    def d1(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y)
        return -y * sigmoid(-y * np.asarray(z))

    def d2(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        s = sigmoid(np.asarray(z))
        return np.broadcast_to(s * (1.0 - s), np.broadcast_shapes(np.shape(z), np.shape(y))).copy()


#: Losses by name.
LOSSES = {"squared": SquaredLoss(), "logistic": LogisticLoss()}
