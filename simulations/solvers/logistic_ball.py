r"""Exact single-task solver of logistic regression over a ball around a head set.

Problem (one task, labels :math:`y_i \in \{-1, +1\}`):

.. math::

    \min_{\theta\in\mathbb{R}^d}\ L(\theta) = \frac1m\sum_{i=1}^m
        \log\big(1 + e^{-y_i x_i^\top\theta}\big)
    \quad\text{s.t. } \operatorname{dist}(\theta, C) \le \rho,

with the *head set* :math:`C = \{Bw : \|w\| \le c\}` for a frame :math:`B`
with orthonormal columns (:math:`c = \infty` allowed: :math:`C` is the range of
:math:`B`), or :math:`C = \{0\}` without a frame (then the constraint is the
ball :math:`\|\theta\| \le \rho`; :math:`\rho = \infty` without a frame is
the unconstrained problem).  The feasible set
:math:`K = C + \rho\,\mathrm{Ball}` is the set of predictors
:math:`Bw + \delta` with :math:`\|w\| \le c`, :math:`\|\delta\| \le \rho`:
the fine-tuning step of :mod:`.logistic_finetune` in the predictor
:math:`\theta`, where only :math:`\theta` enters the loss.

Geometry.  With :math:`a = B^\top\theta`, the projection onto :math:`C` is
:math:`\Pi(\theta) = B\,a\min(1, c/\|a\|)`; :math:`G(\theta) =
\tfrac12\operatorname{dist}(\theta, C)^2` has gradient
:math:`\delta(\theta) = \theta - \Pi(\theta)` (the shortest perturbation) and
generalised Hessian :math:`\nabla^2 G = I - BB^\top` if :math:`\|a\| \le c`,
:math:`I - \tfrac{c}{\|a\|}B(I - \hat a\hat a^\top)B^\top` if
:math:`\|a\| > c` (:math:`\hat a = a/\|a\|`).  The projection onto :math:`K`
is :math:`\Pi(x) + \rho\,\delta(x)/\|\delta(x)\|` when
:math:`\operatorname{dist}(x, C) > \rho` (else :math:`x`).

Method: a feasible Newton method with an active-set choice for the single
constraint :math:`G(\theta) \le \rho^2/2`.  With margins
:math:`u_i = -y_ix_i^\top\theta`, :math:`p = \sigma(u)`, the gradient is
:math:`g = -\frac1m\sum_i p_iy_ix_i` and the Hessian
:math:`H = \frac1m\sum_i p_i(1 - p_i)x_ix_i^\top`.

* In the interior: the Newton step :math:`s = -H^{-1}g`.
* On the boundary (:math:`\|\delta(\theta)\| = \rho`): the Newton step on the
  KKT conditions :math:`g + \mu\delta(\theta) = 0` restricted to the tangent
  space (Riemannian Newton on the boundary), i.e. the solution of
  :math:`(H + \mu\nabla^2G)s + \nu\delta = -g`, :math:`\delta^\top s = 0`
  with the least-squares multiplier :math:`\mu = -g^\top\delta/\rho^2`
  (clipped at 0): two solves with one Cholesky factor of
  :math:`H + \mu\nabla^2 G = H + \mu I - sBB^\top + \tfrac{s}{\|a\|^2}(Ba)(Ba)^\top`,
  :math:`s = \mu\min(1, c/\|a\|)` (the last term only if :math:`\|a\| > c`),
  assembled in place by BLAS rank-k/rank-1 updates; :math:`\nu` from the
  border.  If :math:`\nu < 0` and the interior Newton point lies inside
  :math:`K`, the constraint is released (interior step).

The trial point is the projection onto :math:`K` of :math:`\theta + ts`,
:math:`t = 1, \tfrac12, \dots` (Armijo decrease of :math:`L`; an interior
step that leaves :math:`K` next tries the point where it crosses the
boundary), so every iterate is feasible and the convergence is quadratic near
a non-degenerate solution.  A full step whose decrease exceeds the quadratic
model's prediction by more than 10% (exponential tails, on nearly separable
data) is doubled while the loss decreases.

Stopping rule: a duality gap below ``tol * max(1, L)`` (the objective is
optimal to that accuracy) *and* the stationarity residual
:math:`\|g + \mu\delta\|` (:math:`\|g\|` inside) below
``0.1 * sqrt(tol) * max(1, ||g||)`` (the minimiser is accurate too: a gap
alone bounds the residual only by :math:`\sqrt{2\kappa\,\mathrm{gap}}`,
:math:`\kappa` the curvature).  When only the residual is short, a chord
step with the last Cholesky factor (no new Hessian) usually closes it.  The
gap is evaluated once the last decrease of :math:`L` is below
:math:`10^{-3}\max(1, L)`.

Certificate.  For a feasible :math:`\theta` and any
:math:`q \in [0, 1]^m` (Fenchel duality, :math:`\log(1 + e^u) =
\max_q\, qu - h(q)`, :math:`h(q) = q\log q + (1-q)\log(1-q)`),

.. math::

    L(\theta) - L^\star \le L(\theta) + \frac1m\sum_i h(q_i)
        + \sigma_K\Big(\frac1m\sum_i q_iy_ix_i\Big),
    \qquad \sigma_K(v) = c\|B^\top v\| + \rho\|v\|.

With :math:`q = p` this is the Frank--Wolfe gap
:math:`g^\top\theta + c\|B^\top g\| + \rho\|g\|`.  When :math:`C` has free
directions (:math:`c = \infty`, or no constraint at all) :math:`\sigma_K` is
finite only if :math:`v` is orthogonal to them, and :math:`q` is :math:`p`
minus its least-squares component along the free directions (rejected if it
leaves :math:`[0, 1]^m`); and always :math:`L^\star \ge 0`.  A result that
is not certified (no decrease, or the best gap not halved in 8 evaluations,
as on degenerate data with a vanishing multiplier) is flagged; the caller
falls back to an interior-point method.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.linalg.blas import dsyr, dsyrk
from scipy.linalg.lapack import dpotrf, dpotrs
from scipy.special import xlogy

from ..losses import sigmoid, softplus

__all__ = ["BallStepResult", "solve_logistic_ball", "interior_split"]

#: Armijo constant of the backtracking line search.
_ARMIJO = 1e-4
#: Smallest step length of the line search (a shorter one counts as failure).
_MIN_STEP = 1e-12
#: Relative size of the ridge added to a singular Hessian in an interior step.
_RIDGE = 1e-10
#: Relative distance to the boundary of K (in squared distance) under which a point is put on it.
_ON_BOUNDARY = 1e-12
#: An interior point within this relative (squared) distance of the boundary whose Newton step fails
#: is put on the boundary.
_NEAR = 1e-6
#: Full steps that decrease the loss by more than this multiple of the model's prediction are doubled.
_EXPAND = 1.1
#: Full steps are checked for doubling when they decrease L by more than this fraction of L.
_FAST = 1e-2
#: The duality gap is evaluated once the last decrease of L is below this fraction of max(1, L).
_CHECK = 1e-3
#: Stationarity target: ||g + mu delta|| <= _KKT * sqrt(tol) * max(1, ||g||) (a gap of tol alone
#: bounds it by about sqrt(2 * curvature * tol)).
_KKT = 0.1
#: Gap evaluations without halving the best gap before giving up.
_STALL = 8


@dataclass(frozen=True)
class BallStepResult:
    """Result of :func:`solve_logistic_ball`.

    Attributes
    ----------
    theta : ndarray, shape (d,)
        The last iterate (feasible).
    head : ndarray, shape (k,), or None
        The projection :math:`w` of :math:`B^\\top\\theta` onto the head ball (``None`` without a frame).
    delta : ndarray, shape (d,)
        :math:`\\theta - Bw`, the shortest perturbation (``theta`` itself without a frame).
    objective : float
        :math:`L(\\theta)`.
    gap : float
        The last duality gap evaluated (``inf`` if none).
    n_newton : int
        Newton steps taken (Hessian evaluations).
    certified : bool
        Whether ``gap <= tol * max(1, objective)`` at ``theta``.
    on_boundary : bool
        Whether ``theta`` was put on the boundary of :math:`K` (projection).
    """

    theta: np.ndarray
    head: np.ndarray | None
    delta: np.ndarray
    objective: float
    gap: float
    n_newton: int
    certified: bool
    on_boundary: bool


def _cholesky_solve(K: np.ndarray, rhs: np.ndarray) -> np.ndarray | None:
    """``K^{-1} rhs`` from the upper triangle of the Fortran-ordered ``K`` (overwritten by its factor).

    ``None`` if ``K`` is not numerically positive definite.
    """
    factor, info = dpotrf(K, lower=0, clean=0, overwrite_a=1)
    if info != 0:
        return None
    x, info = dpotrs(factor, rhs, lower=0)
    return x if info == 0 else None


def _bordered_step(solve: Callable[[np.ndarray], np.ndarray | None], g: np.ndarray,
                   dl: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The tangent Newton step ``s`` and multiplier ``nu``: ``K s + nu dl = -g``, ``dl^T s = 0``.

    ``solve(rhs)`` returns ``K^{-1} rhs``; ``None`` if it fails or the border is degenerate.
    """
    sol = solve(np.array([g, dl]).T)
    if sol is None:
        return None
    p1, p2 = sol[:, 0], sol[:, 1]
    nu = -dl.dot(p1) / dl.dot(p2)
    if not math.isfinite(nu):
        return None
    return p2 * (-nu) - p1, nu


