"""The "More like <title>" list: a temporary view of the papers most like one paper.

"More like this" (the context menu, the Edit menu, the detail pane's link) opens it:
:func:`reader.ranking.similar` runs in the insight's child process, asked from the
insight thread (:class:`~ui.insightfeed.InsightFeed`; it never holds the reader or the GUI
thread, nor the window's interpreter lock),
then the list shows those papers, most similar first, under the heading "More like
“<title>”" with a bar that says what the list is and leads back. Choosing any view in the
sidebar (the one still marked too), a new search, the bar's Back button, Escape or
Alt+Left leave it for the view it was opened from.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from reader.library import Library, LibraryError, PaperFilter
from reader.ranking.lookups_process import LookupProcess
from ui.insightfeed import InsightFeed
from ui.models import PaperTableModel
from ui.paperlist import PaperListView
from ui.sidebar import SidebarView
from ui.views import ViewKey

SIMILAR_VIEW_LIMIT = 50
"""Papers the "More like" list shows."""
TITLE_CHARS = 48
"""The paper's title in the heading is cut to this (the bar under it has it whole)."""


def similar_ids(library: Library, paper_id: int, lookups: LookupProcess) -> tuple[str, list[int]]:
    """The title of ``paper_id`` and the papers most like it, most similar first."""
    rows = library.rows([paper_id])
    title = rows[0].title if rows else f"paper {paper_id}"
    found = lookups.similar(library.path, paper_id, limit=SIMILAR_VIEW_LIMIT)
    return title, [s.paper_id for s in found]


class SimilarBar(QWidget):
    """The strip over the list while it shows "More like …": what it is, and Back."""

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("similarBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 0, 8, 6)
        layout.setSpacing(8)
        self.text = QLabel()
        self.text.setObjectName("mutedLabel")
        self.text.setWordWrap(True)
        layout.addWidget(self.text, 1)
        self.back = QPushButton("Back")
        self.back.setToolTip("Back to the view this list was opened from (Esc, Alt+Left)")
        self.back.clicked.connect(self.back_requested)
        layout.addWidget(self.back, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    @staticmethod
    def under(heading: QWidget) -> SimilarBar:
        """A bar placed in the list page right under the row of ``heading`` (hidden)."""
        bar = SimilarBar()
        page = heading.parentWidget()
        layout = page.layout() if page is not None else None
        if not isinstance(layout, QBoxLayout):
            raise TypeError("the heading is not in a box layout")
        layout.insertWidget(1, bar)
        return bar


class SimilarView(QObject):
    """Opens and leaves the temporary "More like …" view of the window's list."""

    changed = Signal()
    """The view opened or ended (the window updates its heading)."""

    def __init__(
        self,
        feed: InsightFeed,
        model: PaperTableModel,
        paper_list: PaperListView,
        sidebar: SidebarView,
        bar: SimilarBar,
        show_view: Callable[[ViewKey], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._feed = feed
        self._model = model
        self._list = paper_list
        self._sidebar = sidebar
        self._bar = bar
        self._show_view = show_view
        self._title: str | None = None
        self._source: int | None = None
        self._back_to: ViewKey | None = None
        self._reselect: int | None = None
        model.view_loaded.connect(self._loaded)
        bar.back_requested.connect(self.back)
        sidebar.view_selected.connect(lambda _key: self.end())
        sidebar.clicked.connect(lambda _index: self.back())  # the view still marked there
        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence("Alt+Left")):
            shortcut = QShortcut(keys, paper_list)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.back)

    @property
    def active(self) -> bool:
        """Whether the list shows "More like …" now."""
        return self._title is not None

    @property
    def title(self) -> str | None:
        """The heading while active (``More like “…”``), else ``None``."""
        if self._title is None:
            return None
        short = self._title
        if len(short) > TITLE_CHARS:
            short = short[: TITLE_CHARS - 1].rstrip() + "…"
        return f"More like “{short}”"

    @property
    def source(self) -> int | None:
        """The paper the list is like."""
        return self._source

    def open(self, paper_id: int) -> None:
        """Find the papers most like ``paper_id`` (in the background), then list them."""
        self._feed.run(
            "more like",
            lambda library: similar_ids(library, paper_id, self._feed.lookups),
            lambda found: self._show(paper_id, *found),
            self._failed,
        )

    def _show(self, paper_id: int, title: str, ids: list[int]) -> None:
        if not self.active:
            self._back_to = self._sidebar.current_key
        self._title, self._source = title, paper_id
        self._bar.text.setText(
            f"The {len(ids)} papers most like “{title}”, most similar first."
            if ids
            else f"No paper has words, authors or categories in common with “{title}”."
        )
        self._bar.show()
        self._sidebar.selectionModel().clearSelection()  # no sidebar view is shown
        self._list.empty_text = "No paper is like this one."
        self._model.set_view(PaperFilter(), fixed=ids)
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, LibraryError) else f"{type(exc).__name__}: {exc}"
        self._bar.text.setText(f"Papershelf cannot find papers like this one: {text}")
        self._bar.show()

    def back(self) -> None:
        """Leave "More like …" for the view it was opened from."""
        if not self.active:
            return
        back_to, source = self._back_to, self._source
        self.end()
        self._reselect = source  # once the old view is back, at the paper it was about
        if back_to is not None:
            if self._sidebar.current_key == back_to:
                self._sidebar.view_selected.emit(back_to)  # still current: apply it again
            else:
                self._show_view(back_to)

    def _loaded(self, _switched: bool) -> None:
        paper_id, self._reselect = self._reselect, None
        if paper_id is not None and not self.active:
            self._list.select_ids([paper_id], paper_id)

    def end(self) -> None:
        """The list shows something else now: forget "More like …" (no view change)."""
        if not self.active:
            return
        self._title = self._source = None
        self._bar.hide()
        current = self._sidebar.currentIndex()
        if current.isValid():  # mark the sidebar's view again
            self._sidebar.selectionModel().select(
                current, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        self.changed.emit()
