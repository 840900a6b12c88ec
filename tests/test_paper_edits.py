"""Editing a paper's details: checked values, undo, and imports that respect the edits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reader.digests.model import Digest, Entry
from reader.library import Library
from reader.library.errors import LibraryUsageError, PaperNotFoundError
from reader.library.ingest import SourceFile, record_digest
from reader.library.paper_edits import details, edit_details, parse_authors, restore_details

CAPTURED = datetime(2025, 5, 2, tzinfo=UTC)


def _ingest(library: Library, *entries: Entry, name: str = "x") -> None:
    digest = Digest(format="test", entries=entries, captured_at=CAPTURED)
    record_digest(library, SourceFile(name, None, name, "test"), digest)


def _paper(library: Library) -> int:
    _ingest(
        library,
        Entry(
            title="A Paper Et Al",
            arxiv_id="2501.00001",
            authors=("A. One", "et al."),
            published=date(2025, 1, 3),
            url="https://arxiv.org/abs/2501.00001",
        ),
        name="first",
    )
    return library.papers().__next__().id


def test_an_edit_sets_the_details_and_undo_puts_them_back(library: Library) -> None:
    paper_id = _paper(library)
    edit = edit_details(
        library,
        paper_id,
        title="A Paper",
        authors="Ann One, Bob Two and Cy Three",
        year=2024,
        doi="https://doi.org/10.1000/XYZ.1",
        journal="Journal of Papers",
    )
    assert edit.edited == {"title", "authors", "year", "doi", "journal"}
    assert edit.changes.paper_ids == {paper_id}
    assert edit.changes.fields == {"details"}
    paper = library.paper(paper_id)
    assert paper.title == "A Paper"
    assert paper.authors == ("Ann One", "Bob Two", "Cy Three")
    assert paper.authors_count == 3
    assert paper.published == date(2024, 1, 1)  # another year: 1 January of it
    assert paper.doi == "10.1000/XYZ.1"
    assert paper.journal == "Journal of Papers"
    assert details(library, paper_id)[1] == edit.edited
    restore_details(library, edit)
    paper = library.paper(paper_id)
    assert (paper.title, paper.authors, paper.published, paper.doi, paper.journal) == (
        "A Paper Et Al", ("A. One", "et al."), date(2025, 1, 3), None, None,
    )  # fmt: skip
    assert details(library, paper_id)[1] == frozenset()


def test_the_same_year_keeps_the_date(library: Library) -> None:
    paper_id = _paper(library)
    edit_details(library, paper_id, year="2025")
    assert library.paper(paper_id).published == date(2025, 1, 3)


def test_later_imports_never_overwrite_what_the_user_edited(library: Library) -> None:
    paper_id = _paper(library)
    edit_details(library, paper_id, authors=("Ann One",), url="https://example.org/mine")
    richer = Entry(
        title="A Paper Et Al",
        arxiv_id="2501.00001",
        authors=("A. One", "B. Two", "C. Three", "D. Four"),
        authors_count=4,
        url="https://other.org/x",
        doi="10.1000/other",
        abstract="A real abstract that is long enough to be a summary of the paper at hand.",
    )
    _ingest(library, richer, name="second")
    paper = library.paper(paper_id)
    assert paper.authors == ("Ann One",)  # the user's list stays, count too
    assert paper.authors_count == 1
    assert paper.url == "https://example.org/mine"
    assert paper.doi == "10.1000/other"  # not edited: the import fills it in
    assert paper.abstract.startswith("A real abstract")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"title": "  "}, "title cannot be empty"),
        ({"year": "20250"}, "not a plausible year"),
        ({"year": "soon"}, "is not a year"),
        ({"arxiv_id": "not-an-id"}, "is not an arXiv id"),
        ({"doi": "doi"}, "is not a DOI"),
        ({"url": "javascript:alert(1)"}, "must start with http"),
        ({"colour": "red"}, "no detail called 'colour'"),
    ],
)
def test_bad_values_are_refused_with_one_line_and_nothing_changes(
    library: Library, values: dict[str, str], message: str
) -> None:
    paper_id = _paper(library)
    before = library.paper(paper_id)
    with pytest.raises(LibraryUsageError, match=message):
        edit_details(library, paper_id, **values)
    assert library.paper(paper_id) == before


def test_an_arxiv_id_another_paper_has_is_refused(library: Library) -> None:
    paper_id = _paper(library)
    _ingest(library, Entry(title="Other", arxiv_id="2501.00002"), name="other")
    with pytest.raises(LibraryUsageError, match="merge the two papers instead"):
        edit_details(library, paper_id, arxiv_id="arXiv:2501.00002v2")


def test_an_unknown_paper(library: Library) -> None:
    with pytest.raises(PaperNotFoundError):
        edit_details(library, 99, title="X")


def test_author_lines() -> None:
    assert parse_authors("Smith, J.; Doe, A.") == ("Smith, J.", "Doe, A.")
    assert parse_authors("Ann One, Bob Two and Cy Three") == ("Ann One", "Bob Two", "Cy Three")
    assert parse_authors(" ") == ()
