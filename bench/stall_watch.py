"""What else the GUI-stall bench (:mod:`bench.gui_stall`) watches while a scenario runs.

- :class:`FileWatch`: polls the library file from a thread and a connection of its own
  (never the GUI thread: a ``count(*)`` over 100,000 rows there would be a stall the bench
  made itself) and notes when an edit first reached the file.
- :class:`GcWatch`: the cyclic garbage collector's pauses (it stops every thread of the
  process, whichever thread set it off).
- :class:`DialogAnswerer`: accepts confirmations ("Rate 100,048 papers 2 stars?") the way a
  user would, and records error messages.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path


class FileWatch:
    """Notes, from a thread of its own, when ``sql`` first returns ``expected``."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.reached_at: float | None = None
        self.error: str | None = None
        """The last error a look at the file met (said when the edit never arrives)."""

    def one(self, sql: str, params: tuple[object, ...] = ()) -> object:
        """The first column of the first row, read now (outside any scenario)."""
        conn = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True, isolation_level=None)
        try:
            row = conn.execute(sql, params).fetchone()
        finally:
            conn.close()
        return None if row is None else row[0]

    def expect(self, check: Callable[[Callable[..., object]], bool], every: float) -> None:
        """Poll ``check(one)`` every ``every`` seconds until it holds."""
        self.cancel()
        self.reached_at = None
        self.error = None
        self._stop.clear()

        def poll() -> None:
            conn = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True, isolation_level=None)

            def one(sql: str, params: tuple[object, ...] = ()) -> object:
                row = conn.execute(sql, params).fetchone()
                return None if row is None else row[0]

            try:
                while not self._stop.is_set():
                    try:
                        if check(one):
                            self.reached_at = time.monotonic()
                            return
                    except sqlite3.Error as exc:  # a writer checkpointing: look again
                        self.error = str(exc)
                    self._stop.wait(every)
            except BaseException as exc:
                self.error = f"{type(exc).__name__}: {exc}"
                raise
            finally:
                conn.close()

        self._thread = threading.Thread(target=poll, name="bench-file-watch", daemon=True)
        self._thread.start()

    @property
    def reached(self) -> bool:
        """Whether the expected value is in the file."""
        return self.reached_at is not None

    def cancel(self) -> None:
        """Stop polling."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None


class GcWatch:
    """The garbage collector's pauses: the longest, and how many took over 5 ms."""

    def __init__(self) -> None:
        import gc

        self._gc = gc
        self._began = 0.0
        self._began_cpu = 0.0
        self.pauses: list[tuple[float, int, str, float]] = []
        """(wall s, generation, thread, that thread's CPU s)."""
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began, self._began_cpu = time.perf_counter(), time.thread_time()
            return
        took = time.perf_counter() - self._began
        if took > 0.005:
            name = threading.current_thread().name
            cpu = time.thread_time() - self._began_cpu
            self.pauses.append((took, info.get("generation", -1), name, cpu))

    def take(self) -> dict[str, object]:
        """The pauses since the last call (and forget them)."""
        pauses, self.pauses = self.pauses, []
        longest = max(pauses, default=(0.0, -1, "", 0.0))
        return {
            "over_5ms": len(pauses),
            "longest_ms": round(longest[0] * 1000, 1),
            "its_cpu_ms": round(longest[3] * 1000, 1),
            "generation": longest[1],
            "thread": longest[2],
            "total_ms": round(sum(p[0] for p in pauses) * 1000, 1),
        }

    def close(self) -> None:
        """Stop listening."""
        self._gc.callbacks.remove(self._callback)


class DialogAnswerer:
    """Accepts confirmations and records (and closes) error messages as they appear."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.messages: list[str] = []
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def _look(self) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                buttons = widget.standardButtons()
                text = widget.text()
                accept = [
                    b
                    for b in widget.buttons()
                    if widget.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole
                ]
                if buttons & QMessageBox.StandardButton.Yes:
                    widget.done(QMessageBox.StandardButton.Yes.value)
                elif accept and widget.icon() == QMessageBox.Icon.Question:
                    accept[0].click()  # a question with its own verb ("Rate", "Mark as Read")
                else:
                    self.messages.append(text)
                    widget.done(QMessageBox.StandardButton.Ok.value)
                owner = widget.parentWidget()
                if owner is not None:  # as a window manager would after a dialog closes
                    owner.window().activateWindow()
