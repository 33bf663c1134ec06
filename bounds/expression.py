"""The :class:`Bound` object: one symbolic expression, many views of it.

A bound is an ordered set of named terms (sympy expressions in named
constants) combined by a value expression (their sum unless stated).  From
that single source it gives the numeric value and the per-term breakdown
(vectorised over numpy arrays), its LaTeX, its scaling exponent in any
constant, the constants it needs and their validation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import sympy as sp

from bounds.constants import STANDARD, Constant
from bounds.formula import FormulaError, parse_formula
from bounds.validation import as_array, check_condition, check_value

__all__ = ["Bound", "KINDS"]

#: Allowed values of :attr:`Bound.kind`.
KINDS = ("upper", "lower", "exact", "rate")



#: Heaviside step with H(0) = 1/2 (the average of the one-sided derivatives at a kink), for lambdify.
_HEAVISIDE = sp.Function("_metabound_heaviside")


def _np_heaviside(x: Any) -> np.ndarray:
    return np.heaviside(np.asarray(x, dtype=float), 0.5)


def _parse(text: str | sp.Expr, local: Mapping[str, Any], what: str, relation: bool = False) -> sp.Expr:
    """A sympy expression given as one, or parsed by the suite's one safe parser (:mod:`bounds.formula`).

    Names outside ``local`` become plain symbols, so that the caller's own
    checks name them (an unknown constant, an unknown term)."""
    if isinstance(text, sp.Basic):
        return text
    try:
        return parse_formula(text, lambda n: local.get(n) or sp.Symbol(n), relation=relation)
    except FormulaError as exc:
        raise ValueError(f"cannot parse {what} {text!r}: {exc}") from None


class Bound:
    """A risk bound built from one symbolic expression.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"finetune-linear"``.
    statement : str
        One-line statement of what is bounded.
    kind : {"upper", "lower", "exact", "rate"}
        ``"rate"`` means the constants are not derived: usable for shape
        (exponent) checks, never for pass/fail against a level.
    explicit : bool
        Whether every constant of the formula is derived (``False`` for rates).
    assumptions : sequence of str
        Conditions under which the bound holds.
    derivation : str
        Relative path of the page holding the derivation
        (``docs/theory/<page>.md``).
    constants : sequence of Constant
        The constants the formula is written in, in display order.
    terms : mapping of str to str or sympy expression
        Named terms, in order.  Strings are parsed with sympy, the constant
        names standing for their symbols.
    value : str or sympy expression, optional
        How the terms combine, written in the term names (e.g.
        ``"Min(head + perturbation, ceiling)"``).  Default: their sum.
    conditions : sequence of str, optional
        Extra validity conditions (sympy relations such as ``"m > d + 1"``),
        checked at evaluation.
    monotonicity : mapping of str to int, optional
        Declared direction in each constant: ``+1`` non-decreasing, ``-1``
        non-increasing, ``0`` (default) not declared.
    references : sequence of str, optional
        Literature the derivation uses.
    premises : sequence of str, optional
        Checkable premises, one inequality each (``"delta_norm <= ft_radius"``),
        written in the bound's constants and the simulator's per-replicate
        columns (:data:`simulations.columns.OPTIONAL_COLUMNS`).  The
        verification layer evaluates them in every replicate of a claim that
        uses the bound and fails the claim where one does not hold: a bound is
        applied only where its premises hold for the estimator at hand.
        (Premises that are not checkable per replicate stay in ``assumptions``.)

    Notes
    -----
    The value is :math:`V(t_1(c), \\dots, t_J(c))` where the :math:`t_j` are
    the terms and :math:`c` the constants.  The scaling exponent in a
    constant :math:`x` is :math:`\\partial \\log V / \\partial \\log x =
    x\\, \\partial_x V / V`, computed from the symbolic derivative (``Min``
    differentiates to a Heaviside step, so at a kink it is the average of the
    two one-sided exponents).  Constants whose default is an expression in
    other constants are substituted before differentiating, unless given.
    """

    def __init__(
        self,
        name: str,
        statement: str,
        kind: str,
        explicit: bool,
        assumptions: Sequence[str],
        derivation: str,
        constants: Sequence[Constant],
        terms: Mapping[str, str | sp.Expr],
        value: str | sp.Expr | None = None,
        conditions: Sequence[str] = (),
        monotonicity: Mapping[str, int] | None = None,
        references: Sequence[str] = (),
        premises: Sequence[str] = (),
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"{name}: kind must be one of {KINDS}, got {kind!r}")
        if kind == "rate" and explicit:
            raise ValueError(f"{name}: a rate-only bound cannot have explicit constants")
        self.name = name
        self.statement = statement
        self.kind = kind
        self.explicit = bool(explicit)
        self.assumptions = tuple(assumptions)
        self.derivation = derivation
        self.references = tuple(references)
        self.premises = tuple(premises)
        self.constants: Mapping[str, Constant] = MappingProxyType(
            {c.name: c for c in constants})
        if len(self.constants) != len(constants):
            raise ValueError(f"{name}: duplicate constant names")
        symbols = {c.name: c.symbol for c in constants}
        self._symbols = tuple(symbols.values())

        parsed_terms = {t: _parse(e, symbols, f"term {t!r} of {name}") for t, e in terms.items()}
        if not parsed_terms:
            raise ValueError(f"{name}: a bound needs at least one term")
        clash = set(parsed_terms) & set(symbols)
        if clash:
            raise ValueError(f"{name}: term names {sorted(clash)} clash with constants")
        for t, e in parsed_terms.items():
            self._check_symbols(e, symbols, f"term {t!r}")
        self.terms: Mapping[str, sp.Expr] = MappingProxyType(parsed_terms)

        term_symbols = {t: sp.Symbol(t) for t in parsed_terms}
        if value is None:
            combine = sp.Add(*term_symbols.values())
        else:
            combine = _parse(value, term_symbols, f"value of {name}")
            unknown = {s.name for s in combine.free_symbols} - set(term_symbols)
            if unknown:
                raise ValueError(f"{name}: value uses unknown terms {sorted(unknown)}")
        #: The value written in the term names (for display).
        self.combination: sp.Expr = combine
        self.expr: sp.Expr = combine.subs(
            {term_symbols[t]: e for t, e in parsed_terms.items()}, simultaneous=True)

        self._defaults: dict[str, sp.Expr | float] = {}
        for c in constants:
            if isinstance(c.default, str):
                d = _parse(c.default, symbols, f"default of {c.name!r} in {name}")
                self._check_symbols(d, symbols, f"default of {c.name!r}")
                self._defaults[c.name] = d
            elif c.default is not None:
                self._defaults[c.name] = float(c.default)

        self.conditions: tuple[str, ...] = tuple(conditions)
        self._conditions = []
        for text in self.conditions:
            rel = _parse(text, symbols, f"condition of {name}", relation=True)
            if not isinstance(rel, sp.core.relational.Relational):
                raise ValueError(f"{name}: condition {text!r} is not a relation")
            names = [c for c in self.constants if symbols[c] in rel.free_symbols]
            pred = sp.lambdify([symbols[n] for n in names], rel, "numpy")
            self._conditions.append((text, names, pred))

        mono = dict(monotonicity or {})
        for c, direction in mono.items():
            if c not in self.constants:
                raise ValueError(f"{name}: monotonicity given for unknown constant {c!r}")
            if direction not in (-1, 0, 1):
                raise ValueError(f"{name}: monotonicity of {c!r} must be -1, 0 or +1")
        self.monotonicity: Mapping[str, int] = MappingProxyType(
            {c: int(mono.get(c, 0)) for c in self.constants})

        self._value_fn = self._lambdify(self.expr)
        self._term_fns = {t: self._lambdify(e) for t, e in self.terms.items()}
        self._cache: dict[tuple, Callable[..., Any]] = {}

    # ------------------------------------------------------------------ helpers
    def _check_symbols(self, expr: sp.Expr, symbols: Mapping[str, sp.Symbol], what: str) -> None:
        unknown = expr.free_symbols - set(symbols.values())
        if unknown:
            names = sorted(s.name for s in unknown)
            raise ValueError(
                f"{self.name}: {what} uses names {names} that are not constants of the "
                f"bound (constants: {list(symbols)})")

    def _lambdify(self, expr: sp.Expr) -> Callable[..., Any]:
        # Derivatives of Min/Max contain Heaviside, which sympy prints as numpy.select over
        # mixed scalar/array conditions (refused by numpy 2); route it to numpy.heaviside.
        expr = expr.replace(sp.Heaviside, lambda x, *h: _HEAVISIDE(x))
        return sp.lambdify(self._symbols, expr, [{"_metabound_heaviside": _np_heaviside}, "numpy"])

    def _call(self, fn: Callable[..., Any], values: Mapping[str, np.ndarray]) -> np.ndarray:
        args = [values[c] for c in self.constants]
        shape = np.broadcast_shapes(*(np.shape(a) for a in args))
        with np.errstate(divide="ignore", invalid="ignore"):
            out = fn(*args)
        return np.array(np.broadcast_to(np.asarray(out, dtype=float), shape), dtype=float)

    # --------------------------------------------------------------- validation
    def required(self) -> tuple[str, ...]:
        """Names of the constants that have no default and must be given."""
        return tuple(c for c in self.constants if c not in self._defaults)

    def validate(self, strict: bool = False, **constants: Any) -> dict[str, np.ndarray]:
        """Check the constants and fill in defaults.

        Parameters
        ----------
        strict : bool, default False
            Reject names that are not constants of this bound (otherwise they
            are ignored, so a whole parameter row can be passed).
        **constants : array_like
            Values, scalars or arrays that broadcast together.

        Returns
        -------
        dict of str to numpy.ndarray
            Every constant of the bound, defaults filled in.

        Raises
        ------
        ValueError
            For a missing, non-numeric, non-finite, negative or out-of-range
            constant, a violated condition, or (``strict``) an unknown name;
            the message names the constant and the allowed range.
        """
        if strict:
            self._refuse_unknown(constants)
        self._refuse_missing(constants)
        values: dict[str, np.ndarray] = {}
        for cname, const in self.constants.items():
            if cname in constants and constants[cname] is not None:
                values[cname] = as_array(self.name, cname, constants[cname])
                check_value(self.name, const, values[cname])
        self._fill_defaults(values)
        self._broadcast_shape(values)
        for text, names, pred in self._conditions:
            check_condition(self.name, text, names, pred, values)
        return values

    def check_partial(self, **constants: Any) -> None:
        """Check the constants given, and every condition they decide, without requiring the rest.

        Parameters
        ----------
        **constants : array_like
            Some of the bound's constants (names it does not take are ignored).

        Raises
        ------
        ValueError
            A given constant out of its range, or a condition all of whose
            constants are given (or defaulted from given ones) that fails;
            the message names the constant or condition.
        """
        values = {}
        for cname, const in self.constants.items():
            if cname in constants and constants[cname] is not None:
                values[cname] = as_array(self.name, cname, constants[cname])
                check_value(self.name, const, values[cname])
        for text, names, pred in self._conditions:
            if all(n in values for n in names):
                check_condition(self.name, text, names, pred, values)

    def _fill_defaults(self, values: dict[str, np.ndarray], check: bool = True) -> None:
        pending = [c for c in self._defaults if c not in values]
        while pending:
            progressed = False
            for cname in list(pending):
                default = self._defaults[cname]
                if isinstance(default, float):
                    values[cname] = np.asarray(default)
                else:
                    needs = [s.name for s in default.free_symbols]
                    if any(n not in values for n in needs):
                        continue
                    fn = sp.lambdify([self.constants[n].symbol for n in needs], default, "numpy")
                    with np.errstate(divide="ignore", invalid="ignore"):
                        values[cname] = np.asarray(fn(*(values[n] for n in needs)), dtype=float)
                if check:
                    check_value(self.name, self.constants[cname], values[cname])
                pending.remove(cname)
                progressed = True
            if not progressed:
                raise ValueError(f"{self.name}: circular defaults among {pending}")

    # --------------------------------------------------------------- evaluation
    def evaluate(self, strict: bool = False, **constants: Any) -> np.ndarray:
        """Value of the bound, broadcast over array-valued constants.

        Parameters
        ----------
        strict : bool, default False
            Reject names that are not constants of this bound.
        **constants : array_like
            Constant values; arrays broadcast (a whole sweep in one call).

        Returns
        -------
        numpy.ndarray
            The value, with the broadcast shape of the inputs (0-d for scalars).
        """
        values = self.validate(strict=strict, **constants)
        return self._call(self._value_fn, values)

    def _refuse_unknown(self, constants: Mapping[str, Any]) -> None:
        extra = set(constants) - set(self.constants)
        if extra:
            raise ValueError(f"{self.name}: unknown constants {sorted(extra)}; "
                             f"this bound takes {list(self.constants)}")

    def _refuse_missing(self, constants: Mapping[str, Any]) -> None:
        for cname, const in self.constants.items():
            if constants.get(cname) is None and cname not in self._defaults:
                raise ValueError(
                    f"{self.name}: missing constant {cname!r} ({const.description}); "
                    f"allowed range: {const.range_text}; required: {list(self.required())}")

    def _broadcast_shape(self, values: Mapping[str, np.ndarray]) -> tuple[int, ...]:
        try:
            return np.broadcast_shapes(*(np.shape(v) for v in values.values()))
        except ValueError:
            shapes = {n: np.shape(v) for n, v in values.items() if np.ndim(v)}
            raise ValueError(f"{self.name}: constants do not broadcast together: {shapes}") from None

    def evaluate_in_domain(self, **constants: Any) -> np.ndarray:
        """Value of the bound, NaN wherever a constant or condition is outside the domain.

        Unlike :meth:`evaluate`, an entry of an array-valued constant that is
        out of its range, or at which a condition fails, gives NaN at that
        entry instead of an error (a whole sweep or bisection bracket is
        evaluated in one call).  Unknown names, missing constants, and values
        that are not numbers still raise ``ValueError``.

        Parameters
        ----------
        **constants : array_like
            Constant values (arrays broadcast).

        Returns
        -------
        numpy.ndarray
            The value, NaN outside the domain (and wherever it is not finite).
        """
        self._refuse_unknown(constants)
        self._refuse_missing(constants)
        values: dict[str, np.ndarray] = {}
        ok: np.ndarray | bool = True
        for cname, const in self.constants.items():
            if cname in constants and constants[cname] is not None:
                v = as_array(self.name, cname, constants[cname])
                good = const.contains(v)
                ok = ok & good
                values[cname] = np.where(good, v, self._safe_value(const))
        shape = self._broadcast_shape(values)
        filled = [c for c in self._defaults if c not in values]
        self._fill_defaults(values, check=False)      # defaults may leave the range: masked
        for cname in filled:
            ok = ok & self.constants[cname].contains(values[cname])
        for _, names, pred in self._conditions:
            with np.errstate(invalid="ignore"):
                ok = ok & np.asarray(pred(*(values[n] for n in names)), dtype=bool)
        out = self._call(self._value_fn, values)
        out = np.array(np.broadcast_to(out, shape), dtype=float)
        out[~np.broadcast_to(np.asarray(ok, dtype=bool), shape) | ~np.isfinite(out)] = np.nan
        return out

    @staticmethod
    def _safe_value(const: Constant) -> float:
        """A value inside the constant's range (stands in for masked entries)."""
        lo, hi = const.lower, const.upper
        if np.isfinite(lo) and np.isfinite(hi):
            x = (lo + hi) / 2
        elif np.isfinite(lo):
            x = lo + 1
        elif np.isfinite(hi):
            x = hi - 1
        else:
            x = 0.0
        return float(np.ceil(x)) if const.integer else float(x)

    def explain(self, **constants: Any) -> Any:
        """Terms, shares, dominant term and exponents at one point (:func:`bounds.calculator.explain`)."""
        from bounds.calculator import explain
        return explain(self, **constants)

    def solve(self, name: str, target: float, **kwargs: Any) -> Any:
        """The least (or largest) ``name`` at which the bound reaches ``target``
        (:func:`bounds.calculator.solve`)."""
        from bounds.calculator import solve
        return solve(self, name, target, **kwargs)

    def breakdown(self, strict: bool = False, **constants: Any) -> dict[str, np.ndarray]:
        """Value of each named term, in order, broadcast like :meth:`evaluate`."""
        values = self.validate(strict=strict, **constants)
        return {t: self._call(fn, values) for t, fn in self._term_fns.items()}

    def exponent(self, name: str, term: str | None = None, strict: bool = False,
                 **constants: Any) -> np.ndarray:
        """Local scaling exponent ``d log(bound) / d log(name)``.

        Parameters
        ----------
        name : str
            Constant to differentiate in.
        term : str, optional
            Differentiate this term instead of the whole value.
        strict : bool, default False
            Reject names that are not constants of this bound.
        **constants : array_like
            The point (arrays broadcast).

        Returns
        -------
        numpy.ndarray
            ``x * dV/dx / V`` at the point.

        Notes
        -----
        Computed from the symbolic derivative.  Constants with an expression
        default that are not given (and are not ``name``) are substituted by
        their default first, so the exponent is that of the function of the
        given constants.
        """
        if name not in self.constants:
            raise ValueError(f"{self.name}: unknown constant {name!r}; "
                             f"constants: {list(self.constants)}")
        if term is not None and term not in self.terms:
            raise ValueError(f"{self.name}: unknown term {term!r}; terms: {list(self.terms)}")
        values = self.validate(strict=strict, **constants)
        substituted = frozenset(
            c for c, d in self._defaults.items()
            if not isinstance(d, float) and c != name
            and (c not in constants or constants[c] is None))
        key = (term, name, substituted)
        if key not in self._cache:
            expr = self.expr if term is None else self.terms[term]
            expr = self._substitute_defaults(expr, substituted)
            x = self.constants[name].symbol
            self._cache[key] = self._lambdify(sp.diff(expr, x) * x / expr)
        return self._call(self._cache[key], values)

    def _substitute_defaults(self, expr: sp.Expr, names: Iterable[str]) -> sp.Expr:
        names = set(names)
        for _ in range(len(names) + 1):
            subs = {self.constants[c].symbol: self._defaults[c] for c in names
                    if self.constants[c].symbol in expr.free_symbols}
            if not subs:
                break
            expr = expr.subs(subs)
        return expr

    # ----------------------------------------------------------------- display
    def _latex_names(self) -> dict[sp.Symbol, str]:
        return {c.symbol: c.latex_name for c in self.constants.values() if c.latex_name}

    def latex(self, term: str | None = None) -> str:
        """LaTeX of the value (or of one term)."""
        if term is not None and term not in self.terms:
            raise ValueError(f"{self.name}: unknown term {term!r}; terms: {list(self.terms)}")
        expr = self.expr if term is None else self.terms[term]
        return sp.latex(expr, symbol_names=self._latex_names())

    @property
    def formula(self) -> str:
        """The value in the term names, e.g. ``'Min(ceiling, head + perturbation)'``."""
        return str(self.combination)

    def __repr__(self) -> str:
        return f"Bound({self.name!r}, kind={self.kind!r}, explicit={self.explicit})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description of the bound (no numeric values)."""
        return {
            "name": self.name,
            "statement": self.statement,
            "kind": self.kind,
            "explicit": self.explicit,
            "assumptions": list(self.assumptions),
            "derivation": self.derivation,
            "references": list(self.references),
            "constants": {n: c.to_dict() for n, c in self.constants.items()},
            "required": list(self.required()),
            "terms": {t: str(e) for t, e in self.terms.items()},
            "terms_latex": {t: self.latex(t) for t in self.terms},
            "value": self.formula,
            "expr": str(self.expr),
            "latex": self.latex(),
            "conditions": list(self.conditions),
            "monotonicity": dict(self.monotonicity),
            "premises": list(self.premises),
        }

    # ------------------------------------------------------------ construction
    @classmethod
    def from_string(
        cls,
        name: str,
        text: str,
        *,
        constants: Sequence[Constant] = (),
        kind: str = "rate",
        explicit: bool = False,
        statement: str | None = None,
        term: str = "bound",
        **kwargs: Any,
    ) -> Bound:
        """Build a one-term bound from a formula string.

        Parameters
        ----------
        name : str
            Name of the bound.
        text : str
            Formula, e.g. ``"sigma**2*d/m"``; names that are not given in
            ``constants`` are taken from :data:`bounds.constants.STANDARD`.
        constants : sequence of Constant, optional
            Definitions overriding or extending the standard ones.
        kind, explicit, statement, term, **kwargs
            As for :class:`Bound`; ``statement`` defaults to the formula and
            ``derivation`` to ``""``.

        Returns
        -------
        Bound
        """
        given = {c.name: c for c in constants}
        pool = {**STANDARD, **given}
        local = {n: c.symbol for n, c in pool.items()}
        expr = _parse(text, local, f"formula of {name}")
        used = {s.name for s in expr.free_symbols}
        unknown = used - set(pool)
        if unknown:
            raise ValueError(
                f"{name}: unknown names {sorted(unknown)} in {text!r}; "
                f"pass Constant definitions for them")
        order = [n for n in pool if n in used]
        kwargs.setdefault("assumptions", ())
        kwargs.setdefault("derivation", "")
        return cls(name=name, statement=statement or text, kind=kind, explicit=explicit,
                   constants=[pool[n] for n in order], terms={term: expr}, **kwargs)
