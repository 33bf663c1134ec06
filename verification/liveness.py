"""Whether a process is still running (worker watchdogs, stale temporaries of killed writers)."""

from __future__ import annotations

import os

__all__ = ["process_running"]


def process_running(pid: int) -> bool:
    """Whether process ``pid`` is running: it exists (signal 0 probes without signalling) and is not a zombie.

    A killed process stays a zombie until its own parent reaps it, which may
    wait for the very pipes the workers hold open; on Linux its state in
    ``/proc/<pid>/stat`` tells (elsewhere existence is all there is to check).
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:          # exists, owned by someone else
        pass
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in (b"Z", b"X")
