"""Bound expressions of claims: parsing over the claim's names and vectorised evaluation.

A bound is written as a Python-like arithmetic string, e.g.
``"1.1*sigma**2*d/(m - d - 1)"``, parsed by the one safe parser of the suite,
:func:`bounds.formula.parse_formula` (:mod:`ast` to :mod:`sympy`; nothing is
evaluated by Python, so a claims file cannot run code).  Allowed are:
numbers, the names passed as ``allowed``, ``+ - * / **``, unary minus,
parentheses and the functions ``sqrt, log, exp, Min, Max``.  A claim that
names a registered bound carries that bound's own sympy expression
(:func:`expression_of`), not a re-parsed copy.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import sympy

from bounds.formula import FUNCTIONS, FormulaError, parse_formula

from .errors import ClaimError

__all__ = ["FUNCTIONS", "BoundExpression", "Premise", "parse_bound", "parse_premise", "expression_of"]

@dataclass(frozen=True)
class BoundExpression:
    """A parsed bound: the source text, its sympy form and the names it uses."""

    text: str
    expr: sympy.Expr
    names: tuple[str, ...]
    _symbols: tuple[sympy.Symbol, ...] = field(repr=False, default=())

    @functools.cached_property
    def _function(self) -> Callable[..., Any]:
        """The expression compiled once by ``sympy.lambdify`` (numpy), in the order of ``names``."""
        return sympy.lambdify(self._symbols, self.expr, modules="numpy")

    def __getstate__(self) -> dict:
        """Pickle without the compiled function (it is rebuilt on first use)."""
        state = dict(self.__dict__)
        state.pop("_function", None)
        return state

    def evaluate(self, values: Mapping[str, object]) -> np.ndarray:
        """Evaluate on ``values`` (scalars or arrays, broadcast together).

        Returns a float array of the broadcast shape (0-d for all scalars).
        """
        missing = [n for n in self.names if n not in values]
        if missing:
            raise KeyError(f"no value for {', '.join(missing)}")
        args = [np.asarray(values[n], dtype=float) for n in self.names]
        shape = np.broadcast_shapes(*(a.shape for a in args)) if args else ()
        args = [np.broadcast_to(a, shape).astype(float) for a in args]
        with np.errstate(all="ignore"):
            out = np.asarray(self._function(*args), dtype=float)
        return np.broadcast_to(out, shape).astype(float)

    def latex(self) -> str:
        return sympy.latex(self.expr)

    def __str__(self) -> str:
        return self.text


def parse_bound(text: str, allowed: Iterable[str], *, claim: str | None = None,
                field: str = "bound") -> BoundExpression:
    """Parse ``text`` into a :class:`BoundExpression`.

    Parameters
    ----------
    text : str
        The expression.
    allowed : iterable of str
        Names the expression may use.
    claim, field : str
        Used in error messages.

    Raises
    ------
    ClaimError
        If the text does not parse, uses a construct outside the grammar above,
        or names anything not in ``allowed``.
    """
    allowed = set(allowed)
    symbols: dict[str, sympy.Symbol] = {}

    def symbol(name: str) -> sympy.Symbol | None:
        if name not in allowed:
            return None
        return symbols.setdefault(name, sympy.Symbol(name, real=True))

    try:
        expr = parse_formula(text, symbol, allowed_text=", ".join(sorted(allowed)))
    except FormulaError as exc:
        raise ClaimError(str(exc), claim=claim, field=field) from None
    return expression_of(text.strip(), expr)


def expression_of(text: str, expr: sympy.Expr) -> BoundExpression:
    """A :class:`BoundExpression` of an already built sympy expression (e.g. a registered bound's own),
    without re-parsing any text; ``text`` is what reports show."""
    symbols = {s.name: s for s in expr.free_symbols}
    names = tuple(sorted(symbols))
    return BoundExpression(text=text, expr=expr, names=names, _symbols=tuple(symbols[n] for n in names))


_COMPARE_TEXT = {ast.LtE: "<=", ast.Lt: "<", ast.GtE: ">=", ast.Gt: ">"}


@dataclass(frozen=True)
class Premise:
    """A checkable premise ``lhs OP rhs`` (``OP`` one of ``<= < >= >``) of a bound."""

    text: str
    lhs: BoundExpression
    op: str
    rhs: BoundExpression

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.lhs.names) | set(self.rhs.names)))

    def holds(self, values: Mapping[str, object]) -> np.ndarray:
        """Boolean array: where the inequality holds.  A NaN on either side does not hold."""
        compare = {"<=": np.less_equal, "<": np.less, ">=": np.greater_equal, ">": np.greater}[self.op]
        a, b = self.lhs.evaluate(values), self.rhs.evaluate(values)
        with np.errstate(invalid="ignore"):
            return np.asarray(compare(a, b) & np.isfinite(a) & ~np.isnan(b), dtype=bool)

    def __str__(self) -> str:
        return self.text


def parse_premise(text: str, allowed: Iterable[str], *, claim: str | None = None,
                  field: str = "premises") -> Premise:
    """Parse ``"lhs <= rhs"`` (or ``<``, ``>=``, ``>``), each side a bound expression.

    Raises
    ------
    ClaimError
        If the text is not a single comparison of two expressions of the grammar
        of :func:`parse_bound` over ``allowed``.
    """
    def err(msg: str) -> ClaimError:
        return ClaimError(msg, claim=claim, field=field)

    if not isinstance(text, str) or not text.strip():
        raise err("a premise must be a non-empty string such as 'delta_norm <= ft_radius'")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise err(f"premise {text!r} does not parse ({exc.msg})") from None
    if not isinstance(tree, ast.Compare) or len(tree.ops) != 1 or type(tree.ops[0]) not in _COMPARE_TEXT:
        raise err(f"premise {text!r} must be one comparison 'lhs <= rhs' (or <, >=, >)")
    lhs = parse_bound(ast.unparse(tree.left), allowed, claim=claim, field=field)
    rhs = parse_bound(ast.unparse(tree.comparators[0]), allowed, claim=claim, field=field)
    return Premise(text=text.strip(), lhs=lhs, op=_COMPARE_TEXT[type(tree.ops[0])], rhs=rhs)
