r"""The constrained fine-tuning step of the source fit, on per-task spectra.

The source fit of ADAPTREP (:mod:`.shared_frame`) solves, at every sweep and
for every task, the constrained step of :mod:`.finetune` for a new frame.
Done from scratch, each step diagonalises the task's profiled matrix: a
batched ``eigh`` of ``T`` matrices of size ``d x d`` per sweep.  This module
diagonalises each :math:`S_t/n` once for the whole fit and solves every
sweep's step from that spectrum in :math:`O(d^2 k)` per task (the rotation
of the frame into the task's eigenbasis) plus :math:`O(d k^2)` per value of
the multiplier.

Derivation.  For an orthonormal frame :math:`B` only
:math:`\theta = Bw + \delta` enters the loss, and for a given
:math:`\theta` the smallest :math:`\|\delta\|` is :math:`\|P\theta\|`,
:math:`P = I - BB^\top`, reached at :math:`w = B^\top\theta`,
:math:`\delta = P\theta` (this is also the minimum-norm :math:`\delta` of
:func:`.finetune.finetune_step`, whose profiled matrix has
:math:`\operatorname{col}(B)` in its null space).  The step is therefore the
convex problem

.. math:: \min_\theta\ \theta^\top (S/n)\theta - 2\theta^\top g/n
          \quad\text{s.t.}\quad \|P\theta\|_2 \le r,

whose KKT conditions are :math:`K(\mu)\theta = g/n`,
:math:`K(\mu) = S/n + \mu P`, :math:`\mu \ge 0`,
:math:`\mu(r - \|P\theta\|) = 0`.  With :math:`S/n = V\operatorname{diag}(s)V^\top`,
:math:`C = V^\top B` and :math:`D = \operatorname{diag}(s + \mu)`,
:math:`V^\top K V = D - \mu CC^\top` and, by the Woodbury identity
(using :math:`C^\top C = I`),

.. math:: V^\top K^{-1} V = D^{-1} + \mu D^{-1} C M^{-1} C^\top D^{-1},
          \qquad M(\mu) = C^\top \operatorname{diag}\!\Big(\frac{s}{s+\mu}\Big) C,

a :math:`k\times k` positive definite matrix formed as a sum of
non-negative terms (no cancellation).  :math:`\psi(\mu) = \|P\theta(\mu)\|`
is non-increasing (:math:`\psi^{2\prime} = -2(P\theta)^\top K^{-1} P\theta`);
if :math:`\psi(0) \le r` the unconstrained minimiser :math:`S^{-1}g` is the
solution, otherwise :math:`\mu` is the root of :math:`\psi(\mu) = r`, found
by safeguarded Newton steps on :math:`1/\psi - 1/r` inside a bisection
bracket, warm-started at the task's multiplier of the previous sweep, and
the bracket end with :math:`\psi \le r` is returned (feasible to rounding).

A singular :math:`S_t` (eigenvalues at or below ``RCOND`` times the largest
count as zero; e.g. :math:`n < d`) defines :math:`\theta(\mu)` only for
:math:`\mu > 0`: its root is searched above the floor
:math:`\mu_0 =` ``RCOND`` :math:`\max_i s_i` when
:math:`\psi(\mu_0) > r(1 + 10^{-6})`.  Such a task otherwise (interior, with
a minimum-norm convention, or a root below the floor), every task whose
root find does not close and every task whose answer fails the KKT check
:func:`_certified` (relative residual :math:`10^{-11}`) is solved by
:func:`.finetune.finetune_step`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .finetune import FineTuneSolution, finetune_step
from .linalg import RCOND

__all__ = ["TaskSpectra", "task_spectra", "ConstrainedStepper", "PenalizedStepper"]

#: Newton/bisection evaluations of the secular function per step, at most.
_MAX_EVALS = 100
#: Relative width of the multiplier bracket at which the root find stops.
_RTOL_MU = 1e-13
#: Relative margin by which psi at the multiplier floor must exceed r for a singular task's root find.
_FLOOR_MARGIN = 1e-6
#: KKT residual (relative) above which a task's answer is not trusted (see :func:`_certified`).
_KKT_RTOL = 1e-11
#: Relative Newton correction below which the root is considered found (the next error is ~ its square).
_CONVERGED = 1e-9


@dataclass(frozen=True)
class TaskSpectra:
    r"""Eigendecompositions :math:`S_t = V_t\operatorname{diag}(\lambda_t)V_t^\top`.

    Attributes
    ----------
    values : ndarray, shape (T, d)
        Eigenvalues of :math:`S_t` (ascending), from ``numpy.linalg.eigh``.
    vectors : ndarray, shape (T, d, d)
        Eigenvectors (columns).
    nonsingular : ndarray of bool, shape (T,)
        Whether every eigenvalue exceeds ``RCOND`` times the largest.
    """

    values: np.ndarray
    vectors: np.ndarray
    nonsingular: np.ndarray

    def pinv_solve(self, g: np.ndarray) -> np.ndarray:
        r"""Minimum-norm least-squares solutions :math:`S_t^{+} g_t`, shape (T, d).

        The same cut-off as :func:`.linalg.sym_pinv`: eigenvalues at or below
        ``RCOND`` times the largest count as zero.
        """
        lam, U = self.values, self.vectors
        top = np.max(np.abs(lam), axis=-1, keepdims=True)
        keep = lam > RCOND * np.where(top > 0, top, 1.0)
        inv = np.where(keep, 1.0 / np.where(keep, lam, 1.0), 0.0)
        coef = inv * np.matmul(g[:, None, :], U)[:, 0, :]
        return np.matmul(U, coef[:, :, None])[:, :, 0]


def task_spectra(S: np.ndarray) -> TaskSpectra:
    """Diagonalise every task's Gram matrix once (one batched ``eigh``).

    Parameters
    ----------
    S : ndarray, shape (T, d, d)
        :math:`X_t^\\top X_t`.

    Returns
    -------
    TaskSpectra
    """
    lam, U = np.linalg.eigh(S)
    top = np.max(np.abs(lam), axis=-1)
    nonsingular = lam[:, 0] > RCOND * np.where(top > 0, top, 1.0)
    return TaskSpectra(values=lam, vectors=U, nonsingular=nonsingular)


class _SpectralStepper:
    """Per-task spectra and warm-start state shared by the steppers of both forms.

    Parameters
    ----------
    S, g, yy : ndarray
        Sufficient statistics, shapes (T, d, d), (T, d), (T,).
    n : int
        Samples per task.
    spectra : TaskSpectra
        :func:`task_spectra` of ``S``.
    """

    def __init__(self, S: np.ndarray, g: np.ndarray, yy: np.ndarray, n: int, spectra: TaskSpectra) -> None:
        self.S, self.g, self.yy, self.n = S, g, yy, n
        s = spectra.values / n
        top = np.max(np.abs(s), axis=1, keepdims=True)
        null = s <= RCOND * np.where(top > 0, top, 1.0)  # numerically zero eigenvalues
        self.s = np.where(null, 0.0, s)
        self.V = spectra.vectors
        self.Vt = np.swapaxes(self.V, -1, -2)
        self.gh = np.matmul(self.Vt, g[:, :, None])[:, :, 0] / n  # V^T g / n
        self.singular = ~spectra.nonsingular
        #: Smallest multiplier used for a singular S_t: there theta(mu) is only defined for mu > 0.
        self.mu_floor = np.where(self.singular, RCOND * top[:, 0], 0.0)
        theta0 = np.where(null, 0.0, self.gh / np.where(null, 1.0, self.s))
        self.theta0_norm2 = np.sum(theta0 * theta0, axis=1)
        self.theta0 = theta0
        self.mu = np.zeros(g.shape[0])
        self.evaluations = 0

    def _psi_start(self, C: np.ndarray, idx: np.ndarray) -> np.ndarray:
        r""":math:`\|P\theta\|` at the smallest multiplier of the tasks ``idx``.

        :math:`\|PS^{-1}g\|` (multiplier 0) for a non-singular :math:`S_t`,
        :math:`\psi(\mu_0)` at the floor for a singular one.  ``C`` is
        :math:`V^\top B` of all tasks.
        """
        Ci = C[idx]
        proj0 = np.matmul(self.theta0[idx, None, :], Ci)[:, 0, :]
        psi0 = np.sqrt(np.maximum(self.theta0_norm2[idx] - np.sum(proj0 * proj0, axis=1), 0.0))
        sing = self.singular[idx]
        if np.any(sing):
            _, psi2_floor, _ = _secular(self.s[idx][sing], self.gh[idx][sing], Ci[sing], self.mu_floor[idx][sing])
            psi0[sing] = np.sqrt(psi2_floor)
        return psi0

    def _bracketed_root(self, C: np.ndarray, idx: np.ndarray, lo: np.ndarray, start: np.ndarray, newton):
        r"""Safeguarded Newton iteration for an increasing function of the multiplier, per task.

        Parameters
        ----------
        C : ndarray, shape (m, d, k)
            :math:`V^\top B` of the tasks ``idx``.
        idx : ndarray of int, shape (m,)
        lo : ndarray, shape (m,)
            Points known to lie below the roots.
        start : ndarray, shape (m,)
            First multipliers.
        newton : callable
            ``(theta_hat, psi2, quad, mu) -> (past, step, value)`` on the open
            tasks: whether the root is at or below ``mu``, the Newton iterate,
            and what to return at the upper end of the bracket.

        Returns
        -------
        value, mu, done : ndarray
            ``value`` and ``mu`` at the upper end of each bracket, and whether
            it closed: relative width ``_RTOL_MU``, or an upper end whose
            converged Newton correction puts the root within ``_RTOL_MU``
            below it.  Every evaluation moves one end of its task's bracket
            (expanding by 4 while there is no upper end); a Newton iterate
            outside the bracket is replaced by the midpoint; once Newton has
            converged (a correction far below the tolerance, so that its own
            error is negligible) the next point is placed just past the root on
            the side that closes the bracket.  Only open tasks are evaluated.
        """
        m = idx.size
        lo = lo.copy()
        hi = np.full(m, np.inf)
        mu = start.copy()
        value_hi = None
        done = np.zeros(m, dtype=bool)
        s_all, gh_all = self.s[idx], self.gh[idx]
        act = np.arange(m)
        for _ in range(_MAX_EVALS):
            th, psi2, quad = _secular(s_all[act], gh_all[act], C[act], mu[act])
            self.evaluations += 1
            m_a, lo_a, hi_a = mu[act], lo[act], hi[act]
            past, step, value = newton(th, psi2, quad, m_a)
            if value_hi is None:
                value_hi = np.zeros((m,) + value.shape[1:])
            hi_a = np.where(past, m_a, hi_a)
            value_hi[act[past]] = value[past]
            lo_a = np.where(past, lo_a, m_a)
            bounded = np.isfinite(hi_a)
            close = np.isfinite(step) & (np.abs(step - m_a) <= _CONVERGED * m_a)
            done_a = bounded & ((hi_a - lo_a <= _RTOL_MU * hi_a)
                                | (past & close & (m_a - step <= _RTOL_MU * m_a)))
            nudge = np.where(past, 1.0 - 0.5 * _RTOL_MU, 1.0 + 0.5 * _RTOL_MU)
            step = np.where(close, step * nudge, step)
            good = np.isfinite(step) & (step > lo_a) & (step < hi_a)
            fallback = np.where(bounded, 0.5 * (lo_a + hi_a), 4.0 * np.maximum(m_a, 1e-300))
            lo[act], hi[act], done[act] = lo_a, hi_a, done_a
            mu[act] = np.where(done_a, hi_a, np.where(good, step, fallback))
            act = act[~done_a]
            if act.size == 0:
                break
        return value_hi, np.where(done, hi, 0.0), done

    def _solution(self, B: np.ndarray, th: np.ndarray, on_boundary: np.ndarray, ok: np.ndarray,
                  penalty_value: np.ndarray, **form: float) -> FineTuneSolution:
        """Assemble the solution from the eigenbasis; tasks not ``ok`` from :func:`finetune_step`."""
        S, g, n = self.S, self.g, self.n
        theta = np.matmul(self.V, th[:, :, None])[:, :, 0]
        w = theta @ B
        delta = theta - w @ B.T
        # ||y - X theta||^2 / n = y'y/n - 2 theta_hat' g_hat + sum_i s_i theta_hat_i^2 in the eigenbasis.
        objective = np.maximum(self.yy / n - 2.0 * np.sum(th * self.gh, axis=1) + np.sum(self.s * th * th, axis=1),
                               0.0) + penalty_value
        on_boundary = on_boundary.copy()
        slow = ~ok
        if np.any(slow):
            ref = finetune_step(S[slow], g[slow], self.yy[slow], B, n, **form)
            w[slow], delta[slow], theta[slow], on_boundary[slow] = ref.w, ref.delta, ref.theta, ref.on_boundary
            objective[slow] = ref.objective
        return FineTuneSolution(w=w, delta=delta, theta=theta, objective=objective, on_boundary=on_boundary)


class ConstrainedStepper(_SpectralStepper):
    r"""The constrained step :math:`\min_{w,\|\delta\|\le r}` of every task, for any frame.

    Parameters
    ----------
    S, g, yy, n, spectra
        As for the base class: statistics, samples per task, :func:`task_spectra` of ``S``.
    radius : float
        :math:`r > 0`.

    Notes
    -----
    Calling the instance with a frame returns the same
    :class:`~.finetune.FineTuneSolution` as
    :func:`~.finetune.finetune_step` (to rounding; the tests compare them).
    It keeps the last multiplier of every task as the next starting point,
    which changes the number of Newton steps, not the solution.
    """

    def __init__(self, S: np.ndarray, g: np.ndarray, yy: np.ndarray, n: int, radius: float,
                 spectra: TaskSpectra) -> None:
        super().__init__(S, g, yy, n, spectra)
        self.radius = float(radius)

    def __call__(self, B: np.ndarray) -> FineTuneSolution:
        """Solve every task's constrained step for the orthonormal frame ``B`` (d x k)."""
        S, g, n, r = self.S, self.g, self.n, self.radius
        T, d = g.shape
        C = np.matmul(self.Vt, B)  # (T, d, k)
        # Interior: the unconstrained minimiser S^{-1} g already satisfies ||P theta|| <= r.  For a
        # singular S_t, psi at the smallest multiplier decides: above r the root lies beyond it;
        # otherwise the task is interior (a minimum-norm convention applies) or its root lies
        # below the floor, and the task is solved from scratch.
        psi0 = self._psi_start(C, np.arange(T))
        # Rounding in g on null(S) is amplified by 1/mu at the floor: a margin keeps near-ties out.
        ok = ~self.singular | (psi0 > r * (1.0 + _FLOOR_MARGIN))
        boundary = psi0 > r
        th = self.theta0.copy()
        mu_out = np.zeros(T)
        idx = np.flatnonzero(boundary)
        if idx.size:
            th_b, mu_b, ok_b = self._root(C[idx], idx)
            th[idx] = th_b
            mu_out[idx] = mu_b
            ok[idx] &= ok_b & _certified(self.s[idx], self.gh[idx], C[idx], th_b, mu_b)
        self.mu = np.where(ok, mu_out, self.mu)
        return self._solution(B, th, boundary, ok, 0.0, radius=r)

    def _root(self, C: np.ndarray, idx: np.ndarray):
        r"""Root of :math:`\psi(\mu) = r` for the tasks ``idx`` (all with :math:`\psi(\mu_0) > r`).

        Newton steps on the increasing :math:`1/\psi - 1/r`
        (:math:`d(1/\psi)/d\mu = (P\theta)^\top K^{-1}P\theta/\psi^3`) in
        :meth:`_bracketed_root`, started at the previous multiplier or
        :math:`1/r`.  Returns :math:`\hat\theta` at the returned multiplier
        (the end of the bracket with :math:`\psi \le r`), the multiplier and
        whether the bracket closed.
        """
        r = self.radius

        def newton(th, psi2, quad, mu):
            psi = np.sqrt(psi2)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                step = mu - (1.0 / psi - 1.0 / r) * psi**3 / quad
            return psi2 <= r * r, step, th

        lo = self.mu_floor[idx]
        start = np.where(self.mu[idx] > lo, self.mu[idx], np.maximum(1.0 / r, 2.0 * lo))
        return self._bracketed_root(C, idx, lo, start, newton)


