"""Claims: a setting, learner(s), a bound, a check, parameters and a sweep.

A :class:`Claim` keeps its fields exactly as given; :meth:`Claim.validate`
checks them against a :class:`~verification.catalog.Catalog` and returns a
:class:`ValidatedClaim` (parsed bound, expanded sweep points) or raises
:class:`~verification.errors.ClaimError` naming the claim and the field.
"""

from __future__ import annotations

import itertools
import re
import math
import numbers
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .catalog import REQUIRED, Catalog
from .check_registry import CHECK_REGISTRY, Check, get_check
from .checks import MIN_REPS
from .errors import ClaimError
from .expressions import BoundExpression, Premise, expression_of, parse_bound, parse_premise

__all__ = ["Claim", "ValidatedClaim", "RISK_COLUMNS", "BASELINE_COLUMNS", "REPLICATE_NAMES",
           "EXTRA_PARAMETERS", "DEFAULT_REPS", "KINDS", "PAPER_CLAIMS", "MAX_SWEEP_POINTS", "MAX_REPS"]

#: Columns a claim may check (``risk`` key): the two risks, and the principal-angle
#: sine of the learned representation (claims on the representations themselves).
RISK_COLUMNS = ("excess_risk", "insample_risk", "sin_theta_max")
#: The trivial-baseline column of each risk column (vacuity, docs/verification.md).
BASELINE_COLUMNS = {"excess_risk": "baseline_excess", "insample_risk": "baseline_insample"}
#: Per-replicate columns a bound or premise may reference when the catalog does
#: not list them (the default catalog reads them from ``simulations.columns``).
REPLICATE_NAMES = ("rep_error", "nu", "sin_theta_max", "gd_radius", "grad_bound", "displacement",
                   "empirical_gap", "risk_se")
#: Largest sweep of one claim (points) and largest number of replicates per point: beyond them a
#: claim is refused at validation, before the sweep is expanded (planning stays O(points)).
MAX_SWEEP_POINTS = 10_000
MAX_REPS = 10_000_000
#: What kind of evidence a claim is (``kind`` key).
KINDS = ("theorem", "exact", "empirical", "rate")
#: The paper's claims a built-in claim can cover (``covers`` key), NOTES.md section 5.
PAPER_CLAIMS = tuple(f"C{i}" for i in range(1, 9))
#: Parameters a claim may set besides the setting's own.
EXTRA_PARAMETERS = ("fail_prob",)
DEFAULT_REPS = 200


@dataclass(frozen=True)
class Claim:
    """An executable claim.  See ``docs/verification.md``."""

    id: str
    setting: str
    learner: str
    check: str
    bound: str
    params: dict = field(default_factory=dict)
    sweep: dict = field(default_factory=dict)
    derived: dict = field(default_factory=dict)
    reps: int = DEFAULT_REPS
    versus: str | None = None
    tol: float | None = None
    risk: str = "excess_risk"
    statement: str = ""
    derivation: str = ""
    bound_name: str | None = None
    #: Constants of the registered bound fixed by the claim (name -> expression in the parameters).
    bound_fixed: dict = field(default_factory=dict)
    learner_params: dict = field(default_factory=dict)
    source: str | None = None
    band: tuple | None = None
    along: str | None = None
    exponent: tuple | None = None
    premises: tuple = ()
    covers: tuple = ()
    kind: str | None = None
    seed_key: str | None = None

    def validate(self, catalog: Catalog) -> "ValidatedClaim":
        return _validate(self, catalog)


@dataclass(frozen=True)
class ValidatedClaim:
    claim: Claim
    expression: BoundExpression
    points: tuple[dict, ...]          # full parameter values per sweep point
    sweep_points: tuple[dict, ...]    # only the swept values per point
    setting_names: tuple[str, ...]    # parameters passed to the simulator
    learners: tuple[str, ...]         # learners the Monte Carlo call needs
    premises: tuple[Premise, ...] = ()
    replicate_names: tuple[str, ...] = REPLICATE_NAMES
    kind: str = "theorem"
    #: The registered :class:`bounds.Bound` the claim names (``bound_name``), or None for an inline formula.
    #: Its domain was checked at every point; its expression is ``expression.expr`` unless the claim modified it.
    bound: Any = None

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def check(self) -> Check:
        """The claim's :class:`~verification.check_registry.Check`."""
        return get_check(self.claim.check)

    @property
    def n_tests(self) -> int:
        return 1 if self.check.per_claim else len(self.points)


