"""Bulk edits of many papers: a few statements whatever their number, and exactly what the
statement-per-chunk path does (the same rows changed, the same :class:`Changes`, the same
refusal of an unknown paper). Real SQLite files; statements seen through
``set_trace_callback``."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from reader.library import Changes, Library, PaperNotFoundError, Status
from reader.library import edits as library_edits
from tests.ui.conftest import fill_library

PAPERS = 1_800


@pytest.fixture
def twin_paths(tmp_path: Path) -> tuple[Path, Path]:
    """Two identical libraries of :data:`PAPERS` papers with mixed ratings and statuses."""
    first = tmp_path / "bulk.sqlite"
    with Library(first) as library:
        fill_library(library, PAPERS)
        ids = library.paper_ids()
        library.set_rating(ids[::3], 2)
        library.set_rating(ids[1::7], 5)
        library.set_status(ids[::4], Status.QUEUE)
    second = tmp_path / "chunked.sqlite"
    shutil.copyfile(first, second)
    return first, second


def _fields(library: Library) -> list[tuple[int, int, str, str | None]]:
    return library.connection.execute(
        "SELECT id, rating, status, status_changed_at IS NOT NULL FROM paper ORDER BY id"
    ).fetchall()


def test_a_bulk_edit_changes_exactly_what_the_chunked_path_changes(
    twin_paths: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A seeded run of ratings and moves on random selections (repeated ids, papers that
    already have the value, unknown ids) gives the same Changes and the same rows through
    the bulk statements and through a statement per chunk."""
    rng = random.Random(13)
    bulk_path, chunked_path = twin_paths
    with Library(bulk_path) as bulk, Library(chunked_path) as chunked:
        ids = bulk.paper_ids()
        refused: list[str] = []
        for step in range(30):
            picked = rng.sample(ids, rng.randint(BULK := library_edits.BULK_ABOVE + 1, len(ids)))
            picked += rng.sample(picked, 40)  # repeats
            if step % 10 == 9:
                picked.append(max(ids) + rng.randint(1, 50))  # unknown: refused, nothing written
            stars, status = rng.randint(0, 5), rng.choice(list(Status))
            outcomes: list[Changes | str] = []
            for library, above in ((bulk, library_edits.BULK_ABOVE), (chunked, len(ids) * 2)):
                monkeypatch.setattr(library_edits, "BULK_ABOVE", above)
                try:
                    if step % 2:
                        outcomes.append(library.set_rating(picked, stars))
                    else:
                        outcomes.append(library.set_status(picked, status))
                except PaperNotFoundError as exc:
                    outcomes.append(str(exc))
            monkeypatch.setattr(library_edits, "BULK_ABOVE", BULK - 1)
            assert outcomes[0] == outcomes[1], step
            assert _fields(bulk) == _fields(chunked), step
            refused.extend(o for o in outcomes if isinstance(o, str))
        assert len(refused) == 6  # three unknown ids, refused by both paths alike


def _statements(traced: list[str]) -> int:
    """How many statements ran: SQLite's trace names the statement again at each trigger
    it runs (a row's), and the trigger's own statements start with ``--``."""
    ran = [s for s in traced if not s.startswith("--")]
    return sum(1 for n, s in enumerate(ran) if n == 0 or ran[n - 1] != s)


def test_a_bulk_rating_is_a_few_statements_and_no_row_per_paper(
    twin_paths: tuple[Path, Path],
) -> None:
    """Rating 1,800 papers (or 3 times as many ids with repeats) runs the same handful of
    statements, none of them returning a row per paper."""
    path, _ = twin_paths
    with Library(path) as library:
        ids = library.paper_ids()
        counts = []
        for stars, given in ((4, ids), (1, ids * 3)):
            statements: list[str] = []
            library.connection.set_trace_callback(statements.append)
            changes = library.set_rating(given, stars)
            library.connection.set_trace_callback(None)
            assert changes.paper_ids == frozenset(ids)
            assert not any("RETURNING" in s.upper() for s in statements), statements
            counts.append(_statements(statements))
        assert counts[0] <= 16, counts  # BEGIN, the table, the ids, the check, UPDATE, COMMIT…
        assert counts[1] <= counts[0] + 1  # 5,400 ids: one more JSON array, not 7 more chunks
        again = library.set_rating(ids, 1)
        assert again.empty  # every paper has it already: nothing changes, nothing is said
        assert library.count() == PAPERS
