r"""Population risks of linear logistic predictors.

Labels :math:`y \in \{-1, +1\}` with :math:`P(y = 1 \mid x) = \sigma(x^\top\theta)`.
For a predictor :math:`\hat\theta` (logit :math:`x^\top\hat\theta`):

* **logistic excess risk** (population logistic loss minus the Bayes loss)

  .. math:: E_x\,\mathrm{KL}\big(\mathrm{Bern}(\sigma(a))\,\|\,\mathrm{Bern}(\sigma(b))\big),
            \qquad a = x^\top\theta,\ b = x^\top\hat\theta,

  with :math:`\mathrm{KL} = \operatorname{sp}(b) - \operatorname{sp}(a) - \sigma(a)(b - a)`,
  :math:`\operatorname{sp}(z) = \log(1 + e^z)` (the Bregman divergence of the
  softplus; it equals :math:`E_{y|x}[\ell(b, y) - \ell(a, y)]`).
* **0-1 excess risk** of the classifier :math:`\operatorname{sign}(b)` over
  the Bayes classifier :math:`\operatorname{sign}(a)`:
  :math:`E_x\big[|2\sigma(a) - 1|\,\mathbf 1\{ab < 0\}\big]`, with
  :math:`|2\sigma(a) - 1| = \tanh(|a|/2)`.

Both are reduced exactly to one-dimensional integrals (see the functions),
computed by adaptive quadrature to about 1e-12, for Gaussian inputs
:math:`N(0, \Sigma)` and for inputs uniform on the sphere of radius :math:`R`.
The two-dimensional rules of :mod:`simulations.quadrature` (Gauss-Hermite,
polar Gauss-Jacobi) compute the same expectations directly and serve as
independent cross-checks in the tests.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate
from scipy.special import beta as beta_fn
from scipy.special import betainc, ndtr

from .losses import LogisticLoss, sigmoid, softplus

__all__ = [
    "bernoulli_kl",
    "logistic_excess_gaussian",
    "logistic_excess_sphere",
    "zero_one_excess_gaussian",
    "zero_one_excess_sphere",
    "logistic_insample_excess",
    "empirical_logistic_loss",
    "sphere_fisher_coefficients",
    "logistic_fisher_sphere",
]


def bernoulli_kl(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    r""":math:`\mathrm{KL}(\mathrm{Bern}(\sigma(a)) \| \mathrm{Bern}(\sigma(b))) = \operatorname{sp}(b) - \operatorname{sp}(a) - \sigma(a)(b - a) \ge 0`."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return np.maximum(softplus(b) - softplus(a) - sigmoid(a) * (b - a), 0.0)


