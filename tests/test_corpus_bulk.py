"""The bench's bulk library builder: the schema a library has, indexes filled by inserts.

No timing is asserted: the builder's speed is the bench's business.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.corpus_bulk import build_fast
from reader.library import Library, PaperFilter

PAPERS = 3000


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fast(tmp_path_factory.mktemp("bulk"), PAPERS, check=True)


def _schema(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sorted(
            conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                "AND name NOT LIKE 'sqlite_stat%'"
            ).fetchall()
        )
    finally:
        conn.close()


def test_the_bulk_library_has_every_index_and_trigger_a_library_has(
    built: Path, tmp_path: Path
) -> None:
    Library(tmp_path / "fresh.sqlite").close()
    assert _schema(built) == _schema(tmp_path / "fresh.sqlite")


def test_its_full_text_indexes_find_its_papers(built: Path) -> None:
    with Library(built, read_only=True) as library:
        assert library.count() == PAPERS
        title = library.paper(library.paper_ids(limit=1)[0]).title
        word = max(title.split(), key=len).strip(":,.").lower()
        assert library.count(PaperFilter(search=word)) >= 1


def test_its_sort_indexes_were_filled_by_inserts_not_packed_by_create_index(
    built: Path,
) -> None:
    """A leaf of an index made by CREATE INDEX is full, and the first insert into it splits
    it (four pages written instead of one); leaves filled by random inserts keep room."""
    conn = sqlite3.connect(f"file:{built}?mode=ro", uri=True)
    try:
        unused, pages = conn.execute(
            "SELECT sum(unused), count(*) FROM dbstat WHERE name = 'paper_by_title' "
            "AND pagetype = 'leaf'"
        ).fetchone()
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    assert pages > 20
    assert unused / (pages * size) > 0.04  # packed: about 1% (measured: 1.0% at 100,000)
