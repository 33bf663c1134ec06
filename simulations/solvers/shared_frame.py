r"""Alternating exact block minimisation of the multi-task source objectives.

The source objective of ADAPTREP (constrained form) is

.. math::

    F(B, \{w_t, \delta_t\}) = \frac1T\sum_{t=1}^T \frac1n
        \|y_t - X_t(B w_t + \delta_t)\|^2,\qquad \|\delta_t\|_2 \le r,

and in the penalised form the constraint is replaced by
:math:`+\rho\|\delta_t\|_2` inside the mean.  FROZENREP is the special case
:math:`r = 0`.  Only :math:`\operatorname{span}(B)` matters, so ``B`` is kept
orthonormal.  The method alternates two exact block updates, each a global
minimisation of :math:`F` over its block, so :math:`F` never increases:

1. given :math:`B`, every task's :math:`(w_t, \delta_t)` by the exact
   fine-tuning step (:func:`.finetune.finetune_step`, batched over tasks; in
   the constrained form with :math:`r > 0`, the same step solved from one
   eigendecomposition of each :math:`S_t` for the whole fit,
   :class:`.task_spectra.ConstrainedStepper`);
2. given :math:`\{w_t, \delta_t\}`, :math:`B` by the normal equations
   :math:`\sum_t S_t B w_t w_t^\top = \sum_t (g_t - S_t\delta_t) w_t^\top`,
   a :math:`dk \times dk` linear system
   :math:`(\sum_t w_t w_t^\top \otimes S_t)\operatorname{vec}B = \operatorname{vec}(\dots)`;
   then :math:`B` is re-orthonormalised (only its span matters) and step 1
   re-solves the heads and perturbations exactly on the new frame, which can
   only lower :math:`F` further.

The frame step is over-relaxed when that helps: the step
:math:`B + \omega(B_{exact} - B)` is tried with a growing factor
:math:`\omega \le 4` and kept only if it does not increase :math:`F`
(otherwise the exact step is taken and :math:`\omega` reset), so :math:`F`
never increases.  It stops when the relative decrease of
:math:`F` over one sweep falls below ``tol``.  The problem is non-convex: the
result is a block-coordinate stationary point.  With several initial frames
each is run for a few sweeps and the one with the lowest objective is
continued.  The continuation (default) is Riemannian L-BFGS on
:math:`f(B) = \min_{\{w_t,\delta_t\}} F(B, \cdot)` over the Grassmannian, whose
gradient :math:`-\frac{2}{nT}\sum_t (g_t - S_t\theta_t)w_t^\top` (Danskin)
comes free with the tasks' exact steps (:func:`_refine`): alternating
minimisation converges linearly and, where the tasks' Gram matrices are
ill-conditioned (:math:`n` near :math:`d`), can stop in a flat valley far from
a stationary point; ``method="alternating"`` keeps sweeping instead.  The balancing term :math:`\|B^\top B - W W^\top\|_F^2` of the
authors' simulation is not needed: it only removes the scale invariance
:math:`(B, W) \to (BC, C^{-1}W)`, which the orthonormal parametrisation removes
as well, and it does not change the minimising predictors (every product
:math:`BW` has a balanced factorisation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy.linalg import cho_factor, cho_solve

from .finetune import FineTuneSolution, finetune_step
from .linalg import orthonormal_frame
from .task_spectra import ConstrainedStepper, PenalizedStepper, TaskSpectra, task_spectra

__all__ = ["SharedFrameFit", "fit_shared_frame"]

#: Largest over-relaxation factor of the frame step.
_OMEGA_MAX = 4.0
#: Pairs kept by the L-BFGS refinement.
_LBFGS_MEMORY = 10
#: Armijo constant and smallest step of the refinement's line search.
_ARMIJO = 1e-4
_MIN_STEP = 1e-10
#: Outer methods after the screening sweeps.
METHODS = ("lbfgs", "alternating")
#: Ways of solving the constrained form's steps.
STEPS = ("spectra", "scratch")


@dataclass(frozen=True)
class SharedFrameFit:
    """Result of :func:`fit_shared_frame`.

    Attributes
    ----------
    frame : ndarray, shape (d, k)
        Orthonormal learned frame.
    heads : ndarray, shape (T, k)
    deltas : ndarray, shape (T, d)
    objective : float
        Source objective reached.
    n_iter : int
        Outer iterations of the kept run: its alternating sweeps, plus its
        L-BFGS iterations.
    converged : bool
        Whether the kept run met its stopping rule before ``max_iter``.
    history : ndarray
        Objective after every sweep and L-BFGS iteration of the kept run
        (empty for solvers that do not record it).
    init_objectives : tuple of float
        Objective reached from each initial frame after the screening sweeps.
    """

    frame: np.ndarray
    heads: np.ndarray
    deltas: np.ndarray
    objective: float
    n_iter: int
    converged: bool
    history: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    init_objectives: tuple[float, ...] = ()


def _update_frame(S, g, heads, deltas):
    T, d, _ = S.shape
    k = heads.shape[1]
    # H[(i, a), (j, b)] = sum_t w_ti w_tj S_t[a, b]: the k(k+1)/2 distinct blocks as one matrix
    # product (k(k+1)/2 x T) @ (T x d^2), then block (j, i) = block (i, j).
    iu, ju = np.triu_indices(k)
    pair = np.empty((k, k), dtype=int)
    pair[iu, ju] = pair[ju, iu] = np.arange(iu.size)
    blocks = (heads[:, iu] * heads[:, ju]).T @ S.reshape(T, d * d)
    H = blocks[pair].reshape(k, k, d, d).transpose(0, 2, 1, 3).reshape(k * d, k * d)
    R = (g - np.matmul(S, deltas[:, :, None])[:, :, 0]).T @ heads
    rhs = R.T.reshape(-1)
    try:  # H is positive semi-definite: Cholesky when it is definite, least squares otherwise
        vec = cho_solve(cho_factor(H, check_finite=False), rhs, check_finite=False)
        if not np.all(np.isfinite(vec)):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        vec = np.linalg.lstsq(H, rhs, rcond=None)[0]
    return vec.reshape(k, d).T


def _step_solver(S, g, yy, n, radius, penalty, spectra, steps="spectra") -> Callable[[np.ndarray], FineTuneSolution]:
    """The exact fine-tuning step of every task for a given frame, as a function of the frame.

    With ``steps="spectra"`` the constrained form with ``radius > 0`` uses
    :class:`.task_spectra.ConstrainedStepper` and the penalised form with a
    finite ``penalty > 0`` :class:`.task_spectra.PenalizedStepper`;
    everything else :func:`.finetune.finetune_step`.
    """
    if steps == "spectra" and radius is not None and radius > 0:
        return ConstrainedStepper(S, g, yy, n, radius, task_spectra(S) if spectra is None else spectra)
    if steps == "spectra" and penalty is not None and 0 < penalty < np.inf:
        return PenalizedStepper(S, g, yy, n, penalty, task_spectra(S) if spectra is None else spectra)

    def solve(frame: np.ndarray) -> FineTuneSolution:
        return finetune_step(S, g, yy, frame, n, radius=radius, penalty=penalty)

    return solve


def _run(S, g, n, frame, step, solve, max_iter, tol):
    """Alternating sweeps from ``frame`` (whose step is ``step``, or ``None`` to solve it)."""
    k = frame.shape[1]
    step = solve(frame) if step is None else step
    history = [float(step.objective.mean())]
    converged = False
    omega = 1.0
    it = 0
    for it in range(1, max_iter + 1):
        # Exact frame update in the gauge of the current heads: B_old w_t + delta_t = theta_t.
        B_exact = _update_frame(S, g, step.w, step.delta)
        accepted = False
        if omega > 1.0:
            # Over-relaxed step along B_exact - B_old, kept when it does not increase the objective.
            B_over = frame + omega * (B_exact - frame)
            if np.linalg.matrix_rank(B_over) == k:
                trial_frame = orthonormal_frame(B_over)
                trial = solve(trial_frame)
                if trial.objective.mean() <= history[-1]:
                    frame, step, accepted = trial_frame, trial, True
                    omega = min(omega * 1.5, _OMEGA_MAX)
        if not accepted:
            omega = 1.0 if omega > 1.0 else 1.5
            if np.linalg.matrix_rank(B_exact) == k:
                frame = orthonormal_frame(B_exact)
            step = solve(frame)
        history.append(float(step.objective.mean()))
        prev, cur = history[-2], history[-1]
        if prev - cur <= tol * max(abs(prev), 1e-300):
            converged = True
            break
    return frame, step, np.array(history), it, converged


def _riemannian_gradient(S: np.ndarray, g: np.ndarray, n: int, frame: np.ndarray,
                         step: FineTuneSolution) -> np.ndarray:
    r"""Gradient of :math:`f(B) = F(B, \{w_t(B), \delta_t(B)\})` on the Grassmannian.

    By Danskin's theorem (each task's step is the unique minimiser of a
    problem whose feasible set depends on :math:`B` only through
    :math:`P = I - BB^\top`), :math:`\nabla_B f` is the partial derivative of
    the task objectives at their optimal :math:`\theta_t = Bw_t + \delta_t`
    with :math:`w_t` held: :math:`-\frac{2}{nT}\sum_t (g_t - S_t\theta_t) w_t^\top`
    (with the KKT conditions :math:`(g_t - S_t\theta_t)/n = \mu_t\delta_t`
    this is :math:`-\frac2T\sum_t\mu_t\delta_tw_t^\top`, in all three
    forms).  Projected onto the tangent space :math:`\{Z : B^\top Z = 0\}`.
    """
    T = S.shape[0]
    resid = g - np.matmul(S, step.theta[:, :, None])[:, :, 0]
    G = -(2.0 / (n * T)) * (resid.T @ step.w)
    return G - frame @ (frame.T @ G)


def _refine(S, g, n, frame, step, solve, max_iter, tol, memory=_LBFGS_MEMORY):
    r"""Riemannian L-BFGS on :math:`f(B)` from ``frame`` (whose step is ``step``).

    Directions from the two-loop recursion over the last ``memory`` pairs
    (vector transport: projection onto the new tangent space; initial scale
    :math:`s^\top y / y^\top y`, or a rotation of 0.1 along the negative
    gradient at the start or after a reset), retraction
    :math:`B \mapsto \operatorname{qf}(B + tp)`, Armijo backtracking from
    :math:`t = 1` (so :math:`f` never increases).  A direction that is not a
    descent direction resets the memory.  Stops when the relative decrease
    stays at most ``tol`` for two iterations in a row, when the line search
    finds no decrease (stationary to rounding), or after ``max_iter``
    iterations.
    """
    f = float(step.objective.mean())
    G = _riemannian_gradient(S, g, n, frame, step)
    history = [f]
    pairs: list[tuple[np.ndarray, np.ndarray, float]] = []
    small = 0
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        q = G.copy()
        alphas = []
        for s_k, y_k, rho in reversed(pairs):
            a = rho * float(np.sum(s_k * q))
            alphas.append(a)
            q -= a * y_k
        if pairs:
            s_k, y_k, _ = pairs[-1]
            q *= float(np.sum(s_k * y_k)) / float(np.sum(y_k * y_k))
        else:
            q *= 0.1 / max(float(np.linalg.norm(G)), 1e-300)
        for (s_k, y_k, rho), a in zip(pairs, reversed(alphas)):
            q += s_k * (a - rho * float(np.sum(y_k * q)))
        direction = -(q - frame @ (frame.T @ q))
        slope = float(np.sum(G * direction))
        if not slope < 0:
            pairs = []
            direction = -G * (0.1 / max(float(np.linalg.norm(G)), 1e-300))
            slope = float(np.sum(G * direction))
        if not slope < 0:  # zero gradient: stationary
            converged = True
            break
        t = 1.0
        accepted = False
        while t >= _MIN_STEP:
            trial_frame = orthonormal_frame(frame + t * direction)
            trial = solve(trial_frame)
            f_trial = float(trial.objective.mean())
            if f_trial <= f + _ARMIJO * t * slope:
                accepted = True
                break
            t *= 0.5
        if not accepted:  # no decrease along a descent direction: stationary to rounding
            converged = True
            break
        G_new = _riemannian_gradient(S, g, n, trial_frame, trial)

        def transport(Z: np.ndarray) -> np.ndarray:
            return Z - trial_frame @ (trial_frame.T @ Z)

        s_new = transport(t * direction)
        y_new = G_new - transport(G)
        pairs = [(transport(s_k), transport(y_k), rho) for s_k, y_k, rho in pairs]
        sy = float(np.sum(s_new * y_new))
        if sy > 1e-16 * float(np.sum(s_new * s_new)) ** 0.5 * float(np.sum(y_new * y_new)) ** 0.5:
            pairs = (pairs + [(s_new, y_new, 1.0 / sy)])[-memory:]
        decrease = f - f_trial
        frame, step, f, G = trial_frame, trial, f_trial, G_new
        history.append(f)
        small = small + 1 if decrease <= tol * max(abs(f + decrease), 1e-300) else 0
        if small >= 2:
            converged = True
            break
    return frame, step, np.array(history), it, converged


def fit_shared_frame(
    S: np.ndarray,
    g: np.ndarray,
    yy: np.ndarray,
    n: int,
    inits: list[np.ndarray],
    *,
    radius: float | None = None,
    penalty: float | None = None,
    max_iter: int = 500,
    tol: float = 1e-7,
    screen_iter: int = 5,
    spectra: TaskSpectra | None = None,
    method: str = "lbfgs",
    steps: str = "spectra",
) -> SharedFrameFit:
    r"""Fit a shared frame: screening sweeps of exact block updates, then L-BFGS or more sweeps.

    Parameters
    ----------
    S, g, yy : ndarray
        Per-task sufficient statistics :math:`X_t^\top X_t` (T, d, d),
        :math:`X_t^\top y_t` (T, d), :math:`y_t^\top y_t` (T,).
    n : int
        Samples per task.
    inits : list of ndarray, shape (d, k)
        Initial frames.  Each is run for ``screen_iter`` alternating sweeps
        (with ``method="alternating"`` and a single frame: for ``max_iter``)
        and only the one with the lowest objective is continued.
    radius, penalty : float, optional
        Constrained (``radius``; 0 gives FROZENREP) or penalised form.
    max_iter : int
        Maximum number of iterations per initial frame (sweeps, then L-BFGS
        iterations).
    tol : float
        Relative objective decrease under which a run stops (for L-BFGS: on
        two iterations in a row).
    spectra : TaskSpectra, optional
        :func:`.task_spectra.task_spectra` of ``S``, if already computed.
        The constrained form with ``radius > 0`` solves its steps from it
        (:class:`.task_spectra.ConstrainedStepper`, diagonalising each
        :math:`S_t` once instead of each task's profiled matrix every
        sweep); it is computed here when not given.
    method : {"lbfgs", "alternating"}
        How the screened frame is continued: ``"lbfgs"`` (default) by
        Riemannian L-BFGS on :math:`f(B) = \min_{\{w_t,\delta_t\}} F`
        (:func:`_refine`), always run to its own stopping rule;
        ``"alternating"`` by more alternating sweeps, unless the screening
        already met the tolerance.  Alternating minimisation can crawl for
        hundreds of sweeps in a flat valley, and its stopping rule (a small
        decrease per sweep) can stop it there far from a stationary point;
        this happens near :math:`n = d`, where the tasks' Gram matrices are
        ill-conditioned (``docs/linear.md``).
    steps : {"spectra", "scratch"}
        How the constrained form's steps are solved: from the per-task
        spectra (default), or each from scratch by
        :func:`.finetune.finetune_step` (the reference, and the method before
        the spectra; same solutions to rounding).

    Returns
    -------
    SharedFrameFit
    """
    if not inits:
        raise ValueError("at least one initial frame is needed")
    if method not in METHODS:
        raise ValueError(f"parameter 'method' must be one of {', '.join(map(repr, METHODS))}; got {method!r}")
    if steps not in STEPS:
        raise ValueError(f"parameter 'steps' must be one of {', '.join(map(repr, STEPS))}; got {steps!r}")
    solve = _step_solver(S, g, yy, n, radius, penalty, spectra, steps)
    runs = []
    for frame0 in inits:
        budget = max_iter if (len(inits) == 1 and method == "alternating") else min(screen_iter, max_iter)
        runs.append(_run(S, g, n, orthonormal_frame(frame0), None, solve, budget, tol))
    screened = tuple(float(run[2][-1]) for run in runs)
    frame, step, history, it, converged = min(runs, key=lambda run: run[2][-1])
    if it < max_iter and (method == "lbfgs" or not converged):
        more_run = _refine if method == "lbfgs" else _run
        frame, step, more, extra, converged = more_run(S, g, n, frame, step, solve, max_iter - it, tol)
        history = np.concatenate([history, more[1:]])
        it += extra
    return SharedFrameFit(
        frame=frame,
        heads=step.w,
        deltas=step.delta,
        objective=float(history[-1]),
        n_iter=int(it),
        converged=bool(converged),
        history=history,
        init_objectives=screened,
    )
