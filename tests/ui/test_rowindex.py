"""Where a paper is in the list (ui.rowindex): the same rows a scan finds, off the GUI thread."""

from __future__ import annotations

import threading
from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.library import Library, PaperFilter, SortKey
from reader.worker import LibraryReader
from tests.ui.conftest import fill_library
from ui import rowindex, viewload
from ui.models import PaperTableModel
from ui.operations import QueryRunner
from ui.rowindex import RowFinder, RowIndex
from ui.rowspans import spans_of_rows

ids_lists = st.lists(st.integers(min_value=1, max_value=10**12), unique=True, max_size=300)


def scanned(ids: list[int], paper_id: int) -> int | None:
    return ids.index(paper_id) if paper_id in ids else None


@given(ids_lists, st.lists(st.integers(min_value=0, max_value=10**12), max_size=40))
def test_the_index_finds_the_rows_a_scan_finds(ids: list[int], others: list[int]) -> None:
    compact = array("q", ids)
    index = RowIndex(compact)
    asked = ids[::3] + others
    for paper_id in asked:
        assert index.row(paper_id) == scanned(ids, paper_id)
    expected = [r for r in (scanned(ids, p) for p in asked) if r is not None]
    assert sorted(index.rows(asked)) == sorted(expected)
    with_index, without = RowFinder(), RowFinder()
    with_index.show(compact, index)
    without.show(compact, None)
    assert spans_of_rows(with_index.rows(asked)) == spans_of_rows(expected)
    assert spans_of_rows(without.rows(asked)) == spans_of_rows(expected)
    assert with_index.covers(set(ids)) == bool(ids)  # select all
    assert not with_index.covers(asked[:-1] if len(asked) < len(ids) else [])


def test_an_index_for_other_ids_is_not_used() -> None:
    finder = RowFinder()
    finder.show(array("q", [5, 6, 7]), RowIndex(array("q", [7, 6])))
    assert finder.row(5) == 0  # the stale index (two ids) was dropped: a scan answered
    assert finder.row(8) is None
    assert RowFinder().row(1) is None  # nothing shown yet


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[tuple[Library, QueryRunner]]:
    library = Library(tmp_path / "index.sqlite")
    fill_library(library, PaperTableModel.FIRST_IDS + 300)
    reader = LibraryReader(library.path)
    queries = QueryRunner(reader)
    yield library, queries
    queries.close()
    reader.close()
    library.close()


def test_a_big_views_index_is_built_on_the_reader_thread_and_finds_every_row(
    runner: tuple[Library, QueryRunner], qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    library, queries = runner
    monkeypatch.setattr(rowindex, "INDEX_ABOVE", 100)  # this view is "big"
    built: list[str] = []
    real = rowindex.row_index

    def recorded(ids: array[int]) -> RowIndex | None:
        index = real(ids)
        if index is not None:
            built.append(threading.current_thread().name)
        return index

    monkeypatch.setattr(viewload, "row_index", recorded)
    model = PaperTableModel(library, queries)
    with qtbot.waitSignal(model.count_known, timeout=10_000):
        model.set_view(PaperFilter())
    with qtbot.waitSignal(model.count_known, timeout=10_000):
        model.set_sort(SortKey.TITLE, descending=False)
    assert built  # an index was made for the whole view...
    assert threading.main_thread().name not in built  # ...never on the GUI thread
    ids = library.paper_ids(PaperFilter(), SortKey.TITLE, descending=False)
    assert model.ids() == ids
    for row in (0, 1, len(ids) // 2, len(ids) - 1):
        assert model.row_of(ids[row]) == row
    assert model.row_of(10**9) is None
    chosen = ids[10:20] + ids[-3:]
    assert model.spans_of(chosen) == [(10, 19), (len(ids) - 3, len(ids) - 1)]
