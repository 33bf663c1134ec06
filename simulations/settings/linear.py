r"""The ``linear`` setting: linear regression tasks sharing a representation approximately.

Model
-----
:math:`x \sim N(0, \Sigma)`, :math:`y = x^\top\theta_t + \sigma\xi`,
:math:`\xi \sim N(0, 1)`, with

.. math:: \theta_t = B^* w_t^* + v_t,\qquad \|v_t\|_2 \le \delta_0,

:math:`B^*` a Haar-random orthonormal :math:`d\times k` frame.  The source
heads have task diversity :math:`\nu = \lambda_{\min}(\frac1T\sum_t w_t^* w_t^{*\top})`
controlled through ``head_scale`` (root mean squared head norm) and
``head_condition`` (condition number of the head covariance); the realised
:math:`\nu` is reported.  Perturbations have norm
``perturbation_fraction * delta0`` and uniform directions in
:math:`\mathbb{R}^d`.  The target head has norm ``head_scale`` and a uniform
direction; its perturbation is drawn like the sources'.  ``delta0 = 0`` is the
exactly shared case.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Mapping

import numpy as np

from ..parameters import REQUIRED, Parameter, validate_float, validate_int, validate_spd
from .base import Setting, SourceData, SourceTruth, TargetData, TargetTruth, check_covariance, check_rank
from .sampling import diverse_heads, equal_norm_heads, gaussian_inputs, random_frame, unit_vectors

__all__ = ["LinearSetting", "COMMON_PARAMETERS", "draw_source_truth", "draw_target_truth"]

COMMON_PARAMETERS: dict[str, Parameter] = {
    "d": Parameter("input dimension, an integer >= 1", REQUIRED, validate_int(1)),
    "k": Parameter("representation dimension, an integer in [1, d]", REQUIRED, validate_int(1)),
    "T": Parameter("number of source tasks, an integer >= 1", REQUIRED, validate_int(1)),
    "n": Parameter("samples per source task, an integer >= 1", REQUIRED, validate_int(1)),
    "m": Parameter("target samples, an integer >= 1", REQUIRED, validate_int(1)),
    "sigma": Parameter("noise standard deviation, a real >= 0", 1.0, validate_float(0.0)),
}


def draw_source_truth(rng: np.random.Generator, params: Mapping[str, Any], covariance: np.ndarray) -> SourceTruth:
    r"""Source tasks :math:`\theta_t = B^* w_t^* + v_t` of the ``linear`` model (also ``logistic``'s).

    Parameters
    ----------
    rng : numpy.random.Generator
    params : mapping
        Resolved setting parameters ``d``, ``k``, ``T``, ``head_scale``,
        ``head_condition``, ``perturbation_fraction``, ``delta0``.
    covariance : ndarray, shape (d, d)
        Input covariance :math:`\Sigma`, recorded in the truth.

    Notes
    -----
    :math:`B^*` Haar-random, heads from :func:`~.sampling.diverse_heads` (or, when ``params`` has
    ``heads="balanced"``, from :func:`~.sampling.equal_norm_heads`),
    :math:`v_t` of norm ``perturbation_fraction * delta0`` in uniform directions;
    drawn in this order.
    """
    d, k, T = params["d"], params["k"], params["T"]
    frame = random_frame(rng, d, k)
    if params.get("heads", "diverse") == "balanced":
        heads, nu = equal_norm_heads(rng, T, k, params["head_scale"])
    else:
        heads, nu = diverse_heads(rng, T, k, params["head_scale"], params["head_condition"])
    perturbations = params["perturbation_fraction"] * params["delta0"] * unit_vectors(rng, T, d)
    return SourceTruth(frame=frame, heads=heads, perturbations=perturbations, covariance=covariance, nu=nu)


def draw_target_truth(rng: np.random.Generator, params: Mapping[str, Any], frame: np.ndarray) -> TargetTruth:
    r"""Target task :math:`\theta = B^* w + v` of the ``linear`` model (also ``logistic``'s).

    The head has norm ``head_scale`` and a uniform direction; :math:`v` is
    drawn like a source perturbation.
    """
    head = params["head_scale"] * unit_vectors(rng, 1, params["k"])[0]
    perturbation = params["perturbation_fraction"] * params["delta0"] * unit_vectors(rng, 1, params["d"])[0]
    return TargetTruth(head=head, perturbation=perturbation, frame=frame)


class LinearSetting(Setting):
    """Linear regression with an approximately shared linear representation."""

    name: ClassVar[str] = "linear"
    PARAMETERS: ClassVar[Mapping[str, Parameter]] = {
        **COMMON_PARAMETERS,
        "delta0": Parameter(
            "perturbation radius ||v_t|| <= delta0 and default fine-tuning radius, a real >= 0",
            0.0,
            validate_float(0.0),
        ),
        "head_scale": Parameter("root mean squared head norm, a real > 0", 1.0, validate_float(0.0, low_open=True)),
        "head_condition": Parameter(
            "condition number of the head covariance (1/T) sum w_t w_t^T, a real >= 1", 1.0, validate_float(1.0)
        ),
        "perturbation_fraction": Parameter(
            "perturbation norms as a fraction of delta0, a real in [0, 1]", 1.0, validate_float(0.0, 1.0)
        ),
        "Sigma": Parameter("input covariance, a d x d SPD matrix (default identity)", None, validate_spd),
    }

    @classmethod
    def _complete(cls, params: dict[str, Any]) -> dict[str, Any]:
        check_rank(params)
        check_covariance(params)
        return params

    @property
    def covariance(self) -> np.ndarray:
        Sigma = self.params["Sigma"]
        return np.eye(self.params["d"]) if Sigma is None else Sigma

    @property
    def _chol(self) -> np.ndarray | None:
        Sigma = self.params["Sigma"]
        return None if Sigma is None else np.linalg.cholesky(Sigma)

    def draw_sources(self, rng: np.random.Generator) -> tuple[SourceTruth, SourceData]:
        p = self.params
        d, k, T, n = p["d"], p["k"], p["T"], p["n"]
        truth = draw_source_truth(rng, p, self.covariance)
        X = gaussian_inputs(rng, (T, n, d), self._chol)
        y = np.einsum("tnd,td->tn", X, truth.thetas) + p["sigma"] * rng.standard_normal((T, n))
        return truth, SourceData(X=X, y=y)

    def draw_target(
        self, rng: np.random.Generator, truth: SourceTruth, representation: np.ndarray | None
    ) -> tuple[TargetTruth, TargetData]:
        p = self.params
        d, m = p["d"], p["m"]
        X = gaussian_inputs(rng, (m, d), self._chol)
        noise = rng.standard_normal(m)
        target = draw_target_truth(rng, p, truth.frame)
        return target, TargetData(X=X, y=X @ target.theta + p["sigma"] * noise)
