"""Logistic regression with a linear representation (claims C1, C2 and C7, logistic).

``adaptrep-logistic`` is rate only: the transfer term's constant (the
task-diversity argument applied to a non-convex source estimator) is not
derived by the project.  The fine-tuning and confidence parts alone have
explicit constants: ``finetune-logistic`` is ``finetune-step``'s argument with
the logistic loss (``L = 1``, loss range of width ``R (c_w + delta0)`` on the
class), the perturbation radius in the simulator's units
(``||delta|| <= delta0``) and a Bernstein term for the true predictor as
comparator (well-specified model).

``logistic-erm-certificate`` and ``logistic-gap-certificate`` are
a-posteriori fast-rate certificates (generalised self-concordance of the
logistic loss): deterministic inequalities in per-replicate statistics of the
target sample, the truth and the predictor (the columns ``cert_*`` and
``empirical_gap`` of the ``logistic`` setting).  They decay like ``1/m``, as
the excess risk of a well-specified fit does.

Every constant is project-derived (docs/theory/), none is the paper's.
"""

from __future__ import annotations

from bounds.constants import Constant, standard
from bounds.catalog.linear import _HEAD_SCALE
from bounds.expression import Bound

__all__ = ["ADAPTREP_LOGISTIC", "ADAPTREP_LOGISTIC_E2E", "FINETUNE_LOGISTIC", "LOGISTIC_ERM_CERTIFICATE", "LOGISTIC_GAP_CERTIFICATE",
           "BOUNDS"]

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

#: Width of the logistic loss range on the class, R (c_w + delta0), and log(2/fail_prob) (used by the terms below).
_W = "R*(c_w + delta0)"
_LOG = "log(2/fail_prob)"

FINETUNE_LOGISTIC = Bound(
    name="finetune-logistic",
    statement=(
        "W.p. >= 1 - fail_prob, every f_hat in F = {x -> x^T(B_hat w + delta) : ||w|| <= c_w, "
        "||delta|| <= delta0} (||x|| <= R) with L_m(f_hat) <= L_m(theta*) (e.g. the logistic ERM over a "
        "class containing the truth theta*, ||theta*|| <= c_w + delta0) has excess logistic risk over the "
        "Bayes risk at most 2 R (c_w sqrt(k/d) + delta0)/sqrt(m) + W sqrt(log(2/fail_prob)/(2m)) "
        "+ Min(W sqrt(log(2/fail_prob)/(2m)), sqrt(2 V log(2/fail_prob)/m) + W log(2/fail_prob)/(3m)), "
        "W = R (c_w + delta0), V = Min(14/25, R^2 (c_w + delta0)^2/d)"
    ),
    kind="upper",
    explicit=True,
    assumptions=(
        "B_hat is a fixed orthonormal d x k frame, independent of the m target samples",
        "target samples (x, y) i.i.d., y in {-1, +1}; ||x|| <= R almost surely and "
        "E[x x^T] = (R^2/d) I_d (e.g. x uniform on the sphere of radius R)",
        "well-specified logistic model P(y = 1 | x) = sigmoid(x^T theta*) with ||theta*|| <= c_w + delta0; "
        "the excess risk is L(f_hat) - L(theta*), the excess over the Bayes risk",
        "the predictor lies in F and fits the target sample at least as well as the truth, "
        "L_m(f_hat) <= L_m(theta*) (it does when it is the exact empirical minimiser over a class "
        "that contains theta*, e.g. the oracle's constrained step)",
    ),
    derivation="docs/theory/finetune-logistic.md",
    constants=standard("d", "k", "m", "delta0", "c_w", "R", "fail_prob"),
    terms={
        "finetune": "2*R*(c_w*sqrt(k/d) + delta0)/sqrt(m)",
        "confidence": f"{_W}*sqrt({_LOG}/(2*m))",
        "comparator": (f"Min({_W}*sqrt({_LOG}/(2*m)), "
                       f"sqrt(2*Min(14/25, R**2*(c_w + delta0)**2/d)*{_LOG}/m) + {_W}*{_LOG}/(3*m))"),
    },
    conditions=("k <= d",),
    monotonicity={"m": -1, "d": -1, "k": +1, "delta0": +1, "c_w": +1, "R": +1, "fail_prob": -1},
    references=(
        "finetune-step (one-sided symmetrisation, McDiarmid, Ledoux-Talagrand one-sided contraction)",
        "Bernstein's inequality (Boucheron, Lugosi, Massart 2013, Thm 2.10 and Cor. 2.11); "
        "Hoeffding's inequality",
    ),
    premises=(
        "head_norm <= c_w*(1 + 1e-9)",
        "delta_norm <= delta0*(1 + 1e-9) + 1e-12",
        "target_head_norm + target_perturbation_norm <= (c_w + delta0)*(1 + 1e-9)",
        "empirical_gap <= 0",
    ),
)

