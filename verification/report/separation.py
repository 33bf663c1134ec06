"""The separation picture: target excess risk of ADAPTREP, FROZENREP (head-only and fine-tuned
target steps), target-only and the oracle on the hard cases, against m and against d/k.

This is the project's version of the comparison the authors' simulation makes
(NOTES.md section 4, Appendix C of the paper, whose figure is not available
here): on the linear hard case, FROZENREP should be no better than the
target-only baseline and ADAPTREP far lower. Every learner is evaluated at the
worst-case target against its own representation (the settings' default
target), on paired replicates (the same sources and target draws for every
learner of a replicate). Bands are 95% normal confidence intervals of the mean,
mean +- 1.96 sd / sqrt(reps). Drawn where they exist: the exact target-only
risk ``sigma^2 d/(m - d - 1)`` (any Sigma, Gaussian design; linear case, m > d + 1)
and the replicate mean of FROZENREP's ``class_bias``, a lower bound on the
excess risk of *every* predictor in FROZENREP's fine-tuning class on its
learned frame (``docs/theory/class-bias.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["CASES", "SeparationCase", "separation_frame", "separation_figure", "plot_separation",
           "write_separation", "separation_records", "REPORT_REPS"]

#: Replicates per point of the picture drawn into the full profile's report.
REPORT_REPS = 20

#: (label, learner name, hyper-parameters) of the compared procedures.
PROCEDURES = (
    ("ADAPTREP", "adaptrep", {}),
    ("FROZENREP, head-only target step", "frozenrep", {"target_step": "head"}),
    ("FROZENREP, fine-tuned target step", "frozenrep", {"target_step": "finetune"}),
    ("target-only", "target-only", {}),
    ("oracle (true representation)", "oracle", {}),
)


@dataclass(frozen=True)
class SeparationCase:
    """One hard case and its two sweeps."""

    setting: str
    base: dict
    m_values: tuple[int, ...]
    d_values: tuple[int, ...]
    m_for_d: int


#: The two hard cases at the sizes the figure uses (quick enough for a report; see docs/network.md).
CASES = {
    "linear": SeparationCase("linear-hard", dict(d=20, k=2, T=50, n=100, sigma=1.0),
                             m_values=(25, 50, 100, 200), d_values=(10, 20, 40), m_for_d=100),
    "network": SeparationCase("network-hard", dict(d=7, k=2, T=10, n=60, sigma=0.5, head_scale=2.0,
                                                   test_size=2000),
                              m_values=(20, 40, 80), d_values=(5, 7, 10), m_for_d=40),
}


def _point(setting: str, params: dict, reps: int, seed: int) -> pd.DataFrame:
    from simulations import run_monte_carlo
    rows = []
    for label, name, hyper in PROCEDURES:
        frame = run_monte_carlo(setting, [name], params, reps=reps, seed=seed,
                                learner_params={name: hyper} if hyper else None)
        frame = frame.assign(procedure=label)
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def separation_frame(case: str = "linear", reps: int = 20, seed: int = 0) -> pd.DataFrame:
    """Mean excess risk with its 95% interval per procedure, along m and along d/k.

    Returns
    -------
    pandas.DataFrame
        Columns ``case, along, x, procedure, mean, ci_low, ci_high, reps`` plus
        ``target_only_exact`` and ``frozen_class_bias`` (the drawn bounds; NaN
        where they do not exist).
    """
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}; known: {', '.join(CASES)}")
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < 2:
        raise ValueError(f"reps must be an integer >= 2, got {reps!r}")
    spec = CASES[case]
    out = []
    sweeps = [("m", dict(spec.base, m=m), m) for m in spec.m_values]
    sweeps += [("d/k", dict(spec.base, d=d, m=spec.m_for_d), d / spec.base["k"]) for d in spec.d_values]
    for along, params, x in sweeps:
        frame = _point(spec.setting, params, reps, seed)
        d, m, sigma = params["d"], params["m"], params["sigma"]
        exact = sigma ** 2 * d / (m - d - 1) if spec.setting == "linear-hard" and m > d + 1 else np.nan
        frozen = frame[frame.procedure == PROCEDURES[1][0]]
        bias = float(frozen["class_bias"].mean()) if "class_bias" in frozen and frozen["class_bias"].notna().all() \
            else np.nan
        for label, *_ in PROCEDURES:
            risk = frame.loc[frame.procedure == label, "excess_risk"].to_numpy(float)
            if not np.all(np.isfinite(risk)):
                raise RuntimeError(f"{case}: non-finite excess risk for {label} at {params}")
            half = 1.96 * risk.std(ddof=1) / np.sqrt(risk.size)
            out.append(dict(case=case, along=along, x=float(x), procedure=label, mean=float(risk.mean()),
                            ci_low=float(risk.mean() - half), ci_high=float(risk.mean() + half),
                            reps=int(risk.size), target_only_exact=exact, frozen_class_bias=bias))
    return pd.DataFrame(out)


def separation_figure(frame: pd.DataFrame):
    """The matplotlib Figure of one case: two panels (against m, against d/k), one line and band
    per procedure, the drawn bounds dashed/dotted."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    case = str(frame["case"].iloc[0])
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, along in zip(axes, ("m", "d/k")):
        part = frame[frame.along == along]
        for label, *_ in PROCEDURES:
            rows = part[part.procedure == label].sort_values("x")
            line, = ax.plot(rows.x, rows["mean"], marker="o", label=label)
            ax.fill_between(rows.x, rows.ci_low, rows.ci_high, color=line.get_color(), alpha=0.15)
        first = part[part.procedure == PROCEDURES[0][0]].sort_values("x")
        if first.target_only_exact.notna().any():
            ax.plot(first.x, first.target_only_exact, "k--", lw=1, label="target-only exact risk")
        if first.frozen_class_bias.notna().any():
            ax.plot(first.x, first.frozen_class_bias, "k:", lw=1.2,
                    label="lower bound for FROZENREP's head-only class (mean class_bias)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("target samples m" if along == "m" else "d/k")
        ax.set_ylabel("target excess risk (worst-case target)")
        ax.set_title(f"{case} hard case, against {along}", fontsize=9)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_separation(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write :func:`separation_figure` of ``frame`` to ``path``; returns the path."""
    import matplotlib.pyplot as plt

    fig = separation_figure(frame)
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def write_separation(out: str | Path, cases: Sequence[str] = ("linear", "network"), reps: int = 20,
                     seed: int = 0) -> list[Path]:
    """Write ``separation-<case>.png`` and ``separation.csv`` into ``out``; returns the files."""
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        raise ValueError(f"unknown case {unknown[0]!r}; known: {', '.join(CASES)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    frames = [separation_frame(c, reps=reps, seed=seed) for c in cases]
    files = [plot_separation(f, out / f"separation-{c}.png") for c, f in zip(cases, frames)]
    csv = out / "separation.csv"
    pd.concat(frames, ignore_index=True).to_csv(csv, index=False)
    return files + [csv]


def _case_frame(task: tuple[str, int, int]) -> pd.DataFrame:
    """One case's frame (a module-level function: runs on a worker)."""
    case, reps, seed = task
    return separation_frame(case, reps=reps, seed=seed)


def separation_records(seed: int = 0, reps: int = REPORT_REPS, backend=None, workers: int | None = None,
                       cases: Sequence[str] = tuple(CASES)) -> list[dict]:
    """The rows of :func:`separation_frame` for ``cases`` (JSON-ready; stored in results.json as ``separation``).

    The cases run on ``backend`` (a :class:`~verification.backends.Backend`, a backend name, or None: process
    workers when more than one core is available); the rows do not depend on it.
    """
    from ..backends import Backend, available_cores, make_backend

    own = None
    if not isinstance(backend, Backend):
        name = backend or ("processes" if available_cores() > 1 and workers != 1 else "serial")
        own = backend = make_backend(name, None if name == "serial" else workers)
    frames: dict[int, pd.DataFrame] = {}
    try:
        for i, frame, exc in backend.map_unordered(_case_frame, [(c, reps, seed) for c in cases]):
            if exc is not None:
                raise exc
            frames[i] = frame
    finally:
        if own is not None:
            own.close()
    rows = pd.concat([frames[i] for i in sorted(frames)], ignore_index=True)
    return [{k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
            for r in rows.to_dict("records")]


def records_frame(records: Sequence[dict]) -> pd.DataFrame:
    """The frame of stored :func:`separation_records` (missing bounds as NaN)."""
    frame = pd.DataFrame(list(records))
    for col in ("target_only_exact", "frozen_class_bias"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame


def separation_pngs(records: Sequence[dict]) -> dict[str, bytes]:
    """PNG bytes of each case's picture from stored records: ``{case: png}``."""
    import io

    import matplotlib.pyplot as plt

    frame = records_frame(records)
    out = {}
    for case in dict.fromkeys(frame["case"]):
        fig = separation_figure(frame[frame.case == case])
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
        plt.close(fig)
        out[str(case)] = buf.getvalue()
    return out


#: What the report says about the picture.
REPORT_TEXT = ("Target excess risk at the worst-case target against each procedure's own representation, "
               "against the target samples m (left) and against d/k (right), {reps} paired replicates per "
               "point, 95% bands. Dashed: the exact target-only risk sigma^2 d/(m - d - 1); dotted: the mean "
               "class_bias of FROZENREP's head-only class, a lower bound on every predictor of that class. "
               "The project's version of the comparison of the paper's Appendix C (NOTES.md section 4); "
               "the paper's own figure is not available here (docs/network.md).")
