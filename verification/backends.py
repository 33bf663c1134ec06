"""Execution backends: where the batches of replicates of a run are computed.

A backend maps a picklable function over a list of work items and yields the
outcomes as they complete, in any order; the runner puts them back in order,
so results never depend on the backend, the number of workers or the
schedule (every replicate's seed derives from its identity).

* ``serial``: in this process, one item after the other.
* ``processes``: a pool of worker processes on this machine
  (:class:`concurrent.futures.ProcessPoolExecutor`, ``forkserver`` start
  method where available).
* ``dask``: a Dask distributed cluster: the scheduler at ``scheduler`` (e.g.
  ``tcp://10.0.0.5:8786``; the workers must have metabound installed), or
  without an address a local cluster of ``workers`` single-threaded worker
  processes listening on loopback only.

Workers run with one BLAS thread (threadpoolctl; the runner also limits BLAS
threads around every batch), so ``N`` workers use ``N`` cores without
oversubscription.  Process workers ignore SIGINT (the parent handles Ctrl-C
and stops them) and exit when their parent dies.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from abc import ABC, abstractmethod
from typing import Any, Callable, Iterator, Sequence

from .liveness import process_running

__all__ = ["BACKENDS", "Backend", "BackendError", "SerialBackend", "ProcessBackend",
           "DaskBackend", "make_backend", "available_cores", "worker_info"]

#: Backend names accepted by :func:`make_backend` (and ``--backend``).
BACKENDS = ("serial", "processes", "dask")

Outcome = tuple[int, Any, BaseException | None]


class BackendError(ValueError):
    """A backend cannot be created with the given options."""


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where known)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class Backend(ABC):
    """Maps a function over work items; yields ``(index, result, error)``.

    Attributes
    ----------
    name : str
        ``"serial"``, ``"processes"`` or ``"dask"``.
    workers : int
        Items that can run at the same time (used to size batches).
    """

    name: str = ""
    workers: int = 1

    @abstractmethod
    def map_unordered(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Outcome]:
        """Run ``fn`` on every item; yield outcomes as they complete.

        Parameters
        ----------
        fn : callable
            Picklable by reference (a module-level function) for the
            process and Dask backends.
        items : sequence
            Picklable work items.

        Yields
        ------
        tuple
            ``(index, result, None)`` on success, ``(index, None, exception)``
            when ``fn`` raised.  Leaving the iteration early (an exception, or
            ``close``) cancels the items not started.
        """

    def close(self) -> None:
        """Release workers and clusters (idempotent)."""

    def __enter__(self) -> "Backend":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workers={self.workers})"


class SerialBackend(Backend):
    """Run every item in this process, in order."""

    name = "serial"
    workers = 1

    def map_unordered(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Outcome]:
        for i, item in enumerate(items):
            try:
                result = fn(item)
            except Exception as exc:  # a failing item fails its claim, not the run
                yield i, None, exc
            else:
                yield i, result, None


# ------------------------------------------------------------------ processes
def _watch_parent(parent: int, main: int | None = None) -> None:
    """Exit the worker as soon as its parent ``parent`` or the run's main process ``main`` is gone.

    Under the ``forkserver`` start method a worker's parent is the fork server,
    not the process that runs ``metabound verify``; the fork server (and the
    resource tracker) outlive a killed main process for as long as workers hold
    their pipes, so the workers watch the main process itself.
    """
    while True:
        time.sleep(0.5)
        if os.getppid() != parent or (main is not None and not process_running(main)):
            os._exit(1)


def _init_worker(blas_threads: int | None, main: int | None = None) -> None:
    """Initialiser of process workers: BLAS threads, SIGINT, watchdog of the parent and of the main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if blas_threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=blas_threads)  # kept for the life of the worker
    threading.Thread(target=_watch_parent, args=(os.getppid(), main), daemon=True,
                     name="metabound-parent-watchdog").start()


