"""Optional per-replicate columns of the Monte Carlo frame, with what each one means.

Every row of :func:`simulations.run_monte_carlo` carries every column named
here; a setting or learner that does not produce one leaves it NaN.  The
verification layer may use any of them in a bound or a premise (they are
evaluated per replicate), so each is documented once, here.

Groups:

* diagnostics of particular settings and learners (``zero_one_excess`` ...
  ``gd_steps``);
* the learned predictor and its declared class
  (:class:`simulations.learners.base.FineTuningClass`): ``head_norm`` ...
  ``ft_head_bound``, and the target truth's ``target_head_norm``,
  ``target_perturbation_norm``;
* trivial baselines of the learner's class (``baseline_excess``,
  ``baseline_insample``): what the bounds' vacuity is judged against;
* geometry of the learner's class at the target (``head_bias`` ...
  ``resid_op``), the optimality certificate ``fw_gap``, the exact conditional
  expectations of linear-smoother risks (``expected_excess``,
  ``expected_insample``) and the worst-case-target diagnostics of
  ``linear-hard`` (``target_capture`` ... ``perturbation_floor``);
* the ingredients of the logistic a-posteriori certificates
  (``cert_*``, ``logistic`` setting).
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = ["OPTIONAL_COLUMNS", "EXTRA_COLUMNS"]

OPTIONAL_COLUMNS = MappingProxyType({
    # -- diagnostics of particular settings and learners
    "zero_one_excess": "0-1 excess risk of the sign classifier (classification settings)",
    "risk_se": "standard error of a test-sample risk estimate (0 when the risk is exact)",
    "empirical_gap": "target empirical loss of the predictor minus that of the truth",
    "head_constraint_active": "whether ||w|| = c_w at the target solution",
    "gd_radius": "eta s G: the radius s gradient steps of size eta with gradients <= G can reach",
    "grad_bound": "G, the largest gradient norm along the gradient-descent path",
    "displacement": "||u_s - u_0||, how far gradient descent moved the fine-tuning parameters",
    "gd_steps": "s, the number of gradient steps on the target",
    # -- the learned predictor and its declared class
    "head_norm": "||w_hat|| of the adapted head (NaN without a head)",
    "delta_norm": "||delta_hat|| of the adapted perturbation (Frobenius for a network layer; NaN without one)",
    "ft_radius": "radius r of the learner's declared fine-tuning class (inf: unconstrained)",
    "ft_head_bound": "head-norm bound c_w of the learner's declared class (inf: unconstrained)",
    "target_head_norm": "||w*|| of the target task's head",
    "target_perturbation_norm": "||v|| of the target task's perturbation (Frobenius for networks)",
    "source_fit_excess": "F(B_hat, W_hat) - F(B*, W*, V*): the learner's source objective minus the source "
                         "objective at the truth, F = (1/(T n)) sum_t ||y_t - X_t theta_t||^2 (linear settings, "
                         "learners with a source fit; <= 0 is the basic inequality of an ERM analysis), "
                         "recomputed from the learner's stored source predictors B_hat w_hat_t + delta_hat_t; "
                         "logistic settings: the same with the mean logistic loss (1/(T n)) sum log(1 + exp(-y x'theta))",
    "source_delta_norm": "max_t ||delta_hat_t||: the largest source perturbation of the learner's source fit "
                         "(0 for a frozen fit; linear and logistic settings)",
    "source_head_norm": "max_t ||w_hat_t||: the largest source head of the learner's source fit (logistic settings)",
    "source_truth_norm": "max_t ||theta*_t||: the largest source task of the truth (logistic settings)",
    "comparator_gap": "target empirical logistic loss of the predictor minus that of the frame comparator "
                      "theta_c = Q Q' a + proj_r(theta* - Q Q' a) (a = B* w*, Q the learner's frame, r its radius; "
                      "logistic settings; <= 0 for the exact minimiser over a class containing theta_c)",
    "comparator_fit_excess": "the learner's source objective (recomputed, as source_fit_excess) minus the frozen "
                             "objective of the setting's comparator frame with least-squares heads (linear-hard: "
                             "the bottom block E_bot); <= 0: the fit is at least as good as the comparator",
    "head_imbalance": "max(||U U'/T - I/k||, ||V V'/T - I/k||, ||U V'/T||) of the hard case's source head "
                      "directions u_t, v_t (0: exactly balanced; linear-hard)",
    # -- trivial baselines: the largest excess risk found among trivial members of the class
    "baseline_excess": "trivial baseline of excess_risk: the zero predictor's, or, for bounded or Lipschitz "
                       "losses, the largest excess risk among the class's extreme witnesses",
    "baseline_insample": "trivial baseline of insample_risk (as baseline_excess, on the target design)",
    # -- geometry of the class at the target (linear settings), certificates
    "head_bias": "min_w (B_hat w - theta)' Sigma (B_hat w - theta): approximation error of span(B_hat) for the "
                 "whole target",
    "class_bias": "approximation error of the learner's declared class for the target (Sigma metric): a lower "
                  "bound on the excess risk of every member of the class",
    "resid_trace": "tr((I - Pi)' Sigma (I - Pi)), Pi the Sigma-orthogonal projection onto span(B_hat)",
    "resid_op": "||(I - Pi)' Sigma (I - Pi)||_op",
    "fw_gap": "relative optimality gap of the target predictor for its declared problem on the target sample "
              "(0 at the exact empirical minimiser; computed independently of the learner's solver)",
    "expected_excess": "E[excess_risk | design, frame, target] for learners that are linear smoothers "
                       "theta_hat = M y (exact reference formula)",
    "expected_insample": "E[insample_risk | design, frame, target] for linear smoothers (exact reference formula)",
    "smoother_residual": "||theta_hat - M y|| / ||M y||: distance of the learner's predictor from the reference "
                         "linear smoother its declared estimator defines (0 up to rounding when they agree)",
    "target_capture": "||P_Bhat a|| / ||a||: how much of the target's shared direction a the learner's frame "
                      "captures (linear-hard)",
    "capture_floor": "sigma_min(Q' B*): the least capture any unit direction of span(B*) can have",
    "perturbation_capture": "||P_Bhat b|| / ||b|| for the target's perturbation direction b (linear-hard)",
    "perturbation_floor": "sigma_min(Q' E_bot): the least capture of any direction of the bottom block",
    # -- ingredients of the logistic a-posteriori certificates (logistic setting, sphere inputs, m >= d)
    "cert_gnorm2": "g' H_m^{-1} g: g the target empirical gradient at the truth, H_m the empirical Fisher matrix there",
    "cert_fisher": "lambda_max(H_m^{-1/2} H H_m^{-1/2}), H the population Fisher matrix at the truth",
    "cert_u": "R ||theta_hat - theta*||: the largest |x'(theta_hat - theta*)| over the input sphere",
    "cert_um": "max_i |x_i'(theta_hat - theta*)| over the target sample",
    "cert_vi": "max(0, -<grad L_m(theta_hat), theta* - theta_hat>): the variational-inequality residual at the truth",
    "cert_dim": "dimension of the subspace V the cert_* columns are computed in: d, or k when the class and Delta lie in "
                "span(B_hat) (then g, H_m, H are restricted to V)",
    "class_distance": "Euclidean distance of the predictor theta_hat from the learner's declared class (0: in the class)",
    "target_class_distance": "Euclidean distance of the target truth theta* from the learner's declared class "
                             "(0: the class contains the truth)",
})

#: Names of the optional columns, in frame order.
EXTRA_COLUMNS: tuple[str, ...] = tuple(OPTIONAL_COLUMNS)
