r"""The multi-task logistic source objective of ADAPTREP and FROZENREP.

.. math::

    F(B, \{w_t, \delta_t\}) = \frac1T\sum_{t=1}^T\frac1n\sum_{i=1}^n
        \log\big(1 + e^{-y_{ti}x_{ti}^\top(Bw_t + \delta_t)}\big),
    \qquad \|w_t\| \le c_w,\ \|\delta_t\| \le r,

over a frame :math:`B` with orthonormal columns (FROZENREP: :math:`r = 0`).
The problem is non-convex (bilinear in :math:`B, w_t`).  It is solved over the
convex relaxation :math:`\|B\|_{op} \le 1` of the orthonormality constraint,
which has the same set of feasible predictor collections: if
:math:`\|B\|_{op} \le 1` and :math:`B = QR` (thin QR), then :math:`Bw_t = Q(Rw_t)`
with :math:`\|Rw_t\| \le \|w_t\| \le c_w`; conversely an orthonormal
:math:`Q` has :math:`\|Q\|_{op} = 1`.  Hence the minimum value is the same
and a solution maps back to an orthonormal frame :math:`Q` with heads
:math:`Rw_t`.  The feasible set is a product of convex sets with cheap
projections (singular values clipped at 1; block norms clipped), and the
objective is smooth, so accelerated projected gradient
(:mod:`.projected_gradient`) applies; it returns a stationary point.

Initial frames are the spectral frames of the linear code
(:func:`.spectral.initial_frames` on :math:`X_t^\top X_t`, :math:`X_t^\top y_t`:
for Gaussian inputs :math:`E[y\,x] \propto \Sigma\theta_t` (Stein's lemma), so
per-task least-squares directions estimate the task directions); with several,
each runs ``screen_iter`` iterations and the lowest objective is continued.
"""

from __future__ import annotations

import numpy as np

from ..losses import LogisticLoss
from .linalg import orthonormal_frame
from .projected_gradient import projected_gradient
from .shared_frame import SharedFrameFit

__all__ = ["fit_logistic_frame", "project_rows", "project_operator_ball"]

_LOSS = LogisticLoss()


def project_rows(V: np.ndarray, bound: float) -> np.ndarray:
    """Rows of ``V`` projected onto the Euclidean ball of radius ``bound`` (``inf``: unchanged)."""
    if not np.isfinite(bound):
        return V
    norms = np.linalg.norm(V, axis=-1, keepdims=True)
    return V * np.minimum(1.0, bound / np.maximum(norms, 1e-300))


def project_operator_ball(B: np.ndarray) -> np.ndarray:
    """Projection onto ``{B : ||B||_op <= 1}`` (singular values clipped at 1)."""
    U, s, Vt = np.linalg.svd(B, full_matrices=False)
    if s[0] <= 1.0:
        return B
    return (U * np.minimum(s, 1.0)) @ Vt


def _to_orthonormal(B: np.ndarray, heads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Orthonormal frame spanning (a completion of) span(B) and the heads in it."""
    U, s, Vt = np.linalg.svd(B, full_matrices=False)
    # B w = U diag(s) Vt w: frame U, heads diag(s) Vt w (norm <= ||w|| since s <= 1)
    Q = orthonormal_frame(U)
    heads_q = (Q.T @ B @ heads.T).T
    return Q, heads_q


def fit_logistic_frame(
    X: np.ndarray,
    y: np.ndarray,
    inits: list[np.ndarray],
    *,
    head_bound: float,
    radius: float,
    max_iter: int = 2000,
    tol: float = 1e-8,
    screen_iter: int = 40,
) -> SharedFrameFit:
    """Fit the logistic source objective by accelerated projected gradient.

    Parameters
    ----------
    X : ndarray, shape (T, n, d)
    y : ndarray, shape (T, n)
        Labels in {-1, +1}.
    inits : list of ndarray, shape (d, k)
        Initial frames (orthonormal).
    head_bound : float
        :math:`c_w` (``inf`` allowed).
    radius : float
        :math:`r \\ge 0` (0: FROZENREP, no perturbations).
    max_iter, tol : int, float
        Iteration budget and relative-decrease tolerance (see :mod:`.projected_gradient`).
    screen_iter : int
        Iterations per initial frame before the best is continued.

    Returns
    -------
    SharedFrameFit
        The same result type as the squared-loss fit (no ``history``).
    """
    T, n, d = X.shape
    k = inits[0].shape[1]
    use_delta = radius > 0
    sizes = [d * k, T * k] + ([T * d] if use_delta else [])

    def unpack(z: np.ndarray):
        B = z[: d * k].reshape(d, k)
        W = z[d * k : d * k + T * k].reshape(T, k)
        D = z[d * k + T * k :].reshape(T, d) if use_delta else None
        return B, W, D

    def thetas(B, W, D):
        th = W @ B.T
        return th + D if D is not None else th

    def predictions(th: np.ndarray) -> np.ndarray:
        return np.matmul(X, th[:, :, None])[..., 0]                 # x_ti' theta_t, (T, n): batched BLAS

    def value(z: np.ndarray) -> float:
        B, W, D = unpack(z)
        return float(_LOSS.value(predictions(thetas(B, W, D)), y).mean())

    def value_grad(z: np.ndarray):
        B, W, D = unpack(z)
        pred = predictions(thetas(B, W, D))
        G = np.matmul(_LOSS.d1(pred, y)[:, None, :], X)[:, 0, :] / (T * n)       # sum_i l'_ti x_ti, (T, d)
        parts = [(G.T @ W).ravel(), (G @ B).ravel()]
        if use_delta:
            parts.append(G.ravel())
        return float(_LOSS.value(pred, y).mean()), np.concatenate(parts)

    def project(z: np.ndarray) -> np.ndarray:
        B, W, D = unpack(z)
        parts = [project_operator_ball(B).ravel(), project_rows(W, head_bound).ravel()]
        if use_delta:
            parts.append(project_rows(D, radius).ravel())
        return np.concatenate(parts)

    lip0 = 0.25 * float(np.einsum("tnd,tnd->", X, X)) / (T * n) / max(T, 1)
    starts = [np.concatenate([B0.ravel(), np.zeros(sum(sizes) - d * k)]) for B0 in inits]
    runs = []
    for z0 in starts:
        budget = min(screen_iter, max_iter) if len(starts) > 1 else max_iter
        runs.append(projected_gradient(value_grad, project, z0, max_iter=budget, tol=tol, lipschitz0=lip0, value=value))
    best = min(range(len(runs)), key=lambda i: runs[i].objective)
    res = runs[best]
    n_iter = res.n_iter
    if len(starts) > 1 and not res.converged and max_iter > res.n_iter:
        res = projected_gradient(value_grad, project, res.x, max_iter=max_iter - res.n_iter, tol=tol,
                                 lipschitz0=lip0, value=value)
        n_iter += res.n_iter
    B, W, D = unpack(res.x)
    frame, heads = _to_orthonormal(B, W)
    deltas = D if D is not None else np.zeros((T, d))
    return SharedFrameFit(frame=frame, heads=heads, deltas=deltas, objective=float(value(res.x)), n_iter=n_iter,
                            converged=res.converged, init_objectives=tuple(r.objective for r in runs))
