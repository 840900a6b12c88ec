"""One writer, one change bus: the window's writes, reads and their failures.

Real SQLite files, the real writer and reader threads; statements are seen through
``set_trace_callback`` on the connections that run them.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from reader.library import Library, LibraryReadOnlyError, PaperFilter
from tests.ui.conftest import WAIT_MS, WindowFactory, fill_library, settle, write
from tests.ui.test_end_to_end import click_row, press
from ui.edits import CONFIRM_ABOVE
from ui.views import ALL, ViewKey
from ui.window import MainWindow


@pytest.fixture
def papers(lib_path: Path) -> Path:
    """Twenty synthetic papers."""
    with Library(lib_path) as library:
        fill_library(library, 20)
    return lib_path


def _trace_writer(qtbot: QtBot, window: MainWindow, statements: list[str]) -> None:
    done: list[bool] = []
    window.worker.submit(
        lambda lib: lib.connection.set_trace_callback(statements.append)
    ).add_done_callback(lambda _f: done.append(True))
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)


def _trace_reader(window: MainWindow, statements: list[str]) -> None:
    window.reader.submit(
        lambda lib: lib.connection.set_trace_callback(statements.append), channel="test"
    ).result(timeout=10)


def test_the_gui_connection_refuses_writes(make_window: WindowFactory, papers: Path) -> None:
    window = make_window()
    paper_id = window.model.ids()[0]
    with pytest.raises(LibraryReadOnlyError):
        window.library.set_rating(paper_id, 3)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        window.library.connection.execute("UPDATE paper SET rating = 1")  # SQLite refuses
    with Library(papers) as other:
        assert other.paper(paper_id).rating == 0


def test_a_rating_in_a_view_not_about_ratings_rereads_only_that_row(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    ids = window.model.ids()
    write(qtbot, window, lambda lib: lib.add_tags(ids[:5], ["nlp"]))
    window.sidebar.select_key(ViewKey("tag", "nlp"))  # filtered by tag, sorted by added
    settle(qtbot, window)
    click_row(qtbot, window, 1)
    paper_id = window.paper_list.current_id()
    gui: list[str] = []
    reader: list[str] = []
    window.library.connection.set_trace_callback(gui.append)
    _trace_reader(window, reader)
    press(qtbot, window, Qt.Key.Key_4)
    assert window.model.index(1, 1).data() == "★★★★☆"
    assert window.detail.stars.rating() == 4
    queried = [s for s in gui + reader if s.lstrip().upper().startswith("SELECT P.ID FROM")]
    assert queried == []  # membership cannot have changed: no id re-query at all
    assert any(re.search(r"WHERE (p\.)?id IN \(\d+\)$", s) for s in gui), gui  # just that row
    window.library.connection.set_trace_callback(None)
    assert paper_id is not None
    assert window.library.paper(paper_id).rating == 4

    reader.clear()
    window.sidebar.select_key(ViewKey("rated"))  # a view filtered by rating…
    settle(qtbot, window)
    window.paper_list.select_ids([paper_id])
    settle(qtbot, window)
    press(qtbot, window, Qt.Key.Key_1)  # …loses the paper: its ids are re-read
    assert any(s.lstrip().upper().startswith("SELECT P.ID FROM") for s in reader)
    assert paper_id not in window.model.ids()


def test_bulk_edits_ask_first_and_undo_and_redo_are_one_transaction_each(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(lib_path) as library:
        fill_library(library, CONFIRM_ABOVE + 48)
        ids = library.paper_ids()
        library.set_rating(ids[:10], 1)
        library.set_rating(ids[10:30], 3)
    window = make_window()
    window.sidebar.select_key(ALL)
    settle(qtbot, window)
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def exec_box(box: QMessageBox) -> QMessageBox.StandardButton:
        asked.append(box.text())
        return answer[0]

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    window.paper_list.setFocus()
    qtbot.keyClick(window.paper_list, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert len(window.selected_ids()) == CONFIRM_ABOVE + 48
    press(qtbot, window, Qt.Key.Key_2)
    assert asked == [f"Rate {CONFIRM_ABOVE + 48:,} papers 2 stars?"]
    with Library(lib_path) as library:
        assert library.count(PaperFilter(search="rating:2")) == 0  # declined: nothing

    answer[0] = QMessageBox.StandardButton.Yes
    working: list[bool] = []
    window.edits.working.connect(working.append)
    press(qtbot, window, Qt.Key.Key_2)
    assert working == [True, False]  # the status bar showed progress
    with Library(lib_path) as library:
        assert library.count(PaperFilter(search="rating:2")) == CONFIRM_ABOVE + 48

    statements: list[str] = []
    _trace_writer(qtbot, window, statements)
    qtbot.keyClick(window.paper_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    commits = [s for s in statements if s.strip().upper() == "COMMIT"]
    assert len(commits) == 1  # three different old values put back in ONE transaction
    with Library(lib_path) as library:
        assert library.count(PaperFilter(search="rating:1")) == 10
        assert library.count(PaperFilter(search="rating:3")) == 20
        assert library.count(PaperFilter(search="rating:2")) == 0
    statements.clear()
    window.edits.redo()
    settle(qtbot, window)
    assert len([s for s in statements if s.strip().upper() == "COMMIT"]) == 1


def test_a_bulk_rating_in_all_rereads_no_ids_and_only_the_rows_shown(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+A then 2 in All (sorted by date added): a rating cannot move papers in or out
    of All or reorder it, so the ids are not read again, and the list reads back only the
    rows it paints (one page), not a row per paper rated."""
    count = CONFIRM_ABOVE + 1_200
    with Library(lib_path) as library:
        fill_library(library, count)
    window = make_window()
    window.sidebar.select_key(ALL)
    settle(qtbot, window)
    monkeypatch.setattr(QMessageBox, "exec", lambda _box: QMessageBox.StandardButton.Yes)
    window.paper_list.setFocus()
    qtbot.keyClick(window.paper_list, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert len(window.selected_ids()) == count
    gui: list[str] = []
    reader: list[str] = []
    window.library.connection.set_trace_callback(gui.append)
    _trace_reader(window, reader)
    rows_before = window.model.rows_fetched
    press(qtbot, window, Qt.Key.Key_2)
    assert window.model.index(0, 1).data() == "★★☆☆☆"  # the shown rows are read again…
    window.library.connection.set_trace_callback(None)
    assert window.model.rows_fetched - rows_before <= window.model.PAGE  # …and only those
    queried = [s for s in gui + reader if s.lstrip().upper().startswith("SELECT P.ID FROM")]
    assert queried == []
    assert len(window.selected_ids()) == count  # the selection that made it stays
    with Library(lib_path) as library:
        assert library.count(PaperFilter(search="rating:2")) == count


def test_edits_under_another_programs_lock_wait_and_are_applied(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    first = window.paper_list.current_id()
    holder = sqlite3.connect(papers, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        window.paper_list.setFocus()
        qtbot.keyClick(window.paper_list, Qt.Key.Key_5)  # returns at once: the writer waits
        qtbot.waitUntil(
            lambda: "Waiting for another program" in window.statusBar().currentMessage(),
            timeout=WAIT_MS,
        )
        window.focus_note()
        editor = window.detail.note.editor
        qtbot.waitUntil(lambda: QApplication.focusWidget() is editor)
        qtbot.keyClicks(editor, "written while locked")
        click_row_nowait(qtbot, window, 3)  # switching papers while the note waits…
        assert window.paper_list.current_id() != first
        window.paper_list.select_ids([first])  # …and back: the typed text is still there
        assert window.detail.note.text() == "written while locked"
        assert window.detail.stars.rating() == 0  # not stored yet
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    settle(qtbot, window)
    with Library(papers) as library:
        assert library.paper(first).rating == 5
        assert library.paper(first).note == "written while locked"
    assert window.detail.stars.rating() == 5
    assert window.detail.note.text() == "written while locked"


def click_row_nowait(qtbot: QtBot, window: MainWindow, row: int) -> None:
    """Click a row without waiting for the writer (which is waiting for a lock)."""
    view = window.paper_list
    index = window.model.index(row, 0)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )


def test_a_damaged_row_is_said_once_and_the_other_rows_shown(
    qtbot: QtBot, make_window: WindowFactory, papers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(papers) as library:
        bad = library.paper_ids()[2]
        # A stored timestamp that is not one: reading that row raises. (Undecodable text
        # no longer does: the library reads it with U+FFFD and `check` reports it.)
        library.connection.execute("UPDATE paper SET first_seen = 'not a time' WHERE id = ?", [bad])
    boxes: list[str] = []
    monkeypatch.setattr(QMessageBox, "open", lambda box: boxes.append(box.text()))
    window = make_window()
    failures: list[str] = []
    window.model.read_failed.connect(failures.append)
    for _ in range(5):  # repaints ask again and again
        window.paper_list.viewport().repaint()
        QApplication.processEvents()
        window.model.invalidate()
    assert window.model.rowCount() == 20
    titles = [window.model.index(r, 0).data() for r in range(20)]
    assert sum("cannot be read" in t for t in titles) == 1
    assert sum(t.startswith("Synthetic paper") for t in titles) == 19
    assert len(boxes) == 1  # one message, not a dialog per repaint
    assert len(set(failures)) == len(failures)  # each problem said once
    assert "cannot be read" in window.statusBar().currentMessage()


def test_error_messages_show_the_users_text_as_typed(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.library import TagNotFoundError
    from ui.errors import show_error

    formats: list[Qt.TextFormat] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: formats.append(box.textFormat()) or 0)
    show_error(None, "The tag was not changed", TagNotFoundError("there is no tag named '<h1>x'"))
    assert formats == [Qt.TextFormat.PlainText]


def test_closing_with_a_note_the_library_refused_keeps_a_recovery_copy(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    from reader.library.health import record_damage

    window = make_window()
    click_row(qtbot, window, 0)
    paper_id = window.paper_list.current_id()
    record_damage(papers, "a test damaged it")  # from now on every write is refused
    window.focus_note()
    editor = window.detail.note.editor
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor)
    qtbot.keyClicks(editor, "words the library will not take")
    window.close()
    copy = window.notes.recovery_dir / f"note-of-paper-{paper_id}.md"
    assert copy.read_text(encoding="utf-8") == "words the library will not take"


def test_searches_run_on_the_reader_not_the_gui_thread(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    gui: list[str] = []
    reader: list[str] = []
    window.library.connection.set_trace_callback(gui.append)
    _trace_reader(window, reader)
    window.focus_search()
    qtbot.keyClicks(window.search.input, "synthetic 00001")
    qtbot.keyClick(window.search.input, Qt.Key.Key_Return)
    settle(qtbot, window)
    window.library.connection.set_trace_callback(None)
    assert window.model.view.search == "synthetic 00001"
    assert window.model.rowCount() == 10
    assert not [s for s in gui if "MATCH" in s or "count(" in s]  # nothing grows with the library
    assert any("MATCH" in s for s in reader)


def test_a_paper_with_damaged_text_says_so_beside_it_with_the_repair(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    with Library(papers) as library:
        bad, good = library.paper_ids()[:2]
        library.connection.execute(
            "UPDATE paper SET abstract = CAST(X'4261642082FF' AS TEXT) WHERE id = ?", [bad]
        )
    window = make_window()
    window.paper_list.select_ids([bad])
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.detail.paper is not None, timeout=WAIT_MS)
    assert window.detail.error.isVisible()
    assert "abstract" in window.detail.error.text()
    assert "papershelf check --repair" in window.detail.error.text()
    assert "\N{REPLACEMENT CHARACTER}" in window.detail.abstract.text()
    window.paper_list.select_ids([good])
    settle(qtbot, window)
    qtbot.waitUntil(
        lambda: window.detail.paper is not None and window.detail.paper.id == good,
        timeout=WAIT_MS,
    )
    assert not window.detail.error.isVisible()
