"""Named constants that bounds are written in, with their allowed ranges.

A :class:`Constant` is a name, a description, a domain (lower and upper end,
open or closed, integer or real) and an optional default.  The names follow
the simulator's parameter names wherever they mean the same thing
(``d, k, T, n, m, sigma, delta0, eps, nu, fail_prob``); the others are
specific to the bounds (``L, b, c_w, R, tau2, eta, s, G, rep_error, width,
R_phi``).

:data:`STANDARD` holds the shared definitions; a bound that needs a different
default or range derives its own with :meth:`Constant.replace`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import sympy as sp

__all__ = ["Constant", "STANDARD", "standard"]


@dataclasses.dataclass(frozen=True)
class Constant:
    """A named constant of a bound and its allowed range.

    Parameters
    ----------
    name : str
        Name used as a keyword argument of :meth:`bounds.Bound.evaluate`.
    description : str
        One-line meaning of the constant.
    lower, upper : float
        Ends of the allowed range (``-inf`` / ``inf`` when unbounded).
    lower_open, upper_open : bool
        Whether the corresponding end is excluded.
    integer : bool
        Whether values must be integers.
    default : float, str or None
        Value used when the constant is not given.  A string is a sympy
        expression in other constants of the same bound (for example
        ``"1/(2*eps*(d - k))"``), evaluated from their values.
    latex_name : str or None
        LaTeX used for the symbol; ``None`` lets sympy choose.

    Notes
    -----
    The sympy symbol is declared positive when the range excludes zero from
    below, non-negative when it starts at zero, and real otherwise, so that
    symbolic simplification knows the sign.
    """

    name: str
    description: str
    lower: float = 0.0
    upper: float = math.inf
    lower_open: bool = True
    upper_open: bool = False
    integer: bool = False
    default: float | str | None = None
    latex_name: str | None = None

    @property
    def symbol(self) -> sp.Symbol:
        """The sympy symbol standing for this constant."""
        assumptions: dict[str, bool] = {"real": True}
        if self.lower > 0 or (self.lower == 0 and self.lower_open):
            assumptions = {"positive": True}
        elif self.lower == 0:
            assumptions = {"nonnegative": True}
        if self.integer:
            assumptions["integer"] = True
        return sp.Symbol(self.name, **assumptions)

    @property
    def range_text(self) -> str:
        """The allowed range as text, e.g. ``'0 < fail_prob < 1'``."""
        kind = "integer" if self.integer else "real"
        parts = []
        if math.isfinite(self.lower):
            parts.append(f"{_fmt(self.lower)} {'<' if self.lower_open else '<='}")
        parts.append(self.name)
        if math.isfinite(self.upper):
            parts.append(f"{'<' if self.upper_open else '<='} {_fmt(self.upper)}")
        if len(parts) == 1:
            return f"{self.name} any finite {kind}"
        return " ".join(parts) + f" ({kind})"

    def contains(self, value: Any) -> Any:
        """Elementwise membership of ``value`` in the range (finite, in range, integral)."""
        value = np.asarray(value, dtype=float)
        ok = np.isfinite(value)
        with np.errstate(invalid="ignore"):
            ok &= (value > self.lower) if self.lower_open else (value >= self.lower)
            ok &= (value < self.upper) if self.upper_open else (value <= self.upper)
            if self.integer:
                ok &= value == np.round(value)
        return ok

    def replace(self, **changes: Any) -> Constant:
        """Return a copy with some fields changed (e.g. another default)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        return {
            "name": self.name,
            "description": self.description,
            "range": self.range_text,
            "lower": self.lower if math.isfinite(self.lower) else None,
            "upper": self.upper if math.isfinite(self.upper) else None,
            "lower_open": self.lower_open,
            "upper_open": self.upper_open,
            "integer": self.integer,
            "default": self.default,
        }


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _std(*constants: Constant) -> Mapping[str, Constant]:
    return MappingProxyType({c.name: c for c in constants})


#: Shared definitions of the constants, by name (read-only).
STANDARD: Mapping[str, Constant] = _std(
    Constant("d", "input dimension", lower=1, lower_open=False, integer=True),
    Constant("k", "representation dimension (rank of the shared frame)",
             lower=1, lower_open=False, integer=True),
    Constant("T", "number of source tasks", lower=1, lower_open=False, integer=True),
    Constant("n", "samples per source task", lower=1, lower_open=False, integer=True),
    Constant("m", "target samples", lower=1, lower_open=False, integer=True),
    Constant("sigma", "noise standard deviation", lower=0, lower_open=False, latex_name=r"\sigma"),
    Constant("delta0", "fine-tuning radius (perturbation budget)", lower=0,
             lower_open=False, latex_name=r"\delta_0"),
    Constant("eps", "variance of the top block of the hard-case covariance",
             latex_name=r"\varepsilon"),
    Constant("nu", "task diversity (smallest normalised eigenvalue of the source heads)",
             latex_name=r"\nu"),
    Constant("fail_prob", "failure probability of a high-probability bound",
             upper=1, upper_open=True, latex_name=r"p_{\mathrm{fail}}"),
    Constant("L", "Lipschitz constant of the loss in the prediction"),
    Constant("b", "upper end of the loss range [0, b]"),
    Constant("c_w", "norm bound on the head w", latex_name=r"c_w"),
    Constant("R", "almost-sure bound on the input norm ||x||"),
    Constant("tau2", "prior variance per coordinate of the unknown parameter",
             latex_name=r"\tau^2"),
    Constant("eta", "gradient-descent step size", latex_name=r"\eta"),
    Constant("s", "number of gradient-descent steps", lower=0, lower_open=False,
             integer=True),
    Constant("G", "bound on the gradient norm along the descent path"),
    Constant("rep_error", "representation error min_w ||B_hat w - B* w*||^2 (Sigma = I)",
             lower=0, lower_open=False, latex_name=r"\mathcal{E}_{\mathrm{rep}}"),
    Constant("width", "hidden width of the two-layer network", lower=1,
             lower_open=False, integer=True, latex_name="h"),
    Constant("R_phi", "almost-sure bound on the frozen feature norm ||relu(W_hat x)||",
             latex_name=r"R_{\phi}"),
)


def standard(*names: str, **overrides: Constant) -> tuple[Constant, ...]:
    """The standard constants ``names``, with some replaced by ``overrides``.

    Parameters
    ----------
    *names : str
        Names in :data:`STANDARD`, in the order the bound lists them.
    **overrides : Constant
        Constants to use instead of the standard definition of that name.

    Returns
    -------
    tuple of Constant
    """
    out = []
    for name in names:
        out.append(overrides[name] if name in overrides else STANDARD[name])
    return tuple(out)
