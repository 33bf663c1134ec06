r"""Ball-constrained and norm-penalised quadratic minimisation, batched.

Both problems are solved exactly from an eigendecomposition
:math:`A = U \operatorname{diag}(\lambda) U^\top` and a one-dimensional
monotone root find to machine precision (safeguarded Newton steps that
shrink a bisection bracket, then bisection), vectorised over a batch.

:func:`solve_psd_trust_region` is a single-instance fast path for positive
semi-definite ``A`` without the eigendecomposition: a few Lanczos steps give
a Gauss-quadrature lower bound of the multiplier, Cholesky factorisations of
:math:`A + \mu I` finish Moré and Sorensen's Newton iteration, and the answer
is returned only when it is certified (else ``None``, and the caller uses
:func:`solve_trust_region`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg.lapack import dpotrf, dpotrs, dstev, dtrcon, dtrtrs

__all__ = ["TrustRegionSolution", "solve_trust_region", "solve_norm_penalized", "quadratic_value",
           "solve_psd_trust_region"]

_BISECTION_STEPS = 200
#: Safeguarded Newton steps that shrink the bracket before the bisection.
_NEWTON_STEPS = 30
#: Relative size under which an eigenvalue, or a component of b, counts as zero.
_ZERO = 1e-10


@dataclass(frozen=True)
class TrustRegionSolution:
    """Solution of a batch of trust-region subproblems.

    Attributes
    ----------
    x : ndarray, shape (batch, d)
        Minimisers.
    multiplier : ndarray, shape (batch,)
        Lagrange multiplier of the ball constraint (0 when inactive) or, for
        the penalised problem, ``penalty / (2 ||x||)``.
    on_boundary : ndarray of bool, shape (batch,)
        Whether the constraint is active.
    """

    x: np.ndarray
    multiplier: np.ndarray
    on_boundary: np.ndarray


def quadratic_value(A: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    r""":math:`x^\top A x - 2 b^\top x`, batched."""
    return np.einsum("...i,...ij,...j->...", x, A, x) - 2.0 * np.einsum("...i,...i->...", b, x)


def _as_batch(A: np.ndarray, b: np.ndarray, r: np.ndarray | float):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    single = A.ndim == 2
    if single:
        A, b = A[None], b[None]
    if A.ndim != 3 or A.shape[1] != A.shape[2] or b.shape != A.shape[:2]:
        raise ValueError(f"A must be (batch, d, d) and b (batch, d); got {A.shape} and {b.shape}")
    r = np.broadcast_to(np.asarray(r, dtype=float), A.shape[:1]).copy()
    if np.any(~np.isfinite(r)) or np.any(r < 0):
        raise ValueError("parameter 'radius' must be finite and >= 0")
    return A, b, r, single


def _eig(A: np.ndarray, eig: tuple[np.ndarray, np.ndarray] | None):
    if eig is not None:
        return eig
    return np.linalg.eigh((A + np.swapaxes(A, -1, -2)) / 2)


def _newton_bracket(lam: np.ndarray, beta: np.ndarray, r: np.ndarray, lo: np.ndarray,
                    hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Shrink brackets ``[lo, hi]`` of the roots of :math:`\|x(\mu)\| = r` to rounding width.

    Safeguarded Newton steps on :math:`\phi(\mu) = 1/\|x(\mu)\| - 1/r`,
    :math:`\|x(\mu)\|^2 = \sum_i \beta_i^2/(\lambda_i + \mu)^2`, which is
    increasing and concave on :math:`(\mu_0, \infty)` (Moré and Sorensen,
    1983): from the left of the root Newton's iterates increase to it
    quadratically without overshooting.  Every evaluated point moves ``lo``
    (``||x|| > r``) or ``hi`` (``||x|| <= r``), exactly as a bisection step
    would, so the invariant of the bisection that follows is kept; a step
    outside the bracket is replaced by the midpoint.  Finally the point just
    above ``lo`` is tried as ``hi``.  The bisection then only has to confirm
    the width (it is a fallback for brackets this does not close).

    Parameters
    ----------
    lam, beta : ndarray, shape (batch, d)
        Eigenvalues (ascending) and :math:`U^\top b`.
    r : ndarray, shape (batch,)
        Positive radii.
    lo, hi : ndarray, shape (batch,)
        Brackets: ``||x(lo)|| > r >= ||x(hi)||``.

    Returns
    -------
    lo, hi : ndarray
        The tightened brackets.
    """
    eps = np.finfo(float).eps
    tiny = np.finfo(float).tiny
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        start = np.max(np.abs(beta) / r[:, None] - lam, axis=1)  # ||x(mu)|| >= |beta_i|/(lam_i + mu)
        mu = np.where((start > lo) & (start < hi), start, 0.5 * (lo + hi))
        r2 = r * r
        for _ in range(_NEWTON_STEPS):
            den = lam + mu[:, None]
            den = np.where(den > 0, den, tiny)
            q = beta / den
            q2 = q * q
            n2 = q2.sum(axis=1)
            too_long = n2 > r2
            lo = np.where(too_long, np.maximum(lo, mu), lo)
            hi = np.where(too_long, hi, np.minimum(hi, mu))
            norm = np.sqrt(n2)
            step = mu - (1.0 / norm - 1.0 / r) * (n2 * norm) / (q2 / den).sum(axis=1)
            mu = np.where(np.isfinite(step) & (step > lo) & (step < hi), step, 0.5 * (lo + hi))
            if (np.all(hi - lo <= 4 * eps * np.maximum(hi, 1e-300))
                    or np.all(np.abs(step - lo) <= 2 * eps * np.maximum(lo, 1e-300))):
                break
    # Close the bracket just above lo when that point is not too long.
    cand = lo + 2 * eps * np.maximum(lo, 1e-300)
    den = lam + cand[:, None]
    den = np.where(den > 0, den, tiny)
    ok = (np.sum((beta / den) ** 2, axis=1) <= r**2) & (cand < hi)
    hi = np.where(ok, cand, hi)
    return lo, hi


