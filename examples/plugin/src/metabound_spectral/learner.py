r"""The spectral representation estimator (Tian, Gu, Feng 2023) as a metabound learner.

Source step: per-task least squares :math:`\hat\theta_t = X_t^{+} y_t`, then
:math:`\hat B` = the top-k left singular vectors of :math:`[\hat\theta_1, \dots, \hat\theta_T]`.
Target step: the suite's, head-only least squares on :math:`\hat B` or
fine-tuning within radius ``radius`` of its span.
"""

from typing import ClassVar

import numpy as np

from simulations.learners import FineTuningClass, Learner, target_statistics
from simulations.parameters import Parameter, validate_choice, validate_float, validate_int
from simulations.solvers.finetune import finetune_step


class SpectralRep(Learner):
    """Per-task least squares, top-k left singular vectors, the suite's target step."""

    name: ClassVar[str] = "spectral"
    FAMILIES: ClassVar = ("linear",)
    HYPERPARAMETERS: ClassVar = {
        "k": Parameter("representation dimension, an integer >= 1", None, validate_int(1)),
        "target_step": Parameter("'head' or 'finetune'", "head", validate_choice("head", "finetune")),
        "radius": Parameter("fine-tuning radius, a real >= 0", None, validate_float(0.0)),
    }
    SETTING_DEFAULTS: ClassVar = {"k": "k", "radius": "radius"}   # filled from the setting when None

    def __init__(self, k=None, target_step="head", radius=None):
        self.k, self.target_step, self.radius = k, target_step, radius

    def fit(self, sources):
        p = self._validated()
        self._check_rank(p["k"], sources.X.shape[2])
        thetas = np.stack([np.linalg.lstsq(X, y, rcond=None)[0] for X, y in zip(sources.X, sources.y)], axis=1)
        left = np.linalg.svd(thetas, full_matrices=False)[0]
        self._set_without_source_fit(left[:, :p["k"]])          # nothing iterative: n_iter_ 0, converged_
        return self

    def _radius(self):
        return self._target_step_radius(self._validated())       # 0 for 'head', else the required radius

    def fine_tuning_class(self):
        self._check_fitted()
        return FineTuningClass(frame=self.representation_, radius=self._radius())

    def adapt(self, target):
        self._validated_for_target(target)
        sol = finetune_step(*target_statistics(target), self.representation_, target.n_samples,
                            radius=self._radius())
        self._set_target_solution(sol)
        return self
