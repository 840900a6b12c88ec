"""The main window's behaviours: undo, search, imports, notes, tags, state, empty state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from reader.library import Library, Status
from tests.ui.conftest import WAIT_MS, WindowFactory, fill_library, settle, write
from tests.ui.test_end_to_end import click_row, click_sidebar, press
from ui.models import Column
from ui.notes import SAVE_DELAY_MS
from ui.views import ALL, FOR_YOU, INBOX, RATED, ViewKey


@pytest.fixture
def papers(lib_path: Path) -> Path:
    """Twenty synthetic papers in the test's library."""
    with Library(lib_path) as library:
        fill_library(library, 20)
    return lib_path


def test_undo_restores_a_rating(qtbot: QtBot, make_window: WindowFactory, papers: Path) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    paper_id = window.paper_list.current_id()
    assert paper_id is not None
    press(qtbot, window, Qt.Key.Key_2)
    press(qtbot, window, Qt.Key.Key_5)
    assert window.library.paper(paper_id).rating == 5
    assert "Rate 5 stars" in window.menu_actions.undo.text()

    qtbot.keyClick(window.paper_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert window.library.paper(paper_id).rating == 2
    assert window.detail.stars.rating() == 2
    window.menu_actions.undo.trigger()
    settle(qtbot, window)
    assert window.library.paper(paper_id).rating == 0
    assert not window.menu_actions.undo.isEnabled()
    qtbot.keyClick(
        window.paper_list,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    settle(qtbot, window)
    assert window.library.paper(paper_id).rating == 2


def test_bulk_edits_and_their_undo(qtbot: QtBot, make_window: WindowFactory, papers: Path) -> None:
    window = make_window()
    ids = window.model.ids()[:4]
    write(qtbot, window, lambda lib: lib.set_rating(ids[0], 1))
    write(qtbot, window, lambda lib: lib.set_rating(ids[1], 3))
    window.paper_list.select_ids(ids)
    settle(qtbot, window)
    assert window.detail.title.text() == "4 papers selected"
    window.selection.rate(5)
    settle(qtbot, window)
    assert [window.library.paper(i).rating for i in ids] == [5, 5, 5, 5]
    window.selection.add_tags(["bulk"])
    settle(qtbot, window)
    assert all("bulk" in window.library.paper(i).tags for i in ids)
    window.selection.set_status(Status.QUEUE)  # leaves the Inbox: the next paper is selected
    settle(qtbot, window)
    assert window.model.rowCount() == 16
    window.edits.undo()  # back to the Inbox, and selected again
    settle(qtbot, window)
    assert window.model.rowCount() == 20
    assert sorted(window.selected_ids()) == sorted(ids)
    window.edits.undo()
    settle(qtbot, window)
    assert all("bulk" not in window.library.paper(i).tags for i in ids)
    window.edits.undo()
    settle(qtbot, window)
    assert [window.library.paper(i).rating for i in ids] == [1, 3, 0, 0]


def test_triage_moves_to_the_next_paper(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    first, second = window.model.ids()[:2]
    press(qtbot, window, Qt.Key.Key_Q)
    assert window.library.paper(first).status is Status.QUEUE
    assert window.paper_list.current_id() == second
    assert (
        window.sidebar_model.index_of(ViewKey("status", "queue")).data(
            Qt.ItemDataRole.UserRole + 11
        )
        == 1
    )
    press(qtbot, window, Qt.Key.Key_J)
    assert window.paper_list.current_id() == window.model.ids()[1]
    press(qtbot, window, Qt.Key.Key_K)
    assert window.paper_list.current_id() == second


def test_single_keys_do_not_fire_while_typing(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    paper_id = window.paper_list.current_id()
    window.focus_search()
    qtbot.keyClicks(window.search.input, "3q")
    settle(qtbot, window)
    assert window.library.paper(paper_id).rating == 0  # type: ignore[arg-type]
    assert window.library.paper(paper_id).status is Status.INBOX  # type: ignore[arg-type]


def test_search_narrows_the_list_and_explains_mistakes(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    write(qtbot, window, lambda lib: lib.add_tags(window.model.ids()[:3], ["nlp"]))
    write(qtbot, window, lambda lib: lib.set_note(window.model.ids()[5], "quokka habitats"))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert QApplication.focusWidget() is window.search.input
    qtbot.keyClicks(window.search.input, "quokka")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=WAIT_MS)
    assert window.view_count.text() == "1 paper found"
    window.search.input.clear()
    qtbot.keyClicks(window.search.input, "tag:nlp")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=WAIT_MS)

    qtbot.keyClicks(window.search.input, " rating:>=9")
    settle(qtbot, window)
    qtbot.waitUntil(window.search.hint.isVisible, timeout=WAIT_MS)
    assert "rating" in window.search.hint.text()
    assert window.model.rowCount() == 3  # the last good result stays
    qtbot.keyClick(window.search.input, Qt.Key.Key_Escape)  # clears the search
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.model.rowCount() == 20, timeout=WAIT_MS)
    assert not window.search.hint.isVisible()
    assert "status:queue" in window.search.input.toolTip()


def test_file_import_runs_on_the_worker_with_progress(
    qtbot: QtBot,
    make_window: WindowFactory,
    tmp_path: Path,
    write_digest: Callable[..., Path],
) -> None:
    window = make_window()
    assert window.list_stack.currentWidget() is window.empty_state
    folder = tmp_path / "downloads"
    write_digest("one.txt", [1, 2, 3], folder=folder)
    write_digest("two.txt", [3, 4], folder=folder)
    (folder / "broken.txt").write_text("Daily Papers\nJan 30\nnot really a digest\n")
    task = window.transfers.import_paths([folder])
    assert window.transfers.progress.isVisible()
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=WAIT_MS)
    assert not window.transfers.progress.isVisible()
    # The first-run page gives way when the sidebar's counts arrive (read on the reader
    # thread after the import): they can come a moment after the list's rows.
    qtbot.waitUntil(
        lambda: window.list_stack.currentWidget() is not window.empty_state, timeout=WAIT_MS
    )
    assert "Imported 2 files: 4 new papers" in window.statusBar().currentMessage()
    assert "could not be imported" in window.statusBar().currentMessage()
    sidebar = window.sidebar_model
    # The sidebar is read again on the reader thread after the import: it can arrive a
    # moment after the list's rows.
    qtbot.waitUntil(lambda: sidebar.digests_section.rowCount() == 3, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: sidebar.failed_digests == 1, timeout=WAIT_MS)


def test_dropping_files_imports_them(
    qtbot: QtBot, make_window: WindowFactory, write_digest: Callable[..., Path], tmp_path: Path
) -> None:
    window = make_window()
    path = write_digest("dropped.txt", [1, 2])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=WAIT_MS)
    assert "Imported 2 new papers from dropped.txt" in window.statusBar().currentMessage()


