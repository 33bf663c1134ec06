"""Monte Carlo estimate of the exact Bayes risk behind the Bayes lower bounds.

Used to confirm that ``frozen-lower-bayes`` and ``target-only-bayes`` (both
obtained from the exact Bayes risk by Jensen's inequality) sit below it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["bayes_risk_monte_carlo"]


def bayes_risk_monte_carlo(
    d: int,
    k: int,
    m: int,
    eps: float,
    sigma: float,
    tau2: float | None = None,
    draws: int = 2000,
    rng: np.random.Generator | int | None = None,
) -> tuple[float, float]:
    """Exact Bayes risk of the hard case's top block, by Monte Carlo over designs.

    Parameters
    ----------
    d, k : int
        Dimension and rank; the unknown block has dimension ``p = d - k >= 1``.
    m : int
        Number of target samples.
    eps : float
        Variance of each top-block input coordinate.
    sigma : float
        Noise standard deviation.
    tau2 : float, optional
        Prior variance of each top-block parameter coordinate; default
        ``1 / (2 eps (d - k))``.
    draws : int, default 2000
        Number of independent designs.
    rng : numpy.random.Generator or int or None
        Random generator or seed.

    Returns
    -------
    mean : float
        Monte Carlo estimate of the Bayes risk.
    stderr : float
        Its standard error.

    Notes
    -----
    With ``X_top`` (m x p) having i.i.d. ``N(0, eps)`` entries, the posterior
    covariance of the top-block parameter is
    ``C = (X_top^T X_top / sigma^2 + I / tau2)^{-1}`` and the Bayes risk in the
    ``Sigma_top = eps I`` norm is ``eps E tr C``.  With ``lambda_i`` the
    eigenvalues of ``X_top^T X_top``,
    ``tr C = sum_i 1 / (lambda_i / sigma^2 + 1 / tau2)``; the ``p - min(m, p)``
    zero eigenvalues contribute ``tau2`` each.  ``eps = 1, k = 0`` gives the
    Bayes risk of learning without sources (``target-only-bayes``).
    """
    p = int(d) - int(k)
    if p < 1:
        raise ValueError(f"need d - k >= 1, got d={d}, k={k}")
    if m < 1 or draws < 2:
        raise ValueError(f"need m >= 1 and draws >= 2, got m={m}, draws={draws}")
    if not (eps > 0 and sigma > 0):
        raise ValueError(f"need eps > 0 and sigma > 0, got eps={eps}, sigma={sigma}")
    if tau2 is None:
        tau2 = 1.0 / (2.0 * eps * p)
    if not tau2 > 0:
        raise ValueError(f"need tau2 > 0, got tau2={tau2}")
    gen = np.random.default_rng(rng)
    r = min(int(m), p)
    chunk = max(1, int(2_000_000 // (m * p)))
    risks = np.empty(draws)
    for start in range(0, draws, chunk):
        stop = min(draws, start + chunk)
        x = gen.standard_normal((stop - start, int(m), p)) * np.sqrt(eps)
        sv = np.linalg.svd(x, compute_uv=False)  # (batch, r)
        trace = np.sum(1.0 / (sv**2 / sigma**2 + 1.0 / tau2), axis=1) + (p - r) * tau2
        risks[start:stop] = eps * trace
    return float(risks.mean()), float(risks.std(ddof=1) / np.sqrt(draws))
