"""SIGINT and SIGTERM stop a run honestly: a flag the runner checks, instead of dying mid-write.

While :class:`StopSignals` is active (main thread only), a signal records its number and calls the
registered callbacks (the in-process worker's cancel); the runner then stops its workers, clears what
they left half-written, writes the manifest and raises :class:`synthgen.errors.RunInterrupted`
(exit code 128 + the signal: 130 for Ctrl-C, 143 for SIGTERM). A second signal while stopping is ignored:
the cleanup takes a second or two.

>>> import os, signal
>>> with StopSignals() as stop:
...     os.kill(os.getpid(), signal.SIGTERM)
...     stop.signum == signal.SIGTERM
True
"""

from __future__ import annotations

import signal
import threading
from typing import Any, Callable

__all__ = ["StopSignals"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopSignals:
    """Catch SIGINT/SIGTERM for the length of a ``with`` block (a no-op outside the main thread)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._old: dict[int, Any] = {}
        self._callbacks: list[Callable[[], None]] = []

    def __bool__(self) -> bool:
        return self.signum is not None

    def on_stop(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (from the signal handler) when a stop signal arrives."""
        self._callbacks.append(callback)

    def _handle(self, signum: int, _frame: Any) -> None:
        if self.signum is not None:
            return
        self.signum = signum
        for cb in list(self._callbacks):
            cb()

    def __enter__(self) -> "StopSignals":
        if threading.current_thread() is threading.main_thread():
            for sig in _SIGNALS:
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)
        self._old.clear()
