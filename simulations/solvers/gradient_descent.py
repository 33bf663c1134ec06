r"""Fine-tuning a linear-representation predictor by s steps of gradient descent.

For a frame :math:`\hat B` and target data :math:`(X, y)` the predictor is
:math:`x^\top(\hat Bw + \delta)`, with parameters :math:`u = (w, \delta)` (all
parameters of the fine-tuning class: the head and the perturbation of the
representation, which for a linear representation acts on the predictor as
:math:`\delta`).  The empirical risk is
:math:`F(u) = \frac1m\sum_i\ell(z_i^\top u, y_i)`, :math:`z_i = (\hat B^\top x_i, x_i)`,
with gradient :math:`\nabla F(u) = \frac1m\sum_i\ell'(z_i^\top u, y_i)\,z_i`.
From :math:`u_0 = (w_0, 0)`,

.. math:: u_{j+1} = \Pi\big(u_j - \eta\,\nabla F(u_j)\big),\qquad j = 0, \dots, s-1,

where :math:`\Pi` projects the head onto :math:`\|w\| \le c_w` (identity when
:math:`c_w = \infty`) and leaves :math:`\delta` alone.  Recorded along the
path: :math:`G = \max_j\|\nabla F(u_j)\|` (the largest gradient norm used),
the reach :math:`\eta s G`, the displacement :math:`\|u_s - u_0\|` and the
objective after every step.  By the triangle inequality (and the projection
being non-expansive and not touching :math:`\delta`),
:math:`\|\delta_s\| \le \|u_s - u_0\| \le \eta\sum_j\|\nabla F(u_j)\| \le \eta sG`
(``docs/theory/gd-radius.md``, step 1).

Step size: with :math:`\beta = c\,\lambda_{\max}(Z^\top Z/m)`, :math:`c = 1/4`
for the logistic loss (:math:`\ell'' \le 1/4`) and :math:`c = 2` for the
squared loss, :math:`F` is :math:`\beta`-smooth, so any
:math:`\eta \le 1/\beta` makes the (projected) iteration monotone
(descent lemma); :func:`smoothness` computes :math:`\beta`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..losses import Loss

__all__ = ["GDPath", "gd_finetune", "smoothness", "features"]


@dataclass(frozen=True)
class GDPath:
    """Result of :func:`gd_finetune`.

    Attributes
    ----------
    w : ndarray, shape (k,)
    delta : ndarray, shape (d,)
    theta : ndarray, shape (d,)
        ``B w + delta``.
    objective : float
        :math:`F(u_s)`.
    grad_bound : float
        :math:`G = \\max_j \\|\\nabla F(u_j)\\|` over the ``steps`` gradients used (0 if ``steps = 0``).
    reach : float
        :math:`\\eta s G`.
    displacement : float
        :math:`\\|u_s - u_0\\|`.
    history : ndarray, shape (steps + 1,)
        :math:`F(u_j)`.
    monotone : bool
        Whether the objective never increased along the path.
    """

    w: np.ndarray
    delta: np.ndarray
    theta: np.ndarray
    objective: float
    grad_bound: float
    reach: float
    displacement: float
    history: np.ndarray = field(repr=False)
    monotone: bool = True


def features(X: np.ndarray, B: np.ndarray) -> np.ndarray:
    r""":math:`Z = [X\hat B,\ X]`, shape (m, k + d)."""
    return np.concatenate([X @ B, X], axis=1)


def smoothness(X: np.ndarray, B: np.ndarray, loss: Loss) -> float:
    r""":math:`\beta = c\,\lambda_{\max}(Z^\top Z/m)` with :math:`c = \sup\ell''` (1/4 logistic, 2 squared)."""
    Z = features(X, B)
    c = 0.25 if loss.name == "logistic" else 2.0
    return c * float(np.linalg.eigvalsh(Z.T @ Z / Z.shape[0])[-1])


def gd_finetune(
    X: np.ndarray,
    y: np.ndarray,
    B: np.ndarray,
    loss: Loss,
    w0: np.ndarray,
    *,
    steps: int,
    step_size: float,
    head_bound: float = np.inf,
) -> GDPath:
    r"""Run ``steps`` projected gradient steps on :math:`u = (w, \delta)` from :math:`(w_0, 0)`.

    Parameters
    ----------
    X : ndarray, shape (m, d)
    y : ndarray, shape (m,)
    B : ndarray, shape (d, k)
    loss : Loss
    w0 : ndarray, shape (k,)
        Initial head (``||w0|| <= head_bound``).
    steps : int
        :math:`s \ge 0`.
    step_size : float
        :math:`\eta > 0`.
    head_bound : float
        :math:`c_w` (``inf``: no projection).

    Returns
    -------
    GDPath
    """
    m, d = X.shape
    k = B.shape[1]
    Z = features(X, B)
    u0 = np.concatenate([np.asarray(w0, dtype=float), np.zeros(d)])
    u = u0.copy()

    def value(v: np.ndarray) -> float:
        return float(np.mean(loss.value(Z @ v, y)))

    history = [value(u)]
    G = 0.0
    for _ in range(int(steps)):
        grad = Z.T @ loss.d1(Z @ u, y) / m
        G = max(G, float(np.linalg.norm(grad)))
        u = u - step_size * grad
        if np.isfinite(head_bound):
            nw = np.linalg.norm(u[:k])
            if nw > head_bound:
                u[:k] *= head_bound / nw
        history.append(value(u))
    hist = np.array(history)
    w, delta = u[:k], u[k:]
    return GDPath(w=w, delta=delta, theta=B @ w + delta, objective=float(hist[-1]), grad_bound=G,
                  reach=float(step_size * steps * G), displacement=float(np.linalg.norm(u - u0)), history=hist,
                  monotone=bool(np.all(np.diff(hist) <= 1e-12 * np.maximum(1.0, np.abs(hist[:-1])))))
