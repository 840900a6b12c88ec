"""What the sidebar shows, read off the GUI thread and refreshed from the change bus.

:class:`SidebarFeed` subscribes to the :class:`~ui.operations.ChangeBus` and re-reads only
what a change can have touched: the counts when statuses or ratings changed or papers came
or went, the tag list when tags did, the import log when digests did. Counts cost a scan of
the library, so they are read on the reader thread; a newer request supersedes an older.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from reader.library import Changes, DigestRecord, Library, TagCount, ViewCounts, saved_views
from reader.library.saved_views import SavedView
from ui.operations import QueryRunner
from ui.sidebar import SidebarModel

DIGEST_PREVIEW = 100
"""Digests listed in the sidebar until the user asks for all of them."""


class SidebarFeed(QObject):
    """Feeds the :class:`SidebarModel` from the library."""

    counts_loaded = Signal(object)
    """The new :class:`ViewCounts`."""
    tags_loaded = Signal(list)
    """The new tag list (:class:`TagCount`)."""
    lists_changed = Signal()
    """The tag or digest items were rebuilt (the sidebar puts its selection back)."""
    read_failed = Signal(object)
    """A sidebar read failed (the exception)."""

    def __init__(
        self, model: SidebarModel, queries: QueryRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._queries = queries
        self.all_digests = False
        self.empty = False
        """Whether the library holds no papers (after the last count)."""
        self.tags: list[TagCount] = []
        """The tags and their counts as last read (on the reader thread)."""

    def on_changes(self, changes: Changes, _initiator: object = None) -> None:
        """The change bus: refresh what ``changes`` can have touched."""
        if changes.touches("status", "rating", "deleted"):
            self.load_counts()
        self.load_saved_views()
        if changes.tags:
            self.load_tags()
        if changes.digests:
            self.load_digests()
        if changes.views or changes.paper_ids or changes.papers_added or changes.tags:
            self.load_saved_views()  # a saved search can test any field

    def load_counts(self) -> None:
        """Re-read the counts of the reading views."""
        self._queries.run(
            "sidebar counts",
            lambda library: library.view_counts(),
            self._counts,
            self.read_failed.emit,
        )

    def _counts(self, counts: ViewCounts) -> None:
        self._model.set_counts(counts)
        self.empty = counts.all == 0
        self.counts_loaded.emit(counts)

    def load_saved_views(self) -> None:
        """Re-read the saved views and count each one's papers (on the reader thread)."""

        def job(library: Library) -> tuple[list[SavedView], dict[int, int | None]]:
            views = saved_views.saved_views(library)
            return views, saved_views.view_counts(library, views)

        self._queries.run(
            "sidebar saved views",
            job,
            lambda result: self._saved(*result),
            self.read_failed.emit,
        )

    def _saved(self, views: list[SavedView], counts: dict[int, int | None]) -> None:
        self._model.set_saved_views(views, counts)
        self.lists_changed.emit()

    def load_tags(self) -> None:
        """Re-read the tag list."""
        self._queries.run(
            "sidebar tags", lambda library: library.tags(), self.set_tags, self.read_failed.emit
        )

    def set_tags(self, tags: list[TagCount]) -> None:
        """Show ``tags`` (kept in :attr:`tags` for the tag dialogs: no read on the GUI thread)."""
        self.tags = tags
        self._model.set_tags(tags)
        self.tags_loaded.emit(tags)
        self.lists_changed.emit()

    def load_digests(self) -> None:
        """Re-read the import log (the newest :data:`DIGEST_PREVIEW`, or all of them)."""
        everything = self.all_digests

        def job(library: Library) -> list[DigestRecord]:
            return library.digests(limit=None if everything else DIGEST_PREVIEW + 1)

        self._queries.run("sidebar digests", job, self.set_digests, self.read_failed.emit)

    def set_digests(self, records: list[DigestRecord]) -> None:
        """Show ``records`` (one more than the preview means there are more)."""
        more = not self.all_digests and len(records) > DIGEST_PREVIEW
        self._model.set_digests(records[:DIGEST_PREVIEW] if more else records, more=more)
        self.lists_changed.emit()

    def load_now(self, library: Library) -> None:
        """The first fill at start-up: tags and digests (a page each) on this thread."""
        self.set_tags(library.tags())
        self.set_digests(library.digests(limit=None if self.all_digests else DIGEST_PREVIEW + 1))
        self.load_counts()
        self.load_saved_views()
