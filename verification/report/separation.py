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
           "write_separation"]

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
