"""Logistic regression with a linear representation (claim C2, logistic).

Rate only: the transfer term's constant (the task-diversity argument applied
to a non-convex source estimator) is not derived by the project.  The
fine-tuning and confidence parts alone have explicit constants: they are
``finetune-step`` with ``L = 1``.
"""

from __future__ import annotations

from bounds.constants import standard
from bounds.expression import Bound

__all__ = ["ADAPTREP_LOGISTIC", "BOUNDS"]

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

#: Bounds defined in this module.
BOUNDS = (ADAPTREP_LOGISTIC,)
