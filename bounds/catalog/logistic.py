"""Logistic regression with a linear representation (claims C1 and C2, logistic).

``adaptrep-logistic`` is rate only: the transfer term's constant (the
task-diversity argument applied to a non-convex source estimator) is not
derived by the project.  The fine-tuning and confidence parts alone have
explicit constants: ``finetune-logistic`` is ``finetune-step`` with the
logistic loss (``L = 1``, ``b = log(1 + exp(R (c_w + delta0)))``) and the
perturbation radius in the simulator's absolute units (``||delta|| <= delta0``).
"""

from __future__ import annotations

from bounds.constants import standard
from bounds.expression import Bound

__all__ = ["ADAPTREP_LOGISTIC", "FINETUNE_LOGISTIC", "BOUNDS"]

ADAPTREP_LOGISTIC = Bound(
    name="adaptrep-logistic",
    statement=(
        "ADAPTREP with logistic loss (rate, constants not derived): "
        "(1/nu)(sqrt(kd/(nT)) + sqrt(k/n) + delta0 sqrt(d/n)) + sqrt(k/m) "
        "+ delta0 sqrt(d/m) + sqrt(log(2/fail_prob)/m)"
    ),
    kind="rate",
    explicit=False,
    assumptions=(
        "linear representation, logistic (1-Lipschitz) loss, isotropic inputs with "
        "E||x||^2 = d",
        "approximately shared representation with ||delta_t|| <= delta0; nu-diverse heads",
        "source and target steps solved to global optima",
        "explicit constants exist only for the fine-tuning and confidence parts "
        "(see finetune-step with L = 1)",
    ),
    derivation="docs/theory/adaptrep-logistic.md",
    constants=standard("d", "k", "n", "T", "m", "nu", "delta0", "fail_prob"),
    terms={
        "transfer": "(sqrt(k*d/(n*T)) + sqrt(k/n) + delta0*sqrt(d/n))/nu",
        "finetune": "sqrt(k/m) + delta0*sqrt(d/m)",
        "confidence": "sqrt(log(2/fail_prob)/m)",
    },
    conditions=("k <= d",),
    monotonicity={"n": -1, "T": -1, "m": -1, "nu": -1, "fail_prob": -1,
                  "d": +1, "k": +1, "delta0": +1},
    references=("Tripuraneni, Jordan, Jin (NeurIPS 2020): task diversity",),
)

FINETUNE_LOGISTIC = Bound(
    name="finetune-logistic",
    statement=(
        "W.p. >= 1 - fail_prob, logistic-loss ERM over F = {x -> x^T(B_hat w + delta) : "
        "||w|| <= c_w, ||delta|| <= delta0} with ||x|| <= R has excess risk over the best member "
        "of F at most 4 R (c_w sqrt(k/d) + delta0)/sqrt(m) "
        "+ log(1 + exp(R (c_w + delta0))) sqrt(2 log(2/fail_prob)/m)"
    ),
    kind="upper",
    explicit=True,
    assumptions=(
        "B_hat is a fixed orthonormal d x k frame, independent of the m target samples",
        "target samples (x, y) i.i.d., y in {-1, +1}; ||x|| <= R almost surely and "
        "E[x x^T] = (R^2/d) I_d (e.g. x uniform on the sphere of radius R)",
        "logistic loss log(1 + exp(-y f(x))); the learner is an exact empirical risk "
        "minimiser over F (the constrained logistic fine-tuning step, convex)",
        "excess risk over the best member of F; it is the excess over the Bayes risk when "
        "the true logit direction lies in F (e.g. B_hat = B*, ||w*|| <= c_w, ||v|| <= delta0)",
    ),
    derivation="docs/theory/finetune-logistic.md",
    constants=standard("d", "k", "m", "delta0", "c_w", "R", "fail_prob"),
    terms={
        "finetune": "4*R*(c_w*sqrt(k/d) + delta0)/sqrt(m)",
        # log(1 + exp(z)) written as z + log(1 + exp(-z)), z = R (c_w + delta0) >= 0 (no overflow)
        "confidence": "(R*(c_w + delta0) + log(1 + exp(-R*(c_w + delta0))))*sqrt(2*log(2/fail_prob)/m)",
    },
    conditions=("k <= d",),
    monotonicity={"m": -1, "d": -1, "k": +1, "delta0": +1, "c_w": +1, "R": +1, "fail_prob": -1},
    references=("finetune-step with L = 1 and the loss range of the logistic loss on F",),
)

#: Bounds defined in this module.
BOUNDS = (ADAPTREP_LOGISTIC, FINETUNE_LOGISTIC)
