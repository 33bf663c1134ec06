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
#: Logistic claims: d = 10, k = 2, head norm 1, head bound c_w = 2 (the setting's default).
LOGISTIC = dict(d=10, k=2, T=2, n=2)
#: gd-radius-observed with the logistic loss (L = 1, loss log 2 at 0) and a grid reaching 1e-3 * 2^40.
GD_LOGISTIC = dict(L=1, b0="log(2)", r_min=1e-3, J=40)
#: Network claims: width k = 2, d = 6, heads of norm 2, noise 0.5, 2000 test inputs.
NETWORK = dict(d=6, k=2, T=10, n=50, sigma=0.5, head_scale=2.0, test_size=2000)
NETWORK_HARD = dict(k=2, T=10, n=60, sigma=0.5, head_scale=2.0, test_size=2000)


def _network_c1() -> dict:
    """network-finetune with the logistic loss, plus the empirical gap and 4 test-sample SEs."""
    # b = log(1 + exp(z)) = z + log(1 + exp(-z)), z = c_w R (1 + delta0) >= 0 (no overflow)
    b = registered_bound("network-finetune", L=1,
                         b="c_w*R*(1 + delta0) + log(1 + exp(-c_w*R*(1 + delta0)))", width="k", R_phi="R")
    return dict(b, bound=f"{b['bound']} + empirical_gap + 4*risk_se")


def registered_bound(name: str, **fixed) -> dict:
    """``bound``, ``bound_name`` and ``derivation`` fields of a registered bound.

    ``fixed`` substitutes constants of the bound that are not simulator
    parameters by numbers or expressions (e.g. ``L=1, b0="log(2)"`` for the
    logistic loss); the claim's statement should say so.
    """
    from bounds import get_bound  # lazy: bounds may be absent while developing

    b = get_bound(name)
    expr = b.expr
    if fixed:
        import sympy

        unknown = set(fixed) - set(b.constants)
        if unknown:
            raise ValueError(f"{name}: cannot fix unknown constants {sorted(unknown)}")
        symbols = {c.name: c.symbol for c in b.constants.values()}
        expr = expr.subs({symbols[k]: sympy.sympify(v, locals=symbols) for k, v in fixed.items()},
                         simultaneous=True)
    return {"bound": str(expr), "bound_name": name,
            "derivation": getattr(b, "derivation", "") or ""}


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


def _size(profile: str, quick, full):
    return quick if profile == "quick" else full


