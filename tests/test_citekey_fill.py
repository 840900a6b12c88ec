"""Papers without a citation key are found wherever their ids are, in one lookup.

The table ``citekey_missing`` (kept by triggers) lists them. Before it, the check looked
only above the newest key: a fill of the older papers cut short by a quit, followed by an
import that keyed newer papers, left the rest unkeyed for good.
"""

from __future__ import annotations

import itertools
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader.digests.model import Entry
from reader.library import Library, citekeys, migrations_base, migrations_search
from reader.library.paper_merge import PaperMerge, merge_papers, split_papers
from tests.cite.conftest import add_papers
from tests.schema_before import library_before

_titles = itertools.count()


def _entry() -> Entry:
    n = next(_titles)
    return Entry(
        title=f"Paper number {n} on {('graphs', 'proofs', 'engines')[n % 3]}",
        authors=("Ada Lovelace",),
        published=date(2024, 5, 1),
    )


def _library_before(path: Path, migration: str, papers: int) -> None:
    """A library as it was just before ``migration``, holding ``papers`` papers."""
    conn = library_before(path, migration)
    for n in range(papers):
        conn.execute(
            "INSERT INTO paper (title, title_key, first_seen, published, authors) "
            "VALUES (?, ?, '2026-01-01T00:00:00Z', '2024-05-01', '[\"Ada Lovelace\"]')",
            [f"Old paper {n}", f"old paper {n}"],
        )
    conn.close()


def _unkeyed(library: Library) -> set[int]:
    """The papers without a key, found the slow way (every paper looked at)."""
    rows = library.connection.execute(
        "SELECT id FROM paper p WHERE NOT EXISTS (SELECT 1 FROM citekey c WHERE c.paper_id = p.id)"
    )
    return {int(r[0]) for r in rows}


def _listed(library: Library) -> set[int]:
    return {int(r[0]) for r in library.connection.execute("SELECT paper_id FROM citekey_missing")}


def _fill(library: Library) -> None:
    """The window's fill (ui.app.give_citekeys): chunk after chunk, from the start."""
    after: int | None = 0
    while after is not None:
        if after == 0 and not citekeys.missing(library):
            return
        _, after = citekeys.assign_missing_chunk(library, after=after, limit=2)


def test_a_fill_cut_short_and_then_an_import_leaves_no_paper_unkeyed(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _library_before(path, migrations_base.CITEKEY, papers=7)
    with Library(path) as library:  # upgraded; the keys are the window's job
        assert citekeys.missing(library)
        citekeys.assign_missing_chunk(library, limit=3)  # the window quit after one chunk
        (new,) = add_papers(library, [_entry()])  # an import keys its own, newer paper
        assert library.citekeys([new])
        assert _unkeyed(library) == {4, 5, 6, 7}
        assert citekeys.missing(library)  # the newest paper has a key, older ones do not
    with Library(path) as library:  # the next start
        _fill(library)
        assert _unkeyed(library) == set()
        assert not citekeys.missing(library)
        keys = [k for (k,) in library.connection.execute("SELECT key FROM citekey")]
        assert len(keys) == 8 == len({k.casefold() for k in keys})


def test_the_upgrade_lists_exactly_the_papers_without_a_key(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _library_before(path, migrations_search.CITEKEY_MISSING, papers=6)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executemany(
        "INSERT INTO citekey (paper_id, key) VALUES (?, ?)", [(2, "two"), (5, "five"), (99, "x")]
    )  # 99: a paper in the trash keeps its key
    conn.close()
    with Library(path) as library:
        assert _listed(library) == {1, 3, 4, 6} == _unkeyed(library)


def test_the_check_reads_no_paper(library: Library) -> None:
    add_papers(library, [_entry() for _ in range(3)])
    statements: list[str] = []
    library.connection.set_trace_callback(statements.append)
    try:
        assert not citekeys.missing(library)
    finally:
        library.connection.set_trace_callback(None)
    (sql,) = statements
    plan = " ".join(str(r[-1]) for r in library.connection.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert "citekey_missing" in plan
    assert "paper " not in f"{plan} "


_step = st.sampled_from(["import", "trash", "restore", "purge", "merge", "split", "fill"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(_step, st.integers(0, 50)), max_size=14))
@example(steps=[("merge", 2), ("import", 0), ("split", 0)])
def test_the_list_follows_every_writer(steps: list[tuple[str, int]]) -> None:
    """Imports, the trash (restore, purge), merges and their undo, fills: after each, the
    listed papers are exactly those without a key."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "old.sqlite"
        _library_before(path, migrations_base.CITEKEY, papers=4)
        with Library(path) as library:
            merges: list[PaperMerge] = []
            for step, pick in steps:
                papers = sorted(library.paper_ids())
                trashed = sorted(t.id for t in library.trashed())
                if step == "import":
                    add_papers(library, [_entry() for _ in range(pick % 3 + 1)])
                elif step == "trash" and papers:
                    library.trash_papers([papers[pick % len(papers)]])
                elif step == "restore" and trashed:
                    library.restore_papers([trashed[pick % len(trashed)]])
                elif step == "purge" and trashed:
                    library.empty_trash([trashed[pick % len(trashed)]])
                elif step == "merge" and len(papers) >= 2:
                    keep = papers[pick % len(papers)]
                    other = papers[(pick + 1) % len(papers)]
                    merges.append(merge_papers(library, keep, other))
                elif step == "split" and merges and merges[-1].keep in papers:  # as an undo would
                    split_papers(library, merges.pop())
                elif step == "fill":
                    citekeys.assign_missing_chunk(library, limit=pick % 3 + 1)
                assert _listed(library) == _unkeyed(library), step
                assert citekeys.missing(library) == bool(_unkeyed(library))