def _newton_step(hessian: Callable[[], np.ndarray], g: np.ndarray) -> np.ndarray:
    """``-H^{-1} g`` for the symmetric ``H = hessian()`` (a fresh array each call).

    For a singular ``H``, with a tiny ridge (for ``g`` in the range of ``H``,
    nearly the minimum-norm Newton step), else least squares.
    """
    step = _cholesky_solve(hessian().T, -g)
    if step is None:
        H = hessian()
        d = H.shape[0]
        H.ravel()[:: d + 1] += _RIDGE * max(np.trace(H) / d, 1e-300)
        step = _cholesky_solve(H.T.copy(order="F"), -g)
        if step is None:
            step = -np.linalg.lstsq(hessian(), g, rcond=None)[0]
    return step


def solve_logistic_ball(
    X: np.ndarray,
    y: np.ndarray,
    B: np.ndarray | None,
    head_bound: float,
    radius: float,
    *,
    tol: float = 1e-10,
    theta0: np.ndarray | None = None,
    max_iter: int = 60,
) -> BallStepResult:
    r"""Minimise the mean logistic loss over :math:`\{\theta : \operatorname{dist}(\theta, C) \le \rho\}`.

    Parameters
    ----------
    X : ndarray, shape (m, d)
    y : ndarray, shape (m,)
        Labels in {-1, +1}.
    B : ndarray, shape (d, k), or None
        Frame with orthonormal columns (not checked); ``None``: :math:`C = \{0\}`.
    head_bound : float
        :math:`c > 0` (``inf``: :math:`C = \operatorname{range}(B)`); ignored without a frame.
    radius : float
        :math:`\rho > 0`; ``inf`` only without a frame (unconstrained).
    tol : float
        Relative duality-gap target.
    theta0 : ndarray, shape (d,), optional
        Starting point (projected onto :math:`K`; default 0).
    max_iter : int
        Budget of gradient evaluations.

    Returns
    -------
    BallStepResult
    """
    m, d = X.shape
    Xs = X * (-y)[:, None]  # rows -y_i x_i: margins u = Xs theta
    Xst = Xs.T / m  # g = Xst p; H = (Xst * p (1 - p)) Xs
    inv_m = 1.0 / m
    mean_w = np.full(m, inv_m)  # L = softplus(u) . mean_w
    has_B = B is not None
    c = float(head_bound)
    rho = float(radius)
    free_head = has_B and not math.isfinite(c)
    unconstrained = not math.isfinite(rho)
    if unconstrained and has_B:
        raise ValueError("radius = inf needs B = None")
    rho2 = rho * rho
    kkt_tol2 = _KKT * _KKT * tol  # (sqrt(tol) * _KKT)^2
    rho2_in = rho2 * (1.0 - _ON_BOUNDARY)
    c2 = c * c
    if has_B:
        B = np.asfortranarray(B)
        Bt = np.ascontiguousarray(B.T)

    def project(x: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, bool]:
        """Projection onto K: (point, w, delta, on the boundary) with point = B w + delta, delta shortest."""
        if has_B:
            a = Bt.dot(x)
            if not free_head:
                al2 = a.dot(a)
                if al2 > c2:
                    a = a * (c / math.sqrt(al2))
            head = B.dot(a)
            dl = x - head
        else:
            a = None
            dl = x
        dist2 = dl.dot(dl)
        if dist2 >= rho2_in:  # outside, or on the boundary up to rounding: onto the boundary
            dl = dl * (rho / math.sqrt(dist2))
            return (head + dl if has_B else dl), a, dl, True
        return x, a, dl, False

    def crossing(x: np.ndarray, s: np.ndarray) -> float:
        """The t in (0, 1) where x + t s (x inside K, x + s outside) crosses the boundary of K (bisection)."""
        if has_B:
            a0, a1 = Bt.dot(x), Bt.dot(s)
            x, s = x - B.dot(a0), s - B.dot(a1)
            A0, A1, A2 = a0.dot(a0), a0.dot(a1), a1.dot(a1)
        Q0, Q1, Q2 = x.dot(x), x.dot(s), s.dot(s)
        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            dist2 = Q0 + mid * (2.0 * Q1 + mid * Q2)
            if has_B and not free_head:
                dist2 += max(math.sqrt(max(A0 + mid * (2.0 * A1 + mid * A2), 0.0)) - c, 0.0) ** 2
            if dist2 > rho2:
                hi = mid
            else:
                lo = mid
        return hi

    if free_head or unconstrained:
        # orthonormal basis of the free directions in margin space (range of Xs B, or of Xs)
        U, sv, _ = np.linalg.svd(Xs.dot(B) if has_B else Xs, full_matrices=False)
        free = U[:, sv > sv[0] * max(U.shape) * 1e-15] if sv.size and sv[0] > 0 else U[:, :0]
        free_t = np.ascontiguousarray(free.T)

    def certificate(theta: np.ndarray, g: np.ndarray, gg: float, p: np.ndarray, L: float) -> float:
        """Duality gap at theta (module docstring); at most L, since L* >= 0."""
        if not (free_head or unconstrained):
            gap = g.dot(theta) + rho * math.sqrt(gg)
            if has_B:
                bg = Bt.dot(g)
                gap += c * math.sqrt(bg.dot(bg))
            return min(gap, L)
        q = p - free.dot(free_t.dot(p))  # no component along the free directions
        if np.any(q < 0.0) or np.any(q > 1.0):
            return L
        gap = L + float(np.sum(xlogy(q, q) + xlogy(1.0 - q, 1.0 - q))) * inv_m
        if not unconstrained:
            v = Xst.dot(q)
            gap += rho * math.sqrt(v.dot(v))
        return min(gap, L)

    def lagrangian_hessian(theta: np.ndarray, hw: np.ndarray, mu: float) -> np.ndarray:
        """H + mu Hess G at theta (Hessian weights m hw), in the upper triangle of a fresh Fortran-ordered array."""
        K = (Xst * hw).dot(Xs).T  # symmetric: its transpose is the Fortran-ordered view
        if mu > 0.0:
            if has_B:
                s = mu
                if not free_head:
                    a = Bt.dot(theta)
                    al2 = a.dot(a)
                    if al2 > c2:  # head outside its ball: curvature of the projection onto C
                        s = mu * c / math.sqrt(al2)
                        dsyr(s / al2, B.dot(a), a=K, overwrite_a=1)
                dsyrk(-s, B, beta=1.0, c=K, overwrite_c=1)
            K.ravel(order="F")[:: d + 1] += mu
        return K

    if theta0 is None:
        theta, dl, boundary = np.zeros(d), np.zeros(d), False
        head = np.zeros(B.shape[1]) if has_B else None
        u, L = np.zeros(m), math.log(2.0)
    else:
        theta, head, dl, boundary = project(np.asarray(theta0, dtype=float))
        u = Xs.dot(theta)
        L = softplus(u).dot(mean_w)
    certified = False
    gap = math.inf
    n_newton = 0
    decrease = math.inf  # last accepted decrease of L: the gap is evaluated once it is small
    best, stalled = math.inf, 0
    factor = None  # Cholesky factor of the last boundary Newton step (for chord steps)
    for _ in range(max_iter):
        p = sigmoid(u)
        g = Xst.dot(p)
        gg = g.dot(g)
        gdl = g.dot(dl) if boundary else 0.0
        gap_ok = False
        if decrease <= _CHECK * max(1.0, L):
            gap = certificate(theta, g, gg, p, L)
            gap_ok = gap <= tol * max(1.0, L)
            # stationarity residual ||g + mu delta|| (mu = -g.delta / rho^2 on the boundary, else 0)
            residual2 = gg - gdl * gdl / rho2 if boundary else gg
            if gap_ok and residual2 <= kkt_tol2 * max(1.0, gg):
                certified = True
                break
            if gap < 0.5 * best:
                best, stalled = gap, 0
            else:
                stalled += 1
                if stalled > _STALL:
                    break
        if gap_ok and boundary and factor is not None:
            # only the stationarity is short: a chord step with the last factor (no new Hessian)
            chord = _bordered_step(lambda rhs: dpotrs(factor, rhs, lower=0)[0], g, dl)
            if chord is not None and chord[1] >= 0.0:
                trial, head_t, dl_t, bnd_t = project(theta + chord[0])
                ut = Xs.dot(trial)
                Lt = softplus(ut).dot(mean_w)
                if Lt <= L + 1e-15 * (1.0 + abs(L)):
                    decrease = L - Lt
                    theta, head, dl, boundary, u, L = trial, head_t, dl_t, bnd_t, ut, Lt
                    continue
        factor = None
        hw = p - p * p  # Hessian weights (times m)
        n_newton += 1
        step = None
        if boundary:
            mu = max(-gdl / rho2, 0.0)
            K = lagrangian_hessian(theta, hw, mu)
            newton = _bordered_step(lambda rhs: _cholesky_solve(K, rhs), g, dl)
            if newton is not None:
                step, nu = newton
                factor = K  # overwritten by its Cholesky factor
            else:  # singular: least squares on the bordered system
                K = lagrangian_hessian(theta, hw, mu)
                bordered = np.zeros((d + 1, d + 1))
                bordered[:d, :d] = np.triu(K) + np.triu(K, 1).T
                bordered[:d, d] = bordered[d, :d] = dl
                x = np.linalg.lstsq(bordered, np.concatenate([-g, [0.0]]), rcond=None)[0]
                nu, step = x[d], x[:d]
            if not nu >= 0.0:
                # negative multiplier: release the constraint if the Newton point is inside K
                newton = _newton_step(lambda: (Xst * hw).dot(Xs), g)
                if not project(theta + newton)[3]:
                    step = newton
        else:
            step = _newton_step(lambda: (Xst * hw).dot(Xs), g)
        t = 1.0
        slack = 1e-15 * (1.0 + abs(L))
        while True:
            trial, head_t, dl_t, bnd_t = project(theta + step if t == 1.0 else theta + t * step)
            ut = Xs.dot(trial)
            Lt = softplus(ut).dot(mean_w)
            slope = g.dot(trial - theta)
            if Lt <= L + _ARMIJO * min(slope, 0.0) + slack:
                break
            if t == 1.0 and bnd_t and not boundary:
                # an interior step that leaves K: next try where the segment crosses the boundary
                t = crossing(theta, step)
            else:
                t *= 0.5
            if t < _MIN_STEP:
                t = 0.0
                break
        if t == 0.0:  # no decrease
            if boundary or dl.dot(dl) < rho2 * (1.0 - _NEAR):
                break  # give up (the caller falls back)
            # an interior point next to the boundary, with an outward Newton step: put it on the
            # boundary (a move of relative size < _NEAR) and take a boundary step next
            dl_t = dl * (rho / math.sqrt(dl.dot(dl)))
            theta, dl, boundary = theta + (dl_t - dl), dl_t, True
            u = Xs.dot(theta)
            L = softplus(u).dot(mean_w)
            continue
        if t == 1.0 and L - Lt > _FAST * L:
            du = ut - u
            predicted = -slope - 0.5 * inv_m * (du * du).dot(hw)
            if predicted > 0.0 and L - Lt > _EXPAND * predicted:
                # the loss falls faster than its quadratic model (exponential tails, e.g. on
                # nearly separable data): double the step while the loss decreases (from the
                # interior up to the boundary of K; on it, along the projected arc)
                while t < 2.0 ** 40 and (boundary or not bnd_t):
                    trial2, head2, dl2, bnd2 = project(theta + 2.0 * t * step)
                    u2 = Xs.dot(trial2)
                    L2 = softplus(u2).dot(mean_w)
                    if not L2 < Lt - slack:
                        break
                    t, trial, head_t, dl_t, bnd_t, ut, Lt = 2.0 * t, trial2, head2, dl2, bnd2, u2, L2
        decrease = L - Lt
        theta, head, dl, boundary, u, L = trial, head_t, dl_t, bnd_t, ut, Lt
    return BallStepResult(theta=theta, head=head, delta=dl, objective=float(L), gap=float(gap),
                          n_newton=n_newton, certified=certified, on_boundary=boundary)


