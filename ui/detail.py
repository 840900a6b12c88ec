"""The detail pane: one paper (or a selection, or a digest) with its editors.

For one paper it shows the title, who wrote it, when, its identifiers, subjects and links
(:mod:`ui.byline`), the digests it appeared in, the abstract, and the editors: stars,
status, tags and the note. For several selected papers the same editors apply to all of
them. For a digest of the import log it shows the file, its counts and — for a failed one —
the error. Under the abstract, "Why" and "More like this" (:mod:`ui.interestpanel`). The
pane only emits requests; the window turns them into undoable commands and
feeds the results back.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reader.library import DigestRecord, DigestStatus, Paper, PaperRow
from ui.byline import (
    CategoryChips,
    LinkRow,
    authors_text,
    paper_links,
)
from ui.detailparts import FailureNote, StatusSelector, caption, meta_line
from ui.interestpanel import InterestPanel
from ui.models import format_date
from ui.notekeeper import NoteKeeper
from ui.notes import NoteEditor
from ui.stars import StarRating
from ui.style import FAILED_COLOR
from ui.tags import TagEditor
from ui.tooltips import plain_tooltip

EMPTY_LIBRARY_HINT = (
    "No papers yet.\n\nSave a digest — the Hugging Face Daily Papers page, an arXiv "
    "listing e-mail, a feed, a .bib or .ris file — into a watched folder, drop it on the "
    "window, or choose File \N{BLACK RIGHT-POINTING SMALL TRIANGLE} Import…\n\n"
    "Its papers appear in the list; select one to read its abstract, rate it, tag it and "
    "take notes here."
)
"""The detail pane of an empty library: what to do next, not a blank slab."""


class DetailPane(QStackedWidget):
    """Shows the current paper, a multi-selection, a digest, or a hint."""

    rating_edited = Signal(int)
    status_edited = Signal(object)
    tags_added = Signal(list)
    tag_removed = Signal(str)
    link_activated = Signal(QUrl)
    """A link of the paper was clicked (always an ``http(s)`` address)."""
    link_hovered = Signal(str)
    """The address under the mouse, or a note that it is being opened (empty: none)."""

    def __init__(self, notes: NoteKeeper, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(240)
        self._paper: Paper | None = None
        self._selection: list[int] = []

        self._placeholder = QLabel("Select a paper to see its abstract, rate it and take notes.")
        self._placeholder.setObjectName("placeholder")
        self._placeholder.setTextFormat(Qt.TextFormat.PlainText)
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)
        self._placeholder.setMargin(24)
        self.addWidget(self._placeholder)

        self._page = QSplitter(Qt.Orientation.Vertical)
        self._page.setChildrenCollapsible(False)
        self._page.setHandleWidth(6)
        self.addWidget(self._page)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("detailBody")
        scroll.setWidget(body)
        self._scroll = scroll
        column = QVBoxLayout(body)
        column.setContentsMargins(16, 14, 16, 12)
        column.setSpacing(3)

        self.title = QLabel()
        self.title.setObjectName("paperTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setWeight(QFont.Weight.Bold)
        self.title.setFont(font)
        column.addWidget(self.title)

        self.authors = QLabel()
        self.authors.setObjectName("authors")
        self.authors.setWordWrap(True)
        self.authors.setTextFormat(Qt.TextFormat.PlainText)
        self.authors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.authors.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        column.addWidget(self.authors)

        self.meta = QLabel()
        self.meta.setObjectName("mutedLabel")
        self.meta.setWordWrap(True)
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        column.addWidget(self.meta)
        self.categories = CategoryChips()
        column.addSpacing(2)
        column.addWidget(self.categories)
        self.links = LinkRow()
        self.links.link_activated.connect(self.link_activated)
        self.links.link_hovered.connect(self.link_hovered)
        column.addWidget(self.links)
        self._hide_byline()  # before the scroll area first measures its page
        column.addSpacing(6)

        self.stars = StarRating()
        self.stars.rating_edited.connect(self.rating_edited)
        self.status = StatusSelector()
        self.status.status_edited.connect(self.status_edited)
        self.tags = TagEditor()
        self.tags.tags_added.connect(self.tags_added)
        self.tags.tag_removed.connect(self.tag_removed)
        self._editors = QWidget()
        editors = QVBoxLayout(self._editors)
        editors.setContentsMargins(0, 0, 0, 0)
        editors.setSpacing(3)
        for label, widget in (("Rating", self.stars), ("Status", self.status), ("Tags", self.tags)):
            heading = caption(label)
            heading.setBuddy(widget)
            editors.addWidget(heading)
            editors.addWidget(widget)
            editors.addSpacing(9)
        column.addWidget(self._editors)

        self._appeared_caption = caption("Appeared in")
        column.addWidget(self._appeared_caption)
        self.appearances = QLabel()
        self.appearances.setObjectName("mutedLabel")
        self.appearances.setWordWrap(True)
        self.appearances.setTextFormat(Qt.TextFormat.PlainText)
        self.appearances.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        column.addWidget(self.appearances)
        column.addSpacing(6)

        self._abstract_caption = caption("Abstract")
        column.addWidget(self._abstract_caption)
        self.abstract = QLabel()
        self.abstract.setObjectName("abstract")
        self.abstract.setWordWrap(True)
        self.abstract.setTextFormat(Qt.TextFormat.PlainText)
        self.abstract.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.abstract.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        column.addWidget(self.abstract)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setStyleSheet(f"color: {FAILED_COLOR};")
        self.error.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        column.addWidget(self.error)
        self.failure = FailureNote()
        column.addWidget(self.failure)
        self.insight = InterestPanel()
        column.addWidget(self.insight)
        column.addStretch(1)
        self._page.addWidget(scroll)

        note_holder = QWidget()
        note_layout = QVBoxLayout(note_holder)
        note_layout.setContentsMargins(16, 6, 16, 12)
        self.note = NoteEditor(notes)
        note_layout.addWidget(self.note)
        self._note_holder = note_holder
        self._page.addWidget(note_holder)
        self._page.setStretchFactor(0, 3)
        self._page.setStretchFactor(1, 2)
        self.show_nothing()

    # ------------------------------------------------------------------ what is shown

    @property
    def paper(self) -> Paper | None:
        """The single paper shown, if any."""
        return self._paper

    @property
    def splitter(self) -> QSplitter:
        """The splitter between the paper and its note (its state is saved)."""
        return self._page

    def show_nothing(self, hint: str | None = None) -> None:
        """The hint page (no selection)."""
        self.note.set_note(None, "")
        self._paper = None
        self._selection = []
        self._placeholder.setText(
            hint or "Select a paper to see its abstract, rate it and take notes."
        )
        self.setCurrentWidget(self._placeholder)

    def show_paper(self, paper: Paper, problems: Sequence[str] = ()) -> None:
        """Show one paper; the previous paper's unsaved note is stored first.

        ``problems`` (:meth:`Library.text_problems`) are said beside it, with the repair.
        """
        same = self._paper is not None and self._paper.id == paper.id
        self._paper = paper
        self._selection = [paper.id]
        self.title.setText(paper.title)
        self.title.setToolTip("")
        names, everyone = authors_text(paper.authors, paper.authors_count)
        self.authors.setText(names)
        self.authors.setToolTip(plain_tooltip(everyone))
        self.authors.setVisible(bool(names))
        self.meta.setText(meta_line(paper))
        self.meta.show()
        self.categories.set_categories(paper.categories)
        self.links.set_links(paper_links(paper))
        self.stars.set_rating(paper.rating)
        self.status.set_status(paper.status)
        self.tags.set_tags(paper.tags)
        self._show_appearances(paper)
        self._set_editors_visible(True)
        self._abstract_caption.setText("Abstract")
        self._abstract_caption.show()
        self.abstract.setText(paper.abstract or "No abstract in the digests.")
        self.abstract.show()
        self.error.setText(
            "Some of this paper's stored text is damaged and shown with \N{REPLACEMENT CHARACTER}"
            f" ({'; '.join(problems)}): run papershelf check --repair"
        )
        self.error.setVisible(bool(problems))
        self.failure.hide()
        self.insight.show_loading(paper.id)
        self.insight.show()
        self._note_holder.show()
        if same:
            self.note.reload(paper.note)
        else:
            self.note.set_note(paper.id, paper.note)
            self._scroll.verticalScrollBar().setValue(0)
        self.setCurrentWidget(self._page)

    def reveal_insight(self) -> None:
        """Scroll to "Why" and "More like this" and put the focus on the similar papers."""
        self._scroll.ensureWidgetVisible(self.insight)
        self.insight.similar.setFocus()

    def _show_appearances(self, paper: Paper) -> None:
        seen: list[str] = []
        for appearance in paper.appearances:
            name = appearance.digest_path.replace("\\", "/").rsplit("/", 1)[-1]
            when = format_date(appearance.digest_date) if appearance.digest_date else ""
            line = (
                f"{when} — {name}, #{appearance.position}"
                if when
                else f"{name}, #{appearance.position}"
            )
            if line not in seen:
                seen.append(line)
        shown = seen[-6:]
        if len(seen) > len(shown):
            shown.insert(0, f"… and {len(seen) - len(shown)} earlier digests")
        self.appearances.setText("\n".join(shown))
        self._appeared_caption.setVisible(bool(seen))
        self.appearances.setVisible(bool(seen))

    def show_selection(self, rows: Sequence[PaperRow]) -> None:
        """Several papers: the editors apply to all of them."""
        self.note.set_note(None, "")
        self._paper = None
        self._selection = [r.id for r in rows]
        self.title.setText(f"{len(rows):,} papers selected")
        self._hide_byline()
        self.meta.setText("Rating, status and tags below apply to every selected paper.")
        ratings = {r.rating for r in rows}
        self.stars.set_rating(
            next(iter(ratings)) if len(ratings) == 1 else 0, mixed=len(ratings) > 1
        )
        statuses = {r.status for r in rows}
        self.status.set_status(next(iter(statuses)) if len(statuses) == 1 else None)
        union: dict[str, str] = {}
        for row in rows:
            for tag in row.tags:
                union.setdefault(tag.casefold(), tag)
        self.tags.set_tags(sorted(union.values(), key=str.casefold))
        self._set_editors_visible(True)
        for widget in (
            self._appeared_caption,
            self.appearances,
            self._abstract_caption,
            self.abstract,
            self.error,
            self.failure,
            self._note_holder,
            self.insight,
        ):
            widget.hide()
        self.setCurrentWidget(self._page)

    def show_digest(self, record: DigestRecord) -> None:
        """A digest of the import log: its file, counts and, if it failed, why."""
        self.note.set_note(None, "")
        self._paper = None
        self._selection = []
        self.title.setText(record.name)
        self.title.setToolTip(plain_tooltip(record.path))
        self._hide_byline()
        parts = []
        if record.digest_date is not None:
            parts.append(f"Digest of {format_date(record.digest_date)}")
        failed = record.status is DigestStatus.FAILED
        when = f"{record.imported_at.astimezone():%Y-%m-%d %H:%M}"
        parts.append(f"Tried {when}, not imported" if failed else f"Imported {when}")
        if record.format:
            parts.append(record.format)
        self.meta.setText("  ·  ".join(parts))
        lines = [record.path]
        if not failed:
            lines.append(
                f"{record.entries} papers: {record.new} new, {record.updated} updated. "
                "Select one in the list to see it."
            )
        lines.extend(f"Warning: {w}" for w in record.warnings)
        self._abstract_caption.setText("File")
        self._abstract_caption.show()
        self.abstract.setText("\n".join(lines))
        self.abstract.show()
        self.error.hide()
        if failed:
            self.failure.show_failure(
                "Not imported",
                record.error or "unknown error",
                "Fix the file (or save the page again) and it is imported as soon as it "
                "changes; right-click it in the sidebar to retry.",
            )
        self.failure.setVisible(failed)
        for widget in (self._appeared_caption, self.appearances, self._note_holder, self.insight):
            widget.hide()
        self._set_editors_visible(False)
        self.setCurrentWidget(self._page)

    def _hide_byline(self) -> None:
        self.authors.hide()
        self.categories.set_categories(())
        self.links.set_links(())

    def _set_editors_visible(self, visible: bool) -> None:
        self._editors.setVisible(visible)
