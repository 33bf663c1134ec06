"""The fine-tuning step for a fixed representation (claims C1 and C7).

``finetune-step``: excess risk over a fixed comparator of a predictor of the
fine-tuning class of a fixed frame that fits the sample at least as well as the
comparator (e.g. empirical risk minimisation over a class containing it), via
the class's Rademacher complexity: ``2 L R_m(F)`` (one-sided symmetrisation
and the one-sided Ledoux-Talagrand contraction) plus one McDiarmid term.
``gd-radius``: the same bound at the radius that s steps of gradient descent
can reach.  ``gd-radius-observed``: the same at the radius gradient descent
actually used (data-dependent, hence a union over a grid of radii), for the
gradient-descent iterate itself (its empirical gap to a fixed comparator
added), with a Bernstein term for the comparator.

Every constant is project-derived (docs/theory/); ``premises`` are the
per-replicate checks the verification layer evaluates (columns of
:data:`simulations.columns.OPTIONAL_COLUMNS`).
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

#: Premise tolerances: relative 1e-9 on norms (rounding of the solvers' projections), absolute 1e-12 at radius 0.
FINETUNE_STEP = Bound(
    name="finetune-step",
    statement=(
        "For a comparator f* fixed in advance with loss in [0, b], w.p. >= 1 - fail_prob every "
        "f_hat in F = {x -> <w, B_hat^T x> + <delta, x> : ||w|| <= c_w, ||delta|| <= delta0 c_w} "
        "with L_m(f_hat) <= L_m(f*) (e.g. the ERM over F, f* the best member of F) has "
        "L(f_hat) - L(f*) <= 2 L c_w R (sqrt(k/d) + delta0)/sqrt(m) + b sqrt(2 log(1/fail_prob)/m)"
    ),
    kind="upper",
    explicit=True,
    assumptions=_CLASS_ASSUMPTIONS + (
        "the comparator f* is fixed before the target sample is drawn and its loss lies in [0, b] "
        "(the truth, or the best member of F)",
        "the predictor lies in F and fits the target sample at least as well as f* "
        "(L_m(f_hat) <= L_m(f*); an exact empirical risk minimiser over a class that contains f*)",),
    derivation="docs/theory/finetune-step.md",
    constants=standard("d", "k", "m", "delta0", "L", "b", "c_w", "R", "fail_prob"),
    terms={
        "finetune": "2*L*c_w*R*(sqrt(k/d) + delta0)/sqrt(m)",
        "confidence": "b*sqrt(2*log(1/fail_prob)/m)",
    },
    conditions=("k <= d",),
    monotonicity={"m": -1, "d": -1, "k": +1, "delta0": +1, "L": +1, "b": +1,
                  "c_w": +1, "R": +1, "fail_prob": -1},
    references=(
        "Bartlett & Mendelson (2002), JMLR 3, Thm 8 (symmetrisation + McDiarmid)",
        "Ledoux & Talagrand (1991), Thm 4.12 (one-sided form); Mohri, Rostamizadeh, Talwalkar (2018), "
        "Lemma 5.7 (Talagrand's contraction, no l(0) = 0 needed)",
        "McDiarmid (1989), bounded differences",
    ),
    premises=(
        "head_norm <= c_w*(1 + 1e-9)",
        "delta_norm <= delta0*c_w*(1 + 1e-9) + 1e-12",
        "empirical_gap <= 0",
    ),
)

GD_RADIUS = Bound(
    name="gd-radius",
    statement=(
        "s gradient steps of size eta with gradients bounded by G stay in the ball "
        "||delta|| <= eta s G; finetune-step at delta0 = eta s G / c_w: "
        "2 L R (c_w sqrt(k/d) + eta s G)/sqrt(m) + b sqrt(2 log(1/fail_prob)/m)"
    ),
    kind="upper",
    explicit=True,
    assumptions=_CLASS_ASSUMPTIONS + (
        "gradient descent on (w, delta) starts at delta = 0 and every gradient along "
        "the path has norm <= G",
        "the head stays in ||w|| <= c_w along the path (e.g. projected steps)",
        "excess risk over a comparator f* fixed in advance (loss in [0, b]) of a predictor of the "
        "reachable class with L_m(f_hat) <= L_m(f*): an exact empirical minimiser over a class that "
        "contains f*, or a gradient-descent iterate that fits the sample at least as well as f*; "
        "otherwise add the empirical gap L_m(f_hat) - L_m(f*)",
        "G, eta and s are fixed before the target sample is drawn (a data-dependent radius needs "
        "gd-radius-observed)",
    ),
    derivation="docs/theory/gd-radius.md",
    constants=standard("d", "k", "m", "eta", "s", "G", "L", "b", "c_w", "R", "fail_prob"),
    terms={
        "finetune": "2*L*R*(c_w*sqrt(k/d) + eta*s*G)/sqrt(m)",
        "confidence": "b*sqrt(2*log(1/fail_prob)/m)",
    },
    conditions=("k <= d",),
    monotonicity={"m": -1, "d": -1, "k": +1, "eta": +1, "s": +1, "G": +1, "L": +1,
                  "b": +1, "c_w": +1, "R": +1, "fail_prob": -1},
    references=("triangle inequality on the gradient-descent path", "finetune-step"),
    premises=(
        "head_norm <= c_w*(1 + 1e-9)",
        "delta_norm <= eta*s*G*(1 + 1e-9) + 1e-12",
        "grad_bound <= G*(1 + 1e-9)",
        "empirical_gap <= 0",
    ),
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
        "2 L R (c_w sqrt(k/d) + 2 rho)/sqrt(m) + (b0 + L R (c_w + 2 rho)) sqrt(log(2(J+1)/fail_prob)/(2m)) "
        "+ Min((b0 + L R c_w) sqrt(log(2/fail_prob)/(2m)), sqrt(2 v log(2/fail_prob)/m) "
        "+ (b0 + L R c_w) log(2/fail_prob)/(3m)) + empirical_gap, rho = max(gd_radius, r_min), "
        "v = (L R c_w/sqrt(d) + b0/2)^2, for any comparator f*(x) = x^T theta* fixed in advance with "
        "||theta*|| <= c_w"
    ),
    kind="upper",
    explicit=True,
    assumptions=_CLASS_ASSUMPTIONS[:2] + (
        "loss L-Lipschitz in the prediction, non-negative, in [0, b0] at prediction 0",
        "the iterate is x -> x^T(B_hat w_s + delta_s) with ||w_s|| <= c_w and "
        "||delta_s|| <= gd_radius, any data-dependent path; gd_radius may be any data-dependent "
        "radius (eta s G with G the largest gradient norm along the path, or the observed "
        "displacement ||u_s - u_0|| >= ||delta_s||): the grid union makes every one valid",
        "gd_radius <= r_min 2^J (the grid covers every radius that can occur)",
        "comparator f*(x) = x^T theta* fixed in advance with ||theta*|| <= c_w (e.g. the truth); "
        "empirical_gap = L_m(f_s) - L_m(f*), any sign",
    ),
    derivation="docs/theory/gd-radius-observed.md",
    constants=standard("d", "k", "m", "L", "c_w", "R", "fail_prob") + _OBSERVED,
    terms={
        "finetune": "2*L*R*(c_w*sqrt(k/d) + 2*Max(gd_radius, r_min))/sqrt(m)",
        "confidence": "(b0 + L*R*(c_w + 2*Max(gd_radius, r_min)))*sqrt(log(2*(J + 1)/fail_prob)/(2*m))",
        "comparator": "Min((b0 + L*R*c_w)*sqrt(log(2/fail_prob)/(2*m)), "
                      "sqrt(2*(L*R*c_w/sqrt(d) + b0/2)**2*log(2/fail_prob)/m) + (b0 + L*R*c_w)*log(2/fail_prob)/(3*m))",
        "gap": "empirical_gap",
    },
    conditions=("k <= d",),
    monotonicity={"m": -1, "d": -1, "k": +1, "L": +1, "c_w": +1, "R": +1, "fail_prob": -1,
                  "gd_radius": +1, "empirical_gap": +1, "b0": +1, "r_min": +1, "J": +1},
    references=(
        "finetune-step (symmetrisation, McDiarmid, one-sided Ledoux-Talagrand contraction)",
        "union bound over a geometric grid of radii (peeling)",
        "Bernstein's inequality (Boucheron, Lugosi, Massart 2013, Thm 2.10 and Cor. 2.11) and "
        "Hoeffding's inequality for the fixed comparator",
    ),
    premises=(
        "head_norm <= c_w*(1 + 1e-9)",
        "delta_norm <= gd_radius*(1 + 1e-9) + 1e-12",
        "displacement <= gd_radius*(1 + 1e-9) + 1e-12",
        "gd_radius <= r_min*2**J",
        "target_head_norm + target_perturbation_norm <= c_w*(1 + 1e-9)",
    ),
)

#: Bounds defined in this module.
BOUNDS = (FINETUNE_STEP, GD_RADIUS, GD_RADIUS_OBSERVED)
