"""The fine-tuning step for a fixed representation (claims C1 and C7).

``finetune-step``: excess risk of empirical risk minimisation over the
fine-tuning class of a fixed frame, via its Rademacher complexity.
``gd-radius``: the same bound at the radius that s steps of gradient descent
can reach.  ``gd-radius-observed``: the same at the radius gradient descent
actually used (data-dependent, hence a union over a grid of radii), for the
gradient-descent iterate itself (its empirical gap to a fixed comparator
added).
"""

from __future__ import annotations

from bounds.constants import Constant, standard
from bounds.expression import Bound

__all__ = ["FINETUNE_STEP", "GD_RADIUS", "GD_RADIUS_OBSERVED", "BOUNDS"]

_CLASS_ASSUMPTIONS = (
    "B_hat is a fixed orthonormal d x k frame, independent of the m target samples",
    "target samples (x, y) are i.i.d.; ||x|| <= R almost surely and "
    "E[x x^T] = (R^2/d) I_d (e.g. x uniform on the sphere of radius R)",
    "loss is L-Lipschitz in the prediction and takes values in [0, b]",
)

FINETUNE_STEP = Bound(
    name="finetune-step",
    statement=(
        "W.p. >= 1 - fail_prob, the ERM over F = {x -> <w, B_hat^T x> + <delta, x> : "
        "||w|| <= c_w, ||delta|| <= delta0 c_w} has excess risk over the best member "
        "of F at most 4 L c_w R (sqrt(k/d) + delta0)/sqrt(m) + b sqrt(2 log(2/fail_prob)/m)"
    ),
    kind="upper",
    explicit=True,
    assumptions=_CLASS_ASSUMPTIONS + (
        "the learner is an exact empirical risk minimiser over F",),
    derivation="docs/theory/finetune-step.md",
    constants=standard("d", "k", "m", "delta0", "L", "b", "c_w", "R", "fail_prob"),
    terms={
        "finetune": "4*L*c_w*R*(sqrt(k/d) + delta0)/sqrt(m)",
        "confidence": "b*sqrt(2*log(2/fail_prob)/m)",
    },
    conditions=("k <= d",),
    monotonicity={"m": -1, "d": -1, "k": +1, "delta0": +1, "L": +1, "b": +1,
                  "c_w": +1, "R": +1, "fail_prob": -1},
    references=(
        "Bartlett & Mendelson (2002), JMLR 3, Thm 8 (symmetrisation + McDiarmid)",
        "Ledoux & Talagrand (1991), Thm 4.12; Mohri, Rostamizadeh, Talwalkar (2018), Lemma 5.7",
    ),
)

GD_RADIUS = Bound(
    name="gd-radius",
    statement=(
        "s gradient steps of size eta with gradients bounded by G stay in the ball "
        "||delta|| <= eta s G; finetune-step at delta0 = eta s G / c_w: "
        "4 L R (c_w sqrt(k/d) + eta s G)/sqrt(m) + b sqrt(2 log(2/fail_prob)/m)"
    ),
    kind="upper",
    explicit=True,
    assumptions=_CLASS_ASSUMPTIONS + (
        "gradient descent on (w, delta) starts at delta = 0 and every gradient along "
        "the path has norm <= G",
        "the head stays in ||w|| <= c_w along the path (e.g. projected steps)",
        "excess risk over the best member of the reachable class: valid for an exact "
        "empirical minimiser over that class; for the gradient-descent iterate itself "
        "add its empirical optimisation gap (the generalisation gap alone needs no addition)",
    ),
    derivation="docs/theory/gd-radius.md",
    constants=standard("d", "k", "m", "eta", "s", "G", "L", "b", "c_w", "R", "fail_prob"),
    terms={
        "finetune": "4*L*R*(c_w*sqrt(k/d) + eta*s*G)/sqrt(m)",
        "confidence": "b*sqrt(2*log(2/fail_prob)/m)",
    },
    conditions=("k <= d",),
    monotonicity={"m": -1, "d": -1, "k": +1, "eta": +1, "s": +1, "G": +1, "L": +1,
                  "b": +1, "c_w": +1, "R": +1, "fail_prob": -1},
    references=("triangle inequality on the gradient-descent path",),
)

#: Constants of ``gd-radius-observed`` that are not standard (names as the simulator's columns).
_OBSERVED = (
    Constant("gd_radius", "radius reached by gradient descent, eta s G with the observed G "
             "(per replicate)", lower=0, lower_open=False, latex_name=r"r_{\mathrm{GD}}"),
    Constant("empirical_gap", "empirical loss of the iterate minus that of the comparator "
             "(per replicate, any sign)", lower=-float("inf"), lower_open=True,
             latex_name=r"\hat{\Delta}_{m}"),
    Constant("b0", "bound on the loss at prediction 0", latex_name="b_0"),
    Constant("r_min", "smallest radius of the grid", latex_name=r"r_{\min}"),
    Constant("J", "number of doublings of the grid of radii r_min 2^j, j = 0..J", lower=0,
             lower_open=False, integer=True),
)

GD_RADIUS_OBSERVED = Bound(
    name="gd-radius-observed",
    statement=(
        "W.p. >= 1 - fail_prob, the gradient-descent iterate f_s, whose perturbation has norm "
        "<= gd_radius <= r_min 2^J, satisfies L(f_s) - L(f*) <= "
        "4 L R (c_w sqrt(k/d) + rho)/sqrt(m) + (b0 + L R (c_w + 2 rho)) sqrt(2 log(2(J+1)/fail_prob)/m) "
        "+ empirical_gap, rho = max(gd_radius, r_min), for any fixed comparator f* with |f*| <= R c_w"
    ),
    kind="upper",
    explicit=True,
    assumptions=_CLASS_ASSUMPTIONS[:2] + (
        "loss L-Lipschitz in the prediction, non-negative, at most b0 at prediction 0",
        "the iterate is x -> x^T(B_hat w_s + delta_s) with ||w_s|| <= c_w and "
        "||delta_s|| <= gd_radius (e.g. gd_radius = eta s G, G the largest gradient norm "
        "along the path), any data-dependent path",
        "gd_radius <= r_min 2^J (the grid covers every radius that can occur)",
        "comparator f* fixed in advance with |f*(x)| <= R c_w (e.g. x^T theta* with "
        "||theta*|| <= c_w); empirical_gap = L_m(f_s) - L_m(f*), any sign",
    ),
    derivation="docs/theory/gd-radius-observed.md",
    constants=standard("d", "k", "m", "L", "c_w", "R", "fail_prob") + _OBSERVED,
    terms={
        "finetune": "4*L*R*(c_w*sqrt(k/d) + Max(gd_radius, r_min))/sqrt(m)",
        "confidence": "(b0 + L*R*(c_w + 2*Max(gd_radius, r_min)))*sqrt(2*log(2*(J + 1)/fail_prob)/m)",
        "gap": "empirical_gap",
    },
    conditions=("k <= d",),
    monotonicity={"m": -1, "d": -1, "k": +1, "L": +1, "c_w": +1, "R": +1, "fail_prob": -1,
                  "gd_radius": +1, "empirical_gap": +1, "b0": +1, "r_min": +1, "J": +1},
    references=(
        "finetune-step (symmetrisation, McDiarmid, Ledoux-Talagrand contraction, Hoeffding)",
        "union bound over a geometric grid of radii (peeling)",
    ),
)

#: Bounds defined in this module.
BOUNDS = (FINETUNE_STEP, GD_RADIUS, GD_RADIUS_OBSERVED)