def solve_trust_region(
    A: np.ndarray,
    b: np.ndarray,
    radius: np.ndarray | float,
    eig: tuple[np.ndarray, np.ndarray] | None = None,
) -> TrustRegionSolution:
    r"""Minimise :math:`x^\top A x - 2 b^\top x` subject to :math:`\|x\|_2 \le r`.

    Parameters
    ----------
    A : ndarray, shape (d, d) or (batch, d, d)
        Symmetric matrices (indefinite allowed).
    b : ndarray, shape (d,) or (batch, d)
    radius : float or ndarray, shape (batch,)
        Non-negative radii.
    eig : tuple, optional
        Precomputed ``numpy.linalg.eigh(A)``.

    Returns
    -------
    TrustRegionSolution

    Notes
    -----
    The global minimiser satisfies (Moré and Sorensen, 1983)

    .. math:: (A + \mu I) x = b,\quad A + \mu I \succeq 0,\quad \mu \ge 0,
              \quad \mu (r - \|x\|) = 0.

    With :math:`\beta = U^\top b` and :math:`\lambda_1 \le \dots \le \lambda_d`,
    :math:`\|x(\mu)\|^2 = \sum_i \beta_i^2 / (\lambda_i + \mu)^2` is decreasing
    on :math:`(\max(0, -\lambda_1), \infty)`.  If the unconstrained
    minimum-norm stationary point at :math:`\mu_0 = \max(0, -\lambda_1)` is
    feasible (its components along the eigenvectors of
    :math:`\lambda_i + \mu_0 = 0` vanish) it is returned, completed in the
    "hard case" (:math:`\mu_0 > 0`) by a step along the bottom eigenvector up
    to the boundary.  Otherwise :math:`\mu` is the unique root of
    :math:`\|x(\mu)\| = r` in :math:`(\mu_0, \mu_0 + \|b\|/r]`, bracketed
    by safeguarded Newton steps (:func:`_newton_bracket`) and bisection to a
    relative width :math:`4\varepsilon`; the upper end is returned.  Among several minimisers (singular PSD ``A``) the one of
    minimum norm is returned.
    """
    A, b, r, single = _as_batch(A, b, radius)
    lam, U = _eig(A, eig)
    beta = np.einsum("bji,bj->bi", U, b)
    batch, d = b.shape
    scale = np.maximum(np.abs(lam).max(axis=1), 1e-300)
    # Eigenvalues within rounding of zero count as zero (PSD input must not trigger the hard case).
    mu0 = np.where(-lam[:, 0] > _ZERO * scale, -lam[:, 0], 0.0)
    shifted0 = lam + mu0[:, None]
    singular = shifted0 <= _ZERO * scale[:, None]
    bnorm = np.linalg.norm(b, axis=1)
    beta_sing = np.where(singular, beta, 0.0)
    sing_ok = np.linalg.norm(beta_sing, axis=1) <= _ZERO * np.maximum(bnorm, 1e-300) * 1e2
    safe = np.where(singular, 1.0, shifted0)
    z0 = np.where(singular, 0.0, beta / safe)
    n0 = np.linalg.norm(z0, axis=1)
    interior = sing_ok & (n0 <= r)
    # Root find on the boundary for the others.
    lo = mu0.copy()
    hi = mu0 + bnorm / np.where(r > 0, r, 1.0) + scale * 1e-12
    need = ~interior & (r > 0)
    if np.any(need):
        lo_n, hi_n = lo[need], hi[need]
        lam_n, beta_n, r_n = lam[need], beta[need], r[need]
        lo_n, hi_n = _newton_bracket(lam_n, beta_n, r_n, lo_n, hi_n)
        for _ in range(_BISECTION_STEPS):
            mid = 0.5 * (lo_n + hi_n)
            den = lam_n + mid[:, None]
            den = np.where(den > 0, den, np.finfo(float).tiny)
            too_long = np.sum((beta_n / den) ** 2, axis=1) > r_n**2
            lo_n = np.where(too_long, mid, lo_n)
            hi_n = np.where(too_long, hi_n, mid)
            if np.all(hi_n - lo_n <= 4 * np.finfo(float).eps * np.maximum(hi_n, 1e-300)):
                break
        mu_n = hi_n
        z_n = beta_n / (lam_n + mu_n[:, None])
        z = z0.copy()
        z[need] = z_n
        mu = mu0.copy()
        mu[need] = mu_n
    else:
        z = z0.copy()
        mu = np.where(interior, mu0, 0.0)
    # Hard case: interior stationary point with mu0 > 0 -> move along the bottom eigenvector.
    hard = interior & (mu0 > 0)
    if np.any(hard):
        extra = np.sqrt(np.maximum(r[hard] ** 2 - n0[hard] ** 2, 0.0))
        z_h = z0[hard].copy()
        z_h[:, 0] += extra
        z[hard] = z_h
    mu = np.where(interior, mu0, mu)
    zero_r = r == 0
    z[zero_r] = 0.0
    x = np.einsum("bij,bj->bi", U, z)
    on_boundary = (~interior | hard) & ~zero_r
    sol = TrustRegionSolution(x=x, multiplier=mu, on_boundary=on_boundary | zero_r)
    if single:
        return TrustRegionSolution(x=sol.x[0], multiplier=sol.multiplier[0], on_boundary=sol.on_boundary[0])
    return sol


