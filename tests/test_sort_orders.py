"""Issue #19: lists sorted by first author, upvotes and arXiv id.

The first author's family name is a generated column (``migrations_search.AUTHOR_ORDER``): these
tests hold it to the family name the Authors column shows, through imports, edits, merges
and an upgrade of a library written before it existed.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.digests.model import Digest, Entry
from reader.library import (
    Library,
    PaperFilter,
    SortKey,
    migrations_search,
    schema,
    search,
    search_plan,
)
from reader.library.ingest import SourceFile, record_digest
from reader.library.paper_edits import edit_details
from reader.library.paper_merge import merge_papers
from tests.schema_before import library_before
from ui.columns import family_name


def _import(library: Library, *entries: Entry, name: str = "d") -> None:
    record_digest(
        library, SourceFile(f"/d/{name}.txt", None, f"sha-{name}", "test"),
        Digest("synthetic", entries, date(2026, 1, 1)),
    )  # fmt: skip


def _titles(library: Library, key: SortKey, *, descending: bool) -> list[str]:
    ids = library.paper_ids(PaperFilter(), key, descending=descending)
    return [library.paper(i).title for i in ids]


_name = st.text(st.sampled_from("ab AB,.é-\t\n"), max_size=12)


@settings(max_examples=300, deadline=None)
@given(names=st.lists(_name, min_size=1, max_size=3))
def test_the_stored_family_name_is_the_one_the_column_shows(names: list[str]) -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript(schema.MIGRATIONS[0])
    # The migration that adds the generated column (whichever number it has).
    author_order = next(m for m in schema.MIGRATIONS if "first_author TEXT GENERATED" in m)
    conn.executescript(author_order.split("CREATE INDEX")[0])
    conn.execute(
        "INSERT INTO paper (title_key, title, first_seen, authors) VALUES ('t', 't', 'x', ?)",
        [json.dumps(names)],
    )
    stored = conn.execute("SELECT first_author FROM paper").fetchone()[0]
    assert stored == (family_name(names[0]) or None)


def test_authors_sort_by_first_family_name_ignoring_case(tmp_path: Path) -> None:
    with Library(tmp_path / "l.sqlite") as library:
        _import(
            library,
            Entry(title="V", authors=("Ashish Vaswani", "Noam Shazeer")),
            Entry(title="b", authors=("babbage, Charles",)),
            Entry(title="none", organization="Google", authors_count=3),
            Entry(title="L", authors=("Ada Lovelace",)),
        )
        assert _titles(library, SortKey.AUTHORS, descending=False) == ["none", "b", "L", "V"]
        assert _titles(library, SortKey.AUTHORS, descending=True) == ["V", "L", "b", "none"]

        # The user's edit re-sorts the paper; a merge keeps the kept paper's names.
        v = next(i for i in library.paper_ids() if library.paper(i).title == "V")
        edit_details(library, v, authors=("Anna Aardvark",))
        assert _titles(library, SortKey.AUTHORS, descending=False) == ["none", "V", "b", "L"]
        none = next(i for i in library.paper_ids() if library.paper(i).title == "none")
        merge_papers(library, none, v)
        # Whatever names the merged paper keeps, it sorts by the first of them.
        papers = [library.paper(i) for i in library.paper_ids(PaperFilter(), SortKey.ADDED)]
        papers.sort(key=lambda p: p.id)
        papers.sort(key=lambda p: family_name(p.authors[0]).lower() if p.authors else "")
        assert len(papers) == 3
        assert _titles(library, SortKey.AUTHORS, descending=False) == [p.title for p in papers]


def test_upvotes_and_arxiv_orders(tmp_path: Path) -> None:
    with Library(tmp_path / "l.sqlite") as library:
        _import(
            library,
            Entry(title="few", upvotes=2, arxiv_id="2401.00003"),
            Entry(title="many", upvotes=90),
            Entry(title="unknown", arxiv_id="2312.99999"),
            Entry(title="some", upvotes=10, arxiv_id="2401.00001"),
        )
        assert _titles(library, SortKey.UPVOTES, descending=True) == [
            "many", "some", "few", "unknown"
        ]  # fmt: skip
        assert _titles(library, SortKey.ARXIV, descending=False) == [
            "many", "unknown", "some", "few"
        ]  # fmt: skip


def test_an_older_library_gets_the_author_order(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = library_before(path, migrations_search.AUTHOR_ORDER)
    conn.executemany(
        "INSERT INTO paper (title_key, title, first_seen, authors, upvotes) VALUES (?, ?, ?, ?, ?)",
        [
            ("z", "z", "2025-01-01T00:00:00Z", json.dumps(["Zed Zulu"]), 3),
            ("a", "a", "2025-01-01T00:00:00Z", json.dumps(["Alan Adams", "B"]), None),
            ("n", "n", "2025-01-01T00:00:00Z", None, 9),
        ],
    )
    conn.close()
    with Library(path) as library:
        assert library.schema_version == schema.SCHEMA_VERSION
        assert _titles(library, SortKey.AUTHORS, descending=False) == ["n", "a", "z"]
        assert _titles(library, SortKey.UPVOTES, descending=True) == ["n", "z", "a"]
        # Each index is the whole order (key, then id): a page of a view walked along it
        # stops after the page, with no sort of a group of equal keys (no names, no votes).
        for key in (SortKey.AUTHORS, SortKey.UPVOTES, SortKey.ARXIV):
            for descending in (False, True):
                plan = library.connection.execute(
                    f"EXPLAIN QUERY PLAN SELECT p.id FROM paper p INDEXED BY "
                    f"{search_plan.SORT_INDEX[key]} WHERE p.status = 'inbox' "
                    f"ORDER BY {search.order_by(key, descending)} LIMIT 60"
                ).fetchall()
                assert "TEMP B-TREE" not in str(plan), (key, plan)


def test_the_cli_lists_by_authors_upvotes_and_arxiv(tmp_path: Path) -> None:
    from tests.test_cli import run

    path = tmp_path / "cli.sqlite"
    with Library(path) as library:
        _import(
            library,
            Entry(title="Zulu paper", authors=("Zed Zulu",), upvotes=1, arxiv_id="2401.00009"),
            Entry(title="Adams paper", authors=("Alan Adams",), upvotes=8, arxiv_id="2401.00001"),
        )
    for sort, first in (("authors", "Adams"), ("upvotes", "Zulu"), ("arxiv", "Adams")):
        out = run(path, "list", "--sort", sort, "--asc", "--json").stdout.splitlines()
        second = "Zulu" if first == "Adams" else "Adams"
        titles = [json.loads(line)["title"] for line in out]
        assert titles == [f"{first} paper", f"{second} paper"], sort
