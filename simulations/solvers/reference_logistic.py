"""cvxpy reference for the logistic fine-tuning step (tests only).

The problem is stated exactly as in :mod:`.logistic_finetune` and handed to
CLARABEL through cvxpy's ``logistic`` atom (exponential cone).
"""

from __future__ import annotations

import numpy as np

__all__ = ["logistic_finetune_cvxpy"]


def logistic_finetune_cvxpy(
    X: np.ndarray, y: np.ndarray, B: np.ndarray | None, *, head_bound: float = np.inf, radius: float = 0.0
) -> tuple[np.ndarray, float]:
    """min (1/m) sum log(1 + exp(-y_i x_i'(B w + delta)))  s.t. ||w|| <= head_bound, ||delta|| <= radius.

    Returns the predictor ``B w + delta`` and the optimal value.
    """
    import cvxpy as cp

    m, d = X.shape
    parts, constraints = [], []
    if B is not None:
        w = cp.Variable(B.shape[1])
        parts.append(B @ w)
        if np.isfinite(head_bound):
            constraints.append(cp.norm(w, 2) <= head_bound)
    if radius > 0:
        delta = cp.Variable(d)
        parts.append(delta)
        constraints.append(cp.norm(delta, 2) <= radius)
    theta = parts[0] if len(parts) == 1 else parts[0] + parts[1]
    loss = cp.sum(cp.logistic(-cp.multiply(y, X @ theta))) / m
    problem = cp.Problem(cp.Minimize(loss), constraints)
    problem.solve(solver=cp.CLARABEL)
    if problem.status not in ("optimal", "optimal_inaccurate"):
        raise RuntimeError(f"cvxpy reference failed: {problem.status}")
    return np.asarray(theta.value, dtype=float), float(problem.value)