class PenalizedStepper(_SpectralStepper):
    r"""The penalised step :math:`\min_{w,\delta}\frac1n\|y - X(Bw+\delta)\|^2 + \rho\|\delta\|` of every task.

    Parameters
    ----------
    S, g, yy, n, spectra
        As for the base class: statistics, samples per task, :func:`task_spectra` of ``S``.
    penalty : float
        :math:`\rho > 0` (finite).

    Notes
    -----
    In :math:`\theta` the step is
    :math:`\min_\theta \theta^\top(S/n)\theta - 2\theta^\top g/n + \rho\|P\theta\|`.
    If the head-only solution :math:`\theta_\infty` (the limit
    :math:`\lambda \to \infty` below) has
    :math:`\|P(g - S\theta_\infty)/n\| \le \rho/2`, it is optimal
    (:math:`\delta = 0`; ``on_boundary`` true, as in
    :func:`~.finetune.finetune_step`).  Otherwise
    :math:`(S/n + \lambda P)\theta = g/n` with :math:`\lambda = \rho/(2\|P\theta\|)`,
    i.e. :math:`\lambda` is the root of the increasing
    :math:`\phi(\lambda) = \lambda\psi(\lambda) = \rho/2`,
    :math:`\phi' = \psi - \lambda\,(P\theta)^\top K^{-1}P\theta/\psi`, found by
    safeguarded Newton steps in a bracket starting at the lower bound
    :math:`\rho/(2\psi(0))` (or the task's previous multiplier), to a relative
    width :math:`10^{-13}`.  Same fallbacks as :class:`ConstrainedStepper`;
    the KKT check also requires :math:`|\lambda\psi - \rho/2| \le 10^{-10}\rho`.
    """

    def __init__(self, S: np.ndarray, g: np.ndarray, yy: np.ndarray, n: int, penalty: float,
                 spectra: TaskSpectra) -> None:
        super().__init__(S, g, yy, n, spectra)
        self.penalty = float(penalty)

    def __call__(self, B: np.ndarray) -> FineTuneSolution:
        """Solve every task's penalised step for the orthonormal frame ``B`` (d x k)."""
        T, d = self.g.shape
        half = 0.5 * self.penalty
        C = np.matmul(self.Vt, B)
        Ct = np.swapaxes(C, 1, 2)
        ok = np.ones(T, dtype=bool)
        # Head-only solution and its profiled residual (orthogonal to the frame by the normal equations).
        M_inf = np.matmul(Ct * self.s[:, None, :], C)
        try:
            w_inf = np.linalg.solve(M_inf, np.matmul(Ct, self.gh[:, :, None]))[:, :, 0]
        except np.linalg.LinAlgError:
            return self._solution(B, np.zeros((T, d)), np.ones(T, dtype=bool), np.zeros(T, dtype=bool), 0.0,
                                  penalty=self.penalty)
        th_inf = np.matmul(C, w_inf[:, :, None])[:, :, 0]
        resid = self.gh - self.s * th_inf
        resid -= np.matmul(C, np.matmul(Ct, resid[:, :, None]))[:, :, 0]
        head_only = np.linalg.norm(resid, axis=1) <= half
        ok &= np.all(np.isfinite(th_inf), axis=1)
        th = th_inf.copy()
        penalty_value = np.zeros(T)
        idx = np.flatnonzero(~head_only)
        if idx.size:
            psi0 = self._psi_start(C, idx)
            lo = self.mu_floor[idx]
            # phi(lo) >= rho/2 puts the root below the floor (singular S_t): from scratch.
            below = lo * psi0 >= half * (1.0 - _FLOOR_MARGIN)
            ok[idx[below]] = False
            th_b, lam, ok_b, psi_b = self._root_penalized(C[idx], idx, lo, psi0)
            th[idx] = th_b
            penalty_value[idx] = self.penalty * psi_b
            good = ok_b & _certified(self.s[idx], self.gh[idx], C[idx], th_b, lam)
            good &= np.abs(lam * psi_b - half) <= 1e-10 * self.penalty
            ok[idx] &= good
            self.mu[idx] = np.where(good, lam, self.mu[idx])
        return self._solution(B, th, head_only, ok, penalty_value, penalty=self.penalty)

    def _root_penalized(self, C: np.ndarray, idx: np.ndarray, lo: np.ndarray, psi0: np.ndarray):
        r"""Root of :math:`\lambda\psi(\lambda) = \rho/2` above ``lo`` for the tasks ``idx``.

        Newton steps on :math:`\phi(\lambda) - \rho/2` in
        :meth:`_bracketed_root`, started at the previous multiplier or the
        lower bound :math:`\rho/(2\psi(\mathrm{lo}))` (:math:`\phi(\lambda) \le \lambda\psi(\mathrm{lo})`).
        Returns :math:`\hat\theta`, :math:`\lambda`, whether the bracket closed
        and :math:`\psi`, at the upper end of the bracket.
        """
        half = 0.5 * self.penalty
        d = C.shape[1]

        def newton(th, psi2, quad, lam):
            psi = np.sqrt(psi2)
            phi = lam * psi
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                step = lam - (phi - half) / (psi - lam * quad / psi)
            return phi >= half, step, np.concatenate([th, psi[:, None]], axis=1)

        with np.errstate(divide="ignore"):
            bound = np.maximum(half / psi0, lo)
        start = np.where(self.mu[idx] > lo, self.mu[idx], np.where(np.isfinite(bound) & (bound > 0), bound, 1.0))
        value, lam, done = self._bracketed_root(C, idx, lo, start, newton)
        return value[:, :d], lam, done, value[:, d]