def interior_split(a_norm: float, perp2: float, head_bound: float, radius: float) -> float:
    r"""Analytic-centre split of an interior predictor into head and perturbation.

    For :math:`\theta` strictly inside :math:`K` the split
    :math:`\theta = Bw + \delta` is not unique; this returns the one that
    maximises :math:`\log(c^2 - \|w\|^2) + \log(\rho^2 - \|\delta\|^2)` (the
    limit of the log-barrier path).  By symmetry :math:`w = s\,\hat a`,
    :math:`a = B^\top\theta`, and :math:`s` solves the monotone equation
    :math:`s/(c^2 - s^2) = (\alpha - s)/(\rho'^2 - (\alpha - s)^2)`,
    :math:`\alpha = \|a\|`, :math:`\rho'^2 = \rho^2 - \|P_\perp\theta\|^2`,
    on the interval where both logarithms are finite (bisection to machine
    precision).

    Parameters
    ----------
    a_norm : float
        :math:`\alpha = \|B^\top\theta\|`.
    perp2 : float
        :math:`\|\theta - BB^\top\theta\|^2 < \rho^2`.
    head_bound, radius : float
        :math:`c` (finite) and :math:`\rho`.

    Returns
    -------
    float
        :math:`s = \|w\|`.
    """
    c, alpha = head_bound, a_norm
    rp2 = radius * radius - perp2
    if alpha == 0.0 or rp2 <= 0.0:
        return 0.0
    rp = math.sqrt(rp2)
    lo, hi = max(-c, alpha - rp), min(c, alpha + rp)

    def phi(s: float) -> float:
        e = alpha - s
        return s / (c * c - s * s) - e / (rp2 - e * e)

    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        if phi(mid) > 0.0:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)
