"""The bound calculator: explain a bound at a point, invert it, compare bounds.

Three questions a reader of a theory paper asks of a bound, answered from
the bound's one symbolic source (:class:`bounds.Bound`):

* :func:`explain`: at a point, what each term contributes, which term
  dominates, and the bound's local exponent in every constant,
  :math:`\\partial \\log V / \\partial \\log c`;
* :func:`solve`: the sample complexity, the smallest ``m`` (or ``n``,
  ``T``, any constant in which the bound is monotone) at which the bound
  falls to a target, found by bisection on the vectorised expression;
* :func:`compare`: several bounds along a sweep of one constant, side by
  side, with the points where two of them cross.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import sympy as sp

from bounds.expression import Bound

__all__ = ["Comparison", "Crossing", "Explanation", "Solution", "TermShare", "compare",
           "explain", "parse_sweep", "plot_comparison", "solve"]

#: Default upper end of the search for an unbounded constant.
SEARCH_LIMIT = 1e12
#: Grid points of the first, vectorised pass of :func:`solve`.
GRID_POINTS = 257
#: Most points a sweep of :func:`parse_sweep` may have.
MAX_SWEEP = 100_000


def _scalar_point(bound: Bound, constants: dict, skip: str | None = None) -> dict[str, float]:
    point = {}
    for name, value in constants.items():
        if value is None:
            continue
        arr = np.asarray(value, dtype=float) if not isinstance(value, (bool, np.bool_)) else None
        if arr is None or arr.ndim != 0:
            raise ValueError(f"{bound.name}: constant {name!r} must be a single number here, "
                             f"got {value!r}")
        if name != skip:
            point[name] = float(arr)
    return point


def _float(x: Any) -> float:
    return float(np.asarray(x, dtype=float))


# --------------------------------------------------------------------- explain
@dataclass(frozen=True)
class TermShare:
    """One term at a point: its value and its share of the bound's value."""

    name: str
    value: float
    share: float


@dataclass(frozen=True)
class Explanation:
    """A bound explained at one point.

    Attributes
    ----------
    bound : str
    constants : dict
        The point: every constant, defaults filled in.
    value : float
        The bound's value.
    terms : tuple of TermShare
        Every named term, in order; ``share`` is the term's share of the
        value, ``t (dV/dt) / V`` (for a sum, ``t / V``; a branch of a ``Min``
        that is not active has share 0).
    dominant : str
        The term with the largest share.
    exponents : dict
        ``d log V / d log c`` at the point for every constant ``c`` with a
        positive value (NaN where the bound is zero).
    combination : str
        How the terms combine (e.g. ``head + Min(ceiling, slow)``).
    """

    bound: str
    constants: dict
    value: float
    terms: tuple[TermShare, ...]
    dominant: str
    exponents: dict
    combination: str

    def to_dict(self) -> dict:
        return {"bound": self.bound, "constants": dict(self.constants), "value": self.value,
                "combination": self.combination, "dominant": self.dominant,
                "terms": [{"name": t.name, "value": t.value, "share": t.share} for t in self.terms],
                "exponents": dict(self.exponents)}

    def text(self) -> str:
        """A table for people: terms with shares, the dominant term, exponents."""
        width = max(len(t.name) for t in self.terms)
        lines = [f"{self.bound} = {self.value:.6g}   ({self.combination})",
                 "terms (value, share of the bound: t dV/dt / V; 0 for an inactive branch):"]
        for t in self.terms:
            mark = "  <- dominant" if t.name == self.dominant else ""
            share = f"{100 * t.share:6.1f}%" if math.isfinite(t.share) else "    n/a"
            lines.append(f"  {t.name:<{width}}  {t.value:12.6g}  {share}{mark}")
        lines.append("exponents d log(bound) / d log(constant) at this point:")
        for c, e in self.exponents.items():
            lines.append(f"  {c:<8} {'n/a' if not math.isfinite(e) else f'{e:+.4g}'}")
        return "\n".join(lines)


