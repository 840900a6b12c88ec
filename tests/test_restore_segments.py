"""A restore from the trash writes each full-text index a segment for its papers and one
per tag name, not one per paper (FTS5 starts a segment at every statement: a restore of
400 papers one statement each wrote 400, and merging those made writes ever slower); a
merge of two papers writes two, however many tags they have.
FTS5's automatic merging is switched off here so that every segment is still there to count.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from reader.digests.model import Digest, Entry
from reader.library import Library, LibraryUsageError, PaperFilter
from reader.library.ingest import SourceFile, record_digest
from reader.library.paper_merge import merge_papers, split_papers
from reader.library.words import index_problem
from tests.segments import INDEXES, no_merging, segments


def _import(library: Library, number: int, count: int, *, arxiv: bool = True) -> list[int]:
    entries = tuple(
        Entry(
            title=f"Restored study {number}-{n}",
            abstract=f"What comes back from the trash, paper {n}. " * 3,
            arxiv_id=f"2501.{number:02d}{n:03d}" if arxiv else None,
            published=date(2025, 3, 1),
        )
        for n in range(count)
    )
    source = SourceFile(f"/digests/restore-{number}.txt", None, f"restore-{number}", "test")
    result = record_digest(library, source, Digest("test", entries, date(2026, 3, number + 1)))
    assert result is not None
    return library.digest_paper_ids(result.digest_id)


def _everything(library: Library) -> list[tuple[object, ...]]:
    conn = library.connection
    return [
        *conn.execute("SELECT * FROM paper ORDER BY id"),
        *conn.execute("SELECT * FROM paper_tag ORDER BY paper_id, tag_id"),
        *conn.execute("SELECT * FROM appearance ORDER BY digest_id, position"),
    ]


def test_restoring_many_papers_adds_a_segment_for_them_and_one_per_tag(
    library: Library,
) -> None:
    ids = _import(library, 1, 60)
    library.add_tags(ids[:10], ["alpha"])
    library.add_tags(ids[5:20], ["beta", "gamma"])
    library.set_note(ids[3], "a note that comes back")
    before = _everything(library)
    library.trash_papers(ids)
    no_merging(library)
    start = segments(library)
    library.restore_papers(list(reversed(ids)))  # any order: ids go back in order
    added = {t: segments(library)[t] - start[t] for t in INDEXES}
    assert added == dict.fromkeys(INDEXES, 1 + 3)  # the papers, then alpha, beta, gamma
    assert _everything(library) == before
    assert library.count(PaperFilter(search="restored tag:beta tag:gamma")) == 15
    assert library.count(PaperFilter(search="comes back")) == 60
    index_problem(library.connection)


def test_a_restore_split_by_the_bind_limit_puts_back_the_same(library: Library) -> None:
    ids = _import(library, 1, 25)
    library.add_tags(ids[::2], ["odd one"])
    before = _everything(library)
    library.trash_papers(ids)
    conn = library.connection
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 60)  # a few papers per statement
    try:
        library.restore_papers(ids)
    finally:
        conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    assert _everything(library) == before
    index_problem(conn)


def test_a_restore_refuses_an_arxiv_id_taken_meanwhile_and_restores_nothing(
    library: Library,
) -> None:
    ids = _import(library, 1, 3)
    arxiv = library.paper(ids[0]).arxiv_id
    library.trash_papers(ids)
    with library.transaction() as conn:  # its arXiv id is in the library again
        conn.execute(
            "INSERT INTO paper (id, title_key, title, abstract, first_seen, arxiv_id) "
            "VALUES (1000, 'other', 'Other', '', '2026-01-01T00:00:00Z', ?)",
            [arxiv],
        )
    with pytest.raises(LibraryUsageError, match=f"paper {ids[0]} cannot be restored"):
        library.restore_papers([ids[1], ids[0]])
    assert {t.id for t in library.trashed()} == set(ids)
    assert library.count() == 1
    library.restore_papers([ids[1], ids[2]])
    assert library.count() == 3


def test_a_merge_writes_two_segments_whatever_the_tags_and_splits_back(library: Library) -> None:
    keep, other = _import(library, 1, 2, arxiv=False)
    library.add_tags([keep], ["shared", "mine"])
    library.add_tags([other], ["shared", "b", "c", "d", "e"])
    before = _everything(library)
    no_merging(library)
    start = segments(library)
    merge = merge_papers(library, keep, other)
    added = {t: segments(library)[t] - start[t] for t in INDEXES}
    assert added == dict.fromkeys(INDEXES, 2)  # the other paper out, the kept one rewritten
    assert library.paper(keep).tags == ("b", "c", "d", "e", "mine", "shared")
    assert library.count(PaperFilter(search="tag:e tag:mine")) == 1
    assert library.count(PaperFilter(search="restored")) == 1
    index_problem(library.connection)
    split_papers(library, merge)
    assert _everything(library) == before
    index_problem(library.connection)
