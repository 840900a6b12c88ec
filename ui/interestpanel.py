"""The detail pane's interest section: why a paper scored as it did, and papers like it.

:func:`load_insight` runs on the insight thread, which asks a child process for the
answers (:class:`~reader.ranking.lookups_process.LookupProcess`: the feature cache,
scikit-learn and the scan of every paper's vector are there, never in the window's); :class:`InterestPanel` shows what
it found: the few words, authors and categories that pushed the paper up or down, and
the papers most like it, each a link that selects that paper.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reader.library import Library, LibraryError
from reader.ranking.lookups_process import LookupProcess

SIMILAR_LIMIT = 8
"""Papers listed under "More like this"."""
PaperIdRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True, slots=True)
class Insight:
    """What the panel shows for one paper."""

    paper_id: int
    why: str
    """The reasons as text, or why there are none (no model yet)."""
    similar: tuple[tuple[int, str, float], ...]
    """``(paper id, title, similarity 0–1)``, most similar first."""


def _reasons(kind_text: list[tuple[str, str]]) -> str:
    return ", ".join(f"{text} ({kind})" if kind != "word" else text for kind, text in kind_text)


def load_insight(library: Library, paper_id: int, lookups: LookupProcess) -> Insight:
    """Why ``paper_id`` scored as it did and the papers most like it (insight thread).

    ``lookups`` computes them in its child process; only the titles are read here.
    """
    try:
        explanation, found = lookups.insight(library.path, paper_id, similar_limit=SIMILAR_LIMIT)
    except LibraryError as exc:
        return Insight(paper_id, f"Papershelf cannot tell: {exc}", ())
    if explanation.score is None:
        why = explanation.message or "No match score yet."
        why = f"{why[:1].upper()}{why[1:]}."
    else:
        lines = [f"{round(explanation.score * 100)}% match."]
        up = [(r.kind, r.text) for r in explanation.up]
        down = [(r.kind, r.text) for r in explanation.down]
        if up:
            lines.append(f"Up: {_reasons(up)}")
        if down:
            lines.append(f"Down: {_reasons(down)}")
        why = "\n".join(lines)
    titles = {row.id: row.title for row in library.rows([s.paper_id for s in found])}
    similar = tuple(
        (s.paper_id, titles[s.paper_id], s.similarity) for s in found if s.paper_id in titles
    )
    return Insight(paper_id, why, similar)


class InterestPanel(QWidget):
    """ "Why" and "More like this" for the paper in the detail pane."""

    paper_requested = Signal(int)
    """A paper of "More like this" was activated (its id)."""
    list_requested = Signal(int)
    """"Show them as a list" was clicked: list the papers most like this one (its id)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(3)
        self.why_caption = QLabel("Why")
        self.why_caption.setObjectName("sectionCaption")
        layout.addWidget(self.why_caption)
        self.why = QLabel()
        self.why.setObjectName("mutedLabel")
        self.why.setWordWrap(True)
        self.why.setTextFormat(Qt.TextFormat.PlainText)
        self.why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.why)
        self.similar_caption = QLabel("More like this")
        self.similar_caption.setObjectName("sectionCaption")
        layout.addWidget(self.similar_caption)
        self.similar = QListWidget()
        self.similar.setAccessibleName("More like this")
        self.similar.setFrameShape(QListWidget.Shape.NoFrame)
        self.similar.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.similar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.similar.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.similar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.similar.itemActivated.connect(self._activated)
        self.similar.itemClicked.connect(self._activated)
        layout.addWidget(self.similar)
        self.show_list = QPushButton("Show more like this as a list")
        self.show_list.setFlat(True)
        self.show_list.setObjectName("linkButton")
        self.show_list.setToolTip("List the papers most like this one, most similar first")
        self.show_list.clicked.connect(self._list_clicked)
        layout.addWidget(self.show_list, 0, Qt.AlignmentFlag.AlignLeft)
        self._paper_id: int | None = None

    @property
    def paper_id(self) -> int | None:
        """The paper the panel is for."""
        return self._paper_id

    def show_loading(self, paper_id: int) -> None:
        """A new paper: forget the old one's reasons while its own are read."""
        if paper_id == self._paper_id:
            return
        self._paper_id = paper_id
        self.why.setText("…")
        self.similar.clear()
        self.similar.hide()
        self.similar_caption.hide()
        self.show_list.hide()

    def show_insight(self, insight: Insight) -> None:
        """Show what :func:`load_insight` found (ignored when another paper is shown now)."""
        if insight.paper_id != self._paper_id:
            return
        self.why.setText(insight.why)
        self.similar.clear()
        for paper_id, title, similarity in insight.similar:
            item = QListWidgetItem(title)
            item.setData(PaperIdRole, paper_id)
            item.setToolTip(f"{round(similarity * 100)}% alike")
            self.similar.addItem(item)
        shown = bool(insight.similar)
        self.similar_caption.setVisible(shown)
        self.similar.setVisible(shown)
        self.show_list.setVisible(shown)
        if shown:
            rows = min(self.similar.count(), SIMILAR_LIMIT)
            frame = 2 * self.similar.frameWidth()
            self.similar.setFixedHeight(rows * self.similar.sizeHintForRow(0) + frame + 2)

    def show_error(self, paper_id: int, exc: BaseException) -> None:
        """The reasons could not be read."""
        if paper_id == self._paper_id:
            self.why.setText(f"Papershelf cannot tell: {exc}")

    def _list_clicked(self) -> None:
        if self._paper_id is not None:
            self.list_requested.emit(self._paper_id)

    def _activated(self, item: QListWidgetItem) -> None:
        paper_id = item.data(PaperIdRole)
        if isinstance(paper_id, int):
            self.paper_requested.emit(paper_id)