def _is_scalar(v: Any) -> bool:
    return isinstance(v, (numbers.Real, str)) and not isinstance(v, complex)


def _validate(c: Claim, catalog: Catalog) -> ValidatedClaim:
    cid = c.id if isinstance(c.id, str) and c.id else None

    def err(msg: str, fld: str) -> ClaimError:
        return ClaimError(msg, claim=cid or "<no id>", field=fld, source=c.source)

    if cid is None:
        raise err("id must be a non-empty string", "id")
    c, registered = _resolve_registered(c, err)
    if not isinstance(c.setting, str) or c.setting not in catalog.settings:
        raise err(f"unknown setting {c.setting!r}; known: "
                  f"{', '.join(sorted(catalog.settings))}", "setting")
    if not isinstance(c.learner, str) or c.learner not in catalog.learners:
        raise err(f"unknown learner {c.learner!r}; known: "
                  f"{', '.join(catalog.learners)}", "learner")
    if not isinstance(c.check, str) or c.check not in CHECK_REGISTRY:
        raise err(f"unknown check {c.check!r}; known: {', '.join(CHECK_REGISTRY)}", "check")
    check = get_check(c.check)
    taking = {f: [n for n, k in CHECK_REGISTRY.items() if k.takes(f)] for f in ("versus", "tol", "band", "along",
                                                                                 "exponent")}

    def only(field: str) -> str:
        return f"only {' and '.join(taking[field]) or 'no'} checks take {field!r}"

    if check.takes("versus"):
        if c.versus is None:
            raise err(f"{c.check} checks need 'versus' (the learner compared against)", "versus")
        if not isinstance(c.versus, str) or c.versus not in catalog.learners:
            raise err(f"unknown learner {c.versus!r}; known: "
                      f"{', '.join(catalog.learners)}", "versus")
        if c.versus == c.learner:
            raise err("versus must differ from learner", "versus")
    elif c.versus is not None:
        raise err(only("versus"), "versus")
    if c.tol is not None:
        if not check.takes("tol"):
            raise err(only("tol"), "tol")
        if (isinstance(c.tol, bool) or not isinstance(c.tol, numbers.Real)
                or not 0 < c.tol < 1):
            raise err(f"tol must be a number in (0, 1), got {c.tol!r}", "tol")
    band = None
    if c.band is not None:
        if not check.takes("band"):
            raise err(only("band"), "band")
        band = _pair(c.band, "band", err, low=0.0)
    exponent = None
    if check.takes("along"):
        if not isinstance(c.along, str) or c.along not in (c.sweep or {}):
            raise err(f"{c.check} checks need 'along', the name of a swept parameter "
                      f"(swept: {', '.join(c.sweep) or 'none'})", "along")
    elif c.along is not None:
        raise err(only("along"), "along")
    if check.takes("exponent"):
        if c.exponent is None:
            raise err(f"{c.check} checks need 'exponent = [lo, hi]', the allowed range of the slope", "exponent")
        exponent = _pair(c.exponent, "exponent", err)
    elif c.exponent is not None:
        raise err(only("exponent"), "exponent")
    if not isinstance(c.covers, (list, tuple)) or any(x not in PAPER_CLAIMS for x in c.covers):
        raise err(f"covers must be a list of paper claims among {', '.join(PAPER_CLAIMS)}, got {c.covers!r}",
                  "covers")
    if c.kind is not None and c.kind not in KINDS:
        raise err(f"unknown kind {c.kind!r}; known: {', '.join(KINDS)}", "kind")
    if c.seed_key is not None and (not isinstance(c.seed_key, str) or not c.seed_key):
        raise err(f"seed_key must be a non-empty string, got {c.seed_key!r}", "seed_key")
    if isinstance(c.reps, bool) or not isinstance(c.reps, numbers.Integral):
        raise err(f"reps must be an integer, got {c.reps!r}", "reps")
    if c.reps < MIN_REPS:
        raise err(f"reps must be at least {MIN_REPS}, got {c.reps}", "reps")
    if c.reps > MAX_REPS:
        raise err(f"reps must be at most {MAX_REPS:,}, got {c.reps:,}", "reps")
    if c.risk not in RISK_COLUMNS:
        raise err(f"unknown risk column {c.risk!r}; known: {', '.join(RISK_COLUMNS)}",
                  "risk")

    learners_used = (c.learner,) if c.versus is None else (c.learner, c.versus)
    if not isinstance(c.learner_params, dict):
        raise err("learner_params must be a table of tables (one per learner)", "learner_params")
    for lname, hyper in c.learner_params.items():
        fld = f"learner_params.{lname}"
        if lname not in learners_used:
            raise err(f"learner {lname!r} is not used by this claim (learners: "
                      f"{', '.join(learners_used)})", fld)
        if not isinstance(hyper, dict):
            raise err("must be a table of hyper-parameters", fld)
        known_hyper = (catalog.hyperparameters or {}).get(lname)
        for hname, value in hyper.items():
            if known_hyper is not None and hname not in known_hyper:
                raise err(f"unknown hyper-parameter {hname!r} of learner {lname!r}; known: "
                          f"{', '.join(known_hyper) or '(none)'}", f"{fld}.{hname}")
            if not _is_scalar(value):
                raise err(f"value must be a number or string, got {value!r}", f"{fld}.{hname}")

    check_learner = getattr(catalog, "check_learner", None)
    if check_learner is not None:       # the (setting, learner) pair and the values, before any work
        for lname in learners_used:
            hyper = c.learner_params.get(lname) or {}
            try:
                check_learner(c.setting, lname, hyper)
            except (ValueError, TypeError) as exc:
                m = re.search(r"(?:parameter|hyper-parameter) '(\w+)'", str(exc))
                fld = (f"learner_params.{lname}.{m.group(1)}" if m and m.group(1) in hyper
                       else ("learner" if lname == c.learner else "versus"))
                raise err(str(exc), fld) from None

    setting_params = catalog.parameters(c.setting)
    known = set(setting_params) | set(EXTRA_PARAMETERS)
    if not isinstance(c.params, dict):
        raise err("params must be a table", "params")
    if not isinstance(c.sweep, dict):
        raise err("sweep must be a table", "sweep")
    for name, value in c.params.items():
        if name not in known:
            raise err(f"unknown parameter {name!r} for setting {c.setting!r}; known: "
                      f"{', '.join(sorted(known))}", f"params.{name}")
        if not _is_scalar(value):
            raise err(f"value must be a number or string, got {value!r}",
                      f"params.{name}")
    for name, values in c.sweep.items():
        if name not in known:
            raise err(f"unknown parameter {name!r} for setting {c.setting!r}; known: "
                      f"{', '.join(sorted(known))}", f"sweep.{name}")
        if name in c.params:
            raise err(f"{name!r} is both fixed (params) and swept", f"sweep.{name}")
        if not isinstance(values, (list, tuple)) or not values:
            raise err("a sweep entry must be a non-empty list", f"sweep.{name}")
        for v in values:
            if not _is_scalar(v):
                raise err(f"value must be a number or string, got {v!r}",
                          f"sweep.{name}")
    if not isinstance(c.derived, dict):
        raise err("derived must be a table", "derived")
    derived = {}
    for name, text in c.derived.items():
        if name not in known:
            raise err(f"unknown parameter {name!r} for setting {c.setting!r}; known: "
                      f"{', '.join(sorted(known))}", f"derived.{name}")
        if name in c.params or name in c.sweep:
            raise err(f"{name!r} is both derived and given", f"derived.{name}")
        derived[name] = parse_bound(text, known - {name} - set(c.derived), claim=cid,
                                    field=f"derived.{name}")
    given = set(c.params) | set(c.sweep) | set(c.derived)
    for name, default in setting_params.items():
        if default is REQUIRED and name not in given:
            raise err(f"missing parameter {name!r} (required by setting "
                      f"{c.setting!r})", f"params.{name}")
    if "fail_prob" in check.requires and "fail_prob" not in given:
        raise err(f"{c.check} checks need the parameter 'fail_prob'", "params.fail_prob")

    replicate_names = tuple(getattr(catalog, "replicate_names", None) or REPLICATE_NAMES)
    allowed = known | set(replicate_names)
    expression = _registered_expression(registered, c, allowed, err) if registered is not None else None
    if expression is None:                 # an inline formula (or a registered bound's, modified by the claim)
        expression = parse_bound(c.bound, allowed, claim=cid, field="bound")
    if not isinstance(c.premises, (list, tuple)):
        raise err("premises must be a list of inequalities such as 'delta_norm <= ft_radius'", "premises")
    premises = tuple(parse_premise(text, allowed, claim=cid, field=f"premises[{i}]")
                     for i, text in enumerate(c.premises))
    never = getattr(catalog, "never_produced", None)
    if never is not None:               # a column that is NaN in every replicate of a learner: refuse now
        for lname in learners_used:
            try:
                missing = never(c.setting, lname)
            except ValueError:
                continue                    # the pair itself was refused above
            for fld, names in [("bound", expression.names)] + [(f"premises[{i}]", p.names)
                                                               for i, p in enumerate(premises)]:
                bad = sorted(set(names) & set(missing))
                if bad and (fld == "bound" and lname == c.learner or fld != "bound"):
                    raise err(f"{bad[0]!r} is not produced by learner {lname!r} on setting {c.setting!r} "
                              f"(it would be NaN in every replicate)", fld)
    for name in expression.names + tuple(n for p in premises for n in p.names):
        if name in replicate_names:
            continue
        if name not in given and setting_params.get(name, REQUIRED) is REQUIRED:
            raise err(f"bound uses {name!r}, which has no value: add it to params",
                      f"params.{name}")

    sweep_names = list(c.sweep)
    n_points = math.prod(len(c.sweep[n]) for n in sweep_names)
    if n_points > MAX_SWEEP_POINTS:
        raise err(f"the sweep has {n_points:,} points ({' x '.join(str(len(c.sweep[n])) for n in sweep_names)}); "
                  f"at most {MAX_SWEEP_POINTS:,} per claim", "sweep")
    values: list[float | None] = []
    combos = list(itertools.product(*(c.sweep[n] for n in sweep_names))) or [()]
    points, sweep_points = [], []
    for combo in combos:
        sp = dict(zip(sweep_names, combo))
        full = {k: v for k, v in setting_params.items() if v is not REQUIRED}
        full.update(c.params)
        full.update(sp)
        for name, dexpr in derived.items():
            try:
                value = float(dexpr.evaluate({n: full[n] for n in dexpr.names}))
            except (KeyError, TypeError, ValueError) as exc:
                raise err(f"cannot evaluate {c.derived[name]!r}: {exc}",
                          f"derived.{name}") from None
            full[name] = int(value) if value.is_integer() else value
        if catalog.resolve is not None:
            given = {k: v for k, v in full.items()
                     if k in setting_params and (k in c.params or k in sp or k in derived)}
            try:
                resolved = catalog.resolve(c.setting, given)
            except (ValueError, TypeError) as exc:
                m = re.search(r"parameter '(\w+)'", str(exc))
                name = m.group(1) if m else None
                fld = ("params" if name is None else
                       f"sweep.{name}" if name in sp else f"params.{name}")
                where = f" at sweep point {sp}" if sp else ""
                raise err(f"{exc}{where}", fld) from None
            full.update({k: v for k, v in resolved.items() if k in setting_params})
        points.append(full)
        sweep_points.append({**sp, **{n: full[n] for n in derived}})
        fp = full.get("fail_prob")
        if fp is not None and (isinstance(fp, (str, bool)) or not 0 < fp < 1):
            raise err(f"fail_prob must be in (0, 1), got {fp!r}",
                      "sweep.fail_prob" if "fail_prob" in sp else "params.fail_prob")
        if registered is not None:
            _check_domain(registered, full, sp, err)
        values.append(_check_bound_value(expression, full, sp, c, err, replicate_names))

    if len(points) < check.min_points:
        raise err(f"{c.check} needs a sweep of at least {check.min_points} points",
                  "sweep")
    known_values = [v for v in values if v is not None]
    if check.side == "shape" and len(known_values) == len(points) and len(set(known_values)) == 1:
        raise err(f"rate checks need a bound that varies across the sweep; {c.bound!r} = "
                  f"{known_values[0]:g} at every point", "bound")
    learners = (c.learner,) if c.versus is None else (c.learner, c.versus)
    return ValidatedClaim(
        claim=c, expression=expression, points=tuple(points),
        sweep_points=tuple(sweep_points),
        setting_names=tuple(setting_params), learners=learners, premises=premises,
        replicate_names=replicate_names, kind=c.kind or _default_kind(c), bound=registered)


