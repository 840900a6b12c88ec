"""What kept the window from answering, taken off the GUI thread and the writer's queue.

- The detail pane reads the selected paper on the reader thread (ahead of the longer reads
  queued there), and only the newest selection's read is shown.
- The daily backup runs aside, on a thread of its own: an edit never waits behind it.
- The collector walks only recent objects (:class:`ui.collector.HeapKeeper`).
- Selecting by id asks Qt for ranges: every row is one; thousands of runs are refused.
- A bulk undo or redo shows progress.

Real SQLite files, the real writer and reader threads, real widgets; the statements each
connection runs are seen through ``set_trace_callback``.
"""

from __future__ import annotations

import gc
import itertools
import sys
import threading
import weakref
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reader.library import Library, Paper
from reader.worker import LibraryReader
from tests.ui.conftest import WAIT_MS, WindowFactory, fill_library, settle
from tests.ui.test_end_to_end import click_row, press
from ui.collector import SWITCH_INTERVAL_S, THRESHOLDS, HeapKeeper
from ui.detailfeed import DetailFeed
from ui.rowspans import ids_in_spans, spans_of_rows


@pytest.fixture
def papers(lib_path: Path) -> Path:
    """Twenty synthetic papers."""
    with Library(lib_path) as library:
        fill_library(library, 20)
    return lib_path


def _reads_a_whole_paper(statements: list[str]) -> bool:
    return any("FROM appearance" in s or "FROM paper WHERE id IN" in s for s in statements)