#: Per-replicate certificate statistics (names as the simulator's columns; simulations.logistic_certificates).
_CERT = (
    Constant("cert_gnorm2", "g' H_m^{-1} g: squared H_m^{-1}-norm of the empirical gradient at the truth",
             lower=0, lower_open=False, latex_name=r"\hat{\gamma}^{2}"),
    Constant("cert_fisher", "lambda_max(H_m^{-1} H): population over empirical Fisher matrix at the truth",
             lower=0, lower_open=False, latex_name=r"\kappa_{H}"),
    Constant("cert_u", "R ||theta_hat - theta*||: largest |x'(theta_hat - theta*)| over the input sphere",
             lower=0, lower_open=False, latex_name=r"u_{\infty}"),
    Constant("cert_um", "max_i |x_i'(theta_hat - theta*)| over the target sample",
             lower=0, lower_open=False, latex_name=r"u_{m}"),
)
_CERT_VI = Constant("cert_vi", "max(0, <grad L_m(theta_hat), theta_hat - theta*>): variational-inequality residual",
                    lower=0, lower_open=False, latex_name=r"\epsilon_{\mathrm{VI}}")
_GAP = Constant("empirical_gap", "L_m(theta_hat) - L_m(theta*) (per replicate, any sign)",
                lower=-float("inf"), lower_open=True, latex_name=r"\hat{\Delta}_{m}")

#: phi1, phi2, phi3 written without 0/0 and without cancellation, using exp, Max and Min only.  phi1 and
#: phi3 are lower bounds, phi2 an upper bound, as the derivations use them: each is the better of (i) the
#: closed form at Max(a, 1e-3) (phi1, phi3 decrease and phi2 increases, so flooring the argument moves them in
#: the safe direction; at a >= 1e-3 the cancellation error of the numerators is below about 1e-9 relative) and
#: (ii) a Taylor bound that is accurate to O(a^4) for small a and valid for every a >= 0 (integrate
#: e^{-t} >= 1 - t + t^2/2 - t^3/6 and e^t <= 1 + t + t^2/2 + t^3 e^t/6 against ds resp. (1 - s) ds on
#: [0, 1], t = s a).
_PHI1 = "Max(1 - cert_um/2 + cert_um**2/6 - cert_um**3/24, (1 - exp(-Max(cert_um, 1e-3)))/Max(cert_um, 1e-3))"
_PHI2 = ("Min(1/2 + cert_u/6 + cert_u**2/24 + cert_u**3*exp(cert_u)/120, "
         "(exp(Max(cert_u, 1e-3)) - 1 - Max(cert_u, 1e-3))/Max(cert_u, 1e-3)**2)")
_PHI3 = ("Max(1/2 - cert_um/6 + cert_um**2/24 - cert_um**3/120, "
         "(exp(-Max(cert_um, 1e-3)) + Max(cert_um, 1e-3) - 1)/Max(cert_um, 1e-3)**2)")

#: Assumptions shared by the two a-posteriori certificates.
_CERT_SETTING = (
    "well-specified logistic model P(y = 1 | x) = sigmoid(x^T theta*), y in {-1, +1}; the excess "
    "risk is L(theta_hat) - L(theta*), the excess over the Bayes risk",
    "||x|| <= R almost surely (x uniform on the sphere of radius R); m >= d and H_m positive definite",
)

LOGISTIC_ERM_CERTIFICATE = Bound(
    name="logistic-erm-certificate",
    statement=(
        "Well-specified logistic model, ||x|| <= R: for any predictor theta_hat, "
        "L(theta_hat) - L(theta*) <= phi2(cert_u) cert_fisher x^2 with "
        "x = (sqrt(cert_gnorm2) + sqrt(cert_gnorm2 + 4 phi1(cert_um) cert_vi))/(2 phi1(cert_um)), "
        "phi1(a) = (1 - e^-a)/a, phi2(a) = (e^a - 1 - a)/a^2 (deterministic; cert_vi = 0 for an exact "
        "constrained ERM whose class contains theta*)"
    ),
    kind="upper",
    explicit=True,
    assumptions=(
        *_CERT_SETTING,
        "the cert_* statistics are computed exactly from the target sample, the truth and the predictor "
        "(simulations.logistic_certificates), on the subspace V = span(B_hat) when the class and "
        "theta_hat - theta* lie in it (cert_dim = k), else on R^d",
        "no probability: the inequality holds in every replicate for every predictor; the premises "
        "say that the predictor is an exact constrained ERM over a class that contains theta*, "
        "for which cert_vi <= fw_gap L_m(0) (the fast-rate regime)",
    ),
    derivation="docs/theory/logistic-erm-certificate.md",
    constants=_CERT + (_CERT_VI,),
    terms={
        "certificate": (f"({_PHI2})*cert_fisher*((sqrt(cert_gnorm2) + sqrt(cert_gnorm2 + 4*({_PHI1})*cert_vi))"
                        f"/(2*({_PHI1})))**2"),
    },
    monotonicity={"cert_gnorm2": +1, "cert_fisher": +1, "cert_u": +1, "cert_um": +1, "cert_vi": +1},
    references=(
        "Bach (2010), Self-concordant analysis for logistic regression, Electron. J. Statist. 4 "
        "(|l'''| <= l'' and its integrated forms)",
        "Cauchy-Schwarz inequality in the H_m metric; first-order optimality (variational "
        "inequality) of a constrained convex minimiser",
    ),
    premises=(
        "fw_gap <= 1e-8",
        "class_distance <= 1e-9",
        "target_class_distance <= 1e-9",
    ),
)

