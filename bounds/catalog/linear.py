"""Squared-loss linear regression: upper, exact and rate bounds.

Claims C1-C4 and C6.  All excess risks are for Gaussian design with the
noise level ``sigma``; "in-sample" means ``||X (theta_hat - theta)||^2 / m``
on the target design, "population" means ``(theta_hat - theta)^T Sigma
(theta_hat - theta)``.
"""

from __future__ import annotations

from bounds.constants import Constant, standard
from bounds.expression import Bound

__all__ = ["FINETUNE_LINEAR", "ADAPTREP_LINEAR", "ADAPTREP_LINEAR_RATE",
           "FROZENREP_SHARED", "FROZENREP_SHARED_E2E", "ADAPTREP_LINEAR_E2E", "TARGET_ONLY", "ORACLE_HEAD", "HEAD_ONLY_EXACT", "HEAD_ONLY_INSAMPLE",
           "SMOOTHER_CONDITIONAL", "SMOOTHER_CONDITIONAL_INSAMPLE", "BOUNDS"]

_TARGET = (
    "target design X (m x d) with i.i.d. rows N(0, I_d); y = X theta + sigma * noise, "
    "noise ~ N(0, I_m) independent of X",
)

#: Premises shared by the constrained least-squares bounds, checked per replicate.
_LS_PREMISES = (
    "delta_norm <= ft_radius*(1 + 1e-9) + 1e-12",       # the estimate lies in K
    "ft_radius <= delta0*(1 + 1e-12)",                  # K is no larger than the bound's
    "target_perturbation_norm <= ft_radius*(1 + 1e-9) + 1e-12",   # the comparator B_hat w + v is in K
    "fw_gap <= 1e-8",                                   # the exact constrained minimiser
)

#: Per-replicate geometry of the learned frame (simulations.columns), Sigma metric.
_FRAME_CONSTANTS = (
    Constant("resid_trace", "tr((I - Pi)' Sigma (I - Pi)), Pi the Sigma-orthogonal projection onto span(B_hat) "
             "(d - k when Sigma = I)", lower=0, lower_open=False, default="d - k",
             latex_name=r"\operatorname{tr}C"),
    Constant("resid_op", "||(I - Pi)' Sigma (I - Pi)||_op (1 when Sigma = I)", lower=0, lower_open=False,
             default=1.0, latex_name=r"\|C\|"),
)

FINETUNE_LINEAR = Bound(
    name="finetune-linear",
    statement=(
        "Constrained least squares over K = {B_hat w + delta : ||delta|| <= delta0} with "
        "theta in K, Sigma = I: E ||X(theta_hat - theta)||^2/m <= sigma^2 k'/m + "
        "min(sigma^2 min(m - k', d - k), 4 sigma delta0 sqrt((m - k')(d - k)), "
        "4 delta0^2 ((sqrt(m - k') + sqrt(d - k))^2 + 1))/m, k' = min(k, m)"
    ),
    kind="upper",
    explicit=True,
    assumptions=_TARGET + (
        "well-specified: theta = B_hat w + v with ||v|| <= delta0 (e.g. B_hat = B*)",
        "B_hat is a d x k frame independent of the target data",
        "theta_hat is the exact least-squares solution constrained to K",
        "Sigma = I (adaptrep-linear covers any Sigma)",
        "expectation over noise and design; in-sample (fixed-design) risk",
    ),
    derivation="docs/theory/finetune-linear.md",
    constants=standard("d", "k", "m", "sigma", "delta0"),
    terms={
        "head": "sigma**2*Min(k, m)/m",
        "ceiling": "sigma**2*Min(m - Min(k, m), d - k)/m",
        "slow": "4*sigma*delta0*sqrt((m - Min(k, m))*(d - k))/m",
        "diameter": "4*delta0**2*((sqrt(m - Min(k, m)) + sqrt(d - k))**2 + 1)/m",
    },
    value="head + Min(ceiling, slow, diameter)",
    conditions=("k <= d",),
    monotonicity={"m": -1, "d": +1, "k": 0, "sigma": +1, "delta0": +1},
    references=(
        "Pythagoras on col(X B_hat); projection onto a closed convex set; Cauchy-Schwarz; Jensen",
        "Davidson & Szarek (2001), Thm II.13 (E s_max of a Gaussian matrix); Gaussian Poincare inequality",
    ),
    premises=_LS_PREMISES,
)

