"""Issue #19's defects of the detail pane and its widgets, on real widgets."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot

from reader.library import DigestRecord, DigestStatus, Library
from reader.worker import LibraryWorker
from tests.ui.conftest import WAIT_MS, WindowFactory, settle
from ui.detail import EMPTY_LIBRARY_HINT, DetailPane
from ui.detailparts import failure_summary
from ui.notekeeper import NoteKeeper
from ui.operations import ChangeBus, OperationRunner
from ui.sidebar import FailedRole, ViewKeyRole, digest_tooltip
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


def test_the_tag_overflow_reads_in_light_and_dark_rows_selected_or_not(qtbot: QtBot) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QStyleFactory

    from ui.delegates import contrast, overflow_color
    from ui.style import dark_palette

    light = QStyleFactory.create("Fusion").standardPalette()
    dark = dark_palette()
    placeholder = dark.color(QPalette.ColorRole.PlaceholderText)
    assert contrast(placeholder, dark.color(QPalette.ColorRole.Highlight)) < 3  # the defect
    for palette in (light, dark):
        for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
            assert contrast(overflow_color(palette, False), palette.color(role)) >= 4.5
        highlight = palette.color(QPalette.ColorRole.Highlight)
        assert contrast(overflow_color(palette, True), highlight) >= 3


def test_confirmations_name_their_action(qtbot: QtBot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

    from ui.tagdialogs import ask

    seen: list[list[str]] = []

    def answer(text: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        buttons = [b.text().replace("&", "") for b in box.buttons()]
        seen.append(buttons)
        target = next(b for b in box.findChildren(QPushButton) if b.text().replace("&", "") == text)
        target.click()

    QTimer.singleShot(0, lambda: answer("Merge"))
    assert ask(None, "Merge Tags", "Merge “a” into “b”?")
    QTimer.singleShot(0, lambda: answer("Cancel"))
    assert not ask(None, "Delete Tag", "Delete the tag “a”?")
    QTimer.singleShot(0, lambda: answer("Empty Trash"))
    assert ask(None, "Empty Trash", "Delete every paper in the trash for good?")
    assert sorted(seen[0]) == ["Cancel", "Merge"]
    assert sorted(seen[1]) == ["Cancel", "Delete"]
    assert sorted(seen[2]) == ["Cancel", "Empty Trash"]
    assert not any("Yes" in b or "No" in b for buttons in seen for b in buttons)


def test_the_merge_dialog_requires_a_choice_most_used_first(qtbot: QtBot) -> None:
    from reader.library import TagCount
    from ui.tagdialogs import MergeTagDialog

    tags = [
        TagCount(1, "alpha", 1),
        TagCount(2, "nlp", 9),
        TagCount(3, "vision", 4),
        TagCount(4, "old", 2),
    ]
    dialog = MergeTagDialog(None, "old", tags)
    qtbot.addWidget(dialog)
    assert dialog.target() == ""  # not the first tag alphabetically: nothing chosen
    assert not dialog.merge_button.isEnabled()
    items = [dialog.targets.itemText(i) for i in range(dialog.targets.count())]
    assert items == ["nlp", "vision", "alpha"]  # most used first, never the tag itself
    dialog.targets.setCurrentIndex(0)
    assert dialog.target() == "nlp"
    assert dialog.merge_button.isEnabled()
    assert dialog.merge_button.text() == "Merge"


def test_file_import_opens_in_home_then_the_last_folder_used(tmp_path: Path) -> None:
    from ui.appwide import import_folder, remember_import_folder

    assert import_folder() == Path.home()
    remember_import_folder(tmp_path)
    assert import_folder() == tmp_path


def test_the_digest_log_menu_retries_shows_and_forgets_never_touching_the_file(
    qtbot: QtBot, make_window: WindowFactory, inbox: Path, sample_digest: Path
) -> None:
    window = make_window()
    broken = inbox / "broken.txt"
    broken.write_text("this is not a digest\n")
    window.transfers.import_paths([broken])
    qtbot.waitUntil(lambda: window.sidebar_model.failed_digests == 1, timeout=WAIT_MS)
    index = window.sidebar_model.digests_section.child(0)
    record = window.sidebar_model.digest_record(int(index.data(ViewKeyRole).value))
    assert record is not None
    actions = [a.text() for a in window.sidebar.digest_menu(record.id, True).actions()]
    assert actions == ["Retry Import", "Show File in Folder", "", "Remove from Log"]
    ok_actions = [a.text() for a in window.sidebar.digest_menu(record.id, False).actions()]
    assert ok_actions == ["Show File in Folder"]  # an imported file's entry stays

    opened: list[QUrl] = []
    window.places.open_url = opened.append  # type: ignore[method-assign]
    window.sidebar.digest_action_requested.emit("show", record.id)
    assert opened == [QUrl.fromLocalFile(str(inbox))]

    shutil.copyfile(sample_digest, broken)  # the user fixed the file: retry reads it again
    window.sidebar.digest_action_requested.emit("retry", record.id)
    qtbot.waitUntil(lambda: window.sidebar_model.failed_digests == 0, timeout=WAIT_MS)
    settle(qtbot, window)
    assert broken.read_bytes() == sample_digest.read_bytes()  # never changed or moved

    other = inbox / "other.txt"
    other.write_text("still not a digest\n")
    window.transfers.import_paths([other])
    qtbot.waitUntil(lambda: window.sidebar_model.failed_digests == 1, timeout=WAIT_MS)
    failed = next(
        window.sidebar_model.digest_record(int(i.data(ViewKeyRole).value))
        for i in (
            window.sidebar_model.digests_section.child(n)
            for n in range(window.sidebar_model.digests_section.rowCount())
        )
        if i.data(FailedRole)
    )
    assert failed is not None
    window.sidebar.digest_action_requested.emit("forget", failed.id)
    qtbot.waitUntil(lambda: window.sidebar_model.failed_digests == 0, timeout=WAIT_MS)
    assert other.exists()  # the user's file is kept
    assert other.read_text() == "still not a digest\n"
