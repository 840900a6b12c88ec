"""Background work yields to the user: a gate it waits at between small chunks.

The window's process runs work nobody is waiting for beside the GUI thread: the daily
backup's check, filling the citation cache. Python threads share one interpreter lock and
the machine's cores, so such work, however well threaded, makes a key press wait. The
:class:`YieldGate` knows when the user last typed, clicked or scrolled (the window feeds
it from an application-wide event filter, :meth:`YieldGate.note_input`) and whether a
read or write the user waits for is running (:meth:`YieldGate.foreground`). Background
jobs do their work in chunks of at most a few milliseconds of CPU and, between chunks,
either wait (:meth:`YieldGate.pause`) or hand the rest back for later
(:meth:`YieldGate.busy`) while the user was active within the last :data:`QUIET_S`
seconds or a foreground job runs. Nothing is skipped: a paused job goes on where it was.

:data:`GATE` is the process's gate (input is the process's, like the interpreter lock);
:func:`pause` waits at it. Nothing here imports Qt.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

QUIET_S = 0.5
"""Background work waits until the user has been idle this long."""
STEP_S = 0.05
"""How often a waiting job looks again."""
MAX_PAUSE_S = 30.0
"""The longest one :meth:`YieldGate.pause` waits (a user typing for minutes still lets the
work move on, one small chunk at a time)."""


class YieldGate:
    """When background work should wait: recent input, or a foreground job running.

    Thread-safe. ``clock`` and ``sleep`` are :func:`time.monotonic` and
    :func:`time.sleep` unless a test gives its own.
    """

    def __init__(
        self,
        quiet_s: float = QUIET_S,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.quiet_s = quiet_s
        self._clock = clock
        self._sleep = sleep
        self._last_input = float("-inf")
        self._foreground = 0
        self._lock = threading.Lock()
        self.pauses = 0
        """How many times :meth:`pause` waited (for tests and benchmarks)."""
        self.waited_s = 0.0
        """How long, in all, :meth:`pause` waited."""

    @property
    def last_input(self) -> float:
        """When the user last pressed a key, clicked or scrolled (``clock()`` time)."""
        return self._last_input

    def note_input(self) -> None:
        """The user pressed a key, clicked or scrolled now (cheap: call on every event)."""
        self._last_input = self._clock()

    @contextmanager
    def foreground(self) -> Iterator[None]:
        """Around a read or write the user waits for: background work waits meanwhile."""
        with self._lock:
            self._foreground += 1
        try:
            yield
        finally:
            with self._lock:
                self._foreground -= 1

    @property
    def foreground_running(self) -> bool:
        """Whether a read or write the user waits for runs now."""
        return self._foreground > 0

    def wait_s(self) -> float:
        """How long background work should wait from now (0: go on)."""
        if self._foreground > 0:
            return STEP_S
        return max(0.0, self._last_input + self.quiet_s - self._clock())

    def busy(self) -> bool:
        """Whether background work should stop for now (and hand the rest back)."""
        return self.wait_s() > 0

    def pause(self, cancelled: Callable[[], bool] = lambda: False) -> float:
        """Wait while the user is active or a foreground job runs; returns seconds waited.

        Returns at once when nothing is going on; never waits more than
        :data:`MAX_PAUSE_S`, and stops waiting when ``cancelled()`` turns true.
        """
        started = self._clock()
        waited = False
        while not cancelled():
            left = self.wait_s()
            spent = self._clock() - started
            if left <= 0 or spent >= MAX_PAUSE_S:
                break
            waited = True
            self._sleep(min(left, STEP_S, MAX_PAUSE_S - spent))
        spent = self._clock() - started
        if waited:
            with self._lock:
                self.pauses += 1
                self.waited_s += spent
        return spent


GATE = YieldGate()
"""The process's gate: the window feeds it, background jobs wait at it."""


def pause() -> float:
    """Wait at :data:`GATE` (see :meth:`YieldGate.pause`)."""
    return GATE.pause()
