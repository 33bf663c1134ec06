r"""The ``network`` setting: two-layer ReLU tasks sharing a first layer approximately.

Model
-----
Task :math:`t` predicts with :math:`f_t(x) = w_t^{*\top}\operatorname{relu}((W^* + \Delta_t)x)`,
:math:`W^* \in \mathbb{R}^{k\times d}` with orthonormal rows (Haar random, so
:math:`\|W^*\|_{op} = 1`), :math:`\|\Delta_t\|_F = f\delta_0` (``perturbation_fraction``
:math:`f`, uniformly random direction in :math:`\mathbb{R}^{k\times d}`), heads
drawn as in ``linear`` (``head_scale``, ``head_condition``; realised task
diversity :math:`\nu` reported).  Labels (parameter ``loss``):

* ``"squared"`` (default): :math:`y = f_t(x) + \sigma\xi`, :math:`\xi \sim N(0, 1)`;
* ``"logistic"``: :math:`y \in \{-1, +1\}`, :math:`P(y = 1 \mid x) = \sigma(f_t(x))`.

Inputs as in ``logistic``: ``"gaussian"`` :math:`N(0, I_d)` or ``"sphere"``
(uniform on the sphere of radius ``R``, default :math:`\sqrt d`).  The target
is drawn like a source task.  ``c_w`` (default :math:`2h`) is the head-norm bound
the learners enforce; ``c_w >= head_scale`` is required.

Risks (:mod:`simulations.risk_network`): there is no closed form, so
``excess_risk`` is estimated on an independent test sample of ``test_size``
inputs drawn with the target (common to all learners): the mean of
:math:`(\hat f(x) - f^*(x))^2` (squared loss; the noise cancels exactly) or of
:math:`\mathrm{KL}(\sigma(f^*(x))\|\sigma(\hat f(x)))` (logistic), an unbiased
estimate of the population excess risk, with its standard error ``risk_se``.
Reference columns of the learner's class (trivial baselines, the head-only
step's Frank-Wolfe gap and exact conditional expectations):
:mod:`simulations.network_reference`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

import numpy as np

from ..losses import LOSSES
from ..parameters import REQUIRED, Parameter, validate_choice, validate_float, validate_int
from ..network_reference import network_reference_columns
from ..risk_network import network_risks
from .base import Setting, SourceData, TargetData, check_rank, complete_head_bound, complete_sphere_radius
from .logistic import LOGISTIC_PARAMETERS, bernoulli_labels
from .sampling import diverse_heads, gaussian_inputs, random_frame, sphere_inputs, unit_vectors

__all__ = ["NetworkSetting", "NetworkTruth", "NetworkTarget", "NETWORK_PARAMETERS", "network_predict"]


def network_predict(X: np.ndarray, layer: np.ndarray, head: np.ndarray) -> np.ndarray:
    r""":math:`w^\top\operatorname{relu}(Lx)` for every row of ``X``."""
    return np.maximum(X @ layer.T, 0.0) @ head


@dataclass(frozen=True)
class NetworkTruth:
    """The true source tasks of a network setting.

    Attributes
    ----------
    layer : ndarray, shape (k, d)
        Shared first layer :math:`W^*`.
    heads : ndarray, shape (T, k)
    perturbations : ndarray, shape (T, k, d)
        :math:`\\Delta_t`.
    nu : float
        Realised task diversity.
    """

    layer: np.ndarray
    heads: np.ndarray
    perturbations: np.ndarray
    nu: float

    @property
    def frame(self) -> np.ndarray:
        """The shared first layer (what the ``oracle`` learner is given)."""
        return self.layer


@dataclass(frozen=True)
class NetworkTarget:
    """The target task :math:`f(x) = w^\\top\\operatorname{relu}((W^* + \\Delta)x)` and its test inputs."""

    head: np.ndarray
    perturbation: np.ndarray
    layer: np.ndarray
    test_X: np.ndarray

    def predict(self, X: np.ndarray) -> np.ndarray:
        return network_predict(X, self.layer + self.perturbation, self.head)


NETWORK_PARAMETERS: dict[str, Parameter] = {
    "d": LOGISTIC_PARAMETERS["d"],
    "k": Parameter("width of the hidden layer (representation dimension), an integer in [1, d]", REQUIRED,
                   validate_int(1)),
    **{name: LOGISTIC_PARAMETERS[name] for name in ("T", "n", "m")},
    "sigma": Parameter("noise standard deviation (loss='squared'), a real >= 0", 1.0, validate_float(0.0)),
    "delta0": Parameter("perturbation radius ||Delta_t||_F <= delta0 and default fine-tuning radius, a real >= 0",
                        0.0, validate_float(0.0)),
    "head_scale": LOGISTIC_PARAMETERS["head_scale"],
    "head_condition": Parameter("condition number of the head covariance, a real >= 1", 1.0, validate_float(1.0)),
    "perturbation_fraction": LOGISTIC_PARAMETERS["perturbation_fraction"],
    "loss": Parameter("'squared' (Gaussian noise) or 'logistic' (labels in {-1, +1})", "squared",
                      validate_choice("squared", "logistic")),
    "inputs": Parameter("input law: 'gaussian' (N(0, I)) or 'sphere' (uniform on the sphere of radius R)",
                        "gaussian", validate_choice("gaussian", "sphere")),
    "R": LOGISTIC_PARAMETERS["R"],
    "c_w": LOGISTIC_PARAMETERS["c_w"],
    "test_size": Parameter("test inputs for the risk estimate, an integer >= 2", 4000, validate_int(2)),
}


class NetworkSetting(Setting):
    """Two-layer ReLU networks with an approximately shared first layer."""

    name: ClassVar[str] = "network"
    family: ClassVar[str] = "network"
    PARAMETERS: ClassVar[Mapping[str, Parameter]] = NETWORK_PARAMETERS

    @classmethod
    def _complete(cls, params: dict[str, Any]) -> dict[str, Any]:
        check_rank(params)
        complete_sphere_radius(params)
        complete_head_bound(params)
        return params

    # -- structure ------------------------------------------------------------
    @property
    def layer_bound(self) -> float:
        """Operator-norm bound on the first layer that the learners enforce (``||W*||_op`` = 1 here)."""
        return 1.0

    @property
    def loss(self):
        return LOSSES[self.params["loss"]]

    def learner_defaults(self) -> dict[str, Any]:
        return {**super().learner_defaults(), "c_w": float(self.params["c_w"]), "layer_bound": self.layer_bound,
                "loss": self.params["loss"]}

    def _inputs(self, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        if self.params["inputs"] == "sphere":
            return sphere_inputs(rng, shape, self.params["R"])
        return gaussian_inputs(rng, shape, None)

    def _labels(self, noise: np.ndarray, uniforms: np.ndarray, f: np.ndarray) -> np.ndarray:
        """Labels from pre-drawn noise (squared loss) or uniforms (logistic loss)."""
        if self.params["loss"] == "logistic":
            return bernoulli_labels(uniforms, f)
        return f + self.params["sigma"] * noise

    def _shared_layer(self, rng: np.random.Generator) -> np.ndarray:
        p = self.params
        return random_frame(rng, p["d"], p["k"]).T

    def _perturbations(self, rng: np.random.Generator, count: int) -> np.ndarray:
        p = self.params
        D = unit_vectors(rng, count, p["k"] * p["d"]).reshape(count, p["k"], p["d"])
        return p["perturbation_fraction"] * p["delta0"] * D

    def _source_heads(self, rng: np.random.Generator) -> tuple[np.ndarray, float]:
        p = self.params
        return diverse_heads(rng, p["T"], p["k"], p["head_scale"], p["head_condition"])

    def _target_head(self, rng: np.random.Generator) -> np.ndarray:
        return self.params["head_scale"] * unit_vectors(rng, 1, self.params["k"])[0]

    # -- draws ----------------------------------------------------------------
    def draw_sources(self, rng: np.random.Generator) -> tuple[NetworkTruth, SourceData]:
        p = self.params
        T, n, d, k = p["T"], p["n"], p["d"], p["k"]
        layer = self._shared_layer(rng)
        heads, nu = self._source_heads(rng)
        perturbations = self._perturbations(rng, T)
        truth = NetworkTruth(layer=layer, heads=heads, perturbations=perturbations, nu=nu)
        X = self._inputs(rng, (T, n, d))
        noise, uniforms = rng.standard_normal((T, n)), rng.random((T, n))
        f = np.einsum("tnk,tk->tn", np.maximum(np.einsum("tkd,tnd->tnk", layer[None] + perturbations, X), 0.0), heads)
        return truth, SourceData(X=X, y=self._labels(noise, uniforms, f))

    def draw_target(
        self, rng: np.random.Generator, truth: NetworkTruth, representation: np.ndarray | None
    ) -> tuple[NetworkTarget, TargetData]:
        p = self.params
        X = self._inputs(rng, (p["m"], p["d"]))
        noise, uniforms = rng.standard_normal(p["m"]), rng.random(p["m"])
        head, perturbation = self._target_parameters(rng, truth, representation)
        test_X = self._inputs(rng, (p["test_size"], p["d"]))
        target = NetworkTarget(head=head, perturbation=perturbation, layer=truth.layer, test_X=test_X)
        return target, TargetData(X=X, y=self._labels(noise, uniforms, target.predict(X)))

    def _target_parameters(
        self, rng: np.random.Generator, truth: NetworkTruth, representation: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Target head and perturbation, drawn like a source task's (overridden by ``network-hard``)."""
        return self._target_head(rng), self._perturbations(rng, 1)[0]

    # -- risks ----------------------------------------------------------------
    def evaluate(self, truth: NetworkTruth, target: NetworkTarget, data: TargetData, learner: Any) -> dict[str, Any]:
        """Test-sample risks and the reference columns of the learner's declared class.

        Risks: :func:`simulations.risk_network.network_risks`.  Reference
        columns (``baseline_excess``, ``baseline_insample``, ``fw_gap``,
        ``expected_excess``, ``expected_insample``):
        :func:`simulations.network_reference.network_reference_columns`, with
        the setting's noise level ``sigma`` (squared loss).
        """
        out = network_risks(target, data, learner, self.loss, truth.layer)
        out.update(network_reference_columns(target, data, learner, self.loss, float(self.params["sigma"])))
        return out
