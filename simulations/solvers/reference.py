"""cvxpy reference formulations: slow, obviously correct, used only by tests.

Each function states the problem exactly as written in the docs and hands it
to a conic solver; the fast solvers are checked against them.
"""

from __future__ import annotations

import numpy as np

__all__ = ["trust_region_cvxpy", "norm_penalized_cvxpy", "finetune_cvxpy", "least_squares_cvxpy"]


def _solve(problem):
    import cvxpy as cp

    problem.solve(solver=cp.CLARABEL)
    if problem.status not in ("optimal", "optimal_inaccurate"):
        raise RuntimeError(f"cvxpy reference failed: {problem.status}")
    return problem.value


def trust_region_cvxpy(A: np.ndarray, b: np.ndarray, radius: float) -> tuple[np.ndarray, float]:
    """min x'Ax - 2b'x s.t. ||x|| <= radius (A PSD)."""
    import cvxpy as cp

    x = cp.Variable(A.shape[0])
    obj = cp.quad_form(x, cp.psd_wrap((A + A.T) / 2)) - 2 * b @ x
    value = _solve(cp.Problem(cp.Minimize(obj), [cp.norm(x, 2) <= radius]))
    return x.value, value


def norm_penalized_cvxpy(A: np.ndarray, b: np.ndarray, penalty: float) -> tuple[np.ndarray, float]:
    """min x'Ax - 2b'x + penalty ||x|| (A PSD)."""
    import cvxpy as cp

    x = cp.Variable(A.shape[0])
    obj = cp.quad_form(x, cp.psd_wrap((A + A.T) / 2)) - 2 * b @ x + penalty * cp.norm(x, 2)
    value = _solve(cp.Problem(cp.Minimize(obj)))
    return x.value, value


def finetune_cvxpy(
    X: np.ndarray, y: np.ndarray, B: np.ndarray, *, radius: float | None = None, penalty: float | None = None
) -> tuple[np.ndarray, float]:
    """min_{w, delta} ||y - X(Bw + delta)||^2/m  s.t. ||delta|| <= radius  (or + penalty ||delta||).

    Returns the predictor ``B w + delta`` and the optimal value.
    """
    import cvxpy as cp

    m, d = X.shape
    w = cp.Variable(B.shape[1])
    delta = cp.Variable(d)
    loss = cp.sum_squares(y - X @ (B @ w + delta)) / m
    if radius is not None:
        problem = cp.Problem(cp.Minimize(loss), [cp.norm(delta, 2) <= radius])
    else:
        problem = cp.Problem(cp.Minimize(loss + penalty * cp.norm(delta, 2)))
    value = _solve(problem)
    return B @ w.value + delta.value, value


def least_squares_cvxpy(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """min_theta ||y - X theta||^2/m."""
    import cvxpy as cp

    theta = cp.Variable(X.shape[1])
    value = _solve(cp.Problem(cp.Minimize(cp.sum_squares(y - X @ theta) / X.shape[0])))
    return theta.value, value
