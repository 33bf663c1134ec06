r"""Exact conditional risks of linear smoothers: the simulator's reference for "exact" claims.

Several target steps are *linear smoothers*: :math:`\hat\theta = My` for a
d x m matrix :math:`M` that depends on the target design :math:`X` and on what
the learner brought from the sources, not on the target noise:

* least squares on the target alone (``target-only``): :math:`M = X^+`;
* head-only least squares on a frame :math:`\hat B` (``frozenrep`` with
  ``target_step="head"``, ``adaptrep``/``oracle`` at radius 0):
  :math:`M = \hat B(X\hat B)^+`;
* gradient-descent fine-tuning with the squared loss and no head bound
  (``gd-finetune``, ``maml``; :mod:`simulations.solvers.gradient_descent`):
  from :math:`u_0 = ((X\hat B)^+y, 0)`, :math:`s` steps
  :math:`u_{j+1} = u_j - \eta\,\tfrac2m Z^\top(Zu_j - y)`, :math:`Z = [X\hat B, X]`,
  so :math:`M = [\hat B, I]\,U_s` with :math:`U_0 = E(X\hat B)^+`,
  :math:`U_{j+1} = U_j - \eta\,\tfrac2m Z^\top(ZU_j - I_m)`.

With :math:`y = X\theta + \sigma\xi`, :math:`\xi \sim N(0, I_m)` independent
of everything else, the risks' conditional expectations given the design, the
frame and the target are exact:

.. math:: E[(\hat\theta-\theta)^\top\Sigma(\hat\theta-\theta)] = b^\top\Sigma b + \sigma^2\operatorname{tr}(M^\top\Sigma M),\qquad
          E\big[\tfrac1m\|X(\hat\theta - \theta)\|^2\big] = \tfrac1m\|Xb\|^2 + \tfrac{\sigma^2}m\|XM\|_F^2,

:math:`b = (MX - I)\theta`.  :func:`reference_smoother` builds :math:`M` from
the learner's *declared* estimator (:class:`~simulations.learners.base.FineTuningClass`,
the fitted frame and, for gradient descent, the recorded step size and number
of steps) with its own linear algebra, never calling the learner's solver, so
that comparing the learner's realised risks with these expectations tests the
learner, the data generation and the risk functions together.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["reference_smoother", "smoother_risks"]


def reference_smoother(learner: Any, X: np.ndarray) -> np.ndarray | None:
    """The matrix :math:`M` of a linear-smoother learner on the design ``X``, or None.

    Parameters
    ----------
    learner : Learner
        Fitted and adapted.
    X : ndarray, shape (m, d)
        The target design.

    Returns
    -------
    ndarray, shape (d, m), or None
        None when the declared estimator is not a linear smoother (a
        constraint of positive radius, a head bound, a penalised form, a
        non-squared loss).
    """
    cls = learner.fine_tuning_class()
    X = np.asarray(X, dtype=float)
    if cls.estimator == "erm":
        if cls.frame is None:
            return np.linalg.pinv(X) if not math.isfinite(cls.radius) else None
        if cls.radius == 0 and not math.isfinite(cls.head_bound):
            B = np.asarray(cls.frame, dtype=float)
            return B @ np.linalg.pinv(X @ B)
        return None
    if cls.estimator == "gd" and not math.isfinite(cls.head_bound):
        if getattr(learner, "LOSS", None) is None or learner.LOSS.name != "squared":
            return None
        B = np.asarray(cls.frame, dtype=float)
        m, d = X.shape
        k = B.shape[1]
        Z = np.concatenate([X @ B, X], axis=1)
        ZtZ = Z.T @ Z
        U = np.zeros((k + d, m))
        U[:k] = np.linalg.pinv(X @ B)
        eta = float(learner.step_size_)
        for _ in range(int(learner.gd_steps_)):
            U = U - eta * (2.0 / m) * (ZtZ @ U - Z.T)          # Z'(Z U - I_m), in (k + d) x m products
        return np.concatenate([B, np.eye(d)], axis=1) @ U
    return None


def smoother_risks(M: np.ndarray, X: np.ndarray, theta: np.ndarray, covariance: np.ndarray,
                   sigma: float) -> tuple[float, float]:
    """Exact conditional expectations ``(excess, insample)`` of the risks of :math:`\\hat\\theta = My`.

    Parameters
    ----------
    M : ndarray, shape (d, m)
    X : ndarray, shape (m, d)
    theta : ndarray, shape (d,)
    covariance : ndarray, shape (d, d)
    sigma : float
        Noise standard deviation.

    Returns
    -------
    (float, float)
        :math:`E[\\text{excess\\_risk}]`, :math:`E[\\text{insample\\_risk}]` given the design (module docstring).
    """
    X = np.asarray(X, dtype=float)
    m = X.shape[0]
    b = M @ (X @ theta) - theta
    excess = float(b @ covariance @ b + sigma ** 2 * np.sum(M * (covariance @ M)))
    Xb = X @ b
    gram = X.T @ X                                  # ||X M||_F^2 = tr(M' X'X M), without the m x m product
    insample = float(Xb @ Xb / m + sigma ** 2 * np.sum(M * (gram @ M)) / m)
    return excess, insample
