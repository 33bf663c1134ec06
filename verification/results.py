"""results.json: the run's results plus provenance; readable summaries."""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np

from .plugins import plugin_provenance
from .report.tables import slope_text

__all__ = ["SCHEMA", "provenance", "build_results", "write_results",
           "format_claim", "format_summary", "power_line"]

SCHEMA = "metabound.results/1"
_LIBRARIES = ("numpy", "scipy", "pandas", "sympy", "cvxpy")


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    if out.returncode != 0 or not commit:
        return None
    try:
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root,
                               capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        dirty = ""
    return commit + ("-dirty" if dirty else "")


def provenance(seed: int, **extra) -> dict:
    """Package version, git commit, seed, timestamp, library versions, platform, plugins
    (:func:`verification.plugins.plugin_provenance`)."""
    return {
        "package": "metabound",
        "version": _version("metabound"),
        "git_commit": _git_commit(),
        "seed": seed,
        "timestamp": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "libraries": {lib: _version(lib) for lib in _LIBRARIES},
        "command": " ".join(sys.argv),
        "plugins": plugin_provenance(),
        **extra,
    }


def build_results(run: dict, *, profile: str | None = None,
                  claims_file: str | None = None) -> dict:
    """Add schema and provenance to the output of :func:`run_claims`."""
    out = {"schema": SCHEMA, "status": run["status"], "profile": profile,
           "claims_file": claims_file}
    out.update({k: v for k, v in run.items() if k not in ("status", "claims")})
    out["provenance"] = provenance(run.get("seed"))
    out["claims"] = run["claims"]
    return out


def _clean(obj):
    """JSON-safe copy: numpy scalars to Python, non-finite floats to None."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if math.isfinite(f) else None
    return obj


def write_results(results: dict, out_dir: str | Path) -> Path:
    """Write ``out_dir/results.json`` (atomically) and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "results.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(_clean(results), indent=2, allow_nan=False) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
    return path


def _fmt(x, spec: str = ".4g") -> str:
    return "-" if x is None else format(x, spec)


def format_claim(claim: dict, only_failing: bool = False) -> str:
    """Readable multi-line description of one claim result."""
    head = (f"{claim['id']}: {claim['status'].upper()}  [{claim['check']}] "
            f"{claim['learner']}"
            + (f" vs {claim['versus']}" if claim.get("versus") else "")
            + f" on {claim['setting']}, {claim['risk']} vs {claim['bound']}")
    lines = [head]
    if claim.get("statement"):
        lines.append(f"  statement: {claim['statement']}")
    if claim.get("message"):
        lines.append(f"  error: {claim['message']}")
    fit = claim.get("fit")
    if fit:
        lines.append(f"  slope {fit['slope']:.3f}, CI [{fit['slope_ci'][0]:.3f}, "
                     f"{fit['slope_ci'][1]:.3f}], target {fit['target']}, "
                     f"p_adj {fit.get('p_adjusted', float('nan')):.3g}")
    for p in claim.get("points", []):
        if only_failing and p.get("status") == "pass" and not fit:
            continue
        if p.get("status") == "error":
            lines.append(f"  error {p['params'] or '(fixed)'}: {p.get('message', '')}")
            continue
        extra = (f" ratio={_fmt(p.get('ratio'))}" if "ratio" in p else "")
        res = p.get("resolution")
        lines.append(
            f"  {p.get('status', '?'):4s} {p['params'] or '(fixed)'}: bound={_fmt(p['bound'])}"
            f" mean={_fmt(p['mean'])}{extra} CI=[{_fmt(p['ci_low'])}, {_fmt(p['ci_high'])}]"
            f" viol={'-' if p.get('violations') is None else p['violations']}/{p['replicates']}"
            f" margin={_fmt(p['margin'], '.3g')}"
            f" resolution={res if isinstance(res, str) else _fmt(res, '.3g')}"
            + (f" baseline={_fmt(p['baseline'], '.3g')}{' VACUOUS' if p.get('vacuous') else ''}"
               if p.get("baseline") is not None else "")
            + f" p_adj={_fmt(p.get('p_adjusted'), '.3g')}")
        for text, n in (p.get("premise_violations") or {}).items():
            lines.append(f"       premise violated in {n} replicates: {text}")
    return "\n".join(lines)


def format_summary(results: dict) -> str:
    """One line per claim plus the overall status."""
    lines = []
    for c in results["claims"]:
        margins = [p["margin"] for p in c.get("points", []) if p.get("margin") is not None]
        mtxt = f"margin {min(margins):.3g}..{max(margins):.3g}" if margins else ""
        fit = c.get("fit")
        if fit:
            mtxt = slope_text(fit)
        lines.append(f"{c['status'].upper():5s} {c['id']:32s} {c['check']:13s} "
                     f"{mtxt}  ({c.get('elapsed_s', 0):.1f}s)")
    lines.append(f"{results['status'].upper()}: {len(results['claims'])} claims, "
                 f"{results['n_tests']} tests, Holm at alpha={results['alpha']:g}")
    power = results.get("power")
    if power:
        lines.append(power_line(power))
    return "\n".join(lines)


def power_line(power: dict) -> str:
    """One line: vacuous points, median margin, worst resolution (and where), worst slope resolution."""
    def where(at):
        if not at:
            return ""
        params = ", ".join(f"{k}={v}" for k, v in (at.get("params") or {}).items())
        return f" ({at['claim']}{' ' + params if params else ''})"

    worst = power.get("worst_resolution")
    wtxt = "-" if worst is None else ("inf" if worst == "inf" else f"{worst:.3g}")
    med = power.get("median_margin")
    slope = power.get("worst_slope_resolution")
    return (f"power: {power.get('vacuous', 0)} vacuous of {power.get('points', 0)} points; median margin "
            f"{'-' if med is None else format(med, '.3g')}; worst resolution {wtxt}"
            f"{where(power.get('worst_resolution_at'))}"
            + (f"; worst slope resolution {slope:.3g}" if slope is not None else ""))
