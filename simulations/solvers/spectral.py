r"""Spectral initialisations of the shared frame.

Both start from per-task minimum-norm least-squares estimates
:math:`\tilde\theta_t = S_t^{+} g_t`.

* ``parameter``: top-:math:`k` eigenvectors of
  :math:`\sum_t \tilde\theta_t\tilde\theta_t^\top` -- the principal subspace
  in parameter space, whose Euclidean geometry is the one of ADAPTREP's
  perturbation ball.
* ``prediction``: the principal subspace in prediction space: with the pooled
  covariance :math:`\hat\Sigma = \frac{1}{nT}\sum_t S_t`, the top-:math:`k`
  left singular vectors :math:`U` of :math:`\hat\Sigma^{1/2}\tilde\Theta`,
  mapped back as :math:`\hat\Sigma^{-1/2} U` -- the frame that best explains
  the predictions, i.e. the FROZENREP objective's own geometry.

The two coincide when :math:`\hat\Sigma \propto I`; on the hard instance they
are orthogonal.
"""

from __future__ import annotations

import numpy as np

from .linalg import orthonormal_frame, sym_pinv
from .task_spectra import TaskSpectra

__all__ = ["per_task_estimates", "parameter_spectral_frame", "prediction_spectral_frame", "initial_frames"]


def per_task_estimates(S: np.ndarray, g: np.ndarray, spectra: TaskSpectra | None = None) -> np.ndarray:
    r"""Minimum-norm least-squares estimates :math:`S_t^{+} g_t`, shape (T, d).

    With ``spectra`` (the eigendecompositions of ``S``, already computed) no
    matrix is diagonalised again.
    """
    if spectra is not None:
        return spectra.pinv_solve(g)
    return np.einsum("tij,tj->ti", sym_pinv(S), g)


def _top_k(M: np.ndarray, k: int) -> np.ndarray:
    lam, U = np.linalg.eigh((M + M.T) / 2)
    return U[:, ::-1][:, :k]


def parameter_spectral_frame(S: np.ndarray, g: np.ndarray, k: int, theta: np.ndarray | None = None) -> np.ndarray:
    """Top-``k`` principal subspace of the per-task estimates ``theta`` (default: computed) in parameter space."""
    theta = per_task_estimates(S, g) if theta is None else theta
    return orthonormal_frame(_top_k(theta.T @ theta, k))


def prediction_spectral_frame(S: np.ndarray, g: np.ndarray, k: int, n: int,
                              theta: np.ndarray | None = None) -> np.ndarray:
    """Top-``k`` principal subspace of the per-task estimates ``theta`` (default: computed) in prediction space."""
    theta = per_task_estimates(S, g) if theta is None else theta
    pooled = S.sum(axis=0) / (n * S.shape[0])
    lam, U = np.linalg.eigh(pooled)
    lam = np.maximum(lam, 1e-12 * lam.max())
    half = (U * np.sqrt(lam)) @ U.T
    inv_half = (U / np.sqrt(lam)) @ U.T
    Z = half @ theta.T
    return orthonormal_frame(inv_half @ _top_k(Z @ Z.T, k))


def initial_frames(S: np.ndarray, g: np.ndarray, k: int, n: int, init: str,
                   spectra: TaskSpectra | None = None) -> list[np.ndarray]:
    """Initial frames for :func:`.shared_frame.fit_shared_frame`.

    ``init`` is ``"parameter"``, ``"prediction"`` or ``"spectral"`` (both;
    the second is dropped when it spans the same subspace as the first, i.e.
    its largest principal-angle sine is below 1e-8).  The per-task estimates
    are computed once, from ``spectra`` when given
    (:func:`.task_spectra.task_spectra` of ``S``).
    """
    if init not in ("parameter", "prediction", "spectral"):
        raise ValueError(f"parameter 'init' must be one of 'spectral', 'parameter', 'prediction'; got {init!r}")
    theta = per_task_estimates(S, g, spectra)
    if init == "parameter":
        return [parameter_spectral_frame(S, g, k, theta)]
    if init == "prediction":
        return [prediction_spectral_frame(S, g, k, n, theta)]
    first = parameter_spectral_frame(S, g, k, theta)
    second = prediction_spectral_frame(S, g, k, n, theta)
    overlap = np.linalg.svd(first.T @ second, compute_uv=False).min()
    return [first] if np.sqrt(max(0.0, 1 - overlap**2)) < 1e-8 else [first, second]