def _resolve_registered(c: Claim, err) -> tuple[Claim, Any]:
    """The registered bound a claim names, and the claim with its fields filled in.

    ``bound = "target-only"`` (a registered name) stands for that bound: its
    expression, its derivation and (unless the claim lists its own) its
    premises.  ``bound_name`` must name a registered bound; the bound's
    domain then applies at every sweep point (:func:`_check_domain`).
    """
    from bounds.registry import BOUNDS    # lazy: the verification layer loads bounds on demand

    if isinstance(c.bound, str) and c.bound.strip() in BOUNDS and c.bound_name is None:
        from .builtin import registered_bound
        name = c.bound.strip()
        fields = registered_bound(name)
        c = replace(c, bound=fields["bound"], bound_name=name,
                    derivation=c.derivation or fields["derivation"],
                    premises=tuple(c.premises) or fields["premises"])
    if c.bound_name is None:
        return c, None
    if not isinstance(c.bound_name, str) or c.bound_name not in BOUNDS:
        raise err(f"bound_name {c.bound_name!r} is not a registered bound "
                  "(metabound list bounds)", "bound_name")
    return c, BOUNDS[c.bound_name]


def fixed_expression(bound: Any, fixed: dict) -> Any:
    """``bound.expr`` with the constants in ``fixed`` replaced by numbers or formulas in other names.

    Raises ``ValueError`` naming an unknown constant or a formula outside the grammar (:mod:`bounds.formula`).
    """
    import sympy

    from bounds.formula import parse_formula

    if not fixed:
        return bound.expr
    symbols = {name: const.symbol for name, const in bound.constants.items()}
    unknown = sorted(set(fixed) - set(symbols))
    if unknown:
        raise ValueError(f"{bound.name}: cannot fix unknown constants {unknown}")
    subs = {symbols[k]: parse_formula(str(v), lambda n: symbols.get(n) or sympy.Symbol(n)) for k, v in fixed.items()}
    return bound.expr.subs(subs, simultaneous=True)


