r"""Exact risks and representation diagnostics of linear predictors."""

from __future__ import annotations

import numpy as np
from scipy.linalg import subspace_angles

__all__ = ["excess_risk", "insample_risk", "representation_error", "sin_theta_max"]


def excess_risk(theta_hat: np.ndarray, theta: np.ndarray, covariance: np.ndarray) -> float:
    r"""Population excess squared-loss risk :math:`(\hat\theta-\theta)^\top\Sigma(\hat\theta-\theta)`.

    Exact for :math:`x \sim N(0, \Sigma)` and additive noise independent of
    :math:`x` (any distribution with covariance :math:`\Sigma`, in fact).
    """
    h = np.asarray(theta_hat) - np.asarray(theta)
    return float(h @ covariance @ h)


def insample_risk(theta_hat: np.ndarray, theta: np.ndarray, X: np.ndarray) -> float:
    r"""Fixed-design excess risk :math:`\|X(\hat\theta - \theta)\|^2 / m` on the target design."""
    r = np.asarray(X) @ (np.asarray(theta_hat) - np.asarray(theta))
    return float(r @ r / X.shape[0])


def representation_error(frame: np.ndarray | None, shared: np.ndarray, covariance: np.ndarray) -> float:
    r"""Error of the best predictor in a frame for the target's shared part.

    .. math:: \min_w (\hat B w - B^* w^*)^\top \Sigma (\hat B w - B^* w^*)

    NaN for learners without a representation.
    """
    if frame is None:
        return float("nan")
    L = np.linalg.cholesky(covariance)
    A = L.T @ frame
    b = L.T @ shared
    w = np.linalg.lstsq(A, b, rcond=None)[0]
    r = A @ w - b
    return float(r @ r)


def sin_theta_max(frame: np.ndarray | None, true_frame: np.ndarray) -> float:
    """Sine of the largest principal angle between the learned and true frames (NaN without a frame)."""
    if frame is None:
        return float("nan")
    return float(np.sin(subspace_angles(frame, true_frame).max()))
