"""Lower bounds: what a frozen representation (or no representation) cannot beat.

Claim C5 on the linear hard case of NOTES.md section 4, and the Bayes lower
bound of learning without sources.  The exact Bayes risk behind the Jensen
bounds is estimated by :func:`bounds.bayes_risk.bayes_risk_monte_carlo`.
"""

from __future__ import annotations

import sympy as sp

from bounds.constants import STANDARD, Constant, standard
from bounds.expression import Bound

__all__ = ["FROZEN_LOWER_BIAS", "FROZEN_LOWER_BAYES", "TARGET_ONLY_BAYES", "CLASS_BIAS", "FROZEN_LOWER_E2E", "BOUNDS"]

_eps = STANDARD["eps"].symbol
#: eps * s^2 * ||a||^2 with s = sqrt(1/(2 eps)) and ||a|| = 1, kept unsimplified.
_BIAS = sp.Mul(_eps, sp.Pow(sp.sqrt(sp.Pow(sp.Mul(2, _eps), -1)), 2, evaluate=False),
               evaluate=False)

_HARD_CASE = (
    "hard case: x = (x_top, x_bot), x_top in R^(d-k) ~ N(0, eps I), x_bot in R^k ~ N(0, I), "
    "independent; Sigma = diag(eps I_(d-k), I_k)",
)

FROZEN_LOWER_BIAS = Bound(
    name="frozen-lower-bias",
    statement=(
        "On the hard case, any head-only predictor on a frozen representation whose span "
        "lies in the last-k block has excess risk >= eps s^2 ||a||^2 = 1/2 "
        "(s = sqrt(1/(2 eps)), ||a|| = 1), for every sample and every eps"
    ),
    kind="lower",
    explicit=True,
    assumptions=_HARD_CASE + (
        "target theta = s a + b with a a unit vector in the top block (span(B*)), "
        "b in the last-k block, s = sqrt(1/(2 eps))",
        "the frozen representation's span lies inside the last-k block "
        "(orthogonal to B*), and only the head is trained",
        "population excess risk; holds for every realisation (no expectation needed)",
    ),
    derivation="docs/theory/frozen-lower-bias.md",
    constants=standard("eps"),
    terms={"bias": _BIAS},
    monotonicity={"eps": 0},
    references=("block-diagonal Sigma: the top-block error cannot be reduced",),
)

FROZEN_LOWER_BAYES = Bound(
    name="frozen-lower-bayes",
    statement=(
        "Bayes risk on the hard case of any target procedure using a frozen representation "
        "independent of B* and m target samples: >= eps (d-k)/(m eps/sigma^2 + 1/tau2); "
        "at the default tau2 = 1/(2 eps (d-k)) this is sigma^2 (d-k)/(2 sigma^2 (d-k) + m)"
    ),
    kind="lower",
    explicit=True,
    assumptions=_HARD_CASE + (
        "prior: the target's top-block part a ~ N(0, tau2 I_(d-k)) (B* uniform among "
        "k-frames of the top block, head norm random so that B* w* is Gaussian)",
        "the learner is given the bottom-block part b exactly, and a frozen "
        "representation independent of a",
        "y = x^T theta + sigma * noise with Gaussian noise; population excess risk, "
        "Bayes risk (expectation over prior, design and noise)",
    ),
    derivation="docs/theory/frozen-lower-bayes.md",
    constants=standard("d", "k", "m", "eps", "sigma", "tau2",
                       tau2=STANDARD["tau2"].replace(default="1/(2*eps*(d - k))")),
    terms={"bayes": "eps*(d - k)/(m*eps/sigma**2 + 1/tau2)"},
    conditions=("k < d",),
    monotonicity={"d": +1, "k": -1, "m": -1, "eps": +1, "sigma": +1, "tau2": +1},
    references=("Gaussian posterior covariance; Jensen: tr(A^-1) is convex on SPD matrices",),
)

TARGET_ONLY_BAYES = Bound(
    name="target-only-bayes",
    statement=(
        "Bayes risk of any procedure using only the m target samples, theta ~ N(0, tau2 I_d), "
        "Sigma = I: >= d sigma^2 tau2/(m tau2 + sigma^2)"
    ),
    kind="lower",
    explicit=True,
    assumptions=(
        "prior theta ~ N(0, tau2 I_d); design rows i.i.d. N(0, I_d)",
        "y = x^T theta + sigma * noise with Gaussian noise; population excess risk, "
        "Bayes risk (expectation over prior, design and noise)",
    ),
    derivation="docs/theory/target-only-bayes.md",
    constants=standard("d", "m", "sigma", "tau2"),
    terms={"bayes": "d*sigma**2*tau2/(m*tau2 + sigma**2)"},
    monotonicity={"d": +1, "m": -1, "sigma": +1, "tau2": +1},
    references=("Gaussian posterior covariance; Jensen: tr(A^-1) is convex on SPD matrices",),
)

