"""What the detail pane shows, read on the reader thread and refreshed from the change bus.

:class:`DetailFeed` shows the selection (one paper, a few, a digest or a hint) and, as a
subscriber of the :class:`~ui.operations.ChangeBus`, re-reads the shown paper only when a
change touched it — and not when the change is the note the user is typing being stored.
Its reads (one paper with its appearances, or at most :data:`BIG_SELECTION` rows) run on
the reader thread through the :class:`~ui.operations.QueryRunner`, ahead of the longer
reads queued there; only the newest arrives (a selection moved on meanwhile supersedes
it). A read that fails is said, never raised. Without a query runner (tools, tests of the
pane alone) the reads run inline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal

from reader.library import (
    Changes,
    DigestRecord,
    Library,
    LibraryError,
    LibraryUsageError,
    Paper,
    PaperRow,
)
from ui.detail import EMPTY_LIBRARY_HINT, DetailPane

if TYPE_CHECKING:
    from ui.operations import QueryRunner

T = TypeVar("T")
BIG_SELECTION = 1000
"""Above this many selected papers the detail pane does not read their rows."""
CHANNEL = "detail"


@dataclass(frozen=True)
class PaperRead:
    """One paper as the reader thread read it (or why it could not)."""

    paper: Paper | None
    problems: list[str] = field(default_factory=list)
    failure: str | None = None
    """``None`` with no paper: the paper is gone (deleted meanwhile)."""


def read_paper(library: Library, paper_id: int) -> PaperRead:
    """Read ``paper_id`` and what of its text is damaged (on the reader thread)."""
    try:
        paper = library.paper(paper_id)
    except LibraryUsageError:
        return PaperRead(None)
    except LibraryError as exc:
        return PaperRead(None, failure=f"This paper cannot be read: {exc}")
    try:
        problems = library.text_problems(paper_id)
    except LibraryError:
        problems = []  # the paper itself was read: show it
    return PaperRead(paper, problems)


def read_rows(library: Library, ids: list[int]) -> list[PaperRow] | str:
    """The rows of a selection, or the message saying why they could not be read."""
    try:
        return library.rows(ids)
    except LibraryError as exc:
        return f"Could not read the selected papers: {exc}"


class DetailFeed(QObject):
    """Feeds the :class:`DetailPane` from the library."""

    message = Signal(str, int)
    """A status-bar message and how long to show it (ms)."""
    paper_shown = Signal(int)
    """Another paper is shown now (its read arrived): what depends on it may load."""

    def __init__(
        self,
        detail: DetailPane,
        library: Library,
        queries: QueryRunner | None,
        selection: Callable[[], list[int]],
        digest: Callable[[], DigestRecord | None],
        empty: Callable[[], bool],
        quiet: object,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._detail = detail
        self._library = library
        self._queries = queries
        self._selection = selection
        self._digest = digest
        self._empty = empty
        self._quiet = quiet
        self._serial = 0
        self._reading: tuple[int, ...] | None = None  # what a read on its way is for

    @property
    def pending(self) -> bool:
        """Whether a read for the pane has not arrived yet."""
        return self._reading is not None

    def show_ids(self, ids: list[int]) -> None:
        """Show the selection ``ids`` (the list's selection changed)."""
        detail = self._detail
        if len(ids) == 1:
            self.show_paper(ids[0])
        elif len(ids) > 1:
            if len(ids) > BIG_SELECTION:
                self._forget_reads()
                detail.show_nothing(self._many_text(len(ids)))
                return
            wanted = list(ids)
            self._read(lambda lib: read_rows(lib, wanted), self._rows_read(len(ids)), wanted)
        else:
            self._forget_reads()
            record = self._digest()
            if record is not None:
                detail.show_digest(record)
            else:
                detail.show_nothing(EMPTY_LIBRARY_HINT if self._empty() else None)

    @staticmethod
    def _many_text(count: int) -> str:
        return f"{count:,} papers selected. Use the Edit menu to rate, move or tag them all."

    def _rows_read(self, count: int) -> Callable[[list[PaperRow] | str], None]:
        def arrived(rows: list[PaperRow] | str) -> None:
            if isinstance(rows, str):
                self.message.emit(rows, 10000)
                rows = []
            if rows:
                self._detail.show_selection(rows)
            else:
                self._detail.show_nothing(self._many_text(count))

        return arrived

    def show_paper(self, paper_id: int) -> None:
        """Show one paper (read on the reader thread: one paper and its appearances)."""
        self._read(lambda lib: read_paper(lib, paper_id), self._paper_read, [paper_id])

    def _paper_read(self, read: PaperRead) -> None:
        if read.paper is None:
            self._detail.show_nothing(read.failure)
            return
        before = self._detail.paper
        self._detail.show_paper(read.paper, read.problems)
        if before is None or before.id != read.paper.id:
            self.paper_shown.emit(read.paper.id)

    def _read(self, job: Callable[[Library], T], done: Callable[[T], None], ids: list[int]) -> None:
        self._serial += 1
        serial = self._serial
        self._reading = tuple(ids)

        def arrived(result: T) -> None:
            if serial != self._serial:
                return  # the selection moved on
            self._reading = None
            done(result)

        def failed(exc: BaseException) -> None:
            if serial == self._serial:
                self._reading = None
                self.message.emit(f"The selected papers could not be read: {exc}", 10000)

        if self._queries is None:
            try:
                result = job(self._library)
            except Exception as exc:  # a read never raises into Qt
                failed(exc)
                return
            arrived(result)
            return
        self._queries.run(CHANNEL, job, arrived, failed, urgent=True)

    def _forget_reads(self) -> None:
        self._serial += 1  # a read on its way is for a selection no longer shown
        self._reading = None

    def on_changes(self, changes: Changes, initiator: object) -> None:
        """The change bus: re-read what is shown if ``changes`` touched it."""
        reading = self._reading
        if reading is not None:  # the pane still shows what was selected before
            if not changes.paper_ids.isdisjoint(reading):
                self.show_ids(list(reading))  # the read on its way may predate it
            return
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