def _shares(bound: Bound, parts: dict[str, float], value: float) -> dict[str, float]:
    """Each term's share of the value: t_j (dV/dt_j) / V, V the combination of the terms.

    For a sum this is t_j / V; in ``Min``/``Max`` the inactive branches get 0
    and tied branches split their share (the derivative of ``Min`` is a
    Heaviside step, 1/2 at a tie).  The shares sum to 1 whenever V is
    positively homogeneous of degree 1 in the terms (sums, ``Min``, ``Max``,
    and their compositions).
    """
    symbols = {t: sp.Symbol(t) for t in parts}
    at = {symbols[t]: sp.Float(v) for t, v in parts.items()}
    out = {}
    for t in parts:
        try:
            slope = float(sp.diff(bound.combination, symbols[t]).subs(at).doit())
        except (TypeError, ValueError):
            slope = math.nan
        out[t] = parts[t] * slope / value if value != 0 else math.nan
    return out


def explain(bound: Bound, *, exponents: bool = True, **constants: Any) -> Explanation:
    """Explain ``bound`` at one point.

    Parameters
    ----------
    bound : Bound
    exponents : bool, default True
        Also the exponent in every constant (a symbolic derivative per
        constant: the slow part; ``False`` leaves ``exponents`` empty).
    **constants : float
        The point (single numbers; unknown names are refused).

    Returns
    -------
    Explanation

    Raises
    ------
    ValueError
        A constant that is missing, not a single number or out of range, a
        condition that fails, or an unknown name.
    """
    point = _scalar_point(bound, constants)
    full = {n: _float(v) for n, v in bound.validate(strict=True, **point).items()}
    value = _float(bound.evaluate(**point))
    parts = {t: _float(v) for t, v in bound.breakdown(**point).items()}
    shares = _shares(bound, parts, value)
    terms = tuple(TermShare(t, v, shares[t]) for t, v in parts.items())
    dominant = max(parts, key=lambda t: (shares[t] if math.isfinite(shares[t]) else -1, parts[t]))
    slopes = {}
    for c in (bound.constants if exponents else ()):
        if full[c] > 0:
            e = _float(bound.exponent(c, **point)) if value != 0 else math.nan
            slopes[c] = e if math.isfinite(e) else math.nan
    return Explanation(bound=bound.name, constants=full, value=value, terms=terms,
                       dominant=dominant, exponents=slopes, combination=str(bound.combination))


# ----------------------------------------------------------------------- solve
@dataclass(frozen=True)
class Solution:
    """The result of :func:`solve`.

    Attributes
    ----------
    bound, name : str
        The bound and the constant solved for.
    value : float
        The least value of ``name`` at which the bound is at most ``target``
        (``direction = -1``: the bound decreases in ``name``), or the largest
        (``direction = +1``); an integer for integer constants.
    bound_value : float
        The bound at ``value`` (at most ``target``).
    target : float
    direction : int
        -1 or +1, the bound's monotonicity in ``name`` on the search range.
    constants : dict
        The other constants.
    """

    bound: str
    name: str
    value: float
    bound_value: float
    target: float
    direction: int
    constants: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"bound": self.bound, "solve": self.name, "value": self.value,
                "bound_value": self.bound_value, "target": self.target,
                "direction": self.direction, "constants": dict(self.constants)}

    def text(self) -> str:
        word = "smallest" if self.direction < 0 else "largest"
        v = f"{int(self.value)}" if float(self.value).is_integer() else f"{self.value:.6g}"
        return (f"{word} {self.name} with {self.bound} <= {self.target:g}: {self.name} = {v} "
                f"(bound there {self.bound_value:.6g})")


def _limit(bound: Bound, name: str, point: dict, at: float) -> float:
    """The bound's limit as ``name`` goes to ``at`` (sympy; the value at the
    end of the search range when sympy cannot take the limit)."""
    given = {bound.constants[c].symbol: sp.Float(v) for c, v in point.items()}
    defaults = [c for c in bound.constants if c not in point and c != name
                and c not in bound.required()]
    try:
        expr = bound._substitute_defaults(bound.expr, defaults)   # noqa: SLF001 (same package)
        lim = sp.limit(expr.subs(given), bound.constants[name].symbol,
                       sp.oo if math.isinf(at) else sp.Float(at))
        return float(lim)
    except Exception:                                              # sympy gave up
        end = at if math.isfinite(at) else SEARCH_LIMIT
        return _float(bound.evaluate_in_domain(**point, **{name: end}))


