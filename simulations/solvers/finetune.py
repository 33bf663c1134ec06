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

A single task in the constrained form (a batch of one, as in the target step
of the learners) takes a lean path: the head's normal matrix
:math:`M` is Cholesky-factorised, :math:`A` and :math:`b` are formed with
:math:`C = S\hat B L_M^{-\top}` as :math:`A = (S - CC^\top)/m`, and the
trust-region subproblem is solved without an eigendecomposition by
:func:`.trust_region.solve_psd_trust_region` (Lanczos start, Cholesky
Newton).  Its answer is kept only when certified -- the KKT conditions of
the full problem, :math:`\|S\theta - g + m\mu\delta\| \le 10^{-10}
(\operatorname{tr}(S)\|\theta\| + \|g\|)`, with :math:`\|\delta\| = r`
(:math:`\mu > 0`) or :math:`\hat B^\top\delta = 0` (interior,
minimum-norm), and :math:`M` well conditioned; otherwise, and for batches,
the penalised form and rounding-level :math:`b`, the eigendecomposition path
runs.  Both return the same minimiser up to rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg.lapack import dpotrf, dpotrs, dtrcon, dtrtrs

from .linalg import sym_pinv
from .trust_region import solve_norm_penalized, solve_psd_trust_region, solve_trust_region

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


