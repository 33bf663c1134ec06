r"""Optimality certificates of target steps, computed independently of the learners' solvers.

A learner whose declared estimator is ``"erm"``
(:class:`simulations.learners.base.FineTuningClass`) claims that its target
predictor :math:`\hat\theta = \hat B\hat w + \hat\delta` minimises the
empirical risk :math:`\hat L(\theta) = \frac1m\sum_i\ell(x_i^\top\theta, y_i)`
over :math:`K = \{\hat Bw + \delta : \|w\| \le c_w,\ \|\delta\| \le r\}`
(:math:`\hat B` orthonormalised; no frame: :math:`K = \{\|\theta\| \le r\}`).
For a convex loss this holds iff the Frank-Wolfe gap

.. math:: \operatorname{gap}(\hat\theta) = \sup_{\theta' \in K}\langle\nabla\hat L(\hat\theta), \hat\theta - \theta'\rangle
          = \langle\nabla\hat L, \hat\theta\rangle + c_w\|\hat B^\top\nabla\hat L\| + r\|\nabla\hat L\|

is 0 (closed form: the support functions of the two balls).  An unbounded
head (:math:`c_w = \infty`) or perturbation (:math:`r = \infty`) makes the
supremum infinite unless the matching gradient part vanishes; the gap is then
computed over the balls of radius :math:`\|\hat w\| + 1` (resp.
:math:`\|\hat\delta\| + 1`), which contain the solution, so it is still 0
exactly at the minimiser and positive elsewhere.  :func:`relative_fw_gap`
divides by :math:`\hat L(0)`, making it scale free; the premise of the
ERM-based bounds is that it is below ``1e-8``.
"""

from __future__ import annotations

import numpy as np

from .losses import Loss
from .solvers.linalg import orthonormal_frame

__all__ = ["fw_gap", "relative_fw_gap"]


def fw_gap(X: np.ndarray, y: np.ndarray, loss: Loss, theta: np.ndarray, frame: np.ndarray | None,
           head: np.ndarray | None, delta: np.ndarray | None, head_bound: float, radius: float) -> float:
    r"""Frank-Wolfe gap of :math:`\hat\theta` for :math:`\min_K\hat L` (module docstring).

    Parameters
    ----------
    X : ndarray, shape (m, d)
    y : ndarray, shape (m,)
    loss : Loss
        Convex in the prediction.
    theta : ndarray, shape (d,)
        :math:`\hat\theta`.
    frame : ndarray, shape (d, k), or None
    head, delta : ndarray or None
        :math:`\hat w`, :math:`\hat\delta` (their norms size the balls of an
        unbounded block; ``None``: taken as 0 and :math:`\hat\theta`).
    head_bound, radius : float
        :math:`c_w`, :math:`r` (``inf`` allowed).

    Returns
    -------
    float
        The gap, :math:`\ge 0` up to rounding.
    """
    X = np.asarray(X, dtype=float)
    theta = np.asarray(theta, dtype=float)
    grad = X.T @ loss.d1(X @ theta, y) / X.shape[0]
    gap = float(grad @ theta)
    if frame is not None:
        Q = orthonormal_frame(np.asarray(frame, dtype=float))
        w_norm = 0.0 if head is None else float(np.linalg.norm(head))
        c_w = head_bound if np.isfinite(head_bound) else w_norm + 1.0
        gap += c_w * float(np.linalg.norm(Q.T @ grad))
    d_norm = float(np.linalg.norm(theta if delta is None else delta))
    r = radius if np.isfinite(radius) else d_norm + 1.0
    gap += r * float(np.linalg.norm(grad))
    return gap


def relative_fw_gap(X: np.ndarray, y: np.ndarray, loss: Loss, theta: np.ndarray, frame: np.ndarray | None,
                    head: np.ndarray | None, delta: np.ndarray | None, head_bound: float, radius: float) -> float:
    r""":func:`fw_gap` divided by :math:`\hat L(0)`, the empirical risk of the zero predictor."""
    scale = float(np.mean(loss.value(np.zeros(len(y)), y)))
    return fw_gap(X, y, loss, theta, frame, head, delta, head_bound, radius) / max(scale, 1e-300)
