r"""The learners of the ``network`` family (two-layer ReLU networks, hand-written gradients).

Predictor :math:`x \mapsto w^\top\operatorname{relu}((\hat W + \Delta)x)`.  Every head is
norm-constrained, :math:`\|w\| \le c_w`, and every first layer is
operator-norm-constrained, :math:`\|W\|_{op} \le c_W` (``layer_bound``, default
the setting's :math:`\|W^*\|_{op}`), which removes the ReLU's rescaling
invariance :math:`(W, w) \to (cW, w/c)` and keeps the perturbation radius
meaningful.  The loss (``loss``) is the setting's.

* ``adaptrep``: source :math:`\min_W\frac1T\sum_t\min_{\|w_t\|\le c_w,\|\Delta_t\|_F\le r}\hat L_t`,
  target :math:`\min_{\|w\|\le c_w,\|\Delta\|_F\le r}\hat L` from the head fit
  (:mod:`..solvers.network_fit`; non-convex, stationary points).
* ``frozenrep``: source with :math:`r = 0`; target head-only (convex, exact) or
  ``target_step="finetune"``.
* ``target-only``: the whole network :math:`(W, w)` trained on the target alone.
* ``oracle``: ADAPTREP's target step on the true :math:`W^*`.
* ``gd-finetune``: the source layer (``source``: ``adaptrep``, ``frozenrep``
  or ``oracle``), the convex head fit, then ``steps`` gradient steps on
  :math:`(w, \Delta)`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..losses import LOSSES, Loss
from ..parameters import Parameter, validate_choice, validate_float, validate_int, validate_matrix
from ..settings.base import SourceData, TargetData
from ..solvers.network_fit import NetworkFit, finetune_network, fit_head, fit_network_sources, gd_network, initial_layers
from .base import FineTuningClass, Learner, NotFittedError

__all__ = ["NetworkAdaptRep", "NetworkFrozenRep", "NetworkTargetOnly", "NetworkOracle", "NetworkGDFineTune"]

_COMMON = {
    "c_w": Parameter("head-norm bound c_w, a real > 0 (default: the setting's c_w)", None,
                     validate_float(0.0, low_open=True)),
    "layer_bound": Parameter("operator-norm bound on the first layer, a real > 0 (default: the setting's ||W*||_op)",
                             None, validate_float(0.0, low_open=True)),
    "loss": Parameter("'squared' or 'logistic' (default: the setting's)", None, validate_choice("squared", "logistic")),
}
_FIT = {
    "k": Parameter("hidden width, an integer >= 1 (default: the setting's k)", None, validate_int(1)),
    "max_iter": Parameter("maximum projected-gradient iterations of each fit, an integer >= 1 (10000: enough for the "
                          "stopping rule at d = 20, k = 4, T = 40, n = 200; docs/network.md)", 10000, validate_int(1)),
    "tol": Parameter("relative objective decrease to stop (source and target fits), a real in (0, 1)", 1e-6,
                     validate_float(0.0, 1.0, low_open=True, high_open=True)),
}
_RADIUS = Parameter("fine-tuning radius r (Frobenius), a real >= 0 (default: the setting's delta0)", None,
                    validate_float(0.0))


class _NetworkLearner(Learner):
    """Shared helpers: predictions, checks, storing a target solution."""

    theta_ = None  # a network has no linear predictor

    def _loss(self, p: dict) -> Loss:
        self._need(p, "loss")
        return LOSSES[p["loss"]]

    def _check_adapted(self) -> None:
        if not hasattr(self, "head_"):
            raise NotFittedError(f"learner {self.name!r} must be adapted on the target (adapt) before predict")

    def _check_dim(self, d: int, what: str) -> None:
        layer = getattr(self, "layer_", None)
        if layer is not None and layer.shape[1] != d:
            raise ValueError(f"{what} has dimension {d} but the learner was fitted with d = {layer.shape[1]}")

    def predict(self, X: np.ndarray) -> np.ndarray:
        r""":math:`w^\top\operatorname{relu}((\hat W + \Delta)x)` for every row of ``X``."""
        self._check_adapted()
        return np.maximum(np.asarray(X) @ (self.layer_ + self.delta_).T, 0.0) @ self.head_

    def _store_target(self, fit: NetworkFit, c_w: float, radius: float) -> None:
        self.head_ = fit.heads[0]
        self.delta_ = fit.deltas[0]
        self.target_objective_ = float(fit.objective)
        self.target_converged_ = bool(fit.converged)
        self.constraint_active_ = bool(radius == 0 or np.linalg.norm(self.delta_) >= radius * (1 - 1e-6))
        self.head_constraint_active_ = bool(np.linalg.norm(self.head_) >= c_w * (1 - 1e-6))

    def diagnostics(self) -> dict[str, Any]:
        return {"head_constraint_active": getattr(self, "head_constraint_active_", float("nan"))}

    def _target_radius(self, p: dict) -> float:
        """Fine-tuning radius :math:`r` of the target step: ``radius`` (FROZENREP overrides)."""
        return p["radius"]

    def fine_tuning_class(self) -> FineTuningClass:
        """:math:`\\{w^\\top\\operatorname{relu}((\\hat W + \\Delta)x) : \\|w\\| \\le c_w, \\|\\Delta\\|_F \\le r\\}`.

        The head-only step (``r = 0``) is convex and solved exactly (``"erm"``);
        with ``r > 0`` the step is non-convex and returns a stationary point (``"local"``).
        """
        self._check_fitted()
        p = self._validated()
        radius = float(self._target_radius(p))
        return FineTuningClass(frame=self.layer_, head_bound=float(p["c_w"]), radius=radius,
                               estimator="erm" if radius == 0 else "local")

    def adapt(self, target: TargetData) -> "_NetworkLearner":
        r"""ADAPTREP's target step on the fitted layer: :math:`\min_{\|w\|\le c_w,\|\Delta\|_F\le r}\hat L`."""
        p = self._validated_for_target(target)
        radius = self._target_radius(p)
        fit = finetune_network(target.X, target.y, self.layer_, self._loss(p), head_bound=p["c_w"], radius=radius,
                               max_iter=p["max_iter"], tol=p["tol"])
        self._store_target(fit, p["c_w"], radius)
        return self

    def _fit_layer(self, sources: SourceData, p: dict, radius: float) -> None:
        self._need(p, "k", "c_w", "layer_bound")
        T, n, d = sources.X.shape
        self._check_rank(p["k"], d)
        inits = initial_layers(sources.X, sources.y, p["k"], p["layer_bound"])
        fit = fit_network_sources(sources.X, sources.y, self._loss(p), inits, head_bound=p["c_w"],
                                  layer_bound=p["layer_bound"], radius=radius, max_iter=p["max_iter"], tol=p["tol"])
        self._set_source_fit(fit.layer, fit)
        self.layer_ = fit.layer