ADAPTREP_LINEAR = Bound(
    name="adaptrep-linear",
    statement=(
        "Constrained least squares over K = {B_hat w + delta : ||delta|| <= delta0} with a "
        "learned frame B_hat, any Sigma: E ||X(theta_hat - theta)||^2/m <= sigma^2 k'/m + "
        "min((1 - k'/m) rep_error + min(sigma^2 min(m - k', d - k), 4 sigma delta0 sqrt((m - k') tr C))/m, "
        "(2 delta0 sqrt(s2) + sqrt((m - k') rep_error))^2/m), s2 = (sqrt((m - k')||C||) + sqrt(tr C))^2 + ||C||"
    ),
    kind="upper",
    explicit=True,
    assumptions=(
        "target design X (m x d) with i.i.d. rows N(0, Sigma); y = X theta + sigma * noise, "
        "noise ~ N(0, I_m) independent of X",
        "target theta = B* w* + v with ||v|| <= delta0 (any split; v is what the perturbation absorbs)",
        "B_hat (d x k) independent of the target data; conditional on B_hat and theta",
        "rep_error = min_w (B_hat w - B* w*)' Sigma (B_hat w - B* w*) (the simulator's column rep_error)",
        "resid_trace, resid_op: trace and norm of C = (I - Pi)' Sigma (I - Pi) (columns of the same names)",
        "theta_hat is the exact least-squares solution constrained to K",
        "expectation over target noise and design; in-sample (fixed-design) risk",
    ),
    derivation="docs/theory/adaptrep-linear.md",
    constants=standard("d", "k", "m", "sigma", "delta0", "rep_error") + _FRAME_CONSTANTS,
    terms={
        "head": "sigma**2*Min(k, m)/m",
        "representation": "(1 - Min(k, m)/m)*rep_error",
        "ceiling": "sigma**2*Min(m - Min(k, m), d - k)/m",
        "slow": "4*sigma*delta0*sqrt((m - Min(k, m))*resid_trace)/m",
        "diameter": "(2*delta0*sqrt((sqrt((m - Min(k, m))*resid_op) + sqrt(resid_trace))**2 + resid_op)"
                    " + sqrt((m - Min(k, m))*rep_error))**2/m",
    },
    value="head + Min(representation + Min(ceiling, slow), diameter)",
    conditions=("k <= d",),
    monotonicity={"rep_error": +1, "m": 0, "d": +1, "k": 0, "sigma": +1, "delta0": +1,
                  "resid_trace": +1, "resid_op": +1},
    references=(
        "Pythagoras on col(X B_hat); projection onto a closed convex set; Cauchy-Schwarz; Jensen; Minkowski",
        "Gordon (1985) / Chevet: E s_max(G A) <= sqrt(m)||A||_op + ||A||_F; Gaussian Poincare inequality",
    ),
    premises=_LS_PREMISES,
)

