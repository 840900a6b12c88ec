"""``papershelf edit`` and ``papershelf merge``."""

from __future__ import annotations

import io
from pathlib import Path

from reader.cli import main
from reader.digests.model import Digest, Entry
from reader.library import Library
from reader.library.ingest import SourceFile, record_digest


def _run(library: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--library", str(library), *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _library(path: Path) -> list[int]:
    library = Library(path)
    try:
        digest = Digest(
            format="test",
            entries=(Entry(title="One", arxiv_id="2501.00001"), Entry(title="One (journal)")),
        )
        record_digest(library, SourceFile("d", None, "d", "t"), digest)
        return sorted(p.id for p in library.papers())
    finally:
        library.close()


def test_edit_sets_details_and_says_what_changed(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    first, _ = _library(path)
    code, out, err = _run(
        path, "edit", str(first), "--title", "One, Edited", "--authors", "A. One; B. Two",
        "--year", "2024", "--journal", "Nature",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"paper {first}: changed title, authors, year, journal\n"
    library = Library(path)
    try:
        paper = library.paper(first)
        assert (paper.title, paper.authors, paper.journal) == ("One, Edited", ("A. One", "B. Two"), "Nature")  # fmt: skip
    finally:
        library.close()


def test_edit_refuses_bad_values_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    first, _ = _library(path)
    code, _, err = _run(path, "edit", str(first), "--year", "twenty")
    assert code != 0
    assert err.strip().count("\n") == 0
    assert "'twenty' is not a year" in err
    code, _, err = _run(path, "edit", str(first))
    assert code != 0
    assert "say what to change" in err


def test_merge_folds_the_second_paper_into_the_first(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    first, second = _library(path)
    code, out, _ = _run(path, "merge", str(first), str(second))
    assert (code, out) == (0, f"merged paper {second} into paper {first}\n")
    library = Library(path)
    try:
        assert [p.id for p in library.papers()] == [first]
    finally:
        library.close()
    code, _, err = _run(path, "merge", str(first), str(second))
    assert code != 0
    assert f"there is no paper with id {second}" in err
