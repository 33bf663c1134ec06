"""How long a run will take, estimated before it starts.

A run is planned from its validated claims (O(points) memory: nothing is
expanded to replicates).  Its size is counted exactly; its time is estimated
from a small calibration: one replicate of each claim at the point of the
claim that looks costliest (largest product of the size constants ``d``, ``k``,
``T``, ``n``, ``m``), timed in this process.  The estimate is

.. math::

    \\widehat{t} = \\frac{1}{W} \\sum_{\\text{claims } c} t_c \\, P_c \\, R_c ,

with :math:`t_c` the calibration seconds of claim :math:`c`, :math:`P_c` its
points, :math:`R_c` its replicates per point and :math:`W` the workers.  It is
meant to catch a run hours too long before it starts, not to predict a
run to the second: the costliest point makes it an over-estimate for sweeps
over sizes, replicates already in a results store are not subtracted, and
the calibration replicate's result is discarded (it is recomputed, with the
same seed, by the run).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Sequence

from .claims import ValidatedClaim

#: The size constants whose product ranks a claim's points by cost.
SIZE_NAMES = ("d", "k", "T", "n", "m")


@dataclass(frozen=True)
class RunEstimate:
    """The planned size and estimated duration of a run.

    Attributes
    ----------
    claims, points, replicates : int
        Counts of the run (replicates: points x replicates per point, summed).
    seconds : float or None
        Estimated wall-clock seconds on ``workers`` workers; None when not
        calibrated.
    workers : int
    per_claim : dict
        Claim id -> calibration seconds of one replicate (None if the probe
        raised: the run will report that claim's error).
    """

    claims: int
    points: int
    replicates: int
    seconds: float | None = None
    workers: int = 1
    per_claim: dict = field(default_factory=dict)

    def describe(self) -> str:
        """One line: size and, if calibrated, the estimated time."""
        text = (f"planned: {_count(self.claims, 'claim')}, {_count(self.points, 'point')}, "
                f"{_count(self.replicates, 'replicate')}")
        if self.seconds is not None:
            text += f", about {format_seconds(self.seconds)} on {_count(self.workers, 'worker')}"
        return text


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def format_seconds(seconds: float) -> str:
    """``42 s``, ``12 min``, ``3.4 h``."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def costliest_point(vc: ValidatedClaim) -> int:
    """Index of the point with the largest product of the size constants."""
    def size(point: dict) -> float:
        prod = 1.0
        for name in SIZE_NAMES:
            v = point.get(name)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0:
                prod *= float(v)
        return prod
    return max(range(len(vc.points)), key=lambda i: size(vc.points[i]))


def plan_run(claims: Sequence[ValidatedClaim]) -> RunEstimate:
    """The run's size (no calibration)."""
    return RunEstimate(claims=len(claims), points=sum(len(vc.points) for vc in claims),
                       replicates=sum(len(vc.points) * int(vc.claim.reps) for vc in claims))


def estimate_run(claims: Sequence[ValidatedClaim], seed: int, workers: int = 1) -> RunEstimate:
    """Plan the run and estimate its time by a one-replicate calibration per claim.

    Parameters
    ----------
    claims : sequence of ValidatedClaim
    seed : int
        The run's seed (the probe replicate is the run's replicate 0 of that point).
    workers : int
        Workers the run will use (>= 1).

    Returns
    -------
    RunEstimate
    """
    from .runner import Batch, _jobs, run_batch   # lazy: the runner imports the simulators

    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    base = plan_run(claims)
    per_claim: dict = {}
    total = 0.0
    for vc in claims:
        i = costliest_point(vc)
        job = _jobs(vc, seed)[i]
        t0 = time.perf_counter()
        try:
            run_batch(Batch(job, (0,)))
        except Exception:                 # the run reports it; the estimate skips it
            per_claim[vc.id] = None
            continue
        t = time.perf_counter() - t0
        per_claim[vc.id] = t
        total += t * len(vc.points) * int(vc.claim.reps)
    seconds = total / workers
    if not math.isfinite(seconds):
        seconds = math.inf
    return RunEstimate(claims=base.claims, points=base.points, replicates=base.replicates,
                       seconds=seconds, workers=workers, per_claim=per_claim)