def _pair_covariance(theta: np.ndarray, theta_hat: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    V = np.column_stack([theta, theta_hat])
    return V.T @ covariance @ V


_EPS = dict(epsabs=1e-13, epsrel=1e-12, limit=400)


def _half_line(f) -> float:
    r""":math:`\int_0^\infty f(z)\varphi(z)\,dz` (adaptive Gauss-Kronrod)."""
    return integrate.quad(lambda z: f(z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), 0, np.inf, **_EPS)[0]


def _gauss_softplus(s: float) -> float:
    r""":math:`E\operatorname{sp}(sZ)`, :math:`Z \sim N(0,1)`: :math:`s/\sqrt{2\pi} + 2\int_0^\infty\operatorname{sp}(-sz)\varphi(z)dz`."""
    if s == 0:
        return math.log(2.0)
    return s / math.sqrt(2 * math.pi) + 2 * _half_line(lambda z: math.log1p(math.exp(-s * z)))


def _gauss_sigmoid_slope(s: float) -> float:
    r""":math:`E\sigma'(sZ) = 2\int_0^\infty\sigma'(sz)\varphi(z)dz`."""
    if s == 0:
        return 0.25
    return 2 * _half_line(lambda z: math.exp(-s * z) / (1 + math.exp(-s * z)) ** 2)


def logistic_excess_gaussian(theta_hat: np.ndarray, theta: np.ndarray, covariance: np.ndarray) -> float:
    r"""Logistic excess risk for :math:`x \sim N(0, \Sigma)`, reduced exactly to 1-D integrals.

    With :math:`(a, b) \sim N(0, C)`, :math:`E[b \mid a] = (C_{12}/C_{11})a` and
    Stein's lemma :math:`E[a\sigma(a)] = C_{11}E\sigma'(a)`,

    .. math:: E\,\mathrm{KL} = E\operatorname{sp}(b) - E\operatorname{sp}(a) - (C_{12} - C_{11})\,E\sigma'(a),

    three one-dimensional Gaussian expectations, each by adaptive quadrature
    (absolute error about 1e-13), so the result is accurate to about 1e-12
    whatever the scale of the logits.  (The two-dimensional Gauss-Hermite rule
    :func:`simulations.quadrature.gaussian_pair_expectation` computes the same
    number more slowly; the tests use it as a cross-check.)
    """
    C = _pair_covariance(np.asarray(theta, float), np.asarray(theta_hat, float), np.asarray(covariance, float))
    A, B, C12 = max(C[0, 0], 0.0), max(C[1, 1], 0.0), C[0, 1]
    value = _gauss_softplus(math.sqrt(B)) - _gauss_softplus(math.sqrt(A)) - (C12 - A) * _gauss_sigmoid_slope(math.sqrt(A))
    return max(float(value), 0.0)


def _sphere_even(g, alpha: float) -> float:
    r""":math:`E g(t)` for even :math:`g` and :math:`t` with density :math:`\propto (1 - t^2)^\alpha` on [-1, 1]."""
    norm = float(beta_fn(0.5, alpha + 1))
    val = integrate.quad(lambda t: g(t) * (1 + t) ** alpha, 0, 1, weight="alg", wvar=(0.0, alpha), **_EPS)[0]
    return 2 * val / norm


def logistic_excess_sphere(theta_hat: np.ndarray, theta: np.ndarray, R: float) -> float:
    r"""Logistic excess risk for :math:`x` uniform on the sphere of radius :math:`R`, by 1-D integrals.

    For spherically symmetric :math:`x`, :math:`E[b \mid a] = \rho a` with
    :math:`\rho = \theta^\top\hat\theta/\|\theta\|^2`, so
    :math:`E\,\mathrm{KL} = E\operatorname{sp}(b) - E\operatorname{sp}(a) - (\rho - 1)E[a\sigma(a)]`;
    :math:`a = R\|\theta\|t` and :math:`b = R\|\hat\theta\|t'` with :math:`t, t'`
    distributed as one coordinate of a uniform unit vector, density
    :math:`\propto(1 - t^2)^{(d-3)/2}` (adaptive quadrature with the algebraic
    weight; :math:`d = 1`: :math:`t = \pm1`).
    """
    theta = np.asarray(theta, float)
    theta_hat = np.asarray(theta_hat, float)
    d = theta.shape[0]
    ca, cb = R * float(np.linalg.norm(theta)), R * float(np.linalg.norm(theta_hat))
    nt2 = float(theta @ theta)
    rho = float(theta @ theta_hat) / nt2 if nt2 > 0 else 0.0
    if d == 1:
        a, b = R * theta[0], R * theta_hat[0]
        return float(0.5 * (bernoulli_kl(a, b) + bernoulli_kl(-a, -b)))
    alpha = (d - 3) / 2.0

    def esp(c: float) -> float:  # E sp(c t): sp(u) + sp(-u) = |u| + 2 sp(-|u|)
        return _sphere_even(lambda t: 0.5 * (c * t + 2 * math.log1p(math.exp(-c * t))), alpha)

    e_asig = _sphere_even(lambda t: 0.5 * ca * t * math.tanh(ca * t / 2), alpha)  # E[a sigma(a)] = E[a tanh(a/2)]/2
    return max(float(esp(cb) - esp(ca) - (rho - 1) * e_asig), 0.0)


def zero_one_excess_gaussian(theta_hat: np.ndarray, theta: np.ndarray, covariance: np.ndarray) -> float:
    r"""0-1 excess risk for :math:`x \sim N(0, \Sigma)`.

    With :math:`C` the covariance of :math:`(a, b)`, :math:`b \mid a \sim N(\rho a, v)`,
    :math:`\rho = C_{12}/C_{11}`, :math:`v = C_{22} - C_{12}^2/C_{11}`, so
    :math:`P(ab < 0 \mid a) = \Phi(-\rho|a|/\sqrt v)` and

    .. math:: E = 2\int_0^\infty \tanh\!\big(\sqrt{C_{11}}\,u/2\big)\,
              \Phi\!\big(-\rho\sqrt{C_{11}}\,u/\sqrt v\big)\,\varphi(u)\,du

    (adaptive quadrature, absolute error about 1e-12).  Degenerate cases:
    :math:`C_{11} = 0` (no signal) gives 0; :math:`v = 0` gives 0 when
    :math:`\rho > 0`, :math:`E\tanh(|a|/2)` when :math:`\rho < 0`, and half of it
    when :math:`\hat\theta = 0` (ties predicted as +1).
    """
    C = _pair_covariance(np.asarray(theta, float), np.asarray(theta_hat, float), np.asarray(covariance, float))
    A = C[0, 0]
    if A <= 0:
        return 0.0
    sa = math.sqrt(A)
    rho = C[0, 1] / A
    v = max(C[1, 1] - C[0, 1] ** 2 / A, 0.0)
    if v <= 1e-14 * max(C[1, 1], 1e-300):
        frac = 0.5 if (C[1, 1] <= 1e-300 or rho == 0) else (0.0 if rho > 0 else 1.0)
        return 0.0 if frac == 0.0 else float(2 * frac * _half_line(lambda u: math.tanh(sa * u / 2)))
    c = rho * sa / math.sqrt(v)
    return float(2 * _half_line(lambda u: math.tanh(sa * u / 2) * float(ndtr(-c * u))))


def zero_one_excess_sphere(theta_hat: np.ndarray, theta: np.ndarray, R: float) -> float:
    r"""0-1 excess risk for :math:`x` uniform on the sphere of radius :math:`R` in :math:`\mathbb{R}^d`.

    Write :math:`x = R(t\,e + \sqrt{1 - t^2}\,u)`, :math:`e = \theta/\|\theta\|`,
    :math:`u` uniform on the unit sphere of :math:`e^\perp`.  Then :math:`a = R\|\theta\|t`
    and :math:`b = R\big(t\,e^\top\hat\theta + \sqrt{1-t^2}\,\|\hat\theta_\perp\|u_1\big)`,
    :math:`u_1` one coordinate of a uniform unit vector of :math:`\mathbb{R}^{d-1}`,
    :math:`(u_1 + 1)/2 \sim \mathrm{Beta}(\frac{d-2}2, \frac{d-2}2)` with CDF :math:`F`.  Hence
    for :math:`d \ge 3`

    .. math:: E = 2\int_0^1 \tanh(R\|\theta\|t/2)\,
              F\Big(-\frac{t\,e^\top\hat\theta}{\sqrt{1-t^2}\,\|\hat\theta_\perp\|}\Big)\,w(t)\,dt,
              \qquad w(t) \propto (1 - t^2)^{(d-3)/2},

    by adaptive quadrature; for :math:`d = 2`, :math:`E = \frac1\pi\int_0^\gamma\tanh(R\|\theta\|\sin\psi/2)\,d\psi`
    with :math:`\gamma` the angle between :math:`\theta` and :math:`\hat\theta`;
    for :math:`d = 1`, :math:`\tanh(R|\theta|/2)` if the signs differ.  Ties
    (:math:`\hat\theta = 0`) are predicted as +1.
    """
    theta = np.asarray(theta, float)
    theta_hat = np.asarray(theta_hat, float)
    d = theta.shape[0]
    tn = float(np.linalg.norm(theta))
    if tn == 0:
        return 0.0
    c = R * tn
    e = theta / tn
    along = float(e @ theta_hat)
    perp = float(np.linalg.norm(theta_hat - along * e))
    qn = float(np.linalg.norm(theta_hat))
    if d == 1:
        return float(math.tanh(c / 2)) if along < 0 else (0.5 * math.tanh(c / 2) if qn == 0 else 0.0)
    alpha = (d - 3) / 2.0
    if qn == 0 or perp <= 1e-14 * qn:
        frac = 0.5 if qn == 0 else (0.0 if along > 0 else 1.0)
        if frac == 0.0:
            return 0.0
        if d == 2:
            return float(frac * 2 / math.pi * integrate.quad(lambda s: math.tanh(c * math.sin(s) / 2), 0, math.pi / 2, **_EPS)[0])
        return float(frac * _sphere_even(lambda t: math.tanh(c * t / 2), alpha))
    if d == 2:
        gamma = math.acos(max(-1.0, min(1.0, along / qn)))
        return float(integrate.quad(lambda s: math.tanh(c * math.sin(s) / 2), 0, gamma, **_EPS)[0] / math.pi)
    half = (d - 2) / 2.0

    def g(t: float) -> float:
        if t >= 1.0:
            return math.tanh(c / 2) * (1.0 if along < 0 else 0.0)
        kappa = t * along / (math.sqrt(1 - t * t) * perp)
        return math.tanh(c * t / 2) * float(betainc(half, half, min(max((1 - kappa) / 2, 0.0), 1.0)))

    return float(_sphere_even(g, alpha))


def empirical_logistic_loss(X: np.ndarray, y: np.ndarray, theta: np.ndarray) -> float:
    r""":math:`\frac1m\sum_i \log(1 + e^{-y_i x_i^\top\theta})`."""
    return float(np.mean(LogisticLoss().value(np.asarray(X) @ np.asarray(theta), y)))


def logistic_insample_excess(theta_hat: np.ndarray, theta: np.ndarray, X: np.ndarray) -> float:
    r"""Fixed-design excess risk :math:`\frac1m\sum_i \mathrm{KL}(\sigma(x_i^\top\theta)\|\sigma(x_i^\top\hat\theta))`."""
    X = np.asarray(X)
    return float(np.mean(bernoulli_kl(X @ theta, X @ theta_hat)))


def _sigmoid_slope(z: float) -> float:
    r""":math:`\sigma'(z) = \sigma(z)\sigma(-z) = e^{-|z|}/(1 + e^{-|z|})^2` (no overflow)."""
    e = math.exp(-abs(z))
    return e / (1.0 + e) ** 2


def sphere_fisher_coefficients(c: float, d: int) -> tuple[float, float]:
    r"""Coefficients :math:`(\alpha, \beta)` of the logistic Fisher matrix for inputs on the unit sphere.

    For :math:`t` one coordinate of a uniform unit vector of :math:`\mathbb{R}^d`
    (density :math:`\propto (1 - t^2)^{(d-3)/2}`),

    .. math:: \beta = E[\sigma'(ct)\,t^2],\qquad
              \alpha = \frac{E[\sigma'(ct)(1 - t^2)]}{d - 1}\quad(d \ge 2;\ \alpha = 0 \text{ for } d = 1),

    each by adaptive quadrature with the algebraic weight (both integrands are
    even in :math:`t`).  For :math:`d = 1`, :math:`t = \pm 1` and
    :math:`\beta = \sigma'(c)`.

    Parameters
    ----------
    c : float
        :math:`R\|\theta\|`, the largest logit of :math:`\theta` on the sphere of radius :math:`R`.
    d : int
        Dimension.

    Returns
    -------
    (float, float)
        :math:`(\alpha, \beta)`.
    """
    if d == 1:
        return 0.0, _sigmoid_slope(c)
    weight = (d - 3) / 2.0
    beta = _sphere_even(lambda t: _sigmoid_slope(c * t) * t * t, weight)
    alpha = _sphere_even(lambda t: _sigmoid_slope(c * t) * (1.0 - t * t), weight) / (d - 1)
    return float(alpha), float(beta)


def logistic_fisher_sphere(theta: np.ndarray, R: float) -> np.ndarray:
    r"""Population Fisher matrix :math:`H = E[\sigma'(x^\top\theta)\,xx^\top]`, :math:`x` uniform on the sphere of radius :math:`R`.

    Write :math:`x = R(t\,e + \sqrt{1 - t^2}\,u)`, :math:`e = \theta/\|\theta\|`,
    :math:`u` uniform on the unit sphere of :math:`e^\perp` (independent of
    :math:`t`, :math:`E[uu^\top] = (I - ee^\top)/(d - 1)`, :math:`E u = 0`).  Then
    :math:`x^\top\theta = R\|\theta\|t` and

    .. math:: H = R^2\big[\alpha\,(I - ee^\top) + \beta\,ee^\top\big]

    with :math:`(\alpha, \beta)` of :func:`sphere_fisher_coefficients` at
    :math:`c = R\|\theta\|`.  For :math:`\theta = 0`, :math:`H = (R^2/(4d))I`
    (then :math:`\alpha = \beta = 1/(4d)` and :math:`e` does not matter).

    Parameters
    ----------
    theta : ndarray, shape (d,)
    R : float

    Returns
    -------
    ndarray, shape (d, d)
        Symmetric positive definite.
    """
    theta = np.asarray(theta, dtype=float)
    d = theta.shape[0]
    norm = float(np.linalg.norm(theta))
    alpha, beta = sphere_fisher_coefficients(R * norm, d)
    if norm == 0.0:
        return (R * R * beta) * np.eye(d)
    e = theta / norm
    P = np.outer(e, e)
    return R * R * (alpha * (np.eye(d) - P) + beta * P)
