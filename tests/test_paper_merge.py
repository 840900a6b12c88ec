"""Merging two papers that are the same: nothing lost, identities respected, undo exact."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reader.digests.model import Digest, Entry
from reader.library import Library
from reader.library.errors import LibraryUsageError
from reader.library.ingest import SourceFile, record_digest
from reader.library.paper_edits import details, edit_details
from reader.library.paper_merge import NOTE_SEPARATOR, merge_papers, split_papers

CAPTURED = datetime(2025, 5, 2, tzinfo=UTC)


def _ingest(library: Library, *entries: Entry, name: str) -> None:
    digest = Digest(format="test", entries=entries, captured_at=CAPTURED)
    record_digest(library, SourceFile(name, None, name, "test"), digest)


def _ids(library: Library) -> dict[str, int]:
    return {p.title: p.id for p in library.papers()}


def _two(library: Library) -> tuple[int, int]:
    """A preprint (arXiv id) and its journal version (DOI), under different titles."""
    _ingest(
        library,
        Entry(title="Deep Nets (preprint)", arxiv_id="2501.00001", authors=("A. One", "et al.")),
        name="feed",
    )
    _ingest(
        library,
        Entry(
            title="Deep Nets",
            doi="10.1000/deep",
            journal="Journal of Nets",
            authors=("A. One", "B. Two", "C. Three"),
            published=date(2025, 3, 1),
        ),
        name="journal",
    )
    ids = _ids(library)
    keep, other = ids["Deep Nets (preprint)"], ids["Deep Nets"]
    library.set_note(keep, "My note on the preprint.")
    library.set_note(other, "Notes from the journal version.")
    library.set_rating(other, 4)
    library.set_status(other, "read")
    library.add_tags(keep, ["nets"])
    library.add_tags(other, ["journal-club", "nets"])
    return keep, other


def test_a_merge_keeps_everything_of_both(library: Library) -> None:
    keep, other = _two(library)
    keep_key = library.paper(keep).citekey
    other_key = library.paper(other).citekey
    merge = merge_papers(library, keep, other)
    assert merge.changes.paper_ids == {keep, other}
    assert [p.id for p in library.papers()] == [keep]
    paper = library.paper(keep)
    assert paper.title == "Deep Nets (preprint)"
    assert (paper.arxiv_id, paper.doi, paper.journal) == ("2501.00001", "10.1000/deep", "Journal of Nets")  # fmt: skip
    assert paper.authors == ("A. One", "B. Two", "C. Three")
    assert paper.published == date(2025, 3, 1)
    assert paper.note == "My note on the preprint." + NOTE_SEPARATOR + "Notes from the journal version."  # fmt: skip
    assert paper.rating == 4
    assert paper.status == "read"  # keep's was still inbox: the user's decision wins
    assert paper.tags == ("journal-club", "nets")
    assert sorted(a.digest_path for a in paper.appearances) == ["feed", "journal"]
    assert paper.citekey == keep_key
    aliases = library.connection.execute("SELECT key, paper_id FROM citekey_alias").fetchall()
    assert aliases == [(other_key, keep)]


def test_undo_splits_them_back_exactly(library: Library) -> None:
    keep, other = _two(library)
    edit_details(library, other, journal="J. Nets")
    before = {p.id: p for p in library.papers()}
    merge = merge_papers(library, keep, other)
    split_papers(library, merge)
    after = {p.id: p for p in library.papers()}
    assert after == before
    assert details(library, other)[1] == {"journal"}
    assert details(library, keep)[1] == frozenset()
    assert library.connection.execute("SELECT count(*) FROM citekey_alias").fetchone()[0] == 0


def test_a_later_import_of_the_merged_away_paper_finds_the_merged_one(library: Library) -> None:
    keep, _ = _two(library)
    merge_papers(library, keep, _ids(library)["Deep Nets"])
    _ingest(library, Entry(title="Deep Nets", doi="10.1000/DEEP"), name="again")
    assert [p.id for p in library.papers()] == [keep]  # the DOI is the merged paper's now


def test_papers_with_different_ids_are_refused(library: Library) -> None:
    _ingest(
        library,
        Entry(title="One", arxiv_id="2501.00001"),
        Entry(title="Two", arxiv_id="2501.00002"),
        name="feed",
    )
    ids = _ids(library)
    with pytest.raises(LibraryUsageError, match="different arXiv ids"):
        merge_papers(library, ids["One"], ids["Two"])
    with pytest.raises(LibraryUsageError, match="cannot be merged with itself"):
        merge_papers(library, ids["One"], ids["One"])
    assert library.count() == 2


def test_the_same_note_twice_is_kept_once(library: Library) -> None:
    _ingest(library, Entry(title="One"), Entry(title="Two"), name="feed")
    ids = _ids(library)
    library.set_note(ids["One"], "same")
    library.set_note(ids["Two"], "same")
    merge_papers(library, ids["Two"], ids["One"])
    assert library.paper(ids["Two"]).note == "same"