ADAPTREP_LINEAR_RATE = Bound(
    name="adaptrep-linear-rate",
    statement=(
        "ADAPTREP end to end (rate, constants not derived): "
        "sigma^2 d/(n T nu) + sigma^2 k/m + min(sigma^2 min(m, d)/m, delta0^2 (1 + sqrt(d/m))^2); "
        "nu = lambda_min(W W^T / T) (about 1/k for unit-norm diverse heads)"
    ),
    kind="rate",
    explicit=False,
    assumptions=(
        "linear model with approximately shared representation, ||v_t|| <= delta0",
        "source heads nu-diverse, nu = lambda_min(sum_t w_t w_t^T / T); target head of norm O(1)",
        "Gaussian design, Sigma = I",
        "source step solved to a global optimum (non-convex: no derived constant)",
    ),
    derivation="docs/theory/adaptrep-linear-rate.md",
    constants=standard("d", "k", "n", "T", "m", "nu", "sigma", "delta0"),
    terms={
        "transfer": "sigma**2*d/(n*T*nu)",
        "head": "sigma**2*k/m",
        "perturbation": "Min(sigma**2*Min(m, d)/m, delta0**2*(1 + sqrt(d/m))**2)",
    },
    conditions=("k <= d",),
    monotonicity={"n": -1, "T": -1, "m": -1, "nu": -1, "d": +1, "k": +1,
                  "sigma": +1, "delta0": +1},
    references=("Chua, Lei, Lee (2021), rate as read by the project",
                "Du, Hu, Kakade, Lee, Lei (ICLR 2021): the transfer term's normalisation"),
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

#: Target head norm bound (the linear settings' ``head_scale``: the target head has exactly this norm).
_HEAD_SCALE = Constant("head_scale", "bound on the target head norm ||w_0|| (the setting's head_scale)",
                       latex_name=r"h")

#: Phi of frozenrep-shared-e2e, the bound on ||P_perp B*||_F^2 (docs/theory/frozenrep-shared-e2e.md):
#: 8 k sigma^2 S^2 (sqrt(d) + sqrt(T) + t_G)^2 / (s^4 T nu), S, s = sqrt(n) +- (sqrt(d) + t_n).
_E2E_PHI = ("8*k*sigma**2*(sqrt(n) + sqrt(d) + sqrt(2*log(6*T/fail_prob)))**2"
            "*(sqrt(d) + sqrt(T) + sqrt(2*log(3/fail_prob)))**2"
            "/((sqrt(n) - sqrt(d) - sqrt(2*log(6*T/fail_prob)))**4*T*nu)")

FROZENREP_SHARED_E2E = Bound(
    name="frozenrep-shared-e2e",
    statement=(
        "FROZENREP end to end, exactly shared representation, Sigma = I, from problem constants: with "
        "probability >= 1 - fail_prob, excess risk <= h^2 min(1, Phi) + (h^2 min(1, Phi) + sigma^2) "
        "(sqrt(k) + t_m)^2/(sqrt(m) - sqrt(k) - t_m)^2, Phi = 8 k sigma^2 S^2 (sqrt(d) + sqrt(T) + t_G)^2/"
        "(s^4 T nu), S, s = sqrt(n) +- (sqrt(d) + t_n) (project-derived)"
    ),
    kind="upper",
    explicit=True,
    assumptions=(
        "delta0 = 0: theta_t = B* w_t exactly; Sigma = I: design rows N(0, I_d) in every task",
        "y = X theta + sigma * noise, noise N(0, I) independent of X; target data independent of the sources",
        "source heads with lambda_min(sum_t w_t w_t^T / T) >= nu; target head norm <= head_scale",
        "source step: any frame B_hat and heads whose source objective is at most the truth's "
        "(the basic inequality; checked per replicate as source_fit_excess <= 0)",
        "target step: head-only least squares on B_hat (m > k)",
        "n > (sqrt(d) + sqrt(2 log(6 T/fail_prob)))^2 and sqrt(m) > sqrt(k) + sqrt(2 log(6/fail_prob))",
    ),
    derivation="docs/theory/frozenrep-shared-e2e.md",
    constants=standard("d", "k", "T", "n", "m", "sigma", "nu", "fail_prob") + (_HEAD_SCALE,),
    terms={
        "representation": f"head_scale**2*Min(1, {_E2E_PHI})",
        "head": f"(head_scale**2*Min(1, {_E2E_PHI}) + sigma**2)"
                "*(sqrt(k) + sqrt(2*log(6/fail_prob)))**2/(sqrt(m) - sqrt(k) - sqrt(2*log(6/fail_prob)))**2",
    },
    conditions=("k <= d", "sqrt(n) > sqrt(d) + sqrt(2*log(6*T/fail_prob))",
                "sqrt(m) > sqrt(k) + sqrt(2*log(6/fail_prob))"),
    monotonicity={"d": +1, "k": +1, "n": -1, "T": 0, "m": -1, "sigma": +1, "nu": -1, "head_scale": +1,
                  "fail_prob": -1},
    references=(
        "basic inequality of least squares; Cauchy-Schwarz; Pythagoras",
        "Davidson & Szarek (2001) Thm II.13 with Gaussian concentration: singular values of Gaussian matrices",
        "Sudakov-Fernique comparison and Gaussian concentration (Tsirelson-Ibragimov-Sudakov) for ||G||_op",
        "Laurent & Massart (2000): chi-square upper tail",
    ),
    premises=("source_fit_excess <= 1e-12", "delta0 <= 0", "target_head_norm <= head_scale*(1 + 1e-9)",
              "ft_radius <= 0", "fw_gap <= 1e-8"),
)

#: Pieces of adaptrep-linear-e2e (docs/theory/adaptrep-linear-e2e.md); the failure probability is split into
#: six events of fail_prob/6: the 2T source singular-value events, ||G||_op, the chi-square of the source noise
#: on the designs' ranges, and the target's s_min(X_0 B_hat), chi-square on col(X_0 B_hat) and ||G_0||_op.
_AE_TN = "sqrt(2*log(12*T/fail_prob))"
_AE_T6 = "sqrt(2*log(6/fail_prob))"
_AE_S = f"(sqrt(n) + sqrt(d) + {_AE_TN})"
_AE_s2 = f"(sqrt(n) - sqrt(d) - {_AE_TN})**2"
_AE_G = f"(sqrt(2*k)*{_AE_S}*(sqrt(d) + sqrt(T) + {_AE_T6}))"           # bound on sqrt(2k) ||G||_op
_AE_GAMMA = f"(2*delta0*sqrt(T)*{_AE_S}*(sqrt(d*T) + {_AE_T6}))"          # bound on sum_t g_t' c_t
_AE_ALPHA = f"(2*sigma*{_AE_G}/{_AE_s2})"
_AE_BETA = f"(2*sigma*(2*delta0*sqrt(T)*{_AE_G} + {_AE_GAMMA})/{_AE_s2})"
_AE_D = f"(({_AE_ALPHA} + sqrt({_AE_ALPHA}**2 + 4*{_AE_BETA}))/2)"          # bound on sqrt(sum_t ||Delta_t||^2)
_AE_PHI = f"(({_AE_D} + 2*delta0*sqrt(T))**2/(T*nu))"                      # bound on ||P_perp B*||_F^2
_AE_U = f"(head_scale*Min(1, sqrt({_AE_PHI})) + delta0)"                   # bound on ||P_perp theta_0||

ADAPTREP_LINEAR_E2E = Bound(
    name="adaptrep-linear-e2e",
    statement=(
        "ADAPTREP end to end (constrained form, radius r <= delta0), Sigma = I, from problem constants: with "
        "probability >= 1 - fail_prob, excess risk <= (u + delta0)^2 + (sqrt(u^2 + sigma^2)(sqrt(k) + t) + "
        "delta0 (sqrt(k) + sqrt(d - k) + t))^2/(sqrt(m) - sqrt(k) - t)^2, u = h min(1, sqrt(Phi)) + delta0, "
        "Phi = (D + 2 delta0 sqrt(T))^2/(T nu), D the root of s^2 D^2 = 2 sigma (g (D + 2 delta0 sqrt(T)) + Gamma) "
        "(project-derived; exactly shared tasks are delta0 = 0)"
    ),
    kind="upper",
    explicit=True,
    assumptions=(
        "Sigma = I: design rows N(0, I_d) in every task; y = X theta + sigma * noise, noise N(0, I) independent "
        "of X; target data independent of the sources",
        "theta_t = B* w_t + v_t with ||v_t|| <= delta0 (sources and target); lambda_min(sum_t w_t w_t^T / T) >= nu; "
        "target head norm <= head_scale",
        "source step: any frame B_hat, heads and perturbations ||delta_t|| <= delta0 whose source objective is at "
        "most the truth's (the basic inequality; checked per replicate)",
        "target step: any perturbation ||delta|| <= delta0 with the least-squares head given it (the exact "
        "constrained minimiser has this property)",
        "n > (sqrt(d) + sqrt(2 log(12 T/fail_prob)))^2 and sqrt(m) > sqrt(k) + sqrt(2 log(6/fail_prob))",
    ),
    derivation="docs/theory/adaptrep-linear-e2e.md",
    constants=standard("d", "k", "T", "n", "m", "sigma", "nu", "delta0", "fail_prob") + (_HEAD_SCALE,),
    terms={
        "representation": f"({_AE_U} + delta0)**2",
        "head": f"(sqrt({_AE_U}**2 + sigma**2)*(sqrt(k) + {_AE_T6}) + delta0*(sqrt(k) + sqrt(d - k) + {_AE_T6}))**2"
                f"/(sqrt(m) - sqrt(k) - {_AE_T6})**2",
    },
    conditions=("k <= d", f"sqrt(n) > sqrt(d) + {_AE_TN}", f"sqrt(m) > sqrt(k) + {_AE_T6}"),
    monotonicity={"d": +1, "k": 0, "n": -1, "T": 0, "m": -1, "sigma": +1, "nu": -1, "delta0": +1,
                  "head_scale": +1, "fail_prob": -1},
    references=(
        "basic inequality of least squares; Cauchy-Schwarz; Minkowski; Pythagoras",
        "Davidson & Szarek (2001) Thm II.13 with Gaussian concentration: singular values of Gaussian matrices",
        "Sudakov-Fernique comparison and Gaussian concentration (Tsirelson-Ibragimov-Sudakov) for ||G||_op",
        "Laurent & Massart (2000): chi-square upper tail",
        "Tripuraneni, Jordan, Jin (2020): task diversity transfers the source error to the frame",
    ),
    premises=("source_fit_excess <= 1e-12", "source_delta_norm <= delta0*(1 + 1e-9) + 1e-12",
              "ft_radius <= delta0*(1 + 1e-12)", "delta_norm <= ft_radius*(1 + 1e-9) + 1e-12",
              "target_perturbation_norm <= delta0*(1 + 1e-9) + 1e-12",
              "target_head_norm <= head_scale*(1 + 1e-9)", "fw_gap <= 1e-8"),
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

_HEAD_BIAS = Constant("head_bias", "min_w (B_hat w - theta)' Sigma (B_hat w - theta): approximation error of "
                      "span(B_hat) for the whole target (per replicate)", lower=0, lower_open=False,
                      latex_name=r"b_{\hat B}")
_HEAD_PREMISES = ("ft_radius <= 0", "fw_gap <= 1e-8")

HEAD_ONLY_EXACT = Bound(
    name="head-only-exact",
    statement=(
        "Least squares in span(B_hat) of a frame independent of the target data, Gaussian design, any Sigma: "
        "E[excess risk | B_hat, theta] = head_bias + (sigma^2 + head_bias) k/(m - k - 1) exactly"
    ),
    kind="exact",
    explicit=True,
    assumptions=(
        "design rows i.i.d. N(0, Sigma), Sigma positive definite; y = x' theta + sigma * noise, noise N(0, 1) "
        "independent of x",
        "B_hat (d x k, rank k) and theta independent of the target design and noise",
        "theta_hat = B_hat (X B_hat)^+ y (head-only least squares); m > k + 1",
        "population excess risk, expectation over the target design and noise",
    ),
    derivation="docs/theory/head-only-exact.md",
    constants=standard("k", "m", "sigma") + (_HEAD_BIAS,),
    terms={"bias": "head_bias", "variance": "(sigma**2 + head_bias)*k/(m - k - 1)"},
    conditions=("m > k + 1",),
    monotonicity={"k": +1, "m": -1, "sigma": +1, "head_bias": +1},
    references=("Sigma-orthogonal decomposition; mean of the inverse Wishart distribution",),
    premises=_HEAD_PREMISES,
)

HEAD_ONLY_INSAMPLE = Bound(
    name="head-only-insample",
    statement=(
        "Least squares in span(B_hat), in-sample: E[||X(theta_hat - theta)||^2/m | B_hat, theta] = "
        "sigma^2 k'/m + (1 - k'/m) head_bias exactly, k' = min(k, m)"
    ),
    kind="exact",
    explicit=True,
    assumptions=(
        "design rows i.i.d. N(0, Sigma); y = x' theta + sigma * noise, noise N(0, 1) independent of x",
        "B_hat (d x k, rank k) and theta independent of the target design and noise",
        "theta_hat = B_hat (X B_hat)^+ y (head-only least squares)",
        "in-sample (fixed-design) excess risk, expectation over the target design and noise",
    ),
    derivation="docs/theory/head-only-insample.md",
    constants=standard("k", "m", "sigma") + (_HEAD_BIAS,),
    terms={"variance": "sigma**2*Min(k, m)/m", "bias": "(1 - Min(k, m)/m)*head_bias"},
    monotonicity={"m": 0, "k": 0, "sigma": +1, "head_bias": +1},
    references=("Pythagoras on col(X B_hat); independence of Gaussian projections",),
    premises=_HEAD_PREMISES,
)

#: Per-replicate exact expectations of a linear smoother's risks (simulations.conditional).
_EXPECTED = (
    Constant("expected_excess", "E[excess_risk | design, frame, target] of the linear smoother theta_hat = M y "
             "(per replicate, reference formula)", lower=0, lower_open=False,
             latex_name=r"\mathbb{E}[\mathcal{R} \mid X]"),
    Constant("expected_insample", "E[insample_risk | design, frame, target] of the linear smoother "
             "(per replicate, reference formula)", lower=0, lower_open=False,
             latex_name=r"\mathbb{E}[\hat{\mathcal{R}} \mid X]"),
)

SMOOTHER_CONDITIONAL = Bound(
    name="smoother-conditional",
    statement=(
        "A linear smoother theta_hat = M y (M a function of the design and of what the sources gave): "
        "E[excess risk | X] = ||Sigma^(1/2) (MX - I) theta||^2 + sigma^2 tr(M' Sigma M) exactly"
    ),
    kind="exact",
    explicit=True,
    assumptions=(
        "y = X theta + sigma * noise, noise ~ N(0, I_m) independent of X, of the frame and of theta "
        "(any noise with identity covariance suffices)",
        "the learner's target step is the linear smoother M its declared estimator defines: least squares on the "
        "target (M = X^+), head-only least squares (M = B_hat (X B_hat)^+) or s steps of gradient descent from "
        "the head fit with the squared loss and no head bound (simulations.conditional)",
        "population excess risk (theta_hat - theta)' Sigma (theta_hat - theta), expectation over the noise only",
    ),
    derivation="docs/theory/smoother-conditional.md",
    constants=_EXPECTED[:1],
    terms={"expected": "expected_excess"},
    monotonicity={"expected_excess": +1},
    references=("bias-variance decomposition of a linear estimator (E[eps' A eps] = tr A)",),
    premises=("smoother_residual <= 1e-8",),
)

SMOOTHER_CONDITIONAL_INSAMPLE = Bound(
    name="smoother-conditional-insample",
    statement=(
        "A linear smoother theta_hat = M y, in-sample: E[||X(theta_hat - theta)||^2/m | X] = "
        "||X(MX - I) theta||^2/m + sigma^2 ||X M||_F^2/m exactly"
    ),
    kind="exact",
    explicit=True,
    assumptions=SMOOTHER_CONDITIONAL.assumptions[:2] + (
        "in-sample excess risk ||X(theta_hat - theta)||^2/m, expectation over the noise only",),
    derivation="docs/theory/smoother-conditional-insample.md",
    constants=_EXPECTED[1:],
    terms={"expected": "expected_insample"},
    monotonicity={"expected_insample": +1},
    references=("bias-variance decomposition of a linear estimator (E[eps' A eps] = tr A)",),
    premises=("smoother_residual <= 1e-8",),
)

#: Bounds defined in this module.
BOUNDS = (FINETUNE_LINEAR, ADAPTREP_LINEAR, ADAPTREP_LINEAR_RATE, FROZENREP_SHARED, FROZENREP_SHARED_E2E,
          ADAPTREP_LINEAR_E2E,
          TARGET_ONLY, ORACLE_HEAD, HEAD_ONLY_EXACT, HEAD_ONLY_INSAMPLE, SMOOTHER_CONDITIONAL,
          SMOOTHER_CONDITIONAL_INSAMPLE)
