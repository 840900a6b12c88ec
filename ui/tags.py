"""The tag editor of the detail pane: chips that wrap, and an input with completion.

Enter (or a comma) adds what was typed, Backspace in the empty input removes the last chip,
the × on a chip removes it. The editor only emits requests; the window turns them into
undoable commands and tells the editor the resulting tags.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

from reader.library import LibraryUsageError, clean_tag_name
from ui.delegates import tag_colors
from ui.icons import icon
from ui.tooltips import plain_tooltip


class FlowLayout(QLayout):
    """Lays widgets out left to right, wrapping to new lines (Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def insertWidget(self, position: int, widget: QWidget) -> None:
        """Insert ``widget`` before the item at ``position``."""
        self.addChildWidget(widget)
        self._items.insert(position, QWidgetItem(widget))
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            stretch = isinstance(item.widget(), QLineEdit)
            width = hint.width()
            if x + width > area.right() + 1 and line_height > 0:
                x = area.x()
                y += line_height + self._spacing
                line_height = 0
            if stretch:  # the input takes the rest of its line (at least its hint)
                width = max(width, area.right() + 1 - x)
            if apply:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()


class TagChip(QFrame):
    """One tag: its name and a × that asks to remove it."""

    remove_requested = Signal(str)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName("tagChip")
        background, foreground = tag_colors(name, self.palette())
        self.setStyleSheet(
            f"#tagChip {{ background: {background.name()}; border-radius: 11px; }}"
            f"#tagChip QLabel {{ color: {foreground.name()}; background: transparent; }}"
            "#tagChip QToolButton { border: none; background: transparent; padding: 0; }"
            "#tagChip QToolButton:hover { background: rgba(0,0,0,0.12); border-radius: 8px; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(9, 2, 3, 2)
        layout.setSpacing(2)
        label = QLabel(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(label)
        close = QToolButton()
        close.setIcon(icon("close", foreground))
        close.setIconSize(QSize(12, 12))
        close.setFixedSize(16, 16)
        close.setToolTip(plain_tooltip(f"Remove the tag “{name}”"))
        close.setAccessibleName(f"Remove tag {name}")
        close.setCursor(Qt.CursorShape.PointingHandCursor)
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.clicked.connect(lambda: self.remove_requested.emit(self.name))
        layout.addWidget(close)
        self.setFixedHeight(22)


class TagInput(QLineEdit):
    """The input after the chips: Backspace when empty removes the last chip, Escape leaves."""

    backspace_on_empty = Signal()
    escape = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Backspace and not self.text() and not self.hasSelectedText():
            self.backspace_on_empty.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.clear()
            self.escape.emit()
            return
        super().keyPressEvent(event)


class TagEditor(QWidget):
    """Chips for a paper's tags plus an input with completion over every existing tag."""

    tags_added = Signal(list)
    """Names typed by the user (cleaned), to add."""
    tag_removed = Signal(str)
    """A name to take off."""
    leave_requested = Signal()
    """Escape in the input: the user is done with tags and wants the list back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tags: list[str] = []
        self._committed: list[str] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        holder = QWidget()
        self._flow = FlowLayout(holder, spacing=5)
        outer.addWidget(holder)
        self._input = TagInput()
        self._input.setPlaceholderText("Add a tag…")
        self._input.setToolTip("Type a tag and press Enter (commas separate several).")
        self._input.setAccessibleName("Add tag")
        self._input.setClearButtonEnabled(False)
        self._input.escape.connect(self.leave_requested)
        self._input.setMinimumWidth(110)
        self._input.setFrame(False)
        self._input.returnPressed.connect(self._commit)
        self._input.textEdited.connect(self._text_edited)
        self._input.backspace_on_empty.connect(self._remove_last)
        self._flow.addWidget(self._input)
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        # Queued: the line edit puts the completion into itself on the same signal, after
        # any direct slot; committing later leaves the input empty once the chip is added.
        completer.activated.connect(self._completed, Qt.ConnectionType.QueuedConnection)
        self._input.setCompleter(completer)
        self._hint = QLabel()
        self._hint.setObjectName("tagHint")
        self._hint.setStyleSheet("color: #c0392b;")
        self._hint.setWordWrap(True)
        self._hint.hide()
        outer.addWidget(self._hint)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setFocusProxy(self._input)

    @property
    def input(self) -> QLineEdit:
        """The text input (for focus and tests)."""
        return self._input

    @property
    def hint(self) -> QLabel:
        """The red hint under the input (an invalid tag name)."""
        return self._hint

    def tags(self) -> list[str]:
        """The tags shown as chips."""
        return list(self._tags)

    def set_tags(self, names: Sequence[str]) -> None:
        """Show ``names`` as chips (does not emit)."""
        names = list(names)
        if names == self._tags:
            return
        while self._flow.count() > 1:
            item = self._flow.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for position, name in enumerate(names):
            chip = TagChip(name)
            chip.remove_requested.connect(self.tag_removed)
            self._flow.insertWidget(position, chip)
        self._tags = names
        self._flow.invalidate()  # taking items out does not, by itself, lay the rest out again
        self.updateGeometry()

    def recolor(self) -> None:
        """Make the chips again with the current palette's colours (a theme switch)."""
        names, self._tags = self._tags, []
        self.set_tags(names)

    def set_completions(self, names: Sequence[str]) -> None:
        """Every existing tag, offered while typing."""
        self._completions.setStringList(list(names))

    def _text_edited(self, text: str) -> None:
        self._committed = []
        self._hint.hide()
        if "," in text:
            self._commit()

    def _completed(self, text: str) -> None:
        # Queued: runs after the line edit put the completion into itself. Enter in the
        # popup is also handed to the line edit, which committed it already: then only
        # the text the line edit put back is cleared (one tag added, the input empty).
        if text.strip() and self._committed == [text.strip()]:
            self._input.clear()
            return
        self._input.setText(text)
        self._commit()

    def _commit(self) -> None:
        raw = [part for part in self._input.text().split(",") if part.strip()]
        if not raw:
            return
        try:
            names = [clean_tag_name(part) for part in raw]
        except LibraryUsageError as exc:
            self._hint.setText(str(exc).capitalize())
            self._hint.show()
            return
        self._input.clear()
        self._committed = list(dict.fromkeys(names))
        self.tags_added.emit(list(self._committed))

    def _remove_last(self) -> None:
        if self._tags:
            self.tag_removed.emit(self._tags[-1])
