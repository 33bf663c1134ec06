"""Per-learner summaries of a Monte Carlo frame, with confidence intervals."""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

__all__ = ["summarize"]


def summarize(frame: pd.DataFrame, column: str = "excess_risk", level: float = 0.95) -> pd.DataFrame:
    """Mean of ``column`` per learner with a Student-t confidence interval.

    Returns one row per learner: ``reps``, ``mean``, ``se`` (standard error),
    ``ci_low``, ``ci_high`` (two-sided ``level``), ``median`` and the mean
    ``sin_theta_max`` and ``fit_time``.  The t-interval is approximate for
    skewed risks; the verification layer states its own decision rules.
    """
    rows = []
    for learner, group in frame.groupby("learner", sort=False):
        x = group[column].astype(float)
        n = len(x)
        mean = float(x.mean())
        se = float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
        half = float(stats.t.ppf(0.5 + level / 2, n - 1) * se) if n > 1 else float("nan")
        rows.append(
            {
                "learner": learner,
                "reps": n,
                "mean": mean,
                "se": se,
                "ci_low": mean - half,
                "ci_high": mean + half,
                "median": float(x.median()),
                "sin_theta_max": float(group["sin_theta_max"].mean()),
                "fit_time": float(group["fit_time"].mean()),
            }
        )
    return pd.DataFrame(rows).set_index("learner")
