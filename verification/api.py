"""The Python entry point: :func:`verify` runs claims and returns a :class:`VerifyResult`.

``metabound verify`` is a thin layer over it (it adds the pre-run limits, the
progress bar and the report directory).

Examples
--------
>>> from verification import verify
>>> result = verify(profile="quick", select=["c3-target-only-exact"])   # doctest: +SKIP
>>> result.passed, result.points()[["claim", "margin"]]                  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

if TYPE_CHECKING:
    import pandas as pd

from .claims import Claim, ValidatedClaim
from .errors import EXIT_CODES, ClaimError

__all__ = ["VerifyResult", "verify", "load_claims", "separation_by_default"]


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify`: the ``results.json`` document and views of it.

    Attributes
    ----------
    results : dict
        The document ``metabound verify`` writes as ``results.json`` (schema,
        status, provenance, per-claim results with their points).
    """

    results: dict

    @property
    def status(self) -> str:
        """``"pass"``, ``"fail"`` (a claim failed or erred) or ``"vacuous"``."""
        return self.results["status"]

    @property
    def passed(self) -> bool:
        """Whether every claim passed (no failure, error or vacuous point)."""
        return self.status == "pass"

    @property
    def exit_code(self) -> int:
        """The exit status ``metabound verify`` gives this run (0, 1 or 3)."""
        return EXIT_CODES.get(self.status, 1)

    @property
    def provenance(self) -> dict:
        """Versions, platform, seed and time of the run."""
        return dict(self.results.get("provenance") or {})

    @property
    def claims(self) -> list[dict]:
        """Per-claim results, in run order."""
        return list(self.results["claims"])

    def claim(self, claim_id: str) -> dict:
        """The result of one claim; ``KeyError`` naming the known ids otherwise."""
        for c in self.results["claims"]:
            if c["id"] == claim_id:
                return c
        raise KeyError(f"no claim {claim_id!r} in this run; claims: "
                       f"{', '.join(c['id'] for c in self.results['claims'])}")

    def statuses(self) -> dict[str, str]:
        """Claim id -> status."""
        return {c["id"]: c["status"] for c in self.results["claims"]}

    def points(self) -> "pd.DataFrame":
        """One row per checked point: claim, check, status, bound, mean, margin,
        baseline, vacuous, resolution, p-value, and the point's swept parameters."""
        import pandas as pd
        rows = []
        keys = ("status", "bound", "mean", "margin", "baseline", "vacuous", "resolution", "p_value",
                "p_adjusted", "n")
        for c in self.results["claims"]:
            for p in c.get("points") or []:
                row = {"claim": c["id"], "check": c["check"], "learner": c["learner"],
                       "setting": c["setting"]}
                row.update({k: p.get(k) for k in keys})
                row.update({f"param.{k}": v for k, v in (p.get("params") or {}).items()})
                rows.append(row)
        return pd.DataFrame(rows)

    def failures(self, claim_id: str | None = None) -> str:
        """Readable text of the failing claims (or of one claim): failing points and their margins."""
        from .results import format_claim
        chosen = [self.claim(claim_id)] if claim_id is not None else [
            c for c in self.results["claims"] if c["status"] != "pass"]
        return "\n".join(format_claim(c, only_failing=True) for c in chosen)

    def write(self, out: str | Path) -> Path:
        """Write the report directory (results.json, report.md/html, results.csv, junit.xml,
        figures/) as ``metabound verify --out`` does; returns the results.json path."""
        from .report import write_report
        out = Path(out)
        write_report(self.results, out)
        return out / "results.json"


