"""Built-in claims: the paper's linear results (NOTES.md section 5, C1-C6).

Each claim references a bound registered in :mod:`bounds` by name (the claim's
``bound`` is the registered bound's expression, ``bound_name`` its name and
``derivation`` the page of its derivation) or, for separations, states the
ratio it asserts.  ``quick`` is sized for pull requests (well under 60 s on
two cores), ``full`` for a thorough run (more replicates, wider sweeps).

:func:`selftest_claims` returns pairs of twins for the verifier's self-test:
a correct claim (must pass) and a deliberately wrong one (must fail).
"""

from __future__ import annotations

from .claims import Claim

__all__ = ["PROFILES", "builtin_claims", "selftest_claims", "registered_bound"]

PROFILES = ("quick", "full")

LINEAR = dict(k=2, T=10, n=50, sigma=1.0)
#: linear-hard, worst-case target: 20 source tasks, m = 40 (d swept).
LINEAR_HARD = dict(LINEAR, T=20, m=40)
#: linear-hard with a Gaussian target: 20 source tasks (d and m swept).
LINEAR_HARD_GAUSSIAN = dict(LINEAR, T=20, target="gaussian")
#: Premises of a worst-case target on linear-hard: it attains the least capture of the learner's frame.
WORST_CASE = ("target_capture <= capture_floor + 1e-9", "perturbation_capture <= perturbation_floor + 1e-9")
#: The class-bias lower bound needs the predictor in the declared class (and its exact minimiser is not needed).
CLASS_PREMISES = ("delta_norm <= ft_radius*(1 + 1e-9) + 1e-12",)
#: The learner's target predictor lies in its declared class and is the exact minimiser it declares.
IN_CLASS = ("delta_norm <= ft_radius*(1 + 1e-9) + 1e-12", "head_norm <= ft_head_bound*(1 + 1e-9)")
ERM = IN_CLASS + ("fw_gap <= 1e-8",)
#: The source fit reached its stopping rule (claims about what a learner's source step finds).
CONVERGED = ("converged >= 1",)
#: linear-hard at the sizes of the authors' simulation, d = 50 and 100 with k = 4, 5, T = d, n = d + 100
#: (NOTES.md section 4), on the frames' largest principal angle: the fields the C5 paper-size claims share.
PAPER_SIZES = dict(setting="linear-hard", risk="sin_theta_max", params=dict(sigma=1.0, m=40),
                   derived=dict(k="3 + d/50", T="d", n="d + 100"), sweep=dict(d=[50, 100]), reps=30,
                   covers=("C5",), kind="empirical", premises=CONVERGED)
#: Gradient-descent fine-tuning moves the perturbation by at most eta s G (C7).
GD_PREMISES = ("delta_norm <= gd_radius*(1 + 1e-9) + 1e-12", "displacement <= gd_radius*(1 + 1e-9) + 1e-12",
               "smoother_residual <= 1e-8")
#: Logistic claims: d = 10, k = 2, head norm 1, head bound c_w = 2 (the setting's default).
LOGISTIC = dict(d=10, k=2, T=2, n=2)
#: gd-radius-observed with the logistic loss (L = 1, loss log 2 at 0) and a grid reaching 1e-3 * 2^40.
GD_LOGISTIC = dict(L=1, b0="log(2)", r_min=1e-3, J=40)
#: Network claims: width k = 2, d = 6, heads of norm 2, noise 0.5, 2000 test inputs.
NETWORK = dict(d=6, k=2, T=10, n=50, sigma=0.5, head_scale=2.0, test_size=2000)
NETWORK_HARD = dict(k=2, T=10, n=60, sigma=0.5, head_scale=2.0, test_size=2000)
#: network-hard at k = 4 with the setting's defaults (sigma 0.5, head_scale 2: the hard regime), m = 250 >= the
#: regime's 1.06 k (d + 1) up to d = 58 (docs/network.md); full profile.
NETWORK_HARD_K4 = dict(k=4, T=20, n=150, m=250, test_size=2000)


def _network_c1() -> dict:
    """network-finetune with the logistic loss, plus the empirical gap and 4 test-sample SEs."""
    # b = log(1 + exp(z)) = z + log(1 + exp(-z)), z = c_w R (1 + delta0) >= 0 (no overflow)
    b = registered_bound("network-finetune", L=1,
                         b="c_w*R*(1 + delta0) + log(1 + exp(-c_w*R*(1 + delta0)))", width="k", R_phi="R")
    return dict(b, bound=f"{b['bound']} + empirical_gap + 4*risk_se")


def registered_bound(name: str, *, premises: tuple[str, ...] | None = None, **fixed) -> dict:
    """``bound``, ``bound_name``, ``derivation`` and ``premises`` fields of a registered bound.

    ``fixed`` substitutes constants of the bound that are not simulator
    parameters by numbers or expressions (e.g. ``L=1, b0="log(2)"`` for the
    logistic loss), in the bound and in its premises; the claim's statement
    should say so.  ``premises`` replaces the bound's own premises (for a
    learner some of them do not apply to, e.g. one without a head); the
    replacement must still cover every premise the derivation needs.
    """
    from bounds import get_bound  # lazy: bounds may be absent while developing

    from .claims import fixed_expression

    b = get_bound(name)
    expr = fixed_expression(b, fixed)
    texts = tuple(b.premises if premises is None else premises)
    if fixed:
        texts = tuple(_substitute_premise(t, fixed) for t in texts)
    return {"bound": str(expr), "bound_name": name, "bound_fixed": {k: str(v) for k, v in fixed.items()},
            "derivation": getattr(b, "derivation", "") or "", "premises": texts}


def _substitute_premise(text: str, fixed: dict) -> str:
    """``text`` with every name in ``fixed`` replaced by its value (as a parenthesised expression)."""
    import re

    return re.sub(r"\b(" + "|".join(map(re.escape, fixed)) + r")\b",
                  lambda m: f"({fixed[m.group(1)]})", text)


def _wrong_twin(bound: str) -> dict:
    """``bound``, ``bound_name`` and ``derivation`` fields of a self-test's wrong twin.

    Parameters
    ----------
    bound : str
        The deliberately wrong bound expression.

    Returns
    -------
    dict
        The bound, no registered bound name, and ``"(wrong twin)"`` as the
        derivation.
    """
    return {"bound": bound, "bound_name": None, "derivation": "(wrong twin)"}


def _premises_of(name: str) -> tuple[str, ...]:
    """The registered bound's own premises (to extend them for one claim)."""
    from bounds import get_bound  # lazy, as in registered_bound
    return tuple(get_bound(name).premises)