def test_the_detail_pane_reads_the_selected_paper_on_the_reader_thread(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    wanted = window.model.ids()[3]
    gui: list[str] = []
    reader: list[str] = []
    window.reader.submit(
        lambda lib: lib.connection.set_trace_callback(reader.append), channel="test"
    ).result(timeout=10)
    window.library.connection.set_trace_callback(gui.append)
    try:
        click_row(qtbot, window, 3)
    finally:
        window.library.connection.set_trace_callback(None)
    shown = window.detail.paper
    assert shown is not None
    assert shown.id == wanted
    assert not any("FROM appearance" in s for s in gui), gui  # nothing of it on the GUI thread
    assert _reads_a_whole_paper(reader), reader


def test_only_the_newest_selection_reaches_the_pane(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    ids = window.model.ids()
    shown: list[int] = []
    pane = window.detail
    real_show = pane.show_paper

    def recording(paper: Paper, problems: object = ()) -> None:
        shown.append(paper.id)
        real_show(paper, problems)  # type: ignore[arg-type]

    pane.show_paper = recording  # type: ignore[method-assign]
    blocker = threading.Event()
    # The reader is busy with a long read: the next three selections queue behind it.
    window.reader.submit(lambda _lib: blocker.wait(10), channel="a long search")
    for row in (1, 2, 3):
        window.paper_list.select_row(row)
    blocker.set()
    settle(qtbot, window)
    assert shown == [ids[3]]  # the two selections passed over were never shown
    assert window.detail.paper is not None
    assert window.detail.paper.id == ids[3]


def test_a_detail_read_goes_ahead_of_the_queued_reads(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        fill_library(library, 3)
    order: list[str] = []
    blocker = threading.Event()
    with LibraryReader(path) as reader:
        running = reader.submit(lambda _lib: blocker.wait(10), channel="running")
        ids = reader.submit(lambda _lib: order.append("ids"), channel="paper ids")
        detail = reader.submit(lambda _lib: order.append("detail"), channel="detail", urgent=True)
        blocker.set()
        for future in (running, ids, detail):
            future.result(timeout=10)
    assert order == ["detail", "ids"]


def test_an_edit_during_the_pane_read_of_its_paper_is_shown(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    paper_id = window.paper_list.current_id()
    press(qtbot, window, Qt.Key.Key_5)
    assert window.detail.paper is not None
    assert window.detail.paper.id == paper_id
    assert window.detail.stars.rating() == 5


def test_many_selected_papers_are_counted_without_reading_them(
    qtbot: QtBot, make_window: WindowFactory, papers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.detailfeed.BIG_SELECTION", 5)
    window = make_window()
    window.paper_list.setFocus()
    qtbot.keyClick(window.paper_list, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert window.detail.paper is None
    assert "20 papers selected" in window.detail._placeholder.text()


def test_an_edit_never_waits_behind_the_daily_backup(
    qtbot: QtBot, make_window: WindowFactory, papers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.library.backup as backup

    copying = threading.Event()
    release = threading.Event()
    real_copy = backup.copy_database

    def slow_copy(*args: object, **kwargs: object) -> list[str]:
        copying.set()
        release.wait(30)  # minutes of copying and checking at a million papers
        return real_copy(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(backup, "copy_database", slow_copy)
    window = make_window()
    click_row(qtbot, window, 0)
    paper_id = window.paper_list.current_id()
    window.notices.back_up_if_due()
    qtbot.waitUntil(copying.is_set, timeout=WAIT_MS)
    window.paper_list.setFocus()
    qtbot.keyClick(window.paper_list, Qt.Key.Key_3)

    def stored() -> bool:
        with Library(papers, read_only=True) as other:
            return paper_id is not None and other.paper(paper_id).rating == 3

    try:
        qtbot.waitUntil(stored, timeout=WAIT_MS)  # while the backup still copies
        assert not release.is_set()
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=WAIT_MS)
    assert [b.kind for b in backup.list_backups(papers)] == [backup.DAILY]  # made after all


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_the_heap_is_frozen_and_a_full_collection_frees_frozen_cycles(qtbot: QtBot) -> None:
    gc.unfreeze()
    keeper = HeapKeeper(lambda: True)
    try:
        keeper.start()
        assert gc.get_freeze_count() > 0
        assert keeper.freezes == 1
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        keeper.refreeze()  # the cycle is frozen now: an automatic collection skips it
        del a, b
        gc.collect()
        assert gone() is not None
        keeper.full_collection()  # the user left the window: everything is walked
        assert gone() is None
        assert keeper.full_collections == 1
        assert gc.get_freeze_count() > 0
    finally:
        keeper.stop()
    assert gc.get_freeze_count() == 0


def test_while_the_window_is_up_collections_stay_young_and_the_lock_changes_hands_often(
    qtbot: QtBot,
) -> None:
    python_thresholds = gc.get_threshold()
    interval = sys.getswitchinterval()
    keeper = HeapKeeper(lambda: True)
    try:
        keeper.start()
        assert gc.get_threshold() == THRESHOLDS
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_S)
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        gc.collect(1)  # the cycle is old now (it survived a middle-generation collection)
        del a, b
        kept = [[n] for n in range(200_000)]  # work that sets off many automatic collections
        del kept
        assert gone() is not None  # none walked the old objects
        keeper.full_collection()
        assert gone() is None
    finally:
        keeper.stop()
    assert gc.get_threshold() == python_thresholds
    assert sys.getswitchinterval() == pytest.approx(interval)


def test_detail_feed_without_a_reader_reads_inline(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    with Library(papers, read_only=True) as library:
        feed = DetailFeed(window.detail, library, None, list, lambda: None, lambda: False, None)
        wanted = library.paper_ids()[5]
        feed.show_ids([wanted])  # read and shown before it returns
        assert window.detail.paper is not None
        assert window.detail.paper.id == wanted
        assert not feed.pending


def test_a_bulk_undo_and_redo_show_progress_in_the_status_bar(
    qtbot: QtBot, make_window: WindowFactory, papers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr("ui.edits.CONFIRM_ABOVE", 5)
    monkeypatch.setattr(QMessageBox, "exec", lambda _box: QMessageBox.StandardButton.Yes)
    window = make_window()
    window.paper_list.setFocus()
    qtbot.keyClick(window.paper_list, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    press(qtbot, window, Qt.Key.Key_2)
    working: list[bool] = []
    said: list[str] = []
    window.edits.working.connect(working.append)
    window.edits.message.connect(lambda text, _ms: said.append(text))
    qtbot.keyClick(window.paper_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert working == [True, False]
    assert said[:2] == [
        "Undoing “Rate 2 stars (20 papers)”…",
        "Undoing “Rate 2 stars (20 papers)”: done",
    ]
    window.edits.redo()
    settle(qtbot, window)
    assert working == [True, False, True, False]
    assert said[2].startswith("Redoing “Rate 2 stars (20 papers)”")


def test_selecting_every_paper_by_id_is_one_range_and_a_scattered_many_is_refused(
    qtbot: QtBot, make_window: WindowFactory, papers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.paperlist.MAX_SPANS", 3)
    window = make_window()
    view = window.paper_list
    ids = window.model.ids()
    assert view.select_ids(list(reversed(ids)), ids[4])
    assert view.selectionModel().selection().size() == 1  # one range, not twenty
    assert view.selected_ids() == ids
    assert view.current_id() == ids[4]
    assert view.select_ids([ids[1], ids[2], ids[7]])  # two runs: selected
    assert view.selected_ids() == [ids[1], ids[2], ids[7]]
    assert not view.select_ids(ids[::2])  # ten runs: more than Qt should be asked for
    assert view.selected_ids() == [ids[1], ids[2], ids[7]]  # the selection stays as it was


@given(st.lists(st.integers(0, 60), max_size=80))
def test_runs_of_rows_cover_exactly_the_rows(rows: list[int]) -> None:
    spans = spans_of_rows(rows)
    covered = [r for top, bottom in spans for r in range(top, bottom + 1)]
    assert covered == sorted(set(rows))
    assert all(b[0] > a[1] + 1 for a, b in itertools.pairwise(spans))  # separate runs
    ids = [1000 + n for n in range(61)]
    assert ids_in_spans(ids, spans) == [ids[r] for r in sorted(set(rows))]