class NetworkAdaptRep(_NetworkLearner):
    """ADAPTREP for two-layer ReLU networks."""

    name: ClassVar[str] = "adaptrep"
    HYPERPARAMETERS: ClassVar = {**_FIT, **_COMMON, "radius": _RADIUS}
    SETTING_DEFAULTS: ClassVar = {"k": "k", "radius": "radius", "c_w": "c_w", "layer_bound": "layer_bound", "loss": "loss"}

    def fit(self, sources: SourceData) -> "NetworkAdaptRep":
        p = self._validated()
        self._need(p, "radius")
        self._fit_layer(sources, p, p["radius"])
        return self


class NetworkFrozenRep(_NetworkLearner):
    """FROZENREP for two-layer ReLU networks."""

    name: ClassVar[str] = "frozenrep"
    HYPERPARAMETERS: ClassVar = {
        **_FIT, **_COMMON,
        "target_step": Parameter("'head' (convex head fit) or 'finetune'", "head", validate_choice("head", "finetune")),
        "radius": _RADIUS,
    }
    SETTING_DEFAULTS: ClassVar = {"k": "k", "radius": "radius", "c_w": "c_w", "layer_bound": "layer_bound", "loss": "loss"}

    def fit(self, sources: SourceData) -> "NetworkFrozenRep":
        p = self._validated()
        self._fit_layer(sources, p, 0.0)
        return self

    def _target_radius(self, p: dict) -> float:
        return self._target_step_radius(p)


class NetworkTargetOnly(_NetworkLearner):
    """The whole network trained on the target samples alone."""

    name: ClassVar[str] = "target-only"
    NEVER_PRODUCES: ClassVar = frozenset({"gd_radius", "grad_bound", "displacement", "gd_steps", "sin_theta_max"})
    HYPERPARAMETERS: ClassVar = {**_FIT, **_COMMON}
    SETTING_DEFAULTS: ClassVar = {"k": "k", "c_w": "c_w", "layer_bound": "layer_bound", "loss": "loss"}

    def fit(self, sources: SourceData) -> "NetworkTargetOnly":
        p = self._validated()
        self._need(p, "k", "c_w", "layer_bound", "loss")
        self._set_without_source_fit(None)
        return self

    def fine_tuning_class(self) -> FineTuningClass:
        """The whole network trained on the target (no representation; non-convex, a stationary point)."""
        self._check_fitted()
        return FineTuningClass(frame=None, head_bound=float(self._validated()["c_w"]), estimator="local")

    def adapt(self, target: TargetData) -> "NetworkTargetOnly":
        self._check_fitted()
        p = self._validated()
        X, y = target.X[None], target.y[None]
        k = min(p["k"], X.shape[2])
        fit = fit_network_sources(X, y, self._loss(p), initial_layers(X, y, k, p["layer_bound"]), head_bound=p["c_w"],
                                  layer_bound=p["layer_bound"], radius=0.0, max_iter=p["max_iter"], tol=p["tol"])
        self.layer_ = fit.layer
        self._store_target(fit, p["c_w"], 0.0)
        self.constraint_active_ = False
        self.target_converged_ = fit.converged
        return self


