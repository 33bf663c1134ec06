r"""The four learners of the ``logistic`` family (logistic loss, linear representation).

Every head is norm-constrained, :math:`\|w\| \le c_w` (``c_w``, default the
setting's), as the bounds assume; this also makes every step well posed on
separable data, where the unconstrained maximum-likelihood estimate does not
exist.  ``head_constraint_active_`` reports whether :math:`\|w\| = c_w` at
the target solution (the constant-free check that the constraint binds).

* ``adaptrep``: source step :math:`\min_B \frac1T\sum_t\min_{\|w_t\|\le c_w,\|\delta_t\|\le r}
  \hat L_t(Bw_t + \delta_t)` (:mod:`..solvers.logistic_shared_frame`,
  accelerated projected gradient, a stationary point); target step
  :math:`\min_{\|w\|\le c_w,\|\delta\|\le r}\hat L(\hat Bw + \delta)`, convex,
  solved to optimality (:mod:`..solvers.logistic_finetune`).
* ``frozenrep``: the source step with :math:`r = 0`; target step head-only
  (``target_step="head"``) or ADAPTREP's (``"finetune"``).
* ``target-only``: :math:`\min_{\|\theta\|\le c_\theta}\hat L(\theta)` with
  :math:`c_\theta` = ``norm_bound`` (default :math:`c_w + \delta_0`, which
  every target satisfies).
* ``oracle``: ADAPTREP's target step on the true frame :math:`B^*`.

:math:`\hat L` is the mean logistic loss :math:`\frac1m\sum_i\log(1+e^{-y_ix_i^\top\theta})`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..parameters import Parameter, validate_choice, validate_float, validate_int
from ..settings.base import SourceData, TargetData
from ..solvers.logistic_finetune import LogisticStepSolution, logistic_finetune_step
from ..solvers.logistic_shared_frame import fit_logistic_frame
from ..solvers.spectral import initial_frames
from .base import FineTuningClass, Learner
from .baselines import Oracle

__all__ = ["LogisticAdaptRep", "LogisticFrozenRep", "LogisticTargetOnly", "LogisticOracle", "LOGISTIC_FIT_PARAMETERS"]

_C_W = Parameter("head-norm bound c_w, a real > 0 (default: the setting's c_w)", None, validate_float(0.0, low_open=True))
_RADIUS = Parameter("fine-tuning radius r, a real >= 0 (default: the setting's delta0)", None, validate_float(0.0))

LOGISTIC_FIT_PARAMETERS = {
    "k": Parameter("representation dimension, an integer >= 1 (default: the setting's k)", None, validate_int(1)),
    "c_w": _C_W,
    "init": Parameter("initial frame(s): 'spectral', 'parameter' or 'prediction'", "spectral",
                      validate_choice("spectral", "parameter", "prediction")),
    "max_iter": Parameter("maximum projected-gradient iterations of the source fit, an integer >= 1", 3000, validate_int(1)),
    "tol": Parameter("relative objective decrease to stop, a real in (0, 1)", 1e-8,
                     validate_float(0.0, 1.0, low_open=True, high_open=True)),
}


class _LogisticLearner(Learner):
    """Shared helpers of the logistic learners."""

    def _set_logistic_solution(self, sol: LogisticStepSolution) -> None:
        self.head_ = sol.w[0] if sol.w.shape[1] else None
        self.delta_ = sol.delta[0]
        self.theta_ = sol.theta[0]
        self.target_objective_ = float(sol.objective[0])
        self.constraint_active_ = bool(sol.delta_active[0])
        self.head_constraint_active_ = bool(sol.head_active[0])
        self.target_converged_ = bool(sol.converged)

    def diagnostics(self) -> dict[str, Any]:
        return {"head_constraint_active": getattr(self, "head_constraint_active_", float("nan"))}

    def _target_radius(self, p: dict) -> float:
        """Fine-tuning radius :math:`r` of the target step: ``radius`` (FROZENREP overrides)."""
        return p["radius"]

    def fine_tuning_class(self) -> FineTuningClass:
        """The exact minimiser over :math:`\\{\\hat Bw + \\delta : \\|w\\| \\le c_w, \\|\\delta\\| \\le r\\}` (convex)."""
        self._check_fitted()
        p = self._validated()
        return FineTuningClass(frame=self.representation_, head_bound=float(p["c_w"]),
                               radius=float(self._target_radius(p)))

    def adapt(self, target: TargetData) -> "_LogisticLearner":
        r"""ADAPTREP's target step on the fitted frame: :math:`\min_{\|w\|\le c_w,\|\delta\|\le r}\hat L(\hat Bw + \delta)`."""
        p = self._validated_for_target(target)
        self._set_logistic_solution(logistic_finetune_step(
            target.X, target.y, self.representation_, head_bound=p["c_w"], radius=self._target_radius(p)))
        return self

    def _fit_frame(self, sources: SourceData, p: dict, radius: float) -> None:
        self._need(p, "k", "c_w")
        T, n, d = sources.X.shape
        self._check_rank(p["k"], d)
        inits = initial_frames(sources.gram, sources.cross, p["k"], n, p["init"])
        fit = fit_logistic_frame(sources.X, sources.y, inits, head_bound=p["c_w"], radius=radius,
                                 max_iter=p["max_iter"], tol=p["tol"])
        self._set_source_fit(fit.frame, fit)


