"""Deleting papers with undo: the trash keeps everything, a re-import does not resurrect."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.importer import Importer
from reader.library import Library, LibraryUsageError, PaperFilter, PaperNotFoundError, Status
from tests.conftest import DigestWriter


def _seed(library: Library, write_digest: DigestWriter) -> int:
    Importer(library).import_file(write_digest("one.txt", range(5)))
    paper_id = library.paper_ids()[0]
    library.set_rating(paper_id, 4)
    library.set_status(paper_id, Status.READING)
    library.set_note(paper_id, "my words")
    library.add_tags([paper_id], ["keep", "Later"])
    return paper_id


def test_a_trashed_paper_comes_back_with_every_field(
    library: Library, write_digest: DigestWriter
) -> None:
    paper_id = _seed(library, write_digest)
    before = library.paper(paper_id)
    changes = library.trash_papers([paper_id])
    assert changes.paper_ids == {paper_id}
    with pytest.raises(PaperNotFoundError):
        library.paper(paper_id)
    assert library.count() == 4
    assert paper_id not in library.paper_ids()
    assert [t.count for t in library.tags()] == [0, 0]
    [item] = library.trashed()
    assert (item.id, item.title, item.tags) == (paper_id, before.title, ("keep", "Later"))

    library.restore_papers([paper_id])
    after = library.paper(paper_id)
    assert after == before
    assert library.trashed() == []
    assert library.count(PaperFilter(search="my words")) == 1


def test_a_digests_papers_can_be_deleted_and_restored(
    library: Library, write_digest: DigestWriter
) -> None:
    importer = Importer(library)
    importer.import_file(write_digest("one.txt", range(3)))
    report = importer.import_file(write_digest("junk.txt", range(3, 8)))
    assert report.digest_id is not None
    ids = library.digest_paper_ids(report.digest_id)
    assert len(ids) == 5
    library.trash_papers(ids)
    assert library.count() == 3
    library.restore_papers(ids)
    assert library.count() == 8
    assert library.digest_paper_ids(report.digest_id) == ids
    with pytest.raises(LibraryUsageError):
        library.digest_paper_ids(999)


def test_a_reimport_leaves_a_trashed_paper_in_the_trash_and_records_it(
    library: Library, write_digest: DigestWriter
) -> None:
    paper_id = _seed(library, write_digest)
    library.trash_papers([paper_id])
    again = write_digest("one-again.txt", [*range(5), 9])  # other bytes, same papers
    report = Importer(library).import_file(again)
    assert (report.new, report.entries) == (1, 6)
    assert library.count() == 5  # four kept papers and the new one; not the trashed one
    assert [t.id for t in library.trashed()] == [paper_id]
    library.restore_papers([paper_id])
    paper = library.paper(paper_id)
    assert paper.note == "my words"
    assert len(paper.appearances) == 2  # the original digest and the re-import


def test_new_papers_never_take_the_id_of_a_trashed_one(
    library: Library, write_digest: DigestWriter
) -> None:
    Importer(library).import_file(write_digest("one.txt", range(3)))
    newest = max(library.paper_ids())
    library.trash_papers([newest])
    Importer(library).import_file(write_digest("two.txt", range(10, 12)))
    assert newest not in library.paper_ids()
    library.restore_papers([newest])
    assert library.count() == 5


def test_emptying_the_trash_deletes_for_good_and_bad_ids_change_nothing(
    library: Library, write_digest: DigestWriter
) -> None:
    Importer(library).import_file(write_digest("one.txt", range(3)))
    ids = library.paper_ids()
    with pytest.raises(PaperNotFoundError):
        library.trash_papers([ids[0], 12345])
    assert library.count() == 3
    library.trash_papers(ids[:2])
    with pytest.raises(LibraryUsageError):
        library.restore_papers([ids[0], 777])
    assert len(library.trashed()) == 2
    library.empty_trash()
    assert library.trashed() == []
    assert library.count() == 1


def test_the_trash_survives_reopening(tmp_path: Path, write_digest: DigestWriter) -> None:
    path = tmp_path / "lib.sqlite"
    with Library(path) as library:
        paper_id = _seed(library, write_digest)
        library.trash_papers(paper_id)
    with Library(path) as library:
        assert [t.id for t in library.trashed()] == [paper_id]
        library.restore_papers(paper_id)
        assert library.paper(paper_id).rating == 4


def test_many_papers_go_to_the_trash_and_back_in_chunks(
    library: Library, write_digest: DigestWriter
) -> None:
    Importer(library).import_file(write_digest("big.txt", range(900)))
    ids = library.paper_ids()
    library.add_tags(ids[::7], ["seventh"])
    before = library.papers_by_id(ids)
    assert len(library.trash_papers(ids).paper_ids) == 900
    assert library.count() == 0
    library.restore_papers(ids)
    assert library.papers_by_id(ids) == before
