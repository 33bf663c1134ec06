"""Squared-loss linear regression: upper, exact and rate bounds.

Claims C1-C4 and C6.  All excess risks are for Gaussian design with the
noise level ``sigma``; "in-sample" means ``||X (theta_hat - theta)||^2 / m``
on the target design, "population" means ``(theta_hat - theta)^T Sigma
(theta_hat - theta)``.
"""

from __future__ import annotations

from bounds.constants import standard
from bounds.expression import Bound

__all__ = ["FINETUNE_LINEAR", "ADAPTREP_LINEAR", "ADAPTREP_LINEAR_RATE",
           "FROZENREP_SHARED", "TARGET_ONLY", "ORACLE_HEAD", "BOUNDS"]

_TARGET = (
    "target design X (m x d) with i.i.d. rows N(0, I_d); y = X theta + sigma * noise, "
    "noise ~ N(0, I_m) independent of X",
)

FINETUNE_LINEAR = Bound(
    name="finetune-linear",
    statement=(
        "Constrained least squares over K = {B_hat w + delta : ||delta|| <= delta0} with "
        "theta in K: E ||X(theta_hat - theta)||^2/m <= "
        "min(sigma^2 k/m + 4 sigma delta0 sqrt(d/m), sigma^2 min(m, d)/m)"
    ),
    kind="upper",
    explicit=True,
    assumptions=_TARGET + (
        "well-specified: theta = B_hat w + v with ||v|| <= delta0 (e.g. B_hat = B*)",
        "B_hat is a d x k frame independent of the target data",
        "theta_hat is the exact least-squares solution constrained to K",
        "Sigma = I (for general Sigma replace d under the square root by tr(Sigma))",
        "expectation over noise and design; in-sample (fixed-design) risk",
    ),
    derivation="docs/theory/finetune-linear.md",
    constants=standard("d", "k", "m", "sigma", "delta0"),
    terms={
        "head": "sigma**2*k/m",
        "perturbation": "4*sigma*delta0*sqrt(d/m)",
        "ceiling": "sigma**2*Min(m, d)/m",
    },
    value="Min(head + perturbation, ceiling)",
    conditions=("k <= d",),
    monotonicity={"m": -1, "d": +1, "k": +1, "sigma": +1, "delta0": +1},
    references=("projection onto a closed convex set; Cauchy-Schwarz; Jensen",),
)

ADAPTREP_LINEAR = Bound(
    name="adaptrep-linear",
    statement=(
        "Constrained least squares over K = {B_hat w + delta : ||delta|| <= delta0} with a "
        "learned frame B_hat: E ||X(theta_hat - theta)||^2/m <= "
        "4 rep_error + 6 sigma^2 k/m + 8 sigma delta0 sqrt(d/m)"
    ),
    kind="upper",
    explicit=True,
    assumptions=_TARGET + (
        "target theta = B* w* + v with ||v|| <= delta0",
        "B_hat (d x k) independent of the target data; conditional on B_hat",
        "rep_error = min_w ||B_hat w - B* w*||^2 (Sigma = I)",
        "theta_hat is the exact least-squares solution constrained to K",
        "expectation over target noise and design; in-sample (fixed-design) risk",
    ),
    derivation="docs/theory/adaptrep-linear.md",
    constants=standard("d", "k", "m", "sigma", "delta0", "rep_error"),
    terms={
        "representation": "4*rep_error",
        "head": "6*sigma**2*k/m",
        "perturbation": "8*sigma*delta0*sqrt(d/m)",
    },
    conditions=("k <= d",),
    monotonicity={"rep_error": +1, "m": -1, "d": +1, "k": +1, "sigma": +1, "delta0": +1},
    references=("projection onto a closed convex set; Cauchy-Schwarz; Jensen",),
)

