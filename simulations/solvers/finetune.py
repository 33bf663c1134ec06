r"""The ADAPTREP fine-tuning step for a fixed frame, on sufficient statistics.

For a frame :math:`\hat B \in \mathbb{R}^{d\times k}` and data
:math:`(X, y)` with :math:`m` rows, solve

.. math::

    \min_{w \in \mathbb{R}^k,\ \delta \in \mathbb{R}^d}
        \frac1m \|y - X(\hat B w + \delta)\|^2
    \quad\text{s.t. } \|\delta\|_2 \le r
    \qquad\text{(constrained form)}

or the same objective plus :math:`\rho\|\delta\|_2` without constraint
(penalised form).  The head is profiled out exactly: with
:math:`S = X^\top X`, :math:`g = X^\top y`, :math:`M = \hat B^\top S \hat B`,

.. math::

    w(\delta) = M^{+}\hat B^\top (g - S\delta),\qquad
    \frac1m \|P^\perp (y - X\delta)\|^2
    = \delta^\top A \delta - 2 b^\top \delta + c,

where :math:`P^\perp` projects onto the orthogonal complement of
:math:`\operatorname{col}(X\hat B)`,
:math:`A = (S - S\hat B M^{+}\hat B^\top S)/m` and
:math:`b = (g - S\hat B M^{+}\hat B^\top g)/m`.  The remaining problem in
:math:`\delta` is a trust-region subproblem (or its norm-penalised twin)
solved exactly by :mod:`.trust_region`.  Everything is batched over tasks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .linalg import sym_pinv
from .trust_region import solve_norm_penalized, solve_trust_region

__all__ = ["FineTuneSolution", "finetune_step", "head_only_step", "mean_squared_error"]


@dataclass(frozen=True)
class FineTuneSolution:
    """Solution of a (batch of) fine-tuning step(s).

    Attributes
    ----------
    w : ndarray, shape (batch, k)
    delta : ndarray, shape (batch, d)
    theta : ndarray, shape (batch, d)
        ``B w + delta``.
    objective : ndarray, shape (batch,)
        Mean squared error (plus the penalty in the penalised form).
    on_boundary : ndarray of bool, shape (batch,)
        Whether ``||delta|| = r`` (constrained form) / ``delta = 0`` (penalised).
    """

    w: np.ndarray
    delta: np.ndarray
    theta: np.ndarray
    objective: np.ndarray
    on_boundary: np.ndarray


def mean_squared_error(S: np.ndarray, g: np.ndarray, yy: np.ndarray, theta: np.ndarray, count: int) -> np.ndarray:
    r""":math:`\|y - X\theta\|^2 / m = (y^\top y - 2\theta^\top g + \theta^\top S\theta)/m`, batched."""
    quad = np.einsum("...i,...ij,...j->...", theta, S, theta)
    return np.maximum(yy - 2.0 * np.einsum("...i,...i->...", theta, g) + quad, 0.0) / count


def _profile(S: np.ndarray, g: np.ndarray, B: np.ndarray, count: int):
    SB = S @ B  # (batch, d, k)
    Minv = sym_pinv(np.swapaxes(SB, -1, -2) @ B)  # (batch, k, k)
    SBMinv = SB @ Minv
    A = (S - SBMinv @ np.swapaxes(SB, -1, -2)) / count
    Btg = np.einsum("dk,bd->bk", B, g)
    b = (g - np.einsum("bdk,bk->bd", SBMinv, Btg)) / count
    return A, b, Minv


def finetune_step(
    S: np.ndarray,
    g: np.ndarray,
    yy: np.ndarray,
    B: np.ndarray,
    count: int,
    *,
    radius: float | None = None,
    penalty: float | None = None,
) -> FineTuneSolution:
    r"""Solve the fine-tuning step exactly for a batch of tasks sharing frame ``B``.

    Parameters
    ----------
    S : ndarray, shape (batch, d, d)
        :math:`X_t^\top X_t`.
    g : ndarray, shape (batch, d)
        :math:`X_t^\top y_t`.
    yy : ndarray, shape (batch,)
        :math:`y_t^\top y_t`.
    B : ndarray, shape (d, k)
        Frame (any full-column-rank matrix; only its span matters).
    count : int
        Number of samples per task (the normaliser of the mean squared error).
    radius : float, optional
        Constrained form: :math:`\|\delta\|_2 \le` ``radius``.
    penalty : float, optional
        Penalised form: add ``penalty`` :math:`\cdot\|\delta\|_2`.  Exactly one
        of ``radius`` and ``penalty`` must be given.

    Returns
    -------
    FineTuneSolution
    """
    if (radius is None) == (penalty is None):
        raise ValueError("give exactly one of 'radius' (constrained form) and 'penalty' (penalised form)")
    A, b, Minv = _profile(S, g, B, count)
    zero = (radius is not None and radius == 0) or (penalty is not None and np.isinf(penalty))
    if zero:
        delta = np.zeros_like(g)
        on_boundary = np.ones(g.shape[0], dtype=bool)
        pen_value = 0.0
    elif radius is not None:
        sol = solve_trust_region(A, b, radius)
        delta, on_boundary, pen_value = sol.x, sol.on_boundary, 0.0
    else:
        sol = solve_norm_penalized(A, b, penalty)
        delta, on_boundary = sol.x, sol.on_boundary
        pen_value = penalty * np.linalg.norm(delta, axis=1)
    resid_g = g - np.einsum("bij,bj->bi", S, delta)
    w = np.einsum("bkl,dl,bd->bk", Minv, B, resid_g)
    theta = w @ B.T + delta
    objective = mean_squared_error(S, g, yy, theta, count) + pen_value
    return FineTuneSolution(w=w, delta=delta, theta=theta, objective=objective, on_boundary=on_boundary)


def head_only_step(S: np.ndarray, g: np.ndarray, yy: np.ndarray, B: np.ndarray, count: int) -> FineTuneSolution:
    """Least squares over the head only (``delta = 0``), minimum-norm when rank-deficient."""
    return finetune_step(S, g, yy, B, count, radius=0.0)
