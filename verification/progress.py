"""Progress events of a verification run.

The runner reports progress by calling ``progress(event)`` with a
:class:`Progress` after each unit of work (a batch of replicates of one sweep
point, including replicates reused from a results store); the command line
renders the events (a progress bar on a terminal, plain periodic lines
otherwise).  The runner never prints.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Progress"]


@dataclass(frozen=True)
class Progress:
    """State of a run after one unit of work.

    Attributes
    ----------
    claim : str
        Id of the claim the unit belonged to.
    claims_done, claims_total : int
        Claims fully simulated so far, and in the run.
    reps_done, reps_total : int
        Replicates (point x replicate, all claims) done so far, and in the run.
    elapsed : float
        Seconds since the run started.
    """

    claim: str
    claims_done: int
    claims_total: int
    reps_done: int
    reps_total: int
    elapsed: float

    @property
    def fraction(self) -> float:
        return self.reps_done / self.reps_total if self.reps_total else 1.0

    @property
    def eta(self) -> float | None:
        """Estimated seconds left (None before any replicate is done)."""
        if self.reps_done == 0:
            return None
        return self.elapsed * (self.reps_total - self.reps_done) / self.reps_done
