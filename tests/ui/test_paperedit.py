"""Edit Details and Merge Two Papers in the window: real dialogs, the writer thread, undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reader.library import Library
from tests.ui.conftest import WindowFactory, fill_library, settle
from tests.ui.test_end_to_end import click_row
from ui.paperedit import PaperEditDialog
from ui.papermerge import PaperMergeDialog
from ui.window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def papers(lib_path: Path) -> Path:
    with Library(lib_path) as library:
        fill_library(library, 5)
    return lib_path


def _when_open(kind: type, act: object) -> None:
    """Run ``act(dialog)`` once a dialog of ``kind`` is shown (exec() blocks the test)."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            act(dialog)  # type: ignore[operator]
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def _read(window: MainWindow, paper_id: int) -> object:
    with Library(window.library.path) as library:
        return library.paper(paper_id)


def test_edit_details_from_the_edit_menu_and_undo(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    (paper_id,) = window.selected_ids()
    before = _read(window, paper_id)

    def fill(dialog: PaperEditDialog) -> None:
        dialog.fields["title"].setText("An Edited Title")
        dialog.fields["year"].setText("2019")
        dialog.fields["journal"].setText("Journal of Tests")
        dialog.save.click()

    _when_open(PaperEditDialog, fill)
    window.menu_actions.edit_details.trigger()
    qtbot.waitUntil(lambda: _read(window, paper_id).title == "An Edited Title", timeout=20_000)  # type: ignore[attr-defined]
    settle(qtbot, window)
    paper = _read(window, paper_id)
    assert (paper.published.year, paper.journal) == (2019, "Journal of Tests")  # type: ignore[attr-defined]
    window.edits.undo()
    qtbot.waitUntil(lambda: _read(window, paper_id) == before, timeout=20_000)


def test_a_refused_value_is_said_in_the_form_which_stays_open(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    seen: list[str] = []

    def fill(dialog: PaperEditDialog) -> None:
        dialog.fields["year"].setText("20250")
        dialog.save.click()

        def again() -> None:
            seen.append(dialog.error.text())
            dialog.reject()

        QTimer.singleShot(50, again)

    _when_open(PaperEditDialog, fill)
    window.menu_actions.edit_details.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=20_000)
    assert "20250 is not a plausible year" in seen[0]


def test_merge_two_selected_papers_and_undo(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    selection = window.paper_list.selectionModel()
    selection.select(
        window.model.index(1, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    ids = window.selected_ids()
    assert len(ids) == 2
    assert window.menu_actions.merge_papers in window.menu_actions.paper_menu(window, []).actions()
    kept: list[int] = []

    def choose(dialog: PaperMergeDialog) -> None:
        kept.append(dialog.papers[0].id)
        dialog.merge.click()

    _when_open(PaperMergeDialog, choose)
    window.menu_actions.merge_papers.trigger()
    with Library(window.library.path) as library:
        qtbot.waitUntil(lambda: library.count() == 4, timeout=20_000)
    settle(qtbot, window)
    window.edits.undo()
    with Library(window.library.path) as library:
        qtbot.waitUntil(lambda: library.count() == 5, timeout=20_000)
        assert {p.id for p in library.papers()} >= set(ids)
