r"""The ``logistic`` setting: logistic regression tasks sharing a representation approximately.

Model
-----
Labels :math:`y \in \{-1, +1\}` with

.. math:: P(y = 1 \mid x) = \sigma(x^\top\theta_t),\qquad \theta_t = B^* w_t^* + v_t,\quad \|v_t\|_2 \le \delta_0,

:math:`B^*`, the heads and the perturbations drawn exactly as in ``linear``
(same parameters ``head_scale``, ``head_condition``, ``perturbation_fraction``), or, with
``heads="balanced"``, source heads of norm exactly ``head_scale`` and head covariance
:math:`(h^2/k) I_k` (:func:`~.sampling.equal_norm_heads`; ``T`` a multiple of ``k``), so that a
norm bound ``c_w >= head_scale`` holds for every source task.
Inputs (parameter ``inputs``):

* ``"gaussian"`` (default): :math:`x \sim N(0, \Sigma)` (``Sigma``, default identity);
* ``"sphere"``: :math:`x` uniform on the sphere of radius :math:`R`
  (default :math:`R = \sqrt d`, so that :math:`E[xx^\top] = (R^2/d) I = I`):
  bounded inputs, as the Rademacher bounds ``finetune-step`` and ``gd-radius``
  assume.  ``R`` is defined only for these inputs (it stays ``None`` for
  Gaussian inputs, so a bound that needs it cannot be evaluated there).

Head-norm bound ``c_w`` (default :math:`2\,h`, :math:`h` = ``head_scale``): the
bound the learners enforce (:math:`\|w\| \le c_w`) and the bounds assume.  The
target head has norm exactly :math:`h`, so ``c_w >= head_scale`` is required
(the target is then in every learner's class when the frame is right).  Source
heads have root mean squared norm :math:`h`; individual ones may exceed
:math:`c_w`, in which case the constrained source fit is misspecified for them.

Risks (:mod:`simulations.risk_logistic`): ``excess_risk`` is the population
logistic loss minus the Bayes loss, :math:`E_x\mathrm{KL}(\sigma(x^\top\theta)\|\sigma(x^\top\hat\theta))`,
computed by deterministic quadrature for both input laws (to about 1e-10; no
test sample, so ``risk_se`` is 0); ``zero_one_excess`` is the 0-1 excess risk
of :math:`\operatorname{sign}(x^\top\hat\theta)`; ``insample_risk`` the mean KL
over the target design; ``empirical_gap`` the target empirical logistic loss
of the predictor minus that of the truth.

Columns for the bounds' baselines, premises and certificates
(:mod:`simulations.logistic_certificates`, documented in
:data:`simulations.columns.OPTIONAL_COLUMNS`): ``baseline_excess`` /
``baseline_insample`` (the largest risks of the zero predictor and the
anti-aligned extreme point of the learner's declared class), ``fw_gap`` (exact
optimality of ``estimator="erm"`` learners, logistic loss), ``class_distance``
/ ``target_class_distance`` (distance of the predictor / of the truth from the
declared class), ``comparator_gap`` (target empirical loss of the predictor minus that of the
frame comparator :func:`~simulations.logistic_certificates.frame_comparator`) and, for sphere inputs with ``m >= d``, the certificate
ingredients ``cert_*``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

import numpy as np

from ..logistic_certificates import (
    CERTIFICATE_COLUMNS, baseline_risks, certificate_ingredients, class_distance, frame_comparator,
)
from ..losses import LogisticLoss
from ..optimality import relative_fw_gap
from ..parameters import Parameter, validate_choice, validate_float, validate_spd
from ..risk import representation_error, sin_theta_max
from ..risk_logistic import (
    empirical_logistic_loss,
    logistic_excess_gaussian,
    logistic_excess_sphere,
    logistic_insample_excess,
    zero_one_excess_gaussian,
    zero_one_excess_sphere,
)
from .base import (
    Setting, SourceData, SourceTruth, TargetData, TargetTruth, check_covariance, check_rank, complete_head_bound,
    complete_sphere_radius,
)
from .linear import COMMON_PARAMETERS, LinearSetting, draw_source_truth, draw_target_truth
from .sampling import gaussian_inputs, sphere_inputs

__all__ = ["LogisticSetting", "LOGISTIC_PARAMETERS", "bernoulli_labels"]

LOGISTIC_PARAMETERS: dict[str, Parameter] = {
    **{name: COMMON_PARAMETERS[name] for name in ("d", "k", "T", "n", "m")},
    "delta0": LinearSetting.PARAMETERS["delta0"],
    "head_scale": Parameter("root mean squared head norm h (target head norm), a real > 0", 1.0,
                            validate_float(0.0, low_open=True)),
    "head_condition": LinearSetting.PARAMETERS["head_condition"],
    "perturbation_fraction": LinearSetting.PARAMETERS["perturbation_fraction"],
    "heads": Parameter("source heads: 'diverse' (spectrum set by head_condition, norms vary) or 'balanced' "
                       "(every norm exactly head_scale, (1/T) sum_t w_t w_t' = (head_scale^2/k) I; T a multiple of k)",
                       "diverse", validate_choice("diverse", "balanced")),
    "inputs": Parameter("input law: 'gaussian' (N(0, Sigma)) or 'sphere' (uniform on the sphere of radius R)",
                        "gaussian", validate_choice("gaussian", "sphere")),
    "R": Parameter("radius of the input sphere, a real > 0 (inputs='sphere' only; default sqrt(d))", None,
                   validate_float(0.0, low_open=True)),
    "c_w": Parameter("head-norm bound ||w|| <= c_w enforced by the learners, a real >= head_scale (default 2 head_scale)",
                     None, validate_float(0.0, low_open=True)),
    "Sigma": Parameter("input covariance, a d x d SPD matrix (inputs='gaussian' only; default identity)", None,
                       validate_spd),
}


def bernoulli_labels(uniforms: np.ndarray, logits: np.ndarray) -> np.ndarray:
    r"""Labels :math:`y = +1` if :math:`U < \sigma(\text{logit})` else :math:`-1` (inverse-CDF draw)."""
    return np.where(uniforms < 1.0 / (1.0 + np.exp(-logits)), 1.0, -1.0)


class LogisticSetting(Setting):
    """Logistic regression with an approximately shared linear representation."""

    name: ClassVar[str] = "logistic"
    family: ClassVar[str] = "logistic"
    PARAMETERS: ClassVar[Mapping[str, Parameter]] = LOGISTIC_PARAMETERS

    @classmethod
    def _complete(cls, params: dict[str, Any]) -> dict[str, Any]:
        check_rank(params)
        if params["Sigma"] is not None and params["inputs"] == "sphere":
            raise ValueError("parameter 'Sigma' applies to inputs='gaussian' only (sphere inputs have covariance (R^2/d) I)")
        check_covariance(params)
        if params["heads"] == "balanced":
            if params["T"] % params["k"]:
                raise ValueError(f"parameter 'T' must be a multiple of k = {params['k']} with heads='balanced'; "
                                 f"got T={params['T']}")
            if params["head_condition"] != 1.0:
                raise ValueError("parameter 'head_condition' applies to heads='diverse' only (balanced heads have "
                                 f"condition 1); got head_condition={params['head_condition']}")
        complete_sphere_radius(params)
        complete_head_bound(params)
        return params

    # -- geometry ---------------------------------------------------------
    @property
    def sphere(self) -> bool:
        return self.params["inputs"] == "sphere"

    @property
    def covariance(self) -> np.ndarray:
        d = self.params["d"]
        if self.sphere:
            return (self.params["R"] ** 2 / d) * np.eye(d)
        Sigma = self.params["Sigma"]
        return np.eye(d) if Sigma is None else Sigma

    def _inputs(self, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        if self.sphere:
            return sphere_inputs(rng, shape, self.params["R"])
        Sigma = self.params["Sigma"]
        return gaussian_inputs(rng, shape, None if Sigma is None else np.linalg.cholesky(Sigma))

    def learner_defaults(self) -> dict[str, Any]:
        """Adds ``c_w`` and ``norm_bound = c_w + delta0`` (a bound on every target's norm, for ``target-only``)."""
        c_w = float(self.params["c_w"])
        return {**super().learner_defaults(), "c_w": c_w, "norm_bound": c_w + self.fine_tuning_radius}

    # -- draws --------------------------------------------------------------
    def draw_sources(self, rng: np.random.Generator) -> tuple[SourceTruth, SourceData]:
        p = self.params
        d, T, n = p["d"], p["T"], p["n"]
        truth = draw_source_truth(rng, p, self.covariance)
        X = self._inputs(rng, (T, n, d))
        y = bernoulli_labels(rng.random((T, n)), np.einsum("tnd,td->tn", X, truth.thetas))
        return truth, SourceData(X=X, y=y)

    def draw_target(
        self, rng: np.random.Generator, truth: SourceTruth, representation: np.ndarray | None
    ) -> tuple[TargetTruth, TargetData]:
        p = self.params
        X = self._inputs(rng, (p["m"], p["d"]))
        uniforms = rng.random(p["m"])
        target = draw_target_truth(rng, p, truth.frame)
        return target, TargetData(X=X, y=bernoulli_labels(uniforms, X @ target.theta))

    # -- risks --------------------------------------------------------------
    def evaluate(self, truth: SourceTruth, target: TargetTruth, data: TargetData, learner: Any) -> dict[str, Any]:
        """Quadrature risks of the logit direction ``learner.theta_`` and the bound columns (module docstring)."""
        theta_hat, theta = learner.theta_, target.theta
        R = self.params["R"] if self.sphere else None
        if self.sphere:
            excess = logistic_excess_sphere(theta_hat, theta, R)
            zero_one = zero_one_excess_sphere(theta_hat, theta, R)
        else:
            excess = logistic_excess_gaussian(theta_hat, theta, truth.covariance)
            zero_one = zero_one_excess_gaussian(theta_hat, theta, truth.covariance)
        rep = getattr(learner, "representation_", None)
        out = {
            "excess_risk": excess,
            "insample_risk": logistic_insample_excess(theta_hat, theta, data.X),
            "rep_error": representation_error(rep, target.shared, truth.covariance),
            "sin_theta_max": sin_theta_max(rep, truth.frame),
            "zero_one_excess": zero_one,
            "risk_se": 0.0,
            "empirical_gap": empirical_logistic_loss(data.X, data.y, theta_hat)
            - empirical_logistic_loss(data.X, data.y, theta),
        }
        out.update(self._class_columns(truth, target, data, learner))
        return out

    def _class_columns(self, truth: SourceTruth, target: TargetTruth, data: TargetData, learner: Any) -> dict[str, float]:
        """``baseline_*``, ``fw_gap``, ``class_distance``, ``target_class_distance``, ``comparator_gap`` and
        ``cert_*`` of one learner."""
        nan = float("nan")
        theta_hat, theta = learner.theta_, target.theta
        cls = learner.fine_tuning_class()
        R = self.params["R"] if self.sphere else None
        out: dict[str, float] = {}
        out["baseline_excess"], out["baseline_insample"] = baseline_risks(
            theta, cls, data.X, R=R, covariance=truth.covariance)
        out["fw_gap"] = (relative_fw_gap(data.X, data.y, LogisticLoss(), theta_hat, cls.frame,
                                         getattr(learner, "head_", None), getattr(learner, "delta_", None),
                                         cls.head_bound, cls.radius) if cls.estimator == "erm" else nan)
        out["class_distance"] = class_distance(theta_hat, cls.frame, cls.head_bound, cls.radius)
        out["target_class_distance"] = class_distance(theta, cls.frame, cls.head_bound, cls.radius)
        out["comparator_gap"] = nan
        if cls.frame is not None and np.isfinite(cls.radius):
            comparator = frame_comparator(theta, target.shared, cls.frame, cls.radius)
            out["comparator_gap"] = (empirical_logistic_loss(data.X, data.y, theta_hat)
                                     - empirical_logistic_loss(data.X, data.y, comparator))
        if self.sphere:
            out.update(certificate_ingredients(data.X, data.y, theta_hat, theta, R, cls))
        else:
            out.update({c: nan for c in CERTIFICATE_COLUMNS})
        return out
