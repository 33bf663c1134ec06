r"""Geometry of a linear fine-tuning class at the target: approximation errors and residual metrics.

For a frame :math:`\hat B` (d x k), an input covariance :math:`\Sigma` and a
radius :math:`r`, the fine-tuning class is
:math:`K_r = \{\hat B w + \delta : \|\delta\| \le r\}` (heads unconstrained).
With :math:`\Pi = \hat B(\hat B^\top\Sigma\hat B)^{-1}\hat B^\top\Sigma` the
:math:`\Sigma`-orthogonal projection onto :math:`\operatorname{span}(\hat B)`,

.. math:: C = (I - \Pi)^\top\Sigma(I - \Pi),\qquad
          \min_w (\hat Bw - z)^\top\Sigma(\hat Bw - z) = z^\top C z,

so the approximation error of the class for a target :math:`\theta` (the
smallest excess risk any member of :math:`K_r` can have) is

.. math:: \operatorname{bias}_r(\theta) = \min_{\|\delta\|\le r}(\theta - \delta)^\top C(\theta - \delta),

a trust-region problem solved here in the eigenbasis of :math:`C` (no hard
case: :math:`C\theta` lies in the range of :math:`C`).  These functions are the
simulator's reference for the bounds ``class-bias`` and ``head-only-exact``
and for the residual terms of ``adaptrep-linear``; they share no code with the
learners' solvers.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["residual_metric", "approximation_error"]


def residual_metric(frame: np.ndarray | None, covariance: np.ndarray) -> np.ndarray:
    r""":math:`C = (I - \Pi)^\top\Sigma(I - \Pi)` for the frame's span (:math:`\Sigma` itself without a frame).

    Parameters
    ----------
    frame : ndarray, shape (d, k), or None
        Any full-column-rank matrix (only its span matters).
    covariance : ndarray, shape (d, d)
        :math:`\Sigma`, symmetric positive definite.

    Returns
    -------
    ndarray, shape (d, d)
        Symmetric positive semi-definite, :math:`C\hat B = 0`.
    """
    cov = np.asarray(covariance, dtype=float)
    if frame is None:
        return cov.copy()
    B = np.asarray(frame, dtype=float)
    SB = cov @ B
    Pi = B @ np.linalg.solve(B.T @ SB, SB.T)
    R = np.eye(cov.shape[0]) - Pi
    C = R.T @ cov @ R
    return (C + C.T) / 2.0


def approximation_error(metric: np.ndarray, theta: np.ndarray, radius: float) -> float:
    r""":math:`\min_{\|\delta\|\le r}(\theta - \delta)^\top C(\theta - \delta)` for a PSD metric :math:`C`.

    Parameters
    ----------
    metric : ndarray, shape (d, d)
        :math:`C` (:func:`residual_metric`).
    theta : ndarray, shape (d,)
        The target.
    radius : float
        :math:`r \ge 0`; ``inf`` gives 0.

    Returns
    -------
    float

    Notes
    -----
    With :math:`C = V\Lambda V^\top` and :math:`t = V^\top\theta`, the minimiser
    is :math:`z_i = \lambda_i t_i/(\lambda_i + \mu)` (:math:`\delta = Vz`) with
    :math:`\mu = 0` if the unconstrained minimiser (the part of :math:`t` in
    the range of :math:`C`) has norm at most :math:`r`, and otherwise the
    root :math:`\mu > 0` of :math:`\sum_i(\lambda_i t_i/(\lambda_i+\mu))^2 = r^2`
    (decreasing in :math:`\mu`; bisection in :math:`\log\mu`, keeping the lower end,
    so the value returned never exceeds the minimum: it is safe as a lower bound).  The value is
    :math:`\sum_i\lambda_i t_i^2(\mu/(\lambda_i + \mu))^2`.
    """
    C = np.asarray(metric, dtype=float)
    theta = np.asarray(theta, dtype=float)
    if not math.isfinite(radius):
        return 0.0
    if radius == 0:
        return float(theta @ C @ theta)
    lam, V = np.linalg.eigh(C)
    scale = max(float(lam[-1]), 0.0)
    lam = np.where(lam > 1e-12 * max(scale, 1e-300), lam, 0.0)
    t = V.T @ theta
    active = lam > 0
    if not np.any(active):
        return 0.0
    la, ta = lam[active], t[active]
    if float(np.sum(ta ** 2)) <= radius ** 2:
        return 0.0

    def norm2(mu: float) -> float:
        return float(np.sum((la * ta / (la + mu)) ** 2))

    lo, hi = 0.0, max(scale, 1e-300)
    while norm2(hi) > radius ** 2:
        hi *= 4.0
    for _ in range(200):
        mid = 0.5 * (lo + hi) if lo == 0.0 else math.sqrt(lo * hi)
        if lo == 0.0 and mid < hi * 1e-30:
            mid = hi * 1e-30
        if norm2(mid) > radius ** 2:
            lo = mid
        else:
            hi = mid
        if lo > 0 and hi / lo - 1.0 < 1e-14:
            break
    mu = lo                    # value(mu) increases in mu: the lower end never overstates the minimum
    return float(np.sum(la * ta ** 2 * (mu / (la + mu)) ** 2))
