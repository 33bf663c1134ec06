"""Fine-tuning a two-layer ReLU network around a fixed first layer (C1/C2).

The class is ``x -> w^T relu((W_hat + Delta) x)`` with ``||w|| <= c_w`` and
``||Delta||_F <= delta0``; its Rademacher complexity is split into the frozen
features and the perturbation, the latter bounded with Maurer's
vector-contraction inequality (which costs a factor ``sqrt(width)``).
``adaptrep-network-rate`` is the end-to-end ADAPTREP bound for the network,
rate only (the transfer term's constants are not derived).
"""

from __future__ import annotations

from bounds.constants import standard
from bounds.expression import Bound

__all__ = ["NETWORK_FINETUNE", "ADAPTREP_NETWORK_RATE", "BOUNDS"]

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

ADAPTREP_NETWORK_RATE = Bound(
    name="adaptrep-network-rate",
    statement=(
        "ADAPTREP for two-layer ReLU networks of width k (rate, constants not derived): "
        "(1/nu)(sqrt(kd/(nT)) + sqrt(k/n) + delta0 sqrt(kd/n)) + sqrt(k/m) + delta0 sqrt(kd/m) "
        "+ sqrt(log(2/fail_prob)/m)"
    ),
    kind="rate",
    explicit=False,
    assumptions=(
        "two-layer ReLU networks w^T relu((W + Delta) x) of width k, ||Delta_t||_F <= delta0, "
        "norm-bounded heads and first layers; isotropic inputs with E||x||^2 = d",
        "nu-diverse source heads; Lipschitz loss",
        "source and target steps solved to global optima",
        "explicit constants exist only for the fine-tuning step with a fixed first layer "
        "(network-finetune)",
    ),
    derivation="docs/theory/adaptrep-network-rate.md",
    constants=standard("d", "k", "n", "T", "m", "nu", "delta0", "fail_prob"),
    terms={
        "transfer": "(sqrt(k*d/(n*T)) + sqrt(k/n) + delta0*sqrt(k*d/n))/nu",
        "finetune": "sqrt(k/m) + delta0*sqrt(k*d/m)",
        "confidence": "sqrt(log(2/fail_prob)/m)",
    },
    conditions=("k <= d",),
    monotonicity={"n": -1, "T": -1, "m": -1, "nu": -1, "fail_prob": -1,
                  "d": +1, "k": +1, "delta0": +1},
    references=("Chua, Lei, Lee (2021), network instantiation as read by the project",
                "Maurer (2016); Tripuraneni, Jordan, Jin (NeurIPS 2020)"),
)

#: Bounds defined in this module.
BOUNDS = (NETWORK_FINETUNE, ADAPTREP_NETWORK_RATE)
