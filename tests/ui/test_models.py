"""The list and sidebar models: Qt's model contract, laziness, sorting by the library."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from reader.library import Library, PaperFilter, SortKey, Status
from reader.worker import LibraryReader, Superseded
from tests.ui.conftest import fill_library
from ui.models import Column, PaperRowRole, PaperTableModel, SortRole
from ui.operations import QueryRunner
from ui.sidebar import CountRole, SidebarModel
from ui.views import ALL, INBOX, RATED, ViewKey

pytestmark = pytest.mark.gui


@pytest.fixture
def filled(tmp_path: Path) -> Library:
    library = Library(tmp_path / "models.sqlite")
    fill_library(library, 60)
    yield library
    library.close()


def test_paper_model_passes_the_model_tester(filled: Library, qtmodeltester: ModelTester) -> None:
    model = PaperTableModel(filled)
    model.set_view(PaperFilter())
    qtmodeltester.check(model)
    assert model.rowCount() == 60


def test_paper_model_survives_changes_under_the_tester(
    filled: Library, qtmodeltester: ModelTester
) -> None:
    model = PaperTableModel(filled)
    model.set_view(PaperFilter())
    qtmodeltester.check(model)
    ids = model.ids()
    changes = filled.set_status(ids[:5], Status.QUEUE)
    model.refresh(changes.paper_ids)
    model.set_view(PaperFilter(status=Status.QUEUE))
    assert model.rowCount() == 5
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    model.set_view(PaperFilter(search="synthetic"))
    assert model.rowCount() == 60


def test_sidebar_model_passes_the_model_tester(filled: Library, qtmodeltester: ModelTester) -> None:
    model = SidebarModel()
    qtmodeltester.check(model)
    filled.add_tags(filled.paper_ids()[:3], ["nlp", "vision"])
    model.set_counts(filled.view_counts())
    model.set_tags(filled.tags())
    model.set_digests(filled.digests())
    assert model.index_of(INBOX).data(CountRole) == 60
    assert model.index_of(ALL).data(CountRole) == 60
    assert model.index_of(RATED).data(CountRole) == 0
    assert model.index_of(ViewKey("tag", "nlp")).data(CountRole) == 3
    assert model.tags_section.rowCount() == 2
    assert model.digests_section.rowCount() == 1


def test_the_model_reads_only_the_rows_shown(tmp_path: Path, qtbot) -> None:
    """A 5,000-paper view costs one page of rows, not 5,000."""
    library = Library(tmp_path / "big.sqlite")
    fill_library(library, 5000)
    model = PaperTableModel(library)
    model.set_view(PaperFilter())
    assert model.rowCount() == 5000
    assert model.fetch_count == 0  # ids only until someone asks for a row
    for row in range(40):
        for column in Column:
            model.index(row, column).data()
    assert model.fetch_count == 1
    assert model.rows_fetched <= PaperTableModel.PAGE
    # Far down the list: one more page, not everything in between.
    model.index(4000, 0).data()
    assert model.fetch_count == 2
    assert model.cached_count() <= 2 * PaperTableModel.PAGE
    library.close()


def test_the_model_shows_a_list_view_lazily(tmp_path: Path, qtbot) -> None:
    from ui.paperlist import PaperListView

    library = Library(tmp_path / "big.sqlite")
    fill_library(library, 5000)
    model = PaperTableModel(library)
    view = PaperListView(model)
    qtbot.addWidget(view)
    view.resize(800, 600)
    with qtbot.waitExposed(view):
        view.show()
    model.set_view(PaperFilter())
    view.select_row(0)
    view.viewport().repaint()
    assert model.rows_fetched <= PaperTableModel.PAGE
    library.close()


def test_sorting_asks_the_library(filled: Library) -> None:
    model = PaperTableModel(filled)
    model.set_view(PaperFilter())
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert model.sort_key is SortKey.TITLE
    assert model.ids() == filled.paper_ids(sort=SortKey.TITLE, descending=False)
    titles = [model.index(r, Column.TITLE).data(SortRole) for r in range(model.rowCount())]
    assert titles == sorted(titles, key=str.casefold)
    model.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)
    assert model.ids() == filled.paper_ids(sort=SortKey.TITLE, descending=True)


def test_roles_and_refresh_of_changed_rows(filled: Library, qtbot) -> None:
    model = PaperTableModel(filled)
    model.set_view(PaperFilter())
    paper_id = model.paper_id(3)
    assert model.index(3, Column.RATING).data() == ""
    changes = filled.set_rating(paper_id, 3)
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.refresh(changes.paper_ids)
    assert blocker.args[0].row() == 3
    assert model.index(3, Column.RATING).data() == "★★★☆☆"
    assert model.index(3, Column.RATING).data(SortRole) == 3
    assert model.index(3, 0).data(PaperRowRole).rating == 3
    assert "authors" in model.index(3, Column.TITLE).data(Qt.ItemDataRole.ToolTipRole)


def test_requery_keeps_the_model_when_nothing_moved(filled: Library, qtbot) -> None:
    model = PaperTableModel(filled)
    model.set_view(PaperFilter())
    with qtbot.assertNotEmitted(model.modelReset):
        model.requery()
    fill_library(filled, 3, start=1000)
    with qtbot.waitSignal(model.modelReset):
        model.requery()
    assert model.rowCount() == 63


def test_view_keys_round_trip() -> None:
    for key in (INBOX, ALL, RATED, ViewKey("tag", "long context"), ViewKey("digest", 12)):
        assert ViewKey.from_text(key.to_text()) == key
    assert ViewKey.from_text("status:nonsense") is None
    assert ViewKey.from_text("") is None


@pytest.fixture
def queries(tmp_path: Path) -> Iterator[tuple[Library, QueryRunner]]:
    """A library of FIRST_IDS + 300 papers and a query runner on its reader thread."""
    library = Library(tmp_path / "big.sqlite")
    fill_library(library, PaperTableModel.FIRST_IDS + 300)
    reader = LibraryReader(library.path)
    runner = QueryRunner(reader)
    yield library, runner
    runner.close()
    reader.close()
    library.close()


def test_a_big_view_opens_on_its_first_page_off_the_gui_thread(
    queries: tuple[Library, QueryRunner], qtbot, qtmodeltester: ModelTester
) -> None:
    """The first ids come first; the rest (and so the count) follow as inserted rows."""
    library, runner = queries
    model = PaperTableModel(library, runner)
    with qtbot.waitSignal(model.view_loaded):
        model.set_view(PaperFilter())
    assert model.rowCount() == PaperTableModel.FIRST_IDS
    assert model.loading
    assert not model.complete
    with qtbot.waitSignal(model.count_known), qtbot.assertNotEmitted(model.modelReset):
        pass  # the rest arrives as rows inserted after the first page: the selection stays
    assert model.rowCount() == PaperTableModel.FIRST_IDS + 300
    assert model.ids() == library.paper_ids()
    qtmodeltester.check(model)


def test_a_newer_search_supersedes_an_older_one(
    queries: tuple[Library, QueryRunner], qtbot
) -> None:
    library, runner = queries
    model = PaperTableModel(library, runner)
    shown: list[str] = []
    model.view_loaded.connect(lambda _switched: shown.append(model.view.search))
    model.set_view(PaperFilter(search="synthetic"))
    model.set_view(PaperFilter(search="paper 000001"))
    qtbot.waitUntil(lambda: not model.loading)
    assert shown == ["paper 000001"]  # the older search never reached the list
    assert model.ids() == library.paper_ids(PaperFilter(search="paper 000001"))


def test_the_reader_interrupts_a_superseded_read(tmp_path: Path) -> None:
    library = Library(tmp_path / "slow.sqlite")
    fill_library(library, 50)
    started = threading.Event()

    with LibraryReader(library.path) as reader:

        def forever(lib: Library) -> object:
            started.set()
            return lib.connection.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n"
            ).fetchone()

        first = reader.submit(forever, channel="search")
        assert started.wait(10)
        second = reader.submit(lambda lib: lib.count(), channel="search")
        assert second.result(timeout=10) == 50  # the endless query was interrupted
        with pytest.raises(Superseded):
            first.result(timeout=10)
    library.close()