def _certified(s: np.ndarray, gh: np.ndarray, C: np.ndarray, th: np.ndarray, mu: np.ndarray) -> np.ndarray:
    r"""Whether :math:`\hat\theta` satisfies the KKT system to rounding, per task.

    The residual of :math:`(\operatorname{diag}(s) + \mu(I - CC^\top))\hat\theta = \hat g`
    must be at most ``_KKT_RTOL`` times
    :math:`(\max_i s_i + \mu)\|\hat\theta\| + \|\hat g\|`; this guards the
    Woodbury solve against an ill-conditioned :math:`M(\mu)` (a frame nearly in
    the span of directions where :math:`S_t` is nearly singular).  Tasks that
    fail are solved from scratch.
    """
    proj = np.matmul(C, np.matmul(np.swapaxes(C, 1, 2), th[:, :, None]))[:, :, 0]
    res = s * th + mu[:, None] * (th - proj) - gh
    scale = (s.max(axis=1) + mu) * np.linalg.norm(th, axis=1) + np.linalg.norm(gh, axis=1)
    return np.linalg.norm(res, axis=1) <= _KKT_RTOL * scale


def _secular(s: np.ndarray, gh: np.ndarray, C: np.ndarray, mu: np.ndarray):
    r"""Evaluate the secular function of a batch of tasks at multipliers ``mu``.

    Parameters
    ----------
    s : ndarray, shape (F, d)
        Eigenvalues of :math:`S_t/n`.
    gh : ndarray, shape (F, d)
        :math:`V_t^\top g_t/n`.
    C : ndarray, shape (F, d, k)
        :math:`V_t^\top B`.
    mu : ndarray, shape (F,)
        Multipliers :math:`\mu > 0`.

    Returns
    -------
    theta_hat : ndarray, shape (F, d)
        :math:`V_t^\top\theta_t(\mu)`, :math:`\theta(\mu) = K(\mu)^{-1} g/n`.
    psi2 : ndarray, shape (F,)
        :math:`\psi(\mu)^2 = \|P\theta(\mu)\|^2`.
    quad : ndarray, shape (F,)
        :math:`(P\theta)^\top K(\mu)^{-1} P\theta = -\tfrac12\,d\psi^2/d\mu`.
    """
    Dinv = 1.0 / (s + mu[:, None])
    Ct = np.swapaxes(C, 1, 2)
    Minv = np.linalg.inv(np.matmul(Ct * (s * Dinv)[:, None, :], C))
    MinvCt = np.matmul(Minv, Ct)  # (F, k, d)
    a = Dinv * gh
    z = np.matmul(MinvCt, a[:, :, None])[:, :, 0]
    th = a + mu[:, None] * Dinv * np.matmul(C, z[:, :, None])[:, :, 0]
    u = th - np.matmul(C, np.matmul(Ct, th[:, :, None]))[:, :, 0]  # V^T P theta
    psi2 = np.sum(u * u, axis=1)
    b = Dinv * u
    zz = np.matmul(MinvCt, b[:, :, None])[:, :, 0]
    Ku = b + mu[:, None] * Dinv * np.matmul(C, zz[:, :, None])[:, :, 0]
    return th, psi2, np.sum(u * Ku, axis=1)
