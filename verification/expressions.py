"""Safe parsing and vectorised evaluation of bound expressions.

A bound is written as a Python-like arithmetic string, e.g.
``"1.1*sigma**2*d/(m - d - 1)"``.  The string is parsed with :mod:`ast` and
converted node by node into a :mod:`sympy` expression; nothing in it is ever
evaluated by Python (``eval``/``sympify`` are not used), so a claims file
cannot run code.  Allowed are: numbers, the names passed as ``allowed``,
``+ - * / **``, unary minus, parentheses and the functions
``sqrt, log, exp, Min, Max``.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import sympy

from .errors import ClaimError

__all__ = ["FUNCTIONS", "BoundExpression", "Premise", "parse_bound", "parse_premise"]

#: Functions a bound expression may call, with their arity (None = 2 or more).
FUNCTIONS = {
    "sqrt": (sympy.sqrt, 1),
    "log": (sympy.log, 1),
    "exp": (sympy.exp, 1),
    "Min": (sympy.Min, None),
    "Max": (sympy.Max, None),
}

_BINOPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a ** b,
}


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

    def err(msg: str) -> ClaimError:
        return ClaimError(msg, claim=claim, field=field)

    if not isinstance(text, str) or not text.strip():
        raise err("must be a non-empty string expression")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise err(f"expression {text!r} does not parse ({exc.msg})") from None

    symbols: dict[str, sympy.Symbol] = {}

    def conv(node: ast.AST) -> sympy.Expr:
        if isinstance(node, ast.Expression):
            return conv(node.body)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise err(f"constant {node.value!r} is not a number")
            if isinstance(node.value, int):
                return sympy.Integer(node.value)
            return sympy.Float(node.value)
        if isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                raise err(f"function {node.id!r} used without a call")
            if node.id not in allowed:
                raise err(f"unknown name {node.id!r} in {text!r}; allowed: "
                          f"{', '.join(sorted(allowed))}")
            return symbols.setdefault(node.id, sympy.Symbol(node.id, real=True))
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.BitXor):
                raise err(f"'^' in {text!r}: write powers as '**'")
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise err(f"operator {type(node.op).__name__} not allowed")
            return op(conv(node.left), conv(node.right))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -conv(node.operand)
            if isinstance(node.op, ast.UAdd):
                return conv(node.operand)
            raise err(f"operator {type(node.op).__name__} not allowed")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                name = getattr(node.func, "id", ast.unparse(node.func))
                raise err(f"unknown function {name!r} in {text!r}; allowed: "
                          f"{', '.join(FUNCTIONS)}")
            if node.keywords:
                raise err(f"keyword arguments not allowed in {node.func.id}()")
            fn, arity = FUNCTIONS[node.func.id]
            if arity is not None and len(node.args) != arity:
                raise err(f"{node.func.id}() takes {arity} argument(s)")
            if arity is None and len(node.args) < 2:
                raise err(f"{node.func.id}() takes at least 2 arguments")
            return fn(*(conv(a) for a in node.args))
        raise err(f"{type(node).__name__} not allowed in a bound expression "
                  f"({text!r})")

    expr = conv(tree)
    names = tuple(sorted(symbols))
    return BoundExpression(text=text.strip(), expr=expr, names=names,
                           _symbols=tuple(symbols[n] for n in names))


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
