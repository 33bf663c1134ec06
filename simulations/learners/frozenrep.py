r"""FROZENREP: multi-task least squares with a shared frame (Du et al. 2021).

Source step: :math:`\hat B \in \arg\min_B \frac1T\sum_t\min_{w_t}\frac1n\|y_t - X_t B w_t\|^2`
(ADAPTREP's objective with radius 0), by screening sweeps of alternating exact
least squares from spectral initialisations, then Riemannian L-BFGS on the
frame (``solver="alternating"``: more sweeps instead).  Target step (``target_step``): ``"head"`` (default)
is head-only least squares on the frozen frame, minimum-norm when
:math:`m < k`; ``"finetune"`` applies ADAPTREP's fine-tuning step to the frozen
frame (what the authors' simulation gave FROZENREP).
"""

from __future__ import annotations

from typing import ClassVar

from ..parameters import Parameter, validate_choice, validate_float
from ..settings.base import SourceData, TargetData
from ..solvers.finetune import finetune_step, head_only_step
from .adaptrep import FRAME_FIT_PARAMETERS, _FrameLearner
from .base import FineTuningClass, target_statistics

__all__ = ["FrozenRep"]


class FrozenRep(_FrameLearner):
    """FROZENREP learner."""

    name: ClassVar[str] = "frozenrep"
    HYPERPARAMETERS: ClassVar = {
        **FRAME_FIT_PARAMETERS,
        "target_step": Parameter("'head' (head-only least squares) or 'finetune'", "head", validate_choice("head", "finetune")),
        "radius": Parameter("fine-tuning radius of target_step='finetune', a real >= 0 (default: the setting's delta0)", None, validate_float(0.0)),
    }
    SETTING_DEFAULTS: ClassVar = {"k": "k", "radius": "radius"}

    def fit(self, sources: SourceData) -> "FrozenRep":
        self._fit_frame(sources, self._validated(), radius=0.0)
        return self

    def fine_tuning_class(self) -> FineTuningClass:
        """The exact minimiser over the frozen frame's class: radius 0 (head only) or ``radius`` (``'finetune'``)."""
        self._check_fitted()
        return FineTuningClass(frame=self.representation_, radius=float(self._target_step_radius(self._validated())))

    def adapt(self, target: TargetData) -> "FrozenRep":
        p = self._validated_for_target(target)
        stats = target_statistics(target)
        if p["target_step"] == "head":
            sol = head_only_step(*stats, self.representation_, target.n_samples)
        else:
            if p["radius"] is None:
                raise ValueError(f"learner {self.name!r}: parameter 'radius' must be set (a real >= 0) for target_step='finetune'")
            sol = finetune_step(*stats, self.representation_, target.n_samples, radius=p["radius"])
        self._set_target_solution(sol)
        return self
