"""Parts of the detail pane: the meta line, the status buttons, captions, a failure note.

:class:`FailureNote` says what failed in one line, with the whole reason behind a
"Details" disclosure (a failed file's reason lists every format Papershelf reads).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.library import Paper, Status
from ui.byline import valid_doi
from ui.models import format_date
from ui.style import FAILED_COLOR
from ui.tags import FlowLayout

SUMMARY_CHARS = 90
"""A reason longer than this is summed up in its first clause, the rest under Details."""


def failure_summary(reason: str) -> tuple[str, str | None]:
    """The one line to show for ``reason`` and the details behind it (``None``: none).

    ``not a digest Papershelf can read (supported: …twelve formats…)`` →
    ``("Not a digest Papershelf can read.", "<the whole reason>")``.
    """
    text = " ".join(reason.split()) or "unknown error"
    first_line = reason.strip().splitlines()[0] if reason.strip() else text
    if len(text) <= SUMMARY_CHARS and first_line.strip() == text:
        return _sentence(text), None
    cut = len(text)
    for mark in (" (", ": ", "; ", " — "):
        found = text.find(mark, 12)
        if 0 < found < cut:
            cut = found
    summary = text[:cut] if cut <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"
    return _sentence(summary), reason.strip()


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "…", "!", "?")) else text + "."


def who_wrote(authors_count: int | None, organization: str | None) -> str:
    """``Google`` or ``5 authors`` (``1 author``), empty when unknown."""
    if organization:
        return organization
    if authors_count is None:
        return ""
    return "1 author" if authors_count == 1 else f"{authors_count} authors"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def meta_line(paper: Paper) -> str:
    """The muted line under the title and authors: who, when, votes, comments, ids."""
    # Named authors have a line of their own; the organisation still says where from.
    who = (
        paper.organization if paper.authors else who_wrote(paper.authors_count, paper.organization)
    )
    parts = [who or "", paper.journal or ""]
    if paper.published is not None:
        parts.append(f"Published {format_date(paper.published)}")
    if paper.upvotes:
        parts.append(_count(paper.upvotes, "upvote"))
    if paper.comments:
        parts.append(_count(paper.comments, "comment"))
    if paper.arxiv_id:
        parts.append(f"arXiv:{paper.arxiv_id}")
    doi = valid_doi(paper.doi)
    if doi:
        parts.append(f"DOI {doi}")
    return "  ·  ".join(p for p in parts if p)


class StatusSelector(QWidget):
    """Five toggle buttons, one per reading status; emits :attr:`status_edited`."""

    status_edited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = FlowLayout(self, spacing=0)  # a narrow pane wraps the buttons, never cuts one
        self._group = QButtonGroup(self)
        self._buttons: dict[Status, QToolButton] = {}
        keys = {Status.INBOX: "i", Status.QUEUE: "q", Status.READING: "w", Status.READ: "r"}
        keys[Status.ARCHIVED] = "a"  # the list's keys, as the menus show them
        for status in Status:
            button = QToolButton()
            button.setText(status.label)
            button.setCheckable(True)
            button.setObjectName("segment")
            key = keys.get(status)
            button.setToolTip(f"Move to {status.label}" + (f" ({key})" if key else ""))
            button.setAccessibleName(f"Status {status.label}")
            button.clicked.connect(lambda _checked=False, s=status: self._clicked(s))
            self._group.addButton(button)
            self._buttons[status] = button
            layout.addWidget(button)

    def button(self, status: Status) -> QToolButton:
        """The button for ``status`` (for tests and focus)."""
        return self._buttons[status]

    def status(self) -> Status | None:
        """The checked status, ``None`` for a mixed selection."""
        return next((s for s, b in self._buttons.items() if b.isChecked()), None)

    def set_status(self, status: Status | None) -> None:
        """Check ``status``'s button (``None``: none checked). Does not emit."""
        self._group.setExclusive(False)
        for s, button in self._buttons.items():
            button.setChecked(s == status)
        self._group.setExclusive(True)

    def _clicked(self, status: Status) -> None:
        self.set_status(status)
        self.status_edited.emit(status)


def caption(text: str) -> QLabel:
    """A section's caption (``Rating``, ``Abstract``)."""
    label = QLabel(text)
    label.setObjectName("sectionCaption")
    return label


class FailureNote(QWidget):
    """A failure in one red line, its whole reason under a "Details" disclosure."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(2)
        self.summary = QLabel()
        self.summary.setObjectName("failureSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setStyleSheet(f"color: {FAILED_COLOR}; font-weight: 600;")
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.summary)
        self.hint = QLabel()
        self.hint.setObjectName("mutedLabel")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.hint)
        self.toggle = QToolButton()
        self.toggle.setText("Details")
        self.toggle.setCheckable(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setAccessibleName("Show the whole reason")
        self.toggle.toggled.connect(self._toggled)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        self.details = QLabel()
        self.details.setObjectName("mutedLabel")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.details.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.details.hide()
        layout.addWidget(self.details)

    def show_failure(self, what: str, reason: str, hint: str = "") -> None:
        """``what`` failed because of ``reason``: one line, the rest on demand."""
        summary, details = failure_summary(reason)
        self.summary.setText(f"{what}: {summary}" if what else summary)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.details.setText(details or "")
        self.toggle.setChecked(False)
        self.toggle.setVisible(details is not None)
        self.details.hide()

    def _toggled(self, shown: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.details.setVisible(shown)