def _grid(lo: float, hi: float, integer: bool) -> np.ndarray:
    if lo > 0:
        g = np.geomspace(lo, hi, GRID_POINTS)
    else:
        g = np.linspace(lo, hi, GRID_POINTS)
    if integer:
        g = np.unique(np.concatenate([np.ceil(g), [math.ceil(lo), math.floor(hi)]]))
        g = g[(g >= lo) & (g <= hi)]
    g[0], g[-1] = (math.ceil(lo), math.floor(hi)) if integer else (lo, hi)
    return np.unique(g)


def solve(bound: Bound, name: str, target: float, *, lower: float | None = None,
          upper: float | None = None, **constants: Any) -> Solution:
    """Invert a monotone bound: the least ``name`` at which it is at most ``target``.

    Parameters
    ----------
    bound : Bound
    name : str
        The constant to solve for (``m``, ``n``, ``T``, ...).  The bound must
        be monotone in it: declared in :attr:`Bound.monotonicity`, or found
        monotone on the search grid.
    target : float
        A finite level.
    lower, upper : float, optional
        Search range (default: the constant's range; an unbounded upper end
        is searched up to ``1e12``).
    **constants : float
        The other constants (single numbers).

    Returns
    -------
    Solution
        For a bound that decreases in ``name``: the least value with
        ``bound <= target``; for one that increases: the largest.

    Raises
    ------
    ValueError
        Unknown constant, constants that are not single numbers or out of
        range, a non-finite target, a bound that is not monotone in ``name``
        on the range, or a target the bound never reaches there (the message
        names the bound's limit at the end of the range).

    Notes
    -----
    A vectorised pass evaluates the bound on a grid of the range
    (geometric when the range is positive, :data:`GRID_POINTS` points), NaN
    outside the bound's domain (its conditions, e.g. ``m > d + 1``); the
    first grid interval where ``bound <= target`` starts to hold is then
    bisected, over the integers for integer constants, to a relative width
    of 1e-12 otherwise.  Monotonicity makes the predicate
    ``bound(x) <= target`` one-sided, so bisection returns its boundary.
    """
    if name not in bound.constants:
        raise ValueError(f"{bound.name}: unknown constant {name!r} to solve for; "
                         f"constants: {list(bound.constants)}")
    try:
        target = float(target)
    except (TypeError, ValueError):
        raise ValueError(f"target must be a number, got {target!r}") from None
    if not math.isfinite(target):
        raise ValueError(f"target must be finite, got {target}")
    point = _scalar_point(bound, constants, skip=name)
    if name in constants and constants[name] is not None:
        raise ValueError(f"{bound.name}: {name!r} is solved for; do not give its value")
    unknown = set(point) - set(bound.constants)
    if unknown:
        raise ValueError(f"{bound.name}: unknown constants {sorted(unknown)}; "
                         f"this bound takes {list(bound.constants)}")
    const = bound.constants[name]
    lo = const.lower if lower is None else float(lower)
    hi = (const.upper if math.isfinite(const.upper) else SEARCH_LIMIT) if upper is None else float(upper)
    if const.lower_open and lower is None:
        lo = lo + 1 if const.integer else (lo + max(abs(lo), 1.0) * 1e-9)
    if const.upper_open and upper is None and math.isfinite(const.upper):
        hi = hi - 1 if const.integer else hi - max(abs(hi), 1.0) * 1e-9
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"{bound.name}: search range for {name!r} must be finite with "
                         f"lower < upper, got [{lo}, {hi}]")
    for end, v in (("lower", lo), ("upper", hi)):
        if not const.contains(v):
            raise ValueError(f"{bound.name}: {end} end {v:g} of the search is outside the range "
                             f"of {name!r}: {const.range_text}")
    grid = _grid(lo, hi, const.integer)
    values = bound.evaluate_in_domain(**point, **{name: grid})
    inside = np.isfinite(values)
    if not inside.any():
        raise ValueError(f"{bound.name}: no {name} in [{lo:g}, {hi:g}] is in the bound's domain "
                         f"at the given constants (conditions: {', '.join(bound.conditions) or 'none'})")
    direction = bound.monotonicity.get(name, 0)
    v = values[inside]
    scale = max(float(np.max(np.abs(v))), 1e-300)
    steps = np.diff(v)
    if direction == 0:
        if np.all(steps <= 1e-12 * scale):
            direction = -1
        elif np.all(steps >= -1e-12 * scale):
            direction = +1
    if direction == 0 or (direction < 0 and np.any(steps > 1e-9 * scale)) \
            or (direction > 0 and np.any(steps < -1e-9 * scale)):
        raise ValueError(f"{bound.name}: the bound is not monotone in {name!r} on "
                         f"[{lo:g}, {hi:g}] at the given constants: cannot invert it")
    ok = inside & (values <= target)
    if not ok.any():
        end = grid[inside][-1] if direction < 0 else grid[inside][0]
        at = (math.inf if (direction < 0 and upper is None and not math.isfinite(const.upper))
              else end)
        limit = _limit(bound, name, point, at)
        where = f"{name} -> infinity" if math.isinf(at) else f"{name} = {end:g}"
        raise ValueError(f"{bound.name}: never reaches the target {target:g} for {name} in "
                         f"[{lo:g}, {hi:g}]: its limit at {where} is {limit:.6g}")

    def good(x: float) -> bool:
        val = _float(bound.evaluate_in_domain(**point, **{name: x}))
        return math.isfinite(val) and val <= target

    idx = np.flatnonzero(ok)
    if direction < 0:
        j = int(idx[0])
        a, b = (grid[j - 1], grid[j]) if j > 0 else (None, grid[j])   # good(b), not good(a)
    else:
        j = int(idx[-1])
        a, b = (grid[j + 1], grid[j]) if j + 1 < len(grid) else (None, grid[j])
    if a is not None:
        if const.integer:
            a, b = int(a), int(b)
            while abs(b - a) > 1:
                mid = (a + b) // 2
                if good(mid):
                    b = mid
                else:
                    a = mid
        else:
            for _ in range(200):
                if abs(b - a) <= 1e-12 * max(abs(a), abs(b), 1e-300):
                    break
                mid = math.sqrt(a * b) if a > 0 and b > 0 else (a + b) / 2
                if good(mid):
                    b = mid
                else:
                    a = mid
    x = float(b)
    return Solution(bound=bound.name, name=name, value=x,
                    bound_value=_float(bound.evaluate_in_domain(**point, **{name: x})),
                    target=target, direction=direction, constants=point)