def load_claims(claims: Any = None, *, profile: str = "quick", with_builtin: bool = False,
                select: Sequence[str] | None = None, catalog: Any = None) -> list[ValidatedClaim]:
    """Validated claims from a claims file, a list of claims, or the built-in profile.

    Parameters
    ----------
    claims : None, str, Path, Claim, ValidatedClaim or sequence of them
        None: the built-in claims of ``profile``. A path: a TOML claims file.
    profile : {"quick", "full"}
    with_builtin : bool
        Also the built-in claims of ``profile`` (with ``claims``).
    select : sequence of str, optional
        Glob patterns of claim ids to keep (``c5-*``); a pattern that matches
        nothing is an error.
    catalog : Catalog, optional
        Default: :func:`verification.catalog.default_catalog`.

    Raises
    ------
    ClaimError
        An invalid claim (naming the claim and field), a duplicate id, or a
        pattern that matches no claim.
    """
    import fnmatch

    from .builtin import builtin_claims
    from .catalog import default_catalog
    from .claims_file import load_claims_file, validate_claims

    catalog = catalog or default_catalog()
    out: list[ValidatedClaim] = []
    if claims is not None:
        if isinstance(claims, (str, Path)):
            out += load_claims_file(claims, catalog)
        else:
            items = [claims] if isinstance(claims, (Claim, ValidatedClaim)) else list(claims)
            bad = [c for c in items if not isinstance(c, (Claim, ValidatedClaim))]
            if bad:
                raise TypeError(f"claims must be Claim or ValidatedClaim objects, got {type(bad[0]).__name__}")
            out += [c for c in items if isinstance(c, ValidatedClaim)]
            out += validate_claims([c for c in items if isinstance(c, Claim)], catalog)
    if claims is None or with_builtin:
        out += validate_claims(builtin_claims(profile), catalog)
    seen: set[str] = set()
    for c in out:                            # across the sources: a file may not redefine a built-in id
        if c.id in seen:
            raise ClaimError("duplicate claim id (defined twice, or redefining a built-in claim)",
                             claim=c.id, field="id")
        seen.add(c.id)
    if select:
        chosen = [c for c in out if any(fnmatch.fnmatchcase(c.id, p) for p in select)]
        if not chosen:
            raise ClaimError(f"no claim matches {', '.join(select)}; known: {', '.join(c.id for c in out)}")
        out = chosen
    return out


def separation_by_default(profile: str, builtin_only: bool, select: Sequence[str] | None) -> bool:
    """Whether a run draws the separation picture unless told: the whole built-in full profile."""
    return profile == "full" and builtin_only and not select


def verify(claims: Any = None, *, profile: str = "quick", with_builtin: bool = False,
           select: Sequence[str] | None = None, seed: int = 0, alpha: float = 1e-3,
           backend: Any = None, workers: int | None = None, scheduler: str | None = None,
           store: Any = None, resume: bool = False, out: str | Path | None = None,
           progress: Callable | None = None, catalog: Any = None,
           execution: dict | None = None, claims_file: str | None = None,
           separation: bool | None = None) -> VerifyResult:
    """Run claims and return their results (optionally writing the report directory).

    Parameters
    ----------
    claims, profile, with_builtin, select, catalog
        Which claims (:func:`load_claims`).
    seed : int
        Run seed (>= 0): every replicate's seed derives from it and the
        replicate's identity, never from the schedule.
    alpha : float
        Family-wise error level of the run (Holm's correction over every test).
    backend, workers, scheduler
        Where replicates run (:mod:`verification.backends`): ``"serial"``,
        ``"processes"``, ``"dask"``, a Backend object, or None (processes when
        more than one core is available).
    store : None, str, Path or ResultsStore
        A results store (SQLite) to reuse and record replicates; a path is
        opened (created if missing) and closed again.
    resume : bool
        With a store: reuse its replicates.
    out : str or Path, optional
        Also write the report directory there.
    progress : callable, optional
        Called with :class:`verification.runner.Progress` after each batch.
    separation : bool, optional
        Also compute the separation picture (``verification.report.separation``) and store its rows in
        the results (``separation``), so the report draws it; default: for the built-in full profile.
    execution : dict, optional
        Filled with backend, workers and replicate counts (reused, computed, failed).
    claims_file : str, optional
        Recorded in the results (default: ``claims`` when it is a path).

    Returns
    -------
    VerifyResult

    Raises
    ------
    ClaimError
        Invalid claims (before anything runs).
    ValueError
        Bad options (``alpha``, ``seed``).
    """
    from .results import build_results
    from .runner import run_claims

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    validated = load_claims(claims, profile=profile, with_builtin=with_builtin, select=select,
                            catalog=catalog)
    opened = None
    if isinstance(store, (str, Path)):
        from .store import ResultsStore
        store = opened = ResultsStore(str(store))
    try:
        run = run_claims(validated, seed=seed, alpha=alpha, backend=backend, workers=workers,
                         scheduler=scheduler, store=store, resume=resume, progress=progress,
                         execution=execution)
    finally:
        if opened is not None:
            opened.close()
    if separation is None:
        separation = separation_by_default(profile, claims is None, select)
    if separation:
        from .report.separation import REPORT_REPS, separation_records

        run["separation"] = {"reps": REPORT_REPS, "seed": seed,
                             "rows": separation_records(seed=seed, backend=backend, workers=workers)}
    if claims_file is None and isinstance(claims, (str, Path)):
        claims_file = str(claims)
    result = VerifyResult(build_results(run, profile=profile, claims_file=claims_file))
    if out is not None:
        result.write(out)
    return result
