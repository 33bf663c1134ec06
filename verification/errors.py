"""Errors raised by the verification layer.

Every input error names the claim and the field it concerns, so that the
command line can print one readable line and exit with status 2.
"""

from __future__ import annotations

__all__ = ["ClaimError"]


#: Exit status of ``metabound verify`` (and :attr:`verification.api.VerifyResult.exit_code`) per run status.
EXIT_CODES = {"pass": 0, "fail": 1, "vacuous": 3}


class ClaimError(ValueError):
    """A claim (or claims file) is malformed.

    Parameters
    ----------
    message : str
        What is wrong.
    claim : str, optional
        Id of the claim (or ``"claim #i"`` when the id itself is missing).
    field : str, optional
        The offending field, e.g. ``"bound"`` or ``"params.m"``.
    source : str, optional
        The file the claim came from.
    """

    def __init__(self, message: str, *, claim: str | None = None,
                 field: str | None = None, source: str | None = None):
        self.message = message
        self.claim = claim
        self.field = field
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(str(self.source))
        if self.claim is not None:
            where.append(f"claim {self.claim!r}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message
