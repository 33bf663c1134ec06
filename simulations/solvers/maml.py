r"""MAML for linear-representation predictors (squared or logistic loss), exact second order.

Meta-parameters :math:`\phi = (B, \bar w)`, :math:`B \in \mathbb{R}^{d\times k}`,
:math:`\bar w \in \mathbb{R}^k`.  Each source task's samples are split into a
support set :math:`S_t` and a query set :math:`Q_t`.  The inner loop is the
target step of ``gd-finetune``: :math:`s` gradient steps of size :math:`\alpha`
on :math:`u = (w, \delta)` from :math:`u_0 = (\bar w, 0)`,

.. math:: u_{j+1} = u_j - \alpha\,\nabla_u F_{S_t}(u_j; B),\qquad
          F_S(u; B) = \frac1{|S|}\sum_{i\in S}\ell(x_i^\top(Bw + \delta), y_i),

and MAML minimises :math:`M(\phi) = \frac1T\sum_t F_{Q_t}(u_s^{(t)}; B)` over
:math:`\|B\|_{op} \le 1`, :math:`\bar w \in \mathbb{R}^k`, by accelerated
projected gradient.  The gradient is exact (reverse mode through the inner
loop, all second-order terms kept).  With :math:`z_i = (B^\top x_i, x_i)`,
:math:`r_i = \ell'(z_i^\top u, y_i)`, :math:`c_i = \ell''(z_i^\top u, y_i)`:

* :math:`\nabla_u F = \frac1n\sum_i r_iz_i`; Hessian-vector product
  :math:`\nabla^2_{uu}F\,v = \frac1n\sum_i c_i(z_i^\top v)z_i`;
* mixed term :math:`\partial_B[v^\top\nabla_uF] = \frac1n\sum_i\big(r_ix_iv_w^\top + c_i(z_i^\top v)x_iw^\top\big)`
  (:math:`v = (v_w, v_\delta)`; the second part because :math:`z_i^\top u`
  depends on :math:`B` through :math:`x_i^\top Bw`);
* outer: :math:`\bar u_s = \nabla_uF_Q(u_s)`, :math:`\bar B = \frac1{|Q|}\sum_{i\in Q}r_ix_iw_s^\top`; then for
  :math:`j = s-1, \dots, 0`: :math:`\bar B \mathrel{-}= \alpha\,\partial_B[\bar u_{j+1}^\top\nabla_uF_S(u_j)]`,
  :math:`\bar u_j = \bar u_{j+1} - \alpha\nabla^2_{uu}F_S(u_j)\bar u_{j+1}`; finally
  :math:`\partial M/\partial\bar w = \bar u_0[:k]`.

``order="first"`` (first-order MAML) drops the Hessian and mixed terms:
:math:`\bar B = \frac1{|Q|}\sum_{i\in Q}r_ix_iw_s^\top`, :math:`\partial M/\partial\bar w = \bar u_s[:k]`.
Everything is batched over tasks; the result is a stationary point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..losses import Loss
from .linalg import orthonormal_frame
from .logistic_shared_frame import project_operator_ball
from .projected_gradient import projected_gradient

__all__ = ["MamlFit", "maml_objective_and_grad", "fit_maml", "split_support_query"]


@dataclass(frozen=True)
class MamlFit:
    """Result of :func:`fit_maml`: ``frame`` (orthonormal basis of span B), ``B``, ``w_bar``, objective, iterations."""

    frame: np.ndarray
    B: np.ndarray
    w_bar: np.ndarray
    objective: float
    n_iter: int
    converged: bool


def split_support_query(X: np.ndarray, y: np.ndarray, query_fraction: float):
    """First ``1 - query_fraction`` of each task's samples as support, the rest as query (at least one each)."""
    n = X.shape[1]
    nq = min(max(int(round(query_fraction * n)), 1), n - 1)
    return X[:, : n - nq], y[:, : n - nq], X[:, n - nq:], y[:, n - nq:]