def _size(profile: str, quick, full):
    return quick if profile == "quick" else full


def _gd_observed() -> dict:
    """gd-radius-observed with the logistic loss at the observed displacement, and the radius eta s G checked."""
    b = registered_bound("gd-radius-observed", gd_radius="displacement", **GD_LOGISTIC)
    return dict(b, premises=tuple(dict.fromkeys(b["premises"] + GD_PREMISES[:2])))


def builtin_claims(profile: str = "quick") -> list[Claim]:
    """The built-in claims of ``profile`` ("quick" or "full")."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
    q = profile == "quick"
    network_c1 = _network_c1()
    GD_OBSERVED = _gd_observed()
    claims = [
        # ---------------------------------------------------------------- C1
        Claim(
            id="c1-finetune-oracle",
            statement="C1: constrained least squares over the fine-tuning class of the true frame has "
                      "in-sample excess risk <= finetune-linear; at d = 100, delta0 = 0.1 its perturbation "
                      "term (the diameter branch) is the active one",
            setting="linear", learner="oracle", check="upper-mean", risk="insample_risk",
            params=dict(LINEAR),
            sweep=dict(d=[20, 100], m=[20, 100] if q else [20, 50, 100, 200],
                       delta0=[0.0, 0.1] if q else [0.0, 0.05, 0.1, 0.2]),
            reps=_size(profile, 100, 400), covers=("C1",), **registered_bound("finetune-linear")),
        # ---------------------------------------------------------------- C2
        Claim(
            id="c2-adaptrep-linear",
            statement="C2 (and C4: delta0 = sqrt(k/d)): ADAPTREP's in-sample target excess risk <= "
                      "adaptrep-linear, with its learned frame's rep_error per replicate (heads of norm 1.5: "
                      "with norm 1 the zero predictor's risk, about 1.1, is not above the bound at d = 20, m = 20)",
            setting="linear", learner="adaptrep", check="upper-mean", risk="insample_risk",
            params=dict(LINEAR, T=20, head_scale=1.5), derived=dict(delta0="sqrt(k/d)"),
            sweep=dict(d=[10, 20], m=[20, 80] if q else [20, 40, 80, 160]),
            reps=_size(profile, 25, 200), covers=("C2", "C4"), **registered_bound("adaptrep-linear")),
        Claim(
            id="c2-adaptrep-linear-hard",
            statement="C2 on the hard case (Sigma = diag(eps I, I), worst-case targets): ADAPTREP's in-sample "
                      "excess risk <= adaptrep-linear with its frame's rep_error, tr C and ||C|| per replicate",
            setting="linear-hard", learner="adaptrep", check="upper-mean", risk="insample_risk",
            params=dict(LINEAR, T=100, d=20), sweep=dict(m=[40, 160] if q else [40, 80, 160, 320]),
            reps=_size(profile, 25, 150), covers=("C2", "C5"), **registered_bound("adaptrep-linear")),
        # ---------------------------------------------------------------- C3
        Claim(
            id="c3-target-only-exact",
            statement="C3: least squares on the target alone has E excess risk = sigma^2 d/(m - d - 1) exactly, "
                      "for any input covariance (checked on the hard case's Sigma = diag(eps I, I))",
            setting="linear-hard", learner="target-only", check="exact",
            params=dict(LINEAR, T=2, n=2, d=10, target="random"),
            sweep=dict(m=[30, 80] if q else [20, 30, 50, 80, 160]),
            reps=_size(profile, 800, 4000), covers=("C3",), **registered_bound("target-only")),
        Claim(
            id="c3-oracle-head-exact",
            statement="C3: least squares in the true k-dimensional subspace (delta0 = 0) has E excess risk = "
                      "sigma^2 k/(m - k - 1) exactly, for any input covariance (hard case's Sigma)",
            setting="linear-hard", learner="oracle", check="exact",
            params=dict(LINEAR, T=2, n=2, d=10, delta0=0.0, target="random"),
            sweep=dict(m=[20] if q else [6, 10, 20, 40, 80]),
            reps=_size(profile, 800, 4000), covers=("C3", "C1"), **registered_bound("oracle-head")),
        Claim(
            id="c3-oracle-head-rate-m",
            statement="C3: with the true frame and delta0 = 0 the excess risk decays "
                      "like sigma^2 k/(m - k - 1) in m (exact exponent, tolerance 0.1)",
            setting="linear", learner="oracle", check="rate", tol=0.1,
            params=dict(LINEAR, d=20, delta0=0.0),
            sweep=dict(m=[10, 20, 40, 80] if q else [8, 16, 32, 64, 128, 256, 512]),
            reps=_size(profile, 150, 1000), covers=("C3",), **registered_bound("oracle-head")),
        Claim(
            id="c3-target-only-rate-m",
            statement="C3: target-only least squares decays like sigma^2 d/(m - d - 1) in m (tolerance 0.1)",
            setting="linear", learner="target-only", check="rate", tol=0.1,
            params=dict(LINEAR, d=10),
            sweep=dict(m=[25, 40, 80, 160] if q else [15, 25, 40, 80, 160, 320]),
            reps=_size(profile, 250, 1000), covers=("C3",), **registered_bound("target-only")),
        Claim(
            id="c3-frozenrep-rate-T",
            statement="C3/C6: with delta0 = 0, FROZENREP's excess risk (m large) decays "
                      "like sigma^2 (dk/(nT) + k/m) in the number of source tasks T",
            setting="linear", learner="frozenrep", check="rate",
            params=dict(k=2, n=40, sigma=1.0, d=10, m=2000, delta0=0.0),
            sweep=dict(T=[5, 10, 20] if q else [5, 10, 20, 40, 80]),
            reps=_size(profile, 40, 300), covers=("C3", "C6"), **registered_bound("frozenrep-shared")),
        Claim(
            id="c3-frozenrep-conditional",
            statement="C3: FROZENREP's head-only target step is a linear smoother: its mean excess risk equals "
                      "the exact conditional expectation given the design, its learned frame and the target",
            setting="linear", learner="frozenrep", check="exact",
            params=dict(LINEAR, d=10, delta0=0.3), sweep=dict(m=[20, 80] if q else [10, 20, 40, 80, 160]),
            reps=_size(profile, 100, 400), covers=("C3",), **registered_bound("smoother-conditional")),
        Claim(
            id="c3-frozenrep-conditional-insample",
            statement="C3: the same for FROZENREP's in-sample risk on the hard case (worst-case target, "
                      "Sigma = diag(eps I, I))",
            setting="linear-hard", learner="frozenrep", check="exact", risk="insample_risk",
            params=dict(LINEAR, d=20, T=40, m=40), reps=_size(profile, 60, 300), covers=("C3", "C5"),
            **registered_bound("smoother-conditional-insample")),
        # ---------------------------------------------------------------- C4
        Claim(
            id="c4-target-only-grows-d",
            statement="C4: target-only excess risk grows like sigma^2 d/(m - d - 1) in d at fixed m",
            setting="linear", learner="target-only", check="rate", tol=0.1,
            params=dict(LINEAR, m=100),
            sweep=dict(d=[5, 10, 20, 40] if q else [5, 10, 20, 40, 60]),
            reps=_size(profile, 250, 1000), covers=("C4",), **registered_bound("target-only")),
        Claim(
            id="c4-adaptrep-flat-d",
            statement="C4: with delta0 = sqrt(k/d), ADAPTREP's excess risk at fixed m, k is nearly flat in d: "
                      "the slope of log risk on log d lies in [-0.3, 0.3] (target-only's is about 1)",
            derivation="NOTES.md section 3 (the target term is of order sqrt(k/m) when delta0 ~ sqrt(k/d)); "
                       "empirical tolerance",
            setting="linear", learner="adaptrep", check="exponent", along="d", exponent=(-0.3, 0.3),
            bound="1", params=dict(LINEAR, T=20, m=40), derived=dict(delta0="sqrt(k/d)"),
            sweep=dict(d=[10, 20, 40] if q else [10, 20, 40, 60]),
            reps=_size(profile, 30, 150), premises=ERM, covers=("C4",), kind="empirical"),
        # ---------------------------------------------------------------- C5
        Claim(
            id="c5-representation-hard",
            statement="C5: on the hard case (T = 100 tasks) ADAPTREP's frame is close to B* and FROZENREP's "
                      "nearly orthogonal to it: E sin(theta_max) of ADAPTREP <= 1/2 of FROZENREP's",
            derivation="NOTES.md section 4 (the frozen objective prefers the perturbation block); empirical",
            setting="linear-hard", learner="adaptrep", versus="frozenrep", check="separation",
            risk="sin_theta_max", bound="1/2", params=dict(LINEAR_HARD, T=100, d=20),
            reps=_size(profile, 30, 100), covers=("C5",), kind="empirical", premises=CONVERGED,
            seed_key="hard-adaptrep-frozenrep"),
        *([] if q else [
            Claim(
                id="c5-representation-paper-sizes",
                statement="C5 at the sizes of the authors' simulation (d = 50, k = 4, T = 50, n = 150 and "
                          "d = 100, k = 5, T = 100, n = 200): E sin(theta_max) of ADAPTREP's frame (the largest "
                          "principal angle to B*) <= 1/2 of FROZENREP's",
                derivation="NOTES.md sections 4 and 5 (sizes of the authors' simulation); empirical ratio",
                learner="adaptrep", versus="frozenrep", check="separation", bound="1/2", **PAPER_SIZES),
            Claim(
                id="c5-frozenrep-orthogonal-paper-sizes",
                statement="C5 at the authors' sizes: FROZENREP's frame is nearly orthogonal to B*: "
                          "E sin(theta_max) >= 0.9",
                derivation="NOTES.md section 4 (the frozen objective prefers the perturbation block); empirical",
                learner="frozenrep", check="lower-mean", bound="0.9", **PAPER_SIZES),
            Claim(
                id="c5-adaptrep-close-paper-sizes",
                statement="C5 at the authors' sizes: ADAPTREP's frame is close to B*: E sin(theta_max) <= 0.6",
                derivation="NOTES.md section 4; empirical",
                learner="adaptrep", check="upper-mean", bound="0.6", **PAPER_SIZES),
        ]),
        Claim(
            id="c5-separation-hard",
            statement="C5: on the hard case (worst-case target against each learner's own frame) ADAPTREP's "
                      "mean excess risk is at most half of FROZENREP's (head-only target step)",
            derivation="NOTES.md section 4; class-bias (FROZENREP's risk >= its class's bias); empirical ratio",
            setting="linear-hard", learner="adaptrep", versus="frozenrep", check="separation", bound="1/2",
            params=dict(LINEAR_HARD, T=100), sweep=dict(d=[20] if q else [20, 40]),
            reps=_size(profile, 30, 100), covers=("C5",), kind="empirical", premises=CONVERGED + WORST_CASE,
            seed_key="hard-adaptrep-frozenrep"),
        Claim(
            id="c5-separation-hard-finetune",
            statement="C5: ADAPTREP beats every frozen-based procedure, including FROZENREP's frame with the full "
                      "(w, delta) fine-tuning target step, each at the worst-case target against its own frame: "
                      "mean excess risk ratio <= 1/2",
            derivation="NOTES.md section 4; class-bias; empirical ratio",
            setting="linear-hard", learner="adaptrep", versus="frozenrep", check="separation", bound="1/2",
            learner_params={"frozenrep": {"target_step": "finetune"}},
            params=dict(LINEAR_HARD, T=100), sweep=dict(d=[20] if q else [20, 40]),
            reps=_size(profile, 30, 100), covers=("C5",), kind="empirical", premises=CONVERGED + WORST_CASE),
        Claim(
            id="c5-frozen-class-bias",
            statement="C5: every head-only predictor on FROZENREP's learned frame has excess risk >= the "
                      "approximation error of span(B_hat) at the worst-case target (class-bias), in every replicate",
            setting="linear-hard", learner="frozenrep", check="lower-always",
            params=dict(LINEAR_HARD, T=100), sweep=dict(d=[20] if q else [20, 40]),
            reps=_size(profile, 30, 100), covers=("C5",),
            **registered_bound("class-bias", premises=CLASS_PREMISES + WORST_CASE)),
        Claim(
            id="c5-frozen-finetune-class-bias",
            statement="C5: fine-tuning (w, delta) on FROZENREP's learned frame cannot beat the approximation error "
                      "of its fine-tuning class {B_hat w + delta : ||delta|| <= delta0} at the worst-case target",
            setting="linear-hard", learner="frozenrep", check="lower-always",
            learner_params={"frozenrep": {"target_step": "finetune"}},
            params=dict(LINEAR_HARD, T=100), sweep=dict(d=[20] if q else [20, 40]),
            reps=_size(profile, 30, 100), covers=("C5",),
            **registered_bound("class-bias", premises=CLASS_PREMISES + WORST_CASE)),
        Claim(
            id="c5-frozen-lower-e2e",
            statement="C5 end to end: on the hard case with balanced source heads and n samples per task (drawn as "
                      "sufficient statistics), FROZENREP's learned frame is provably close to the bottom block, so "
                      "every head-only predictor on it, at the worst-case target, has excess risk at least "
                      "frozen-lower-e2e, a bound from the problem constants alone, w.p. >= 1 - fail_prob "
                      "(project-derived constants)",
            setting="linear-hard", learner="frozenrep", check="lower-whp",
            params=dict(k=2, T=20, m=20, sigma=1.0, delta0=1.0, heads="balanced", source_data="statistics",
                        fail_prob=0.05),
            sweep=dict(d=[10], n=[10 ** 8, 10 ** 10]) if q else dict(d=[10, 20, 50], n=[10 ** 8, 10 ** 9, 10 ** 10]),
            reps=_size(profile, 30, 100), covers=("C5",),
            **registered_bound("frozen-lower-e2e", premises=_premises_of("frozen-lower-e2e") + WORST_CASE)),
        Claim(
            id="c5-target-only-lower-bayes",
            statement="C5: on the hard case with a Gaussian target, target-only least "
                      "squares (which ignores the sources) stays above the Bayes lower bound",
            setting="linear-hard", learner="target-only", check="lower-mean",
            params=dict(LINEAR_HARD_GAUSSIAN),
            sweep=dict(d=[10, 20] if q else [10, 20, 40], m=[40] if q else [30, 40, 80]),
            reps=_size(profile, 100, 500), covers=("C5",), **registered_bound("frozen-lower-bayes")),
        # ---------------------------------------------------------------- C6
        Claim(
            id="c6-frozenrep-level",
            statement="C6: with an exactly shared representation (delta0 = 0), FROZENREP's mean excess risk is "
                      "at most 2 sigma^2 (dk/(nT) + k/m) (a stated constant: empirical)",
            derivation="docs/theory/frozenrep-shared.md (rate); the constant 2 is empirical",
            setting="linear", learner="frozenrep", check="upper-mean", bound="2*sigma**2*(d*k/(n*T) + k/m)",
            params=dict(k=2, n=50, sigma=1.0, d=10, delta0=0.0), sweep=dict(T=[10, 40], m=[20, 80]) if q else
            dict(T=[10, 20, 40], m=[20, 40, 80, 160]),
            reps=_size(profile, 40, 200), premises=ERM, covers=("C6",), kind="empirical"),
        Claim(
            id="c6-frozenrep-e2e",
            statement="C6 end to end: with an exactly shared representation (delta0 = 0, Sigma = I, unit-norm "
                      "diverse heads: nu = head_scale^2/k), FROZENREP's excess risk is at most frozenrep-shared-e2e, "
                      "a bound from the problem constants alone, w.p. >= 1 - fail_prob (project-derived constants)",
            setting="linear", learner="frozenrep", check="upper-whp",
            params=dict(k=2, T=50 if q else 200, sigma=0.5, delta0=0.0, fail_prob=0.05),
            derived=dict(n="200*d"),
            sweep=dict(d=[10], m=[100, 200]) if q else dict(d=[10, 20], m=[100, 400]),
            reps=_size(profile, 30, 100), covers=("C6",),
            **registered_bound("frozenrep-shared-e2e", nu="head_scale**2/k",
                               premises=_premises_of("frozenrep-shared-e2e") + ("head_condition <= 1",))),
        Claim(
            id="c2-adaptrep-e2e",
            statement="C2 end to end: ADAPTREP (constrained form, radius delta0) on tasks that share a frame exactly "
                      "(delta0 = 0) or approximately (delta0 = 0.02 h), Sigma = I, diverse heads (nu = head_scale^2/k): "
                      "its excess risk is at most adaptrep-linear-e2e, a bound from the problem constants alone, "
                      "w.p. >= 1 - fail_prob (project-derived constants)",
            setting="linear", learner="adaptrep", check="upper-whp",
            params=dict(k=2, T=50 if q else 200, sigma=0.5, fail_prob=0.05),
            derived=dict(n="200*d"),
            sweep=dict(d=[10], m=[100, 200], delta0=[0.0, 0.02]) if q else
            dict(d=[10, 20], m=[100, 400], delta0=[0.0, 0.02]),
            reps=_size(profile, 30, 60), covers=("C2",),
            **registered_bound("adaptrep-linear-e2e", nu="head_scale**2/k",
                               premises=_premises_of("adaptrep-linear-e2e") + ("head_condition <= 1",))),
        Claim(
            id="c6-adaptrep-radius-0-exact",
            statement="C6: ADAPTREP with fine-tuning radius 0 is head-only least squares on its learned frame: "
                      "its mean excess risk equals head_bias + (sigma^2 + head_bias) k/(m - k - 1)",
            setting="linear", learner="adaptrep", check="exact",
            params=dict(LINEAR, d=10, delta0=0.0), sweep=dict(m=[20, 80] if q else [10, 20, 40, 80, 160]),
            reps=_size(profile, 100, 1000), covers=("C6",), **registered_bound("head-only-exact")),
        Claim(
            id="c6-adaptrep-positive-radius",
            statement="C6: on exactly shared tasks (delta0 = 0), ADAPTREP with a positive fine-tuning radius "
                      "(0.1, source and target) stays within a factor 2 of FROZENREP's mean excess risk",
            derivation="docs/theory/frozenrep-shared.md; the factor 2 is empirical",
            setting="linear", learner="adaptrep", versus="frozenrep", check="separation", bound="2",
            learner_params={"adaptrep": {"radius": 0.1}},
            params=dict(LINEAR, d=10, delta0=0.0), sweep=dict(m=[20, 80] if q else [20, 40, 80, 160]),
            reps=_size(profile, 30, 150), premises=ERM, covers=("C6",), kind="empirical"),
        # ---------------------------------------------------------------- C7 (linear)
        Claim(
            id="c7-gd-finetune-linear-exact",
            statement="C7: s = 10 gradient steps on (w, delta) from ADAPTREP's learned frame (squared loss) move "
                      "delta by at most eta s G, and the iterate's mean excess risk equals its exact conditional "
                      "expectation (a linear smoother of the target labels)",
            setting="linear", learner="gd-finetune", check="exact",
            params=dict(LINEAR, d=10, T=10, delta0=0.3), sweep=dict(m=[40] if q else [10, 20, 40, 80, 160]),
            reps=_size(profile, 80, 400), covers=("C7",),
            **registered_bound("smoother-conditional", premises=GD_PREMISES)),
        Claim(
            id="c7-maml-linear-exact",
            statement="C7 for MAML (beyond the paper): after exact second-order MAML, the gradient steps on the "
                      "target are a linear smoother; mean excess risk = its exact conditional expectation",
            setting="linear", learner="maml", check="exact",
            params=dict(LINEAR, d=10, T=10, delta0=0.3), sweep=dict(m=[40] if q else [20, 40, 80]),
            learner_params={"maml": {"max_iter": 100}},
            reps=_size(profile, 60, 300), covers=("C7",),
            **registered_bound("smoother-conditional", premises=GD_PREMISES)),
        # ------------------------------------------------- C1-C3, logistic
        Claim(
            id="c1-finetune-logistic",
            statement="C1 (logistic): with inputs uniform on the sphere of radius R = sqrt(d), "
                      "the constrained logistic fine-tuning step on the true frame has excess "
                      "risk <= finetune-logistic w.p. >= 1 - fail_prob",
            setting="logistic", learner="oracle", check="upper-whp",
            params=dict(LOGISTIC, inputs="sphere", fail_prob=0.05),
            sweep=dict(m=[500, 1000] if q else [400, 1000, 2000, 4000],
                       delta0=[0.0, 0.5] if q else [0.0, 0.25, 0.5, 1.0]),
            reps=_size(profile, 30, 200), covers=("C1",), **registered_bound("finetune-logistic")),
        Claim(
            id="c1-logistic-erm-certificate",
            statement="C1 (logistic, fast rate): the exact constrained logistic ERM on the true frame obeys the "
                      "a-posteriori self-concordance certificate logistic-erm-certificate in every replicate",
            setting="logistic", learner="oracle", check="upper-always",
            params=dict(LOGISTIC, inputs="sphere"),
            sweep=dict(m=[200, 1000] if q else [200, 500, 1000, 4000], delta0=[0.0, 0.5]),
            reps=_size(profile, 30, 100), covers=("C1",), **registered_bound("logistic-erm-certificate")),
        Claim(
            id="c1-logistic-target-only-certificate",
            statement="Reference (logistic): norm-constrained logistic regression on the target alone obeys "
                      "logistic-erm-certificate in every replicate",
            setting="logistic", learner="target-only", check="upper-always",
            params=dict(LOGISTIC, inputs="sphere", delta0=0.5), sweep=dict(m=[200, 1000] if q else [200, 1000, 4000]),
            reps=_size(profile, 30, 100), covers=("C1",), **registered_bound("logistic-erm-certificate")),
        Claim(
            id="c2-adaptrep-logistic-e2e",
            statement="C2 end to end (logistic): ADAPTREP (constrained form, radius delta0) on tasks sharing a "
                      "frame exactly (delta0 = 0, quick profile) or approximately (delta0 = 0.02), n = 10^4 d, inputs uniform on the sphere "
                      "of radius R = sqrt(d), equal-norm balanced heads (nu = head_scale^2/k, c_w = head_scale): "
                      "its excess logistic risk is at most adaptrep-logistic-e2e, a bound from the problem "
                      "constants alone, w.p. >= 1 - fail_prob (project-derived constants; a slow rate)",
            setting="logistic", learner="adaptrep", check="upper-whp",
            params=dict(k=1, T=10 if q else 20, inputs="sphere", heads="balanced", head_scale=1.0, c_w=1.0,
                        m=100000, fail_prob=0.05),
            derived=dict(n="10000*d"),
            sweep=dict(d=[3], delta0=[0.0, 0.02]) if q else dict(d=[3, 5], delta0=[0.02]),
            reps=20, covers=("C2",),
            **registered_bound("adaptrep-logistic-e2e", nu="head_scale**2/k",
                               premises=_premises_of("adaptrep-logistic-e2e") + ("head_condition <= 1",))),
        Claim(
            id="c2-adaptrep-logistic-rate-m",
            statement="C2 (logistic, rate only): ADAPTREP's excess risk decays in the target "
                      "sample size m at least as fast as adaptrep-logistic (end to end, "
                      "Gaussian inputs with E||x||^2 = d)",
            setting="logistic", learner="adaptrep", check="rate-at-least",
            params=dict(LOGISTIC, T=20, n=100, fail_prob=0.05),
            sweep=dict(m=[25, 100, 400] if q else [25, 50, 100, 200, 400]),
            reps=_size(profile, 20, 100), covers=("C2",), **registered_bound("adaptrep-logistic", premises=ERM)),
        Claim(
            id="c3-adaptrep-logistic-rate-n",
            statement="C3 (logistic, rate only): ADAPTREP's excess risk decays in the source "
                      "sample size n at least as fast as adaptrep-logistic",
            setting="logistic", learner="adaptrep", check="rate-at-least",
            params=dict(d=10, k=2, T=10, m=200, fail_prob=0.05),
            sweep=dict(n=[25, 50, 100, 200] if q else [25, 50, 100, 200, 400]),
            reps=_size(profile, 20, 100), covers=("C3",), **registered_bound("adaptrep-logistic", premises=ERM)),
        # ---------------------------------------------------------------- C7
        Claim(
            id="c7-gd-finetune-logistic",
            statement="C7: s = 20 steps of gradient descent (step 1/beta) from ADAPTREP's learned frame (T = 20, "
                      "n = 100) move the parameters by at most eta s G, and the iterate's excess risk obeys "
                      "gd-radius-observed at the radius it actually used (its displacement; logistic loss, "
                      "L = 1, b0 = log 2; grid r_min = 1e-3, J = 40) w.p. >= 1 - fail_prob",
            setting="logistic", learner="gd-finetune", check="upper-whp",
            params=dict(LOGISTIC, T=20, n=100, inputs="sphere", delta0=0.0, fail_prob=0.05),
            sweep=dict(m=[2000] if q else [2000, 4000, 8000]),
            learner_params={"gd-finetune": {"steps": 20}},
            reps=_size(profile, 30, 200), covers=("C7",), **GD_OBSERVED),
        Claim(
            id="c7-gd-logistic-gap-certificate",
            statement="C7 (fast rate): gradient-descent fine-tuning (20 steps from the head fit on the true frame) "
                      "obeys logistic-gap-certificate in every replicate, and moves by at most eta s G",
            setting="logistic", learner="gd-finetune", check="upper-always",
            params=dict(LOGISTIC, inputs="sphere", delta0=0.0), sweep=dict(m=[200, 1000] if q else [200, 1000, 4000]),
            learner_params={"gd-finetune": {"steps": 20, "source": "oracle"}},
            reps=_size(profile, 30, 100), covers=("C7",),
            **registered_bound("logistic-gap-certificate", premises=GD_PREMISES[:2])),
        # ------------------------------------------------- C1-C3, network
        Claim(
            id="c1-finetune-network",
            statement="C1 (network): fine-tuning (w, Delta) of the true first layer W* (logistic loss, inputs on "
                      "the sphere of radius sqrt(d), heads of norm 2 = c_w, delta0 = 0.05) has excess risk <= "
                      "network-finetune (L = 1, b = log(1 + exp(c_w R (1 + delta0))), width = k, R_phi = R) + "
                      "empirical gap w.p. >= 1 - fail_prob; the test-sample estimate counts as a violation only "
                      "beyond 4 standard errors",
            setting="network", learner="oracle", check="upper-whp",
            params=dict(NETWORK, head_scale=2.0, c_w=2.0, loss="logistic", inputs="sphere", delta0=0.05,
                        fail_prob=0.05),
            sweep=dict(m=[4000] if q else [2000, 4000, 8000, 16000]),
            reps=_size(profile, 30, 200), covers=("C1",), **network_c1),
        Claim(
            id="c1-network-head-exact",
            statement="C1 (network, reference): least squares over the head on the true first layer (radius 0, "
                      "squared loss, misspecified by the target's perturbation Delta, delta0 = 0.3) has mean "
                      "test-sample excess risk equal to its exact conditional expectation",
            setting="network", learner="oracle", check="exact",
            params=dict(NETWORK, delta0=0.3, c_w=200.0), sweep=dict(m=[40, 160] if q else [20, 40, 80, 160, 320]),
            learner_params={"oracle": {"radius": 0.0}},
            reps=_size(profile, 60, 300), covers=("C1",), **registered_bound("network-head-exact-test")),
        Claim(
            id="c2-adaptrep-network-rate-m",
            statement="C2 (network, rate only): ADAPTREP's excess risk (squared loss) decays in m "
                      "at least as fast as adaptrep-network-rate",
            setting="network", learner="adaptrep", check="rate-at-least",
            params=dict(NETWORK, delta0=0.3, fail_prob=0.05),
            sweep=dict(m=[40, 160, 640] if q else [20, 40, 80, 160, 320, 640]),
            reps=_size(profile, 20, 100), covers=("C2",), **registered_bound("adaptrep-network-rate", premises=IN_CLASS)),
        Claim(
            id="c3-adaptrep-network-rate-n",
            statement="C3 (network, rate only): with an exactly shared first layer (delta0 = 0), "
                      "ADAPTREP's excess risk decays in the source sample size n at least as fast "
                      "as adaptrep-network-rate",
            setting="network", learner="adaptrep", check="rate-at-least",
            params=dict(d=6, k=2, T=10, sigma=0.5, head_scale=2.0, test_size=2000, m=200,
                        delta0=0.0, fail_prob=0.05),
            sweep=dict(n=[25, 100, 400] if q else [25, 50, 100, 200, 400]),
            reps=_size(profile, 20, 100), covers=("C3",), **registered_bound("adaptrep-network-rate", premises=IN_CLASS)),
        # ---------------------------------------------------------------- C8
        Claim(
            id="c8-network-hard-separation",
            statement="C8: on the nonlinear hard case ADAPTREP's mean excess risk is at most half "
                      "of FROZENREP's (the frozen objective tilts the shared layer towards the "
                      "perturbation directions)",
            derivation="simulations/settings/network_hard.py (construction); docs/network.md",
            setting="network-hard", learner="adaptrep", versus="frozenrep",
            check="separation", bound="1/2",
            params=dict(NETWORK_HARD, m=40),
            sweep=dict(d=[7] if q else [7, 10, 14]),
            reps=_size(profile, 20, 100), premises=IN_CLASS, covers=("C8",), kind="empirical"),
        Claim(
            id="c8-network-hard-frozen-fails",
            statement="C8: on the nonlinear hard case FROZENREP does no better than training the "
                      "network on the target alone (target-only / frozenrep <= 1)",
            derivation="simulations/settings/network_hard.py (construction); docs/network.md",
            setting="network-hard", learner="target-only", versus="frozenrep",
            check="separation", bound="1",
            params=dict(NETWORK_HARD, m=40),
            sweep=dict(d=[7] if q else [7, 10, 14]),
            reps=_size(profile, 20, 100), premises=IN_CLASS, covers=("C8",), kind="empirical"),
        *([] if q else [
            Claim(id=f"c8-network-hard-{what}-k4", statement=f"C8 at k = 4 up to d = 50 (T = 20, n = 150, m = 250, "
                  f"the setting's hard-regime defaults sigma = 0.5, head_scale = 2): {text}",
                  derivation="simulations/settings/network_hard.py (construction, regime); docs/network.md",
                  setting="network-hard", learner=learner, versus="frozenrep", check="separation", bound=ratio,
                  params=NETWORK_HARD_K4, sweep=dict(d=[20, 50]), reps=20, premises=IN_CLASS, covers=("C8",),
                  kind="empirical")
            for what, learner, ratio, text in (
                ("separation", "adaptrep", "1/2", "ADAPTREP's mean excess risk is at most half of FROZENREP's"),
                ("frozen-fails", "target-only", "1", "FROZENREP does no better than the network trained on the "
                                                     "target alone (target-only / frozenrep <= 1)"))
        ]),
        # ------------------------------------------- MAML (beyond the paper)
        Claim(
            id="c7-maml-logistic",
            statement="C7 for MAML (beyond the paper): after exact second-order MAML on the sources "
                      "(at most 100 outer iterations), s gradient steps on the target obey gd-radius-observed at "
                      "the radius they used (their displacement; logistic loss, L = 1, b0 = log 2; r_min = 1e-3, "
                      "J = 40) w.p. >= 1 - fail_prob",
            setting="logistic", learner="maml", check="upper-whp",
            params=dict(d=10, k=2, T=10, n=40, inputs="sphere", delta0=0.0, head_scale=2.0, fail_prob=0.05),
            sweep=dict(m=[4000] if q else [2000, 4000, 8000]),
            learner_params={"maml": {"max_iter": 100}},
            reps=_size(profile, 20, 200), covers=("C7",), **GD_OBSERVED),
        Claim(
            id="c5-maml-representation-hard",
            statement="MAML (exact second order) recovers the shared frame on the linear hard case (T = 100): "
                      "E sin(theta_max) of MAML's frame <= 1/2 of FROZENREP's, both source fits converged",
            derivation="docs/gd-maml.md; empirical",
            setting="linear-hard", learner="maml", versus="frozenrep", check="separation", bound="1/2",
            risk="sin_theta_max", params=dict(LINEAR_HARD, T=100, d=20), reps=_size(profile, 30, 100),
            learner_params={"maml": {"max_iter": 100}}, covers=("C5",), kind="empirical", premises=CONVERGED,
            seed_key="hard-maml-frozenrep"),
        Claim(
            id="c5-maml-separation-hard",
            statement="MAML (exact second order) + gradient-descent fine-tuning beats FROZENREP on the "
                      "linear hard case: mean excess risk ratio <= 1/2 (worst-case targets)",
            derivation="docs/gd-maml.md; docs/theory/frozen-lower-bias.md (FROZENREP >= 1/2)",
            setting="linear-hard", learner="maml", versus="frozenrep", check="separation", bound="1/2",
            params=dict(LINEAR_HARD, T=100), sweep=dict(d=[20] if q else [20, 40]),
            learner_params={"maml": {"max_iter": 100}}, seed_key="hard-maml-frozenrep",
            reps=_size(profile, 30, 100), kind="empirical", covers=("C5",), premises=CONVERGED + WORST_CASE),
        Claim(
            id="c8-maml-network-hard",
            statement="First-order MAML + gradient-descent fine-tuning beats FROZENREP on the nonlinear "
                      "hard case: mean excess risk ratio <= 1/2",
            derivation="docs/gd-maml.md; simulations/settings/network_hard.py",
            setting="network-hard", learner="maml", versus="frozenrep", check="separation", bound="1/2",
            params=dict(NETWORK_HARD, m=40), sweep=dict(d=[7] if q else [7, 10]),
            reps=_size(profile, 20, 100), premises=IN_CLASS, covers=("C8",), kind="empirical"),
    ]
    if q:   # affordable in the full profile only (network source fits); C2, C3 are covered by the linear claims
        claims = [c for c in claims if c.id not in FULL_ONLY]
    return claims


#: Built-in claims of the full profile that the quick one leaves out, to stay within its time budget.
FULL_ONLY = ("c3-adaptrep-network-rate-n", "c2-adaptrep-network-rate-m")


def selftest_claims(profile: str = "quick") -> list[tuple[Claim, Claim]]:
    """Pairs ``(correct, wrong)``: the verifier must pass the first, fail the second.

    Wrong twins: the bound scaled down 10x; an exponent off by 1/2; subtle
    ones: a bound halved (at points where it is nearly tight), an exponent off
    by 1/4 (against a rate tolerance of 0.1); a lower bound that is really an
    upper bound; a separation the wrong way round; and per family (logistic,
    network, MAML) a bound without its complexity term or a separation reversed.
    """
    reps = _size(profile, 200, 500)
    ms = [20, 40, 80, 160]
    tonly = registered_bound("target-only")
    ohead = registered_bound("oracle-head")
    ft = registered_bound("finetune-linear")
    pairs = []

    base = dict(setting="linear", learner="target-only", check="upper-mean",
                params=dict(LINEAR, d=10), sweep=dict(m=ms[1:]), reps=reps)     # m = 20 is vacuous
    pairs.append((
        Claim(id="selftest-scaled-correct", statement="exact target-only risk", **tonly, **base),
        Claim(id="selftest-scaled-wrong", statement="target-only bound scaled down 10x",
              **_wrong_twin(f"0.1*({tonly['bound']})"), **base)))

    base = dict(setting="linear", learner="oracle", check="rate",
                params=dict(LINEAR, d=20, delta0=0.0), sweep=dict(m=[10, 20, 40, 80, 160]),
                reps=reps)
    pairs.append((
        Claim(id="selftest-exponent-correct", statement="oracle-head rate", **ohead, **base),
        Claim(id="selftest-exponent-wrong", statement="oracle-head with exponent 1/2 "
              "instead of 1", **_wrong_twin(f"({ohead['bound']})**(1/2)"), **base)))

    # subtle twins: a bound off by a factor 2, an exponent off by 1/4
    base = dict(setting="linear", learner="oracle", check="upper-mean", risk="insample_risk",
                params=dict(LINEAR, d=20), sweep=dict(m=[20, 80], delta0=[0.0, 0.05]), reps=300)
    pairs.append((
        Claim(id="selftest-half-correct", statement="finetune-linear", **ft, **base),
        Claim(id="selftest-half-wrong", statement="finetune-linear halved",
              **_wrong_twin(f"0.5*({ft['bound']})"), **base)))
    ad = registered_bound("adaptrep-linear")
    base = dict(setting="linear", learner="adaptrep", check="upper-mean", risk="insample_risk",
                params=dict(LINEAR, d=10, T=20, delta0=0.0), sweep=dict(m=[20, 80]), reps=60)
    pairs.append((
        Claim(id="selftest-adaptrep-half-correct", statement="adaptrep-linear (exact at delta0 = 0)", **ad, **base),
        Claim(id="selftest-adaptrep-half-wrong", statement="adaptrep-linear halved",
              **_wrong_twin(f"0.5*({ad['bound']})"), **base)))
    base = dict(setting="linear", learner="oracle", check="rate", tol=0.1,
                params=dict(LINEAR, d=20, delta0=0.0), sweep=dict(m=[10, 20, 40, 80, 160]), reps=400)
    pairs.append((
        Claim(id="selftest-quarter-correct", statement="oracle-head rate (tolerance 0.1)", **ohead, **base),
        Claim(id="selftest-quarter-wrong", statement="oracle-head with exponent 3/4 instead of 1 in m",
              **_wrong_twin(f"({ohead['bound']})**(3/4)"), **base)))

    base = dict(setting="linear", learner="oracle", risk="insample_risk",
                params=dict(LINEAR, d=20, delta0=0.5), sweep=dict(m=[20, 40, 80]),
                reps=reps)
    pairs.append((
        Claim(id="selftest-direction-correct", statement="finetune-linear as an upper bound",
              check="upper-mean", **ft, **base),
        Claim(id="selftest-direction-wrong", statement="finetune-linear claimed as a "
              "lower bound", check="lower-mean", **ft, **base)))

    ratio = "k*(m - d - 1)/(d*(m - k - 1))"      # E oracle / E target-only, exact
    base = dict(setting="linear", check="separation", bound=ratio,
                params=dict(LINEAR, d=10, delta0=0.0), sweep=dict(m=[20, 40, 80]),
                reps=reps, derivation="docs/theory/oracle-head.md, docs/theory/target-only.md")
    pairs.append((
        Claim(id="selftest-separation-correct", statement="oracle / target-only <= "
              "exact ratio of their mean risks", learner="oracle", versus="target-only",
              **base),
        Claim(id="selftest-separation-wrong", statement="the same separation the wrong "
              "way round", learner="target-only", versus="oracle", **base)))

    # rate-at-least (cheap, linear): the exact target-only shape passes, its square fails
    base = dict(setting="linear", learner="target-only", check="rate-at-least",
                params=dict(LINEAR, d=10), sweep=dict(m=[25, 40, 80, 160]), reps=reps)
    pairs.append((
        Claim(id="selftest-rate-at-least-correct", statement="target-only decays at least "
              "like d/(m - d - 1)", **tonly, **base),
        Claim(id="selftest-rate-at-least-wrong", statement="target-only decays at least like "
              "(d/(m - d - 1))^2", **_wrong_twin(f"({tonly['bound']})**2"), **base)))

    # C1, logistic (upper-whp): the finetune-logistic bound passes; the head's parametric
    # rate k/(2m), which ignores the perturbation block, fails
    base = dict(setting="logistic", learner="oracle", check="upper-whp",
                params=dict(LOGISTIC, inputs="sphere", fail_prob=0.05, m=1000, delta0=0.5), reps=30)
    pairs.append((
        Claim(id="selftest-logistic-whp-correct", statement="finetune-logistic",
              **registered_bound("finetune-logistic"), **base),
        Claim(id="selftest-logistic-whp-wrong", statement="the fine-tuning step costs only "
              "the head's parametric rate k/(2m)", **_wrong_twin("k/(2*m)"), **base)))

    # C1, logistic (upper-always, subtle): the ERM certificate passes; halved, it fails
    cert = registered_bound("logistic-erm-certificate")
    base = dict(setting="logistic", learner="oracle", check="upper-always",
                params=dict(LOGISTIC, inputs="sphere", m=1000, delta0=0.0), reps=30)
    pairs.append((
        Claim(id="selftest-logistic-certificate-correct", statement="logistic-erm-certificate", **cert, **base),
        Claim(id="selftest-logistic-certificate-wrong", statement="logistic-erm-certificate halved",
              **_wrong_twin(f"0.5*({cert['bound']})"), **base)))

    # C2/C3, logistic (rate-at-least): ADAPTREP's risk falls with the source sample size as
    # fast as adaptrep-logistic; target-only's (which ignores the sources) does not
    base = dict(setting="logistic", check="rate-at-least",
                params=dict(d=10, k=2, T=10, m=200, fail_prob=0.05), sweep=dict(n=[25, 100, 400]),
                **registered_bound("adaptrep-logistic"))
    pairs.append((
        Claim(id="selftest-logistic-sources-correct", statement="adaptrep benefits from n",
              learner="adaptrep", reps=20, **base),
        Claim(id="selftest-logistic-sources-wrong", statement="target-only benefits from n "
              "like adaptrep", learner="target-only", reps=50, **base)))

    # C7 (upper-whp): gd-radius-observed passes; 'gradient descent generalises for free'
    # (the excess risk is at most the empirical gap alone) fails
    base = dict(setting="logistic", learner="gd-finetune", check="upper-whp",
                params=dict(LOGISTIC, inputs="sphere", delta0=0.0, fail_prob=0.05, m=2000),
                learner_params={"gd-finetune": {"steps": 20, "source": "oracle"}}, reps=30)
    pairs.append((
        Claim(id="selftest-gd-correct", statement="gd-radius-observed at the observed displacement",
              **_gd_observed(), **base),
        Claim(id="selftest-gd-wrong", statement="excess risk <= empirical gap (no complexity "
              "term)", **_wrong_twin("empirical_gap"), **base)))

    # C1, network (upper-whp): network-finetune (+ gap, + 4 SE) passes; k/(2m) fails
    base = dict(setting="network", learner="oracle", check="upper-whp",
                params=dict(NETWORK, head_scale=2.0, c_w=2.0, loss="logistic", inputs="sphere", delta0=0.05,
                            fail_prob=0.05, m=4000), reps=30)
    pairs.append((
        Claim(id="selftest-network-whp-correct", statement="network-finetune + gap", **_network_c1(),
              **base),
        Claim(id="selftest-network-whp-wrong", statement="the network fine-tuning step costs "
              "only the head's parametric rate k/(2m)", **_wrong_twin("k/(2*m)"), **base)))

    # C2/C3, network (rate-at-least): the oracle (true first layer, delta0 = 0: a convex head
    # fit) improves with m as fast as adaptrep-network-rate, but not with the source size n
    base = dict(setting="network", learner="oracle", check="rate-at-least", reps=400,
                **registered_bound("adaptrep-network-rate"))
    pairs.append((
        Claim(id="selftest-network-rate-correct", statement="the oracle improves with m",
              params=dict(NETWORK, delta0=0.0, fail_prob=0.05), sweep=dict(m=[20, 80, 320]), **base),
        Claim(id="selftest-network-rate-wrong", statement="the oracle (which ignores the sources) "
              "improves with n", params={**{k: v for k, v in NETWORK.items() if k != "n"},
                                         "m": 200, "delta0": 0.0, "fail_prob": 0.05},
              sweep=dict(n=[10, 100, 1000]), **base)))

    # C8 (separation): FROZENREP is no better than target-only on network-hard; the reverse fails
    base = dict(setting="network-hard", check="separation", bound="1",
                params=dict(NETWORK_HARD, d=7, m=40), reps=20)
    pairs.append((
        Claim(id="selftest-network-hard-correct", statement="target-only / frozenrep <= 1",
              learner="target-only", versus="frozenrep", **base),
        Claim(id="selftest-network-hard-wrong", statement="frozenrep / target-only <= 1 (the "
              "frozen representation helps on the hard case)", learner="frozenrep",
              versus="target-only", **base)))

    # MAML (separation): MAML beats FROZENREP on linear-hard; the reverse claim fails
    base = dict(setting="linear-hard", check="separation", bound="1/2",
                params=dict(LINEAR_HARD, d=10), reps=20)
    pairs.append((
        Claim(id="selftest-maml-correct", statement="maml / frozenrep <= 1/2", learner="maml",
              versus="frozenrep", **base),
        Claim(id="selftest-maml-wrong", statement="frozenrep / maml <= 1/2", learner="frozenrep",
              versus="maml", **base)))
    return pairs