def solve_norm_penalized(
    A: np.ndarray,
    b: np.ndarray,
    penalty: np.ndarray | float,
    eig: tuple[np.ndarray, np.ndarray] | None = None,
) -> TrustRegionSolution:
    r"""Minimise :math:`x^\top A x - 2 b^\top x + \rho \|x\|_2` for PSD ``A``.

    Notes
    -----
    The objective is convex.  :math:`x = 0` is optimal iff
    :math:`\|b\| \le \rho / 2`.  Otherwise :math:`x = (A + \lambda I)^{-1} b`
    with :math:`\lambda = \rho / (2\|x\|)`, the unique root of the increasing
    function :math:`\psi(\lambda) = \lambda \|(A + \lambda I)^{-1} b\|` at
    level :math:`\rho / 2`, found by bisection on :math:`\log \lambda`.
    ``b`` must lie in the range of ``A`` (else the problem may be unbounded).
    """
    A, b, rho, single = _as_batch(A, b, penalty)
    lam, U = _eig(A, eig)
    lam = np.maximum(lam, 0.0)
    beta = np.einsum("bji,bj->bi", U, b)
    bnorm = np.linalg.norm(b, axis=1)
    half = rho / 2
    active = bnorm > half
    scale = np.maximum(lam.max(axis=1), 1e-300)
    null = lam <= _ZERO * scale[:, None]
    beta_null = np.linalg.norm(np.where(null, beta, 0.0), axis=1)
    if np.any(active & (beta_null > half) & (beta_null > 1e-8 * np.maximum(bnorm, 1e-300))):
        raise ValueError("norm-penalised problem is unbounded below: b has a component outside the range of A larger than penalty/2")
    x = np.zeros_like(b)
    mult = np.full(b.shape[0], np.inf)
    if np.any(active):
        lam_a, beta_a, half_a, bn = lam[active], beta[active], half[active], bnorm[active]
        # psi(l) >= bn * l / (lam_max + l): at l_hi = lam_max * half / (bn - half) (times 2) psi >= half.
        hi = np.log(2 * scale[active] * half_a / (bn - half_a) + 1e-300) + 1.0
        lo = np.full_like(hi, np.log(1e-300))
        for _ in range(_BISECTION_STEPS):
            mid = 0.5 * (lo + hi)
            l = np.exp(mid)
            psi = l * np.linalg.norm(beta_a / (lam_a + l[:, None]), axis=1)
            small = psi < half_a
            lo = np.where(small, mid, lo)
            hi = np.where(small, hi, mid)
            if np.all(hi - lo <= 1e-15 * np.maximum(np.abs(hi), 1.0)):
                break
        l = np.exp(0.5 * (lo + hi))
        z = beta_a / (lam_a + l[:, None])
        x[active] = np.einsum("bij,bj->bi", U[active], z)
        mult[active] = l
    sol = TrustRegionSolution(x=x, multiplier=mult, on_boundary=~active)
    if single:
        return TrustRegionSolution(x=sol.x[0], multiplier=sol.multiplier[0], on_boundary=sol.on_boundary[0])
    return sol