LOGISTIC_GAP_CERTIFICATE = Bound(
    name="logistic-gap-certificate",
    statement=(
        "Well-specified logistic model, ||x|| <= R: for any predictor theta_hat (e.g. a gradient-descent "
        "iterate), L(theta_hat) - L(theta*) <= phi2(cert_u) cert_fisher x^2 with "
        "x = (sqrt(cert_gnorm2) + sqrt(Max(0, cert_gnorm2 + 4 phi3(cert_um) empirical_gap)))/(2 phi3(cert_um)), "
        "phi3(a) = (e^-a + a - 1)/a^2, phi2(a) = (e^a - 1 - a)/a^2 (deterministic)"
    ),
    kind="upper",
    explicit=True,
    assumptions=(
        *_CERT_SETTING,
        "the cert_* statistics and empirical_gap = L_m(theta_hat) - L_m(theta*) are computed exactly "
        "(simulations.logistic_certificates); no premise on the predictor",
    ),
    derivation="docs/theory/logistic-gap-certificate.md",
    constants=_CERT + (_GAP,),
    terms={
        "certificate": (f"({_PHI2})*cert_fisher*((sqrt(cert_gnorm2) + sqrt(Max(0, cert_gnorm2 + "
                        f"4*({_PHI3})*empirical_gap)))/(2*({_PHI3})))**2"),
    },
    monotonicity={"cert_gnorm2": +1, "cert_fisher": +1, "cert_u": +1, "cert_um": +1, "empirical_gap": +1},
    references=(
        "Bach (2010), Self-concordant analysis for logistic regression, Electron. J. Statist. 4",
        "Taylor's formula with integral remainder; Cauchy-Schwarz inequality in the H_m metric",
    ),
)

#: Bounds defined in this module.
#: Pieces of adaptrep-logistic-e2e (docs/theory/adaptrep-logistic-e2e.md).  Four events of fail_prob/4: the
#: source class's uniform deviation (McDiarmid), the source truth's empirical loss (Bernstein or Hoeffding), the
#: target class's uniform deviation and the target comparator's empirical loss.
_LE_X = "log(4/fail_prob)"
_LE_W = "(R*(c_w + delta0))"                                                  # width of the loss range
_LE_RAD = (f"(Min(c_w*sqrt(k)*R*(sqrt(2*n*Max(T/d, 1)*log(d + T)) + log(d + T)/3)/(n*sqrt(T)), c_w*R/sqrt(n))"
           f" + delta0*R/sqrt(n))")                                           # source Rademacher complexity
_LE_MC = f"({_LE_W}*sqrt({_LE_X}/(2*n*T)))"                                   # source McDiarmid deviation
_LE_CMP = (f"Min({_LE_MC}, sqrt(2*Min(14/25, R**2*(c_w + delta0)**2/d)*{_LE_X}/(n*T))"
           f" + {_LE_W}*{_LE_X}/(3*n*T))")                                     # source truth's deviation
_LE_EPS = f"(2*{_LE_RAD} + {_LE_MC} + {_LE_CMP})"                             # mean source excess risk
_LE_U = "((c_w + delta0)*R*sqrt(3/(d + 2)))"
_LE_PHI = f"(R**2/d*exp(-{_LE_U})/(1 + exp(-{_LE_U}))**2)"                      # curvature lower bound
_LE_FRAME = f"((sqrt(2*T*{_LE_EPS}/{_LE_PHI}) + 2*delta0*sqrt(T))**2/(T*nu))"   # bound on ||P_perp B*||_F^2