def _registered_expression(bound: Any, c: Claim, allowed: set, err) -> BoundExpression | None:
    """The registered bound's own sympy expression (its ``bound_fixed`` constants substituted), when the claim's
    ``bound`` text is that expression unchanged; None when the claim modified it (its text is then parsed)."""
    try:
        expr = fixed_expression(bound, c.bound_fixed or {})
    except ValueError as exc:
        raise err(f"bound_fixed of {c.bound_name!r}: {exc}", "bound") from None
    if not isinstance(c.bound, str) or str(expr) != c.bound.strip():
        return None
    unknown = sorted({s.name for s in expr.free_symbols} - allowed)
    if unknown:
        raise err(f"unknown name {unknown[0]!r} in {c.bound!r}; allowed: {', '.join(sorted(allowed))}", "bound")
    return expression_of(c.bound.strip(), expr)


def _check_domain(bound: Any, full: dict, sp: dict, err) -> None:
    """Refuse a sweep point outside the registered bound's domain.

    Checks the range of every constant of the bound that is a number of the
    point, and every condition (e.g. ``m > d + 1``) whose constants all are;
    constants measured per replicate are checked by the premises at run time.
    """
    given = {n: full[n] for n in bound.constants
             if isinstance(full.get(n), numbers.Real) and not isinstance(full.get(n), bool)}
    try:
        bound.check_partial(**given)
    except ValueError as exc:
        where = f"sweep point {sp}" if sp else "the fixed parameters"
        raise err(f"{exc} (at {where}): the point is outside the domain of the registered bound",
                  "bound") from None