def _inner(Xs, ys, B, w_bar, loss: Loss, steps: int, alpha: float):
    """Inner loop for all tasks; returns the iterates u_0..u_s, shape (s+1, T, k+d)."""
    T, n, d = Xs.shape
    Z = np.concatenate([Xs @ B, Xs], axis=2)
    u = np.concatenate([np.broadcast_to(w_bar, (T, w_bar.size)), np.zeros((T, d))], axis=1)
    path = [u]
    for _ in range(steps):
        r = loss.d1((Z @ u[..., None])[..., 0], ys)
        u = u - alpha * (np.swapaxes(Z, 1, 2) @ r[..., None])[..., 0] / n
        path.append(u)
    return Z, path


def maml_objective_and_grad(
    Xs: np.ndarray, ys: np.ndarray, Xq: np.ndarray, yq: np.ndarray, B: np.ndarray, w_bar: np.ndarray,
    loss: Loss, steps: int, alpha: float, order: str = "second",
) -> tuple[float, np.ndarray, np.ndarray]:
    """MAML objective and its gradient in ``B`` and ``w_bar`` (see the module docstring)."""
    T, n, d = Xs.shape
    nq = Xq.shape[1]
    k = B.shape[1]
    Z, path = _inner(Xs, ys, B, w_bar, loss, steps, alpha)
    Zq = np.concatenate([Xq @ B, Xq], axis=2)
    u = path[-1]
    pq = (Zq @ u[..., None])[..., 0]
    value = float(loss.value(pq, yq).mean())
    rq = loss.d1(pq, yq) / (T * nq)  # includes the 1/T of the mean over tasks
    ubar = (np.swapaxes(Zq, 1, 2) @ rq[..., None])[..., 0]
    Bbar = np.einsum("tn,tnd,tk->dk", rq, Xq, u[:, :k])
    if order == "first":
        return value, Bbar, ubar[:, :k].sum(axis=0)
    for j in range(steps - 1, -1, -1):
        uj = path[j]
        p = (Z @ uj[..., None])[..., 0]
        r, c = loss.d1(p, ys) / n, loss.d2(p, ys) / n
        zv = (Z @ ubar[..., None])[..., 0]  # z_i^T v with v = ubar_{j+1}
        # mixed term: sum_i r_i x_i v_w^T + c_i (z_i^T v) x_i w_j^T
        Bbar -= alpha * (np.einsum("tn,tnd,tk->dk", r, Xs, ubar[:, :k])
                         + np.einsum("tn,tnd,tk->dk", c * zv, Xs, uj[:, :k]))
        ubar = ubar - alpha * (np.swapaxes(Z, 1, 2) @ (c * zv)[..., None])[..., 0]
    return value, Bbar, ubar[:, :k].sum(axis=0)


def fit_maml(
    X: np.ndarray, y: np.ndarray, loss: Loss, B0: np.ndarray, *, steps: int, alpha: float,
    query_fraction: float = 0.5, order: str = "second", max_iter: int = 1000, tol: float = 1e-7,
) -> MamlFit:
    """Minimise the MAML objective over ``(B, w_bar)`` from ``(B0, 0)`` by accelerated projected gradient."""
    Xs, ys, Xq, yq = split_support_query(X, y, query_fraction)
    d, k = B0.shape

    def unpack(z):
        return z[: d * k].reshape(d, k), z[d * k:]

    def value_grad(z):
        B, w_bar = unpack(z)
        val, gB, gw = maml_objective_and_grad(Xs, ys, Xq, yq, B, w_bar, loss, steps, alpha, order)
        return val, np.concatenate([gB.ravel(), gw])

    def project(z):
        B, w_bar = unpack(z)
        return np.concatenate([project_operator_ball(B).ravel(), w_bar])

    res = projected_gradient(value_grad, project, np.concatenate([B0.ravel(), np.zeros(k)]), max_iter=max_iter,
                             tol=tol, lipschitz0=1.0)
    B, w_bar = unpack(res.x)
    U = np.linalg.svd(B, full_matrices=False)[0]
    return MamlFit(frame=orthonormal_frame(U), B=B, w_bar=w_bar, objective=float(res.objective), n_iter=res.n_iter,
                   converged=res.converged)
