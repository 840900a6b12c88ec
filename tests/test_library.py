"""The library: schema, user edits, tags, search and the guarantees around them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.digests import parse
from reader.importer import Importer
from reader.library import (
    Library,
    LibraryEnvironmentError,
    LibraryGoneError,
    LibraryOpenError,
    LibraryUsageError,
    PaperFilter,
    PaperNotFoundError,
    SortKey,
    Status,
    TagNotFoundError,
)
from reader.library.schema import SCHEMA_VERSION
from tests.conftest import DigestWriter
from tests.factories import SAMPLE_CAPTURED
from tests.schema_before import library_at


@pytest.fixture
def filled(library: Library, write_digest: DigestWriter) -> Library:
    """A library holding ten synthetic papers."""
    Importer(library).import_file(write_digest("ten.txt", range(10)))
    return library


def test_new_library_is_wal_with_foreign_keys_and_current_schema(library: Library) -> None:
    conn = library.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert library.schema_version == SCHEMA_VERSION
    assert {"paper", "tag", "paper_tag", "digest", "appearance", "paper_fts"} <= set(
        library.db.table_names()
    )


def test_library_from_a_newer_papershelf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    Library(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(LibraryOpenError, match="newer"):
        Library(path)


def test_a_file_that_is_not_a_library_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LibraryEnvironmentError) as info:
        Library(path)
    assert "notes.sqlite" in str(info.value)
    assert path.read_bytes() == b"this is not sqlite at all" * 100  # left as it was


def test_ratings_are_0_to_5_and_return_what_changed(filled: Library) -> None:
    ids = filled.paper_ids()
    changes = filled.set_rating(ids[:3], 4)
    assert changes.paper_ids == frozenset(ids[:3])
    assert filled.set_rating(ids[:3], 4).paper_ids == frozenset()  # no change, nothing reported
    assert [filled.paper(i).rating for i in ids[:4]] == [4, 4, 4, 0]
    for bad in (7, -1, True, 2.5):
        with pytest.raises(LibraryUsageError):
            filled.set_rating(ids[0], bad)  # type: ignore[arg-type]
    assert filled.paper(ids[0]).rating == 4


def test_status_and_unknown_papers(filled: Library) -> None:
    first = filled.paper_ids()[0]
    filled.set_status(first, "queue")
    assert filled.paper(first).status is Status.QUEUE
    with pytest.raises(LibraryUsageError, match="unknown status"):
        filled.set_status(first, "later")
    with pytest.raises(PaperNotFoundError, match="999"):
        filled.set_status([first, 999], Status.READ)
    assert filled.paper(first).status is Status.QUEUE  # nothing half-done
    assert filled.view_counts().by_status[Status.QUEUE] == 1
    many = filled.paper_ids()
    unknown = [max(many) + n for n in (7, 1, 5, 3, 2, 6, 4)]
    with pytest.raises(PaperNotFoundError) as raised:  # the first five unknown, in order
        filled.set_rating([*many, *unknown, unknown[0]], 2)
    shown = ", ".join(str(i) for i in sorted(unknown)[:5])
    assert str(raised.value) == f"there is no paper with id {shown}"
    assert filled.count(PaperFilter(search="rating:2")) == 0


def test_tags_are_case_insensitively_unique_and_searchable(filled: Library) -> None:
    a, b, c = filled.paper_ids()[:3]
    filled.add_tags([a, b], ["NLP", "long context"])
    filled.add_tags([c], ["nlp", "#Vision"])
    assert [(t.name, t.count) for t in filled.tags()] == [
        ("long context", 2),
        ("NLP", 3),
        ("Vision", 1),
    ]
    assert filled.paper(a).tags == ("long context", "NLP")
    assert set(filled.paper_ids(PaperFilter(tag="nlp"))) == {a, b, c}
    assert set(filled.paper_ids(PaperFilter(search="vision"))) == {c}
    with pytest.raises(LibraryUsageError):
        filled.add_tags([a], ["  "])
    with pytest.raises(LibraryUsageError):
        filled.add_tags([a], ["a,b"])


def test_rename_merge_and_delete_tags_keep_search_in_sync(filled: Library) -> None:
    a, b, c = filled.paper_ids()[:3]
    filled.add_tags([a], ["ml"])
    filled.add_tags([b], ["machine-learning"])
    filled.add_tags([c], ["todo"])
    filled.rename_tag("ml", "Deep Learning")
    assert filled.paper(a).tags == ("Deep Learning",)
    assert filled.paper_ids(PaperFilter(search="deep")) == [a]
    assert filled.paper_ids(PaperFilter(search="ml")) == []
    filled.merge_tags(["machine-learning"], "deep learning")
    assert set(filled.paper_ids(PaperFilter(tag="Deep Learning"))) == {a, b}
    assert [t.name for t in filled.tags()] == ["Deep Learning", "todo"]
    # renaming onto an existing tag merges
    filled.rename_tag("todo", "DEEP LEARNING")
    assert filled.paper(c).tags == ("Deep Learning",)
    filled.delete_tag("deep learning")
    assert filled.tags() == []
    assert filled.paper(a).tags == ()
    assert filled.paper_ids(PaperFilter(search="deep")) == []
    with pytest.raises(TagNotFoundError):
        filled.delete_tag("nothing")


def test_set_tags_replaces_the_whole_set(filled: Library) -> None:
    a = filled.paper_ids()[0]
    filled.add_tags([a], ["one", "two"])
    filled.set_tags(a, ["Two", "three"])
    assert filled.paper(a).tags == ("three", "two")


def test_notes_are_saved_and_searchable(filled: Library) -> None:
    a = filled.paper_ids()[0]
    filled.set_note(a, "# Thoughts\n\nCompare with *FlashAttention*.")
    paper = filled.paper(a)
    assert paper.note.startswith("# Thoughts")
    assert paper.note_updated_at is not None
    assert filled.paper_ids(PaperFilter(search="flashattention")) == [a]
    assert filled.paper_ids(PaperFilter(search="has:note")) == [a]
    filled.set_note(a, "")
    assert filled.paper_ids(PaperFilter(search="flashattention")) == []


def test_sorting_by_every_column_is_total_and_stable(filled: Library) -> None:
    ids = filled.paper_ids()
    filled.set_rating(ids[:2], 5)
    for key in SortKey:
        ascending = filled.paper_ids(sort=key, descending=False)
        descending = filled.paper_ids(sort=key, descending=True)
        assert sorted(ascending) == sorted(ids)
        assert len(set(ascending)) == len(ids)
        assert ascending == descending[::-1]
    by_rating = filled.paper_ids(sort=SortKey.RATING, descending=True)
    assert set(by_rating[:2]) == set(ids[:2])
    titles = [
        r.title.casefold()
        for r in filled.rows(filled.paper_ids(sort=SortKey.TITLE, descending=False))
    ]
    assert titles == sorted(titles)


def test_pages_of_ids_match_the_full_list(filled: Library) -> None:
    filled.set_status(filled.paper_ids()[:4], Status.READ)
    for view in (
        PaperFilter(),
        PaperFilter(search="synthetic"),
        PaperFilter(status=Status.READ, search="digest"),
    ):
        for key in SortKey:
            full = filled.paper_ids(view, key)
            pages = [
                filled.paper_ids(view, key, limit=3, offset=start) for start in range(0, 12, 3)
            ]
            assert [i for page in pages for i in page] == full
            assert filled.count(view) == len(full)


def test_rows_are_light_and_in_the_order_asked(filled: Library) -> None:
    ids = filled.paper_ids()
    rows = filled.rows([ids[3], ids[1], 424242])
    assert [r.id for r in rows] == [ids[3], ids[1]]
    assert not hasattr(rows[0], "abstract")


def test_views_filter_by_status_tag_rating_and_digest(
    filled: Library, write_digest: DigestWriter
) -> None:
    report = Importer(filled).import_file(write_digest("more.txt", [9, 10, 11]))
    ids = filled.paper_ids()
    filled.set_status(ids[:4], Status.READ)
    filled.set_rating(ids[:2], 4)
    assert filled.count(PaperFilter(status=Status.READ)) == 4
    assert filled.count(PaperFilter(rating_min=4)) == 2
    assert filled.count(PaperFilter(digest_id=report.digest_id)) == 3
    assert filled.count() == 12
    assert filled.view_counts().rated == 2
    assert filled.view_counts().all == 12


def test_the_gui_can_read_while_the_writer_holds_a_transaction(
    tmp_path: Path, sample_path: Path
) -> None:
    path = tmp_path / "lib.sqlite"
    writer = Library(path)
    reader = Library(path)
    Importer(writer).import_file(sample_path)
    with writer.transaction() as conn:
        conn.execute("UPDATE paper SET rating = 5")
        # WAL: the reader sees the last committed state while the write is open
        assert reader.count(PaperFilter(rating_min=5)) == 0
    assert reader.count(PaperFilter(rating_min=5)) == 48
    writer.close()
    reader.close()


def test_failed_transaction_leaves_nothing_behind(library: Library) -> None:
    with pytest.raises(RuntimeError), library.transaction() as conn:
        conn.execute("INSERT INTO tag (name) VALUES ('x')")
        raise RuntimeError("boom")
    assert library.tags() == []


def test_sample_digest_fields_reach_the_library(library: Library, sample_path: Path) -> None:
    Importer(library).import_file(sample_path, captured_at=SAMPLE_CAPTURED)
    digest = parse(sample_path, captured_at=SAMPLE_CAPTURED)
    by_title = {p.title: p for p in library.papers()}
    assert len(by_title) == 48
    for item in digest.entries:
        paper = by_title[item.title]
        assert paper.abstract == item.abstract
        assert paper.authors_count == item.authors_count
        assert paper.organization == item.organization
        assert paper.published == item.published
        assert paper.comments == item.comments
        assert paper.status is Status.INBOX
        assert paper.rating == 0
        assert len(paper.appearances) == 1


def test_a_library_deleted_while_it_is_being_opened_is_noticed(tmp_path: Path) -> None:
    """The file is pinned when the connection is made, not after the upgrade: a file
    deleted meanwhile must not let writes go on into a file no one can see again."""
    path = tmp_path / "old.sqlite"
    library_at(path, 1).close()
    library = Library(path, before_migration=lambda file, old, new: file.unlink())
    try:
        assert not path.exists()
        with pytest.raises(LibraryGoneError, match="was deleted or replaced"):
            library.ensure_file_present()
    finally:
        library.close()


def test_a_library_replaced_by_another_file_is_noticed(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        library.ensure_file_present()
        path.unlink()
        Library(path).close()  # a new, empty library where the old one was
        with pytest.raises(LibraryGoneError):
            library.ensure_file_present()
