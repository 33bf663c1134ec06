r"""Training the two-layer ReLU networks of the ``network`` family.

All problems are minimised over products of convex sets by accelerated
projected gradient (:mod:`.projected_gradient`); the objectives are
non-convex (and only piecewise smooth), so every result is a stationary point
reported with its objective and a convergence flag, except the head-only fit
(:func:`fit_head`), which is convex and solved to optimality.

* :func:`fit_network_sources`: the multi-task source objective of ADAPTREP
  (:math:`\|\Delta_t\|_F \le r`) and FROZENREP (:math:`r = 0`),
  :math:`\min \frac1T\sum_t\frac1n\sum_i\ell(w_t^\top\operatorname{relu}((W+\Delta_t)x_{ti}), y_{ti})`
  over :math:`\|W\|_{op} \le c_W`, :math:`\|w_t\| \le c_w`; a single task with
  :math:`r = 0` is the ``target-only`` network fit.
* :func:`fit_head`: :math:`\min_{\|w\|\le c_w}\frac1m\sum_i\ell(w^\top\operatorname{relu}(Wx_i), y_i)`
  (squared loss: a trust-region subproblem; logistic: :mod:`.logistic_finetune`).
* :func:`finetune_network`: the target step over :math:`(w, \Delta)`,
  :math:`\|w\| \le c_w`, :math:`\|\Delta\|_F \le r`, from the head fit.
* :func:`gd_network`: ``steps`` plain gradient steps on :math:`(w, \Delta)`
  (heads projected), recording the gradient bound and the reach, as
  :mod:`.gradient_descent` does for linear predictors.

Initial first layers (:func:`initial_layers`): the spectral frames of the
linear code (per-task least-squares directions; for Gaussian inputs
:math:`E[y\,x] = \frac12 W^{*\top}w_t` when the rows of :math:`W^*` are unit
vectors, so their span is the row space of :math:`W^*`), as rows, with both
signs and two fixed rotations inside the subspace (the ReLU is not rotation
invariant); each runs ``screen_iter`` iterations and the best is continued.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..losses import Loss
from .logistic_finetune import logistic_finetune_step
from .network import objective_and_grads, project_frobenius, project_layer, relu_features
from .projected_gradient import projected_gradient
from .spectral import initial_frames
from .trust_region import solve_trust_region

__all__ = ["NetworkFit", "fit_network_sources", "fit_head", "finetune_network", "gd_network",
           "initial_layers", "NetworkGDPath", "gauss_newton_smoothness"]


@dataclass(frozen=True)
class NetworkFit:
    """A fitted (multi-task) network: ``layer`` (k, d), ``heads`` (T, k), ``deltas`` (T, k, d)."""

    layer: np.ndarray
    heads: np.ndarray
    deltas: np.ndarray
    objective: float
    n_iter: int
    converged: bool


@dataclass(frozen=True)
class NetworkGDPath:
    """Result of :func:`gd_network` (see :class:`.gradient_descent.GDPath`)."""

    head: np.ndarray
    delta: np.ndarray
    objective: float
    grad_bound: float
    reach: float
    displacement: float
    history: np.ndarray


def initial_layers(X: np.ndarray, y: np.ndarray, k: int, scale: float) -> list[np.ndarray]:
    """Spectral initial first layers (k x d rows, operator norm ``scale``): both signs and two rotations."""
    T, n, d = X.shape
    S = np.einsum("tni,tnj->tij", X, X)
    g = np.einsum("tni,tn->ti", X, y)
    base = initial_frames(S, g, k, n, "parameter")[0].T  # k x d, orthonormal rows
    rng = np.random.default_rng(0)  # fixed: the learner is deterministic given its data
    rotations = [np.eye(k), -np.eye(k)] + [np.linalg.qr(rng.standard_normal((k, k)))[0] for _ in range(2)]
    return [scale * (R @ base) for R in rotations]


def fit_head(X: np.ndarray, y: np.ndarray, W: np.ndarray, loss: Loss, head_bound: float) -> np.ndarray:
    r"""Convex head fit :math:`\min_{\|w\|\le c_w}\hat L(w^\top\operatorname{relu}(Wx))`, batched over tasks.

    ``X`` (T, n, d), ``y`` (T, n), ``W`` (k, d) shared or (T, k, d); returns (T, k).
    """
    Phi = relu_features(X, W if W.ndim == 3 else W[None])
    T, n, k = Phi.shape
    if loss.name == "squared":
        A = np.swapaxes(Phi, 1, 2) @ Phi / n
        b = np.einsum("tnk,tn->tk", Phi, y) / n
        bound = head_bound if np.isfinite(head_bound) else 1e12
        return solve_trust_region(A, b, np.full(T, bound)).x
    return logistic_finetune_step(Phi, y, np.eye(k), head_bound=head_bound, radius=0.0).w


def _pack(*parts: np.ndarray) -> np.ndarray:
    return np.concatenate([p.ravel() for p in parts])


def fit_network_sources(
    X: np.ndarray,
    y: np.ndarray,
    loss: Loss,
    inits: list[np.ndarray],
    *,
    head_bound: float,
    layer_bound: float,
    radius: float,
    max_iter: int = 2000,
    tol: float = 1e-7,
    screen_iter: int = 40,
) -> NetworkFit:
    r"""Minimise the multi-task source objective (see the module docstring).

    Parameters
    ----------
    X : ndarray, shape (T, n, d)
    y : ndarray, shape (T, n)
    loss : Loss
    inits : list of ndarray, shape (k, d)
        Initial first layers; heads start at the per-task head fit.
    head_bound, layer_bound, radius : float
        :math:`c_w`, :math:`c_W` and :math:`r` (``r = 0``: no perturbations).
    max_iter, tol, screen_iter : int, float, int
        See :func:`.logistic_shared_frame.fit_logistic_frame`.
    """
    T, n, d = X.shape
    k = inits[0].shape[0]
    use_delta = radius > 0
    nW, nH = k * d, T * k

    def unpack(z: np.ndarray):
        W = z[:nW].reshape(k, d)
        heads = z[nW:nW + nH].reshape(T, k)
        D = z[nW + nH:].reshape(T, k, d) if use_delta else None
        return W, heads, D

    def layers(W, D):
        return W[None] + D if D is not None else np.broadcast_to(W, (T, k, d))

    def value_grad(z: np.ndarray):
        W, heads, D = unpack(z)
        val, gh, gl = objective_and_grads(X, y, layers(W, D), heads, loss)
        parts = [gl.sum(axis=0), gh] + ([gl] if use_delta else [])
        return val, _pack(*parts)

    def value(z: np.ndarray) -> float:
        W, heads, D = unpack(z)
        L = layers(W, D)
        pred = (relu_features(X, L) @ heads[..., None])[..., 0]
        return float(loss.value(pred, y).mean())

    def project(z: np.ndarray) -> np.ndarray:
        W, heads, D = unpack(z)
        norms = np.linalg.norm(heads, axis=1, keepdims=True)
        heads = heads * np.minimum(1.0, head_bound / np.maximum(norms, 1e-300)) if np.isfinite(head_bound) else heads
        parts = [project_layer(W, layer_bound), heads] + ([project_frobenius(D, radius)] if use_delta else [])
        return _pack(*parts)

    starts = []
    for W0 in inits:
        W0 = project_layer(W0, layer_bound)
        heads0 = fit_head(X, y, W0, loss, head_bound)
        starts.append(_pack(W0, heads0, *([np.zeros((T, k, d))] if use_delta else [])))
    lip0 = float(np.einsum("tnd,tnd->", X, X)) / (T * n) / max(T, 1)
    if len(starts) == 1:
        res = projected_gradient(value_grad, project, starts[0], max_iter=max_iter, tol=tol, lipschitz0=lip0, value=value)
        n_iter = res.n_iter
    else:
        runs = [projected_gradient(value_grad, project, z0, max_iter=min(screen_iter, max_iter), tol=tol,
                                   lipschitz0=lip0, value=value) for z0 in starts]
        res = min(runs, key=lambda r: r.objective)
        n_iter = res.n_iter
        if not res.converged and max_iter > res.n_iter:
            res = projected_gradient(value_grad, project, res.x, max_iter=max_iter - res.n_iter, tol=tol,
                                     lipschitz0=lip0, value=value)
            n_iter += res.n_iter
    W, heads, D = unpack(res.x)
    return NetworkFit(layer=W, heads=heads, deltas=D if D is not None else np.zeros((T, k, d)),
                      objective=float(res.objective), n_iter=int(n_iter), converged=bool(res.converged))


def finetune_network(
    X: np.ndarray,
    y: np.ndarray,
    W: np.ndarray,
    loss: Loss,
    *,
    head_bound: float,
    radius: float,
    max_iter: int = 2000,
    tol: float = 1e-8,
) -> NetworkFit:
    r"""Target step :math:`\min_{\|w\|\le c_w,\ \|\Delta\|_F\le r}\hat L(w^\top\operatorname{relu}((W+\Delta)x))`.

    ``X`` (m, d), ``y`` (m,), ``W`` (k, d).  Starts at the head fit with
    :math:`\Delta = 0`; with :math:`r = 0` it is the head fit (convex, exact).
    """
    Xb, yb = X[None], y[None]
    k, d = W.shape
    head0 = fit_head(Xb, yb, W, loss, head_bound)[0]
    if radius == 0:
        val = float(loss.value(relu_features(X, W) @ head0, y).mean())
        return NetworkFit(layer=W, heads=head0[None], deltas=np.zeros((1, k, d)), objective=val, n_iter=0, converged=True)

    def unpack(z):
        return z[:k], z[k:].reshape(k, d)

    def value_grad(z):
        w, D = unpack(z)
        val, gh, gl = objective_and_grads(Xb, yb, (W + D)[None], w[None], loss)
        return val, _pack(gh[0], gl[0])

    def project(z):
        w, D = unpack(z)
        nw = np.linalg.norm(w)
        if np.isfinite(head_bound) and nw > head_bound:
            w = w * head_bound / nw
        return _pack(w, project_frobenius(D[None], radius)[0])

    res = projected_gradient(value_grad, project, _pack(head0, np.zeros((k, d))), max_iter=max_iter, tol=tol,
                             lipschitz0=float(np.mean(np.sum(X * X, axis=1))))
    w, D = unpack(res.x)
    return NetworkFit(layer=W, heads=w[None], deltas=D[None], objective=float(res.objective), n_iter=res.n_iter,
                      converged=res.converged)


def gauss_newton_smoothness(X: np.ndarray, W: np.ndarray, w: np.ndarray, loss: Loss) -> float:
    r""":math:`\beta_0 = c\,\lambda_{\max}(J^\top J/m)`, :math:`J` the Jacobian of the predictions in
    :math:`(w, \Delta)` at :math:`(w, 0)`, :math:`c = \sup\ell''` (a Gauss-Newton estimate of the local smoothness)."""
    m = X.shape[0]
    k, d = W.shape
    H = X @ W.T
    J = np.concatenate([np.maximum(H, 0.0), ((w * (H > 0))[:, :, None] * X[:, None, :]).reshape(m, k * d)], axis=1)
    c = 0.25 if loss.name == "logistic" else 2.0
    return max(c * float(np.linalg.eigvalsh(J.T @ J / m)[-1]), 1e-12)


def gd_network(
    X: np.ndarray,
    y: np.ndarray,
    W: np.ndarray,
    loss: Loss,
    w0: np.ndarray,
    *,
    steps: int,
    step_size: float | None,
    head_bound: float,
) -> tuple[NetworkGDPath, float]:
    r"""``steps`` projected gradient steps on :math:`(w, \Delta)` from :math:`(w_0, 0)`.

    Default step :math:`\eta_0 = 1/\beta_0` (:func:`gauss_newton_smoothness` at the
    start).  The network's risk has no global smoothness constant, so the steps
    are safeguarded: a step that would increase the empirical risk is halved
    and retried, and the step stays halved (every step is at most
    :math:`\eta_0`).  ``reach`` is :math:`\eta_0 sG \ge \sum_j\eta_j\|g_j\|`, which
    bounds the displacement.  Returns the path and :math:`\eta_0`.
    """
    Xb, yb = X[None], y[None]
    k, d = W.shape
    if step_size is None:
        step_size = 1.0 / gauss_newton_smoothness(X, W, w0, loss)
    w = np.array(w0, dtype=float)
    D = np.zeros((k, d))
    eta0 = eta = float(step_size)
    val, gh, gl = objective_and_grads(Xb, yb, W[None], w[None], loss)
    history, G = [val], 0.0

    def step(e):
        w_new, D_new = w - e * gh[0], D - e * gl[0]
        nw = np.linalg.norm(w_new)
        if np.isfinite(head_bound) and nw > head_bound:
            w_new = w_new * head_bound / nw
        with np.errstate(over="ignore", invalid="ignore"):
            out = objective_and_grads(Xb, yb, (W + D_new)[None], w_new[None], loss)
        return w_new, D_new, out

    for _ in range(int(steps)):
        G = max(G, float(np.sqrt(np.sum(gh ** 2) + np.sum(gl ** 2))))
        for _ in range(40):  # safeguard: halve a step that would increase the risk (no global smoothness)
            w_new, D_new, (val_new, gh_new, gl_new) = step(eta)
            if np.isfinite(val_new) and val_new <= val:
                break
            eta *= 0.5
        else:
            break  # no decrease along the gradient: stationary to rounding
        w, D, val, gh, gl = w_new, D_new, val_new, gh_new, gl_new
        history.append(val)
    disp = float(np.sqrt(np.sum((w - w0) ** 2) + np.sum(D ** 2)))
    return NetworkGDPath(head=w, delta=D, objective=float(val), grad_bound=G, reach=float(eta0 * steps * G),
                         displacement=disp, history=np.array(history)), eta0
