r"""Two-layer ReLU networks with per-task perturbations: predictions and gradients by hand.

Task :math:`t` predicts :math:`f_t(x) = w_t^\top\operatorname{relu}((W + \Delta_t)x)`,
:math:`W, \Delta_t \in \mathbb{R}^{k\times d}`, :math:`w_t \in \mathbb{R}^k`.  With
pre-activations :math:`h = (W + \Delta_t)x`, activations :math:`a = \operatorname{relu}(h)`
and :math:`g_{ti} = \ell'(f_t(x_{ti}), y_{ti})/(Tn)`, the objective
:math:`F = \frac1{Tn}\sum_{t,i}\ell(f_t(x_{ti}), y_{ti})` has

.. math::

    \frac{\partial F}{\partial w_t} = \sum_i g_{ti}\,a_{ti},\qquad
    \frac{\partial F}{\partial \Delta_t} = \sum_i g_{ti}\,(w_t \odot \mathbf 1[h_{ti} > 0])\,x_{ti}^\top,\qquad
    \frac{\partial F}{\partial W} = \sum_t \frac{\partial F}{\partial \Delta_t}

(the ReLU's derivative taken as :math:`\mathbf 1[h > 0]`, a valid element of
its Clarke subdifferential).  Everything is batched over tasks; a single task
is a batch of one.  Constraint sets (all convex, with cheap projections):
:math:`\|W\|_{op} \le c_W` (singular values clipped), :math:`\|w_t\| \le c_w`,
:math:`\|\Delta_t\|_F \le r`.
"""

from __future__ import annotations

import numpy as np

from ..losses import Loss

__all__ = ["forward", "objective_and_grads", "project_layer", "project_frobenius", "relu_features"]


def relu_features(X: np.ndarray, W: np.ndarray) -> np.ndarray:
    r""":math:`\operatorname{relu}(Xw_j)` for every row :math:`w_j` of ``W``: shape (..., n, k)."""
    return np.maximum(X @ np.swapaxes(W, -1, -2), 0.0)


def forward(X: np.ndarray, layers: np.ndarray, heads: np.ndarray) -> np.ndarray:
    r"""Predictions :math:`w_t^\top\operatorname{relu}(L_t x_{ti})`.

    Parameters
    ----------
    X : ndarray, shape (T, n, d)
    layers : ndarray, shape (T, k, d)
        First layers :math:`L_t = W + \Delta_t`.
    heads : ndarray, shape (T, k)

    Returns
    -------
    ndarray, shape (T, n)
    """
    return (relu_features(X, layers) @ heads[..., None])[..., 0]


def objective_and_grads(
    X: np.ndarray, y: np.ndarray, layers: np.ndarray, heads: np.ndarray, loss: Loss
) -> tuple[float, np.ndarray, np.ndarray]:
    r"""Mean loss over all tasks and samples and its gradients in the heads and the layers.

    Returns
    -------
    value : float
    grad_heads : ndarray, shape (T, k)
    grad_layers : ndarray, shape (T, k, d)
        :math:`\partial F/\partial L_t` (equal to :math:`\partial F/\partial\Delta_t`;
        sum over ``t`` for the shared :math:`W`).
    """
    T, n, _ = X.shape
    H = X @ np.swapaxes(layers, 1, 2)
    A = np.maximum(H, 0.0)
    pred = (A @ heads[..., None])[..., 0]
    g = loss.d1(pred, y) / (T * n)
    grad_heads = (np.swapaxes(A, 1, 2) @ g[..., None])[..., 0]
    M = g[..., None] * heads[:, None, :] * (H > 0)
    grad_layers = np.swapaxes(M, 1, 2) @ X
    return float(loss.value(pred, y).mean()), grad_heads, grad_layers


def project_layer(W: np.ndarray, bound: float) -> np.ndarray:
    """Projection onto ``{W : ||W||_op <= bound}`` (singular values clipped)."""
    U, s, Vt = np.linalg.svd(W, full_matrices=False)
    if s[0] <= bound:
        return W
    return (U * np.minimum(s, bound)) @ Vt


def project_frobenius(D: np.ndarray, bound: float) -> np.ndarray:
    """Each ``D[t]`` projected onto the Frobenius ball of radius ``bound``."""
    if not np.isfinite(bound):
        return D
    norms = np.sqrt(np.sum(D * D, axis=(-2, -1), keepdims=True))
    return D * np.minimum(1.0, bound / np.maximum(norms, 1e-300))
