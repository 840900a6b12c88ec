"""An import writes its papers' text to each full-text index as one segment, not one per paper.

FTS5 writes the text it holds in memory to a new segment at every statement savepoint, and
an insert into ``paper`` opens one per statement: inserting papers one statement each made
one segment per paper, and merging them made imports ever slower as the library grew.
FTS5's automatic merging is switched off here so that every segment an import writes is
still there to count.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.digests.model import Digest, Entry
from reader.library import Library, import_steps
from reader.library.fts_segments import layout
from reader.library.ingest import _INSERT_COLUMNS, SourceFile, _insert_rows, record_digest
from reader.library.words import index_problem
from reader.query import PaperFilter
from tests.segments import INDEXES, no_merging, segments


def _entries(first: int, count: int) -> tuple[Entry, ...]:
    return tuple(
        Entry(
            title=f"Segment study {n}: sparse attention for long documents",
            abstract=f"Paper {n} measures how merging grows with the index. " * 4,
            authors_count=3,
            published=date(2025, 5, 1),
            comments=n % 4,
        )
        for n in range(first, first + count)
    )


def _import(library: Library, number: int, entries: tuple[Entry, ...]) -> None:
    source = SourceFile(f"/digests/seg-{number}.txt", None, f"seg-{number}", "test")
    assert record_digest(library, source, Digest("test", entries, date(2026, 1, 1))) is not None


def test_a_digest_of_new_papers_adds_one_segment_to_each_index(library: Library) -> None:
    no_merging(library)
    before = segments(library)
    _import(library, 1, _entries(0, 50))
    after = segments(library)
    assert {t: after[t] - before[t] for t in INDEXES} == dict.fromkeys(INDEXES, 1)
    assert library.count(PaperFilter(search="segment sparse")) == 50
    index_problem(library.connection)


def test_a_stepped_import_adds_one_segment_per_step(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_steps, "STEP", 20)
    monkeypatch.setattr(import_steps, "STEP_PAUSE", 0.0)
    no_merging(library)
    before = segments(library)
    _import(library, 1, _entries(0, 50))  # steps of 20, 20 and 10 papers
    after = segments(library)
    assert {t: after[t] - before[t] for t in INDEXES} == dict.fromkeys(INDEXES, 3)
    assert library.count(PaperFilter(search="segment")) == 50
    index_problem(library.connection)


def test_imports_with_merging_keep_both_indexes_whole_and_searchable(library: Library) -> None:
    for number in range(30):  # FTS5's own merging on: segments are merged as they come
        _import(library, number, _entries(number * 20, 20))
    index_problem(library.connection)
    assert library.count(PaperFilter(search="merging")) == 600
    assert library.count(PaperFilter(search='"sparse attention"')) == 600
    assert library.count(PaperFilter(search="study 42")) >= 1
    total = sum(layout(library.connection, t).segments for t in INDEXES)
    assert 0 < total < 60  # merged: far fewer than the 30 imports' 60 segments


def test_an_import_under_concurrent_reads_is_seen_whole_or_not_at_all(
    library: Library,
) -> None:
    seen: list[int] = []
    stop = threading.Event()

    def read() -> None:
        with Library(library.path) as reader:
            while not stop.is_set():
                seen.append(reader.count(PaperFilter(search="segment")))

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for number in range(8):
            _import(library, number, _entries(number * 25, 25))
    finally:
        stop.set()
        thread.join()
    assert set(seen) <= {25 * n for n in range(9)}
    assert library.count(PaperFilter(search="segment")) == 200
    index_problem(library.connection)


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_OPTIONAL_INT = st.none() | st.integers(min_value=-(2**63), max_value=2**63 - 1)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "title": _TEXT.filter(str.strip),
                "abstract": _TEXT,
                "arxiv_id": st.none() | _TEXT,
                "authors_count": _OPTIONAL_INT,
                "organization": st.none() | _TEXT,
                "authors": st.none() | st.lists(_TEXT, max_size=3).map(json.dumps),
                "published": st.none() | st.just("2025-05-01"),
                "comments": _OPTIONAL_INT,
                "comments_at": st.none() | _TEXT,
                "upvotes": _OPTIONAL_INT,
                "url": st.none() | _TEXT,
                "doi": st.none() | _TEXT,
                "categories": st.none() | st.just('["cs.CL"]'),
                "journal": st.none() | _TEXT,
            }
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda r: r["arxiv_id"] if r["arxiv_id"] is not None else id(r),
    ),
    rows_per_statement=st.sampled_from([1, 2, 3, None]),
)
def test_inserted_papers_hold_exactly_the_planned_values(
    library: Library, rows: list[dict[str, object]], rows_per_statement: int | None
) -> None:
    planned = [{**row, "title_key": f"key {n} {row['title']}"} for n, row in enumerate(rows)]
    conn = library.connection
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    if rows_per_statement is not None:  # statements of a few rows each (SQLite's bind limit)
        conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 17 * rows_per_statement)
    with library.transaction() as conn:
        conn.execute("DELETE FROM paper")
        _insert_rows(conn, planned, "2026-01-30T00:00:00Z")
        conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
        columns = ", ".join(_INSERT_COLUMNS)
        stored = {
            r[0]: dict(zip(_INSERT_COLUMNS, r, strict=True))
            for r in conn.execute(f"SELECT {columns} FROM paper")
        }
    assert len(stored) == len(planned)
    for row in planned:
        assert stored[row["id"]] == {c: row[c] for c in _INSERT_COLUMNS}
    ids = [row["id"] for row in planned]
    assert ids == sorted(ids, reverse=True)  # the first-listed paper is the newest


def test_tagging_many_papers_adds_one_segment_per_tag_and_changes_only_those_tagged(
    library: Library,
) -> None:
    _import(library, 1, _entries(0, 40))
    ids = library.paper_ids()
    library.add_tags(ids[:5], ["early"])
    no_merging(library)
    before = segments(library)
    changes = library.add_tags(ids, ["bulk", "early"])  # "early": 35 papers more
    after = segments(library)
    assert changes.paper_ids == frozenset(ids)
    assert {t: after[t] - before[t] for t in INDEXES} == dict.fromkeys(INDEXES, 2)
    assert library.count(PaperFilter(search="tag:early tag:bulk")) == 40
    removed = library.remove_tags(ids[10:], ["early"])
    assert removed.paper_ids == frozenset(ids[10:])
    assert library.count(PaperFilter(search="tag:early")) == 10
    assert library.count(PaperFilter(search="early")) == 10  # the tag's text, indexed
    assert library.remove_tags(ids[10:], ["early"]).paper_ids == frozenset()
    index_problem(library.connection)


_WHOLE = "we follow the island birds through the seasons and count zanzibar"


def test_bettering_known_papers_adds_one_segment_and_writes_each_its_own_values(
    library: Library,
) -> None:
    cut = tuple(
        dataclasses.replace(
            e, abstract=f"Paper {n} was cut short by the feed that carried it ...", comments=None
        )
        for n, e in enumerate(_entries(0, 30))
    )
    _import(library, 1, cut)
    no_merging(library)
    before = segments(library)
    whole = tuple(
        dataclasses.replace(e, abstract=f"Paper {n} in full: {_WHOLE}{n}x quokka.", comments=n)
        for n, e in enumerate(_entries(0, 30))
    )
    source = SourceFile("/digests/seg-whole.txt", None, "seg-whole", "test")
    result = record_digest(library, source, Digest("test", whole, date(2026, 1, 2)))
    assert result is not None
    assert (result.new, result.updated) == (0, 30)
    after = segments(library)
    assert {t: after[t] - before[t] for t in INDEXES} == dict.fromkeys(INDEXES, 1)
    for n in range(30):
        (found,) = library.paper_ids(PaperFilter(search=f"zanzibar{n}x"))
        paper = library.paper(found)
        assert paper.abstract == f"Paper {n} in full: {_WHOLE}{n}x quokka."
        assert paper.comments == n
        assert paper.title == whole[n].title
    assert library.count(PaperFilter(search='"cut short"')) == 0
    index_problem(library.connection)
