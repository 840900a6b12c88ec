"""The note editor: Markdown in a plain-text editor, a rendered preview, automatic saving.

Rendering uses the ``markdown`` package (``extra`` and ``sane_lists``) with raw HTML turned
off: ``<script>`` or ``<img onerror>`` typed into a note shows as text. The preview loads
nothing — no remote images, no local files — and links open in the system browser only for
``http``, ``https`` and ``mailto``, after the address is shown.

Saving is debounced (:data:`SAVE_DELAY_MS` after the last keystroke) and also immediate when
the paper changes, the editor loses focus, the window closes or the application quits
(:meth:`NoteEditor.flush`). A failed save keeps the text and is retried on the next flush.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.tooltips import plain_tooltip

SAVE_DELAY_MS = 600
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

PREVIEW_CSS = """
h1 { font-size: 135%; font-weight: 600; margin-top: 2px; margin-bottom: 6px; }
h2 { font-size: 120%; font-weight: 600; margin-top: 8px; margin-bottom: 4px; }
h3, h4, h5, h6 { font-size: 108%; font-weight: 600; margin-top: 6px; margin-bottom: 4px; }
p { margin-top: 0px; margin-bottom: 8px; }
ul, ol { margin-top: 0px; margin-bottom: 8px; margin-left: 0px; -qt-list-indent: 1; }
li { margin-bottom: 2px; }
pre { background-color: rgba(127, 127, 127, 0.12); padding: 6px; }
code { background-color: rgba(127, 127, 127, 0.14); }
blockquote { color: palette(placeholder-text); margin-left: 12px; }
table { border-collapse: collapse; }
th, td { padding: 3px 8px; }
a { color: palette(link); }
"""


@cache
def _markdown() -> Any:
    import markdown
    from markdown.extensions import Extension
    from markdown.extensions.extra import ExtraExtension
    from markdown.extensions.sane_lists import SaneListExtension

    class _NoRawHtml(Extension):
        """Raw HTML in a note is shown as text, never interpreted."""

        def extendMarkdown(self, md: markdown.Markdown) -> None:
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")

    # Extension objects, not names: names make markdown scan every installed package.
    return markdown.Markdown(extensions=[ExtraExtension(), SaneListExtension(), _NoRawHtml()])


def markdown_ready() -> bool:
    """Whether the Markdown engine is built (building it takes a few dozen milliseconds)."""
    return _markdown.cache_info().currsize > 0


def render_markdown(text: str) -> str:
    """HTML for the note ``text``; raw HTML in it is escaped, not passed through."""
    md = _markdown()
    md.reset()
    return str(md.convert(text))


def is_safe_link(url: QUrl) -> bool:
    """Whether a link may be handed to the system: web and mail addresses only."""
    return url.isValid() and url.scheme().lower() in SAFE_SCHEMES


class NoteBrowser(QTextBrowser):
    """A rendered note that loads nothing and hands safe links to :attr:`open_url`."""

    link_hovered = Signal(str)
    """The address under the mouse (empty when it leaves a link)."""
    link_refused = Signal(str)
    """An address that was not opened (``javascript:``, ``file:``…)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDefaultStyleSheet(PREVIEW_CSS)
        self.document().setDocumentMargin(10)
        self.highlighted.connect(lambda url: self.link_hovered.emit(url.toString()))
        self.anchorClicked.connect(self._clicked)
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        """How a safe link is opened (replaceable in tests)."""

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        return None

    def _clicked(self, url: QUrl) -> None:
        shown = url.toString()
        self.setToolTip(plain_tooltip(shown))
        if is_safe_link(url):
            self.link_hovered.emit(f"Opening {shown}")
            self.open_url(url)
        else:
            self.link_refused.emit(shown)


class NoteEditor(QWidget):
    """A paper's Markdown note with Edit/Preview, saved through ``save(paper_id, text)``.

    ``save`` returns whether the text was stored; it is called on the GUI thread.
    """

    saved = Signal(int)
    """The paper id whose note was just stored."""
    leave_requested = Signal()
    """Escape while editing: the note is saved and the user wants the list back."""

    def __init__(self, save: Callable[[int, str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self._deferred_once = False
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
        self._editor.blockSignals(True)
        self._editor.setPlainText(text)
        self._editor.blockSignals(False)
        self._state.setText("")
        self.set_editing(not text)

    def reload(self, text: str) -> None:
        """The stored note changed elsewhere; show it unless the user has unsaved typing."""
        if self.dirty or text == self._stored:
            return
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

    def flush(self) -> bool:
        """Store unsaved text now. Returns False only when the store refused it."""
        self._timer.stop()
        if not self.dirty or self._paper_id is None:
            return True
        text = self._editor.toPlainText()
        if not self._save(self._paper_id, text):
            self._state.setText("Not saved")
            return False
        self._stored = text
        self._state.setText("Saved")
        self.saved.emit(self._paper_id)
        return True

    # ------------------------------------------------------------------ internals

    def _text_changed(self) -> None:
        if self._paper_id is None:
            return
        self._state.setText("Editing…" if self.dirty else "")
        self._timer.start()

    def _render(self) -> None:
        text = self._editor.toPlainText()
        if text.strip() and not markdown_ready() and not self._deferred_once:
            # The first note shown at start-up: paint the window first, render right after.
            self._deferred_once = True
            self._preview.setPlainText(text)
            QTimer.singleShot(0, self._render)
            return
        if text.strip():
            self._preview.setHtml(render_markdown(text))
        else:
            self._preview.setHtml(
                "<p style='color: palette(placeholder-text);'>No note yet. Press "
                "<b>N</b> or click <b>Edit</b> to write one.</p>"
            )

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
