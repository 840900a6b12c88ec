"""Tells background work when the user types, clicks or scrolls (the yield gate's input).

:class:`InputWatch` is an application-wide event filter: every key press, mouse press and
wheel turn in any of the application's windows notes the time on a
:class:`~reader.yieldgate.YieldGate` (one float stored; it never eats an event). The
daily backup's check and the citation cache's filling wait at that gate, so that a key
never waits behind them (:mod:`reader.yieldgate`).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject

from reader.worker import LibraryReader, LibraryWorker
from reader.yieldgate import GATE, YieldGate

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
"""What counts as the user doing something."""


class InputWatch(QObject):
    """Notes on ``gate`` the time of the user's last input, in the whole application."""

    def __init__(self, gate: YieldGate = GATE, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.gate = gate
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @classmethod
    def of_window(cls, window: QObject, reader: LibraryReader, writer: LibraryWorker) -> InputWatch:
        """The watch of a window: background work also waits while its reader or writer
        runs a job (the reads and writes the user waits for)."""
        reader.gate = writer.gate = GATE
        return cls(GATE, window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note the time of an input event; every event goes on as it came."""
        if event.type() in INPUT_EVENTS:
            self.gate.note_input()
        return False

    def close(self) -> None:
        """Stop watching."""
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
