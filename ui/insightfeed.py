"""Feeds the detail pane's "Why" and "More like this" (the reader's interest model).

Both are asked on the insight thread, a :class:`~reader.worker.LibraryReader` of their
own with its own read-only connection, and computed in a child process
(:class:`~reader.ranking.lookups_process.LookupProcess`): explaining a score and finding
neighbours load scikit-learn, bring the feature cache up to date and scan it (seconds of
Python work on a big library), which in the window's process would hold the interpreter
lock the GUI thread needs. Neither the GUI thread nor the reader thread (views, searches,
counts) ever waits for them. The child starts and loads scikit-learn soon after the window
first paints (:data:`WARM_DELAY_MS`), so the first "Why" does not pay for it. A refit (an
``"interest"`` change of the paper shown) reads them again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer

from reader.library import Changes, Library
from reader.ranking.lookups_process import LookupProcess
from reader.worker import LibraryReader
from ui.detail import DetailPane
from ui.interestpanel import load_insight
from ui.operations import QueryRunner

T = TypeVar("T")
log = logging.getLogger(__name__)

WARM_DELAY_MS = 1500
"""After the window opens, when the insight's child starts (and loads scikit-learn)."""


class InsightFeed(QObject):
    """Loads the interest insight of the paper in ``detail`` and keeps it current."""

    def __init__(self, path: Path, detail: DetailPane, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader = LibraryReader(path)
        self._queries = QueryRunner(self._reader, self)
        self._detail = detail
        self._lookups = LookupProcess()
        QTimer.singleShot(WARM_DELAY_MS, self.warm)

    @property
    def lookups(self) -> LookupProcess:
        """The child process that answers (only the insight thread asks it)."""
        return self._lookups

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
        """Start the child and load scikit-learn there now (nothing else waits for it)."""
        lookups = self._lookups
        self._queries.run(
            "warm",
            lambda _library: lookups.warm(),
            lambda _none: None,
            lambda exc: log.debug("not warmed: %s", exc),
        )

    def load(self) -> None:
        """Read "Why" and "More like this" for the paper in the detail pane."""
        paper = self._detail.paper
        if paper is None:
            return
        paper_id, panel, lookups = paper.id, self._detail.insight, self._lookups
        self._queries.run(
            "insight",
            lambda library: load_insight(library, paper_id, lookups),
            panel.show_insight,
            lambda exc: panel.show_error(paper_id, exc),
        )

    def on_changes(self, changes: Changes, _initiator: object) -> None:
        """After a refit the reasons change, and maybe the neighbours: read them again."""
        paper = self._detail.paper
        if paper is not None and "interest" in changes.fields and changes.concerns(paper.id):
            self.load()

    def close(self) -> None:
        """Deliver nothing more, end the child and stop the insight thread."""
        self._queries.close()
        self._lookups.close()  # a question being answered gives up at once
        self._reader.close()