ADAPTREP_LOGISTIC_E2E = Bound(
    name="adaptrep-logistic-e2e",
    statement=(
        "ADAPTREP with the logistic loss end to end, inputs uniform on the sphere of radius R, from problem "
        "constants: with probability >= 1 - fail_prob, excess logistic risk <= 2 R (c_w sqrt(k/d) + delta0)/sqrt(m) "
        "+ W sqrt(log(4/p)/(2m)) + Min(W sqrt(log(4/p)/(2m)), R (c_w + delta0) sqrt(2 log(4/p)/(d m)) "
        "+ W log(4/p)/(3m)) + (R^2/(8d)) h^2 Min(1, Phi), W = R (c_w + delta0), Phi = (sqrt(2 T eps/phi) "
        "+ 2 delta0 sqrt(T))^2/(T nu), phi = (R^2/d) sigmoid'((c_w + delta0) R sqrt(3/(d + 2))), eps = 2 Rad "
        "+ McDiarmid + Bernstein terms over the n T source samples (project-derived; a slow rate)"
    ),
    kind="upper",
    explicit=True,
    assumptions=(
        "inputs uniform on the sphere of radius R in every task (||x|| = R, E[x x'] = (R^2/d) I_d), "
        "independent across samples and tasks; target data independent of the sources",
        "well-specified logistic model P(y = 1 | x) = sigmoid(x' theta_t), theta_t = B* w_t + v_t, B* orthonormal, "
        "||v_t|| <= delta0; every source task ||theta_t|| <= c_w + delta0; lambda_min(sum_t w_t w_t'/T) >= nu; "
        "target head norm <= head_scale <= c_w",
        "source step: any frame B_hat (orthonormal), heads ||w_t|| <= c_w and perturbations ||delta_t|| <= delta0 "
        "whose mean source logistic loss is at most the truth's (checked per replicate)",
        "target step: any predictor in {B_hat w + delta : ||w|| <= c_w, ||delta|| <= r}, ||v_0|| <= r <= delta0, "
        "whose target empirical loss is at most that of the frame comparator theta_c (the exact constrained "
        "minimiser has this property; checked per replicate)",
    ),
    derivation="docs/theory/adaptrep-logistic-e2e.md",
    constants=standard("d", "k", "T", "n", "m", "nu", "delta0", "c_w", "R", "fail_prob") + (_HEAD_SCALE,),
    terms={
        "finetune": "2*R*(c_w*sqrt(k/d) + delta0)/sqrt(m)",
        "confidence": f"{_LE_W}*sqrt({_LE_X}/(2*m))",
        "comparator": (f"Min({_LE_W}*sqrt({_LE_X}/(2*m)), "
                       f"R*(c_w + delta0)*sqrt(2*{_LE_X}/(d*m)) + {_LE_W}*{_LE_X}/(3*m))"),
        "representation": f"R**2/(8*d)*head_scale**2*Min(1, {_LE_FRAME})",
    },
    conditions=("k <= d", "head_scale <= c_w"),
    monotonicity={"d": 0, "k": +1, "T": 0, "n": -1, "m": -1, "nu": -1, "delta0": +1, "c_w": +1, "R": +1,
                  "fail_prob": -1, "head_scale": +1},
    references=(
        "McDiarmid's bounded-difference inequality; one-sided symmetrisation; Ledoux & Talagrand (1991) "
        "contraction (the logistic loss is 1-Lipschitz)",
        "Tropp (2015), An Introduction to Matrix Concentration Inequalities, Thm 6.1.1 (rectangular matrix "
        "Bernstein, expectation bound)",
        "Bernstein's inequality (Boucheron, Lugosi, Massart 2013, Thm 2.10); Hoeffding's inequality",
        "Jensen's inequality for the convex map v -> sigmoid'(sqrt(v)) (curvature of the logistic risk on the sphere)",
        "Tripuraneni, Jordan, Jin (2020): task diversity transfers the source error to the frame",
    ),
    premises=(
        "source_fit_excess <= 0",
        "source_head_norm <= c_w*(1 + 1e-9)",
        "source_delta_norm <= delta0*(1 + 1e-9) + 1e-12",
        "source_truth_norm <= (c_w + delta0)*(1 + 1e-9)",
        "head_norm <= c_w*(1 + 1e-9)",
        "ft_head_bound <= c_w*(1 + 1e-12)",
        "ft_radius <= delta0*(1 + 1e-12)",
        "delta_norm <= ft_radius*(1 + 1e-9) + 1e-12",
        "target_perturbation_norm <= ft_radius*(1 + 1e-9) + 1e-12",
        "target_head_norm <= head_scale*(1 + 1e-9)",
        "comparator_gap <= 0",
    ),
)

BOUNDS = (ADAPTREP_LOGISTIC, ADAPTREP_LOGISTIC_E2E, FINETUNE_LOGISTIC, LOGISTIC_ERM_CERTIFICATE, LOGISTIC_GAP_CERTIFICATE)
