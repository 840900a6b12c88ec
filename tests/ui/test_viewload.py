"""Reading a view's ids (ui.viewload): every id, in order, kept 8 bytes an id."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.library import Library, PaperFilter, SortKey, Status
from reader.worker import LibraryReader
from tests.ui.conftest import fill_library
from ui.models import PaperTableModel
from ui.operations import QueryRunner
from ui.viewload import FIRST_IDS, ids_of


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    library = Library(tmp_path / "ids.sqlite")
    fill_library(library, FIRST_IDS + 120)
    library.set_status(library.paper_ids()[::3], Status.QUEUE)
    yield library
    library.close()


@pytest.mark.parametrize(
    ("view", "sort", "descending"),
    [
        (PaperFilter(), SortKey.ADDED, True),
        (PaperFilter(), SortKey.TITLE, False),
        (PaperFilter(status=Status.INBOX), SortKey.PUBLISHED, True),
        (PaperFilter(search="synthetic"), SortKey.COMMENTS, False),
        (PaperFilter(search="nothing-matches-this"), SortKey.ADDED, True),
    ],
)
@pytest.mark.parametrize("limit", [None, FIRST_IDS, 7])
def test_the_ids_of_a_view_arrive_as_8_byte_integers_in_display_order(
    library: Library, view: PaperFilter, sort: SortKey, descending: bool, limit: int | None
) -> None:
    ids = ids_of(library, view, sort, descending, False, limit)
    assert isinstance(ids, array)
    assert ids.itemsize == 8
    assert ids.tolist() == library.paper_ids(view, sort, descending=descending, limit=limit)


def test_a_fixed_list_keeps_its_order_and_drops_papers_that_are_gone(library: Library) -> None:
    some = library.paper_ids()[:5]
    library.trash_papers([some[1]])
    fixed = (some[3], some[1], some[0], 10**9, some[4])
    ids = ids_of(library, PaperFilter(), SortKey.TITLE, False, False, None, fixed)
    assert isinstance(ids, array)
    assert ids.tolist() == [some[3], some[0], some[4]]


def test_for_you_without_a_model_is_an_empty_compact_list(library: Library) -> None:
    ids = ids_of(library, PaperFilter(), SortKey.ADDED, True, True, None)
    assert isinstance(ids, array)
    assert len(ids) == 0


def test_the_list_holds_every_id_of_a_big_view_compactly(library: Library, qtbot) -> None:
    """First page, then the rest inserted after it: the model's ids stay an array('q')
    (a list of ints would be 40 bytes an id and more, 38 MB at a million papers)."""
    reader = LibraryReader(library.path)
    runner = QueryRunner(reader)
    try:
        model = PaperTableModel(library, runner)
        with qtbot.waitSignal(model.view_loaded):
            model.set_view(PaperFilter())
        assert model.rowCount() == FIRST_IDS
        with qtbot.waitSignal(model.count_known), qtbot.assertNotEmitted(model.modelReset):
            pass
        assert model.complete
        held = model._ids  # what the model keeps between reads
        assert isinstance(held, array)
        assert held.itemsize == 8
        assert model.ids() == library.paper_ids()
        assert [model.paper_id(row) for row in (0, FIRST_IDS, model.rowCount() - 1)] == [
            library.paper_ids()[row] for row in (0, FIRST_IDS, model.rowCount() - 1)
        ]
    finally:
        runner.close()
        reader.close()
