"""Feeds the detail pane's "Why" and "More like this" (the reader's interest model).

Both run on the insight thread, a :class:`~reader.worker.LibraryReader` of their own with
its own read-only connection: explaining a score and finding neighbours load
scikit-learn and scan the learner's feature cache (seconds on a big library), and
neither the GUI thread nor the reader thread (views, searches, counts) ever waits for
them. scikit-learn is loaded there in the background soon after the window first paints
(:data:`WARM_DELAY_MS`), so the first "Why" does not pay for it. A refit (an
``"interest"`` change of the paper shown) reads them again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer

from reader.library import Changes, Library
from reader.worker import LibraryReader
from ui.detail import DetailPane
from ui.interestpanel import load_insight
from ui.operations import QueryRunner

T = TypeVar("T")
log = logging.getLogger(__name__)

WARM_DELAY_MS = 1500
"""After the window opens, when scikit-learn starts loading on the insight thread."""


def _warm(_library: Library) -> None:
    import reader.ranking.lookups  # noqa: F401  (scikit-learn and SciPy come with it)


class InsightFeed(QObject):
    """Loads the interest insight of the paper in ``detail`` and keeps it current."""

    def __init__(self, path: Path, detail: DetailPane, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader = LibraryReader(path)
        self._queries = QueryRunner(self._reader, self)
        self._detail = detail
        QTimer.singleShot(WARM_DELAY_MS, self.warm)

    @property
    def queries(self) -> QueryRunner:
        """The insight thread's runner (also reads "More like this" as a list view)."""
        return self._queries

    def run(
        self,
        channel: str,
        job: Callable[[Library], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``job`` on the insight thread; ``on_done`` on the GUI thread."""
        self._queries.run(channel, job, on_done, on_error)

    def warm(self) -> None:
        """Load scikit-learn on the insight thread now (nothing else waits for it)."""
        self._queries.run(
            "warm", _warm, lambda _none: None, lambda exc: log.debug("not warmed: %s", exc)
        )

    def load(self) -> None:
        """Read "Why" and "More like this" for the paper in the detail pane."""
        paper = self._detail.paper
        if paper is None:
            return
        paper_id, panel = paper.id, self._detail.insight
        self._queries.run(
            "insight",
            lambda library: load_insight(library, paper_id),
            panel.show_insight,
            lambda exc: panel.show_error(paper_id, exc),
        )

    def on_changes(self, changes: Changes, _initiator: object) -> None:
        """After a refit the reasons change, and maybe the neighbours: read them again."""
        paper = self._detail.paper
        if paper is not None and "interest" in changes.fields and paper.id in changes.paper_ids:
            self.load()

    def close(self) -> None:
        """Deliver nothing more and stop the insight thread."""
        self._queries.close()
        self._reader.close()
