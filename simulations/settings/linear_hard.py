r"""The ``linear-hard`` setting: the hard instance where frozen representations fail.

Construction (NOTES.md section 4, after the paper's Appendix C)
---------------------------------------------------------------
:math:`x = (x_{top}, x_{bot})`, :math:`x_{top} \in \mathbb{R}^{d-k}` with
covariance :math:`\epsilon I`, :math:`x_{bot} \in \mathbb{R}^k` with
covariance :math:`I` (default :math:`\epsilon = k/d`), noise :math:`\sigma`
(default 1).  The shared frame :math:`B^*` is a k-frame inside the top block;
source task :math:`t` is

.. math:: \theta_t = s\,B^* u_t + \delta_0\, E_{bot} v_t,\qquad s = \sqrt{1/(2\epsilon)},

with :math:`u_t, v_t` independent and uniform on the unit sphere of
:math:`\mathbb{R}^k` and :math:`E_{bot}` the embedding of the bottom block.
In prediction space the shared part carries variance :math:`\epsilon s^2 = 1/2`
and the perturbation :math:`\delta_0^2` (1 by default), so the best frozen
rank-:math:`k` representation is the perturbation block, orthogonal to
:math:`B^*`; ADAPTREP's Euclidean budget :math:`\delta_0` absorbs the
perturbation but not the shared part (norm :math:`s \gg \delta_0`).

NOTES.md places :math:`B^*` on the first :math:`k` coordinates; here it is a
Haar-random frame of the top block, the same instance up to a rotation of the
top block (which leaves :math:`\Sigma_{top} = \epsilon I` and every
rotation-equivariant learner unchanged in distribution), and the randomisation
the Bayes lower bound ``frozen-lower-bayes`` assumes.

Targets (parameter ``target``)
------------------------------
* ``worst`` (default): against the learner's representation :math:`\hat B`,
  the shared direction :math:`a \in \operatorname{span}(B^*)` and the
  perturbation direction :math:`b` in the bottom block are unit vectors as
  orthogonal to :math:`\operatorname{span}(\hat B)` as possible (bottom
  eigenvectors of :math:`B^{*\top} P_{\hat B} B^*` and of
  :math:`E_{bot}^\top P_{\hat B} E_{bot}`); :math:`\theta = s a + \delta_0 b`.
  A learner without a representation gets uniformly random directions.
* ``random``: uniformly random unit directions whatever the learner.
* ``gaussian``: :math:`a = r B^* u` with :math:`u` uniform and
  :math:`r^2 \sim \tau^2\chi^2_{d-k}`, so that, :math:`B^*` being
  Haar-random, :math:`a \sim N(0, \tau^2 I_{d-k})` in the top block (default
  :math:`\tau^2 = 1/(2\epsilon(d-k))`, so that
  :math:`E\|a\|^2 = \tau^2(d-k) = s^2`, the squared shared norm of the
  construction); :math:`b` uniform times :math:`\delta_0`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

import numpy as np

from ..parameters import Parameter, validate_choice, validate_float
from .base import Setting, SourceData, SourceStatistics, SourceTruth, TargetData, TargetTruth
from .linear import COMMON_PARAMETERS
from .sampling import random_frame, task_diversity, unit_vectors

__all__ = ["LinearHardSetting", "balanced_heads", "head_imbalance", "gaussian_source_statistics", "complete_hard_instance", "hard_shared_scale", "block_inputs", "capture_columns"]


#: Largest number of source inputs (T n d) drawn as samples (8 bytes each: 1.6 GB); beyond it, statistics.
MAX_SOURCE_VALUES = 2 * 10 ** 8


def complete_hard_instance(params: dict[str, Any], setting: str) -> None:
    r"""Check :math:`d \ge 2k + 1` (a k-frame in the top block, the bottom block of size k) and default ``eps = k/d``."""
    d, k = params["d"], params["k"]
    if d < 2 * k + 1:
        raise ValueError(f"parameter 'd' must be an integer >= 2k + 1 = {2 * k + 1} for {setting!r}; got {d}")
    if params["eps"] is None:
        params["eps"] = k / d


def hard_shared_scale(eps: float) -> float:
    r"""Scale :math:`s = \sqrt{1/(2\epsilon)}` of the shared part: it carries variance :math:`\epsilon s^2 = 1/2`."""
    return float(np.sqrt(1.0 / (2.0 * eps)))


def block_inputs(rng: np.random.Generator, shape: tuple[int, ...], d: int, k: int, eps: float) -> np.ndarray:
    r"""Gaussian inputs :math:`x = (x_{top}, x_{bot})` with covariance :math:`\operatorname{diag}(\epsilon I_{d-k}, I_k)`."""
    return rng.standard_normal(shape) * np.sqrt(np.r_[np.full(d - k, eps), np.ones(k)])


class LinearHardSetting(Setting):
    """The hard linear instance (frozen representations fail, ADAPTREP succeeds)."""

    name: ClassVar[str] = "linear-hard"
    PARAMETERS: ClassVar[Mapping[str, Parameter]] = {
        **COMMON_PARAMETERS,
        "delta0": Parameter(
            "perturbation norm of the construction and default fine-tuning radius, a real >= 0",
            1.0,
            validate_float(0.0),
        ),
        "eps": Parameter("variance of the top-block inputs, a real > 0 (default k/d)", None, validate_float(0.0, low_open=True)),
        "target": Parameter(
            "target choice: 'worst' (against the learner's representation), 'random' or 'gaussian'",
            "worst",
            validate_choice("worst", "random", "gaussian"),
        ),
        "heads": Parameter(
            "source heads: 'random' (u_t, v_t uniform on the sphere) or 'balanced' (sum_t u_t u_t' = sum_t v_t v_t' "
            "= (T/k) I and sum_t u_t v_t' = 0 exactly; T a multiple of 2k)",
            "random",
            validate_choice("random", "balanced"),
        ),
        "source_data": Parameter(
            "'samples' (draw X_t, y_t) or 'statistics' (draw X_t'X_t, X_t'y_t, y_t'y_t from their exact joint law, "
            "at a cost independent of n; for squared-loss frame learners only)",
            "samples",
            validate_choice("samples", "statistics"),
        ),
        "tau2": Parameter(
            "prior variance of the Gaussian target's shared part, a real > 0 (default 1/(2 eps (d-k)))",
            None,
            validate_float(0.0, low_open=True),
        ),
    }

    @classmethod
    def _complete(cls, params: dict[str, Any]) -> dict[str, Any]:
        complete_hard_instance(params, cls.name)
        if params["source_data"] == "samples" and params["T"] * params["n"] * params["d"] > MAX_SOURCE_VALUES:
            raise ValueError(f"parameter 'n' must be at most {MAX_SOURCE_VALUES // (params['T'] * params['d'])} "
                             f"(T n d <= {MAX_SOURCE_VALUES:.0e} source inputs) with source_data='samples'; got "
                             f"{params['n']}: use source_data='statistics' for large n")
        if params["heads"] == "balanced" and params["T"] % (2 * params["k"]):
            raise ValueError(f"parameter 'T' must be a multiple of 2k = {2 * params['k']} with heads='balanced'; "
                             f"got {params['T']}")
        if params["tau2"] is None:
            params["tau2"] = 1.0 / (2.0 * params["eps"] * (params["d"] - params["k"]))
        return params

    @property
    def shared_scale(self) -> float:
        """:math:`s = \\sqrt{1/(2\\epsilon)}`."""
        return hard_shared_scale(self.params["eps"])

    @property
    def covariance(self) -> np.ndarray:
        d, k = self.params["d"], self.params["k"]
        return np.diag(np.r_[np.full(d - k, self.params["eps"]), np.ones(k)])

    @property
    def _bottom(self) -> np.ndarray:
        d, k = self.params["d"], self.params["k"]
        return np.eye(d)[:, d - k :]

    def _inputs(self, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        return block_inputs(rng, shape, self.params["d"], self.params["k"], self.params["eps"])

    def draw_sources(self, rng: np.random.Generator) -> tuple[SourceTruth, SourceData]:
        p = self.params
        d, k, T, n = p["d"], p["k"], p["T"], p["n"]
        frame = np.zeros((d, k))
        frame[: d - k] = random_frame(rng, d - k, k)
        if p["heads"] == "balanced":
            u, v = balanced_heads(rng, T, k)
        else:
            u, v = unit_vectors(rng, T, k), unit_vectors(rng, T, k)
        heads = self.shared_scale * u
        perturbations = p["delta0"] * v @ self._bottom.T
        truth = SourceTruth(frame=frame, heads=heads, perturbations=perturbations, covariance=self.covariance,
                            nu=task_diversity(heads))
        if p["source_data"] == "statistics":
            return truth, gaussian_source_statistics(rng, truth.thetas, n, np.sqrt(np.diag(self.covariance)),
                                                     p["sigma"])
        X = self._inputs(rng, (T, n, d))
        y = np.einsum("tnd,td->tn", X, truth.thetas) + p["sigma"] * rng.standard_normal((T, n))
        return truth, SourceData(X=X, y=y)

    def draw_target(
        self, rng: np.random.Generator, truth: SourceTruth, representation: np.ndarray | None
    ) -> tuple[TargetTruth, TargetData]:
        p = self.params
        d, k, m = p["d"], p["k"], p["m"]
        X = self._inputs(rng, (m, d))
        noise = rng.standard_normal(m)
        u = unit_vectors(rng, 1, k)[0]
        v = unit_vectors(rng, 1, k)[0]
        radius2 = p["tau2"] * rng.chisquare(d - k)
        if p["target"] == "worst" and representation is not None:
            Q = np.linalg.qr(representation)[0]
            u = _least_captured(truth.frame, Q)
            v = _least_captured(self._bottom, Q)
        scale = np.sqrt(radius2) if p["target"] == "gaussian" else self.shared_scale
        target = TargetTruth(head=scale * u, perturbation=p["delta0"] * self._bottom @ v, frame=truth.frame)
        return target, TargetData(X=X, y=X @ target.theta + p["sigma"] * noise)

    @property
    def comparator_frame(self) -> np.ndarray:
        """The bottom block :math:`E_{bot}`, the frame a frozen source fit is compared with (``comparator_fit_excess``)."""
        return self._bottom

    def evaluate(self, truth: SourceTruth, target: TargetTruth, data: TargetData, learner: Any) -> dict[str, Any]:
        """The linear columns, :func:`capture_columns` (how adversarial the target is against the frame) and
        ``head_imbalance`` (:func:`head_imbalance`)."""
        return {**super().evaluate(truth, target, data, learner),
                **capture_columns(truth, target, self._bottom, getattr(learner, "representation_", None)),
                "head_imbalance": head_imbalance(truth, self._bottom, self.shared_scale, self.params["delta0"])}


def head_imbalance(truth: SourceTruth, bottom: np.ndarray, scale: float, delta0: float) -> float:
    r""":math:`\max(\|UU^\top/T - I/k\|, \|VV^\top/T - I/k\|, \|UV^\top/T\|)` for the source head directions
    :math:`u_t = w_t/s` and :math:`v_t = E_{bot}^\top v^*_t/\delta_0` (0 for :func:`balanced_heads`; NaN at
    :math:`\delta_0 = 0`)."""
    if delta0 <= 0:
        return float("nan")
    U = truth.heads / scale
    V = truth.perturbations @ bottom / delta0
    T, k = U.shape
    eye = np.eye(k) / k
    return float(max(np.linalg.norm(U.T @ U / T - eye, 2), np.linalg.norm(V.T @ V / T - eye, 2),
                     np.linalg.norm(U.T @ V / T, 2)))


def balanced_heads(rng: np.random.Generator, T: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Unit heads with exactly balanced second moments: :math:`u_t = R_u e_{t \bmod k}`,
    :math:`v_t = (-1)^{\lfloor t/k \rfloor} R_v e_{t \bmod k}` (:math:`R_u, R_v` Haar rotations), so that
    :math:`\sum_t u_t u_t^\top = \sum_t v_t v_t^\top = (T/k) I_k` and :math:`\sum_t u_t v_t^\top = 0`
    (``T`` a multiple of ``2k``).  Returns ``(u, v)``, each of shape (T, k).
    """
    Ru, Rv = random_frame(rng, k, k), random_frame(rng, k, k)
    idx = np.arange(T) % k
    signs = np.where((np.arange(T) // k) % 2 == 0, 1.0, -1.0)
    return Ru[:, idx].T, signs[:, None] * Rv[:, idx].T


def gaussian_source_statistics(rng: np.random.Generator, thetas: np.ndarray, n: int, scales: np.ndarray,
                               sigma: float) -> SourceStatistics:
    r"""Draw :math:`(X_t^\top X_t, X_t^\top y_t, y_t^\top y_t)` exactly, for rows :math:`x = D w`,
    :math:`w \sim N(0, I_d)`, :math:`D = \operatorname{diag}(` ``scales`` :math:`)` and
    :math:`y = x^\top\theta_t + \sigma\xi`, without drawing the ``n`` samples.

    With :math:`W` the (n x d) whitened design: :math:`W^\top W = A A^\top` with the Bartlett factor
    :math:`A` (lower triangular, :math:`A_{ii}^2 \sim \chi^2_{n-i+1}`, :math:`A_{ij} \sim N(0, 1)` below
    the diagonal); given :math:`W`, :math:`W^\top\xi \sim N(0, W^\top W)` is :math:`A g`,
    :math:`g \sim N(0, I_d)`, with :math:`\|P_W\xi\|^2 = \|g\|^2` and :math:`\|(I - P_W)\xi\|^2 \sim
    \chi^2_{n-d}` independent.  Hence :math:`X^\top X = D A A^\top D`,
    :math:`X^\top y = X^\top X\theta + \sigma D A g` and
    :math:`y^\top y = \theta^\top X^\top X\theta + 2\sigma\theta^\top D A g + \sigma^2(\|g\|^2 + \chi^2_{n-d})`.
    Requires ``n >= d``.
    """
    T, d = thetas.shape
    if n < d:
        raise ValueError(f"parameter 'n' must be >= d = {d} with source_data='statistics'; got {n}")
    A = np.zeros((T, d, d))
    rows, cols = np.tril_indices(d, -1)
    A[:, rows, cols] = rng.standard_normal((T, rows.size))
    A[:, np.arange(d), np.arange(d)] = np.sqrt(rng.chisquare(n - np.arange(d), size=(T, d)))
    g = rng.standard_normal((T, d))
    rest = rng.chisquare(n - d, size=T) if n > d else np.zeros(T)
    DA = scales[None, :, None] * A                                         # D A, (T, d, d)
    gram = np.matmul(DA, np.swapaxes(DA, 1, 2))
    noise = np.einsum("tij,tj->ti", DA, g)                                 # X' xi = D A g
    cross = np.einsum("tij,tj->ti", gram, thetas) + sigma * noise
    energy = (np.einsum("ti,ti->t", thetas, np.einsum("tij,tj->ti", gram, thetas))
              + 2 * sigma * np.einsum("ti,ti->t", thetas, noise) + sigma ** 2 * (np.sum(g ** 2, axis=1) + rest))
    return SourceStatistics(gram=gram, cross=cross, energy=energy, n=int(n))


def capture_columns(truth: SourceTruth, target: TargetTruth, bottom: np.ndarray, representation: np.ndarray | None
                    ) -> dict[str, float]:
    r"""How adversarial the target is against a frame: ``target_capture`` vs ``capture_floor`` and the same for the perturbation.

    With :math:`Q` an orthonormal basis of :math:`\operatorname{span}(\hat B)`, :math:`a` the
    target's shared part and :math:`b` its perturbation: ``target_capture`` =
    :math:`\|Q^\top a\|/\|a\|`, ``capture_floor`` = :math:`\sigma_{\min}(Q^\top B^*)` (the least capture of any
    unit direction of :math:`\operatorname{span}(B^*)`), ``perturbation_capture`` = :math:`\|Q^\top b\|/\|b\|`,
    ``perturbation_floor`` = :math:`\sigma_{\min}(Q^\top E_{bot})`.  The worst-case target of the construction
    attains both floors; these columns are computed here, from the frame and the drawn target, independently of
    :meth:`LinearHardSetting.draw_target`.  NaN without a representation.
    """
    nan = float("nan")
    if representation is None:
        return {"target_capture": nan, "capture_floor": nan, "perturbation_capture": nan, "perturbation_floor": nan}
    Q = np.linalg.qr(np.asarray(representation, dtype=float))[0]

    def capture(v: np.ndarray) -> float:
        n = float(np.linalg.norm(v))
        return float(np.linalg.norm(Q.T @ v)) / n if n > 0 else nan

    return {"target_capture": capture(target.shared),
            "capture_floor": float(np.linalg.svd(Q.T @ truth.frame, compute_uv=False).min()),
            "perturbation_capture": capture(target.perturbation),
            "perturbation_floor": float(np.linalg.svd(Q.T @ bottom, compute_uv=False).min())}


def _least_captured(frame: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Unit ``z`` minimising ``||Q^T frame z||``: the direction of span(frame) most orthogonal to span(Q)."""
    C = Q.T @ frame
    lam, U = np.linalg.eigh(C.T @ C)
    z = U[:, 0]
    return z * (1.0 if z[np.argmax(np.abs(z))] >= 0 else -1.0)
