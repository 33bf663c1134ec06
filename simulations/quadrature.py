r"""Expectations of functions of two linear projections of a random input (2-D rules).

For a predictor pair :math:`(\theta, \hat\theta)` the population risks of the
``logistic`` setting are expectations :math:`E f(x^\top\theta, x^\top\hat\theta)`.
:mod:`simulations.risk_logistic` reduces them exactly to one-dimensional
integrals; the direct two-dimensional rules here are the independent
cross-check the tests use (they converge slowly when the logits are large,
because the integrand varies on scale 1 while the input law has scale
:math:`\sqrt{C_{11}}`).  Two input laws are supported, each by a deterministic
quadrature refined until two successive rules agree to ``tol``:

* :func:`gaussian_pair_expectation`: :math:`x \sim N(0, \Sigma)`, so
  :math:`(a, b) = (x^\top\theta, x^\top\hat\theta) \sim N(0, C)` with
  :math:`C = [\theta, \hat\theta]^\top\Sigma[\theta, \hat\theta]`; tensor
  Gauss-Hermite rule (probabilists' weight :math:`e^{-z^2/2}`) after
  :math:`(a, b) = Lz`, :math:`LL^\top = C` (symmetric square root, so singular
  :math:`C` is fine).
* :func:`sphere_pair_expectation`: :math:`x` uniform on the sphere of radius
  :math:`R` in :math:`\mathbb{R}^d`.  With :math:`(e_1, e_2)` an orthonormal
  basis of a plane containing :math:`\theta, \hat\theta`, the projection
  :math:`z = (x^\top e_1, x^\top e_2)/R` has, for :math:`d \ge 3`, the density
  :math:`\frac{\alpha + 1}{\pi}(1 - |z|^2)^{\alpha}` on the unit disk,
  :math:`\alpha = (d - 4)/2` (the classical marginal of the uniform
  distribution on the sphere).  In polar coordinates :math:`z = \rho(\cos\phi, \sin\phi)`:

  .. math:: E f = \frac{\alpha+1}{\pi}\int_0^{2\pi}\!\!\int_0^1
            f\big(R\rho\,u_\phi^\top p,\ R\rho\,u_\phi^\top q\big)
            (1-\rho)^{\alpha}\,(1+\rho)^{\alpha}\rho\,d\rho\,d\phi,

  with :math:`p, q` the coordinates of :math:`\theta, \hat\theta` in the
  plane: Gauss-Jacobi in :math:`\rho` (weight :math:`(1-\rho)^\alpha`) and the
  trapezoidal rule in the periodic :math:`\phi`.  :math:`d = 2` (the circle)
  uses the trapezoidal rule alone, :math:`d = 1` the two points :math:`\pm R`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import numpy as np
from scipy.special import roots_hermitenorm, roots_jacobi

__all__ = ["gaussian_pair_expectation", "sphere_pair_expectation", "plane_coordinates", "QuadratureError"]

PairFunction = Callable[[np.ndarray, np.ndarray], np.ndarray]

#: Absolute agreement of two successive rules at which the refinement stops.
DEFAULT_TOL = 1e-11
_START = 24
_MAX = 1536


class QuadratureError(RuntimeError):
    """Raised when the refinement does not reach the tolerance."""


@lru_cache(maxsize=32)
def _hermite(n: int) -> tuple[np.ndarray, np.ndarray]:
    z, w = roots_hermitenorm(n)
    return z, w / w.sum()


@lru_cache(maxsize=64)
def _jacobi(n: int, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    x, w = roots_jacobi(n, alpha, 0.0)
    return (x + 1.0) / 2.0, w * 2.0 ** (-alpha - 1.0)


def _sqrt_psd(C: np.ndarray) -> np.ndarray:
    lam, U = np.linalg.eigh((C + C.T) / 2)
    return U * np.sqrt(np.clip(lam, 0.0, None))


def _refine(rule: Callable[[int], float], tol: float) -> float:
    n = _START
    prev = rule(n)
    while n < _MAX:
        n *= 2
        cur = rule(n)
        if abs(cur - prev) <= tol * max(1.0, abs(cur)):
            return cur
        prev = cur
    raise QuadratureError(f"quadrature did not reach tolerance {tol:g} with {n} nodes per dimension")


def gaussian_pair_expectation(f: PairFunction, C: np.ndarray, tol: float = DEFAULT_TOL) -> float:
    r""":math:`E f(a, b)` for :math:`(a, b) \sim N(0, C)` by tensor Gauss-Hermite quadrature.

    Parameters
    ----------
    f : callable
        Vectorised ``f(a, b)``.
    C : ndarray, shape (2, 2)
        Covariance (positive semi-definite).
    tol : float
        Stop when two successive rules (node counts doubling from 24 up to
        1536 per dimension) agree to ``tol * max(1, |value|)``.
    """
    L = _sqrt_psd(np.asarray(C, dtype=float))

    def rule(n: int) -> float:
        z, w = _hermite(n)
        z1, z2 = np.meshgrid(z, z, indexing="ij")
        a = L[0, 0] * z1 + L[0, 1] * z2
        b = L[1, 0] * z1 + L[1, 1] * z2
        return float(w @ f(a, b) @ w)

    return _refine(rule, tol)


def plane_coordinates(theta: np.ndarray, theta_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates ``p, q`` of two vectors in an orthonormal basis of a plane containing both."""
    theta = np.asarray(theta, dtype=float)
    theta_hat = np.asarray(theta_hat, dtype=float)
    d = theta.shape[0]
    M = np.column_stack([theta, theta_hat, np.eye(d)[:, : min(d, 2)]])
    Q, _ = np.linalg.qr(M)
    E = Q[:, : min(d, 2)]
    return E.T @ theta, E.T @ theta_hat


def sphere_pair_expectation(
    f: PairFunction, theta: np.ndarray, theta_hat: np.ndarray, R: float, tol: float = DEFAULT_TOL
) -> float:
    r""":math:`E f(x^\top\theta, x^\top\hat\theta)` for :math:`x` uniform on the sphere of radius ``R``.

    See the module docstring for the rule (Gauss-Jacobi x trapezoid in polar
    coordinates of the two-dimensional marginal).
    """
    d = np.asarray(theta).shape[0]
    p, q = plane_coordinates(theta, theta_hat)
    if d == 1:
        a, b = R * p[0], R * q[0]
        return float(0.5 * (f(np.array(a), np.array(b)) + f(np.array(-a), np.array(b * -1.0))))
    if d == 2:
        def circle(n: int) -> float:
            phi = 2 * np.pi * np.arange(4 * n) / (4 * n)
            u = np.stack([np.cos(phi), np.sin(phi)])
            return float(np.mean(f(R * (p @ u), R * (q @ u))))

        return _refine(circle, tol)
    alpha = (d - 4) / 2.0

    def disk(n: int) -> float:
        rho, w = _jacobi(n, alpha)
        phi = 2 * np.pi * np.arange(2 * n) / (2 * n)
        u = np.stack([np.cos(phi), np.sin(phi)])
        a = R * np.outer(rho, p @ u)
        b = R * np.outer(rho, q @ u)
        radial = w * (1 + rho) ** alpha * rho
        return float((alpha + 1) / np.pi * (radial @ f(a, b)).mean() * 2 * np.pi)

    return _refine(disk, tol)
