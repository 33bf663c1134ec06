"""Helpers of the benchmarks: timing in one run, and a report line per ratio.

Every benchmark measures the fast path and its reference *in the same run*
(same process, same machine load), single-threaded BLAS (as the verification
workers run), and reports the ratio of median times: on a shared machine the
absolute times are noisy, the ratios much less so.
"""

from __future__ import annotations

import statistics
import time
from typing import Any, Callable

from threadpoolctl import threadpool_limits

__all__ = ["median_time", "report"]


def median_time(fn: Callable[[], Any], repeat: int = 7, number: int = 1,
                warmup: int = 1) -> float:
    """Median over ``repeat`` rounds of the seconds per call of ``fn``.

    Parameters
    ----------
    fn : callable
        Called without arguments.
    repeat : int
        Rounds timed.
    number : int
        Calls per round (their mean is the round's time).
    warmup : int
        Untimed calls first.

    Returns
    -------
    float
        Seconds per call (median over rounds), with one BLAS thread.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(warmup):
            fn()
        rounds = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            rounds.append((time.perf_counter() - t0) / number)
    return statistics.median(rounds)


def report(benchmark, name: str, **values: Any) -> None:
    """Record ``values`` in the benchmark's ``extra_info`` and print one line.

    Parameters
    ----------
    benchmark : pytest_benchmark.fixture.BenchmarkFixture
    name : str
        What was measured.
    **values
        Figures (floats are printed with 4 significant digits).
    """
    benchmark.extra_info.update(values)
    text = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in values.items())
    print(f"\nBENCH {name}: {text}")
