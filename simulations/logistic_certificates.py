r"""Per-replicate columns of the ``logistic`` setting that the bounds' baselines, premises and certificates use.

All functions here are independent of the learners' solvers (they take the
learned predictor :math:`\hat\theta` and the learner's declared class
:class:`~simulations.learners.base.FineTuningClass` as given).

**Declared class.**  For a frame :math:`\hat B` (orthonormalised,
:math:`Q`), head bound :math:`c_w` and radius :math:`r`,
:math:`K = \{Qw + \delta : \|w\| \le c_w,\ \|\delta\| \le r\}`; without a frame
:math:`K = \{\|\theta\| \le r\}`.  :func:`class_distance` is the Euclidean
distance to :math:`K` (closed form, below).

**Trivial baselines** (:func:`trivial_members`, :func:`baseline_risks`).  The
largest excess risk among two members of :math:`K` that need no data: the
zero predictor and the anti-aligned extreme point
:math:`\theta_- = -c_w Q\,Q^\top\theta^*/\|Q^\top\theta^*\| - r\,\theta^*/\|\theta^*\|`
(a part is dropped when its radius is infinite or its direction is
degenerate).  Both lie in :math:`K`, so the largest excess risk of *any*
member of :math:`K` is at least their maximum: an upper bound on the excess
risk of a predictor known to lie in :math:`K` that is not below this baseline
says nothing.

**Certificate ingredients** (:func:`certificate_ingredients`), for
:math:`x` uniform on the sphere of radius :math:`R` and :math:`m \ge d`: with
:math:`\Delta = \hat\theta - \theta^*`,
:math:`g = \nabla\hat L(\theta^*) = \frac1m\sum_i -y_i\sigma(-y_ix_i^\top\theta^*)x_i`,
:math:`H_m = \frac1m\sum_i\sigma'(x_i^\top\theta^*)x_ix_i^\top` and the
population Fisher matrix :math:`H` (:func:`simulations.risk_logistic.logistic_fisher_sphere`),

* ``cert_gnorm2`` :math:`= g_V^\top H_{m,V}^{-1}g_V`,
* ``cert_fisher`` :math:`= \lambda_{\max}(H_{m,V}^{-1}H_V)` (generalised symmetric eigenproblem),
* ``cert_u`` :math:`= R\|\Delta\|`, ``cert_um`` :math:`= \max_i|x_i^\top\Delta|`,
* ``cert_vi`` :math:`= \max(0, \langle\nabla\hat L(\hat\theta), \Delta\rangle)`
  :math:`= \max(0, -\langle\nabla\hat L(\hat\theta), \theta^* - \hat\theta\rangle)`,
* ``cert_dim`` :math:`= \dim V`,

where the subscript :math:`V` means "restricted to the subspace :math:`V`"
(:math:`g_V = Q_V^\top g`, :math:`H_{m,V} = Q_V^\top H_mQ_V`, ...).
:math:`V = \mathbb{R}^d` (so these are :math:`g^\top H_m^{-1}g` and
:math:`\lambda_{\max}(H_m^{-1}H)`) except when the declared class lies in
:math:`\operatorname{span}(\hat B)` (radius 0) and :math:`\Delta` lies in
that span to rounding (:math:`\|P_\perp\Delta\| \le 10^{-12}(\|\hat\theta\| + \|\theta^*\|)`,
e.g. the oracle's head-only step when the target has no perturbation); then
:math:`V = \operatorname{span}(\hat B)`.  Every step of the certificates'
derivations (``docs/theory/logistic-erm-certificate.md``) holds for
:math:`\Delta \in V` with the restricted quantities, and the restricted
Cauchy-Schwarz step is tighter by a factor of about :math:`d/k`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import linalg

from .losses import LogisticLoss
from .risk_logistic import (
    logistic_excess_gaussian, logistic_excess_sphere, logistic_fisher_sphere, logistic_insample_excess,
)
from .solvers.linalg import orthonormal_frame

__all__ = ["frame_comparator", "class_distance", "trivial_members", "baseline_risks", "certificate_ingredients", "CERTIFICATE_COLUMNS",
           "SPAN_TOL"]

_LOSS = LogisticLoss()
#: Names of the certificate columns, in order.
CERTIFICATE_COLUMNS = ("cert_gnorm2", "cert_fisher", "cert_u", "cert_um", "cert_vi", "cert_dim")
#: Relative size of the component of Delta outside span(B_hat) below which the certificate is computed in the span.
SPAN_TOL = 1e-12


def class_distance(theta: np.ndarray, frame: np.ndarray | None, head_bound: float, radius: float) -> float:
    r"""Euclidean distance from :math:`\theta` to the class :math:`K` (module docstring).

    With :math:`Q` an orthonormal basis of the frame, :math:`p = Q^\top\theta`
    and :math:`q = \theta - Qp`, the distance to the head set
    :math:`C = \{Qw : \|w\| \le c_w\}` is
    :math:`\sqrt{\|q\|^2 + \max(\|p\| - c_w, 0)^2}` (projection onto a ball
    inside a subspace), and :math:`K` is the set of points within :math:`r` of
    :math:`C`, so

    .. math:: \operatorname{dist}(\theta, K) = \max\big(\operatorname{dist}(\theta, C) - r,\ 0\big).

    Without a frame, :math:`\max(\|\theta\| - r, 0)`.  Infinite :math:`c_w` or
    :math:`r` are allowed (:math:`r = \infty` gives 0).

    Parameters
    ----------
    theta : ndarray, shape (d,)
    frame : ndarray, shape (d, k), or None
    head_bound, radius : float
        :math:`c_w`, :math:`r`.

    Returns
    -------
    float
    """
    theta = np.asarray(theta, dtype=float)
    if math.isinf(radius):
        return 0.0
    if frame is None:
        return max(float(np.linalg.norm(theta)) - radius, 0.0)
    Q = orthonormal_frame(np.asarray(frame, dtype=float))
    p = Q.T @ theta
    q = theta - Q @ p
    excess_head = max(float(np.linalg.norm(p)) - head_bound, 0.0) if math.isfinite(head_bound) else 0.0
    return max(math.hypot(float(np.linalg.norm(q)), excess_head) - radius, 0.0)


def trivial_members(theta_star: np.ndarray, frame: np.ndarray | None, head_bound: float,
                    radius: float) -> list[np.ndarray]:
    r"""The zero predictor and the anti-aligned extreme point of :math:`K` (module docstring).

    :math:`\theta_- = -c_w\,Q\,Q^\top\theta^*/\|Q^\top\theta^*\| - r\,\theta^*/\|\theta^*\|`;
    the head part is dropped without a frame, for :math:`c_w = \infty` or
    :math:`Q^\top\theta^* = 0`, the perturbation part for :math:`r = \infty`
    or :math:`\theta^* = 0`.  Both members lie in :math:`K`
    (:math:`\|{-c_w}Q^\top\theta^*/\|Q^\top\theta^*\|\| = c_w`,
    :math:`\|{-r}\,\theta^*/\|\theta^*\|\| = r`).

    Parameters
    ----------
    theta_star : ndarray, shape (d,)
        The target's true logit direction.
    frame, head_bound, radius
        The declared class.

    Returns
    -------
    list of ndarray
        ``[0, theta_minus]`` (``theta_minus`` omitted when both parts are dropped).
    """
    theta_star = np.asarray(theta_star, dtype=float)
    d = theta_star.shape[0]
    anti = np.zeros(d)
    used = False
    if frame is not None and math.isfinite(head_bound) and head_bound > 0:
        Q = orthonormal_frame(np.asarray(frame, dtype=float))
        p = Q.T @ theta_star
        norm_p = float(np.linalg.norm(p))
        if norm_p > 0:
            anti -= head_bound * (Q @ p) / norm_p
            used = True
    norm_t = float(np.linalg.norm(theta_star))
    if math.isfinite(radius) and radius > 0 and norm_t > 0:
        anti -= radius * theta_star / norm_t
        used = True
    return [np.zeros(d), anti] if used else [np.zeros(d)]


def baseline_risks(theta_star: np.ndarray, cls: Any, X: np.ndarray, *, R: float | None = None,
                   covariance: np.ndarray | None = None) -> tuple[float, float]:
    r"""``baseline_excess`` and ``baseline_insample``: the largest risks among :func:`trivial_members`.

    The excess risk of each member is computed by the same exact quadrature
    as ``excess_risk`` (sphere of radius ``R``, or Gaussian with
    ``covariance``), the in-sample risk by the mean KL over the target design.

    Parameters
    ----------
    theta_star : ndarray, shape (d,)
    cls : FineTuningClass
        The learner's declared class (``frame``, ``head_bound``, ``radius``).
    X : ndarray, shape (m, d)
        Target design.
    R : float, optional
        Sphere radius (sphere inputs).
    covariance : ndarray, optional
        Input covariance (Gaussian inputs; used when ``R`` is None).

    Returns
    -------
    (float, float)
    """
    members = trivial_members(theta_star, cls.frame, cls.head_bound, cls.radius)
    if R is not None:
        excess = [logistic_excess_sphere(t, theta_star, R) for t in members]
    else:
        excess = [logistic_excess_gaussian(t, theta_star, covariance) for t in members]
    insample = [logistic_insample_excess(t, theta_star, X) for t in members]
    return float(max(excess)), float(max(insample))


def _span_basis(cls: Any, delta: np.ndarray, theta_hat: np.ndarray, theta_star: np.ndarray) -> np.ndarray | None:
    """Orthonormal basis of V = span(frame) when the class lies in it and Delta does (to rounding), else None."""
    if cls.frame is None or cls.radius != 0.0:
        return None
    Q = orthonormal_frame(np.asarray(cls.frame, dtype=float))
    outside = float(np.linalg.norm(delta - Q @ (Q.T @ delta)))
    scale = float(np.linalg.norm(theta_hat) + np.linalg.norm(theta_star))
    return Q if outside <= SPAN_TOL * max(scale, 1e-300) else None


def certificate_ingredients(X: np.ndarray, y: np.ndarray, theta_hat: np.ndarray, theta_star: np.ndarray, R: float,
                            cls: Any | None = None) -> dict[str, float]:
    r"""The columns ``cert_*`` (module docstring) for inputs uniform on the sphere of radius ``R``.

    Parameters
    ----------
    X : ndarray, shape (m, d)
        Target design, :math:`m \ge d` (else every column is NaN).
    y : ndarray, shape (m,)
        Labels in :math:`\{-1, +1\}`.
    theta_hat, theta_star : ndarray, shape (d,)
        Learned predictor and target truth.
    R : float
        Sphere radius.
    cls : FineTuningClass, optional
        Declared class; used only to choose the subspace :math:`V`.

    Returns
    -------
    dict
        ``cert_gnorm2``, ``cert_fisher`` (``inf`` if :math:`H_{m,V}` is not
        positive definite), ``cert_u``, ``cert_um``, ``cert_vi``, ``cert_dim``.

    Notes
    -----
    :math:`g^\top H_m^{-1}g` by a Cholesky factorisation of :math:`H_m`;
    :math:`\lambda_{\max}` of the pencil :math:`(H, H_m)` by
    :func:`scipy.linalg.eigh`.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    theta_hat = np.asarray(theta_hat, dtype=float)
    theta_star = np.asarray(theta_star, dtype=float)
    m, d = X.shape
    if m < d:
        return {c: float("nan") for c in CERTIFICATE_COLUMNS}
    delta = theta_hat - theta_star
    z = X @ theta_star
    g = X.T @ _LOSS.d1(z, y) / m
    Hm = (X * _LOSS.d2(z, y)[:, None]).T @ X / m
    H = logistic_fisher_sphere(theta_star, R)
    Q = None if cls is None else _span_basis(cls, delta, theta_hat, theta_star)
    if Q is not None:
        g, Hm, H = Q.T @ g, Q.T @ Hm @ Q, Q.T @ H @ Q
    try:
        factor = linalg.cho_factor(Hm, lower=True)
        gnorm2 = float(g @ linalg.cho_solve(factor, g))
        fisher = float(linalg.eigh(H, Hm, eigvals_only=True)[-1])
    except (linalg.LinAlgError, ValueError):
        gnorm2, fisher = float("inf"), float("inf")
    grad_hat = X.T @ _LOSS.d1(X @ theta_hat, y) / m
    return {
        "cert_gnorm2": max(gnorm2, 0.0),
        "cert_fisher": fisher,
        "cert_u": R * float(np.linalg.norm(delta)),
        "cert_um": float(np.max(np.abs(X @ delta))),
        "cert_vi": max(float(grad_hat @ delta), 0.0),
        "cert_dim": float(d if Q is None else Q.shape[1]),
    }


