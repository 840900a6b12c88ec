"""Issue #19's defects of the detail pane and its widgets, on real widgets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot

from reader.library import DigestRecord, DigestStatus, Library
from reader.worker import LibraryWorker
from tests.ui.conftest import WAIT_MS, WindowFactory
from ui.detail import EMPTY_LIBRARY_HINT, DetailPane
from ui.detailparts import failure_summary
from ui.notekeeper import NoteKeeper
from ui.operations import ChangeBus, OperationRunner
from ui.sidebar import digest_tooltip
from ui.tags import TagEditor
from ui.tasks import TaskRunner


@pytest.fixture
def keeper(tmp_path: Path) -> Iterator[NoteKeeper]:
    """A note keeper on a real writer thread (the detail pane needs one)."""
    path = tmp_path / "detail.sqlite"
    library = Library(path)
    worker = LibraryWorker(path)
    tasks = TaskRunner(worker)
    yield NoteKeeper(OperationRunner(tasks, ChangeBus()), tmp_path / "unsaved notes")
    tasks.close()
    worker.close()
    library.close()


def test_choosing_a_tag_from_the_completer_clears_the_input(qtbot: QtBot) -> None:
    editor = TagEditor()
    qtbot.addWidget(editor)
    editor.resize(320, 60)
    with qtbot.waitExposed(editor):
        editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    editor.input.setFocus()
    editor.set_completions(["long context", "nlp", "vision"])
    added: list[list[str]] = []
    editor.tags_added.connect(added.append)
    qtbot.keyClicks(editor.input, "lon")
    completer = editor.input.completer()
    popup = completer.popup()
    qtbot.waitUntil(popup.isVisible)
    assert isinstance(popup, QAbstractItemView)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    assert editor.input.text() == "long context"  # the highlighted completion
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: added == [["long context"]])
    qtbot.waitUntil(lambda: editor.input.text() == "")
    qtbot.wait(50)  # nothing puts the completion back afterwards
    assert editor.input.text() == ""
    assert added == [["long context"]]  # added once, not once per signal


def test_clicking_a_completion_adds_it_once_and_clears_the_input(qtbot: QtBot) -> None:
    editor = TagEditor()
    qtbot.addWidget(editor)
    editor.show()
    editor.set_completions(["long context", "nlp"])
    added: list[list[str]] = []
    editor.tags_added.connect(added.append)
    qtbot.keyClicks(editor.input, "nl")
    popup = editor.input.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    index = popup.model().index(0, 0)
    qtbot.mouseClick(
        popup.viewport(), Qt.MouseButton.LeftButton, pos=popup.visualRect(index).center()
    )
    qtbot.waitUntil(lambda: added == [["nlp"]])
    qtbot.wait(50)
    assert editor.input.text() == ""
    assert added == [["nlp"]]


LONG_REASON = (
    "not a digest Papershelf can read (supported: Google Scholar alert e-mail, arXiv listing "
    "e-mail, arXiv RSS/Atom announcement feed, arXiv API (Atom), RSS or Atom feed, Hugging "
    "Face papers JSON, CSL-JSON (Zotero, Better BibTeX), Hugging Face Daily Papers (saved web "
    "page), BibTeX / BibLaTeX (.bib), RIS (.ris) or Web of Science export)"
)


def _failed_record(reason: str = LONG_REASON) -> DigestRecord:
    return DigestRecord(
        id=7,
        path="/home/me/inbox/broken.txt",
        size=10,
        sha256="0" * 64,
        format=None,
        digest_date=None,
        captured_at=None,
        imported_at=datetime(2026, 1, 30, 12, tzinfo=UTC),
        status=DigestStatus.FAILED,
        error=reason,
        entries=0,
        new=0,
        updated=0,
    )


def test_a_failed_file_says_what_failed_in_one_line_with_details_on_demand(
    qtbot: QtBot, keeper: NoteKeeper
) -> None:
    pane = DetailPane(keeper)
    qtbot.addWidget(pane)
    pane.resize(320, 700)
    pane.show()
    pane.show_digest(_failed_record())
    failure = pane.failure
    assert failure.isVisible()
    assert failure.summary.text() == "Not imported: Not a digest Papershelf can read."
    assert "Google Scholar" not in failure.summary.text()
    assert not failure.details.isVisible()
    assert "Imported" not in pane.meta.text()  # it was tried, not imported
    assert "not imported" in pane.meta.text()
    qtbot.mouseClick(failure.toggle, Qt.MouseButton.LeftButton)
    assert failure.details.isVisible()
    assert failure.details.text() == LONG_REASON  # nothing lost: all of it on demand
    short = _failed_record("the file is empty")
    pane.show_digest(short)
    assert failure.summary.text() == "Not imported: The file is empty."
    assert not failure.toggle.isVisible()  # nothing more to show


def test_failure_summary_cuts_at_the_first_clause() -> None:
    assert failure_summary(LONG_REASON) == ("Not a digest Papershelf can read.", LONG_REASON)
    assert failure_summary("line 3: bad date") == ("Line 3: bad date.", None)
    summary, details = failure_summary("x" * 300)
    assert summary.endswith("…")
    assert len(summary) <= 92
    assert details == "x" * 300


def test_the_failed_digest_tooltip_does_not_say_imported(qtbot: QtBot) -> None:
    text = digest_tooltip(_failed_record("the file is empty"))
    assert "Imported" not in text
    assert "not imported" in text


def test_an_empty_library_gets_a_helpful_detail_pane(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    qtbot.waitUntil(lambda: window.feed.empty, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Import" in window.detail._placeholder.text(), timeout=WAIT_MS)
    assert window.detail._placeholder.text() == EMPTY_LIBRARY_HINT