def _pair(value: Any, name: str, err, low: float | None = None) -> tuple[float, float]:
    """A ``[lo, hi]`` pair of finite numbers with ``lo <= hi`` (and ``lo >= low``)."""
    ok = (isinstance(value, (list, tuple)) and len(value) == 2
          and all(isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v) for v in value))
    if not ok or value[0] > value[1] or (low is not None and value[0] < low):
        lowtxt = f" and lo >= {low:g}" if low is not None else ""
        raise err(f"{name} must be [lo, hi] with finite numbers lo <= hi{lowtxt}, got {value!r}", name)
    return float(value[0]), float(value[1])


def _default_kind(c: Claim) -> str:
    """The check's kind (``exact`` for exact checks, ``rate`` for slopes), else ``theorem`` for a registered
    bound, else ``empirical``."""
    kind = get_check(c.check).kind
    if kind is not None:
        return kind
    return "theorem" if c.bound_name else "empirical"


def _check_bound_value(expression: BoundExpression, full: dict, sp: dict,
                       c: Claim, err, replicate_names: tuple[str, ...] = REPLICATE_NAMES) -> float | None:
    """Evaluate a bound that does not depend on replicates; it must be finite (and >= 0 for upper bounds).

    Returns the value, or None when it is only known at run time.
    """
    if any(n in replicate_names for n in expression.names):
        return None
    values = {}
    for n in expression.names:
        v = full.get(n)
        if v is None:
            return None     # derived by the setting at run time
        if isinstance(v, (str, bool)) or not isinstance(v, numbers.Real):
            raise err(f"bound uses {n!r}, whose value {v!r} is not a number", "bound")
        values[n] = v
    value = float(expression.evaluate(values))
    if not math.isfinite(value):
        raise err(f"bound {c.bound!r} is not finite ({value}) at "
                  f"{sp or 'the fixed parameters'}", "bound")
    sign = get_check(c.check).bound_sign
    if sign == "positive" and value <= 0:
        raise err(f"rate checks need a positive bound; {c.bound!r} = {value:g} at {sp}",
                  "bound")
    if sign == "nonnegative" and value < 0:
        raise err(f"an upper bound (or exact value, or ratio) cannot be negative; {c.bound!r} = {value:g} at "
                  f"{sp or 'the fixed parameters'}", "bound")
    return value


def _arguments(names: tuple[str, ...], vc: ValidatedClaim, values: dict, replicate: dict | None) -> dict:
    args = {}
    for n in names:
        if n in vc.replicate_names:
            if replicate is None or n not in replicate:
                raise RuntimeError(f"the Monte Carlo frame has no column {n!r}")
            args[n] = np.asarray(replicate[n], float)
        else:
            args[n] = float(values[n])
    return args


def evaluate_bound(vc: ValidatedClaim, values: dict, replicate: dict | None = None
                   ) -> np.ndarray:
    """Evaluate the claim's bound at one point (per replicate if it uses them)."""
    return vc.expression.evaluate(_arguments(vc.expression.names, vc, values, replicate))


def evaluate_premises(vc: ValidatedClaim, values: dict, replicate: dict | None, reps: int
                      ) -> tuple[tuple[str, np.ndarray], ...]:
    """``(text, holds)`` for every premise of the claim at one point, ``holds`` per replicate."""
    out = []
    for p in vc.premises:
        holds = p.holds(_arguments(p.names, vc, values, replicate))
        out.append((p.text, np.broadcast_to(holds, (reps,)).copy()))
    return tuple(out)
