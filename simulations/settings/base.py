"""Data containers and the protocol every task setting follows.

A setting is a seeded generator of (i) source tasks and their data and (ii) a
target task and its data.  The target may depend on the representation a
learner has fitted (worst-case targets of the hard instance), so a replicate
draws the sources once, and the target once per learner from the same seed:
every learner sees the same design and noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Mapping

import math

import numpy as np

from ..parameters import Parameter, resolve_parameters

__all__ = [
    "SourceData",
    "SourceStatistics", "TargetData", "SourceTruth", "TargetTruth", "Setting",
    "check_rank", "check_covariance", "complete_sphere_radius", "complete_head_bound", "linear_class_columns",
]


# -- cross-parameter checks and derived defaults shared by the settings' ``_complete`` ----
def check_rank(params: dict[str, Any]) -> None:
    """Require the representation dimension ``k`` to be in ``[1, d]``."""
    d = params["d"]
    if params["k"] > d:
        raise ValueError(f"parameter 'k' must be an integer in [1, d] = [1, {d}]; got {params['k']}")


def check_covariance(params: dict[str, Any]) -> None:
    """Require the input covariance ``Sigma``, when given, to be d x d."""
    d, Sigma = params["d"], params["Sigma"]
    if Sigma is not None and Sigma.shape != (d, d):
        raise ValueError(f"parameter 'Sigma' must be a d x d = {d} x {d} matrix; got {Sigma.shape}")


def complete_sphere_radius(params: dict[str, Any]) -> None:
    r"""Sphere radius ``R``: allowed for ``inputs='sphere'`` only, default :math:`\sqrt d` there."""
    sphere = params["inputs"] == "sphere"
    if params["R"] is not None and not sphere:
        raise ValueError("parameter 'R' applies to inputs='sphere' only (Gaussian inputs are unbounded)")
    if sphere and params["R"] is None:
        params["R"] = math.sqrt(params["d"])


def complete_head_bound(params: dict[str, Any]) -> None:
    """Head-norm bound ``c_w``: default ``2 head_scale``, and at least ``head_scale`` (the target head norm)."""
    if params["c_w"] is None:
        params["c_w"] = 2.0 * params["head_scale"]
    if params["c_w"] < params["head_scale"]:
        raise ValueError(
            f"parameter 'c_w' must be a real >= head_scale = {params['head_scale']} (the target head norm); got {params['c_w']}"
        )


def linear_class_columns(truth: "SourceTruth", target: "TargetTruth", data: "TargetData", learner: Any,
                         sigma: float) -> dict[str, float]:
    """Per-replicate columns of a linear predictor that the bounds' baselines and premises use.

    ``baseline_excess`` / ``baseline_insample`` (the zero predictor's risks:
    the squared loss is unbounded, so no class member is worse in general),
    ``head_bias`` and ``class_bias`` (:mod:`simulations.class_geometry`),
    ``resid_trace`` / ``resid_op`` (trace and norm of the residual metric),
    ``fw_gap`` (:mod:`simulations.optimality`, for ``estimator="erm"``),
    ``expected_excess`` / ``expected_insample`` and ``smoother_residual``
    (:mod:`simulations.conditional`, for linear smoothers: the exact
    conditional risks of the reference estimator ``M y`` and how far the
    learner's predictor is from it); NaN where not defined.  Documented in :data:`simulations.columns.OPTIONAL_COLUMNS`.
    """
    from ..class_geometry import approximation_error, residual_metric
    from ..conditional import reference_smoother, smoother_risks
    from ..losses import SquaredLoss
    from ..optimality import relative_fw_gap

    nan = float("nan")
    theta, cov, X = target.theta, truth.covariance, data.X
    cls = learner.fine_tuning_class()
    out = {"baseline_excess": float(theta @ cov @ theta),
           "baseline_insample": float((X @ theta) @ (X @ theta) / X.shape[0])}
    C = residual_metric(cls.frame, cov)
    out["head_bias"] = nan if cls.frame is None else float(theta @ C @ theta)
    out["class_bias"] = (approximation_error(C, theta, cls.radius) if cls.estimator == "erm" else nan)
    if cls.frame is not None:
        eig = np.linalg.eigvalsh(C)
        out["resid_trace"], out["resid_op"] = float(np.sum(eig)), float(max(eig[-1], 0.0))
    else:
        out["resid_trace"] = out["resid_op"] = nan
    out["fw_gap"] = (relative_fw_gap(X, data.y, SquaredLoss(), learner.theta_, cls.frame,
                                     getattr(learner, "head_", None), getattr(learner, "delta_", None),
                                     cls.head_bound, cls.radius) if cls.estimator == "erm" else nan)
    M = reference_smoother(learner, X)
    if M is None:
        out["expected_excess"] = out["expected_insample"] = out["smoother_residual"] = nan
    else:
        out["expected_excess"], out["expected_insample"] = smoother_risks(M, X, theta, cov, sigma)
        reference = M @ data.y
        out["smoother_residual"] = float(np.linalg.norm(learner.theta_ - reference)
                                         / max(float(np.linalg.norm(reference)), 1e-300))
    return out


@dataclass(frozen=True)
class SourceData:
    """Samples of the ``T`` source tasks, ``n`` each.

    Attributes
    ----------
    X : ndarray, shape (T, n, d)
    y : ndarray, shape (T, n)
    """

    X: np.ndarray
    y: np.ndarray

    @property
    def n_tasks(self) -> int:
        return self.X.shape[0]

    @property
    def n_samples(self) -> int:
        return self.X.shape[1]

    @property
    def dim(self) -> int:
        return self.X.shape[2]

    @cached_property
    def gram(self) -> np.ndarray:
        r""":math:`X_t^\top X_t`, shape (T, d, d), in one batched product."""
        return np.matmul(np.swapaxes(self.X, 1, 2), self.X)

    @cached_property
    def cross(self) -> np.ndarray:
        r""":math:`X_t^\top y_t`, shape (T, d)."""
        return np.einsum("tni,tn->ti", self.X, self.y)

    @cached_property
    def energy(self) -> np.ndarray:
        r""":math:`y_t^\top y_t`, shape (T,)."""
        return np.einsum("tn,tn->t", self.y, self.y)


@dataclass(frozen=True)
class SourceStatistics:
    r"""Sufficient statistics of the ``T`` source tasks, ``n`` samples each, without the samples.

    For squared-loss learners the source objective depends on the data only through
    :math:`X_t^\top X_t`, :math:`X_t^\top y_t` and :math:`y_t^\top y_t`; a setting that draws these
    directly from their joint law (e.g. ``linear-hard`` with ``source_data="statistics"``) can
    simulate any ``n`` at a cost independent of ``n``.  ``X`` and ``y`` are not available: a learner
    that needs the samples raises a ``ValueError`` naming the setting parameter.

    Attributes
    ----------
    gram : ndarray, shape (T, d, d)
    cross : ndarray, shape (T, d)
    energy : ndarray, shape (T,)
    n : int
        Samples per task.
    """

    gram: np.ndarray
    cross: np.ndarray
    energy: np.ndarray
    n: int

    @property
    def n_tasks(self) -> int:
        return self.gram.shape[0]

    @property
    def n_samples(self) -> int:
        return int(self.n)

    @property
    def dim(self) -> int:
        return self.gram.shape[1]

    @property
    def X(self) -> np.ndarray:
        raise ValueError("these source data are sufficient statistics only (setting parameter "
                         "source_data='statistics'): this learner needs the samples; use source_data='samples'")

    @property
    def y(self) -> np.ndarray:
        return self.X


@dataclass(frozen=True)
class TargetData:
    """The ``m`` target samples: ``X`` (m, d), ``y`` (m,)."""

    X: np.ndarray
    y: np.ndarray

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @cached_property
    def gram(self) -> np.ndarray:
        return self.X.T @ self.X

    @cached_property
    def cross(self) -> np.ndarray:
        return self.X.T @ self.y

    @cached_property
    def energy(self) -> float:
        return float(self.y @ self.y)


@dataclass(frozen=True)
class SourceTruth:
    """The true source tasks.

    Attributes
    ----------
    frame : ndarray, shape (d, k)
        Orthonormal shared frame :math:`B^*`.
    heads : ndarray, shape (T, k)
        True heads :math:`w_t^*`.
    perturbations : ndarray, shape (T, d)
        :math:`v_t`, with :math:`\\|v_t\\| \\le \\delta_0`.
    covariance : ndarray, shape (d, d)
        Input covariance :math:`\\Sigma`.
    nu : float
        Realised task diversity :math:`\\lambda_{\\min}(\\frac1T\\sum_t w_t^* w_t^{*\\top})`.
    """

    frame: np.ndarray
    heads: np.ndarray
    perturbations: np.ndarray
    covariance: np.ndarray
    nu: float

    @property
    def thetas(self) -> np.ndarray:
        return self.heads @ self.frame.T + self.perturbations


@dataclass(frozen=True)
class TargetTruth:
    """The true target task: :math:`\\theta = B^* w + v`."""

    head: np.ndarray
    perturbation: np.ndarray
    frame: np.ndarray

    @property
    def shared(self) -> np.ndarray:
        return self.frame @ self.head

    @property
    def theta(self) -> np.ndarray:
        return self.shared + self.perturbation


@dataclass(frozen=True)
class Setting:
    """Base class of task settings; subclasses declare ``name`` and ``PARAMETERS``.

    Construct with keyword parameters; they are validated at once and the
    resolved values (defaults filled in) are in :attr:`params`.
    """

    name: ClassVar[str] = ""
    #: Learner family: which implementation of each learner name applies
    #: (``simulations.registry.LEARNER_CLASSES[family]``).
    family: ClassVar[str] = "linear"
    PARAMETERS: ClassVar[Mapping[str, Parameter]] = {}
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_params(cls, **given: Any) -> "Setting":
        params = resolve_parameters(cls.PARAMETERS, given, owner=f"setting {cls.name!r}")
        return cls(params=cls._complete(params))

    @classmethod
    def _complete(cls, params: dict[str, Any]) -> dict[str, Any]:
        """Check cross-parameter constraints and fill derived defaults (override)."""
        return params

    @property
    def fine_tuning_radius(self) -> float:
        """Radius the learners use unless given one: ``delta0``."""
        return float(self.params["delta0"])

    @property
    def rank(self) -> int:
        return int(self.params["k"])

    def learner_defaults(self) -> dict[str, Any]:
        """Values of the learners' ``SETTING_DEFAULTS`` sources: ``k`` and ``radius`` (settings may add more)."""
        return {"k": self.rank, "radius": self.fine_tuning_radius}

    def draw_sources(self, rng: np.random.Generator) -> tuple[SourceTruth, SourceData]:
        raise NotImplementedError

    def draw_target(
        self, rng: np.random.Generator, truth: SourceTruth, representation: np.ndarray | None
    ) -> tuple[TargetTruth, TargetData]:
        raise NotImplementedError

    def evaluate(
        self, truth: SourceTruth, target: TargetTruth, data: TargetData, learner: Any
    ) -> dict[str, Any]:
        """Risk columns and representation diagnostics of an adapted learner.

        Linear settings: exact excess risk, in-sample risk, representation
        error and principal-angle sine of a linear predictor ``learner.theta_``
        (see :mod:`simulations.risk`), and the columns of
        :func:`linear_class_columns` (baselines, class geometry, the
        optimality gap, exact conditional risks of linear smoothers).
        Settings with other losses or predictors override this method; they
        must return at least ``excess_risk`` and ``insample_risk`` (NaN when
        not defined).
        """
        from ..risk import excess_risk, insample_risk, representation_error, sin_theta_max

        rep = getattr(learner, "representation_", None)
        return {
            "excess_risk": excess_risk(learner.theta_, target.theta, truth.covariance),
            "insample_risk": insample_risk(learner.theta_, target.theta, data.X),
            "rep_error": representation_error(rep, target.shared, truth.covariance),
            "sin_theta_max": sin_theta_max(rep, truth.frame),
            **linear_class_columns(truth, target, data, learner, float(self.params["sigma"])),
        }

    def describe(self) -> dict[str, Any]:
        """Parameters as tidy scalar columns (matrices summarised)."""
        out = {}
        for key, value in self.params.items():
            if isinstance(value, np.ndarray):
                out[key] = "custom"
            elif value is None:
                out[key] = "identity" if key == "Sigma" else None
            else:
                out[key] = value
        return out