ADAPTREP_LINEAR_RATE = Bound(
    name="adaptrep-linear-rate",
    statement=(
        "ADAPTREP end to end (rate, constants not derived): "
        "sigma^2 k d/(n T nu) + sigma^2 k/m + min(delta0^2, sigma^2 d/m)"
    ),
    kind="rate",
    explicit=False,
    assumptions=(
        "linear model with approximately shared representation, ||v_t|| <= delta0",
        "source heads nu-diverse; Gaussian design, Sigma = I",
        "source step solved to a global optimum (non-convex: no derived constant)",
    ),
    derivation="docs/theory/adaptrep-linear-rate.md",
    constants=standard("d", "k", "n", "T", "m", "nu", "sigma", "delta0"),
    terms={
        "transfer": "sigma**2*k*d/(n*T*nu)",
        "head": "sigma**2*k/m",
        "perturbation": "Min(delta0**2, sigma**2*d/m)",
    },
    conditions=("k <= d",),
    monotonicity={"n": -1, "T": -1, "m": -1, "nu": -1, "d": +1, "k": +1,
                  "sigma": +1, "delta0": +1},
    references=("Chua, Lei, Lee (2021), rate as read by the project",),
)

FROZENREP_SHARED = Bound(
    name="frozenrep-shared",
    statement="FROZENREP with an exactly shared representation (rate): sigma^2 (d k/(n T) + k/m)",
    kind="rate",
    explicit=False,
    assumptions=(
        "delta0 = 0 (exactly shared representation)",
        "source heads well conditioned (diverse); Gaussian design",
        "source step solved to a global optimum",
    ),
    derivation="docs/theory/frozenrep-shared.md",
    constants=standard("d", "k", "n", "T", "m", "sigma"),
    terms={"transfer": "sigma**2*d*k/(n*T)", "head": "sigma**2*k/m"},
    conditions=("k <= d",),
    monotonicity={"n": -1, "T": -1, "m": -1, "d": +1, "k": +1, "sigma": +1},
    references=("Du, Hu, Kakade, Lee, Lei (ICLR 2021)",),
)

TARGET_ONLY = Bound(
    name="target-only",
    statement=(
        "Ordinary least squares on the m target samples alone: "
        "E excess risk = sigma^2 d/(m - d - 1) exactly"
    ),
    kind="exact",
    explicit=True,
    assumptions=(
        "design rows i.i.d. N(0, Sigma), any positive-definite Sigma",
        "y = x^T theta + sigma * noise, noise N(0, 1) independent of x",
        "population excess risk (theta_hat - theta)^T Sigma (theta_hat - theta), "
        "expectation over design and noise",
        "m > d + 1 (mean of the inverse Wishart)",
    ),
    derivation="docs/theory/target-only.md",
    constants=standard("d", "m", "sigma"),
    terms={"variance": "sigma**2*d/(m - d - 1)"},
    conditions=("m > d + 1",),
    monotonicity={"d": +1, "m": -1, "sigma": +1},
    references=("mean of the inverse Wishart distribution",),
)

ORACLE_HEAD = Bound(
    name="oracle-head",
    statement=(
        "Least squares in the known k-dimensional subspace span(B*) (delta0 = 0): "
        "E excess risk = sigma^2 k/(m - k - 1) exactly"
    ),
    kind="exact",
    explicit=True,
    assumptions=(
        "delta0 = 0 and the true frame B* is known: theta = B* w*",
        "design rows i.i.d. N(0, Sigma), any positive-definite Sigma",
        "population excess risk, expectation over design and noise",
        "m > k + 1",
    ),
    derivation="docs/theory/oracle-head.md",
    constants=standard("k", "m", "sigma"),
    terms={"variance": "sigma**2*k/(m - k - 1)"},
    conditions=("m > k + 1",),
    monotonicity={"k": +1, "m": -1, "sigma": +1},
    references=("mean of the inverse Wishart distribution",),
)

#: Bounds defined in this module.
BOUNDS = (FINETUNE_LINEAR, ADAPTREP_LINEAR, ADAPTREP_LINEAR_RATE, FROZENREP_SHARED,
          TARGET_ONLY, ORACLE_HEAD)
