"""The one safe parser of formulas: bound expressions, conditions and premises, from claims files and code alike.

A formula is a Python-like arithmetic string, e.g. ``"1.1*sigma**2*d/(m - d - 1)"``,
parsed with :mod:`ast` and converted node by node into :mod:`sympy`; nothing
in it is ever evaluated by Python (no ``eval``, no ``sympify``), so a claims
file cannot run code.  Allowed: numbers, names, ``+ - * / **``, unary signs,
parentheses, the functions ``sqrt, log, exp, Min, Max`` and, with
``relation=True``, one comparison ``< <= > >=`` between two such expressions.
"""

from __future__ import annotations

import ast
from typing import Callable, Mapping

import sympy

__all__ = ["FUNCTIONS", "FormulaError", "parse_formula"]

#: Functions a formula may call, with their arity (None = 2 or more).
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
_COMPARE = {ast.Lt: sympy.StrictLessThan, ast.LtE: sympy.LessThan, ast.Gt: sympy.StrictGreaterThan,
            ast.GtE: sympy.GreaterThan}


class FormulaError(ValueError):
    """A formula outside the grammar, or naming something it may not."""


def parse_formula(text: str, symbols: Mapping[str, sympy.Symbol] | Callable[[str], sympy.Symbol | None], *,
                  relation: bool = False, allowed_text: str | None = None) -> sympy.Expr:
    """Parse ``text`` into a sympy expression (or relation) over the given symbols.

    Parameters
    ----------
    text : str
        The formula.
    symbols : mapping or callable
        Name -> symbol, or a function returning the symbol of a name (None
        when the name is not allowed).
    relation : bool
        Accept (and require) one comparison at the top.
    allowed_text : str, optional
        The allowed names as listed in the error for an unknown name
        (default: the mapping's keys).

    Raises
    ------
    FormulaError
        If the text does not parse, uses a construct outside the grammar, or
        names anything the symbols do not provide.
    """
    lookup = symbols.get if isinstance(symbols, Mapping) else symbols
    if allowed_text is None and isinstance(symbols, Mapping):
        allowed_text = ", ".join(sorted(symbols))
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("must be a non-empty string expression")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"expression {text!r} does not parse ({exc.msg})") from None

    def conv(node: ast.AST) -> sympy.Expr:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise FormulaError(f"constant {node.value!r} is not a number")
            return sympy.Integer(node.value) if isinstance(node.value, int) else sympy.Float(node.value)
        if isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                raise FormulaError(f"function {node.id!r} used without a call")
            sym = lookup(node.id)
            if sym is None:
                raise FormulaError(f"unknown name {node.id!r} in {text!r}; allowed: {allowed_text}")
            return sym
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.BitXor):
                raise FormulaError(f"'^' in {text!r}: write powers as '**'")
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise FormulaError(f"operator {type(node.op).__name__} not allowed")
            return op(conv(node.left), conv(node.right))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -conv(node.operand)
            if isinstance(node.op, ast.UAdd):
                return conv(node.operand)
            raise FormulaError(f"operator {type(node.op).__name__} not allowed")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                name = getattr(node.func, "id", ast.unparse(node.func))
                raise FormulaError(f"unknown function {name!r} in {text!r}; allowed: {', '.join(FUNCTIONS)}")
            if node.keywords:
                raise FormulaError(f"keyword arguments not allowed in {node.func.id}()")
            fn, arity = FUNCTIONS[node.func.id]
            if arity is not None and len(node.args) != arity:
                raise FormulaError(f"{node.func.id}() takes {arity} argument(s)")
            if arity is None and len(node.args) < 2:
                raise FormulaError(f"{node.func.id}() takes at least 2 arguments")
            return fn(*(conv(a) for a in node.args))
        if isinstance(node, ast.Compare):
            raise FormulaError(f"a comparison is not allowed inside an expression ({text!r})")
        raise FormulaError(f"{type(node).__name__} not allowed in a bound expression ({text!r})")

    body = tree.body
    if relation:
        if not (isinstance(body, ast.Compare) and len(body.ops) == 1 and type(body.ops[0]) in _COMPARE):
            raise FormulaError(f"{text!r} is not a relation (one comparison 'lhs OP rhs', OP one of <, <=, >, >=)")
        return _COMPARE[type(body.ops[0])](conv(body.left), conv(body.comparators[0]), evaluate=False)
    return conv(body)
