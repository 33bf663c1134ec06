r"""Baselines: least squares on the target alone, and the oracle target step.

``target-only``: :math:`\hat\theta = \arg\min_\theta \|y - X\theta\|^2`, the
minimum-norm solution when :math:`m \le d` (via ``numpy.linalg.lstsq``).

``oracle``: ADAPTREP's target step on the true frame :math:`B^*` (radius
``delta0`` unless given): it isolates the fine-tuning step from the source
step.  With ``delta0 = 0`` it is least squares in the known subspace.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..parameters import Parameter, validate_float, validate_matrix
from ..settings.base import SourceData, TargetData
from ..solvers.finetune import finetune_step, mean_squared_error
from .base import FineTuningClass, Learner, target_statistics

__all__ = ["TargetOnly", "Oracle"]


class TargetOnly(Learner):
    """Least squares on the target samples alone (ignores the sources)."""

    name: ClassVar[str] = "target-only"
    NEVER_PRODUCES: ClassVar = frozenset({"gd_radius", "grad_bound", "displacement", "gd_steps", "rep_error", "sin_theta_max",
                                                 "head_bias", "resid_trace", "resid_op", "head_norm",
                                                 "target_capture", "capture_floor", "perturbation_capture",
                                                 "perturbation_floor"})
    HYPERPARAMETERS: ClassVar = {}

    def fit(self, sources: SourceData) -> "TargetOnly":
        self._validated()
        self._set_without_source_fit(None)
        return self

    def adapt(self, target: TargetData) -> "TargetOnly":
        self._check_fitted()
        theta = np.linalg.lstsq(target.X, target.y, rcond=None)[0]
        self.theta_ = theta
        self.head_ = None
        self.delta_ = None
        S, g, yy = target_statistics(target)
        self.target_objective_ = float(mean_squared_error(S, g, yy, theta[None], target.n_samples)[0])
        self.constraint_active_ = False
        return self


class Oracle(Learner):
    """ADAPTREP's target step on the true frame."""

    name: ClassVar[str] = "oracle"
    HYPERPARAMETERS: ClassVar = {
        "frame": Parameter("the true d x k frame B* (filled in by the runner)", None, validate_matrix),
        "radius": Parameter("fine-tuning radius, a real >= 0 (default: the setting's delta0)", None, validate_float(0.0)),
    }
    SETTING_DEFAULTS: ClassVar = {"frame": "frame", "radius": "radius"}

    def fit(self, sources: SourceData) -> "Oracle":
        p = self._validated()
        if p["frame"] is None or p["radius"] is None:
            raise ValueError(f"learner {self.name!r}: parameters 'frame' (the true B*) and 'radius' (a real >= 0) must be set")
        self._set_without_source_fit(self._true_frame(p["frame"], sources.dim))
        return self

    def fine_tuning_class(self) -> FineTuningClass:
        """The exact minimiser over the true frame's class of radius ``radius``."""
        self._check_fitted()
        return FineTuningClass(frame=self.representation_, radius=float(self._validated()["radius"]))

    def adapt(self, target: TargetData) -> "Oracle":
        p = self._validated_for_target(target)
        sol = finetune_step(*target_statistics(target), self.representation_, target.n_samples, radius=p["radius"])
        self._set_target_solution(sol)
        return self
