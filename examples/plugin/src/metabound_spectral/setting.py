r"""A task family of one's own: linear tasks whose frames drift from :math:`B^*` by a radius.

Task :math:`t` has frame :math:`B_t = B^*\cos h + U_t \sin h`, with :math:`U_t` a
random orthonormal d x k frame orthogonal to :math:`B^*` (so every principal
angle between :math:`B_t` and :math:`B^*` is :math:`h`), and
:math:`\theta_t = B_t w_t` with :math:`\|w_t\| = ` ``head_scale``.  Then
:math:`\theta_t = B^* w_t + v_t` with :math:`\|v_t\| = 2\sin(h/2)\,` ``head_scale``:
the parameter ``delta0`` is that radius (the built-in bounds' perturbation
radius), and the angle is :math:`h = 2\arcsin(\delta_0 / (2\,\text{head\_scale}))`.
The target drifts in the same way.  Inputs N(0, I), Gaussian noise ``sigma``.
"""

import math
from typing import ClassVar

import numpy as np

from simulations.parameters import Parameter, validate_float
from simulations.settings import Setting, SourceData, SourceTruth, TargetData, TargetTruth
from simulations.settings.linear import COMMON_PARAMETERS
from simulations.settings.sampling import random_frame, task_diversity, unit_vectors


class DriftingSubspaces(Setting):
    """Linear regression tasks whose frames are :math:`B^*` rotated so that ``||theta_t - B* w_t|| = delta0``."""

    name: ClassVar[str] = "drifting-subspaces"
    family: ClassVar[str] = "linear"          # the linear learners (and risks) apply
    PARAMETERS: ClassVar = {
        **COMMON_PARAMETERS,
        "delta0": Parameter("drift radius ||theta_t - B* w_t||, a real in [0, sqrt(2) head_scale]", 0.1,
                            validate_float(0.0)),
        "head_scale": Parameter("norm of every head, a real > 0", 1.0, validate_float(0.0, low_open=True)),
    }

    @classmethod
    def _complete(cls, params):
        if params["k"] > params["d"] // 2:
            raise ValueError(f"setting {cls.name!r}: parameter 'k' must be in [1, d/2] = [1, {params['d'] // 2}] "
                             f"(the drift directions are orthogonal to B*); got {params['k']}")
        top = math.sqrt(2) * params["head_scale"]                      # a drift angle of pi/2
        if params["delta0"] > top:
            raise ValueError(f"setting {cls.name!r}: parameter 'delta0' must be in [0, sqrt(2) head_scale] = "
                             f"[0, {top:.6g}]; got {params['delta0']}")
        return params

    @property
    def angle(self):
        """The drift angle h, with 2 sin(h/2) head_scale = delta0."""
        return 2 * math.asin(min(1.0, self.params["delta0"] / (2 * self.params["head_scale"])))

    def _tasks(self, rng, frame, count):
        """Heads and perturbations v = (B_t - B*) w of ``count`` drifted tasks."""
        k, h = frame.shape[1], self.angle
        heads = self.params["head_scale"] * unit_vectors(rng, count, k)
        g = rng.standard_normal((count,) + frame.shape)
        away = np.linalg.qr(g - frame @ (frame.T @ g))[0]                       # U_t, orthogonal to B*
        frames = math.cos(h) * frame + math.sin(h) * away
        return heads, np.einsum("tdk,tk->td", frames - frame, heads)

    def draw_sources(self, rng):
        p = self.params
        frame = random_frame(rng, p["d"], p["k"])
        heads, v = self._tasks(rng, frame, p["T"])
        truth = SourceTruth(frame=frame, heads=heads, perturbations=v, covariance=np.eye(p["d"]),
                            nu=task_diversity(heads))
        X = rng.standard_normal((p["T"], p["n"], p["d"]))
        y = np.einsum("tnd,td->tn", X, truth.thetas) + p["sigma"] * rng.standard_normal((p["T"], p["n"]))
        return truth, SourceData(X=X, y=y)

    def draw_target(self, rng, truth, representation):
        p = self.params
        X = rng.standard_normal((p["m"], p["d"]))
        noise = rng.standard_normal(p["m"])
        head, v = self._tasks(rng, truth.frame, 1)
        target = TargetTruth(head=head[0], perturbation=v[0], frame=truth.frame)
        return target, TargetData(X=X, y=X @ target.theta + p["sigma"] * noise)