class NetworkOracle(_NetworkLearner):
    """ADAPTREP's target step on the true first layer."""

    name: ClassVar[str] = "oracle"
    HYPERPARAMETERS: ClassVar = {
        "frame": Parameter("the true first layer W* (k x d; filled in by the runner)", None,
                           validate_matrix),
        "radius": _RADIUS,
        "c_w": _COMMON["c_w"],
        "loss": _COMMON["loss"],
        "max_iter": _FIT["max_iter"],
    }
    SETTING_DEFAULTS: ClassVar = {"frame": "frame", "radius": "radius", "c_w": "c_w", "loss": "loss"}

    def fit(self, sources: SourceData) -> "NetworkOracle":
        p = self._validated()
        self._need(p, "frame", "radius", "c_w", "loss")
        if p["frame"].ndim != 2 or p["frame"].shape[1] != sources.dim:
            raise ValueError(f"learner {self.name!r}: parameter 'frame' must be a k x d matrix with d = {sources.dim}")
        self._set_without_source_fit(p["frame"])
        self.layer_ = p["frame"]
        return self

    def adapt(self, target: TargetData) -> "NetworkOracle":
        p = self._validated_for_target(target)
        fit = finetune_network(target.X, target.y, self.layer_, self._loss(p), head_bound=p["c_w"], radius=p["radius"],
                               max_iter=p["max_iter"])
        self._store_target(fit, p["c_w"], p["radius"])
        return self


class NetworkGDFineTune(_NetworkLearner):
    """``gd-finetune`` for two-layer ReLU networks."""

    name: ClassVar[str] = "gd-finetune"
    NEVER_PRODUCES: ClassVar = frozenset()
    HYPERPARAMETERS: ClassVar = {
        **_FIT, **_COMMON,
        "source": Parameter("source first layer: 'adaptrep', 'frozenrep' or 'oracle'", "adaptrep",
                            validate_choice("adaptrep", "frozenrep", "oracle")),
        "radius": Parameter("fine-tuning radius of the adaptrep source fit, a real >= 0 (default: the setting's delta0)",
                            None, validate_float(0.0)),
        "frame": NetworkOracle.HYPERPARAMETERS["frame"],
        "steps": Parameter("number s of gradient steps on the target, an integer >= 0", 10, validate_int(0)),
        "step_size": Parameter("gradient step eta, a real > 0 (default 1/beta0, a Gauss-Newton smoothness estimate)",
                               None, validate_float(0.0, low_open=True)),
    }
    SETTING_DEFAULTS: ClassVar = {"k": "k", "radius": "radius", "c_w": "c_w", "layer_bound": "layer_bound",
                                  "loss": "loss", "frame": "frame"}

    def fit(self, sources: SourceData) -> "NetworkGDFineTune":
        p = self._validated()
        if p["source"] == "oracle":
            self._need(p, "frame")
            self._set_without_source_fit(p["frame"])
            self.layer_ = p["frame"]
            return self
        if p["source"] == "adaptrep":
            self._need(p, "radius")
        self._fit_layer(sources, p, p["radius"] if p["source"] == "adaptrep" else 0.0)
        return self

    def fine_tuning_class(self) -> FineTuningClass:
        """Gradient steps on :math:`(w, \\Delta)` from the head fit on the source layer."""
        self._check_fitted()
        return FineTuningClass(frame=self.layer_, head_bound=float(self._validated()["c_w"]), estimator="gd")

    def adapt(self, target: TargetData) -> "NetworkGDFineTune":
        self._check_fitted()
        p = self._validated()
        self._need(p, "c_w")
        self._check_dim(target.X.shape[1], "target data")
        loss = self._loss(p)
        w0 = fit_head(target.X[None], target.y[None], self.layer_, loss, p["c_w"])[0]
        path, eta = gd_network(target.X, target.y, self.layer_, loss, w0, steps=p["steps"], step_size=p["step_size"],
                               head_bound=p["c_w"])
        self.path_, self.step_size_ = path, eta
        self.head_, self.delta_ = path.head, path.delta
        self.target_objective_ = path.objective
        self.constraint_active_ = False
        self.head_constraint_active_ = bool(np.linalg.norm(path.head) >= p["c_w"] * (1 - 1e-6))
        self.gd_steps_ = int(p["steps"])
        return self

    def diagnostics(self) -> dict[str, Any]:
        if not hasattr(self, "path_"):
            return {}
        return {"head_constraint_active": self.head_constraint_active_, "gd_radius": self.path_.reach,
                "grad_bound": self.path_.grad_bound, "displacement": self.path_.displacement, "gd_steps": self.gd_steps_}