CLASS_BIAS = Bound(
    name="class-bias",
    statement=(
        "Any predictor in a learner's fine-tuning class K_r = {B_hat w + delta : ||delta|| <= r} has excess risk "
        ">= class_bias = min over K_r of (theta' - theta)' Sigma (theta' - theta), for every sample"
    ),
    kind="lower",
    explicit=True,
    assumptions=(
        "squared loss with additive noise independent of x: excess risk (theta' - theta)' Sigma (theta' - theta)",
        "the learner's target predictor lies in its declared class K_r (checked: premise)",
        "holds for every realisation, whatever the frame (learned or not) and however the target was chosen",
    ),
    derivation="docs/theory/class-bias.md",
    constants=(Constant("class_bias", "approximation error of the learner's class at the target (per replicate, "
                        "simulations.class_geometry)", lower=0, lower_open=False,
                        latex_name=r"b_{K_{r}}"),),
    terms={"bias": "class_bias"},
    monotonicity={"class_bias": +1},
    references=("definition of a minimum; Sigma-orthogonal projection; trust-region subproblem",),
    premises=("delta_norm <= ft_radius*(1 + 1e-9) + 1e-12",),
)

#: Pieces of frozen-lower-e2e (docs/theory/frozen-lower-e2e.md): a = (sqrt(d) + t_n)/sqrt(n) bounds the relative
#: deviation of every whitened source design's singular values from sqrt(n) (2T events of fail_prob/(4T)); the
#: chi-square of the source noise on the designs' ranges takes fail_prob/2.
_FL_A = "((sqrt(d) + sqrt(2*log(4*T/fail_prob)))/sqrt(n))"
_FL_KAPPA = f"(1 - (1 - {_FL_A})**2/(1 + {_FL_A})**2)"                   # 1 - l/L
_FL_EPS = (f"(((1 + {_FL_A})**2 - 1)*sqrt(1/2 + delta0**2)"
           f" + sigma*(1 + {_FL_A})*(sqrt(d) + sqrt(2*log(2/fail_prob))/sqrt(T))/sqrt(n))")   # ||E_hat||_F/sqrt(T)
_FL_DELTA = f"(2*delta0*{_FL_EPS}/sqrt(k) + {_FL_EPS}**2)"                 # ||K/T - R||_op
_FL_GAP = "((delta0**2 - 1/2)/k)"                                          # eigen-gap of R
_FL_X = (f"((2*sqrt(k)*{_FL_DELTA} + sqrt(4*k*{_FL_DELTA}**2 + 4*{_FL_GAP}*{_FL_KAPPA}*(delta0**2 + k*{_FL_DELTA})))"
         f"/(2*{_FL_GAP}))")                                              # bound on ||sin Theta(Q_hat, E_bot)||_F
_FL_TAU = f"Min(1, {_FL_X})"

FROZEN_LOWER_E2E = Bound(
    name="frozen-lower-e2e",
    statement=(
        "On the hard case with balanced source heads, with probability >= 1 - fail_prob over the sources, every "
        "head-only predictor on FROZENREP's learned frame has excess risk >= max(0, sqrt((1 - tau^2)/2) - "
        "delta0 tau)^2 at every target of the family, tau = min(1, x) and x the bound on ||sin Theta|| between "
        "the whitened frame and the bottom block from the eigen-gap (delta0^2 - 1/2)/k, the designs' singular "
        "values and the noise (project-derived)"
    ),
    kind="lower",
    explicit=True,
    assumptions=_HARD_CASE + (
        "source tasks theta_t = s B* u_t + delta0 E_bot v_t, s = sqrt(1/(2 eps)), with balanced unit directions: "
        "sum_t u_t u_t' = sum_t v_t v_t' = (T/k) I_k and sum_t u_t v_t' = 0 (checked: head_imbalance)",
        "y = x' theta + sigma * noise, noise N(0, 1) independent of x; delta0^2 > 1/2 (the bottom block is the best "
        "frozen frame)",
        "source step: any frame whose frozen source objective (least-squares heads) is at most the bottom block's "
        "(checked: comparator_fit_excess <= 0; FROZENREP's exact minimiser has it)",
        "target theta_0 = s a + delta0 b with unit a in the top block and unit b in the bottom block (target "
        "'worst' or 'random'); target step: any head-only predictor B_hat w (any data, any w)",
    ),
    derivation="docs/theory/frozen-lower-e2e.md",
    constants=standard("d", "k", "T", "n", "sigma", "delta0", "fail_prob"),
    terms={"bias": f"Max(0, sqrt((1 - {_FL_TAU}**2)/2) - delta0*{_FL_TAU})**2"},
    conditions=(f"{_FL_A} < 1", "delta0**2 > 1/2"),
    monotonicity={"n": +1, "sigma": -1, "fail_prob": +1, "d": -1, "k": -1, "T": 0, "delta0": 0},
    references=(
        "Davidson & Szarek (2001) Thm II.13 with Gaussian concentration: singular values of Gaussian matrices",
        "Laurent & Massart (2000): chi-square upper tail",
        "the eigen-gap (curvature) inequality tr(R (P_E - P)) >= gap ||sin Theta||_F^2 (a Davis-Kahan-type "
        "argument; e.g. Vu, Cho, Lei, Rohe 2013)",
        "trace duality |tr(D (P_E - P))| <= ||D||_op ||P_E - P||_* and Pythagoras",
    ),
    premises=("comparator_fit_excess <= 0", "head_imbalance <= 1e-12", "ft_radius <= 0",
              "delta_norm <= ft_radius*(1 + 1e-9) + 1e-12"),
)

#: Bounds defined in this module.
BOUNDS = (FROZEN_LOWER_BIAS, FROZEN_LOWER_BAYES, TARGET_ONLY_BAYES, CLASS_BIAS, FROZEN_LOWER_E2E)