def frame_comparator(theta: np.ndarray, shared: np.ndarray, frame: np.ndarray, radius: float) -> np.ndarray:
    r"""The comparator :math:`\theta_c = QQ^\top a + \operatorname{proj}_r(\theta - QQ^\top a)` of
    ``adaptrep-logistic-e2e``'s target step (docs/theory/adaptrep-logistic-e2e.md, step 6).

    :math:`a = B^* w^*` is the target's shared part (``shared``), :math:`\theta = a + v` the target,
    :math:`Q` an orthonormal basis of the learner's frame and :math:`\operatorname{proj}_r` the
    projection onto the ball of radius :math:`r`.  Its head :math:`Q^\top a` has norm at most
    :math:`\|a\|`, its perturbation norm at most :math:`r`, so it lies in the learner's class when
    :math:`\|a\| \le c_w`; and :math:`\|\theta - \theta_c\| = \max(0, \|(I - QQ^\top)a + v\| - r)
    \le \|(I - QQ^\top)a\|` when :math:`\|v\| \le r`.  It depends on the truth and the frame only,
    not on the target sample.
    """
    Q, _ = np.linalg.qr(np.asarray(frame, dtype=float))
    base = Q @ (Q.T @ np.asarray(shared, dtype=float))
    rest = np.asarray(theta, dtype=float) - base
    norm = float(np.linalg.norm(rest))
    scale = 1.0 if norm <= radius else (radius / norm if norm > 0 else 0.0)
    return base + scale * rest
