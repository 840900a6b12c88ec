"""The search field above the list: debounced, with the syntax in its tooltip.

It emits :attr:`SearchField.search_changed` ~200 ms after the user stops typing. The window
applies the search; if the text does not parse it calls :meth:`SearchField.show_error`,
which shows the message in red on one line under the field, in room that is kept for it
(the list does not move while the user types) and whole in its tooltip; the list keeps its
last good result. The field grows with the window (the query syntax needs room).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from reader.query import SYNTAX_HELP
from ui.elided import ElidedLabel
from ui.icons import icon
from ui.style import FAILED_COLOR

SEARCH_DELAY_MS = 200


class _Input(QLineEdit):
    """The line edit: Escape clears, Down moves to the list."""

    escape = Signal()
    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escape.emit()
            return
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


class SearchField(QWidget):
    """A search input and its error hint."""

    search_changed = Signal(str)
    """The search text, after the user paused typing (or pressed Enter)."""
    leave_requested = Signal()
    """Down arrow or Escape: the user wants the list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self._input = _Input()
        self._input.setClearButtonEnabled(True)
        self._input.setPlaceholderText("Search")
        self._input.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self._input.setToolTip(f"<b>Search</b> (Ctrl+F)<pre>{_escape(SYNTAX_HELP)}</pre>")
        self._input.setAccessibleName("Search papers")
        self._input.textChanged.connect(self._typed)
        self._input.returnPressed.connect(self._now)
        self._input.escape.connect(self._escape)
        self._input.down.connect(self.leave_requested)
        layout.addWidget(self._input)
        self._input.setFixedHeight(self._input.sizeHint().height())  # the red frame keeps it
        self._hint = ElidedLabel()
        self._hint.setObjectName("searchHint")
        self._hint.setStyleSheet(f"color: {FAILED_COLOR};")
        policy = self._hint.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # its line is always there: nothing moves
        self._hint.setSizePolicy(policy)
        self._hint.hide()
        layout.addWidget(self._hint)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._now)
        self.setFocusProxy(self._input)

    @property
    def input(self) -> QLineEdit:
        """The text input."""
        return self._input

    @property
    def hint(self) -> ElidedLabel:
        """The error hint under the field."""
        return self._hint

    def text(self) -> str:
        """The search text."""
        return self._input.text()

    def set_placeholder(self, view_title: str) -> None:
        """``Search Inbox`` (Ctrl+F is in the menus and the tooltip)."""
        self._input.setPlaceholderText(f"Search {view_title}")

    def set_text(self, text: str) -> None:
        """Replace the text without waiting (no signal)."""
        self._input.blockSignals(True)
        self._input.setText(text)
        self._input.blockSignals(False)
        self.show_error(None)

    def show_error(self, message: str | None) -> None:
        """Show ``message`` under the field (``None`` hides it)."""
        if message:
            self._hint.setText(message)
            self._hint.show()
            self._input.setStyleSheet(f"QLineEdit {{ border: 1px solid {FAILED_COLOR}; }}")
        else:
            self._hint.hide()
            self._input.setStyleSheet("")

    def focus(self) -> None:
        """Focus the field with its text selected."""
        self._input.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._input.selectAll()

    def _typed(self, _text: str) -> None:
        self._timer.start()

    def _now(self) -> None:
        self._timer.stop()
        self.search_changed.emit(self._input.text())

    def _escape(self) -> None:
        if self._input.text():
            self._input.clear()
            self._now()
        else:
            self.leave_requested.emit()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
