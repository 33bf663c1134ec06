"""Load claims from a TOML claims file (strict: unknown keys are errors).

Format (see ``docs/verification.md``)::

    [[claim]]
    id = "ols-risk"
    setting = "linear"
    learner = "target-only"
    check = "upper-mean"
    bound = "1.1*sigma**2*d/(m - d - 1)"
    reps = 200
    [claim.params]
    d = 10
    [claim.sweep]
    m = [20, 40, 80, 160]
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .catalog import Catalog
from .claims import Claim, ValidatedClaim
from .errors import ClaimError

__all__ = ["CLAIM_KEYS", "REQUIRED_KEYS", "load_claims_file", "parse_claims",
           "validate_claims"]

REQUIRED_KEYS = ("id", "setting", "learner", "check", "bound")
#: Keys of the contract plus the documented additions (risk, derived,
#: statement, derivation, bound_name, learner_params, band, along, exponent,
#: premises, covers, kind).
CLAIM_KEYS = REQUIRED_KEYS + ("versus", "tol", "reps", "params", "sweep", "derived",
                              "risk", "statement", "derivation", "bound_name",
                              "learner_params", "band", "along", "exponent", "premises",
                              "covers", "kind", "seed_key")
_STRING_KEYS = ("id", "setting", "learner", "check", "bound", "versus", "risk",
                "statement", "derivation", "bound_name", "along", "kind", "seed_key")
#: Keys whose value is a TOML array.
_LIST_KEYS = ("band", "exponent", "premises", "covers")


def parse_claims(data: dict, source: str | None = None) -> list[Claim]:
    """Turn the parsed TOML document into :class:`Claim` objects (keys only)."""
    extra = set(data) - {"claim"}
    if extra:
        raise ClaimError(f"unknown top-level key(s) {', '.join(sorted(extra))}; "
                         "a claims file holds only [[claim]] tables", source=source)
    tables = data.get("claim")
    if not isinstance(tables, list) or not tables:
        raise ClaimError("no [[claim]] tables found", source=source)
    claims, seen = [], set()
    for i, t in enumerate(tables, start=1):
        name = t.get("id") if isinstance(t.get("id"), str) and t.get("id") else f"#{i}"
        for key in t:
            if key not in CLAIM_KEYS:
                raise ClaimError(f"unknown key {key!r}; allowed: {', '.join(CLAIM_KEYS)}",
                                 claim=name, field=key, source=source)
        for key in REQUIRED_KEYS:
            if key not in t:
                raise ClaimError(f"missing required key {key!r}", claim=name,
                                 field=key, source=source)
        for key in _STRING_KEYS:
            if key in t and not isinstance(t[key], str):
                raise ClaimError(f"must be a string, got {t[key]!r}", claim=name,
                                 field=key, source=source)
        for key in ("params", "sweep", "derived", "learner_params"):
            if key in t and not isinstance(t[key], dict):
                raise ClaimError("must be a table", claim=name, field=key, source=source)
        for key in _LIST_KEYS:
            if key in t and not isinstance(t[key], list):
                raise ClaimError("must be an array", claim=name, field=key, source=source)
        if name in seen:
            raise ClaimError("duplicate claim id", claim=name, field="id", source=source)
        seen.add(name)
        kwargs = {k: (tuple(t[k]) if k in _LIST_KEYS else t[k]) for k in CLAIM_KEYS if k in t}
        claims.append(Claim(**kwargs, source=source))
    return claims


def validate_claims(claims: list[Claim], catalog: Catalog) -> list[ValidatedClaim]:
    """Validate every claim; ids must be unique across the list."""
    seen = set()
    out = []
    for c in claims:
        if c.id in seen:
            raise ClaimError("duplicate claim id", claim=c.id, field="id",
                             source=c.source)
        seen.add(c.id)
        try:
            out.append(c.validate(catalog))
        except ClaimError as exc:
            if exc.source is None and c.source is not None:
                exc.source = c.source
            raise
    return out


def load_claims_file(path: str | Path, catalog: Catalog | None = None
                     ) -> list[ValidatedClaim]:
    """Read, parse and validate a claims file.

    Raises
    ------
    ClaimError
        On any malformation (TOML syntax, unknown key, unknown setting,
        learner or check, bad bound expression, missing parameter, ...).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ClaimError(f"cannot read claims file: {exc.strerror}",
                         source=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ClaimError(f"not a TOML claims file: not UTF-8 text ({exc.reason} at byte {exc.start})",
                         source=str(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ClaimError(f"not valid TOML: {exc}", source=str(path)) from None
    claims = parse_claims(data, source=str(path))
    if catalog is None:
        from .catalog import default_catalog
        catalog = default_catalog()
    return validate_claims(claims, catalog)
