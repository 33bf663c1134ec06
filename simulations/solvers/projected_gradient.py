r"""Accelerated projected gradient descent for smooth objectives over convex sets.

Minimise :math:`f(x)` over a closed convex set :math:`C` (given by its
Euclidean projection :math:`P_C`), :math:`f` smooth but not necessarily convex.
The iteration is FISTA (Beck & Teboulle 2009) with

* **backtracking** on the local Lipschitz constant :math:`L`: the step
  :math:`x^+ = P_C(y - \nabla f(y)/L)` is accepted when
  :math:`f(x^+) \le f(y) + \nabla f(y)^\top(x^+ - y) + \frac L2\|x^+ - y\|^2`
  (else :math:`L \leftarrow 2L`); :math:`L` is relaxed by 0.8 after each step;
* **function-value restart** (O'Donoghue & Candès 2015): when
  :math:`f(x^+) > f(x)` the momentum is reset and the step is redone from
  :math:`x`, so the accepted iterates have non-increasing :math:`f` (a
  projected gradient step with the sufficient-decrease condition never
  increases :math:`f`).

It stops when the relative decrease :math:`(f_{prev} - f)/|f_{prev}|` stays
below ``tol`` for ``patience`` consecutive accepted steps (``converged``), or
after ``max_iter`` iterations.  For non-convex :math:`f` the limit points are
stationary (projected-gradient fixed points), not certified global minima.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

__all__ = ["PGResult", "projected_gradient"]


@dataclass(frozen=True)
class PGResult:
    """Result of :func:`projected_gradient`.

    Attributes
    ----------
    x : ndarray
        Final iterate (feasible).
    objective : float
    n_iter : int
    converged : bool
    history : ndarray
        Objective after every accepted step.
    """

    x: np.ndarray
    objective: float
    n_iter: int
    converged: bool
    history: np.ndarray = field(repr=False)


def projected_gradient(
    value_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    project: Callable[[np.ndarray], np.ndarray],
    x0: np.ndarray,
    *,
    max_iter: int = 2000,
    tol: float = 1e-8,
    patience: int = 5,
    lipschitz0: float = 1.0,
    value: Callable[[np.ndarray], float] | None = None,
) -> PGResult:
    """Minimise ``f`` over a convex set by accelerated projected gradient with restarts.

    Parameters
    ----------
    value_grad : callable
        ``x -> (f(x), grad f(x))`` on flat vectors.
    project : callable
        Euclidean projection onto the feasible set.
    x0 : ndarray
        Starting point (projected first).
    max_iter : int
        Maximum number of iterations.
    tol : float
        Relative-decrease tolerance of the stopping rule.
    patience : int
        Consecutive small decreases required to stop.
    lipschitz0 : float
        Initial guess of the gradient's Lipschitz constant.
    value : callable, optional
        ``x -> f(x)`` (cheaper than ``value_grad`` when given).

    Returns
    -------
    PGResult
    """
    val = value if value is not None else (lambda z: value_grad(z)[0])
    x = project(np.asarray(x0, dtype=float))
    f = float(val(x))
    y, t, L = x.copy(), 1.0, float(lipschitz0)
    history = [f]
    small = 0
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        fy, gy = value_grad(y)
        for _ in range(60):
            xn = project(y - gy / L)
            step = xn - y
            with np.errstate(over="ignore", invalid="ignore"):
                fn = float(val(xn))
            if fn <= fy + float(gy @ step) + 0.5 * L * float(step @ step) + 1e-15 * abs(fy):
                break
            L *= 2.0
        if not np.isfinite(fn):  # no finite step even with a tiny 1/L: give up, keep the last iterate
            break
        if fn > f:  # restart: drop the momentum and redo the step from x
            if t == 1.0 and np.array_equal(y, x):
                converged = True  # no descent from x even without momentum: stationary to rounding
                break
            y, t = x.copy(), 1.0
            continue
        t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        y = xn + ((t - 1.0) / t_next) * (xn - x)
        decrease = f - fn
        x, f, t = xn, fn, t_next
        history.append(f)
        L *= 0.8
        small = small + 1 if decrease <= tol * max(abs(history[-2]), 1e-300) else 0
        if small >= patience:
            converged = True
            break
    return PGResult(x=x, objective=f, n_iter=it, converged=converged, history=np.array(history))