def _head_only(S: np.ndarray, g: np.ndarray, yy: np.ndarray, B: np.ndarray, count: int) -> FineTuneSolution:
    r"""The step with :math:`\delta = 0`: least squares over the head only, batched.

    :math:`M = \hat B^\top S\hat B`, :math:`w = M^{+}\hat B^\top g` (minimum
    norm when :math:`M` is singular), :math:`\theta = \hat Bw`, and the mean
    squared error :math:`(y^\top y - 2w^\top\hat B^\top g + w^\top Mw)/m`
    from :math:`k`-dimensional quantities (the profiled :math:`d\times d`
    matrix of the other forms is not needed).
    """
    SB = S @ B  # (batch, d, k)
    M = np.swapaxes(SB, -1, -2) @ B
    Btg = g @ B
    w = np.matmul(sym_pinv(M), Btg[:, :, None])[:, :, 0]
    quad = np.matmul(w[:, None, :], np.matmul(M, w[:, :, None]))[:, 0, 0]
    objective = np.maximum(yy - 2.0 * np.sum(w * Btg, axis=1) + quad, 0.0) / count
    return FineTuneSolution(w=w, delta=np.zeros_like(g), theta=w @ B.T, objective=objective,
                            on_boundary=np.ones(g.shape[0], dtype=bool))


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

    Notes
    -----
    ``radius = 0`` (or ``penalty = inf``) is the head-only step
    (:func:`_head_only`, any batch).  Otherwise a batch of one task in the
    constrained form is first solved by the certified lean path
    :func:`_finetune_single` (see the module docstring); everything else, and
    whatever that path cannot certify, by the eigendecomposition path
    :func:`_finetune_batched`.
    """
    if (radius is None) == (penalty is None):
        raise ValueError("give exactly one of 'radius' (constrained form) and 'penalty' (penalised form)")
    if (radius is not None and radius == 0) or (penalty is not None and np.isinf(penalty)):
        return _head_only(S, g, yy, B, count)
    if radius is not None:
        single = _finetune_single(S, g, yy, B, count, radius)
        if single is not None:
            return single
    return _finetune_batched(S, g, yy, B, count, radius=radius, penalty=penalty)


def _finetune_batched(S: np.ndarray, g: np.ndarray, yy: np.ndarray, B: np.ndarray, count: int, *,
                      radius: float | None = None, penalty: float | None = None) -> FineTuneSolution:
    r"""The eigendecomposition path of :func:`finetune_step` (any batch, both forms, :math:`\delta \ne 0`)."""
    A, b, Minv = _profile(S, g, B, count)
    if radius is not None:
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


#: The lean path needs the head's normal matrix M = B'SB well conditioned: reciprocal condition
#: estimate (1-norm) of its Cholesky factor at least this (cond(M) below about 1e6).
_HEAD_RCOND = 1e-3
#: KKT certificate of the lean path: ||S theta - g + m mu delta|| <= this * (tr(S) ||theta|| + ||g||).
_KKT_TOL = 1e-10
#: A profiled b of norm <= this * ||g|| / m is rounding noise (the data are fit by the frame):
#: left to the eigendecomposition path and its conventions.
_B_NOISE = 1e-6
#: Scalar types of ``radius`` and ``yy`` the lean path accepts.
_SCALARS = (float, int, np.floating, np.integer)


def _finetune_single(
    S: np.ndarray, g: np.ndarray, yy: np.ndarray, B: np.ndarray, count: int, radius: float
) -> FineTuneSolution | None:
    r"""Constrained fine-tuning step of a single task without eigendecompositions, or ``None``.

    Same problem, same solution conventions and same return value as
    :func:`finetune_step` (``radius`` form, batch of one).

    Parameters
    ----------
    S : ndarray, shape (1, d, d)
    g : ndarray, shape (1, d)
    yy : ndarray, shape (1,) or float
    B : ndarray, shape (d, k)
        Full column rank, :math:`k < d`.
    count : int
    radius : float

    Returns
    -------
    FineTuneSolution or None
        ``None`` when the inputs are outside the lean path's scope (other
        shapes or dtypes, invalid radius, ill-conditioned :math:`M`,
        rounding-level :math:`b`) or its answer could not be certified.

    Notes
    -----
    With :math:`M = \hat B^\top S\hat B = L L^\top`, :math:`C^\top = L^{-1}(S\hat B)^\top`
    and :math:`u = L^{-1}\hat B^\top g`:
    :math:`A = (S - C C^\top)/m` (exactly symmetric),
    :math:`b = (g - C u)/m`.  :math:`A \hat B = 0` and
    :math:`\hat B^\top b = 0`, so the trust-region solution lies in
    :math:`\operatorname{col}(\hat B)^\perp` (the minimum-norm convention);
    it comes from :func:`.trust_region.solve_psd_trust_region`, with the
    frame as known null space (an interior :math:`\delta` is certified
    orthogonal to it there) and :math:`A` flagged singular when
    :math:`m < d` (interior solutions are then left to the fallback).  Then
    :math:`w = M^{-1}\hat B^\top(g - S\delta)`,
    :math:`\theta = \hat B w + \delta`, and the KKT conditions of the full
    problem, :math:`S\theta - g + m\mu\delta = 0`, are checked.
    """
    if not (isinstance(S, np.ndarray) and isinstance(g, np.ndarray) and isinstance(B, np.ndarray)
            and isinstance(radius, _SCALARS)):
        return None
    if isinstance(yy, np.ndarray):
        if yy.ndim > 1 or yy.size != 1:
            return None
        yyv = float(yy[0]) if yy.ndim else float(yy)
    elif isinstance(yy, _SCALARS):
        yyv = float(yy)
    else:
        return None
    if S.ndim != 3 or S.shape[0] != 1 or B.ndim != 2:
        return None
    d, k = B.shape
    if S.shape[1:] != (d, d) or g.shape != (1, d) or not 0 < k < d:
        return None
    if S.dtype != np.float64 or g.dtype != np.float64 or B.dtype != np.float64:
        return None
    r = float(radius)
    m = count
    if not (math.isfinite(r) and r > 0 and m > 0):  # r = 0 is the head-only step (_head_only)
        return None
    S2 = S[0]
    g1 = g[0]
    SB = S2 @ B
    M = B.T @ SB
    Lm, info = dpotrf(M, lower=1, clean=1)
    if info or not dtrcon(Lm, norm="1", uplo="L")[0] >= _HEAD_RCOND:
        return None
    Btg = B.T @ g1
    Ct = dtrtrs(Lm, SB.T, lower=1)[0]  # (k, d)
    u = dtrtrs(Lm, Btg, lower=1)[0]
    A = S2 - Ct.T @ Ct
    A *= 1.0 / m
    b = g1 - u @ Ct
    b *= 1.0 / m
    gnorm = math.sqrt(float(g1 @ g1))
    bnorm = math.sqrt(float(b @ b))
    if not bnorm > _B_NOISE * gnorm / m:
        return None
    tr = solve_psd_trust_region(A, b, r, null_frame=B, singular=m < d, certify=False)
    if tr is None:
        return None
    delta, mu, on_boundary = tr.x, tr.multiplier, tr.on_boundary
    resid_g = g1 - S2 @ delta
    w = dpotrs(Lm, B.T @ resid_g, lower=1)[0]
    SBw = SB @ w
    theta = B @ w
    theta += delta
    # KKT of the full problem: (S theta - g)/m + mu delta = 0, with S theta - g = S B w - (g - S delta).
    kkt = SBw - resid_g
    kkt += (m * mu) * delta
    scale = float(S2.trace()) * math.sqrt(float(theta @ theta)) + gnorm
    if not math.sqrt(float(kkt @ kkt)) <= _KKT_TOL * scale:
        return None
    quad = float(theta @ (S2 @ theta))
    objective = max(yyv - 2.0 * float(theta @ g1) + quad, 0.0) / m
    return FineTuneSolution(w=w[None], delta=delta[None], theta=theta[None],
                            objective=np.array([objective]), on_boundary=np.array([bool(on_boundary)]))


def head_only_step(S: np.ndarray, g: np.ndarray, yy: np.ndarray, B: np.ndarray, count: int) -> FineTuneSolution:
    """Least squares over the head only (``delta = 0``), minimum-norm when rank-deficient."""
    return finetune_step(S, g, yy, B, count, radius=0.0)
