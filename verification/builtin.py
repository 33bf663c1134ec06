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


def registered_bound(name: str) -> dict:
    """``bound``, ``bound_name`` and ``derivation`` fields of a registered bound."""
    from bounds import get_bound  # lazy: bounds may be absent while developing

    b = get_bound(name)
    return {"bound": str(b.expr), "bound_name": name,
            "derivation": getattr(b, "derivation", "") or ""}


def _size(profile: str, quick, full):
    return quick if profile == "quick" else full


def builtin_claims(profile: str = "quick") -> list[Claim]:
    """The built-in claims of ``profile`` ("quick" or "full")."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
    q = profile == "quick"
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
            params=dict(LINEAR, T=20, m=40),
            sweep=dict(d=[10, 20] if q else [10, 20, 40]),
            reps=_size(profile, 50, 300), **registered_bound("frozen-lower-bias")),
        Claim(
            id="c5-frozen-lower-bayes",
            statement="C5: on the hard case with a Gaussian target, FROZENREP's mean "
                      "excess risk is at least the frozen Bayes lower bound",
            setting="linear-hard", learner="frozenrep", check="lower-mean",
            params=dict(LINEAR, T=20, target="gaussian"),
            sweep=dict(d=[10, 20] if q else [10, 20, 40], m=[40] if q else [20, 40, 80]),
            reps=_size(profile, 50, 300), **registered_bound("frozen-lower-bayes")),
        Claim(
            id="c5-frozen-finetune-lower-bayes",
            statement="C5: on the hard case with a Gaussian target, fine-tuning (w, delta) "
                      "on FROZENREP's frame stays above the frozen Bayes lower bound",
            setting="linear-hard", learner="frozenrep", check="lower-mean",
            learner_params={"frozenrep": {"target_step": "finetune"}},
            params=dict(LINEAR, T=20, target="gaussian"),
            sweep=dict(d=[10, 20] if q else [10, 20, 40], m=[40] if q else [20, 40, 80]),
            reps=_size(profile, 50, 300), **registered_bound("frozen-lower-bayes")),
        Claim(
            id="c5-target-only-lower-bayes",
            statement="C5: on the hard case with a Gaussian target, target-only least "
                      "squares (which ignores the sources) stays above the Bayes lower bound",
            setting="linear-hard", learner="target-only", check="lower-mean",
            params=dict(LINEAR, T=20, target="gaussian"),
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
            params=dict(LINEAR, T=20, m=40),
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
              bound=f"0.1*({tonly['bound']})", bound_name=None, derivation="(wrong twin)",
              **base)))

    base = dict(setting="linear", learner="oracle", check="rate",
                params=dict(LINEAR, d=20, delta0=0.0), sweep=dict(m=[10, 20, 40, 80, 160]),
                reps=reps)
    pairs.append((
        Claim(id="selftest-exponent-correct", statement="oracle-head rate", **ohead, **base),
        Claim(id="selftest-exponent-wrong", statement="oracle-head with exponent 1/2 "
              "instead of 1", bound=f"({ohead['bound']})**(1/2)", bound_name=None,
              derivation="(wrong twin)", **base)))

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
    return pairs
