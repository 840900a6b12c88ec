"""What the detail pane shows, read from the library and refreshed from the change bus.

:class:`DetailFeed` shows the selection (one paper, a few, a digest or a hint) and, as a
subscriber of the :class:`~ui.operations.ChangeBus`, re-reads the shown paper only when a
change touched it — and not when the change is the note the user is typing being stored.
Its reads are bounded (one paper, at most :data:`BIG_SELECTION` rows) and run on the GUI
thread's read-only connection; a read that fails is said, never raised.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from reader.library import Changes, DigestRecord, Library, LibraryError, LibraryUsageError
from ui.detail import EMPTY_LIBRARY_HINT, DetailPane

BIG_SELECTION = 1000
"""Above this many selected papers the detail pane does not read their rows."""


class DetailFeed(QObject):
    """Feeds the :class:`DetailPane` from the library."""

    message = Signal(str, int)
    """A status-bar message and how long to show it (ms)."""

    def __init__(
        self,
        detail: DetailPane,
        library: Library,
        selection: Callable[[], list[int]],
        digest: Callable[[], DigestRecord | None],
        empty: Callable[[], bool],
        quiet: object,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._detail = detail
        self._library = library
        self._selection = selection
        self._digest = digest
        self._empty = empty
        self._quiet = quiet

    def show_ids(self, ids: list[int]) -> None:
        """Show the selection ``ids`` (the list's selection changed)."""
        detail = self._detail
        if len(ids) == 1:
            self.show_paper(ids[0])
        elif len(ids) > 1:
            rows = []
            if len(ids) <= BIG_SELECTION:
                try:
                    rows = self._library.rows(ids)
                except LibraryError as exc:
                    self.message.emit(f"Could not read the selected papers: {exc}", 10000)
            if rows:
                detail.show_selection(rows)
            else:
                detail.show_nothing(
                    f"{len(ids):,} papers selected. Use the Edit menu to rate, move or tag them all."
                )
        else:
            record = self._digest()
            if record is not None:
                detail.show_digest(record)
            else:
                detail.show_nothing(EMPTY_LIBRARY_HINT if self._empty() else None)

    def show_paper(self, paper_id: int) -> None:
        """Show one paper (read now: one row)."""
        try:
            paper = self._library.paper(paper_id)
        except LibraryUsageError:
            self._detail.show_nothing()
            return
        except LibraryError as exc:
            self._detail.show_nothing(f"This paper cannot be read: {exc}")
            return
        try:
            problems = self._library.text_problems(paper_id)
        except LibraryError:
            problems = []  # the paper itself was read: show it
        self._detail.show_paper(paper, problems)

    def on_changes(self, changes: Changes, initiator: object) -> None:
        """The change bus: re-read what is shown if ``changes`` touched it."""
        paper = self._detail.paper
        if paper is not None:
            typed_note = initiator is self._quiet and changes.fields <= {"note"}
            if paper.id in changes.paper_ids and not typed_note:
                self.show_paper(paper.id)
            return
        selected = self._selection()
        if len(selected) > BIG_SELECTION:
            return  # the pane shows only how many are selected
        if len(selected) > 1 and not changes.paper_ids.isdisjoint(selected):
            self.show_ids(selected)
