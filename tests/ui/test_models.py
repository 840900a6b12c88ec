"""The list and sidebar models: Qt's model contract, laziness, sorting by the library."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from reader.library import Library, PaperFilter, SortKey, Status
from tests.ui.conftest import fill_library
from ui.models import Column, PaperIdRole, PaperRowRole, PaperTableModel, SortRole
from ui.sidebar import ALL, INBOX, RATED, CountRole, SidebarModel, ViewKey

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
    paper_id = model.index(3, 0).data(PaperIdRole)
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
        assert model.requery() is False
    fill_library(filled, 3, start=1000)
    with qtbot.waitSignal(model.modelReset):
        assert model.requery() is True
    assert model.rowCount() == 63


def test_view_keys_round_trip() -> None:
    for key in (INBOX, ALL, RATED, ViewKey("tag", "long context"), ViewKey("digest", 12)):
        assert ViewKey.from_text(key.to_text()) == key
    assert ViewKey.from_text("status:nonsense") is None
    assert ViewKey.from_text("") is None


def test_a_big_view_opens_on_its_first_page(
    tmp_path: Path, qtbot, qtmodeltester: ModelTester
) -> None:
    """The first ids and the count come first; the rest follow right after."""
    library = Library(tmp_path / "big.sqlite")
    fill_library(library, PaperTableModel.FIRST_IDS + 300)
    model = PaperTableModel(library)
    model.set_view(PaperFilter())
    qtmodeltester.check(model)  # rows beyond the first page, before the rest
    assert model.rowCount() == PaperTableModel.FIRST_IDS + 300
    qtbot.waitUntil(lambda: model.complete)
    model.set_view(PaperFilter(status=None, rating_min=0))
    assert not model.complete
    assert model.index(0, 0).data(PaperIdRole) == library.paper_ids()[0]
    assert not model.complete  # the first rows need no more
    qtbot.waitUntil(lambda: model.complete)
    assert model.ids() == library.paper_ids()

    model.set_view(PaperFilter(search="synthetic"))
    last = model.rowCount() - 1
    assert model.index(last, Column.TITLE).data()  # a far row reads the rest at once
    assert model.complete
    library.close()


def test_a_view_that_changes_before_its_rest_is_read_resets(tmp_path: Path, qtbot) -> None:
    library = Library(tmp_path / "big.sqlite")
    fill_library(library, PaperTableModel.FIRST_IDS + 10)
    model = PaperTableModel(library)
    model.set_view(PaperFilter())
    fill_library(library, 5, start=10_000)  # an import lands meanwhile
    with qtbot.waitSignal(model.modelReset):
        pass
    assert model.complete
    assert model.rowCount() == PaperTableModel.FIRST_IDS + 15
    library.close()