def _mp_context() -> multiprocessing.context.BaseContext:
    """``forkserver`` (preloading the simulator) where available, else ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods and sys.platform != "darwin":
        ctx = multiprocessing.get_context("forkserver")
        # Import the simulator once in the fork server, not in every worker.
        ctx.set_forkserver_preload(["verification.runner", "simulations"])
        return ctx
    return multiprocessing.get_context("spawn")


class ProcessBackend(Backend):
    """A pool of ``workers`` processes on this machine.

    Parameters
    ----------
    workers : int, optional
        Number of processes (default: :func:`available_cores`).
    blas_threads : int or None
        BLAS threads per worker (default 1).
    """

    name = "processes"

    def __init__(self, workers: int | None = None, blas_threads: int | None = 1):
        if workers is None:
            workers = available_cores()
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise BackendError(f"--workers must be an integer >= 1, got {workers!r}")
        self.workers = workers
        self.blas_threads = blas_threads
        self._executor = None

    def _pool(self):
        if self._executor is None:
            from concurrent.futures import ProcessPoolExecutor

            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=_mp_context(),
                initializer=_init_worker, initargs=(self.blas_threads, os.getpid()))
        return self._executor

    def map_unordered(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Outcome]:
        from concurrent.futures import as_completed

        pool = self._pool()
        futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
        done = False
        try:
            for fut in as_completed(futures):
                i = futures.pop(fut)
                exc = fut.exception()
                yield (i, None, exc) if exc is not None else (i, fut.result(), None)
            done = True
        finally:
            if not done:
                for fut in futures:
                    fut.cancel()
                self.close(terminate=True)

    def close(self, terminate: bool = False) -> None:
        """Shut the pool down; ``terminate`` kills workers that are still busy."""
        ex, self._executor = self._executor, None
        if ex is None:
            return
        procs = list(getattr(ex, "_processes", {}).values()) if terminate else []
        for p in procs:
            if p.is_alive():
                p.terminate()
        ex.shutdown(wait=True, cancel_futures=True)


# ----------------------------------------------------------------------- dask
class DaskBackend(Backend):
    """Dask distributed: a remote scheduler, or a local cluster on loopback.

    Parameters
    ----------
    workers : int, optional
        Local cluster only: number of single-threaded worker processes
        (default: :func:`available_cores`).
    scheduler : str, optional
        Address of a running scheduler; the cluster's worker threads are
        then the ``workers`` count.
    blas_threads : int or None
        BLAS threads per worker (default 1).
    """

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None,
                 blas_threads: int | None = 1):
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise BackendError("the dask backend needs dask.distributed: "
                               "pip install 'metabound[dask]'") from None
        if scheduler is not None and workers is not None:
            raise BackendError("--workers applies to a local Dask cluster; the cluster at "
                               "--scheduler decides its own workers")
        if workers is None:
            workers = available_cores()
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise BackendError(f"--workers must be an integer >= 1, got {workers!r}")
        self.scheduler = scheduler
        self.blas_threads = blas_threads
        self.workers = workers
        self._client = None
        self._cluster = None

    def _connect(self):
        if self._client is not None:
            return self._client
        import logging

        from distributed import Client, LocalCluster

        if self.scheduler is not None:
            try:
                self._client = Client(self.scheduler, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise BackendError(f"cannot reach the Dask scheduler at {self.scheduler}: "
                                   f"{exc}") from None
            self.workers = max(1, sum(self._client.nthreads().values()))
        else:
            self._cluster = LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
        if self.blas_threads is not None:
            self._client.run(_limit_blas, self.blas_threads)
        return self._client

    def map_unordered(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Outcome]:
        from distributed import as_completed

        client = self._connect()
        futures = client.map(fn, list(items), pure=False, key=None)
        index = {f.key: i for i, f in enumerate(futures)}
        done = False
        try:
            for fut in as_completed(futures):
                i = index[fut.key]
                try:
                    result = fut.result()
                except Exception as exc:  # the task raised, or its worker was lost
                    yield i, None, exc
                else:
                    yield i, result, None
                fut.release()
            done = True
        finally:
            if not done:
                client.cancel(futures)

    def close(self) -> None:
        client, self._client = self._client, None
        cluster, self._cluster = self._cluster, None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def _limit_blas(blas_threads: int) -> None:
    """Limit BLAS threads in the calling (worker) process for its lifetime."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=blas_threads)


def worker_info(_: Any = None) -> dict:
    """Process id and BLAS threads of the calling process (run it on workers).

    Returns
    -------
    dict
        ``pid`` and ``blas_threads``: the largest thread count of the BLAS
        libraries loaded (None when none is loaded).
    """
    from threadpoolctl import threadpool_info

    counts = [i["num_threads"] for i in threadpool_info() if i.get("user_api") == "blas"]
    return {"pid": os.getpid(), "blas_threads": max(counts) if counts else None}


def make_backend(name: str = "serial", workers: int | None = None,
                 scheduler: str | None = None, blas_threads: int | None = 1) -> Backend:
    """Create a backend by name.

    Parameters
    ----------
    name : {"serial", "processes", "dask"}
    workers : int, optional
        Worker processes (``processes`` and a local Dask cluster; default all
        available cores).  Not allowed with ``serial``.
    scheduler : str, optional
        Dask scheduler address (``dask`` only).
    blas_threads : int or None
        BLAS threads per worker.

    Returns
    -------
    Backend

    Raises
    ------
    BackendError
        Unknown name, or options that do not apply to the backend.
    """
    if name not in BACKENDS:
        raise BackendError(f"unknown backend {name!r}; known: {', '.join(BACKENDS)}")
    if scheduler is not None and name != "dask":
        raise BackendError("--scheduler needs --backend dask")
    if name == "serial":
        if workers not in (None, 1):
            raise BackendError("--workers needs --backend processes or dask")
        return SerialBackend()
    if name == "processes":
        return ProcessBackend(workers, blas_threads)
    return DaskBackend(workers, scheduler, blas_threads)
