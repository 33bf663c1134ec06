"""The fine-tuning step for a fixed representation (claims C1 and C7).

``finetune-step``: excess risk of empirical risk minimisation over the
fine-tuning class of a fixed frame, via its Rademacher complexity.
``gd-radius``: the same bound at the radius that s steps of gradient descent
can reach.
"""

from __future__ import annotations

from bounds.constants import standard
from bounds.expression import Bound

__all__ = ["FINETUNE_STEP", "GD_RADIUS", "BOUNDS"]

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

#: Bounds defined in this module.
BOUNDS = (FINETUNE_STEP, GD_RADIUS)
