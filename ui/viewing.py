"""Which papers the list shows: the sidebar's view, the search over it, and what is selected.

:class:`ViewControl` turns a sidebar choice or a search into the model's view, says why a
view is empty, keeps the paper being read selected while it still matches (a new view
starts at its first paper, or at the paper asked for), and selects what an undo or redo
changed once the list holds it again. It receives the model, the list, the search field and
callables for the sidebar's current view and digest, and emits signals; the window wires
them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from reader.library import DigestRecord, DigestStatus, Library, PaperFilter, QueryError
from ui.interest import for_you_empty_text
from ui.models import PaperTableModel
from ui.paperlist import PaperListView
from ui.search import SearchField
from ui.views import ALL, INBOX, ViewKey


class _Named(Protocol):
    @property
    def name(self) -> str: ...


RESELECT_AT_MOST = 5000
"""An undo or redo selects the papers it changed when there are at most this many."""


class ViewControl(QObject):
    """The list's view, search and kept selection (see the module docstring)."""

    heading_changed = Signal(str, bool)
    """The heading over the list: the view's title and whether it is a digest."""
    nothing_shown = Signal()
    """A new view with no papers: the detail pane shows its empty state."""
    view_requested = Signal(object)
    """A :class:`ViewKey` to select in the sidebar (All, to show a paper it holds)."""

    def __init__(
        self,
        library: Library,
        model: PaperTableModel,
        paper_list: PaperListView,
        search: SearchField,
        current_key: Callable[[], ViewKey | None],
        digest: Callable[[], DigestRecord | None],
        keep_at_start: int | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._model = model
        self._list = paper_list
        self._search = search
        self._key = current_key
        self._digest = digest
        self._keep: int | None = None
        self._keep_at_start = keep_at_start
        self._select_after: Collection[int] = ()
        self.saved_filter: Callable[[ViewKey, str], PaperFilter | None] = lambda _k, _s: None
        """A saved view's filter for ``(key, search)``, or None (set by the window)."""
        self.saved_title: Callable[[ViewKey | None], _Named | None] = lambda _k: None
        """A saved view's record (with its ``name``) for ``key``, or None."""
        self.title_override: Callable[[], str | None] = lambda: None
        """A temporary list's title ("More like …"), or None (set by the window)."""

    # ------------------------------------------------------------------ views and search

    def view_selected(self, key: ViewKey) -> None:
        """The sidebar's choice: show ``key`` with the current search."""
        self._keep = self._keep_at_start  # a new view starts at its first paper
        self._keep_at_start = None
        self.apply(key, self._search.text())

    def search_changed(self, text: str) -> None:
        """The search field: the current view, searched for ``text``."""
        self._keep = self._list.current_id()  # kept while it still matches
        self.apply(self._key() or INBOX, text)

    def show_in_all(self, paper_id: int) -> None:
        """All papers, without a search, starting at ``paper_id``."""
        self._keep_at_start = paper_id
        self._search.set_text("")  # no signal: the new view applies the empty search
        self.view_requested.emit(ALL)

    def apply(self, key: ViewKey, search: str) -> bool:
        """Show ``key`` searched for ``search``; False (said under the field) if it is bad."""
        view = self.saved_filter(key, search) or dataclasses.replace(
            key.paper_filter(), search=search.strip()
        )
        search = search.strip()
        try:
            self._model.set_view(view, ranked=key.ranked)
        except QueryError as exc:
            self._search.show_error(str(exc))
            return False
        self._search.show_error(None)
        self._list.empty_text = self._empty_text(key, search)
        self.update_heading()
        return True

    def _empty_text(self, key: ViewKey, search: str) -> str:
        if search:
            return f"No papers in {key.title} match “{search}”."
        if key.kind == "digest":
            record = self._digest()
            if record is not None and record.status is DigestStatus.FAILED:
                return "This file could not be imported: see why on the right."
            return "No papers came from this digest."
        if key.ranked:
            return for_you_empty_text(self._library)
        return f"No papers in {key.title}."

    def view_loaded(self, switched: bool) -> None:
        """The model's first page arrived (``switched``: a new view or search)."""
        self.update_heading()
        key = self._key()
        if key is not None and key.ranked and not self._search.text().strip():
            self._list.empty_text = for_you_empty_text(self._library)  # the model may be new
        if not switched:
            self.select_pending()
            return
        current, self._keep = self._keep, None
        if current is None or not self._list.select_ids([current], current):
            self._list.select_row(0)
        if self._model.rowCount() == 0:
            self.nothing_shown.emit()

    # ------------------------------------------------------------------ heading

    def title(self) -> str:
        """The shown view's title (a digest's file name)."""
        if (override := self.title_override()) is not None:
            return override
        key = self._key()
        if (saved := self.saved_title(key)) is not None:
            return saved.name
        record = self._digest()
        return record.name if record is not None else key.title if key is not None else "Papers"

    def update_heading(self) -> None:
        """Say the title (and, through the window, the count) again."""
        key = self._key()
        self.heading_changed.emit(self.title(), key is not None and key.kind == "digest")

    # ------------------------------------------------------------------ undo's selection

    def select_changed(self, ids: Collection[int]) -> None:
        """Select what an undo or redo changed (once the list holds it again)."""
        self._select_after = ids
        if not self._model.loading:
            self.select_pending()

    def select_pending(self) -> None:
        """Select the papers an undo or redo changed, those the list holds."""
        ids, self._select_after = self._select_after, ()
        if len(ids) > RESELECT_AT_MOST:
            return  # a bulk edit's papers: the selection that made it is still there
        present = [i for i in ids if self._model.row_of(i) is not None]
        if present and set(present) != set(self._list.selected_ids()):
            self._list.select_ids(present)
