"""One object per check: what it decides, which claim fields it needs, how it is reported.

A :class:`Check` holds a check's decision rule and everything the rest of the
verifier asks about it: its side (upper, lower, two-sided, ratio, shape,
exponent), whether it is decided per point or once per claim, which claim
fields it requires or accepts, and the words and table layout of its report
section.  Claims validation, the runner and every report writer (tables,
Markdown, HTML, figures, JUnit) ask the check instead of comparing its name.

:data:`CHECK_REGISTRY` holds the built-in checks and any registered by
:func:`register_check` or by the entry-point group ``metabound.checks`` (read
once, on first use).  A plugin check chooses one of the existing sides and
layouts and supplies its own decision rule; see ``docs/extending.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable

from bounds.named_table import NAME_PATTERN as _NAME, NamedTable

from . import checks as _rules

__all__ = ["Check", "CHECK_REGISTRY", "ENTRY_POINT_GROUP", "SIDES", "LAYOUTS", "CheckPluginWarning",
           "get_check", "register_check", "check_of", "check_plugin_records"]

#: What a check's bound is: an upper or lower bound on the risk, an exact value (two-sided), a bound on the
#: ratio of two learners' risks, a shape (rate: only the bound's shape matters) or not used (exponent).
SIDES = ("upper", "lower", "two-sided", "ratio", "shape", "exponent")
#: Point-table layouts of the report.
LAYOUTS = ("bound", "always", "exact", "ratio", "shape", "exponent")
#: Claim fields a check may require or accept.
FIELDS = ("versus", "band", "tol", "along", "exponent", "fail_prob")
#: Entry-point group of plugin checks: each entry point is a :class:`Check` or a list of them.
ENTRY_POINT_GROUP = "metabound.checks"


class CheckPluginWarning(UserWarning):
    """A ``metabound.checks`` entry point could not be loaded (its checks are then absent)."""


@dataclass(frozen=True)
class Check:
    """A check: its decision rule and how the verifier treats and reports it.

    Attributes
    ----------
    name : str
        What claims name in ``check``.
    side : str
        One of :data:`SIDES`.
    rule : callable
        Per point (``scope="point"``): ``rule(sample, level, **options) -> record``
        with the record fields of :mod:`verification.checks` (at least
        ``bound``, ``mean``, ``ci_low``, ``ci_high``, ``margin``, ``p_value``,
        ``rule``); per claim: ``rule(samples, level, **options) -> (records, fit)``
        with ``fit["p_value"]``.  ``options`` are the claim fields in
        ``requires`` and ``accepts`` (``band``, ``tol``, ``along``, ``exponent``).
    scope : str
        ``"point"`` (one test per sweep point) or ``"claim"`` (one test per claim).
    always : bool
        A deterministic inequality checked in every replicate.
    requires, accepts : tuple of str
        Claim fields (:data:`FIELDS`) that must be given / may be given.
    description : str
        What the bound means, in words (the report's section header).
    decision : str
        The decision rule, in words (the report's "Decision rule" sentence).
    layout : str
        The report's point-table layout (:data:`LAYOUTS`).
    kind : str or None
        The claim kind it implies (``"exact"``, ``"rate"``), or None
        (``"theorem"`` for a registered bound, else ``"empirical"``).
    min_points : int
        Fewest sweep points it can decide.
    """

    name: str
    side: str
    rule: Callable[..., Any]
    scope: str = "point"
    always: bool = False
    requires: tuple[str, ...] = ()
    accepts: tuple[str, ...] = ()
    description: str = ""
    decision: str = ""
    layout: str = "bound"
    kind: str | None = None
    min_points: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(f"Check: name must be a lower-case dashed name such as 'upper-median'; got {self.name!r}")
        for attr, allowed in (("side", SIDES), ("scope", ("point", "claim")), ("layout", LAYOUTS)):
            if getattr(self, attr) not in allowed:
                raise ValueError(f"Check {self.name!r}: {attr} must be one of {', '.join(allowed)}; "
                                 f"got {getattr(self, attr)!r}")
        for attr in ("requires", "accepts"):
            bad = [f for f in getattr(self, attr) if f not in FIELDS]
            if bad:
                raise ValueError(f"Check {self.name!r}: {attr} names {bad[0]!r}; claim fields: {', '.join(FIELDS)}")
        if not callable(self.rule):
            raise TypeError(f"Check {self.name!r}: rule must be callable")

    # -- what the rest of the verifier asks ------------------------------------------------
    @property
    def per_claim(self) -> bool:
        """Decided by one test per claim (a slope), not per point."""
        return self.scope == "claim"

    @property
    def has_baseline(self) -> bool:
        """Whether its points are compared with the trivial baseline (vacuity)."""
        return self.side in ("upper", "lower", "two-sided")

    @property
    def bound_sign(self) -> str | None:
        """``"positive"`` (shapes), ``"nonnegative"`` (upper bounds, exact values, ratios) or None."""
        if self.side == "shape":
            return "positive"
        return "nonnegative" if self.side in ("upper", "two-sided", "ratio") else None

    def takes(self, field: str) -> bool:
        return field in self.requires or field in self.accepts

    def options(self, claim: Any) -> dict:
        """The rule's keyword arguments from a claim (an object or a results.json mapping)."""
        get = claim.get if isinstance(claim, Mapping) else (lambda k, default=None: getattr(claim, k, default))
        out = {}
        for field in ("band", "tol", "along", "exponent"):
            if self.takes(field) and get(field) is not None:
                value = get(field)
                out[field] = (float(value[0]), float(value[1])) if field in ("band", "exponent") else value
        return out

    def describe(self) -> dict:
        """The check's attributes as plain data (stored in results.json)."""
        return {"name": self.name, "side": self.side, "scope": self.scope, "always": self.always,
                "layout": self.layout, "description": self.description, "decision": self.decision}


def _point(rule: Callable, *fixed: str) -> Callable:
    """A point rule taking only the options in ``fixed`` (the others are dropped)."""
    @functools.wraps(rule)
    def call(sample, level, **options):
        return rule(sample, level, **{k: v for k, v in options.items() if k in fixed})
    return call


def _rate(samples, level, tol=None, *, at_least: bool):
    return _rules.fit_rate(samples, level, _rules.DEFAULT_TOL if tol is None else tol, at_least=at_least)


def _exponent(samples, level, along=None, exponent=None):
    return _rules.fit_exponent(samples, level, along, exponent)


_ALWAYS_NOTE = ("there is no sampling error to allow for. The range column shows the smallest and largest risk "
                "over the replicates; the margin is the worst replicate's ")

BUILTIN_CHECKS: tuple[Check, ...] = (
    Check("upper-whp", "upper", _point(_rules.point_upper_whp), requires=("fail_prob",),
          description="upper bound holding with probability 1 - fail_prob",
          decision="a point fails when the number of replicates with risk above the bound is improbably large "
                   "for a failure probability fail_prob (exact binomial test)"),
    Check("upper-mean", "upper", _point(_rules.point_upper_mean), description="upper bound on the mean risk",
          decision="a point fails when the lower confidence bound of the mean risk exceeds the bound "
                   "(Anderson/DKW for a constant bound, Hall's t on risk - bound when the bound varies per "
                   "replicate)"),
    Check("upper-always", "upper", _point(_rules.point_upper_always), always=True, layout="always",
          description="upper bound in every replicate",
          decision="a deterministic inequality: a point fails as soon as one replicate's risk exceeds the bound "
                   "(beyond a relative tolerance of 1e-9), and passes otherwise; " + _ALWAYS_NOTE + "bound / risk"),
    Check("lower-mean", "lower", _point(_rules.point_lower_mean), description="lower bound on the mean risk",
          decision="a point fails when the upper confidence bound of the mean risk (Hall's t on risk - bound) "
                   "falls below the bound"),
    Check("lower-whp", "lower", _point(_rules.point_lower_whp), requires=("fail_prob",),
          description="lower bound holding with probability 1 - fail_prob",
          decision="a point fails when the number of replicates with risk below the bound is improbably large "
                   "for a failure probability fail_prob (exact binomial test)"),
    Check("lower-always", "lower", _point(_rules.point_lower_always), always=True, layout="always",
          description="lower bound in every replicate",
          decision="a deterministic inequality: a point fails as soon as one replicate's risk falls below the "
                   "bound (beyond a relative tolerance of 1e-9), and passes otherwise; " + _ALWAYS_NOTE
                   + "risk / bound"),
    Check("exact", "two-sided", _point(_rules.point_exact, "band"), accepts=("band",), layout="exact",
          kind="exact", description="exact value of the mean risk",
          decision="two-sided: a point fails when the mean risk is significantly above hi x value or "
                   "significantly below lo x value (Hall's t on the paired risk - hi*value and risk - lo*value, "
                   "p-value twice the smaller one). Ratio: mean / value with its Fieller interval; margin: "
                   "max(ratio, 1/ratio), the factor by which the mean deviates from the value (1 = exactly)"),
    Check("rate", "shape", functools.partial(_rate, at_least=False), scope="claim", accepts=("tol",),
          layout="shape", kind="rate", min_points=_rules.MIN_RATE_POINTS,
          description="shape (the constant factor does not matter)",
          decision="one test per claim: the weighted least-squares slope of log mean risk on log bound fails "
                   "when its interval lies entirely outside [1 - tol, 1 + tol]; only the bound's shape matters"),
    Check("rate-at-least", "shape", functools.partial(_rate, at_least=True), scope="claim", accepts=("tol",),
          layout="shape", kind="rate", min_points=_rules.MIN_RATE_POINTS,
          description="shape (the constant factor does not matter)",
          decision="one test per claim: the weighted least-squares slope of log mean risk on log bound fails "
                   "when its interval lies entirely below 1 - tol; only the bound's shape matters"),
    Check("exponent", "exponent", _exponent, scope="claim", requires=("along", "exponent"), layout="exponent",
          min_points=_rules.MIN_RATE_POINTS, description="not used: the claim is on an exponent",
          decision="one test per claim: the weighted least-squares slope of log mean risk on log of the swept "
                   "parameter fails when its interval lies entirely outside the allowed range; the bound "
                   "expression is not used"),
    Check("separation", "ratio", _point(_rules.point_separation), requires=("versus",), layout="ratio",
          description="upper bound on the ratio of mean risks",
          decision="a point fails when the Fieller interval of the ratio of the two learners' mean risks lies "
                   "above the bound (Hall's t on the paired risk_A - bound*risk_B)"),
)


#: Every registered check by name (read-only; built-in and plugins').
CHECK_REGISTRY: Mapping[str, Check] = NamedTable(Check, "check", ENTRY_POINT_GROUP, CheckPluginWarning,
                                                 BUILTIN_CHECKS)


def get_check(name: str) -> Check:
    """The registered check called ``name``; ``ValueError`` listing the known names otherwise."""
    try:
        return CHECK_REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown check {name!r}; known: {', '.join(CHECK_REGISTRY)}") from None


def register_check(check: Check) -> Check:
    """Register ``check`` under its name, so claims can name it (registering the same object twice does nothing)."""
    return CHECK_REGISTRY.register(check)


def check_plugin_records() -> tuple:
    """The ``metabound.checks`` entry points read: (name, value, distribution, checks, error) each."""
    CHECK_REGISTRY.ensure_loaded()
    return tuple(CHECK_REGISTRY.records)


def _unavailable(*_a, **_k):
    raise RuntimeError("this check is not registered in this process; it can be reported, not run")


def check_of(claim: Mapping) -> Check:
    """The check of a results.json claim entry, for reporting.

    The registered check of that name; for a check that is not registered
    here (a plugin's, reported by ``metabound report`` without the plugin),
    one rebuilt from the attributes stored with the claim (``check_info``),
    else a generic upper-bound check of that name.
    """
    name = claim.get("check")
    try:
        return CHECK_REGISTRY[name]
    except (KeyError, TypeError):
        pass
    info = claim.get("check_info") or {}
    label = name if isinstance(name, str) and _NAME.match(name) else "unknown"
    return Check(label, info.get("side", "upper") if info.get("side") in SIDES else "upper", _unavailable,
                 scope="claim" if info.get("scope") == "claim" else "point", always=bool(info.get("always")),
                 layout=info.get("layout") if info.get("layout") in LAYOUTS else "bound",
                 description=str(info.get("description") or ""), decision=str(info.get("decision") or ""))
