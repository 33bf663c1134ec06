r"""First-order MAML for two-layer ReLU networks.

Meta-parameters :math:`(W, \bar w)`.  For each source task, :math:`s` inner
gradient steps of size :math:`\alpha` on :math:`(w, \Delta)` from
:math:`(\bar w, 0)` on the support set (heads projected onto
:math:`\|w\| \le c_w`, as in ``gd-finetune``); the meta-objective is the mean
query loss at the adapted parameters.  The meta-gradient is the **first-order**
approximation (FOMAML, Finn et al. 2017; Nichol et al. 2018): the query-loss
gradient at the adapted parameters, :math:`\partial F_Q/\partial W` evaluated at
:math:`W + \Delta_s` for :math:`W` and :math:`\partial F_Q/\partial w` at
:math:`w_s` for :math:`\bar w`, i.e. the Jacobian of the inner loop is replaced
by the identity (second-order terms dropped; the ReLU's second derivative is 0
almost everywhere, but the head-perturbation cross terms are not).  The outer
loop is projected descent along this first-order direction over
:math:`\|W\|_{op} \le c_W` with a safeguard: a step is kept only if the
meta-objective does not increase (else it is halved; the step grows by 1.2
after an accepted one), so the meta-objective is monotone even though the
direction is not its exact gradient.  It runs ``max_iter`` iterations, stops
when the meta-objective decreases by less than ``tol`` (relative, per
iteration on average) over 20 iterations, or when no step along the direction
decreases it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..losses import Loss
from .maml import split_support_query
from .network import objective_and_grads, project_layer

__all__ = ["NetworkMamlFit", "fit_network_fomaml"]


@dataclass(frozen=True)
class NetworkMamlFit:
    """Result of :func:`fit_network_fomaml`."""

    layer: np.ndarray
    w_bar: np.ndarray
    objective: float
    n_iter: int
    converged: bool


def _adapt(Xs, ys, W, w_bar, loss, steps, alpha, head_bound):
    T = Xs.shape[0]
    k, d = W.shape
    heads = np.broadcast_to(w_bar, (T, k)).copy()
    D = np.zeros((T, k, d))
    for _ in range(steps):
        # objective_and_grads averages over tasks (1/(T n)); per-task inner steps need 1/n: rescale by T
        _, gh, gl = objective_and_grads(Xs, ys, W[None] + D, heads, loss)
        heads -= alpha * T * gh
        D -= alpha * T * gl
        if np.isfinite(head_bound):
            norms = np.linalg.norm(heads, axis=1, keepdims=True)
            heads *= np.minimum(1.0, head_bound / np.maximum(norms, 1e-300))
    return heads, D


def fit_network_fomaml(
    X: np.ndarray, y: np.ndarray, loss: Loss, W0: np.ndarray, *, steps: int, alpha: float, head_bound: float,
    layer_bound: float, outer_step: float, query_fraction: float = 0.5, max_iter: int = 500, tol: float = 1e-6,
) -> NetworkMamlFit:
    """First-order MAML from ``(W0, 0)`` (see the module docstring)."""
    Xs, ys, Xq, yq = split_support_query(X, y, query_fraction)
    W = project_layer(np.array(W0, dtype=float), layer_bound)
    w_bar = np.zeros(W.shape[0])

    def meta(W_, w_):
        heads, D = _adapt(Xs, ys, W_, w_, loss, steps, alpha, head_bound)
        return objective_and_grads(Xq, yq, W_[None] + D, heads, loss)

    val, gh, gl = meta(W, w_bar)
    history = [val]
    eta = float(outer_step)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        for _ in range(40):  # backtracking: keep the step only if the meta-objective does not increase
            W_new = project_layer(W - eta * gl.sum(axis=0), layer_bound)
            w_new = w_bar - eta * gh.sum(axis=0)
            with np.errstate(over="ignore", invalid="ignore"):
                val_new, gh_new, gl_new = meta(W_new, w_new)
            if np.isfinite(val_new) and val_new <= val:
                break
            eta *= 0.5
        else:
            converged = True  # no decrease along the first-order direction: stop
            break
        W, w_bar, val, gh, gl = W_new, w_new, val_new, gh_new, gl_new
        history.append(val)
        eta *= 1.2
        if len(history) > 20 and history[-21] - history[-1] <= tol * max(abs(history[-21]), 1e-300) * 20:
            converged = True
            break
    heads, D = _adapt(Xs, ys, W, w_bar, loss, steps, alpha, head_bound)
    final = objective_and_grads(Xq, yq, W[None] + D, heads, loss)[0]
    return NetworkMamlFit(layer=W, w_bar=w_bar, objective=float(final), n_iter=it, converged=converged)
