"""Whole verification runs: quick and full profile wall times, speed-up, memory.

Each run is ``metabound verify`` in a subprocess (so start-up and the report
are included, as a user sees them), with ``--store none`` (every replicate
computed).  Reported: quick profile wall time with ``--backend serial`` and
with ``--backend processes --workers 2`` and their ratio; full profile wall
time with 2 process workers and the peak resident memory of the whole process
tree (sampled every 0.1 s with psutil).  Targets: quick under 60 s on 2
cores, full under 2 GiB resident.

Run (the full profile takes minutes)::

    pytest tests/benchmarks/test_bench_profiles.py --benchmark-only -s
"""

import os
import subprocess
import sys
import threading
import time

import pytest

from bench_support import report


def run_verify(tmp_path, *args):
    """Wall time (s), peak tree RSS (bytes) and exit status of one verify run."""
    psutil = pytest.importorskip("psutil")
    cmd = [sys.executable, "-m", "verification.cli", "verify", "--store", "none", "--quiet",
           "--out", str(tmp_path / f"out{time.monotonic_ns()}"), *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0]
    stop = threading.Event()

    def sample():
        root = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                procs = [root] + root.children(recursive=True)
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                peak[0] = max(peak[0], total)
            except psutil.Error:
                return
            time.sleep(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    stop.set()
    thread.join()
    assert proc.returncode in (0, 1, 3), err
    return wall, peak[0], proc.returncode


def test_quick_profile_serial_vs_processes(benchmark, tmp_path):
    def both():
        serial = run_verify(tmp_path, "--profile", "quick", "--backend", "serial")
        procs = run_verify(tmp_path, "--profile", "quick", "--backend", "processes",
                           "--workers", "2")
        return serial, procs

    (serial, _, rc_s), (procs, peak, rc_p) = benchmark.pedantic(both, rounds=1, iterations=1)
    report(benchmark, "quick profile", serial_s=serial, processes2_s=procs,
           speedup=serial / procs, peak_rss_mib=peak / 2**20, cores=os.cpu_count(),
           status=f"{rc_s}/{rc_p}")


def test_full_profile_wall_time_and_memory(benchmark, tmp_path):
    wall, peak, rc = benchmark.pedantic(
        lambda: run_verify(tmp_path, "--profile", "full", "--backend", "processes",
                           "--workers", "2"), rounds=1, iterations=1)
    report(benchmark, "full profile (processes, 2 workers)", wall_s=wall,
           peak_rss_mib=peak / 2**20, exit_status=rc)
    assert peak < 2 * 2**30, f"peak resident memory {peak / 2**30:.2f} GiB"
