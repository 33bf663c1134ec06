"""Small batched linear-algebra helpers."""

from __future__ import annotations

import numpy as np

__all__ = ["sym_pinv", "orthonormal_frame", "projector"]

#: Relative eigenvalue cut-off below which a symmetric PSD matrix is treated as singular.
RCOND = 1e-10


def sym_pinv(M: np.ndarray, rcond: float = RCOND) -> np.ndarray:
    """Moore-Penrose pseudo-inverse of (a stack of) symmetric PSD matrices.

    Eigenvalues below ``rcond * max(eigenvalue)`` are treated as zero, which
    gives minimum-norm solutions for rank-deficient systems.
    """
    lam, U = np.linalg.eigh(M)
    top = np.max(np.abs(lam), axis=-1, keepdims=True)
    keep = lam > rcond * np.where(top > 0, top, 1.0)
    inv = np.where(keep, 1.0 / np.where(keep, lam, 1.0), 0.0)
    return (U * inv[..., None, :]) @ np.swapaxes(U, -1, -2)


def orthonormal_frame(B: np.ndarray) -> np.ndarray:
    """An orthonormal basis (d x k) of the column span of ``B`` (thin QR, sign-fixed)."""
    Q, R = np.linalg.qr(B)
    signs = np.sign(np.diag(R))
    signs[signs == 0] = 1.0
    return Q * signs


def projector(B: np.ndarray) -> np.ndarray:
    """Orthogonal projector onto the column span of ``B``."""
    Q = orthonormal_frame(B)
    return Q @ Q.T
