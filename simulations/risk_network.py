r"""Test-sample risks of the ``network`` family.

With :math:`f^*` the target function, :math:`\hat f` the learner's predictor and
:math:`x_1, \dots, x_N` the target's independent test inputs:

* squared loss: excess risk :math:`E(\hat f(x) - f^*(x))^2` (the noise term
  cancels exactly), estimated by :math:`\frac1N\sum_j(\hat f(x_j) - f^*(x_j))^2`;
* logistic loss: :math:`E\,\mathrm{KL}(\sigma(f^*(x))\|\sigma(\hat f(x)))`,
  estimated likewise; also the 0-1 excess risk
  :math:`E[\tanh(|f^*|/2)\mathbf 1\{f^*\hat f < 0\}]`.

Each estimate is the mean of :math:`N` i.i.d. non-negative terms, hence unbiased,
with standard error ``risk_se`` = sample standard deviation / :math:`\sqrt N`.
``insample_risk`` is the same mean over the target design,
``empirical_gap`` the target empirical loss of :math:`\hat f` minus that of
:math:`f^*`, ``sin_theta_max`` the sine of the largest principal angle between
the row spaces of the learned and the true first layers.  The reference
columns of the learner's declared class (``baseline_excess``,
``baseline_insample``, ``fw_gap``, ``expected_excess``, ``expected_insample``)
are computed by :mod:`simulations.network_reference` and added by the
setting's ``evaluate``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.linalg import subspace_angles

from .losses import Loss
from .risk_logistic import bernoulli_kl

__all__ = ["network_risks", "pointwise_excess", "row_space_sine"]


def pointwise_excess(f_true: np.ndarray, f_hat: np.ndarray, loss: Loss) -> np.ndarray:
    r"""Per-input excess risk: :math:`(\hat f - f^*)^2` or :math:`\mathrm{KL}(\sigma(f^*)\|\sigma(\hat f))`."""
    if loss.name == "logistic":
        return bernoulli_kl(f_true, f_hat)
    return (f_hat - f_true) ** 2


def row_space_sine(layer: np.ndarray | None, true_layer: np.ndarray) -> float:
    """Sine of the largest principal angle between the row spaces (NaN without a layer)."""
    if layer is None:
        return float("nan")
    return float(np.sin(subspace_angles(layer.T, true_layer.T).max()))


def network_risks(target: Any, data: Any, learner: Any, loss: Loss, true_layer: np.ndarray) -> dict[str, float]:
    """Risk columns of an adapted network learner (see the module docstring)."""
    f_true = target.predict(target.test_X)
    f_hat = learner.predict(target.test_X)
    terms = pointwise_excess(f_true, f_hat, loss)
    N = terms.shape[0]
    g_true, g_hat = target.predict(data.X), learner.predict(data.X)
    out = {
        "excess_risk": float(terms.mean()),
        "risk_se": float(terms.std(ddof=1) / math.sqrt(N)),
        "insample_risk": float(pointwise_excess(g_true, g_hat, loss).mean()),
        "empirical_gap": float(loss.value(g_hat, data.y).mean() - loss.value(g_true, data.y).mean()),
        "rep_error": float("nan"),
        "sin_theta_max": row_space_sine(getattr(learner, "representation_", None), true_layer),
    }
    if loss.name == "logistic":
        out["zero_one_excess"] = float(np.mean(np.tanh(np.abs(f_true) / 2) * (f_true * f_hat < 0)))
    return out
