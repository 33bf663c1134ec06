"""Fine-tuning a two-layer ReLU network around a fixed first layer (C1/C2).

The class is ``x -> w^T relu((W_hat + Delta) x)`` with ``||w|| <= c_w`` and
``||Delta||_F <= delta0``; its Rademacher complexity is split into the frozen
features and the perturbation, the latter bounded with Maurer's
vector-contraction inequality (which costs a factor ``sqrt(width)``).
"""

from __future__ import annotations

from bounds.constants import standard
from bounds.expression import Bound

__all__ = ["NETWORK_FINETUNE", "BOUNDS"]

NETWORK_FINETUNE = Bound(
    name="network-finetune",
    statement=(
        "W.p. >= 1 - fail_prob, ERM over {x -> w^T relu((W_hat + Delta) x) : ||w|| <= c_w, "
        "||Delta||_F <= delta0} has excess risk over the best member at most "
        "4 L c_w R_phi/sqrt(m) + 16 L c_w delta0 R sqrt(width/m) + b sqrt(2 log(2/fail_prob)/m)"
    ),
    kind="upper",
    explicit=True,
    assumptions=(
        "W_hat (width x d) fixed, independent of the m target samples",
        "||x|| <= R and ||relu(W_hat x)|| <= R_phi almost surely (R_phi = ||W_hat||_op R "
        "suffices)",
        "loss L-Lipschitz in the prediction with values in [0, b]",
        "the learner is an exact empirical risk minimiser over the class",
    ),
    derivation="docs/theory/network-finetune.md",
    constants=standard("m", "width", "delta0", "L", "b", "c_w", "R", "R_phi", "fail_prob"),
    terms={
        "head": "4*L*c_w*R_phi/sqrt(m)",
        "perturbation": "16*L*c_w*delta0*R*sqrt(width/m)",
        "confidence": "b*sqrt(2*log(2/fail_prob)/m)",
    },
    monotonicity={"m": -1, "width": +1, "delta0": +1, "L": +1, "b": +1, "c_w": +1,
                  "R": +1, "R_phi": +1, "fail_prob": -1},
    references=(
        "Maurer (2016), A vector-contraction inequality for Rademacher complexities",
        "Bartlett & Mendelson (2002); Ledoux & Talagrand (1991)",
    ),
)

#: Bounds defined in this module.
BOUNDS = (NETWORK_FINETUNE,)