# --------------------------------------------------------------------- compare
def parse_sweep(text: str, integer: bool = False) -> tuple[str, np.ndarray]:
    """Read ``NAME=LO:HI[:N]`` (N points, geometric when LO > 0; default 25)
    or ``NAME=V1,V2,...``.

    Integer constants get rounded, de-duplicated values.
    """
    name, sep, spec = text.partition("=")
    name = name.strip()
    if not sep or not name or not spec:
        raise ValueError(f"--sweep: expected NAME=LO:HI[:N] or NAME=V1,V2,..., got {text!r}")
    try:
        if ":" in spec:
            parts = spec.split(":")
            if len(parts) not in (2, 3):
                raise ValueError
            lo, hi = float(parts[0]), float(parts[1])
            count = int(parts[2]) if len(parts) == 3 else 25
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi and 2 <= count <= MAX_SWEEP):
                raise ValueError
            values = np.geomspace(lo, hi, count) if lo > 0 else np.linspace(lo, hi, count)
        else:
            values = np.array([float(v) for v in spec.split(",")])
            if not np.all(np.isfinite(values)) or values.size > MAX_SWEEP:
                raise ValueError
    except ValueError:
        raise ValueError(f"--sweep: expected NAME=LO:HI[:N] (LO < HI, 2 <= N <= {MAX_SWEEP:,}) or "
                         f"NAME=V1,V2,... of at most {MAX_SWEEP:,} finite numbers, got {text!r}") from None
    if integer:
        values = np.unique(np.round(values))
    return name, np.asarray(values, dtype=float)


@dataclass(frozen=True)
class Crossing:
    """Two bounds swap order between ``left`` and ``right`` (approximately at ``at``)."""

    first: str
    second: str
    left: float
    right: float
    at: float
    below_after: str          # the bound that is lower after the crossing