class LogisticAdaptRep(_LogisticLearner):
    """ADAPTREP with the logistic loss (constrained form)."""

    name: ClassVar[str] = "adaptrep"
    HYPERPARAMETERS: ClassVar = {**LOGISTIC_FIT_PARAMETERS, "radius": _RADIUS}
    SETTING_DEFAULTS: ClassVar = {"k": "k", "radius": "radius", "c_w": "c_w"}

    def fit(self, sources: SourceData) -> "LogisticAdaptRep":
        p = self._validated()
        self._need(p, "radius")
        self._fit_frame(sources, p, p["radius"])
        return self


class LogisticFrozenRep(_LogisticLearner):
    """FROZENREP with the logistic loss."""

    name: ClassVar[str] = "frozenrep"
    HYPERPARAMETERS: ClassVar = {
        **LOGISTIC_FIT_PARAMETERS,
        "target_step": Parameter("'head' (head-only fit) or 'finetune'", "head", validate_choice("head", "finetune")),
        "radius": Parameter("fine-tuning radius of target_step='finetune', a real >= 0 (default: the setting's delta0)",
                            None, validate_float(0.0)),
    }
    SETTING_DEFAULTS: ClassVar = {"k": "k", "radius": "radius", "c_w": "c_w"}

    def fit(self, sources: SourceData) -> "LogisticFrozenRep":
        p = self._validated()
        self._fit_frame(sources, p, 0.0)
        return self

    def _target_radius(self, p: dict) -> float:
        return self._target_step_radius(p)


class LogisticTargetOnly(_LogisticLearner):
    """Norm-constrained logistic regression on the target alone."""

    name: ClassVar[str] = "target-only"
    NEVER_PRODUCES: ClassVar = frozenset({"gd_radius", "grad_bound", "displacement", "gd_steps", "rep_error", "sin_theta_max",
                                                 "head_bias", "resid_trace", "resid_op", "head_norm",
                                                 "target_capture", "capture_floor", "perturbation_capture",
                                                 "perturbation_floor"})
    HYPERPARAMETERS: ClassVar = {
        "norm_bound": Parameter("norm bound ||theta|| <= c_theta, a real > 0 (default: the setting's c_w + delta0)",
                                None, validate_float(0.0, low_open=True)),
    }
    SETTING_DEFAULTS: ClassVar = {"norm_bound": "norm_bound"}

    def fit(self, sources: SourceData) -> "LogisticTargetOnly":
        p = self._validated()
        self._need(p, "norm_bound")
        self._set_without_source_fit(None)
        return self

    def fine_tuning_class(self) -> FineTuningClass:
        """The exact minimiser over the ball :math:`\\|\\theta\\| \\le c_\\theta` (``norm_bound``)."""
        self._check_fitted()
        return FineTuningClass(frame=None, radius=float(self._validated()["norm_bound"]))

    def adapt(self, target: TargetData) -> "LogisticTargetOnly":
        self._check_fitted()
        p = self._validated()
        sol = logistic_finetune_step(target.X, target.y, None, radius=p["norm_bound"])
        self._set_logistic_solution(sol)
        # the single block is theta itself: its constraint is the head constraint of this learner
        self.head_ = None
        self.delta_ = None
        self.head_constraint_active_ = bool(sol.delta_active[0])
        self.constraint_active_ = False
        return self


class LogisticOracle(_LogisticLearner):
    """ADAPTREP's logistic target step on the true frame."""

    name: ClassVar[str] = "oracle"
    HYPERPARAMETERS: ClassVar = {
        "frame": Oracle.HYPERPARAMETERS["frame"],
        "radius": _RADIUS,
        "c_w": _C_W,
    }
    SETTING_DEFAULTS: ClassVar = {"frame": "frame", "radius": "radius", "c_w": "c_w"}

    def fit(self, sources: SourceData) -> "LogisticOracle":
        p = self._validated()
        self._need(p, "frame", "radius", "c_w")
        self._set_without_source_fit(self._true_frame(p["frame"], sources.dim))
        return self
