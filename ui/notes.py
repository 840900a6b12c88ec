"""The note editor: Markdown in a plain-text editor, a rendered preview, automatic saving.

The preview is :mod:`ui.preview` (bounded in cost, raw HTML off, loading nothing).

Saving is debounced (:data:`SAVE_DELAY_MS` after the last keystroke) and also immediate when
the paper changes, the editor loses focus, the window closes or the application quits
(:meth:`NoteEditor.flush`). Saves go through the :class:`~ui.notekeeper.NoteKeeper`, which
holds every text until the library has stored it: coming back to a paper whose note is
still waiting or was refused shows the typed text (with the reason), never the stored one.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.notekeeper import NoteKeeper
from ui.preview import (
    INLINE_CHARS,
    NoteBrowser,
    markdown_ready,
    preview_html,
    render_in_background,
)
from ui.style import FAILED_COLOR

SAVE_DELAY_MS = 600


class NoteEditor(QWidget):
    """A paper's Markdown note with Edit/Preview, saved through a :class:`NoteKeeper`."""

    _rendered = Signal(int, object, str)
    saved = Signal(int)
    """The paper id whose note was just stored."""
    leave_requested = Signal()
    """Escape while editing: the note is saved and the user wants the list back."""

    def __init__(self, keeper: NoteKeeper, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keeper = keeper
        keeper.state_changed.connect(self._save_state)
        self._render_serial = 0
        self._rendered.connect(self._show_html, Qt.ConnectionType.QueuedConnection)
        self._paper_id: int | None = None
        self._stored = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        bar = QHBoxLayout()
        bar.setSpacing(0)
        caption = QLabel("Note")
        caption.setObjectName("sectionCaption")
        bar.addWidget(caption)
        bar.addSpacing(10)
        self._edit_button = self._mode_button("Edit", "Write the note in Markdown (N)")
        self._preview_button = self._mode_button("Preview", "Show the rendered note")
        group = QButtonGroup(self)
        group.setExclusive(True)
        group.addButton(self._edit_button)
        group.addButton(self._preview_button)
        bar.addWidget(self._edit_button)
        bar.addWidget(self._preview_button)
        bar.addStretch(1)
        self._state = QLabel()
        self._state.setObjectName("mutedLabel")
        bar.addWidget(self._state)
        layout.addLayout(bar)
        self._warning = QLabel()
        self._warning.setObjectName("noteWarning")
        self._warning.setTextFormat(Qt.TextFormat.PlainText)
        self._warning.setWordWrap(True)
        self._warning.setStyleSheet(f"color: {FAILED_COLOR};")
        self._warning.hide()
        layout.addWidget(self._warning)

        self._stack = QStackedWidget()
        self._editor = QPlainTextEdit()
        self._editor.setPlaceholderText(
            "Write a note in Markdown — **bold**, *italic*, - lists, [links](https://…).\n"
            "It is saved as you type."
        )
        self._editor.setTabChangesFocus(True)
        self._editor.setAccessibleName("Note")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font = QFont(self.font())
        font.setFamilies([*font.families(), mono.family()])
        self._editor.setFont(font)
        self._editor.textChanged.connect(self._text_changed)
        self._editor.installEventFilter(self)
        self._preview = NoteBrowser()
        self._preview.setAccessibleName("Note preview")
        self._stack.addWidget(self._editor)
        self._stack.addWidget(self._preview)
        layout.addWidget(self._stack, 1)

        self._edit_button.clicked.connect(lambda: self.set_editing(True))
        self._preview_button.clicked.connect(lambda: self.set_editing(False))
        self.set_editing(True)

    def _mode_button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setAutoRaise(True)
        button.setObjectName("segment")
        return button

    # ------------------------------------------------------------------ public API

    @property
    def editor(self) -> QPlainTextEdit:
        """The text editor."""
        return self._editor

    @property
    def preview(self) -> NoteBrowser:
        """The rendered preview."""
        return self._preview

    @property
    def paper_id(self) -> int | None:
        """The paper whose note is shown."""
        return self._paper_id

    @property
    def dirty(self) -> bool:
        """Whether the text differs from what was last stored."""
        return self._paper_id is not None and self._editor.toPlainText() != self._stored

    def text(self) -> str:
        """The note as typed."""
        return self._editor.toPlainText()

    def is_editing(self) -> bool:
        """Whether the editor (not the preview) is shown."""
        return self._stack.currentWidget() is self._editor

    def set_note(self, paper_id: int | None, text: str) -> None:
        """Show ``paper_id``'s note (saving the previous paper's first)."""
        if paper_id == self._paper_id and not self.dirty and text == self._stored:
            return
        self.flush()
        self._paper_id = paper_id
        self._stored = text
        kept = self._keeper.kept(paper_id) if paper_id is not None else None
        shown = kept if kept is not None else text
        self._editor.blockSignals(True)
        self._editor.setPlainText(shown)
        self._editor.blockSignals(False)
        self._stored = shown
        if kept is not None and kept != text:
            self._show_state(
                "Not stored yet: your text is kept and saved when the library allows", True
            )
        else:
            self._show_state("", False)
        self.set_editing(not shown)

    def reload(self, text: str) -> None:
        """The stored note changed elsewhere; show it unless the user has unsaved typing."""
        if self.dirty or text == self._stored:
            return
        if self._paper_id is not None and self._keeper.kept(self._paper_id) is not None:
            return  # the typed text waits to be stored; it is what the user sees
        self._stored = text
        self._editor.blockSignals(True)
        self._editor.setPlainText(text)
        self._editor.blockSignals(False)
        self._render()

    def set_editing(self, editing: bool) -> None:
        """Show the editor (``True``) or the rendered preview."""
        if editing:
            self._stack.setCurrentWidget(self._editor)
        else:
            self.flush()
            self._render()
            self._stack.setCurrentWidget(self._preview)
        self._edit_button.setChecked(editing)
        self._preview_button.setChecked(not editing)

    def start_editing(self) -> None:
        """Show the editor and put the cursor at the end of the note."""
        self.set_editing(True)
        self._editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._editor.moveCursor(self._editor.textCursor().MoveOperation.End)

    def flush(self) -> None:
        """Hand unsaved text to the keeper now (it stores it, or keeps it until it can)."""
        self._timer.stop()
        if not self.dirty or self._paper_id is None:
            return
        text = self._editor.toPlainText()
        self._stored = text
        self._keeper.save(self._paper_id, text)

    def _save_state(self, paper_id: int, text: str, warning: bool) -> None:
        if paper_id != self._paper_id:
            return
        self._show_state(text, warning)
        if text == "Saved":
            self.saved.emit(paper_id)

    def _show_state(self, text: str, warning: bool) -> None:
        self._state.setText(
            ("Not saved" if text.startswith("Not") else "Waiting…") if warning else text
        )
        self._state.setStyleSheet(f"color: {FAILED_COLOR};" if warning else "")
        self._warning.setText(text if warning else "")
        self._warning.setVisible(warning)

    @property
    def warning_text(self) -> str:
        """The visible warning about a note not stored yet (empty when there is none)."""
        return self._warning.text()

    @property
    def state_text(self) -> str:
        """What the editor says about saving (``Saved``, ``Not saved: …``)."""
        return self._state.text()

    # ------------------------------------------------------------------ internals

    def _text_changed(self) -> None:
        if self._paper_id is None:
            return
        self._show_state("Editing…" if self.dirty else "", False)
        self._timer.start()

    def _render(self) -> None:
        text = self._editor.toPlainText()
        if text.strip():
            self._render_serial += 1
            # Until markdown-it is loaded (the first note shown, at start-up: a second of
            # imports and pattern compiling) notes render on the preview's thread too.
            inline = len(text) <= INLINE_CHARS and text.count("[") <= 20
            if inline and markdown_ready():
                self._show_html(self._render_serial, preview_html(text), text)
                return
            # Longer notes render on a thread; the plain text shows meanwhile.
            self._preview.setPlainText(text)
            serial = self._render_serial
            render_in_background(text, lambda html: self._rendered.emit(serial, html, text))
        else:
            self._preview.setHtml(
                "<p style='color: palette(placeholder-text);'>No note yet. Press "
                "<b>N</b> or click <b>Edit</b> to write one.</p>"
            )

    def _show_html(self, serial: int, html: object, text: str) -> None:
        if serial != self._render_serial:
            return  # a newer note (or edit) is shown
        if isinstance(html, str):
            self._preview.setHtml(html)
        else:
            self._preview.setPlainText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._editor and event.type() == QEvent.Type.FocusOut:
            self.flush()
        if (
            watched is self._editor
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            self.flush()
            self.leave_requested.emit()
            return True
        return super().eventFilter(watched, event)
