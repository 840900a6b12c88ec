"""Feeds the detail pane's "Why" and "More like this" (the reader's interest model).

Both are read on the reader thread (:class:`~ui.operations.QueryRunner`): explaining a
score and finding neighbours load scikit-learn and read the model, which the GUI thread
never waits for. A refit (an ``"interest"`` change of the paper shown) reads them again.
"""

from __future__ import annotations

from reader.library import Changes
from ui.detail import DetailPane
from ui.interestpanel import load_insight
from ui.operations import QueryRunner


class InsightFeed:
    """Loads the interest insight of the paper in ``detail`` and keeps it current."""

    def __init__(self, queries: QueryRunner, detail: DetailPane) -> None:
        self._queries = queries
        self._detail = detail

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
