"""Random draws shared by the settings."""

from __future__ import annotations

import numpy as np

from ..solvers.linalg import orthonormal_frame

__all__ = ["unit_vectors", "random_frame", "gaussian_inputs", "sphere_inputs", "diverse_heads", "equal_norm_heads", "task_diversity"]


def unit_vectors(rng: np.random.Generator, count: int, dim: int) -> np.ndarray:
    """``count`` independent vectors uniform on the unit sphere of R^dim, shape (count, dim)."""
    z = rng.standard_normal((count, dim))
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    return z / np.where(norms > 0, norms, 1.0)


def random_frame(rng: np.random.Generator, d: int, k: int) -> np.ndarray:
    """A Haar-distributed orthonormal d x k frame."""
    return orthonormal_frame(rng.standard_normal((d, k)))


def gaussian_inputs(rng: np.random.Generator, shape: tuple[int, ...], chol: np.ndarray | None) -> np.ndarray:
    """Rows N(0, Sigma) with ``Sigma = chol chol^T`` (identity when ``chol`` is None)."""
    z = rng.standard_normal(shape)
    return z if chol is None else z @ chol.T


def sphere_inputs(rng: np.random.Generator, shape: tuple[int, ...], radius: float) -> np.ndarray:
    r"""Rows uniform on the sphere of radius ``radius`` in :math:`\mathbb{R}^d` (``shape[-1] = d``): :math:`Rz/\|z\|`, :math:`z` Gaussian."""
    z = rng.standard_normal(shape)
    norms = np.linalg.norm(z, axis=-1, keepdims=True)
    return radius * z / np.where(norms > 0, norms, 1.0)


def diverse_heads(rng: np.random.Generator, T: int, k: int, scale: float, condition: float) -> tuple[np.ndarray, float]:
    r"""Heads :math:`w_1..w_T \in R^k` with a prescribed task-diversity spectrum.

    The empirical head covariance :math:`\frac1T W W^\top` (W is k x T) has
    eigenvalues geometrically spaced from :math:`\lambda_{\max}` down to
    :math:`\lambda_{\max}/\kappa` (``condition`` = :math:`\kappa`), scaled so
    that their sum, the mean squared head norm, is ``scale**2``; eigenvectors
    and the right factor are Haar-random.  With ``T < k`` only ``T``
    eigenvalues are non-zero.

    Returns
    -------
    heads : ndarray, shape (T, k)
    nu : float
        Realised diversity :math:`\lambda_{\min}(\frac1T W W^\top)` (0 when T < k).
    """
    r = min(T, k)
    G = rng.standard_normal((k, T))
    U, _, Vt = np.linalg.svd(G, full_matrices=False)  # U: k x r, Vt: r x T
    spectrum = condition ** (-np.arange(r) / max(r - 1, 1))
    spectrum = spectrum * scale**2 / spectrum.sum()
    W = np.sqrt(T) * (U * np.sqrt(spectrum)) @ Vt
    return W.T, task_diversity(W.T)


def equal_norm_heads(rng: np.random.Generator, T: int, k: int, scale: float) -> tuple[np.ndarray, float]:
    r"""Heads of norm exactly ``scale`` with :math:`\frac1T W W^\top = (\text{scale}^2/k) I_k`.

    :math:`w_t = \pm\,\text{scale}\; Q e_{t \bmod k}` with :math:`Q` a Haar rotation of
    :math:`R^k` and the sign alternating from one block of ``k`` tasks to the next; ``T`` must be a
    multiple of ``k``.  Every head then has the same norm, so a norm bound ``c_w >= scale`` holds for
    all of them (the ``logistic`` setting's ``heads="balanced"``).

    Returns
    -------
    heads : ndarray, shape (T, k)
    nu : float
        Realised diversity, :math:`\text{scale}^2/k` up to rounding.
    """
    if T % k:
        raise ValueError(f"parameter 'T' must be a multiple of k = {k} for equal-norm balanced heads; got T={T}")
    Q = random_frame(rng, k, k)
    idx = np.arange(T) % k
    signs = np.where((np.arange(T) // k) % 2 == 0, 1.0, -1.0)
    heads = scale * signs[:, None] * Q[:, idx].T
    return heads, task_diversity(heads)


def task_diversity(heads: np.ndarray) -> float:
    r"""Realised task diversity :math:`\nu = \lambda_{\min}(\frac1T\sum_t w_t w_t^\top)` of heads of shape (T, k).

    It is 0 when :math:`T < k` (the head covariance is then singular); round-off
    below 0 is clipped.
    """
    T, k = heads.shape
    nu = float(np.linalg.eigvalsh(heads.T @ heads / T)[0]) if T >= k else 0.0
    return max(nu, 0.0)
