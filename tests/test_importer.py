"""The import pipeline: one transaction per digest, dedup, and the user's fields untouched."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from reader.importer import Importer, ImportOutcome, expand_paths, is_candidate_name
from reader.library import DigestStatus, Library, PaperFilter, Status
from reader.library import ingest as ingest_module
from tests.conftest import DigestWriter
from tests.factories import entry


def snapshot(path: Path) -> tuple[bytes, int]:
    """The bytes and mtime of a user's file, to prove it was not touched."""
    return path.read_bytes(), path.stat().st_mtime_ns


def test_sample_imports_48_papers_once(library: Library, sample_path: Path) -> None:
    before = snapshot(sample_path)
    importer = Importer(library)
    first = importer.import_file(sample_path)
    assert first.outcome is ImportOutcome.IMPORTED
    assert (first.entries, first.new, first.updated) == (48, 48, 0)
    assert first.summary() == "imported: 48 new, 0 updated (48 papers)"
    again = importer.import_file(sample_path)
    assert again.outcome is ImportOutcome.ALREADY_IMPORTED
    assert again.summary() == "already imported"
    assert library.stats() | {"tag": 0} == {
        "paper": 48,
        "tag": 0,
        "paper_tag": 0,
        "digest": 1,
        "appearance": 48,
    }
    assert snapshot(sample_path) == before


def test_same_bytes_under_another_name_is_already_imported(
    library: Library, write_digest: DigestWriter, tmp_path: Path
) -> None:
    original = write_digest("a.txt", range(5))
    copy = tmp_path / "Daily Papers - Hugging Face (1).txt"
    copy.write_bytes(original.read_bytes())
    importer = Importer(library)
    importer.import_file(original)
    assert importer.import_file(copy).outcome is ImportOutcome.ALREADY_IMPORTED
    assert library.stats()["digest"] == 1


def test_a_paper_in_many_digests_is_one_paper_with_its_history(
    library: Library, write_digest: DigestWriter
) -> None:
    importer = Importer(library)
    for day in range(1, 31):
        # each day repeats paper 0 and adds one of its own
        report = importer.import_file(
            write_digest(f"day{day}.txt", [entry(0, comments=day), day], day=date(2026, 1, day))
        )
        assert report.new == (2 if day == 1 else 1)
    assert library.count() == 31
    shared = library.paper_ids(PaperFilter(search='"paper number 0"'))
    assert len(shared) == 1
    paper = library.paper(shared[0])
    assert len(paper.appearances) == 30
    assert paper.comments == 30  # the latest capture's figure


def test_reimport_never_overwrites_what_the_user_wrote(
    library: Library, write_digest: DigestWriter
) -> None:
    importer = Importer(library)
    path = write_digest("daily.txt", [entry(1, comments=1), entry(2), entry(3)])
    importer.import_file(path)
    ids = {library.paper(i).title: i for i in library.paper_ids()}
    target = ids[entry(1).title]
    library.set_rating(target, 5)
    library.set_status(target, Status.READING)
    library.add_tags(target, ["keep me"])
    library.set_note(target, "My own words.")
    # the same file saved again later, with more papers and a new comment count
    write_digest("daily.txt", [entry(1, comments=9), entry(2), entry(3), entry(4)])
    report = importer.import_file(path)
    assert report.outcome is ImportOutcome.IMPORTED
    assert (report.new, report.updated) == (1, 1)
    paper = library.paper(target)
    assert (paper.rating, paper.status, paper.tags, paper.note) == (
        5,
        Status.READING,
        ("keep me",),
        "My own words.",
    )
    assert paper.comments == 9
    assert library.count() == 4


def test_an_older_capture_does_not_roll_back_comment_counts(
    library: Library, write_digest: DigestWriter
) -> None:
    importer = Importer(library)
    newer = write_digest("new.txt", [entry(1, comments=10)])
    older = write_digest("old.txt", [entry(1, comments=2), entry(2)])
    os.utime(newer, (2_000_000_000, 2_000_000_000))
    os.utime(older, (1_900_000_000, 1_900_000_000))
    importer.import_file(newer)
    importer.import_file(older)
    assert (
        library.paper(library.paper_ids(PaperFilter(search='"paper number 1"'))[0]).comments == 10
    )


def test_a_broken_file_is_logged_and_changes_nothing_else(
    library: Library, write_digest: DigestWriter, tmp_path: Path
) -> None:
    importer = Importer(library)
    importer.import_file(write_digest("good.txt", range(3)))
    bad = tmp_path / "bad.txt"
    bad.write_text(
        "Daily Papers\n\nJan 30\n\nA title\n\nAn abstract.\n\n  • 3 authors\n·\nnot a date\n"
    )
    before = snapshot(bad)
    report = importer.import_file(bad)
    assert report.outcome is ImportOutcome.FAILED
    assert "line 11" in report.message
    assert "expected a date after '·'" in report.message
    assert library.count() == 3
    failed = [d for d in library.digests() if d.status is DigestStatus.FAILED]
    assert len(failed) == 1
    assert failed[0].error == report.message
    assert snapshot(bad) == before
    # not retried while the bytes are the same …
    assert importer.import_file(bad).outcome is ImportOutcome.FAILED
    assert len(library.digests()) == 2
    # … retried once they change
    bad.write_text(bad.read_text().replace("not a date", "Jan 3, 2025"))
    assert importer.import_file(bad).outcome is ImportOutcome.IMPORTED
    assert library.count() == 4


