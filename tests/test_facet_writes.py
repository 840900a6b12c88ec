"""A change of status or rating rewrites only the paper's facet tokens in the words index.

The words index (``paper_words``) holds each paper's text and its facets (status, rating,
note, tags) in one FTS5 row. Since ``_FACET_WRITES`` a status or rating change takes out
the old facet tokens and puts in the new ones, leaving the text's tokens alone (a bulk
rating of 100,000 papers in seconds, not minutes). FTS5's own integrity-check — the index
against the text and facets of every paper, token by token, and the column sizes — is the
oracle: after any sequence of edits the index is exactly what a rebuild would make, and
every facet finds exactly the papers the columns say.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.digests.model import Digest, Entry
from reader.library import Library, PaperFilter, SortKey, Status, migrations_facets, schema, words
from reader.library.ingest import SourceFile, record_digest
from reader.query import FACET
from tests.schema_before import library_before

_WORDS = [
    "learning",
    "model",
    "attention",
    "sparse",
    "network",
    "data",
    "theory",
    "zebra",
    "régularité",
]


def _check(conn: sqlite3.Connection) -> None:
    """The words index equals the papers (raises SQLite's corruption error otherwise), and
    each status and rating facet finds the papers that have it."""
    conn.execute("INSERT INTO paper_words (paper_words, rank) VALUES ('integrity-check', 1)")
    assert conn.execute("SELECT count(*) FROM paper_words_kept").fetchone()[0] == 0
    for status in Status:
        match = f'"{FACET}{status.value}"'
        found = conn.execute(
            "SELECT count(*) FROM paper_words WHERE paper_words MATCH ?", [match]
        ).fetchone()[0]
        stored = conn.execute(
            "SELECT count(*) FROM paper WHERE status = ?", [status.value]
        ).fetchone()[0]
        assert found == stored, status
    for stars in range(6):
        match = f'"{FACET}r{stars}"'
        found = conn.execute(
            "SELECT count(*) FROM paper_words WHERE paper_words MATCH ?", [match]
        ).fetchone()[0]
        stored = conn.execute("SELECT count(*) FROM paper WHERE rating = ?", [stars]).fetchone()[0]
        assert found == stored, stars


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    rng = random.Random(5)
    lib = Library(tmp_path_factory.mktemp("facets") / "library.sqlite")
    entries = tuple(
        Entry(
            title=" ".join(rng.choices(_WORDS, k=4)) + f" {n}",
            abstract=" ".join(rng.choices(_WORDS, k=30)),
            authors_count=2,
        )
        for n in range(40)
    )
    record_digest(
        lib, SourceFile("/d/a.txt", None, "a", "t"), Digest("x", entries, date(2025, 1, 1))
    )
    yield lib
    lib.close()


_ids = st.lists(st.integers(1, 40), min_size=1, max_size=40, unique=True)
_edit = st.one_of(
    st.tuples(st.just("rating"), _ids, st.integers(0, 5)),
    st.tuples(st.just("status"), _ids, st.sampled_from(list(Status))),
    st.tuples(st.just("note"), _ids, st.sampled_from(["", "zebra notes", "more words"])),
    st.tuples(st.just("tag"), _ids, st.sampled_from(["nlp", "vision"])),
    st.tuples(st.just("untag"), _ids, st.sampled_from(["nlp", "vision"])),
    # Several columns in one UPDATE, text unchanged or changed (a tool, a merge, a restore).
    st.tuples(st.just("both"), _ids, st.integers(0, 5)),
    st.tuples(st.just("same-text"), _ids, st.integers(0, 5)),
    # Text that holds the facet character itself shares a token with a facet.
    st.tuples(st.just("facet-text"), _ids, st.integers(0, 5)),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(_edit, min_size=1, max_size=8))
def test_the_words_index_equals_the_papers_after_any_edits(
    library: Library, edits: list[tuple[str, list[int], object]]
) -> None:
    conn = library.connection
    for kind, ids, value in edits:
        marks = ",".join("?" * len(ids))
        if kind == "rating":
            assert isinstance(value, int)
            library.set_rating(ids, value)
        elif kind == "status":
            assert isinstance(value, Status)
            library.set_status(ids, value)
        elif kind == "note":
            for paper_id in ids[:3]:
                library.set_note(paper_id, str(value))
        elif kind == "tag":
            library.add_tags(ids, [str(value)])
        elif kind == "untag":
            library.remove_tags(ids, [str(value)])
        elif kind == "both":
            conn.execute(
                f"UPDATE paper SET rating = ?, status = 'read', abstract = abstract || ' data' "
                f"WHERE id IN ({marks})",
                [value, *ids],
            )
        elif kind == "same-text":
            conn.execute(
                f"UPDATE paper SET rating = ?, status = 'queue', title = title "
                f"WHERE id IN ({marks})",
                [value, *ids],
            )
        else:
            conn.execute(
                f"UPDATE paper SET title = title || ' {FACET}queue' WHERE id IN ({marks}) "
                "AND instr(title, char(57344)) = 0",
                ids,
            )
            conn.execute(f"UPDATE paper SET rating = ? WHERE id IN ({marks})", [value, *ids])
            conn.execute(f"UPDATE paper SET status = 'inbox' WHERE id IN ({marks})", ids)
            conn.execute(
                "INSERT INTO paper_words (paper_words, rank) VALUES ('integrity-check', 1)"
            )
            # (Such a title is found by the facet's search too: taken out again for _check.)
            conn.execute(
                f"UPDATE paper SET title = rtrim(replace(title, '{FACET}queue', '')) "
                f"WHERE id IN ({marks})",
                ids,
            )
    _check(conn)
    # And search reads the facets: a rated view equals its plain meaning.
    rated = {r[0] for r in conn.execute("SELECT id FROM paper WHERE rating >= 4")}
    assert set(library.paper_ids(PaperFilter(rating_min=4, search="a"))) <= rated
    assert library.count(PaperFilter(rating_min=4)) == len(rated)


def test_a_rating_leaves_the_text_tokens_alone(tmp_path: Path) -> None:
    """The facet path is the one taken: a rating writes no text token (the index's
    segments gain only the facet's few entries, whatever the abstract's length)."""
    with Library(tmp_path / "l.sqlite") as lib:
        entry = Entry(title="Long one", abstract=" ".join(f"w{n}" for n in range(3000)))
        record_digest(
            lib, SourceFile("/d/a.txt", None, "a", "t"), Digest("x", (entry,), date(2025, 1, 1))
        )
        conn = lib.connection
        conn.execute("INSERT INTO paper_words (paper_words) VALUES ('optimize')")
        written = "SELECT sum(length(block)) FROM paper_words_data"
        before = conn.execute(written).fetchone()[0]
        lib.set_rating(1, 4)
        lib.set_status(1, Status.QUEUE)
        # Two changes of two facet tokens and their prefixes: a few hundred bytes. The
        # whole-row path writes 3,000 words and their prefixes twice (tens of kilobytes).
        assert conn.execute(written).fetchone()[0] - before < 1500
        _check(conn)
        assert lib.paper_ids(PaperFilter(rating_min=4, search="w2999")) == [1]


def test_an_upgraded_library_keeps_its_index(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = library_before(path, migrations_facets.FACET_WRITES)
    conn.executemany(
        "INSERT INTO paper (title_key, title, abstract, first_seen, status, rating) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (f"t{n}", f"Paper {n}", "words " * 20, "2025-01-01T00:00:00Z", "inbox", 0)
            for n in range(30)
        ],
    )
    conn.close()
    with Library(path) as lib:
        assert lib.schema_version == schema.SCHEMA_VERSION
        lib.set_rating(list(range(1, 31)), 5)
        lib.set_status(list(range(1, 16)), Status.READ)
        _check(lib.connection)
        assert lib.count(PaperFilter(status=Status.READ, search="word")) == 15


def test_compacting_the_words_index_merges_it_into_one_segment_and_finds_the_same(
    tmp_path: Path,
) -> None:
    rng = random.Random(9)
    with Library(tmp_path / "l.sqlite") as lib:
        # FTS5 merges small segments as it writes; off here, so that each import leaves
        # its own (as they stay in a large library: 15 segments at 20,000 papers).
        off = "INSERT INTO paper_words (paper_words, rank) VALUES ('automerge', 0)"
        lib.connection.execute(off)
        for number in range(3):
            entries = tuple(
                Entry(title=" ".join(rng.choices(_WORDS, k=3)) + f" {number}-{n}",
                      abstract=" ".join(rng.choices(_WORDS, k=20)), authors_count=1)
                for n in range(5)
            )  # fmt: skip
            source = SourceFile(f"/d/{number}.txt", None, f"s{number}", "t")
            record_digest(lib, source, Digest("x", entries, date(2025, 1, 1 + number)))
        conn = lib.connection
        assert words.segments(conn) > 1
        lib.set_rating(lib.paper_ids()[::2], 4)
        views = [PaperFilter(search=w) for w in ("l", "model", "-data", "zeb")]
        views += [PaperFilter(rating_min=4, search="net")]
        before = [(lib.paper_ids(v, SortKey.TITLE), lib.count(v)) for v in views]
        steps = 0
        while lib.compact_search_index(pages=1):
            steps += 1
            assert steps < 1000
        assert words.segments(conn) == 1
        assert not lib.compact_search_index()
        _check(conn)
        assert [(lib.paper_ids(v, SortKey.TITLE), lib.count(v)) for v in views] == before
