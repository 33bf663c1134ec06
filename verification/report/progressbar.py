"""Render the runner's progress events on a terminal or in a log.

The runner calls ``progress(event)`` with a
:class:`verification.progress.Progress` after each unit of work.
:class:`ProgressPrinter` is such a callable:

* on a terminal (the stream's ``isatty()`` is true): one line redrawn in
  place with a carriage return, at most ``tty_interval`` seconds apart::

      [##########..........]  50%  claims 6/12  replicates 2400/4800  ETA 0:07  c3-...

* otherwise (CI logs, files, pipes): a plain line at most every ``interval``
  seconds, and one at the end::

      progress: 50% | claims 6/12 | replicates 2400/4800 | elapsed 0:07 | ETA 0:07 | c3-...
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO

from ..progress import Progress

__all__ = ["ProgressPrinter", "format_duration"]


def format_duration(seconds: float | None) -> str:
    """``M:SS`` or ``H:MM:SS``; ``--:--`` when unknown.

    Parameters
    ----------
    seconds : float or None

    Returns
    -------
    str
    """
    if seconds is None or seconds != seconds or seconds < 0:
        return "--:--"
    total = int(round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ProgressPrinter:
    """A progress callback that draws a bar on a terminal, plain lines otherwise.

    Parameters
    ----------
    stream : text stream, optional
        Where to write (default ``sys.stderr`` at the time of the call).
    tty : bool, optional
        Force the terminal (True) or plain-line (False) mode; by default
        ``stream.isatty()`` decides.
    interval : float
        Minimum seconds between plain lines (default 5).
    tty_interval : float
        Minimum seconds between redraws of the bar (default 0.1).
    clock : callable
        Monotonic clock, injectable for tests.

    Notes
    -----
    Use as a context manager (or call :meth:`close`) so that the bar's line
    is ended, and the final state printed in plain mode, even when the run
    is interrupted.
    """

    BAR_WIDTH = 20

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None,
                 interval: float = 5.0, tty_interval: float = 0.1,
                 clock: Callable[[], float] = time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        if tty is None:
            isatty = getattr(self.stream, "isatty", None)
            try:
                tty = bool(isatty()) if callable(isatty) else False
            except (ValueError, OSError):         # closed or detached stream
                tty = False
        self.tty = tty
        self.interval = interval
        self.tty_interval = tty_interval
        self.clock = clock
        self._last_time: float | None = None
        self._last_event: Progress | None = None
        self._printed_last = True
        self._width = 0
        self._closed = False

    # ------------------------------------------------------------------ text
    @staticmethod
    def _claims_done(ev: Progress) -> int:
        """Claims finished; all of them once every replicate is done."""
        return ev.claims_total if ev.reps_done >= ev.reps_total else ev.claims_done

    def bar_line(self, ev: Progress, columns: int = 100) -> str:
        """The terminal line for one event.

        Parameters
        ----------
        ev : Progress
        columns : int
            Terminal width; the line is cut to ``columns - 1`` characters.

        Returns
        -------
        str
        """
        frac = min(max(ev.fraction, 0.0), 1.0)
        filled = int(round(frac * self.BAR_WIDTH))
        bar = "#" * filled + "." * (self.BAR_WIDTH - filled)
        line = (f"[{bar}] {frac * 100:3.0f}%  claims {self._claims_done(ev)}/"
                f"{ev.claims_total}  replicates {ev.reps_done}/{ev.reps_total}  "
                f"ETA {format_duration(ev.eta)}  {ev.claim}")
        return line[:max(columns - 1, 10)]

    def plain_line(self, ev: Progress) -> str:
        """The log line for one event.

        Parameters
        ----------
        ev : Progress

        Returns
        -------
        str
        """
        return (f"progress: {min(ev.fraction, 1.0) * 100:.0f}% | claims "
                f"{self._claims_done(ev)}/{ev.claims_total} | replicates "
                f"{ev.reps_done}/{ev.reps_total} | elapsed {format_duration(ev.elapsed)} | "
                f"ETA {format_duration(ev.eta)} | {ev.claim}")

    # -------------------------------------------------------------- drawing
    def _write(self, text: str) -> None:
        """Write and flush, ignoring a closed stream."""
        try:
            self.stream.write(text)
            self.stream.flush()
        except (ValueError, OSError):
            pass

    def _draw(self, ev: Progress) -> None:
        """Redraw the bar in place."""
        columns = shutil.get_terminal_size((100, 24)).columns
        line = self.bar_line(ev, columns)
        pad = " " * max(self._width - len(line), 0)
        self._width = len(line)
        self._write("\r" + line + pad)

    def __call__(self, ev: Progress) -> None:
        """Record one event; print it if the rate limit allows (always the last).

        Parameters
        ----------
        ev : Progress
        """
        if self._closed:
            return
        now = self.clock()
        final = ev.reps_done >= ev.reps_total
        limit = self.tty_interval if self.tty else self.interval
        due = self._last_time is None or now - self._last_time >= limit or final
        self._last_event = ev
        if not due:
            self._printed_last = False
            return
        self._last_time = now
        self._printed_last = True
        if self.tty:
            self._draw(ev)
        else:
            self._write(self.plain_line(ev) + "\n")

    def close(self) -> None:
        """End the bar's line; in plain mode print the last state if not yet shown."""
        if self._closed:
            return
        self._closed = True
        ev = self._last_event
        if ev is None:
            return
        if self.tty:
            if not self._printed_last:
                self._draw(ev)
            self._write("\n")
        elif not self._printed_last:
            self._write(self.plain_line(ev) + "\n")

    def __enter__(self) -> "ProgressPrinter":
        """Return self (use ``with ProgressPrinter() as progress:``)."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close, whether or not the block raised."""
        self.close()
