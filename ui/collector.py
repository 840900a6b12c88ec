"""The cyclic garbage collector, kept off the user's keystrokes.

CPython's collector stops every thread of the process while it runs, whichever thread's
allocations set it off. A full (oldest-generation) collection walks every tracked object:
with PySide6, the window and the modules loaded, that is over 100,000 objects and about
100 ms — set off at random moments by the reader, the writer or the interest learner
building rows, it froze the window for as long as it ran (measured by
``bench/gui_stall.py``, which records the collector's pauses).

:class:`HeapKeeper` moves the long-lived objects out of the collector's way
(:func:`gc.freeze`, the documented way to keep a large permanent heap out of collections)
and keeps the automatic collections short:

- when the window is up, everything alive is frozen (the modules, Qt's wrappers);
- every :data:`REFREEZE_S`, what was made since is frozen too (freezing moves lists and
  walks nothing);
- the automatic collections are young ones only (:data:`THRESHOLDS`): a pause walks the
  objects made since the last one, a few hundred, never the older heap. A young
  collection's cost is what those objects hold (a list of 200 words is 200 visits), so
  the background threads' featurizing and rendering made a middle-generation collection
  of up to 7,700 such objects 20–50 ms of CPU with Python's defaults (700, 10, 10), and
  an oldest-generation one of what was made since the last freeze up to 53 ms; with
  :data:`THRESHOLDS` a middle one walks at most about 1,200 and the oldest runs only
  from the keeper;
- when the user leaves the window for another application (at most every
  :data:`FULL_EVERY_S`), the frozen objects are unfrozen and one full collection frees any
  cycle among them that has become garbage since — a pause nobody is looking at; if the
  user never leaves, it runs at an idle moment after :data:`FULL_AT_MOST_S`.

While the window is up the interpreter also hands its lock over every
:data:`SWITCH_INTERVAL_S` (Python's default is 5 ms; :func:`ui.app.application` sets
1 ms). The GUI thread takes the lock again at every call Qt makes into Python (each cell a
repaint asks for), and while other threads run Python (featurizing, rendering citations)
each take waits for a hand-over: with three busy threads, 400 such takes cost 2.0 s at
1 ms and 0.6 s at 0.1 ms, the busy threads' throughput unchanged.

Frozen and old objects are still freed by reference counting as usual; only the search for
garbage cycles skips them until the next full collection. :meth:`HeapKeeper.stop` puts
the thresholds and the switch interval back.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

THRESHOLDS = (400, 2, 1_000_000_000)
"""The collector's thresholds while the window is up: a young collection every 400
allocations (Python: 700), the middle generation every second one (Python: every tenth),
the oldest never automatically (the keeper's full collections free its cycles)."""
SWITCH_INTERVAL_S = 0.0001
"""How often a thread running Python is asked to hand the interpreter lock over while the
window is up (``sys.setswitchinterval``)."""
REFREEZE_S = 5.0
"""How often what was made since the last freeze is frozen."""
FULL_EVERY_S = 300.0
"""At most this often, a full collection when the user leaves the window."""
FULL_AT_MOST_S = 1800.0
"""A full collection at the latest after this long, even if the user never left the window
(cycles among frozen objects that became garbage are freed only then)."""


class HeapKeeper(QObject):
    """Collects and freezes the heap at moments the user does not feel (module docstring)."""

    def __init__(self, idle: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._idle = idle
        self._last_full = time.monotonic()
        self.freezes = 0
        """How many times the heap was frozen (for tests)."""
        self.full_collections = 0
        """How many full collections ran while the user was elsewhere (for tests)."""
        self._thresholds: tuple[int, int, int] | None = None  # Python's, while ours apply
        self._switch_interval: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(int(REFREEZE_S * 1000))
        self._timer.timeout.connect(self.refreeze)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._state_changed)

    def start(self) -> None:
        """Freeze what the window's start made, keep refreezing, collect young only, and
        hand the interpreter lock over every :data:`SWITCH_INTERVAL_S`."""
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            gc.set_threshold(*THRESHOLDS)
        if self._switch_interval is None:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL_S)
        self.refreeze()
        self._timer.start()

    def refreeze(self) -> None:
        """Freeze what was made since the last freeze. Freezing moves lists and walks
        nothing: it costs no pause, whatever the window is doing."""
        gc.freeze()
        self.freezes += 1
        if time.monotonic() - self._last_full >= FULL_AT_MOST_S and self._idle():
            self.full_collection()  # the user never left the window: bound what may leak

    def full_collection(self) -> None:
        """Unfreeze, collect everything, freeze again (the user is elsewhere)."""
        began = time.perf_counter()
        gc.unfreeze()
        found = gc.collect()
        gc.freeze()
        self._last_full = time.monotonic()
        self.full_collections += 1
        log.debug(
            "full collection while inactive: %d unreachable in %.1f ms",
            found,
            (time.perf_counter() - began) * 1000,
        )

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        if (
            state != Qt.ApplicationState.ApplicationActive
            and time.monotonic() - self._last_full >= FULL_EVERY_S
            and self._idle()
        ):
            self.full_collection()

    def stop(self) -> None:
        """Stop refreezing; the frozen objects go back to the collector, and the
        thresholds and switch interval from before :meth:`start` apply again."""
        self._timer.stop()
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            with contextlib.suppress(RuntimeError, TypeError):  # already gone with its app
                app.applicationStateChanged.disconnect(self._state_changed)
        gc.unfreeze()