def test_an_import_that_dies_midway_leaves_no_trace(
    library: Library, write_digest: DigestWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer = Importer(library)
    importer.import_file(write_digest("first.txt", range(3)))
    real_write = ingest_module._write

    def dying_write(*args: object, **kwargs: object) -> object:
        real_write(*args, **kwargs)  # type: ignore[arg-type]
        raise OSError("simulated crash")  # everything written, nothing committed

    monkeypatch.setattr(ingest_module, "_write", dying_write)
    with pytest.raises(OSError, match="simulated crash"):
        importer.import_file(write_digest("second.txt", range(3, 10)))
    assert library.stats() == {"paper": 3, "tag": 0, "paper_tag": 0, "digest": 1, "appearance": 3}
    monkeypatch.setattr(ingest_module, "_write", real_write)
    assert importer.import_file(write_digest("second.txt", range(3, 10))).new == 7


def test_duplicate_entries_inside_one_digest_are_one_paper(
    library: Library, write_digest: DigestWriter
) -> None:
    report = Importer(library).import_file(write_digest("dup.txt", [1, 2, 1]))
    assert (report.entries, report.new) == (3, 2)
    assert library.stats()["appearance"] == 3


def test_titles_that_differ_only_in_case_and_punctuation_are_one_paper(
    library: Library, write_digest: DigestWriter
) -> None:
    importer = Importer(library)
    importer.import_file(
        write_digest("a.txt", [entry(1, title="LM-Infinite: Simple On-the-Fly Length")])
    )
    importer.import_file(
        write_digest("b.txt", [entry(1, title="lm infinite — simple on the fly length")])
    )
    assert library.count() == 1


def test_folders_import_digests_skip_binaries_and_report_text_junk(
    library: Library, write_digest: DigestWriter, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    write_digest("one.txt", range(2), folder=folder)
    write_digest("two.txt", range(2, 4), folder=folder / "sub")
    (folder / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (folder / "todo.txt").write_text("buy milk\n")
    (folder / "partial.txt.part").write_text("Daily Papers\n")
    (folder / ".hidden.txt").write_text("Daily Papers\n")
    reports = Importer(library).import_paths([folder])
    outcomes = {r.path.name: r.outcome for r in reports}
    assert outcomes == {
        "figure.png": ImportOutcome.SKIPPED,
        "one.txt": ImportOutcome.IMPORTED,
        "todo.txt": ImportOutcome.FAILED,
        "two.txt": ImportOutcome.IMPORTED,
    }
    assert library.count() == 4
    assert [p.name for p, _ in expand_paths([folder], recursive=False)] == [
        "figure.png",
        "one.txt",
        "todo.txt",
    ]


def test_a_binary_named_explicitly_is_reported(library: Library, tmp_path: Path) -> None:
    picture = tmp_path / "figure.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    report = Importer(library).import_file(picture)
    assert report.outcome is ImportOutcome.FAILED
    assert "binary" in report.message


def test_unreadable_things_fail_cleanly(library: Library, tmp_path: Path) -> None:
    (tmp_path / "x.txt").mkdir()
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    importer = Importer(library)
    for name, expected in (
        ("x.txt", "folder"),
        ("loop.txt", "itself"),
        ("zero.txt", "regular file"),
    ):
        report = importer.import_file(tmp_path / name)
        assert report.outcome is ImportOutcome.FAILED
        assert expected in report.message
    assert library.count() == 0


def test_cancel_stops_between_files(library: Library, write_digest: DigestWriter) -> None:
    paths = [write_digest(f"{i}.txt", [i]) for i in range(5)]
    seen = []
    reports = Importer(library).import_paths(
        paths, on_report=seen.append, cancelled=lambda: len(seen) >= 2
    )
    assert len(reports) == 2
    assert library.count() == 2


@pytest.mark.parametrize(
    ("name", "candidate"),
    [
        ("Daily Papers - Hugging Face.txt", True),
        ("digest.txt.part", False),
        ("digest.txt.crdownload", False),
        (".digest.txt", False),
        ("~$digest.txt", False),
        ("digest.tmp", False),
    ],
)
def test_candidate_names(name: str, candidate: bool) -> None:
    assert is_candidate_name(name) is candidate


def test_newest_first_lists_a_digest_in_page_order(
    library: Library, write_digest: DigestWriter
) -> None:
    Importer(library).import_file(write_digest("older.txt", [1, 2], day=date(2026, 1, 29)))
    Importer(library).import_file(write_digest("newer.txt", [3, 4, 5, 1], day=date(2026, 1, 30)))
    titles = [row.title for row in library.rows(library.paper_ids())]
    assert titles == [entry(n).title for n in (3, 4, 5, 1, 2)]
