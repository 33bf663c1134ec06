r"""ADAPTREP: fine-tuning-aware representation learning (a model of MAML).

Source step (constrained form, the paper's; default)

.. math:: \hat B \in \arg\min_B \frac1T\sum_t \min_{w_t,\ \|\delta_t\|\le r}
          \frac1n\|y_t - X_t(B w_t + \delta_t)\|^2,

solved by screening sweeps of alternating exact block updates from spectral
initialisations, then Riemannian L-BFGS on the frame
(:mod:`simulations.solvers.shared_frame`; ``solver="alternating"``
continues with sweeps instead).  Penalised form (the authors'
simulation): the constraint is replaced by :math:`+\lambda\|\delta_t\|_2` with
:math:`\lambda = c\,(\sqrt{kd/(nT)} + \sqrt{k/n})` (``penalty``, default with
``noise_scale`` :math:`c = 1`, the authors' choice for :math:`\sigma = 1`).

Target step: :math:`\min_{w,\ \|\delta\|\le r}\frac1m\|y - X(\hat B w + \delta)\|^2`
solved exactly (trust-region subproblem), or in the penalised form
:math:`+\mu\|\delta\|_2` with :math:`\mu` = ``target_penalty`` (default
:math:`2k/\sqrt{n}`, the authors' choice as recorded in NOTES.md; whether their
squared error was a sum or a mean is not recorded, the mean is used here).
"""

from __future__ import annotations

import math
from typing import ClassVar

from ..parameters import Parameter, validate_choice, validate_float, validate_int
from ..settings.base import SourceData, TargetData
from ..solvers.finetune import finetune_step
from ..solvers.shared_frame import METHODS, fit_shared_frame
from ..solvers.spectral import initial_frames
from ..solvers.task_spectra import task_spectra
from .base import FineTuningClass, Learner, target_statistics

__all__ = ["AdaptRep", "FRAME_FIT_PARAMETERS"]

FRAME_FIT_PARAMETERS = {
    "k": Parameter("representation dimension, an integer >= 1 (default: the setting's k)", None, validate_int(1)),
    "init": Parameter(
        "initial frame(s): 'spectral' (parameter- and prediction-space, best kept), 'parameter' or 'prediction'",
        "spectral",
        validate_choice("spectral", "parameter", "prediction"),
    ),
    "solver": Parameter(
        "outer method after the screening sweeps: 'lbfgs' (Riemannian L-BFGS on the frame) or 'alternating' (more exact block sweeps)",
        "lbfgs",
        validate_choice(*METHODS),
    ),
    "max_iter": Parameter("maximum outer iterations (sweeps, then L-BFGS iterations), an integer >= 1", 500, validate_int(1)),
    "tol": Parameter("relative objective decrease to stop, a real in (0, 1)", 1e-7, validate_float(0.0, 1.0, low_open=True, high_open=True)),
}


class _FrameLearner(Learner):
    """Learners whose source step fits a shared linear frame (ADAPTREP, FROZENREP): screening sweeps, then L-BFGS."""

    #: ``objective_`` is the least-squares source objective (1/(T n)) sum_t ||y_t - X_t theta_t||^2 at the fit
    #: (the ``source_fit_excess`` column compares it with its value at the truth).
    SOURCE_OBJECTIVE_IS_LEAST_SQUARES: ClassVar[bool] = True

    def _fit_frame(self, sources: SourceData, p: dict, **step: float) -> None:
        r"""Fit :math:`\hat B` on the sources and store the source-step state.

        Parameters
        ----------
        sources : SourceData
        p : dict
            Validated hyper-parameters (``k``, ``init``, ``solver``, ``max_iter``, ``tol``).
        **step : float
            ``radius`` (constrained form) or ``penalty`` (penalised form) of
            :func:`~simulations.solvers.shared_frame.fit_shared_frame`.
        """
        T, n, d = sources.n_tasks, sources.n_samples, sources.dim
        self._check_rank(p["k"], d)
        S, g, yy = sources.gram, sources.cross, sources.energy
        spectra = task_spectra(S)  # one eigendecomposition per task, shared by the initial frames and the sweeps
        fit = fit_shared_frame(
            S, g, yy, n, initial_frames(S, g, p["k"], n, p["init"], spectra=spectra), max_iter=p["max_iter"],
            tol=p["tol"], spectra=spectra, method=p["solver"], **step
        )
        self._set_source_fit(fit.frame, fit)


class AdaptRep(_FrameLearner):
    """ADAPTREP learner (constrained form by default)."""

    name: ClassVar[str] = "adaptrep"
    HYPERPARAMETERS: ClassVar = {
        **FRAME_FIT_PARAMETERS,
        "radius": Parameter("fine-tuning radius r, a real >= 0 (default: the setting's delta0)", None, validate_float(0.0)),
        "form": Parameter("'constrained' (the paper's) or 'penalized' (the authors' simulation)", "constrained", validate_choice("constrained", "penalized")),
        "penalty": Parameter("source penalty lambda of the penalised form, a real > 0", None, validate_float(0.0, low_open=True)),
        "target_penalty": Parameter("target penalty mu of the penalised form, a real > 0", None, validate_float(0.0, low_open=True)),
        "noise_scale": Parameter("scale c of the default source penalty, a real > 0", 1.0, validate_float(0.0, low_open=True)),
    }
    SETTING_DEFAULTS: ClassVar = {"k": "k", "radius": "radius"}

    def _step_kwargs(self, p: dict, *, source: bool, n: int, d: int, T: int) -> dict:
        if p["form"] == "constrained":
            if p["radius"] is None:
                raise ValueError(f"learner {self.name!r}: parameter 'radius' must be set (a real >= 0) in the constrained form")
            return {"radius": p["radius"]}
        k = p["k"]
        if source:
            lam = p["penalty"] if p["penalty"] is not None else p["noise_scale"] * (math.sqrt(k * d / (n * T)) + math.sqrt(k / n))
            return {"penalty": lam}
        mu = p["target_penalty"] if p["target_penalty"] is not None else 2 * k / math.sqrt(n)
        return {"penalty": mu}

    def source_objective_is_least_squares(self) -> bool:
        """Only the constrained form: the penalised one adds its penalty to ``objective_``."""
        return self._validated()["form"] == "constrained"

    def fit(self, sources: SourceData) -> "AdaptRep":
        p = self._validated()
        T, n, d = sources.n_tasks, sources.n_samples, sources.dim
        self._check_rank(p["k"], d)
        self._fit_frame(sources, p, **self._step_kwargs(p, source=True, n=n, d=d, T=T))
        self.n_source_samples_ = n
        self.n_tasks_ = T
        return self

    def fine_tuning_class(self) -> FineTuningClass:
        """Constrained form: the exact minimiser over :math:`\\{\\hat Bw + \\delta : \\|\\delta\\| \\le r\\}`; penalised: no constraint."""
        self._check_fitted()
        p = self._validated()
        if p["form"] == "constrained":
            return FineTuningClass(frame=self.representation_, radius=float(p["radius"]), estimator="erm")
        return FineTuningClass(frame=self.representation_, estimator="penalized")

    def adapt(self, target: TargetData) -> "AdaptRep":
        p = self._validated_for_target(target)
        d = target.X.shape[1]
        step = self._step_kwargs(p, source=False, n=self.n_source_samples_, d=d, T=self.n_tasks_)
        self._set_target_solution(finetune_step(*target_statistics(target), self.representation_, target.n_samples, **step))
        return self