@dataclass(frozen=True)
class Comparison:
    """Bounds along a sweep of one constant (NaN outside a bound's domain)."""

    name: str
    values: np.ndarray
    bounds: tuple[str, ...]
    table: dict
    crossings: tuple[Crossing, ...]
    constants: dict
    kinds: dict = field(default_factory=dict)     # bound -> "upper, explicit", "rate, rate only", ...
    excluded: dict = field(default_factory=dict)  # bound -> premises the constants given violate (values NaN there)

    def to_dict(self) -> dict:
        def num(x):
            return float(x) if math.isfinite(x) else None
        return {"sweep": self.name, "values": [float(v) for v in self.values],
                "constants": dict(self.constants), "kinds": dict(self.kinds),
                "excluded": {b: list(v) for b, v in self.excluded.items()},
                "bounds": {b: [num(v) for v in self.table[b]] for b in self.bounds},
                "crossings": [{"first": c.first, "second": c.second, "between": [c.left, c.right],
                               "at": c.at, "below_after": c.below_after} for c in self.crossings]}

    def text(self) -> str:
        cols = [self.name, *self.bounds]
        width = [max(len(c), 12) for c in cols]
        lines = ["  ".join(f"{c:>{w}}" for c, w in zip(cols, width))]
        for i, x in enumerate(self.values):
            cells = [f"{x:>{width[0]}.6g}"]
            for b, w in zip(self.bounds, width[1:]):
                v = self.table[b][i]
                cells.append(f"{v:>{w}.5g}" if math.isfinite(v) else f"{'-':>{w}}")
            lines.append("  ".join(cells))
        if self.kinds:
            lines.append("kinds: " + "; ".join(f"{b} [{k}]" for b, k in self.kinds.items()))
        for b, why in self.excluded.items():
            lines.append(f"{b}: not applicable where its premise fails: {'; '.join(why)}")
        if any(not np.all(np.isfinite(self.table[b])) for b in self.bounds):
            lines.append("(-: outside the bound's domain or premises)")
        if self.crossings:
            lines.append("crossings:")
            for c in self.crossings:
                lines.append(f"  {c.first} and {c.second} cross at {self.name} ~ {c.at:.4g} "
                             f"(between {c.left:g} and {c.right:g}); {c.below_after} is lower after")
        else:
            lines.append("crossings: none in the sweep")
        return "\n".join(lines)


