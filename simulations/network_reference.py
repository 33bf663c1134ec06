r"""Reference columns of the ``network`` family: trivial baselines, optimality gaps, exact expectations.

Everything here is computed from the learner's *declared* class
(:meth:`~simulations.learners.base.Learner.fine_tuning_class`: first layer
:math:`W` = ``cls.frame``, head bound :math:`c_w`, radius :math:`r`) and the
target truth, with its own linear algebra (no call into the learners'
solvers), so that comparing the learner's realised risks with these columns
tests the learner, the data generation and the risk functions together.
Notation: :math:`\phi(x) = \operatorname{relu}(Wx) \in \mathbb{R}^k`,
:math:`\Phi = \operatorname{relu}(XW^\top)` (m x k, target design),
:math:`\Phi_t = \operatorname{relu}(X_tW^\top)` (N x k, test inputs),
:math:`f = f^*(X)`, :math:`f_t = f^*(X_t)`, :math:`y = f + \sigma\xi` (squared loss).

**Trivial baselines** (``baseline_excess``, ``baseline_insample``).  Two members of
the class :math:`\{w^\top\operatorname{relu}((W + \Delta)x) : \|w\| \le c_w,\ \|\Delta\|_F \le r\}`
whatever :math:`r \ge 0`: the zero predictor (:math:`w = 0`) and the
*anti-aligned head* :math:`w_- = -c_w u`, :math:`\Delta = 0`, with

.. math:: u = \Phi^+ f / \|\Phi^+ f\|,

the unit vector maximising the (design) correlation
:math:`\langle\Phi u, f\rangle / \|\Phi u\|` (the least-squares direction of
:math:`f` on the features).  ``u`` uses the design only (not the test inputs),
so the member is fixed given the design and its test-sample risk is an unbiased
estimate of its population excess risk.  Each baseline is the larger of the two
members' risks (test sample: mean of :math:`(g - f^*)^2` or
:math:`\mathrm{KL}(\sigma(f^*)\|\sigma(g))` over the test inputs; design: the same
over the design).  Both are attained by members of the class, so a bound below
the baseline is certified non-vacuous.  Learners without a first layer
(``target-only``) get the zero predictor only; an unbounded head
(:math:`c_w = \infty`) gives ``inf``.

**Frank-Wolfe gap** (``fw_gap``), for the convex head-only step
(``cls.estimator == "erm"``, :math:`r = 0`):
:math:`\min_{\|w\|\le c_w}\hat L(w) = \frac1m\sum_i\ell(\phi(x_i)^\top w, y_i)` on the fixed
features; by :func:`simulations.optimality.relative_fw_gap` with design :math:`\Phi`,

.. math:: \operatorname{gap}(\hat w) = \langle\nabla\hat L(\hat w), \hat w\rangle + c_w\|\nabla\hat L(\hat w)\|,
          \qquad \nabla\hat L(\hat w) = \tfrac1m\Phi^\top\ell'(\Phi\hat w, y),

divided by :math:`\hat L(0)`; 0 exactly at the minimiser.  NaN otherwise.

**Exact conditional expectations** (``expected_insample``, ``expected_excess``)
of the squared-loss head-only step when the head constraint does not bind.
The unconstrained minimum-norm estimator :math:`\hat w = \Phi^+ y` is a linear
smoother; with :math:`P = \Phi\Phi^+` (orthogonal projector onto
:math:`\operatorname{range}\Phi`, :math:`\operatorname{tr}P = \operatorname{rank}\Phi`),
given the design, the test inputs and the target,

.. math:: E[\text{insample}] = \tfrac1m\|(I - P)f\|^2 + \tfrac{\sigma^2}m\operatorname{rank}\Phi,\qquad
          E[\text{excess}] = \tfrac1N\|\Phi_t\Phi^+f - f_t\|^2 + \tfrac{\sigma^2}N\|\Phi_t\Phi^+\|_F^2 .

(In-sample: :math:`\Phi\hat w - f = -(I-P)f + \sigma P\xi`, two orthogonal
vectors, so :math:`\text{insample} = \frac1m\|(I-P)f\|^2 + \frac{\sigma^2}m\|P\xi\|^2` and
:math:`E\|P\xi\|^2 = \operatorname{tr}P`.  Test sample:
:math:`\Phi_t\hat w - f_t = (\Phi_t\Phi^+f - f_t) + \sigma\Phi_t\Phi^+\xi`, the
cross term has mean 0 and :math:`E\|A\xi\|^2 = \|A\|_F^2`.)  The learner's
estimator coincides with :math:`\Phi^+y` in every replicate where the head
constraint does not bind (:math:`\|\hat w\| < c_w`) and :math:`\Phi` has full
column rank (the minimiser is then unique); the columns are NaN otherwise
(binding: :math:`\|\hat w\| \ge c_w(1 - 10^{-9})`; rank-deficient :math:`\Phi`;
another loss, class or estimator).  Binding depends on the noise, so claims
that use these columns should take :math:`c_w` large (e.g. 100 ``head_scale``)
to make it negligible, and carry the premise ``head_norm < ft_head_bound``
(docs/theory/network-head-exact.md).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .losses import Loss
from .optimality import relative_fw_gap
from .risk_logistic import bernoulli_kl

__all__ = ["head_features", "antialigned_head", "baseline_risks", "head_fw_gap", "head_smoother_risks",
           "network_reference_columns", "BINDING_TOL"]

#: A head with ``||w|| >= c_w (1 - BINDING_TOL)`` counts as on the boundary of the head ball.
BINDING_TOL = 1e-9


def head_features(X: np.ndarray, layer: np.ndarray) -> np.ndarray:
    r""":math:`\Phi = \operatorname{relu}(XW^\top)`, shape (n, k), for inputs ``X`` (n, d) and a layer ``W`` (k, d)."""
    return np.maximum(np.asarray(X, dtype=float) @ np.asarray(layer, dtype=float).T, 0.0)


def _excess_terms(f_true: np.ndarray, f_hat: np.ndarray, loss_name: str) -> np.ndarray:
    r"""Pointwise excess risk :math:`(\hat f - f^*)^2` (squared) or :math:`\mathrm{KL}(\sigma(f^*)\|\sigma(\hat f))`."""
    if loss_name == "logistic":
        return bernoulli_kl(f_true, f_hat)
    return (np.asarray(f_hat) - np.asarray(f_true)) ** 2


def antialigned_head(Phi: np.ndarray, f: np.ndarray, c_w: float) -> np.ndarray | None:
    r"""The anti-aligned head :math:`w_- = -c_w\,\Phi^+f/\|\Phi^+f\|` (None when :math:`\Phi^+f = 0`).

    Parameters
    ----------
    Phi : ndarray, shape (m, k)
        Features of the design.
    f : ndarray, shape (m,)
        The target function on the design.
    c_w : float
        Head-norm bound (``inf`` gives an infinite head).

    Returns
    -------
    ndarray, shape (k,), or None
        :math:`u = \Phi^+f/\|\Phi^+f\|` maximises :math:`\langle\Phi u, f\rangle/\|\Phi u\|`
        over unit vectors (the least-squares fit :math:`\Phi\Phi^+f` is the
        projection of :math:`f` onto :math:`\operatorname{range}\Phi`).
    """
    coef = np.linalg.pinv(np.asarray(Phi, dtype=float)) @ np.asarray(f, dtype=float)
    norm = float(np.linalg.norm(coef))
    if norm == 0.0 or not math.isfinite(norm):
        return None
    return -float(c_w) * coef / norm


def baseline_risks(target: Any, data: Any, layer: np.ndarray | None, c_w: float,
                   loss_name: str) -> tuple[float, float]:
    r"""``(baseline_excess, baseline_insample)``: the worse of the zero predictor and the anti-aligned head.

    Parameters
    ----------
    target : NetworkTarget
        With ``predict`` and ``test_X``.
    data : TargetData
        The target design ``X``.
    layer : ndarray, shape (k, d), or None
        The learner's first layer :math:`W` (None: zero predictor only).
    c_w : float
        The class's head bound.
    loss_name : {"squared", "logistic"}

    Returns
    -------
    (float, float)
        :math:`\max(R(0), R(w_-))` on the test sample and on the design, where
        :math:`R(g)` is the mean pointwise excess of the predictor :math:`g`.
    """
    f_test, f_design = target.predict(target.test_X), target.predict(data.X)
    excess = float(_excess_terms(f_test, np.zeros_like(f_test), loss_name).mean())
    insample = float(_excess_terms(f_design, np.zeros_like(f_design), loss_name).mean())
    if layer is None:
        return excess, insample
    Phi = head_features(data.X, layer)
    unit = antialigned_head(Phi, f_design, 1.0)
    if unit is None:
        return excess, insample
    if not math.isfinite(c_w):
        return math.inf, math.inf
    w = c_w * unit
    g_test, g_design = head_features(target.test_X, layer) @ w, Phi @ w
    excess = max(excess, float(_excess_terms(f_test, g_test, loss_name).mean()))
    insample = max(insample, float(_excess_terms(f_design, g_design, loss_name).mean()))
    return excess, insample


def head_fw_gap(Phi: np.ndarray, y: np.ndarray, loss: Loss, head: np.ndarray, c_w: float) -> float:
    r"""Relative Frank-Wolfe gap of :math:`\hat w` for :math:`\min_{\|w\|\le c_w}\frac1m\sum_i\ell(\phi_i^\top w, y_i)`.

    :math:`(\langle\nabla\hat L, \hat w\rangle + c_w\|\nabla\hat L\|)/\hat L(0)`
    (:func:`simulations.optimality.relative_fw_gap` with the features as the
    design and the head ball as the class; an unbounded head uses the ball of
    radius :math:`\|\hat w\| + 1`).
    """
    head = np.asarray(head, dtype=float)
    return float(relative_fw_gap(Phi, y, loss, head, None, None, None, math.inf, float(c_w)))


def head_smoother_risks(Phi: np.ndarray, Phi_test: np.ndarray, f: np.ndarray, f_test: np.ndarray,
                        sigma: float) -> tuple[float, float]:
    r"""Exact :math:`(E[\text{excess}], E[\text{insample}])` of :math:`\hat w = \Phi^+y`, :math:`y = f + \sigma\xi`.

    Parameters
    ----------
    Phi : ndarray, shape (m, k)
        Design features.
    Phi_test : ndarray, shape (N, k)
        Test-input features.
    f, f_test : ndarray, shapes (m,), (N,)
        The target function on the design and on the test inputs.
    sigma : float
        Noise standard deviation.

    Returns
    -------
    (float, float)
        :math:`\frac1N\|\Phi_t\Phi^+f - f_t\|^2 + \frac{\sigma^2}N\|\Phi_t\Phi^+\|_F^2` and
        :math:`\frac1m\|(I - P)f\|^2 + \frac{\sigma^2}m\|P\|_F^2`, :math:`P = \Phi\Phi^+`
        (:math:`\|P\|_F^2 = \operatorname{tr}P = \operatorname{rank}\Phi` for the projector).
    """
    Phi = np.asarray(Phi, dtype=float)
    M = np.linalg.pinv(Phi)  # k x m
    m, N = Phi.shape[0], Phi_test.shape[0]
    H = Phi_test @ M  # N x m
    P = Phi @ M  # m x m
    resid = f - P @ f
    insample = float(resid @ resid / m + sigma ** 2 * np.sum(P * P) / m)
    bias = H @ f - f_test
    excess = float(bias @ bias / N + sigma ** 2 * np.sum(H * H) / N)
    return excess, insample


def network_reference_columns(target: Any, data: Any, learner: Any, loss: Loss, sigma: float) -> dict[str, float]:
    """``baseline_excess``, ``baseline_insample``, ``fw_gap``, ``expected_excess``, ``expected_insample``.

    See the module docstring; NaN where a column is not defined for the
    learner's declared class.
    """
    nan = float("nan")
    cls = learner.fine_tuning_class()
    layer = None if cls.frame is None else np.asarray(cls.frame, dtype=float)
    out: dict[str, float] = {}
    out["baseline_excess"], out["baseline_insample"] = baseline_risks(target, data, layer, cls.head_bound, loss.name)
    out["fw_gap"] = out["expected_excess"] = out["expected_insample"] = nan
    head_only = layer is not None and cls.estimator == "erm" and cls.radius == 0
    if not head_only:
        return out
    head = np.asarray(learner.head_, dtype=float)
    Phi = head_features(data.X, layer)
    out["fw_gap"] = head_fw_gap(Phi, data.y, loss, head, cls.head_bound)
    binding = float(np.linalg.norm(head)) >= cls.head_bound * (1 - BINDING_TOL)
    full_rank = np.linalg.matrix_rank(Phi) == Phi.shape[1]
    if loss.name == "squared" and not binding and full_rank:
        out["expected_excess"], out["expected_insample"] = head_smoother_risks(
            Phi, head_features(target.test_X, layer), target.predict(data.X), target.predict(target.test_X),
            float(sigma))
    return out
