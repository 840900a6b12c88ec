"""The listing pass: what a folder's listing proves about a note, and what it cannot.

An unchanged note is recognised from its directory entry (size, mtime, inode, ctime) and
not read; a note changed outside Papershelf is noticed even when its size and mtime are
what they were (a sync tool restoring it), and a record taken too close to the file's last
change is content-checked (see :mod:`reader.export.listing`).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from reader.export import ExportOptions, ExportReport, export_notes, files, listing
from reader.export.listing import proves
from reader.export.sections import BEGIN
from reader.library import Library
from reader.library.vault_records import (
    RENDERED_COLUMNS,
    UNRENDERED_COLUMNS,
    note_sources,
    vault_states,
)
from tests.test_export_support import add_papers, notes_by_id


def export(library: Library, folder: Path) -> ExportReport:
    return export_notes(library, ExportOptions(folder=folder))


@pytest.fixture
def proven(monkeypatch: pytest.MonkeyPatch) -> None:
    """No racy window: what an export records proves the file at once (as it does for
    every note older than two seconds)."""
    monkeypatch.setattr(listing, "RACY_NS", 0)


def _reads(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[str]:
    """The names of the note files read from ``folder`` from now on (the index aside)."""
    read: list[str] = []
    real = files.read_note

    def counting(path: Path) -> tuple[bytes, os.stat_result] | None:
        if Path(path).parent == folder.resolve() and Path(path).name != "Reading list.md":
            read.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(files, "read_note", counting)
    return read


def _key(folder: Path) -> str:
    return os.path.normcase(str(files.absolute_folder(folder)))


def test_an_unchanged_re_export_reads_no_note_and_no_paper_whole(
    library: Library, tmp_path: Path, proven: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_papers(library, ["Attention Is All You Need", "Deep Nets", "Sparse Models"])
    folder = tmp_path / "vault"
    export(library, folder)
    read = _reads(monkeypatch, folder)
    whole: list[int] = []
    real = library.papers_by_id
    monkeypatch.setattr(library, "papers_by_id", lambda ids, **kw: whole.extend(ids) or real(ids))

    again = export(library, folder)

    assert len(again.unchanged) == 4, again.summary()
    assert not again.written
    assert read == []
    assert whole == []


def test_a_note_restored_with_its_old_size_and_mtime_is_still_noticed(
    library: Library, tmp_path: Path, proven: None
) -> None:
    (pid,) = add_papers(library, ["Attention Is All You Need"])
    library.set_note(pid, "aaaa")
    folder = tmp_path / "vault"
    export(library, folder)
    note = notes_by_id(folder)[pid]
    before = os.lstat(note)
    text = note.read_bytes()
    assert text.count(b"aaaa") == 1
    # A sync tool writes the other copy's bytes into the file and sets its mtime back.
    note.write_bytes(text.replace(b"aaaa", b"bbbb"))
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.lstat(note)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )

    report = export(library, folder)

    assert [p.new for p in report.pulled] == ["bbbb"], report.summary()
    assert library.paper(pid).note == "bbbb"


def test_a_record_taken_in_the_same_tick_as_a_change_is_content_checked(
    library: Library, tmp_path: Path, proven: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The racy case: the file changed so close to the look at it that its ctime is the
    one remembered. The record does not prove the file then; its content is compared."""
    (pid,) = add_papers(library, ["Deep Nets"])
    library.set_note(pid, "aaaa")
    folder = tmp_path / "vault"
    export(library, folder)
    note = notes_by_id(folder)[pid]
    before = os.lstat(note)
    note.write_bytes(note.read_bytes().replace(b"aaaa", b"bbbb"))
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))
    now = os.lstat(note)
    with sqlite3.connect(library.path) as conn:  # as if seen in the same clock tick
        conn.execute(
            "UPDATE vault_note SET ctime_ns = ?, checked_ns = ? WHERE paper_id = ?",
            [now.st_ctime_ns, now.st_ctime_ns + 1_000_000, pid],
        )
    conn.close()
    monkeypatch.setattr(listing, "RACY_NS", 2_000_000_000)

    report = export(library, folder)

    assert [p.new for p in report.pulled] == ["bbbb"], report.summary()


