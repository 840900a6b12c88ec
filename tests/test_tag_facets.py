"""A paper's tags are facet tokens of the words index, exactly the papers ``paper_tag`` says.

``paper.facets`` holds one token per tag (U+E002 and the hex digits of the name in ASCII
lower case, ``migrations_facets.SEARCH14C_TAG_TOKENS``), so a tag view or ``tag:`` filter is answered
by the words index alone (``reader.query.tag_facet``). The oracle is the ``paper_tag``
table: for every tag name, in any case, the token finds exactly the papers tagged so, after
any sequence of taggings, renames and status changes (the facet-only write path), on a new
library and on one upgraded from before the tokens; FTS5's integrity-check holds the index
equal to the papers' text and facets.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.digests.model import Digest, Entry
from reader.library import Library, PaperFilter, SortKey, Status, migrations_facets, schema
from reader.library.ingest import SourceFile, record_digest
from reader.query import compile_filter, tag_facet
from tests.schema_before import library_before

# ASCII names in several cases, spaces, punctuation that splits words, and names that
# are not ASCII (emoji: four-byte UTF-8, whose hex could split wrongly if misaligned).
_NAMES = ["nlp", "NLP tricks", "to read", "ml/ai", "c++", "Été", "été", "x🧪y", "🧪", "A\U0001f1f1"]


def _library(path: Path, papers: int = 12) -> Library:
    library = Library(path)
    entries = tuple(
        Entry(title=f"Paper {n} about models", abstract="learning " * (n % 3), authors_count=1)
        for n in range(papers)
    )
    record_digest(
        library, SourceFile("/d/a.txt", None, "sha", "test"), Digest("s", entries, date(2025, 1, 1))
    )
    return library


def _tagged(conn: sqlite3.Connection, name: str) -> set[int]:
    return {
        r[0]
        for r in conn.execute(
            "SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
            "WHERE t.name = ? COLLATE NOCASE",
            [name],
        )
    }


def _check(library: Library) -> None:
    conn = library.connection
    conn.execute("INSERT INTO paper_words (paper_words, rank) VALUES ('integrity-check', 1)")
    names = [r[0] for r in conn.execute("SELECT name FROM tag")] + ["absent", "NLP", "To Read"]
    for name in names:
        facet = tag_facet([name])
        if facet is None:
            assert not name.isascii()
            continue
        found = {
            r[0]
            for r in conn.execute(
                "SELECT rowid FROM paper_words WHERE paper_words MATCH ?", [facet]
            )
        }
        assert found == _tagged(conn, name), name
        assert set(library.paper_ids(PaperFilter(tag=name))) == _tagged(conn, name)
        assert library.count(PaperFilter(search=f'tag:"{name}" models')) == len(_tagged(conn, name))


_edit = st.one_of(
    st.tuples(st.just("tag"), st.integers(1, 12), st.sampled_from(_NAMES)),
    st.tuples(st.just("untag"), st.integers(1, 12), st.sampled_from(_NAMES)),
    st.tuples(st.just("status"), st.integers(1, 12), st.sampled_from(list(Status))),
    st.tuples(st.just("rate"), st.integers(1, 12), st.integers(0, 5)),
    st.tuples(st.just("rename"), st.sampled_from(_NAMES), st.sampled_from(["nlp2", "Ünï", "b c"])),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(_edit, max_size=12))
def test_tag_tokens_find_exactly_the_tagged_papers(tmp_path: Path, edits: list[tuple]) -> None:
    with _library(tmp_path / f"l{abs(hash(tuple(map(str, edits))))}.sqlite") as library:
        for kind, a, b in edits:
            if kind == "tag":
                library.add_tags([a], [b])
            elif kind == "untag":
                library.remove_tags([a], [b])
            elif kind == "status":
                library.set_status(a, b)
            elif kind == "rate":
                library.set_rating(a, b)
            else:
                tag = next((t for t in library.tags() if t.name.casefold() == a.casefold()), None)
                if tag is not None and not any(
                    t.name.casefold() == b.casefold() for t in library.tags()
                ):
                    library.rename_tag(tag.name, b)
        _check(library)


def test_a_tagged_library_from_before_the_tokens_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = library_before(path, migrations_facets.SEARCH14C_TAG_TOKENS)
    conn.executemany(
        "INSERT INTO paper (title_key, title, abstract, first_seen, status) VALUES (?, ?, ?, ?, ?)",
        [(f"t{n}", f"Models {n}", "learning", "2025-01-01T00:00:00Z", "inbox") for n in range(20)],
    )
    conn.executemany("INSERT INTO tag (name) VALUES (?)", [(n,) for n in _NAMES if n != "été"])
    conn.execute(
        "INSERT INTO paper_tag (paper_id, tag_id) SELECT p.id, t.id FROM paper p, tag t "
        "WHERE (p.id + t.id) % 3 = 0"
    )
    conn.close()
    with Library(path) as library:
        assert library.schema_version == schema.SCHEMA_VERSION
        _check(library)
        for name in ("nlp", "to read", "c++", "Été"):
            view = PaperFilter(status=Status.INBOX, search=f'tag:"{name}" mod')
            where, params = compile_filter(view).reference()
            expected = [
                r[0]
                for r in library.connection.execute(
                    f"SELECT p.id FROM paper p WHERE {where} ORDER BY p.id DESC", params
                )
            ]
            assert library.paper_ids(view, SortKey.ADDED) == expected, name


@pytest.mark.parametrize("name", ["nlp", "NLP Tricks", "c++"])
def test_an_ascii_tag_is_a_facet_and_a_name_beyond_ascii_is_not(name: str) -> None:
    assert tag_facet([name]) == tag_facet([name.upper()])
    assert compile_filter(PaperFilter(tag=name)).uncovered()[0] == "1"
    assert tag_facet(["Été"]) is None
    assert compile_filter(PaperFilter(tag="Été")).uncovered()[0] != "1"
