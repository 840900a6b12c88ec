"""The note's rendered preview: Markdown with raw HTML off, bounded in cost, loading nothing.

Rendering is Obsidian's flavour of CommonMark (:mod:`ui.notemarkdown`: markdown-it-py with
tables, strikethrough, footnotes, task lists, highlights and wikilinks) with raw HTML turned
off: ``<script>`` or ``<img onerror>`` typed into a note shows as text. The preview loads
nothing — no remote images, no local files — and links open in the system browser only for
``http``, ``https`` and ``mailto``, after the address is shown.

Markdown is rendered only when the note's cost is bounded (:func:`too_costly`: lists and
quotes at most :data:`MAX_NESTING` deep, at most :data:`MAX_BRACKETS` brackets, checked in
linear time); other notes, or ones the renderer fails on, are shown as plain text, so no
note can make the preview recurse or freeze. Notes longer than :data:`INLINE_CHARS` render
on a thread of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from ui import notemarkdown
from ui.byline import display_url
from ui.tooltips import plain_tooltip

MAX_NESTING = 24
"""Deepest list or quote nesting the preview renders as Markdown."""
MAX_RENDERED_CHARS = 100_000
"""Longer notes are previewed as plain text (rendering them would stall the window)."""
MAX_BRACKETS = 200
"""More ``[`` than this (links, footnotes) and the note is previewed as plain text."""
MAX_ABBREVIATION_WORK = 500_000
"""Abbreviation definitions × characters above this: previewed as plain text."""
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
th, td { padding: 3px 8px; border: 1px solid rgba(127, 127, 127, 0.4); }
mark { background-color: rgba(255, 208, 0, 0.4); }
del, s { color: palette(placeholder-text); }
a.wikilink { text-decoration: none; }
li.task { list-style-type: none; }
a { color: palette(link); }
"""


INLINE_CHARS = 4000
"""Notes up to this long (with few links) render at once; longer ones on a thread."""
_renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="papershelf-preview")


def markdown_ready() -> bool:
    """Whether the Markdown engine is built (building it takes a few dozen milliseconds)."""
    return notemarkdown.ready()


def render_markdown(text: str) -> str:
    """HTML for the note ``text``; raw HTML in it is escaped, not passed through."""
    return notemarkdown.render(text)


_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)]|>)(?:[ \t]+|$)")


def nesting_depth(text: str) -> int:
    """How deeply ``text`` nests lists and quotes (the most any line opens), in linear time.

    Each list or quote marker at the start of a line (``- - - x`` is three lists) and each
    level of indentation counts one.
    """
    deepest = 0
    for line in text.splitlines():
        expanded = line.expandtabs(4)
        stripped = expanded.lstrip(" ")
        depth = (len(expanded) - len(stripped)) // 2
        position = 0
        while True:
            match = _MARKER.match(stripped, position)
            if match is None or match.end() == position:
                break
            depth += 1
            position = match.end()
        deepest = max(deepest, depth)
    return deepest


def too_costly(text: str) -> bool:
    """Whether rendering ``text`` could take long: a Markdown parser's cost can grow with
    the square of the number of ``[`` (links, footnotes, wikilinks) and with definitions ×
    text, so notes past these bounds (counted in linear time) are previewed as plain text."""
    if len(text) > MAX_RENDERED_CHARS or nesting_depth(text) > MAX_NESTING:
        return True
    if text.count("[") > MAX_BRACKETS:
        return True
    abbreviations = sum(1 for line in text.splitlines() if line.lstrip().startswith("*["))
    return abbreviations * len(text) > MAX_ABBREVIATION_WORK


def preview_html(text: str) -> str | None:
    """The preview's HTML for ``text``, or ``None`` when it must be shown as plain text."""
    if too_costly(text):
        return None
    try:
        return render_markdown(text)
    except (RecursionError, MemoryError, ValueError, IndexError):
        return None


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
        self.highlighted.connect(
            lambda url: self.link_hovered.emit(display_url(url) if url.host() else url.toString())
        )
        self.anchorClicked.connect(self._clicked)
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        """How a safe link is opened (replaceable in tests)."""

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        return None

    def _clicked(self, url: QUrl) -> None:
        if not url.scheme() and url.hasFragment() and not url.path():
            self.scrollToAnchor(url.fragment())  # a footnote and its reference
            return
        shown = display_url(url) if url.host() else url.toString()
        self.setToolTip(plain_tooltip(shown))
        if is_safe_link(url):
            self.link_hovered.emit(f"Opening {shown}")
            self.open_url(url)
        else:
            self.link_refused.emit(shown)


def render_in_background(text: str, done: Callable[[str | None], None]) -> None:
    """Render ``text`` on the preview thread; ``done(html or None)`` is called there."""
    future = _renderer.submit(preview_html, text)
    future.add_done_callback(lambda f: done(None if f.exception() else f.result()))