def test_young_records_are_content_checked_then_proven(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = add_papers(library, ["Attention Is All You Need", "Deep Nets"])
    folder = tmp_path / "vault"
    export(library, folder)  # just written: too young to be proven by their metadata
    key = _key(folder)
    states = vault_states(library, key)
    assert not any(proves(s.ino, s.mtime_ns, s.ctime_ns, s.checked_ns) for s in states.values())
    read = _reads(monkeypatch, folder)

    export(library, folder)
    assert sorted(read) == sorted(p.name for p in notes_by_id(folder).values())

    monkeypatch.setattr(listing, "RACY_NS", 0)  # as if two seconds had passed
    read.clear()
    export(library, folder)  # content-checked once more, now remembered as proven
    read.clear()
    export(library, folder)
    assert read == []
    assert all(
        proves(s.ino, s.mtime_ns, s.ctime_ns, s.checked_ns)
        for pid, s in vault_states(library, key).items()
        if pid in ids
    )


@pytest.mark.parametrize(
    ("ino", "mtime", "ctime", "checked", "expected"),
    [
        (5, 1_700_000_000_123_456_789, 1_700_000_000_123_456_789, 1_700_000_005_000_000_001, True),
        (
            None,
            1_700_000_000_123_456_789,
            1_700_000_000_123_456_789,
            1_700_000_005_000_000_001,
            False,
        ),
        (5, 1_700_000_000_123_456_789, None, 1_700_000_005_000_000_001, False),
        (5, 1_700_000_000_123_456_789, 1_700_000_000_123_456_789, None, False),
        # Looked at less than RACY_NS after the last change: a change in that tick hides.
        (5, 1_700_000_000_123_456_789, 1_700_000_000_123_456_789, 1_700_000_001_000_000_000, False),
        # Whole-second timestamps (FAT, some shares): no proof.
        (5, 1_700_000_000_000_000_000, 1_700_000_000_123_456_789, 1_700_000_009_000_000_001, False),
        (5, 1_700_000_000_123_456_789, 1_700_000_000_000_000_000, 1_700_000_009_000_000_001, False),
    ],
)
def test_what_remembered_metadata_proves(
    ino: int | None, mtime: int, ctime: int | None, checked: int | None, expected: bool
) -> None:
    assert proves(ino, mtime, ctime, checked) is (expected and os.name == "posix")


def test_every_paper_column_is_rendered_or_named_as_not_rendered(library: Library) -> None:
    with sqlite3.connect(library.path) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(paper)")}
    conn.close()
    assert columns == set(RENDERED_COLUMNS) | UNRENDERED_COLUMNS
    assert not set(RENDERED_COLUMNS) & UNRENDERED_COLUMNS


_CHANGED = {"status": "'reading'", "rating": "3", "authors_count": "coalesce(authors_count, 0) + 1"}


@pytest.mark.parametrize("column", RENDERED_COLUMNS)
def test_a_change_to_any_rendered_column_changes_the_notes_digest(
    library: Library, column: str
) -> None:
    (pid,) = add_papers(library, ["Attention Is All You Need"])
    (before,) = note_sources(library, [pid])
    value = _CHANGED.get(column, f"coalesce({column} || 'x', 'x')")
    with sqlite3.connect(library.path) as conn:
        conn.execute(f"UPDATE paper SET {column} = {value} WHERE id = ?", [pid])
    conn.close()
    (after,) = note_sources(library, [pid])
    assert after.digest != before.digest


def test_the_citekey_and_the_digests_a_paper_appeared_in_change_its_digest(
    library: Library,
) -> None:
    (pid,) = add_papers(library, ["Attention Is All You Need"])
    library.citekeys([pid])
    (before,) = note_sources(library, [pid])
    with sqlite3.connect(library.path) as conn:
        conn.execute("UPDATE citekey SET key = key || 'b' WHERE paper_id = ?", [pid])
    conn.close()
    (rekeyed,) = note_sources(library, [pid])
    assert rekeyed.digest != before.digest
    with sqlite3.connect(library.path) as conn:
        conn.execute("UPDATE appearance SET position = position + 1 WHERE paper_id = ?", [pid])
    conn.close()
    (moved,) = note_sources(library, [pid])
    assert moved.digest != rekeyed.digest
    assert note_sources(library, [pid], b"another template")[0].digest != moved.digest


def test_a_note_section_edit_in_a_subfolder_is_found_through_its_folders_listing(
    library: Library, tmp_path: Path, proven: None
) -> None:
    (pid,) = add_papers(library, ["Sparse Models"])
    folder = tmp_path / "vault"
    export(library, folder)
    note = notes_by_id(folder)[pid]
    (folder / "papers").mkdir()
    moved = folder / "papers" / note.name
    note.rename(moved)
    export(library, folder)  # found by its papershelf_id; remembered at its new place
    moved.write_bytes(
        moved.read_bytes().replace(f"{BEGIN}\n".encode(), f"{BEGIN}\nMine.\n".encode())
    )

    report = export(library, folder)

    assert [p.new for p in report.pulled] == ["Mine."], report.summary()