def builtin_claims(profile: str = "quick") -> list[Claim]:
    """The built-in claims of ``profile`` ("quick" or "full")."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
    q = profile == "quick"
    network_c1 = _network_c1()
    claims = [
        # ---------------------------------------------------------------- C1
        Claim(
            id="c1-finetune-oracle",
            statement="C1: constrained least squares over the fine-tuning class of the "
                      "true frame has in-sample excess risk <= finetune-linear",
            setting="linear", learner="oracle", check="upper-mean", risk="insample_risk",
            params=dict(LINEAR, d=20),
            sweep=dict(m=[10, 20, 40, 80] if q else [10, 20, 40, 80, 160, 320],
                       delta0=[0.0, 0.5] if q else [0.0, 0.25, 0.5, 1.0]),
            reps=_size(profile, 200, 500), **registered_bound("finetune-linear")),
        # ---------------------------------------------------------------- C2
        Claim(
            id="c2-adaptrep-linear",
            statement="C2: ADAPTREP's in-sample target excess risk <= 4 rep_error + "
                      "6 sigma^2 k/m + 8 sigma delta0 sqrt(d/m) (delta0 = sqrt(k/d))",
            setting="linear", learner="adaptrep", check="upper-mean", risk="insample_risk",
            params=dict(LINEAR, T=20), derived=dict(delta0="sqrt(k/d)"),
            sweep=dict(d=[10, 20], m=[20, 80] if q else [20, 40, 80, 160]),
            reps=_size(profile, 24, 100), **registered_bound("adaptrep-linear")),
        # ---------------------------------------------------------------- C3
        Claim(
            id="c3-oracle-head-rate-m",
            statement="C3: with the true frame and delta0 = 0 the excess risk decays "
                      "like sigma^2 k/(m - k - 1) in m (exact exponent)",
            setting="linear", learner="oracle", check="rate",
            params=dict(LINEAR, d=20, delta0=0.0),
            sweep=dict(m=[10, 20, 40, 80, 160] if q else [8, 16, 32, 64, 128, 256, 512]),
            reps=_size(profile, 200, 1000), **registered_bound("oracle-head")),
        Claim(
            id="c3-target-only-rate-m",
            statement="C3: target-only least squares decays like sigma^2 d/(m - d - 1) in m",
            setting="linear", learner="target-only", check="rate",
            params=dict(LINEAR, d=10),
            sweep=dict(m=[25, 40, 80, 160] if q else [15, 25, 40, 80, 160, 320]),
            reps=_size(profile, 200, 1000), **registered_bound("target-only")),
        Claim(
            id="c3-frozenrep-rate-T",
            statement="C3/C6: with delta0 = 0, FROZENREP's excess risk (m large) decays "
                      "like sigma^2 (dk/(nT) + k/m) in the number of source tasks T",
            setting="linear", learner="frozenrep", check="rate",
            params=dict(k=2, n=40, sigma=1.0, d=10, m=2000, delta0=0.0),
            sweep=dict(T=[5, 10, 20, 40] if q else [5, 10, 20, 40, 80]),
            reps=_size(profile, 60, 300), **registered_bound("frozenrep-shared")),
        # ---------------------------------------------------------------- C4
        Claim(
            id="c4-target-only-grows-d",
            statement="C4: target-only excess risk grows like sigma^2 d/(m - d - 1) in d "
                      "at fixed m (ADAPTREP's bound in c2-adaptrep-linear is free of d "
                      "apart from rep_error when delta0 = sqrt(k/d))",
            setting="linear", learner="target-only", check="rate",
            params=dict(LINEAR, m=100),
            sweep=dict(d=[5, 10, 20, 40] if q else [5, 10, 20, 40, 60]),
            reps=_size(profile, 200, 1000), **registered_bound("target-only")),
        # ---------------------------------------------------------------- C5
        Claim(
            id="c5-frozen-lower-bias",
            statement="C5: on the hard case with the worst-case target, FROZENREP's "
                      "excess risk is at least the bias 1/2",
            setting="linear-hard", learner="frozenrep", check="lower-mean",
            params=dict(LINEAR_HARD),
            sweep=dict(d=[10, 20] if q else [10, 20, 40]),
            reps=_size(profile, 50, 300), **registered_bound("frozen-lower-bias")),
        Claim(
            id="c5-frozen-lower-bayes",
            statement="C5: on the hard case with a Gaussian target, FROZENREP's mean "
                      "excess risk is at least the frozen Bayes lower bound",
            setting="linear-hard", learner="frozenrep", check="lower-mean",
            params=dict(LINEAR_HARD_GAUSSIAN),
            sweep=dict(d=[10, 20] if q else [10, 20, 40], m=[40] if q else [20, 40, 80]),
            reps=_size(profile, 50, 300), **registered_bound("frozen-lower-bayes")),
        Claim(
            id="c5-frozen-finetune-lower-bayes",
            statement="C5: on the hard case with a Gaussian target, fine-tuning (w, delta) "
                      "on FROZENREP's frame stays above the frozen Bayes lower bound",
            setting="linear-hard", learner="frozenrep", check="lower-mean",
            learner_params={"frozenrep": {"target_step": "finetune"}},
            params=dict(LINEAR_HARD_GAUSSIAN),
            sweep=dict(d=[10, 20] if q else [10, 20, 40], m=[40] if q else [20, 40, 80]),
            reps=_size(profile, 50, 300), **registered_bound("frozen-lower-bayes")),
        Claim(
            id="c5-target-only-lower-bayes",
            statement="C5: on the hard case with a Gaussian target, target-only least "
                      "squares (which ignores the sources) stays above the Bayes lower bound",
            setting="linear-hard", learner="target-only", check="lower-mean",
            params=dict(LINEAR_HARD_GAUSSIAN),
            sweep=dict(d=[10, 20] if q else [10, 20, 40], m=[40] if q else [30, 40, 80]),
            reps=_size(profile, 100, 500), **registered_bound("frozen-lower-bayes")),
        Claim(
            id="c5-separation-hard",
            statement="C5: on the hard case (worst-case target) ADAPTREP's mean excess "
                      "risk is at most half of FROZENREP's",
            derivation="docs/theory/frozen-lower-bias.md (FROZENREP >= 1/2); ADAPTREP "
                       "recovers B* (NOTES.md section 4)",
            setting="linear-hard", learner="adaptrep", versus="frozenrep",
            check="separation", bound="1/2",
            params=dict(LINEAR_HARD),
            sweep=dict(d=[10] if q else [10, 20]),
            reps=_size(profile, 30, 100)),
        # ---------------------------------------------------------------- C6
        Claim(
            id="c6-adaptrep-within-constant",
            statement="C6: with delta0 = 0 (fine-tuning radius 0), ADAPTREP's mean excess "
                      "risk is within a factor 2 of FROZENREP's (it is the same estimator: an "
                      "identity check of the reduction; the rate is c3-frozenrep-rate-T)",
            derivation="docs/theory/frozenrep-shared.md",
            setting="linear", learner="adaptrep", versus="frozenrep",
            check="separation", bound="2",
            params=dict(LINEAR, d=10, delta0=0.0),
            sweep=dict(m=[20, 80] if q else [20, 40, 80, 160]),
            reps=_size(profile, 30, 100)),
        # ------------------------------------------------- C1-C3, logistic
        Claim(
            id="c1-finetune-logistic",
            statement="C1 (logistic): with inputs uniform on the sphere of radius R = sqrt(d), "
                      "the constrained logistic fine-tuning step on the true frame has excess "
                      "risk <= finetune-logistic w.p. >= 1 - fail_prob",
            setting="logistic", learner="oracle", check="upper-whp",
            params=dict(LOGISTIC, inputs="sphere", fail_prob=0.05),
            sweep=dict(m=[50, 200] if q else [25, 50, 100, 200, 400],
                       delta0=[0.0, 0.5] if q else [0.0, 0.25, 0.5, 1.0]),
            reps=_size(profile, 30, 200), **registered_bound("finetune-logistic")),
        Claim(
            id="c2-adaptrep-logistic-rate-m",
            statement="C2 (logistic, rate only): ADAPTREP's excess risk decays in the target "
                      "sample size m at least as fast as adaptrep-logistic (end to end, "
                      "Gaussian inputs with E||x||^2 = d)",
            setting="logistic", learner="adaptrep", check="rate-at-least",
            params=dict(LOGISTIC, T=20, n=100, fail_prob=0.05),
            sweep=dict(m=[25, 100, 400] if q else [25, 50, 100, 200, 400]),
            reps=_size(profile, 20, 100), **registered_bound("adaptrep-logistic")),
        Claim(
            id="c3-adaptrep-logistic-rate-n",
            statement="C3 (logistic, rate only): ADAPTREP's excess risk decays in the source "
                      "sample size n at least as fast as adaptrep-logistic",
            setting="logistic", learner="adaptrep", check="rate-at-least",
            params=dict(d=10, k=2, T=10, m=200, fail_prob=0.05),
            sweep=dict(n=[25, 50, 100, 200] if q else [25, 50, 100, 200, 400]),
            reps=_size(profile, 20, 100), **registered_bound("adaptrep-logistic")),
        # ---------------------------------------------------------------- C7
        Claim(
            id="c7-gd-finetune-logistic",
            statement="C7: s steps of gradient descent (step 1/beta) from ADAPTREP's frame move "
                      "the perturbation by at most eta s G, and the iterate's excess risk obeys "
                      "the bound at that radius (gd-radius-observed with the logistic loss: "
                      "L = 1, b0 = log 2; grid r_min = 1e-3, J = 40) w.p. >= 1 - fail_prob",
            setting="logistic", learner="gd-finetune", check="upper-whp",
            params=dict(LOGISTIC, inputs="sphere", delta0=0.0, fail_prob=0.05),
            sweep=dict(m=[50, 200] if q else [25, 50, 100, 200, 400]),
            learner_params={"gd-finetune": {"steps": 20}},
            reps=_size(profile, 30, 200), **registered_bound("gd-radius-observed", **GD_LOGISTIC)),
        # ------------------------------------------------- C1-C3, network
        Claim(
            id="c1-finetune-network",
            statement="C1 (network): fine-tuning (w, Delta) of the true first layer W* (logistic "
                      "loss, inputs on the sphere of radius sqrt(d)) has excess risk <= "
                      "network-finetune (L = 1, b = log(1 + exp(c_w R (1 + delta0))), width = k, "
                      "R_phi = R) + empirical gap w.p. >= 1 - fail_prob; the test-sample estimate "
                      "counts as a violation only beyond 4 standard errors",
            setting="network", learner="oracle", check="upper-whp",
            params=dict(NETWORK, loss="logistic", inputs="sphere", delta0=0.5, fail_prob=0.05),
            sweep=dict(m=[50, 200] if q else [25, 50, 100, 200, 400]),
            reps=_size(profile, 30, 200), **network_c1),
        Claim(
            id="c2-adaptrep-network-rate-m",
            statement="C2 (network, rate only): ADAPTREP's excess risk (squared loss) decays in m "
                      "at least as fast as adaptrep-network-rate",
            setting="network", learner="adaptrep", check="rate-at-least",
            params=dict(NETWORK, delta0=0.3, fail_prob=0.05),
            sweep=dict(m=[40, 160, 640] if q else [20, 40, 80, 160, 320, 640]),
            reps=_size(profile, 20, 100), **registered_bound("adaptrep-network-rate")),
        Claim(
            id="c3-adaptrep-network-rate-n",
            statement="C3 (network, rate only): with an exactly shared first layer (delta0 = 0), "
                      "ADAPTREP's excess risk decays in the source sample size n at least as fast "
                      "as adaptrep-network-rate",
            setting="network", learner="adaptrep", check="rate-at-least",
            params=dict(d=6, k=2, T=10, sigma=0.5, head_scale=2.0, test_size=2000, m=200,
                        delta0=0.0, fail_prob=0.05),
            sweep=dict(n=[25, 100, 400] if q else [25, 50, 100, 200, 400]),
            reps=_size(profile, 20, 100), **registered_bound("adaptrep-network-rate")),
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
            reps=_size(profile, 20, 100)),
        Claim(
            id="c8-network-hard-frozen-fails",
            statement="C8: on the nonlinear hard case FROZENREP does no better than training the "
                      "network on the target alone (target-only / frozenrep <= 1)",
            derivation="simulations/settings/network_hard.py (construction); docs/network.md",
            setting="network-hard", learner="target-only", versus="frozenrep",
            check="separation", bound="1",
            params=dict(NETWORK_HARD, m=40),
            sweep=dict(d=[7] if q else [7, 10, 14]),
            reps=_size(profile, 20, 100)),
        # ------------------------------------------- MAML (beyond the paper)
        Claim(
            id="c7-maml-logistic",
            statement="C7 for MAML (beyond the paper): after exact second-order MAML on the sources "
                      "(at most 100 outer iterations), "
                      "s gradient steps on the target obey gd-radius-observed at the radius they used "
                      "(logistic loss, L = 1, b0 = log 2; r_min = 1e-3, J = 40) w.p. >= 1 - fail_prob",
            setting="logistic", learner="maml", check="upper-whp",
            params=dict(d=10, k=2, T=10, n=40, inputs="sphere", delta0=0.0, fail_prob=0.05),
            sweep=dict(m=[100] if q else [50, 100, 200]),
            learner_params={"maml": {"max_iter": 100}},
            reps=_size(profile, 20, 200), **registered_bound("gd-radius-observed", **GD_LOGISTIC)),
        Claim(
            id="c5-maml-separation-hard",
            statement="MAML (exact second order) + gradient-descent fine-tuning beats FROZENREP on the "
                      "linear hard case: mean excess risk ratio <= 1/2 (worst-case targets)",
            derivation="docs/gd-maml.md; docs/theory/frozen-lower-bias.md (FROZENREP >= 1/2)",
            setting="linear-hard", learner="maml", versus="frozenrep", check="separation", bound="1/2",
            params=dict(LINEAR_HARD), sweep=dict(d=[10] if q else [10, 20]),
            reps=_size(profile, 20, 100)),
        Claim(
            id="c8-maml-network-hard",
            statement="First-order MAML + gradient-descent fine-tuning beats FROZENREP on the nonlinear "
                      "hard case: mean excess risk ratio <= 1/2",
            derivation="docs/gd-maml.md; simulations/settings/network_hard.py",
            setting="network-hard", learner="maml", versus="frozenrep", check="separation", bound="1/2",
            params=dict(NETWORK_HARD, m=40), sweep=dict(d=[7] if q else [7, 10]),
            reps=_size(profile, 20, 100)),
    ]
    return claims


def selftest_claims(profile: str = "quick") -> list[tuple[Claim, Claim]]:
    """Pairs ``(correct, wrong)``: the verifier must pass the first, fail the second.

    Wrong twins: the bound scaled down 10x; an exponent off by 1/2; a lower
    bound that is really an upper bound; a separation the wrong way round.
    """
    reps = _size(profile, 200, 500)
    ms = [20, 40, 80, 160]
    tonly = registered_bound("target-only")
    ohead = registered_bound("oracle-head")
    ft = registered_bound("finetune-linear")
    pairs = []

    base = dict(setting="linear", learner="target-only", check="upper-mean",
                params=dict(LINEAR, d=10), sweep=dict(m=ms), reps=reps)
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
                params=dict(LOGISTIC, inputs="sphere", fail_prob=0.05, m=50, delta0=0.5), reps=30)
    pairs.append((
        Claim(id="selftest-logistic-whp-correct", statement="finetune-logistic",
              **registered_bound("finetune-logistic"), **base),
        Claim(id="selftest-logistic-whp-wrong", statement="the fine-tuning step costs only "
              "the head's parametric rate k/(2m)", **_wrong_twin("k/(2*m)"), **base)))

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
                params=dict(LOGISTIC, inputs="sphere", delta0=0.0, fail_prob=0.05, m=50),
                learner_params={"gd-finetune": {"steps": 20}}, reps=30)
    pairs.append((
        Claim(id="selftest-gd-correct", statement="gd-radius-observed",
              **registered_bound("gd-radius-observed", **GD_LOGISTIC), **base),
        Claim(id="selftest-gd-wrong", statement="excess risk <= empirical gap (no complexity "
              "term)", **_wrong_twin("empirical_gap"), **base)))

    # C1, network (upper-whp): network-finetune (+ gap, + 4 SE) passes; k/(2m) fails
    base = dict(setting="network", learner="oracle", check="upper-whp",
                params=dict(NETWORK, loss="logistic", inputs="sphere", delta0=0.5, fail_prob=0.05,
                            m=50), reps=30)
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