def _premise_mask(bound: Bound, given: dict, name: str, xs: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Where along ``name = xs`` the bound's premises that the given constants decide hold.

    A premise (``"delta0 <= 0"``) is decided here when every name in it is a
    constant given to the comparison or the swept one (premises on
    per-replicate columns stay for ``metabound verify``).  Returns the mask and
    the premises that fail somewhere, each with where.
    """
    from bounds.formula import parse_formula

    mask = np.ones(xs.shape, dtype=bool)
    failing = []
    known = {**given, name: xs}
    for text in bound.premises:
        rel = parse_formula(text, lambda n: sp.Symbol(n), relation=True)
        names = sorted(str(sym) for sym in rel.free_symbols)
        if not names or not all(n in known for n in names):
            continue
        holds = np.broadcast_to(np.asarray(sp.lambdify(names, rel, "numpy")(*(known[n] for n in names)),
                                           dtype=bool), xs.shape)
        if not holds.all():
            where = ", ".join(f"{n}={given[n]:g}" for n in names if n != name)
            if name in names:
                where = (where + ", " if where else "") + f"{name} in [{xs[~holds].min():g}, {xs[~holds].max():g}]"
            failing.append(f"{text} (at {where})")
        mask &= holds
    return mask, failing


def _own_constants(bound: Bound, constants: dict) -> dict:
    return {n: v for n, v in constants.items() if n in bound.constants}


def compare(bounds: Sequence[Bound], name: str, values: Sequence[float],
            **constants: Any) -> Comparison:
    """Evaluate several bounds along ``name = values``, with their crossings.

    Parameters
    ----------
    bounds : sequence of Bound
        At least one; each must take the constant ``name``.
    name : str
        The swept constant.
    values : sequence of float
        Its values (sorted increasingly here).
    **constants : float
        The other constants (single numbers); each bound takes the ones it
        knows, so one point serves every bound.  A constant no bound takes
        is refused.

    Returns
    -------
    Comparison
        The values of each bound (NaN outside its domain) and every crossing
        of two bounds between consecutive sweep values (where their
        difference changes sign), located by bisection for a real constant
        and as the first integer after which the order has changed for an
        integer one.
    """
    if not bounds:
        raise ValueError("compare needs at least one bound")
    for b in bounds:
        if name not in b.constants:
            raise ValueError(f"{b.name}: does not take the swept constant {name!r}; "
                             f"constants: {list(b.constants)}")
    point = {}
    for b in bounds:
        point.update(_scalar_point(b, _own_constants(b, constants), skip=name))
    unused = set(constants) - set(point) - {name}
    unused = {u for u in unused if not any(u in b.constants for b in bounds)}
    if unused:
        raise ValueError(f"constants {sorted(unused)} are taken by none of the bounds compared")
    xs = np.unique(np.asarray(values, dtype=float))
    if xs.size == 0 or not np.all(np.isfinite(xs)):
        raise ValueError(f"the sweep of {name!r} needs finite values")
    table = {b.name: b.evaluate_in_domain(**_own_constants(b, point), **{name: xs}) for b in bounds}
    excluded = {}
    for b in bounds:
        mask, failing = _premise_mask(b, point, name, xs)
        if failing:
            table[b.name] = np.where(mask, table[b.name], np.nan)
            excluded[b.name] = tuple(failing)
    if not any(np.isfinite(v).any() for v in table.values()):
        raise ValueError(f"no value of the sweep of {name!r} is in the domain (and premises) of any bound compared"
                         + (f"; premises failing: {excluded}" if excluded else ""))
    integer = all(b.constants[name].integer for b in bounds)
    crossings = []
    for i, a in enumerate(bounds):
        for b in bounds[i + 1:]:
            diff = table[a.name] - table[b.name]
            for j in range(len(xs) - 1):
                d0, d1 = diff[j], diff[j + 1]
                if not (math.isfinite(d0) and math.isfinite(d1)) or d0 * d1 >= 0:
                    continue
                lo, hi = float(xs[j]), float(xs[j + 1])

                def sign(x: float) -> float:
                    va = _float(a.evaluate_in_domain(**_own_constants(a, point), **{name: x}))
                    vb = _float(b.evaluate_in_domain(**_own_constants(b, point), **{name: x}))
                    return va - vb

                l, h = lo, hi
                if integer:
                    l, h = int(l), int(h)
                    while h - l > 1:
                        mid = (l + h) // 2
                        s = sign(mid)
                        if math.isfinite(s) and s * d0 > 0:
                            l = mid
                        else:
                            h = mid
                else:
                    for _ in range(100):
                        mid = (l + h) / 2
                        s = sign(mid)
                        if math.isfinite(s) and s * d0 > 0:
                            l = mid
                        else:
                            h = mid
                        if h - l <= 1e-10 * max(abs(h), 1.0):
                            break
                crossings.append(Crossing(a.name, b.name, lo, hi, float(h),
                                          a.name if d1 < 0 else b.name))
    kinds = {b.name: f"{b.kind}, {'explicit constants' if b.explicit else 'rate only'}"
             for b in bounds}
    return Comparison(name=name, values=xs, bounds=tuple(b.name for b in bounds), table=table,
                      crossings=tuple(crossings), constants=point, kinds=kinds, excluded=excluded)


def plot_comparison(comparison: Comparison, path: str) -> None:
    """Draw a :class:`Comparison` (log-log where the values allow it), crossings marked."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    positive = comparison.values.min() > 0 and all(
        np.nanmin(np.where(np.isfinite(v), v, np.nan)) > 0
        for v in comparison.table.values() if np.isfinite(v).any())
    for b in comparison.bounds:
        kind = comparison.kinds.get(b, "")
        ax.plot(comparison.values, comparison.table[b], marker=".",
                label=f"{b} [{kind}]" if kind else b,
                ls="--" if "rate only" in kind else "-")
    for c in comparison.crossings:
        ax.axvline(c.at, color="0.6", lw=0.8, ls=":")
    if positive:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(comparison.name)
    ax.set_ylabel("bound")
    fixed = ", ".join(f"{k}={v:g}" for k, v in comparison.constants.items())
    ax.set_title(f"bounds against {comparison.name}" + (f" ({fixed})" if fixed else ""), fontsize=8)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
