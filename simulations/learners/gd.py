r"""``gd-finetune``: fine-tuning a learned representation by s steps of gradient descent.

Source step (hyper-parameter ``source``): the representation :math:`\hat B` of
``adaptrep`` (default) or ``frozenrep`` of the same family, fitted with their
default settings (``k`` and, for ``adaptrep``, ``radius``), or the true frame
(``"oracle"``).  Target step:

1. initial head :math:`w_0` on the frame with :math:`\delta = 0`: least
   squares (``linear`` family, minimum-norm, then projected onto
   :math:`\|w\| \le c_w`) or the constrained logistic fit
   :math:`\min_{\|w\|\le c_w}\hat L(\hat Bw)` (``logistic`` family, solved to
   optimality);
2. ``steps`` = :math:`s` steps of full-batch gradient descent of step
   ``step_size`` = :math:`\eta` on all fine-tuning parameters
   :math:`(w, \delta)` from :math:`(w_0, 0)`, heads projected onto
   :math:`\|w\| \le c_w` (:mod:`..solvers.gradient_descent`).  The default
   :math:`\eta = 1/\beta` (:math:`\beta` the smoothness of the target empirical
   risk) makes the path monotone.

Recorded (columns of the Monte Carlo frame): ``gd_radius`` = :math:`\eta sG`,
``grad_bound`` = :math:`G` (largest gradient norm used), ``displacement`` =
:math:`\|u_s - u_0\|`, ``gd_steps`` = :math:`s`, ``head_constraint_active``.
There is no constraint on :math:`\delta` (``constraint_active`` is False): the
radius is whatever gradient descent reaches, at most :math:`\eta sG`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..losses import LogisticLoss, Loss, SquaredLoss
from ..parameters import Parameter, validate_choice, validate_float, validate_int, validate_matrix
from ..settings.base import SourceData, TargetData
from ..solvers.gradient_descent import GDPath, gd_finetune, smoothness
from ..solvers.logistic_finetune import ACTIVE_RTOL, logistic_finetune_step
from .adaptrep import AdaptRep
from .base import FineTuningClass, Learner
from .frozenrep import FrozenRep
from .logistic import LogisticAdaptRep, LogisticFrozenRep

__all__ = ["GDFineTune", "LinearGDFineTune", "LogisticGDFineTune", "GD_PARAMETERS"]

GD_PARAMETERS = {
    "k": Parameter("representation dimension, an integer >= 1 (default: the setting's k)", None, validate_int(1)),
    "radius": Parameter("fine-tuning radius of the adaptrep source fit, a real >= 0 (default: the setting's delta0)",
                        None, validate_float(0.0)),
    "frame": Parameter("the true frame B* (filled in by the runner; used by source='oracle')", None,
                       validate_matrix),
    "steps": Parameter("number s of gradient steps on the target, an integer >= 0", 10, validate_int(0)),
    "step_size": Parameter("gradient step eta, a real > 0 (default 1/beta, beta the smoothness of the target risk)",
                           None, validate_float(0.0, low_open=True)),
}
_SOURCE = Parameter("source representation: 'adaptrep', 'frozenrep' or 'oracle'", "adaptrep",
                    validate_choice("adaptrep", "frozenrep", "oracle"))


class GDFineTune(Learner):
    """Gradient-descent fine-tuning of a source representation (family-independent part)."""

    name: ClassVar[str] = "gd-finetune"
    NEVER_PRODUCES: ClassVar = frozenset()
    LOSS: ClassVar[Loss] = SquaredLoss()
    SOURCES: ClassVar[dict[str, type[Learner]]] = {}

    def _source_learner(self, p: dict) -> Learner:
        cls = self.SOURCES[p["source"]]
        hyper = {"k": p["k"]}
        if "radius" in cls.HYPERPARAMETERS and p["source"] == "adaptrep":
            hyper["radius"] = p["radius"]
        if "c_w" in cls.HYPERPARAMETERS:
            hyper["c_w"] = p.get("c_w")
        return cls().set_params(**hyper)

    def fit(self, sources: SourceData) -> "GDFineTune":
        p = self._validated()
        if p["source"] == "oracle":
            if p["frame"] is None:
                raise ValueError(f"learner {self.name!r}: parameter 'frame' (the true B*) must be set for source='oracle'")
            self._set_without_source_fit(self._true_frame(p["frame"], sources.dim))
            return self
        if p["k"] is None:
            raise ValueError(f"learner {self.name!r}: parameter 'k' must be set (an integer >= 1)")
        if p["source"] == "adaptrep" and p["radius"] is None:
            raise ValueError(f"learner {self.name!r}: parameter 'radius' must be set (a real >= 0) for source='adaptrep'")
        src = self._source_learner(p).fit(sources)
        self.representation_ = src.representation_
        self.objective_, self.n_iter_, self.converged_ = src.objective_, src.n_iter_, src.converged_
        return self

    def _head_bound(self, p: dict) -> float:
        return np.inf

    def fine_tuning_class(self) -> FineTuningClass:
        """Gradient steps from the head fit: heads bounded by :math:`c_w` (if any), the perturbation by what the steps reach."""
        self._check_fitted()
        return FineTuningClass(frame=self.representation_, head_bound=float(self._head_bound(self._validated())),
                               estimator="gd")

    def _initial_head(self, target: TargetData, B: np.ndarray, head_bound: float) -> np.ndarray:
        w = np.linalg.lstsq(target.X @ B, target.y, rcond=None)[0]
        nw = np.linalg.norm(w)
        return w * (head_bound / nw) if np.isfinite(head_bound) and nw > head_bound else w

    def adapt(self, target: TargetData) -> "GDFineTune":
        p = self._validated_for_target(target)
        B = self.representation_
        c_w = self._head_bound(p)
        w0 = self._initial_head(target, B, c_w)
        eta = p["step_size"] if p["step_size"] is not None else 1.0 / smoothness(target.X, B, self.LOSS)
        path = gd_finetune(target.X, target.y, B, self.LOSS, w0, steps=p["steps"], step_size=eta, head_bound=c_w)
        self._store_path(path, eta, p["steps"], c_w)
        return self

    def _store_path(self, path: GDPath, eta: float, steps: int, c_w: float) -> None:
        self.path_ = path
        self.step_size_ = float(eta)
        self.head_, self.delta_, self.theta_ = path.w, path.delta, path.theta
        self.target_objective_ = path.objective
        self.constraint_active_ = False
        self.head_constraint_active_ = bool(np.isfinite(c_w) and np.linalg.norm(path.w) >= c_w * (1 - ACTIVE_RTOL))
        self.gd_steps_ = int(steps)

    def diagnostics(self) -> dict[str, Any]:
        if not hasattr(self, "path_"):
            return {}
        return {
            "head_constraint_active": self.head_constraint_active_,
            "gd_radius": self.path_.reach,
            "grad_bound": self.path_.grad_bound,
            "displacement": self.path_.displacement,
            "gd_steps": self.gd_steps_,
        }


class LinearGDFineTune(GDFineTune):
    """``gd-finetune`` for the linear family (squared loss, least-squares head start)."""

    HYPERPARAMETERS: ClassVar = {
        **GD_PARAMETERS,
        "source": _SOURCE,
        "c_w": Parameter("head-norm bound c_w, a real > 0 (default: none)", None, validate_float(0.0, low_open=True)),
    }
    SETTING_DEFAULTS: ClassVar = {"k": "k", "radius": "radius", "frame": "frame"}
    LOSS: ClassVar[Loss] = SquaredLoss()
    SOURCES: ClassVar = {"adaptrep": AdaptRep, "frozenrep": FrozenRep}

    def _head_bound(self, p: dict) -> float:
        return np.inf if p["c_w"] is None else float(p["c_w"])


class LogisticGDFineTune(GDFineTune):
    """``gd-finetune`` for the logistic family (logistic loss, constrained logistic head start)."""

    HYPERPARAMETERS: ClassVar = {
        **GD_PARAMETERS,
        "source": _SOURCE,
        "c_w": Parameter("head-norm bound c_w, a real > 0 (default: the setting's c_w)", None,
                         validate_float(0.0, low_open=True)),
    }
    SETTING_DEFAULTS: ClassVar = {"k": "k", "radius": "radius", "frame": "frame", "c_w": "c_w"}
    LOSS: ClassVar[Loss] = LogisticLoss()
    SOURCES: ClassVar = {"adaptrep": LogisticAdaptRep, "frozenrep": LogisticFrozenRep}

    def _head_bound(self, p: dict) -> float:
        if p["c_w"] is None:
            raise ValueError(f"learner {self.name!r}: parameter 'c_w' must be set (a real > 0)")
        return float(p["c_w"])

    def _initial_head(self, target: TargetData, B: np.ndarray, head_bound: float) -> np.ndarray:
        return logistic_finetune_step(target.X, target.y, B, head_bound=head_bound, radius=0.0).w[0]
