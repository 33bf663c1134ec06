r"""``maml``: source training by MAML, then ``gd-finetune`` on the target.

Source step: MAML with ``inner_steps`` inner gradient steps of size
``inner_step`` on each task's support set (the first ``1 - query_fraction`` of
its samples) and the mean query loss as meta-objective.

* ``linear`` and ``logistic`` families: meta-parameters :math:`(B, \bar w)`, inner
  steps on :math:`(w, \delta)` from :math:`(\bar w, 0)` (exactly the target step of
  ``gd-finetune``), **exact second-order** meta-gradient (``order="second"``,
  default; ``"first"`` for first-order MAML), accelerated projected gradient
  over :math:`\|B\|_{op} \le 1` (:mod:`..solvers.maml`); the representation is an
  orthonormal basis of :math:`\operatorname{span}(B)`.
* ``network`` family: **first-order MAML** (FOMAML) over :math:`(W, \bar w)`
  with inner steps on :math:`(w, \Delta)`, fixed outer step ``outer_step``
  (:mod:`..solvers.maml_network`).

Target step: that of ``gd-finetune`` (head fit, then ``steps`` gradient steps of
size ``step_size`` on all fine-tuning parameters), so the same columns
(``gd_radius``, ``grad_bound``, ``displacement``, ``gd_steps``) are recorded.
Default inner step :math:`1/\beta` with :math:`\beta` the largest smoothness
constant of the tasks' support risks at the initial frame (linear, logistic)
or the largest Gauss-Newton smoothness estimate of the tasks' support risks at
the initial layer and the per-task head fits (network; the rule of
``gd-finetune``'s default step).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..parameters import Parameter, validate_choice, validate_float, validate_int
from ..settings.base import SourceData
from ..solvers.gradient_descent import smoothness
from ..solvers.maml import fit_maml, split_support_query
from ..solvers.maml_network import fit_network_fomaml
from ..solvers.network_fit import fit_head, gauss_newton_smoothness, initial_layers
from ..solvers.spectral import initial_frames
from .gd import LinearGDFineTune, LogisticGDFineTune
from .network import NetworkGDFineTune

__all__ = ["LinearMaml", "LogisticMaml", "NetworkMaml", "MAML_PARAMETERS"]

MAML_PARAMETERS = {
    "k": Parameter("representation dimension, an integer >= 1 (default: the setting's k)", None, validate_int(1)),
    "steps": Parameter("gradient steps on the target, an integer >= 0", 10, validate_int(0)),
    "step_size": Parameter("target gradient step, a real > 0 (default 1/beta of the target risk)", None,
                           validate_float(0.0, low_open=True)),
    "inner_steps": Parameter("inner gradient steps per source task, an integer >= 1", 5, validate_int(1)),
    "inner_step": Parameter("inner gradient step alpha, a real > 0 (default: see the module docstring)", None,
                            validate_float(0.0, low_open=True)),
    "query_fraction": Parameter("fraction of each source task's samples used as query set, a real in (0, 1)", 0.5,
                                validate_float(0.0, 1.0, low_open=True, high_open=True)),
    "max_iter": Parameter("maximum outer iterations, an integer >= 1", 500, validate_int(1)),
    "tol": Parameter("relative objective decrease to stop, a real in (0, 1)", 1e-6,
                     validate_float(0.0, 1.0, low_open=True, high_open=True)),
}
_ORDER = Parameter("'second' (exact MAML gradient) or 'first' (first-order MAML)", "second",
                   validate_choice("second", "first"))


class _MamlLinearFamily:
    """Constructor and source fit shared by the linear and logistic MAML learners."""

    def fit(self, sources: SourceData):
        p = self._validated()
        T, n, d = sources.X.shape
        self._check_rank(p["k"], d)
        if n < 2:
            raise ValueError(f"learner {self.name!r} needs n >= 2 samples per source task (support and query)")
        B0 = initial_frames(sources.gram, sources.cross, p["k"], n, "parameter")[0]
        Xs = split_support_query(sources.X, sources.y, p["query_fraction"])[0]
        alpha = p["inner_step"]
        if alpha is None:
            alpha = 1.0 / max(smoothness(Xs[t], B0, self.LOSS) for t in range(T))
        fit = fit_maml(sources.X, sources.y, self.LOSS, B0, steps=p["inner_steps"], alpha=alpha,
                       query_fraction=p["query_fraction"], order=p["order"], max_iter=p["max_iter"], tol=p["tol"])
        self.representation_ = fit.frame
        self.w_bar_ = fit.w_bar
        self.inner_step_ = float(alpha)
        self.objective_, self.n_iter_, self.converged_ = fit.objective, fit.n_iter, bool(fit.converged)
        return self


class LinearMaml(_MamlLinearFamily, LinearGDFineTune):
    """MAML (exact second order) + gradient-descent fine-tuning, squared loss."""

    name: ClassVar[str] = "maml"
    HYPERPARAMETERS: ClassVar = {
        **MAML_PARAMETERS, "order": _ORDER,
        "c_w": Parameter("head-norm bound c_w of the target step, a real > 0 (default: none)", None,
                         validate_float(0.0, low_open=True)),
    }
    SETTING_DEFAULTS: ClassVar = {"k": "k"}


class LogisticMaml(_MamlLinearFamily, LogisticGDFineTune):
    """MAML (exact second order) + gradient-descent fine-tuning, logistic loss."""

    name: ClassVar[str] = "maml"
    HYPERPARAMETERS: ClassVar = {
        **MAML_PARAMETERS, "order": _ORDER,
        "c_w": Parameter("head-norm bound c_w of the target step, a real > 0 (default: the setting's c_w)", None,
                         validate_float(0.0, low_open=True)),
    }
    SETTING_DEFAULTS: ClassVar = {"k": "k", "c_w": "c_w"}


class NetworkMaml(NetworkGDFineTune):
    """First-order MAML + gradient-descent fine-tuning for two-layer ReLU networks."""

    name: ClassVar[str] = "maml"
    HYPERPARAMETERS: ClassVar = {
        **MAML_PARAMETERS,
        "outer_step": Parameter("outer (meta) gradient step, a real > 0 (default: the inner step)", None,
                                validate_float(0.0, low_open=True)),
        "c_w": NetworkGDFineTune.HYPERPARAMETERS["c_w"],
        "layer_bound": NetworkGDFineTune.HYPERPARAMETERS["layer_bound"],
        "loss": NetworkGDFineTune.HYPERPARAMETERS["loss"],
    }
    SETTING_DEFAULTS: ClassVar = {"k": "k", "c_w": "c_w", "layer_bound": "layer_bound", "loss": "loss"}

    def fit(self, sources: SourceData) -> "NetworkMaml":
        p = self._validated()
        self._need(p, "k", "c_w", "layer_bound", "loss")
        T, n, d = sources.X.shape
        self._check_rank(p["k"], d)
        if n < 2:
            raise ValueError(f"learner {self.name!r} needs n >= 2 samples per source task (support and query)")
        loss = self._loss(p)
        W0 = initial_layers(sources.X, sources.y, p["k"], p["layer_bound"])[0]
        alpha = p["inner_step"]
        if alpha is None:
            Xs, ys = split_support_query(sources.X, sources.y, p["query_fraction"])[:2]
            heads = fit_head(Xs, ys, W0, loss, p["c_w"])
            alpha = 1.0 / max(gauss_newton_smoothness(Xs[t], W0, heads[t], loss) for t in range(T))
        fit = fit_network_fomaml(sources.X, sources.y, loss, W0, steps=p["inner_steps"], alpha=alpha,
                                 head_bound=p["c_w"], layer_bound=p["layer_bound"],
                                 outer_step=p["outer_step"] if p["outer_step"] is not None else alpha,
                                 query_fraction=p["query_fraction"], max_iter=p["max_iter"], tol=p["tol"])
        self.representation_ = self.layer_ = fit.layer
        self.w_bar_ = fit.w_bar
        self.inner_step_ = float(alpha)
        self.objective_, self.n_iter_, self.converged_ = fit.objective, fit.n_iter, bool(fit.converged)
        return self