def test_a_failed_digest_is_marked_and_explained(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window()
    bad = tmp_path / "bad.txt"
    bad.write_text("Daily Papers\nbyAK and the research community\nJan 30\nTitle only\n")
    task = window.transfers.import_paths([bad])
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    qtbot.waitUntil(lambda: window.sidebar_model.failed_digests == 1, timeout=WAIT_MS)
    assert "Could not import bad.txt" in window.statusBar().currentMessage()
    record = window.library.digests()[0]
    window.sidebar.select_key(ViewKey("digest", record.id))
    settle(qtbot, window)
    assert window.detail.failure.isVisible()  # one line, the whole reason under Details
    assert record.error
    assert record.error in window.detail.failure.details.text() or (
        record.error.rstrip(".").lower() in window.detail.failure.summary.text().lower()
    )
    tooltip = window.sidebar_model.index_of(ViewKey("digest", record.id)).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert record.error in tooltip


def test_note_autosaves_after_a_pause_and_on_close(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    paper_id = window.paper_list.current_id()
    press(qtbot, window, Qt.Key.Key_N)
    editor = window.detail.note.editor
    qtbot.keyClicks(editor, "first thoughts")
    settle(qtbot, window)
    qtbot.waitUntil(
        lambda: window.library.paper(paper_id).note == "first thoughts",  # type: ignore[arg-type]
        timeout=SAVE_DELAY_MS * 20,
    )
    qtbot.keyClicks(editor, ", more")
    settle(qtbot, window)
    window.close()  # before the debounce fires
    with Library(papers) as other:
        assert other.paper(paper_id).note == "first thoughts, more"  # type: ignore[arg-type]


def test_note_preview_is_safe(qtbot: QtBot, make_window: WindowFactory, papers: Path) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    note = window.detail.note
    opened: list[QUrl] = []
    window.places.open_url = opened.append  # type: ignore[assignment]
    note.start_editing()
    note.editor.setPlainText(
        "# Plan\n<script>alert(1)</script> ![x](http://example.com/x.png) "
        "[site](https://example.com) [bad](javascript:alert(1))"
    )
    note.set_editing(False)
    html = note.preview.toHtml()
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    note.preview.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert opened == []
    note.preview.anchorClicked.emit(QUrl("https://example.com"))
    assert opened == [QUrl("https://example.com")]
    assert note.preview.loadResource(2, QUrl("http://example.com/x.png")) is None


def _answer_dialogs(monkeypatch: pytest.MonkeyPatch, text: str = "", yes: bool = True) -> None:
    """Answer the tag dialogs: ``text`` in the input dialog, Yes (or No) to questions."""
    monkeypatch.setattr(QInputDialog, "exec", lambda _d: QInputDialog.DialogCode.Accepted)
    monkeypatch.setattr(QInputDialog, "textValue", lambda _d: text)
    from ui.tagdialogs import MergeTagDialog  # the merge target has a dialog of its own

    monkeypatch.setattr(MergeTagDialog, "exec", lambda _d: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(MergeTagDialog, "target", lambda _d: text)
    answer = QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "exec", lambda _b: answer)


def _tag_names(lib_path: Path) -> list[str]:
    with Library(lib_path) as library:
        return [t.name for t in library.tags()]


def test_tags_rename_merge_and_delete_from_the_sidebar_with_undo(
    qtbot: QtBot,
    make_window: WindowFactory,
    papers: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window()
    ids = window.model.ids()
    write(qtbot, window, lambda lib: lib.add_tags(ids[:3], ["nlp"]))
    write(qtbot, window, lambda lib: lib.add_tags(ids[2:5], ["language"]))
    write(qtbot, window, lambda lib: lib.add_tags(ids[:1], ["todo"]))
    window.sidebar.select_key(ViewKey("tag", "nlp"))
    settle(qtbot, window)
    assert window.model.rowCount() == 3

    _answer_dialogs(monkeypatch, "NLP papers")
    window.sidebar.rename_tag_requested.emit("nlp")
    settle(qtbot, window)
    assert window.sidebar.current_key == ViewKey("tag", "NLP papers")  # stays on the tag
    assert window.model.rowCount() == 3
    assert "NLP papers" in window.library.paper(ids[0]).tags
    assert "Rename #nlp to #NLP papers" in window.menu_actions.undo.text()

    _answer_dialogs(monkeypatch, "language")
    window.sidebar.merge_tag_requested.emit("NLP papers")
    settle(qtbot, window)
    assert _tag_names(papers) == ["language", "todo"]
    assert window.sidebar.current_key == ViewKey("tag", "language")  # on the target
    assert window.model.rowCount() == 5

    _answer_dialogs(monkeypatch)
    window.sidebar.delete_tag_requested.emit("todo")
    settle(qtbot, window)
    assert _tag_names(papers) == ["language"]
    assert window.sidebar.current_key == INBOX  # a deleted tag's view is gone
    assert window.sidebar_model.tags_section.rowCount() == 1

    _answer_dialogs(monkeypatch, yes=False)
    window.sidebar.delete_tag_requested.emit("language")
    settle(qtbot, window)
    assert _tag_names(papers) == ["language"]

    # Undo, one step per tag operation: the delete, the merge, the rename.
    window.edits.undo()
    settle(qtbot, window)
    assert _tag_names(papers) == ["language", "todo"]
    assert window.library.paper(ids[0]).tags == ("language", "todo") or set(
        window.library.paper(ids[0]).tags
    ) == {"language", "todo"}
    window.edits.undo()
    settle(qtbot, window)
    assert _tag_names(papers) == ["language", "NLP papers", "todo"]
    assert set(window.library.paper(ids[1]).tags) == {"NLP papers"}  # only the old tag
    assert set(window.library.paper(ids[2]).tags) == {"NLP papers", "language"}
    assert set(window.library.paper(ids[4]).tags) == {"language"}
    window.edits.undo()
    settle(qtbot, window)
    assert _tag_names(papers) == ["language", "nlp", "todo"]
    assert window.sidebar.current_key == ViewKey("tag", "nlp")
    # Undoing the older "add" edits never brings back a renamed tag: history is linear.
    window.edits.redo()
    settle(qtbot, window)
    assert _tag_names(papers) == ["language", "NLP papers", "todo"]
    window.edits.redo()
    window.edits.redo()
    settle(qtbot, window)
    assert _tag_names(papers) == ["language"]


def test_tag_editor_keyboard(qtbot: QtBot, make_window: WindowFactory, papers: Path) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    paper_id = window.paper_list.current_id()
    tags = window.detail.tags
    tags.input.setFocus()
    qtbot.keyClicks(tags.input, "alpha, beta")  # the comma commits "alpha"
    settle(qtbot, window)
    qtbot.keyClick(tags.input, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.library.paper(paper_id).tags == ("alpha", "beta")  # type: ignore[arg-type]
    qtbot.keyClick(tags.input, Qt.Key.Key_Backspace)
    settle(qtbot, window)
    assert window.library.paper(paper_id).tags == ("alpha",)  # type: ignore[arg-type]
    assert tags.tags() == ["alpha"]
    window.edits.undo()
    settle(qtbot, window)
    assert window.library.paper(paper_id).tags == ("alpha", "beta")  # type: ignore[arg-type]


def test_escape_leaves_the_tag_and_note_editors_for_the_list(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    paper_id = window.paper_list.current_id()
    tags = window.detail.tags
    tags.input.setFocus()
    qtbot.keyClicks(tags.input, "half-typ")
    settle(qtbot, window)
    with qtbot.waitSignal(tags.leave_requested):
        qtbot.keyClick(tags.input, Qt.Key.Key_Escape)
        settle(qtbot, window)
    assert tags.input.text() == ""
    assert window.library.paper(paper_id).tags == ()  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: window.paper_list.hasFocus() or not window.isActiveWindow())

    note = window.detail.note
    note.start_editing()
    qtbot.keyClicks(note.editor, "a thought")
    settle(qtbot, window)
    with qtbot.waitSignal(note.leave_requested):
        qtbot.keyClick(note.editor, Qt.Key.Key_Escape)
        settle(qtbot, window)
    assert window.library.paper(paper_id).note == "a thought"  # type: ignore[arg-type]


def test_rated_view_and_clicking_stars_in_the_list(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_sidebar(qtbot, window, ALL)
    view = window.paper_list
    index = window.model.index(1, Column.RATING)
    rect = view.visualRect(index)
    star_four = rect.left() + 6 + int(3.5 * (13 + 1.5))
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=rect.center().__class__(star_four, rect.center().y()),
    )
    settle(qtbot, window)
    paper_id = window.model.paper_id(1)
    assert window.library.paper(paper_id).rating == 4  # type: ignore[arg-type]
    window.sidebar.select_key(RATED)
    settle(qtbot, window)
    assert window.model.ids() == [paper_id]


def test_state_is_restored(qtbot: QtBot, make_window: WindowFactory, papers: Path) -> None:
    window = make_window()
    window.resize(798, 520)  # within the offscreen screen (800 x 600): geometry is kept
    window.paper_list.set_column_wanted(Column.STATUS, True)  # shown when there is room
    window.paper_list.sortByColumn(Column.TITLE, Qt.SortOrder.AscendingOrder)
    window.sidebar.select_key(ALL)
    settle(qtbot, window)
    window.paper_list.select_row(7)
    settle(qtbot, window)
    chosen = window.paper_list.current_id()
    qtbot.waitUntil(lambda: sum(window.splitter.sizes()) < 800)
    window.splitter.moveSplitter(170, 1)  # the user drags both handles
    window.splitter.moveSplitter(170 + window.splitter.handleWidth() + 318, 2)
    sizes = window.splitter.sizes()
    window.close()

    again = make_window()
    assert again.size().height() == 520
    assert again.sidebar.current_key == ALL
    assert again.paper_list.current_id() == chosen
    assert again.model.sort_key.value == "title"
    assert not again.model.descending
    assert Column.STATUS in again.paper_list.fitter.wanted()
    assert again.splitter.sizes() == sizes


def test_empty_state_offers_the_watched_folder(
    qtbot: QtBot, make_window: WindowFactory, inbox: Path
) -> None:
    window = make_window()
    opened: list[QUrl] = []
    window.places.open_url = opened.append  # type: ignore[assignment]
    assert window.list_stack.currentWidget() is window.empty_state
    qtbot.mouseClick(window.empty_state.open_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert opened == [QUrl.fromLocalFile(str(inbox))]
    assert window.sidebar.current_key == INBOX


def test_the_sidebar_lists_the_newest_digests_first_and_all_on_request(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path
) -> None:
    from ui.sidebarfeed import DIGEST_PREVIEW

    with Library(lib_path) as library:
        for number in range(DIGEST_PREVIEW + 5):
            fill_library(library, 1, start=number)
    window = make_window()
    section = window.sidebar_model.digests_section
    assert section.rowCount() == DIGEST_PREVIEW + 1  # and "Show all digests…"
    assert not window.sidebar_model.digests_complete
    window.sidebar.expand(section.index())
    window.sidebar.setCurrentIndex(section.child(DIGEST_PREVIEW).index())
    qtbot.waitUntil(lambda: window.sidebar_model.digests_complete, timeout=WAIT_MS)
    assert section.rowCount() == DIGEST_PREVIEW + 5
    assert window.sidebar.current_key == INBOX  # asking for more did not change the view


def test_keyboard_steps_over_sidebar_headers(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    write(qtbot, window, lambda lib: lib.add_tags(window.model.ids()[:1], ["first"]))
    window.sidebar.select_key(FOR_YOU)  # the last view above the Tags header
    settle(qtbot, window)
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)  # onto the Tags header…
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.sidebar.current_key == ViewKey("tag", "first"))  # …and past it


def test_search_keeps_the_paper_being_read_when_it_still_matches(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    window.paper_list.select_row(4)
    settle(qtbot, window)
    chosen = window.paper_list.current_id()
    window.search.input.setText("synthetic")
    qtbot.waitUntil(lambda: bool(window.model.view.search), timeout=WAIT_MS)
    assert window.paper_list.current_id() == chosen
    window.search.input.setText("nothing-matches-this")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=WAIT_MS)
    assert window.detail.paper is None


def test_about_names_versions_and_places_and_the_log_folder_opens(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    from PySide6 import __version__ as pyside_version

    from reader import __version__
    from reader.logs import log_file
    from ui.help import about_text

    window = make_window()
    text = about_text(window.library.path, tmp_path / "data", tmp_path / "config")
    for expected in (
        __version__,
        str(window.library.path),
        "Qt ",
        pyside_version,
        "Python ",
        str(log_file()),
    ):
        assert expected in text
    opened: list[str] = []
    window.places.open_url = lambda url: opened.append(url.toLocalFile()) or True  # type: ignore[method-assign]
    window.menu_actions.open_logs.trigger()
    settle(qtbot, window)
    assert opened == [str(log_file().parent)]
    assert log_file().parent.is_dir()


def test_every_label_showing_outside_text_is_plain(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path
) -> None:
    from datetime import date

    from PySide6.QtWidgets import QLabel

    from reader.digests.model import Digest, Entry
    from reader.library.ingest import SourceFile, record_digest

    hostile = "<h1><font color=red>BIG"
    with Library(lib_path) as library:
        digest = Digest(
            "synthetic",
            (Entry(title=f"{hostile} title", abstract=f"{hostile} abstract"),),
            date(2026, 1, 30),
        )
        record_digest(library, SourceFile(f"/digests/{hostile}.txt", None, None, "test"), digest)
        digest_id = library.digests()[0].id
        paper_id = library.paper_ids()[0]
        library.add_tags([paper_id], [hostile])
        library.set_note(paper_id, hostile)
    window = make_window()
    window.sidebar.select_key(ViewKey("digest", digest_id))
    settle(qtbot, window)
    assert window.view_title.text() == f"{hostile}.txt"  # the heading names the file…
    assert window.view_title.textFormat() == Qt.TextFormat.PlainText  # …as typed
    window.paper_list.select_ids([paper_id])
    settle(qtbot, window)
    shown = [
        label
        for label in window.findChildren(QLabel)
        if "<h1>" in label.text() and not label.text().startswith("<a ")
    ]
    assert shown  # the hostile text is on screen…
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in shown), [
        label.objectName() for label in shown if label.textFormat() != Qt.TextFormat.PlainText
    ]
