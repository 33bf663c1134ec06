"""Fine-tuning a two-layer ReLU network around a fixed first layer (C1/C2).

The class is ``x -> w^T relu((W_hat + Delta) x)`` with ``||w|| <= c_w`` and
``||Delta||_F <= delta0``; its Rademacher complexity is split into the frozen
features and the perturbation, the latter bounded with Maurer's
vector-contraction inequality (which costs a factor ``sqrt(width)``); the
factor in front of the Rademacher complexity is 2 (one-sided symmetrisation and
Talagrand's one-sided contraction).  ``adaptrep-network-rate`` is the
end-to-end ADAPTREP bound for the network, rate only (the transfer term's
constants are not derived).  ``network-head-exact`` and
``network-head-exact-test`` are the exact conditional expectations of the
head-only least-squares step (the simulator's columns ``expected_insample``,
``expected_excess``, :mod:`simulations.network_reference`).
"""

from __future__ import annotations

from bounds.constants import Constant, standard
from bounds.expression import Bound

__all__ = ["NETWORK_FINETUNE", "NETWORK_HEAD_EXACT", "NETWORK_HEAD_EXACT_TEST", "ADAPTREP_NETWORK_RATE", "BOUNDS"]

#: ``R_phi`` enters only through Jensen's inequality, so a root-mean-square bound suffices.
_R_PHI = Constant("R_phi", "bound on the root-mean-square frozen feature norm sqrt(E||relu(W_hat x)||^2) "
                  "(||W_hat||_op R suffices)", latex_name=r"R_{\phi}")

NETWORK_FINETUNE = Bound(
    name="network-finetune",
    statement=(
        "W.p. >= 1 - fail_prob, ERM over {x -> w^T relu((W_hat + Delta) x) : ||w|| <= c_w, "
        "||Delta||_F <= delta0} has excess risk over the best member at most "
        "2 L c_w R_phi/sqrt(m) + 8 L c_w delta0 R sqrt(width/m) + b sqrt(2 log(2/fail_prob)/m)"
    ),
    kind="upper",
    explicit=True,
    assumptions=(
        "W_hat (width x d) fixed, independent of the m target samples",
        "||x|| <= R almost surely and E||relu(W_hat x)||^2 <= R_phi^2 (R_phi = ||W_hat||_op R "
        "suffices)",
        "loss L-Lipschitz in the prediction, with values in an interval of length b on the "
        "class and at the comparator (e.g. [0, b])",
        "the learner is an exact empirical risk minimiser over the class (otherwise add its "
        "empirical gap to a fixed comparator, see the derivation page)",
    ),
    derivation="docs/theory/network-finetune.md",
    constants=standard("m", "width", "delta0", "L", "b", "c_w", "R", "R_phi", "fail_prob",
                       R_phi=_R_PHI),
    terms={
        "head": "2*L*c_w*R_phi/sqrt(m)",
        "perturbation": "8*L*c_w*delta0*R*sqrt(width/m)",
        "confidence": "b*sqrt(2*log(2/fail_prob)/m)",
    },
    monotonicity={"m": -1, "width": +1, "delta0": +1, "L": +1, "b": +1, "c_w": +1,
                  "R": +1, "R_phi": +1, "fail_prob": -1},
    references=(
        "Maurer (2016), A vector-contraction inequality for Rademacher complexities, Cor. 1",
        "Ledoux & Talagrand (1991), Thm 4.12 (one-sided comparison); Mohri, Rostamizadeh, "
        "Talwalkar (2018), Lemma 5.7 (Talagrand's contraction lemma)",
        "Bartlett & Mendelson (2002)",
    ),
    premises=(
        "head_norm <= c_w*(1 + 1e-9)",                    # the predictor's head is in the class
        "delta_norm <= delta0*(1 + 1e-9) + 1e-12",        # ...and so is its perturbation
    ),
)

#: Premises of the exact head-only formulas: the head ball does not bind, the step is head-only.
_HEAD_EXACT_PREMISES = (
    "head_norm < ft_head_bound*(1 - 1e-9)",
    "ft_radius <= 0",
)
_HEAD_EXACT_ASSUMPTIONS = (
    "squared loss; target labels y = f*(x) + sigma*noise, noise ~ N(0, 1) i.i.d., independent of "
    "the inputs, the first layer and the target",
    "head-only step on a fixed first layer W (k x d): w_hat = argmin_{||w|| <= c_w} ||y - Phi w||^2, "
    "Phi = relu(X W^T) (m x k) of full column rank",
    "the head constraint does not bind (||w_hat|| < c_w), so w_hat = Phi^+ y; claims should take "
    "c_w large (e.g. 100 head_scale) to make binding negligible",
    "expectation over the target noise only, given the design, the test inputs, W and f*",
)

NETWORK_HEAD_EXACT = Bound(
    name="network-head-exact",
    statement=(
        "Head-only least squares on a fixed first layer, head constraint not binding: "
        "E[insample_risk | design, W, f*] = ||(I - P) f||^2/m + sigma^2 rank(Phi)/m exactly "
        "(P = Phi Phi^+, f = f*(X)); the column expected_insample"
    ),
    kind="exact",
    explicit=True,
    assumptions=_HEAD_EXACT_ASSUMPTIONS,
    derivation="docs/theory/network-head-exact.md",
    constants=(Constant("expected_insample", "E[insample_risk | design, W, f*] of the head-only least-squares "
                        "step (per-replicate column)", lower=0, lower_open=False,
                        latex_name=r"\bar{\mathcal{E}}_{\mathrm{in}}"),),
    terms={"expected": "expected_insample"},
    monotonicity={"expected_insample": +1},
    references=("linear smoother algebra (projection onto range(Phi))",),
    premises=_HEAD_EXACT_PREMISES,
)

NETWORK_HEAD_EXACT_TEST = Bound(
    name="network-head-exact-test",
    statement=(
        "Head-only least squares on a fixed first layer, head constraint not binding: "
        "E[excess_risk | design, test inputs, W, f*] = mean_j (phi_j^T Phi^+ f - f*(x_j))^2 "
        "+ sigma^2 ||Phi_test Phi^+||_F^2/N exactly; the column expected_excess"
    ),
    kind="exact",
    explicit=True,
    assumptions=_HEAD_EXACT_ASSUMPTIONS + (
        "excess_risk is the mean of (f_hat - f*)^2 over N test inputs drawn independently of the noise",),
    derivation="docs/theory/network-head-exact-test.md",
    constants=(Constant("expected_excess", "E[excess_risk | design, test inputs, W, f*] of the head-only "
                        "least-squares step (per-replicate column)", lower=0, lower_open=False,
                        latex_name=r"\bar{\mathcal{E}}_{\mathrm{test}}"),),
    terms={"expected": "expected_excess"},
    monotonicity={"expected_excess": +1},
    references=("linear smoother algebra",),
    premises=_HEAD_EXACT_PREMISES,
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
BOUNDS = (NETWORK_FINETUNE, ADAPTREP_NETWORK_RATE, NETWORK_HEAD_EXACT, NETWORK_HEAD_EXACT_TEST)
