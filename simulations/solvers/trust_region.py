r"""Ball-constrained and norm-penalised quadratic minimisation, batched.

Both problems are solved exactly from an eigendecomposition
:math:`A = U \operatorname{diag}(\lambda) U^\top` and a one-dimensional
monotone root find to machine precision (safeguarded Newton steps that
shrink a bisection bracket, then bisection), vectorised over a batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TrustRegionSolution", "solve_trust_region", "solve_norm_penalized", "quadratic_value"]

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