# --------------------------------------------------------------------------------------------
# Single-instance fast path for positive semi-definite A: Lanczos start + Cholesky Newton.
# --------------------------------------------------------------------------------------------

#: Cholesky factorisations the fast path may spend before giving up (the caller then falls back).
_FAST_FACTORISATIONS = 40
#: A Newton step with |step| <= this * mu is applied to x to first order instead of refactorising.
_FAST_LINEAR = 1e-7
#: Boundary certificate: | ||x|| - r | <= this * r.
_FAST_NORM = 1e-10
#: Residual certificate: ||(A + mu I) x - b|| <= this * ((tr A + mu) ||x|| + ||b||).
_FAST_RESIDUAL = 1e-11
#: Interior certificate: reciprocal condition estimate (1-norm) of the Cholesky factor at mu = 0
#: (cond(A) below about 1e8, far from the 1e-10 relative cut-off of :func:`solve_trust_region`).
_FAST_RCOND = 1e-4
#: Boundary multipliers below this * max(theta_max, ||b|| / r) are not certified (rounding-level).
_FAST_MU_FLOOR = 1e-9


def default_lanczos_steps(d: int) -> int:
    r"""Lanczos steps of :func:`solve_psd_trust_region` in dimension ``d``.

    Returns :math:`\min(12, \max(1, \lfloor d/16 \rfloor))`.  One Lanczos
    step costs a matrix-vector product and a few vector operations (Python
    call overhead dominates below :math:`d \approx 50`); one Newton step
    costs an :math:`O(d^3)` Cholesky factorisation.  The balance gives a
    single step (the Rayleigh quotient) at :math:`d = 20` and six at
    :math:`d = 100`.
    """
    return min(12, max(1, d // 16))


def _lanczos(A: np.ndarray, b: np.ndarray, bnorm: float, steps: int) -> tuple[list[float], list[float]]:
    r"""Lanczos tridiagonalisation of ``A`` on the Krylov space of ``b``, with full reorthogonalisation.

    Parameters
    ----------
    A : ndarray, shape (d, d)
        Symmetric.
    b : ndarray, shape (d,)
        Start vector, :math:`\|b\| =` ``bnorm`` :math:`> 0`.
    steps : int
        Dimension :math:`j` of the Krylov space :math:`\mathcal K_j(A, b)`.

    Returns
    -------
    alpha, beta : list of float
        Diagonal (length :math:`j' \le j`) and off-diagonal (length :math:`j' - 1`)
        of :math:`T = Q^\top A Q`, :math:`Q` an orthonormal basis of the Krylov
        space (classical Gram--Schmidt against all previous vectors);
        :math:`j' < j` when the space is invariant.  Only a starting point
        is derived from it, so one Gram--Schmidt pass is enough.
    """
    if steps == 1:
        return [float(b @ (A @ b)) / (bnorm * bnorm)], []
    d = b.shape[0]
    Q = np.empty((steps, d))
    np.divide(b, bnorm, out=Q[0])
    alpha: list[float] = []
    beta: list[float] = []
    for i in range(steps):
        qi = Q[i]
        v = A @ qi
        if i == steps - 1:
            alpha.append(float(qi @ v))
            break
        P = Q[: i + 1]
        h = P @ v
        v -= h @ P
        alpha.append(float(h[i]))
        nv = math.sqrt(float(v @ v))
        if not nv > 1e-13 * max(alpha):  # invariant Krylov space: T is exact
            break
        beta.append(nv)
        np.divide(v, nv, out=Q[i + 1])
    return alpha, beta


def _gauss_multiplier(alpha: list[float], beta: list[float], bnorm: float, r: float) -> tuple[float, float]:
    r"""Multiplier of the trust-region problem restricted to the Krylov space: a lower bound of :math:`\mu^*`.

    With :math:`T = U \operatorname{diag}(\vartheta) U^\top` the Lanczos matrix
    (LAPACK ``dstev``),
    :math:`\|b\|^2 e_1^\top (T + \mu I)^{-2} e_1 = \sum_i c_i / (\vartheta_i + \mu)^2`,
    :math:`c_i = \|b\|^2 U_{1i}^2`, is the Gauss quadrature rule of
    :math:`\|x(\mu)\|^2 = b^\top (A + \mu I)^{-2} b` for the spectral measure of
    ``b``; :math:`(\lambda + \mu)^{-2}` has positive even derivatives, so the
    rule is a lower bound for every :math:`\mu > 0`, and its root
    :math:`\mu_j` (where it equals :math:`r^2`) is :math:`\le \mu^*` (Golub and
    Meurant, 2010).  The one-point rule gives
    :math:`\mu_1 = \|b\|/r - b^\top A b/\|b\|^2`; from
    :math:`\max(\mu_1, 0)` Newton's method on
    :math:`1/\sqrt{\sum_i c_i/(\vartheta_i+\mu)^2} - 1/r` (concave and
    increasing) climbs monotonically to :math:`\mu_j`.

    Returns
    -------
    mu : float
        :math:`\mu_j`, or 0 when the restricted problem has an interior solution.
    theta_max : float
        Largest Ritz value (a lower bound of :math:`\lambda_{\max}(A)`).
    """
    mu1 = bnorm / r - alpha[0]
    if len(alpha) == 1:
        return max(mu1, 0.0), alpha[0]
    theta, U, info = dstev(np.array(alpha), np.array(beta), compute_v=1)  # tridiagonal T = U diag U'
    if info:
        return max(mu1, 0.0), max(alpha)
    c = ((bnorm * U[0]) ** 2).tolist()
    theta = theta.tolist()
    theta_max = theta[-1]
    if not theta_max > 0:  # not PSD (or A = 0 on the Krylov space): no model, the caller's factorisation decides
        return max(mu1, 0.0), theta_max
    # Start at the one-point bound, kept off the pole of the smallest Ritz value.
    mu = max(mu1, 0.0, 1e-12 * theta_max - theta[0])
    r2 = r * r
    for it in range(60):
        n2 = dn = 0.0
        for t, ci in zip(theta, c):
            iv = 1.0 / (t + mu)
            v = ci * iv * iv
            n2 += v
            dn += v * iv
        if not n2 > r2:  # at the root (rounding); at the start below mu1 <= 0: interior
            return (0.0 if it == 0 and mu1 <= 0 else mu), theta_max
        nx = math.sqrt(n2)
        step = (nx - r) / r * n2 / dn
        mu += step
        if step <= 1e-6 * mu:  # error after this step O(1e-12), below the model's own accuracy
            break
    return mu, theta_max


def _cholesky_newton(
    mat: np.ndarray, b: np.ndarray, r: float, mu: float, hi: float, floor: float
) -> tuple[np.ndarray, float, np.ndarray, bool] | None:
    r"""Moré--Sorensen Newton iteration on :math:`1/\|x(\mu)\| - 1/r`, :math:`x(\mu) = (\text{mat} + \mu I)^{-1} b`.

    Each step factorises :math:`\text{mat} + \mu I = L L^\top` (LAPACK
    ``dpotrf``), solves for :math:`x`, and with :math:`q = L^{-1} x` steps
    :math:`\mu \leftarrow \mu + (\|x\|/\|q\|)^2 (\|x\| - r)/r`, kept in the
    bracket ``(lo, hi)`` of the root (else the midpoint, or ``1e-3 hi`` while
    ``lo = 0``).  When the step is below ``_FAST_LINEAR`` :math:`\cdot\mu` it is
    applied to first order, :math:`x(\mu + s) = x - s(\text{mat}+\mu I)^{-1}x + O(s^2/\mu^2)`,
    which leaves a relative error :math:`O(10^{-14})` in :math:`x` and (Newton
    being quadratic) in :math:`\mu`.  At :math:`\mu = 0` with
    :math:`\|x\| \le r` the interior point is returned; a failed
    factorisation at :math:`\mu = 0` (singular ``mat``) restarts from ``hi``.

    Returns
    -------
    tuple or None
        ``(x, mu, L, interior)``, or ``None`` when a factorisation at
        :math:`\mu > 0` fails, the root is below ``floor`` or the iteration
        does not converge.
    """
    d = b.shape[0]
    work = np.empty((d, d))
    diag = work.reshape(-1)[:: d + 1]
    lo = 0.0
    for _ in range(_FAST_FACTORISATIONS):
        np.copyto(work, mat)
        if mu:
            diag += mu
        L, info = dpotrf(work.T, lower=1, overwrite_a=1, clean=0)  # work is symmetric: work.T is Fortran-ordered
        if info:
            if mu > 0:
                return None
            mu = hi
            continue
        x = dpotrs(L, b, lower=1)[0]
        n2 = float(x @ x)
        if not math.isfinite(n2):
            return None
        nx = math.sqrt(n2)
        if mu == 0.0 and nx <= r:
            return x, 0.0, L, True
        q = dtrtrs(L, x, lower=1)[0]
        step = (nx - r) / r * n2 / float(q @ q)
        if nx > r:
            lo = mu
        else:
            hi = mu
            if hi < floor:
                return None
        if abs(step) <= _FAST_LINEAR * mu:
            x -= step * dtrtrs(L, q, lower=1, trans=1)[0]
            return x, mu + step, L, False
        new = mu + step
        if not lo < new < hi:
            new = 0.5 * (lo + hi) if lo > 0 else 1e-3 * hi
        mu = new
    return None


def solve_psd_trust_region(
    A: np.ndarray,
    b: np.ndarray,
    radius: float,
    *,
    null_frame: np.ndarray | None = None,
    singular: bool = False,
    lanczos_steps: int | None = None,
    certify: bool = True,
) -> TrustRegionSolution | None:
    r"""Minimise :math:`x^\top A x - 2 b^\top x` s.t. :math:`\|x\|_2 \le r` for one PSD ``A``, or ``None``.

    A fast path for :func:`solve_trust_region` (no eigendecomposition) that
    returns the same minimiser when it can certify it and ``None`` otherwise.

    Parameters
    ----------
    A : ndarray, shape (d, d)
        Symmetric positive semi-definite.
    b : ndarray, shape (d,)
    radius : float
        :math:`r \ge 0`.
    null_frame : ndarray, shape (d, p), optional
        A basis :math:`N` of a subspace with :math:`A N = 0` and
        :math:`N^\top b = 0` (for the fine-tuning step: the frame).  Interior
        solutions are then looked for with :math:`A + s N N^\top`,
        :math:`s = \operatorname{tr}(A)/(d - p)`, whose inverse applied to
        ``b`` is :math:`A^{+} b` when :math:`A` is definite on
        :math:`N^\perp`.
    singular : bool
        ``A`` is known to be singular beyond ``null_frame`` (for the
        fine-tuning step: fewer samples than dimensions).  Interior solutions
        are then minimum-norm ones and not attempted: ``None`` as soon as the
        Krylov-restricted problem has an interior solution (:math:`\mu_j = 0`).
    lanczos_steps : int, optional
        Krylov dimension of the starting multiplier (default
        :func:`default_lanczos_steps`).
    certify : bool
        Also check the residual :math:`\|(A + \mu I)x - b\|` (a caller that
        checks the KKT conditions of its own problem may skip it).

    Returns
    -------
    TrustRegionSolution or None
        ``x`` (d,), ``multiplier`` and ``on_boundary`` as scalars; ``None``
        when the answer could not be certified (the caller must then use
        :func:`solve_trust_region`).

    Notes
    -----
    For PSD :math:`A` the minimiser is :math:`x(\mu) = (A + \mu I)^{-1} b` at
    the root :math:`\mu^* > 0` of :math:`\|x(\mu)\| = r` when
    :math:`\|A^{+} b\| > r`, else the minimum-norm interior point
    :math:`A^{+} b` (Moré and Sorensen, 1983).

    1. ``lanczos_steps`` Lanczos steps from ``b`` give the multiplier
       :math:`\mu_j \le \mu^*` of the problem restricted to the Krylov space
       (:func:`_gauss_multiplier`), typically within :math:`10^{-3}` to
       :math:`10^{-8}` of :math:`\mu^*`.
    2. Newton's method on :math:`1/\|x(\mu)\| - 1/r` from :math:`\mu_j`, one
       Cholesky factorisation of :math:`A + \mu I` per step
       (:func:`_cholesky_newton`); from the left of the root it converges
       monotonically and quadratically, usually in one or two steps.
    3. Certification: on the boundary, :math:`|\|x\| - r| \le 10^{-10} r`
       and :math:`\mu` well above rounding level (so that :math:`A + \mu I`
       is definite and the minimiser unique); in the interior (only tried when
       :math:`\mu_j = 0`), a Cholesky factor at :math:`\mu = 0` whose
       condition estimate shows the matrix far from singular (so that
       :math:`A^{+} b` is what was computed); with ``certify`` the relative
       residual of :math:`(A + \mu I)x = b`.  Singular interior problems
       (minimum-norm solutions), rounding-level multipliers and failed
       factorisations return ``None``.
    """
    b = np.asarray(b, dtype=float)
    A = np.asarray(A, dtype=float)
    r = float(radius)
    if not (math.isfinite(r) and r >= 0):
        raise ValueError("parameter 'radius' must be finite and >= 0")
    d = b.shape[0]
    if A.shape != (d, d):
        raise ValueError(f"A must be (d, d) and b (d,); got {A.shape} and {b.shape}")
    if r == 0:
        return TrustRegionSolution(x=np.zeros(d), multiplier=0.0, on_boundary=True)
    bb = float(b @ b)
    if bb == 0.0:
        return TrustRegionSolution(x=np.zeros(d), multiplier=0.0, on_boundary=False)
    if not math.isfinite(bb):
        return None
    bnorm = math.sqrt(bb)
    steps = default_lanczos_steps(d) if lanczos_steps is None else max(1, min(int(lanczos_steps), d))
    alpha, beta = _lanczos(A, b, bnorm, steps)
    mu_start, theta_max = _gauss_multiplier(alpha, beta, bnorm, r)
    hi = bnorm / r  # ||x(mu)|| <= ||b|| / mu for PSD A
    if not (math.isfinite(mu_start) and math.isfinite(theta_max)):
        return None
    floor = _FAST_MU_FLOOR * max(theta_max, hi)
    mat = A
    if mu_start > 0:
        mu = min(mu_start, hi)
    elif singular:  # most likely a minimum-norm interior solution: not certifiable here
        return None
    else:
        mu = 0.0
        if null_frame is not None:
            p = null_frame.shape[1]
            if p >= d:
                return None
            s = float(np.trace(A)) / (d - p)
            if not s > 0:
                return None
            mat = A + s * (null_frame @ null_frame.T)
    out = _cholesky_newton(mat, b, r, mu, hi, floor)
    if out is None:
        return None
    x, mu, L, interior = out
    nx = math.sqrt(float(x @ x))
    if interior:
        rcond = dtrcon(L, norm="1", uplo="L")[0]
        if not rcond >= _FAST_RCOND:
            return None
        if null_frame is not None and not np.linalg.norm(null_frame.T @ x) <= 1e-8 * nx:  # minimum norm
            return None
    else:
        if not abs(nx - r) <= _FAST_NORM * r:
            return None
        if not mu >= floor:
            return None
    if certify:
        res = A @ x
        res += mu * x
        res -= b
        scale = (float(np.trace(A)) + mu) * nx + bnorm
        if not math.sqrt(float(res @ res)) <= _FAST_RESIDUAL * scale:
            return None
    return TrustRegionSolution(x=x, multiplier=mu, on_boundary=not interior)
