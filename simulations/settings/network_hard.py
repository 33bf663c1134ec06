r"""The ``network-hard`` setting: a nonlinear hard case where frozen representations fail.

Construction (in the spirit of the paper's Appendix G; the project's own design)
-------------------------------------------------------------------------------
It lifts the linear hard case (``linear-hard``, NOTES.md section 4) through
the ReLU.  Inputs :math:`x = (x_{top}, x_{bot})`, :math:`x_{top} \in \mathbb{R}^{d-k}`
with covariance :math:`\epsilon I` (default :math:`\epsilon = k/d`),
:math:`x_{bot} \in \mathbb{R}^k` with covariance :math:`I`, Gaussian.  Task
:math:`t` is the network

.. math:: f_t(x) = w_t^\top\operatorname{relu}\big((W^* + \Delta_t)x\big),\qquad
          W^* = s\,B^{*\top},\quad \Delta_t = \frac{\delta_0}{\sqrt k}\,V_tE_{bot}^\top,

with :math:`s = \sqrt{1/(2\epsilon)}`, :math:`B^*` a Haar-random k-frame of the
top block, :math:`V_t` a Haar-random :math:`k\times k` orthogonal matrix
(so :math:`\|\Delta_t\|_F = \delta_0` exactly and the rows of :math:`\Delta_t`
are orthogonal, of norm :math:`\delta_0/\sqrt k`, in the bottom block) and
heads :math:`w_t = h\,u_t`, :math:`u_t` uniform on the unit sphere.  The
pre-activation of hidden unit :math:`j` is
:math:`s\,b_j^\top x_{top} + (\delta_0/\sqrt k)\,v_{tj}^\top x_{bot}`: the
shared part has variance :math:`\epsilon s^2 = 1/2` whatever :math:`\epsilon`,
the perturbation :math:`\delta_0^2/k` (1 at the default :math:`\delta_0 = \sqrt k`).

**Why the frozen objective prefers the perturbation directions.**  In input
space the perturbations of all tasks span the whole bottom block, with more
variance per unit than the shared part, while the shared directions carry
little variance (:math:`\epsilon` small); a first layer shared by all tasks
with task-specific heads only (FROZENREP) explains more of the multi-task
signal by pointing its rows into the bottom block than into
:math:`\operatorname{span}(B^*)`, and then the target's dependence on
:math:`x_{top}`, which goes only through :math:`W^*`, is lost to every head
trained on it.  ADAPTREP's budget :math:`\|\Delta\|_F \le \delta_0` absorbs the
perturbations but not :math:`W^*` (:math:`\|W^*\|_F = s\sqrt k = \sqrt{d/2} > \delta_0 = \sqrt k`
when :math:`d > 2k`), so its shared layer is pulled to :math:`W^*`.  The
failure is checked numerically (claim ``c8-network-hard-separation`` and
``tests/simulations/test_sim_network.py``), not proved: for a nonlinear model
the project has no closed form of the frozen optimum.

The target is drawn like a source task (head uniform, :math:`V` uniform); the
first layers of the learners are bounded in operator norm by
:math:`\|W^*\|_{op} = s` (``layer_bound``).  ``d >= 2k + 1`` is required.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Mapping

import numpy as np

from ..parameters import Parameter, validate_float
from .base import complete_head_bound
from .network import NETWORK_PARAMETERS, NetworkSetting
from .linear_hard import block_inputs, complete_hard_instance, hard_shared_scale
from .sampling import random_frame, task_diversity, unit_vectors

__all__ = ["NetworkHardSetting"]


class NetworkHardSetting(NetworkSetting):
    """The nonlinear hard instance (frozen first layers fail, ADAPTREP succeeds)."""

    name: ClassVar[str] = "network-hard"
    PARAMETERS: ClassVar[Mapping[str, Parameter]] = {
        **{k: v for k, v in NETWORK_PARAMETERS.items()
           if k not in ("delta0", "head_condition", "perturbation_fraction", "inputs", "R")},
        "delta0": Parameter("perturbation norm ||Delta_t||_F of the construction and default fine-tuning radius, "
                            "a real >= 0 (default sqrt(k))", None, validate_float(0.0)),
        "eps": Parameter("variance of the top-block inputs, a real > 0 (default k/d)", None,
                         validate_float(0.0, low_open=True)),
    }

    @classmethod
    def _complete(cls, params: dict[str, Any]) -> dict[str, Any]:
        complete_hard_instance(params, cls.name)
        if params["delta0"] is None:
            params["delta0"] = math.sqrt(params["k"])
        params.update(inputs="gaussian", R=None)
        complete_head_bound(params)
        return params

    def describe(self) -> dict[str, Any]:
        return {k: v for k, v in super().describe().items() if k not in ("inputs", "R")}

    @property
    def shared_scale(self) -> float:
        """:math:`s = \\sqrt{1/(2\\epsilon)}`."""
        return hard_shared_scale(self.params["eps"])

    @property
    def layer_bound(self) -> float:
        return self.shared_scale

    def _inputs(self, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        return block_inputs(rng, shape, self.params["d"], self.params["k"], self.params["eps"])

    def _shared_layer(self, rng: np.random.Generator) -> np.ndarray:
        d, k = self.params["d"], self.params["k"]
        layer = np.zeros((k, d))
        layer[:, : d - k] = self.shared_scale * random_frame(rng, d - k, k).T
        return layer

    def _perturbations(self, rng: np.random.Generator, count: int) -> np.ndarray:
        d, k = self.params["d"], self.params["k"]
        out = np.zeros((count, k, d))
        for t in range(count):
            V = random_frame(rng, k, k)
            out[t, :, d - k:] = self.params["delta0"] / math.sqrt(k) * V
        return out

    def _source_heads(self, rng: np.random.Generator) -> tuple[np.ndarray, float]:
        p = self.params
        heads = p["head_scale"] * unit_vectors(rng, p["T"], p["k"])
        return heads, task_diversity(heads)
