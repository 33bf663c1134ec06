r"""The logistic fine-tuning step for a fixed frame: a convex problem, solved to optimality.

For a frame :math:`\hat B \in \mathbb{R}^{d\times k}` (or none) and data
:math:`(X, y)`, :math:`y \in \{-1, +1\}^m`, solve

.. math::

    \min_{w,\ \delta}\ F(w, \delta) = \frac1m\sum_{i=1}^m
        \log\big(1 + e^{-y_i x_i^\top(\hat B w + \delta)}\big)
    \quad\text{s.t. } \|w\|_2 \le c_w,\ \|\delta\|_2 \le r .

The objective is convex and both constraints are Euclidean balls, so the
problem is convex.  Separable data (where the unconstrained minimum does not
exist) are handled by the head constraint :math:`\|w\| \le c_w`; ``c_w = inf``
drops it, ``r = 0`` fixes :math:`\delta = 0` (head-only step), and with no
frame (``B = None``) the single block is :math:`\theta = \delta` with
:math:`\|\theta\| \le r` (the ``target-only`` learner).

Method (per task).  Only the predictor :math:`\theta = \hat Bw + \delta`
enters the loss, so the step is solved in :math:`\theta` by the exact
feasible Newton method of :mod:`.logistic_ball`:

* frame with orthonormal columns and :math:`r > 0`: :math:`\theta` ranges over
  :math:`\{\theta : \operatorname{dist}(\theta, C) \le r\}`,
  :math:`C = \{\hat Bw : \|w\| \le c_w\}`, equivalently
  :math:`(\max(\|\hat B^\top\theta\| - c_w, 0))^2 + \|P_\perp\theta\|^2 \le r^2`;
* ``r = 0``: the ball :math:`\|w\| \le c_w` with features :math:`\hat B^\top x_i`
  (any frame; unconstrained if :math:`c_w = \infty`);
* no frame: the ball :math:`\|\theta\| \le r`.

Each task's result is certified by a duality gap below ``tol * max(1, F)``
and a stationarity (KKT) residual below ``0.1 * sqrt(tol)`` in units of
``max(1, ||grad F||)`` (:mod:`.logistic_ball`).  The split :math:`\theta = \hat Bw + \delta` is
unique when the constraint set is active (:math:`w = \Pi_{c_w}(\hat B^\top\theta)`,
the shortest :math:`\delta`); for an interior optimum it is the analytic
centre of the feasible splits (:func:`.logistic_ball.interior_split`), the
limit of the log-barrier path.

Fallback: tasks that the Newton method does not certify (e.g. separable data
with ``c_w = inf``, where no minimiser exists, or degenerate data whose
optimum has a vanishing multiplier on the boundary) and frames without
orthonormal columns (with :math:`r > 0`) are solved by the log-barrier
(path-following) method with damped Newton steps (Boyd & Vandenberghe 2004,
section 11.3), batched.  For :math:`t > 0` it minimises

.. math:: t\,F(u) - \sum_j \log\big(c_j^2 - \|u_j\|^2\big),

:math:`u = (w, \delta)`, by Newton's method with backtracking (Armijo, and
strict feasibility), then multiplies :math:`t` by 50 (intermediate centring to a Newton decrement of 1e-5, the last one to 1e-11); the barrier minimiser
is :math:`n_c/t`-suboptimal (:math:`n_c` = number of constraints), and the
method stops when :math:`n_c/t \le` ``tol`` :math:`\cdot\max(1, F)`.  The
Hessian of :math:`F` is :math:`Z^\top\operatorname{diag}(\sigma_i(1-\sigma_i))Z/m`
with :math:`z_i = (\hat B^\top x_i, x_i)`; the parametrisation is redundant
(:math:`(w, \delta) \to (w + e, \delta - \hat B e)` leaves the predictor
unchanged) but the barrier Hessian is positive definite, so the Newton system
is non-singular.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..losses import LogisticLoss
from .logistic_ball import interior_split, solve_logistic_ball

__all__ = ["LogisticStepSolution", "logistic_finetune_step", "ACTIVE_RTOL"]

_LOSS = LogisticLoss()
#: A ball constraint counts as active when the block norm is within this relative distance of its radius.
ACTIVE_RTOL = 1e-6
_T_FACTOR = 50.0
_T0 = 10.0
#: Newton-decrement target of the intermediate centring steps.
_INNER_TOL = 1e-5
_MAX_NEWTON = 400
#: Largest deviation (Frobenius) of the frame's Gram matrix from the identity for the predictor-space method.
_ORTHONORMAL_TOL = 1e-12


@dataclass(frozen=True)
class LogisticStepSolution:
    """Solution of a batch of logistic fine-tuning steps.

    Attributes
    ----------
    w : ndarray, shape (batch, k)
        Heads (shape (batch, 0) without a frame).
    delta : ndarray, shape (batch, d)
    theta : ndarray, shape (batch, d)
        ``B w + delta``, the logit direction.
    objective : ndarray, shape (batch,)
        Mean logistic loss :math:`F`.
    head_active, delta_active : ndarray of bool, shape (batch,)
        Whether :math:`\\|w\\| = c_w` (resp. :math:`\\|\\delta\\| = r`) up to
        :data:`ACTIVE_RTOL`; :math:`r = 0` counts as active, an infinite
        bound as inactive.
    n_newton : int
        Newton iterations used (the largest over the tasks; a task that
        falls back to the barrier method counts both methods' iterations).
    converged : bool
        Whether every task reached the duality-gap tolerance (and, on the
        Newton path, the stationarity tolerance; module docstring).
    """

    w: np.ndarray
    delta: np.ndarray
    theta: np.ndarray
    objective: np.ndarray
    head_active: np.ndarray
    delta_active: np.ndarray
    n_newton: int
    converged: bool


def _objective(Z: np.ndarray, y: np.ndarray, u: np.ndarray) -> np.ndarray:
    return _LOSS.value(np.einsum("bmp,bp->bm", Z, u), y).mean(axis=1)


def _barrier(
    X: np.ndarray, y: np.ndarray, B: np.ndarray | None, head_bound: float, radius: float, tol: float,
    init: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, bool]:
    """The log-barrier method (module docstring) on a batch.

    Returns ``w`` (batch, k), ``delta`` (batch, d), the objective (batch,),
    the Newton iterations and whether every task converged.  ``init`` is a
    strictly feasible ``u = (w, delta)`` per task (default 0).
    """
    batch, m, d = X.shape
    blocks: list[tuple[str, np.ndarray, float]] = []
    if B is not None:
        blocks.append(("head", np.einsum("bmd,dk->bmk", X, B), float(head_bound)))
    if radius > 0:
        blocks.append(("delta", X, float(radius)))
    Z = np.concatenate([blk[1] for blk in blocks], axis=2)
    p = Z.shape[2]
    sizes = [blk[1].shape[2] for blk in blocks]
    starts = np.cumsum([0] + sizes)
    bounds = [blk[2] for blk in blocks]
    finite = [j for j, c in enumerate(bounds) if np.isfinite(c)]
    nc = len(finite)

    u = np.zeros((batch, p)) if init is None else init
    # block indicator of the finite constraints: M[i, j] = 1 if coordinate i is in constrained block j
    M = np.zeros((p, nc))
    for col, j in enumerate(finite):
        M[starts[j]:starts[j + 1], col] = 1.0
    radii2 = np.array([bounds[j] ** 2 for j in finite])

    def slack(v: np.ndarray) -> np.ndarray:
        """c_j^2 - ||v_j||^2 for the finite blocks, shape (batch, nc)."""
        return radii2 - (v * v) @ M

    if np.any(slack(u) <= 0):
        raise ValueError("the starting point must be strictly feasible")

    def merit(v: np.ndarray, t: np.ndarray) -> np.ndarray:
        s = slack(v)
        with np.errstate(invalid="ignore", divide="ignore"):
            bar = -np.sum(np.log(np.where(s > 0, s, np.nan)), axis=1)
        return t * _objective(Z, y, v) + bar

    t = np.full(batch, _T0)
    done = np.zeros(batch, dtype=bool)
    Zt = np.swapaxes(Z, 1, 2)
    diag = np.arange(p)
    it = 0
    for it in range(1, _MAX_NEWTON + 1):
        zu = (Z @ u[..., None])[..., 0]
        gF = (Zt @ (_LOSS.d1(zu, y) / m)[..., None])[..., 0]
        HF = Zt @ (Z * (_LOSS.d2(zu, y) / m)[..., None])
        gB = np.zeros_like(u)
        HB = np.zeros_like(HF)
        if nc:
            sl = slack(u)
            inv = (1.0 / sl) @ M.T  # 1/s of each coordinate's block (0 outside constrained blocks)
            gB = 2 * u * inv
            HB[:, diag, diag] = 2 * inv
            for col in range(nc):
                um = u * M[:, col]
                HB += 4 * um[:, :, None] * um[:, None, :] / (sl[:, col] ** 2)[:, None, None]
        F = _objective(Z, y, u)
        final = nc / t <= tol * np.maximum(1.0, F)
        for _ in range(8):  # centred tasks move to a larger t at once (inexact centring until the last t)
            grad = t[:, None] * gF + gB
            hess = t[:, None, None] * HF + HB
            try:
                step = -np.linalg.solve(hess, grad[..., None])[..., 0]
            except np.linalg.LinAlgError:
                step = -np.stack([np.linalg.lstsq(h, g, rcond=None)[0] for h, g in zip(hess, grad)])
            dec = -np.einsum("bp,bp->b", grad, step)  # Newton decrement squared
            centred = dec / 2 <= np.where(final, 1e-11, _INNER_TOL)
            done |= centred & final
            grow = centred & ~done
            if not np.any(grow):
                break
            t = np.where(grow, t * _T_FACTOR, t)
            final = nc / t <= tol * np.maximum(1.0, F)
        if np.all(done):
            break
        move = ~done
        # Damped Newton: full steps inside the quadratic-convergence region
        # (decrement^2 < 0.05), else backtracking on the barrier merit; always
        # strictly feasible.  (Armijo cannot be verified near the optimum at
        # large t, where the merit is dominated by rounding.)
        pure = dec < 0.05
        base = merit(u, t) if np.any(move & ~pure) else None
        size = np.ones(batch)
        accepted = ~move
        for _ in range(60):
            trial = u + size[:, None] * step
            ok = np.all(slack(trial) > 0, axis=1)
            if base is not None:
                ok &= pure | (merit(trial, t) <= base - 0.25 * size * dec)
            newly = ok & ~accepted
            u = np.where(newly[:, None], trial, u)
            accepted |= ok
            if np.all(accepted):
                break
            size = np.where(accepted, size, size * 0.5)
    k = sizes[0] if B is not None else 0
    w = u[:, :k]
    delta = u[:, k:] if radius > 0 else np.zeros((batch, d))
    return w, delta, _objective(Z, y, u), it, bool(np.all(done))


def _is_orthonormal(B: np.ndarray) -> bool:
    r"""Whether :math:`\|B^\top B - I\|_F \le` :data:`_ORTHONORMAL_TOL`."""
    gram = B.T.dot(B)
    gram.ravel()[:: gram.shape[0] + 1] -= 1.0
    dev = gram.ravel()
    return bool(dev.dot(dev) <= _ORTHONORMAL_TOL**2)


def _split(theta: np.ndarray, B: np.ndarray, head_bound: float, radius: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Split a feasible predictor into ``(w, delta)``, ``theta = B w + delta`` (orthonormal ``B``, ``radius > 0``).

    On the boundary of the feasible set the split is unique: :math:`w` is the
    projection of :math:`a = B^\top\theta` onto the head ball.  Inside it the
    analytic centre of the feasible splits (:func:`.logistic_ball.interior_split`);
    with ``head_bound = inf``, :math:`w = a`.
    """
    a = B.T.dot(theta)
    head = a
    if math.isfinite(head_bound):
        al = math.sqrt(a.dot(a))
        perp = theta - B.dot(a)
        perp2 = perp.dot(perp)
        if max(al - head_bound, 0.0) ** 2 + perp2 >= radius * radius:  # on the boundary
            if al > head_bound:
                head = a * (head_bound / al)
        elif al > 0.0:  # interior
            head = a * (interior_split(al, perp2, head_bound, radius) / al)
    dl = theta - B.dot(head)
    nd2 = dl.dot(dl)
    if nd2 > radius * radius:  # rounding
        dl *= radius / math.sqrt(nd2)
    return head, dl


def logistic_finetune_step(
    X: np.ndarray,
    y: np.ndarray,
    B: np.ndarray | None,
    *,
    head_bound: float = np.inf,
    radius: float = 0.0,
    tol: float = 1e-10,
    init: np.ndarray | None = None,
) -> LogisticStepSolution:
    r"""Solve a batch of logistic fine-tuning steps to optimality.

    Parameters
    ----------
    X : ndarray, shape (batch, m, d) or (m, d)
    y : ndarray, shape (batch, m) or (m,)
        Labels in {-1, +1}.
    B : ndarray, shape (d, k), or None
        Frame; ``None`` for a single block :math:`\theta` with :math:`\|\theta\| \le r`.
    head_bound : float
        :math:`c_w > 0` (``inf``: no head constraint).
    radius : float
        :math:`r \ge 0`; finite.
    tol : float
        Relative duality-gap target (the returned objective is within
        ``tol * max(1, F)`` of the optimum).
    init : ndarray, optional
        Strictly feasible starting point ``u = (w, delta)`` per task (default 0).

    Returns
    -------
    LogisticStepSolution
        Always batched (a single task gives batch size 1).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim == 2:
        X, y = X[None], y[None]
    batch, m, d = X.shape
    if not (radius >= 0 and math.isfinite(radius)):
        raise ValueError(f"parameter 'radius' must be a finite real >= 0; got {radius!r}")
    if not head_bound > 0:
        raise ValueError(f"parameter 'head_bound' must be > 0 (inf allowed); got {head_bound!r}")
    if B is None and radius == 0:
        raise ValueError("nothing to fit: no frame and radius 0")
    c, r = float(head_bound), float(radius)
    if B is not None:
        B = np.asarray(B, dtype=float)
    k = B.shape[1] if B is not None else 0
    if init is not None:
        init = np.array(init, dtype=float).reshape(batch, k + (d if r > 0 else 0))
        bad = np.zeros(batch, dtype=bool)
        if B is not None and math.isfinite(c):
            bad |= np.sum(init[:, :k] ** 2, axis=1) >= c * c
        if r > 0:
            bad |= np.sum(init[:, k:] ** 2, axis=1) >= r * r
        if np.any(bad):
            raise ValueError("the starting point must be strictly feasible")

    # the problem in the predictor theta = B w + delta (module docstring)
    if r == 0:
        mode = "head" if k else "barrier"  # the ball ||w|| <= c_w, features B^T x
    elif B is None or k == 0:
        mode = "theta"  # the ball ||theta|| <= r
    elif _is_orthonormal(B):
        mode = "frame"  # dist(theta, {B w : ||w|| <= c_w}) <= r
    else:
        mode = "barrier"
    w = np.zeros((batch, k))
    delta = np.zeros((batch, d))
    theta = np.zeros((batch, d))
    objective = np.zeros(batch)
    # active: ||w|| >= c_w (1 - ACTIVE_RTOL) (never for c_w = inf), ||delta|| >= r (1 - ACTIVE_RTOL) (always for r = 0)
    head_limit = (c * (1 - ACTIVE_RTOL)) ** 2 if B is not None else math.inf
    delta_limit = (r * (1 - ACTIVE_RTOL)) ** 2
    head_active = np.zeros(batch, dtype=bool)
    delta_active = np.zeros(batch, dtype=bool)
    newton = [0] * batch
    pending = []
    for i in range(batch if mode != "barrier" else 0):
        if mode == "frame":
            res = solve_logistic_ball(X[i], y[i], B, c, r, tol=tol,
                                      theta0=None if init is None else B.dot(init[i, :k]) + init[i, k:])
        elif mode == "head":
            res = solve_logistic_ball(X[i].dot(B), y[i], None, math.inf, c, tol=tol,
                                      theta0=None if init is None else init[i])
        else:
            res = solve_logistic_ball(X[i], y[i], None, math.inf, r, tol=tol,
                                      theta0=None if init is None else init[i, k:])
        newton[i] = res.n_newton
        if not res.certified:
            pending.append(i)
            continue
        objective[i] = res.objective
        if mode == "frame":
            theta[i] = res.theta
            if res.on_boundary:  # the unique split, from the last projection onto the feasible set
                wi, di = res.head, res.delta
            else:
                wi, di = _split(res.theta, B, c, r)
            w[i], delta[i] = wi, di
            head_active[i] = wi.dot(wi) >= head_limit
            delta_active[i] = di.dot(di) >= delta_limit
        elif mode == "head":
            w[i] = wi = res.theta
            theta[i] = B.dot(wi)
            head_active[i] = wi.dot(wi) >= head_limit
        else:
            delta[i] = theta[i] = di = res.theta
            delta_active[i] = di.dot(di) >= delta_limit
    converged = True
    if mode == "barrier":
        pending = list(range(batch))
    if pending:
        idx = np.array(pending)
        bw, bd, bobj, it, converged = _barrier(X[idx], y[idx], B, c, r, tol, None if init is None else init[idx])
        w[idx], delta[idx], objective[idx] = bw, bd, bobj
        theta[idx] = (bw.dot(B.T) if B is not None else 0.0) + bd
        for i in pending:
            newton[i] += it
        head_active[idx] = (bw * bw).sum(1) >= head_limit
        delta_active[idx] = (bd * bd).sum(1) >= delta_limit
    if r == 0:
        delta_active[:] = True
    return LogisticStepSolution(w=w, delta=delta, theta=theta, objective=objective, head_active=head_active,
                                delta_active=delta_active, n_newton=max(newton, default=0), converged=converged)
