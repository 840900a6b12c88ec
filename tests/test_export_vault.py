"""The vault both ways: the user's edits are merged, note text comes back, nothing is lost.

Every test edits real note files the way a vault user does (Obsidian, a text editor on
Windows, a file manager) between real exports from a real library file.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.export import ExportOptions, ExportReport, export_notes, files
from reader.export.merge import merge_lines, merge_note
from reader.export.sections import BEGIN, END
from reader.library import Library, Status
from reader.library.vault_records import NotePull, NoteRecord, pull_notes
from tests.schema_before import library_before
from tests.test_export_support import add_papers, notes_by_id, snapshot, split_note


def export(library: Library, folder: Path, **options: object) -> ExportReport:
    return export_notes(library, ExportOptions(folder=folder, **options))  # type: ignore[arg-type]


@pytest.fixture
def shelf(library: Library, tmp_path: Path) -> tuple[Library, Path, list[int]]:
    """Three papers exported once into ``tmp_path/vault``."""
    ids = add_papers(library, ["Attention Is All You Need", "Deep Nets", "Sparse Models"])
    folder = tmp_path / "vault"
    report = export(library, folder)
    assert len(report.written) == 4, report.summary()
    return library, folder, ids


def edit(path: Path, old: str, new: str, *, count: int = 1) -> str:
    text = path.read_bytes().decode("utf-8")
    assert text.count(old) >= count, (old, text)
    text = text.replace(old, new, count)
    path.write_bytes(text.encode("utf-8"))
    return text


USER_FRONT = "nicknames: [AIAYN]  # how I cite it\nproject:   thesis   \n# reading group, week 3\n"
USER_TOP = "> [!quote] My summary\n> Transformers, *finally*.\n\n"
USER_BOTTOM = "\n## My follow-ups\n\n- [ ] read the appendix\n- [[Deep Nets]]\n"


def test_edits_in_the_users_own_parts_are_kept_byte_for_byte_and_ours_updated(
    shelf: tuple[Library, Path, list[int]],
) -> None:
    library, folder, ids = shelf
    note = notes_by_id(folder)[ids[0]]
    edit(note, "papershelf_id:", USER_FRONT + "papershelf_id:")
    edit(note, "\n## Abstract", "\n" + USER_TOP + "## Abstract")
    text = edit(note, f"{END}\n", f"{END}\n{USER_BOTTOM}")
    library.set_rating([ids[0]], 4)
    library.set_status([ids[0]], Status.READING)
    library.add_tags([ids[0]], ["nlp"])

    report = export(library, folder)

    assert report.conflicts == []
    assert report.merged == [note]
    merged = note.read_text(encoding="utf-8")
    for mine in (USER_FRONT, USER_TOP, USER_BOTTOM):
        assert mine in merged
    data, _ = split_note(note)
    assert (data["rating"], data["status"], data["tags"]) == (4, "reading", ["nlp"])
    assert data["nicknames"] == ["AIAYN"]
    keys = list(data)
    assert keys.index("title") < keys.index("nicknames") < keys.index("papershelf_id")
    # Only Papershelf's lines changed.
    changed = set(merged.splitlines()) ^ set(text.splitlines())
    assert all(
        line.startswith(("rating:", "status:", "tags:", "  - ")) or line.strip() == ""
        for line in changed
    ), changed
    assert export(library, folder).unchanged.count(note) == 1  # settled: nothing more to do


def test_a_note_edited_only_in_the_vault_comes_back_into_the_library(
    shelf: tuple[Library, Path, list[int]],
) -> None:
    library, folder, ids = shelf
    note = notes_by_id(folder)[ids[1]]
    edit(note, f"{BEGIN}\n", f"{BEGIN}\nWritten in Obsidian.\n\n- with a list\n")
    before = note.read_bytes()

    report = export(library, folder)

    assert [p.paper_id for p in report.pulled] == [ids[1]]
    pulled = report.pulled[0]
    assert (pulled.old, pulled.new) == ("", "Written in Obsidian.\n\n- with a list")
    assert pulled.path == note
    assert report.changes.paper_ids == frozenset({ids[1]})
    assert library.paper(ids[1]).note == "Written in Obsidian.\n\n- with a list"
    assert note.read_bytes() == before
    again = export(library, folder)
    assert again.pulled == []
    assert note in again.unchanged
    # Undo, as the window does it, then export: the library's text goes out.
    library.set_note(ids[1], pulled.old)
    export(library, folder)
    assert "Written in Obsidian" not in note.read_text(encoding="utf-8")


def test_a_note_changed_on_both_sides_is_a_conflict_and_nothing_is_lost(
    shelf: tuple[Library, Path, list[int]],
) -> None:
    library, folder, ids = shelf
    note = notes_by_id(folder)[ids[2]]
    mine = edit(note, f"{BEGIN}\n", f"{BEGIN}\nThe vault's words.\n")
    library.set_note(ids[2], "The library's words.")
    library.set_rating([ids[2]], 5)

    report = export(library, folder)

    assert report.conflicts == [note]
    [conflict] = report.note_conflicts
    assert (conflict.paper_id, conflict.path) == (ids[2], note)
    assert conflict.library_text == "The library's words."
    assert conflict.vault_text == "The vault's words."
    assert note.read_text(encoding="utf-8") == mine
    assert library.paper(ids[2]).note == "The library's words."
    assert report.needs_attention
    assert export(library, folder).conflicts == [note]  # until resolved
    # Resolved in the vault: the same text on both sides.
    edit(note, "The vault's words.", "The library's words.")
    resolved = export(library, folder)
    assert resolved.conflicts == []
    assert split_note(note)[0]["rating"] == 5


def test_a_window_edit_during_the_export_is_never_overwritten(
    shelf: tuple[Library, Path, list[int]], tmp_path: Path
) -> None:
    library, folder, ids = shelf
    library.set_note(ids[0], "typed in the window just now")
    record = NoteRecord(ids[0], "x.md", "0" * 64, None, "base", 1, 1)
    changes = pull_notes(library, str(folder), [NotePull(ids[0], "", "from the vault", record)])
    assert changes.paper_ids == frozenset()
    assert library.paper(ids[0]).note == "typed in the window just now"


def test_a_renamed_or_moved_note_is_found_by_its_papershelf_id(
    shelf: tuple[Library, Path, list[int]],
) -> None:
    library, folder, ids = shelf
    notes = notes_by_id(folder)
    renamed = notes[ids[0]].rename(folder / "Vaswani 2017.md")
    (folder / "Reading" / "2025").mkdir(parents=True)
    moved = notes[ids[1]].rename(folder / "Reading" / "2025" / notes[ids[1]].name)
    library.set_rating(ids[:2], 3)

    report = export(library, folder)

    assert {renamed, moved} <= set(report.written)
    assert report.skipped_deleted == []
    assert sorted(p.name for p in folder.glob("*.md")) == sorted(
        ["Vaswani 2017.md", notes[ids[2]].name, "Reading list.md"]
    )
    assert split_note(renamed)[0]["rating"] == 3
    assert split_note(moved)[0]["rating"] == 3
    index = (folder / "Reading list.md").read_text(encoding="utf-8")
    assert "[[Vaswani 2017|Attention Is All You Need]]" in index
    assert "Reading/2025/" in index
    assert len(export(library, folder).unchanged) == 4


def test_a_deleted_note_stays_deleted_unless_recreate(
    shelf: tuple[Library, Path, list[int]],
) -> None:
    library, folder, ids = shelf
    note = notes_by_id(folder)[ids[0]]
    note.unlink()
    (folder / ".trash").mkdir()  # Obsidian's own trash is not the vault
    (folder / ".trash" / note.name).write_text(f"---\npapershelf_id: {ids[0]}\n---\n")
    library.set_rating([ids[0]], 2)
    assert export(library, folder).skipped_deleted == [note]
    assert not note.exists()
    assert note in export(library, folder, recreate=True).written


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        ("title: [unclosed\n", "not valid YAML"),
        ("title: a\ntitle: b\n", "not valid YAML"),
        ("- just\n- a list\n", "not a list of properties"),
        ("title: @reserved\n", "not valid YAML"),
    ],
)
def test_front_matter_that_does_not_parse_is_left_alone_and_reported(
    shelf: tuple[Library, Path, list[int]], front: str, reason: str
) -> None:
    library, folder, ids = shelf
    note = notes_by_id(folder)[ids[0]]
    text = note.read_text(encoding="utf-8")
    end = text.index("\n---\n", 3)
    note.write_text("---\n" + front + text[end + 1 :], encoding="utf-8")
    before = snapshot(folder)
    library.set_rating([ids[0]], 5)

    report = export(library, folder)

    [alone] = report.left_alone
    assert alone.path == note
    assert reason in alone.reason
    after = snapshot(folder)
    assert after[note.name] == before[note.name]
    assert report.needs_attention


def test_front_matter_without_its_closing_line_is_left_alone(
    shelf: tuple[Library, Path, list[int]],
) -> None:
    library, folder, ids = shelf
    note = notes_by_id(folder)[ids[0]]
    text = note.read_text(encoding="utf-8").replace("\n---\n", "\n", 1)
    note.write_text(text, encoding="utf-8")
    library.set_rating([ids[0]], 1)
    report = export(library, folder)
    assert [a.reason for a in report.left_alone] == ["its front matter has no closing --- line"]
    assert note.read_text(encoding="utf-8") == text


def test_windows_line_endings_and_a_bom_are_kept(shelf: tuple[Library, Path, list[int]]) -> None:
    library, folder, ids = shelf
    note = notes_by_id(folder)[ids[0]]
    text = note.read_text(encoding="utf-8") + USER_BOTTOM
    text = text.replace(f"{BEGIN}\n", f"{BEGIN}\nFrom Windows.\n")
    note.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    library.set_rating([ids[0]], 4)

    report = export(library, folder)

    data = note.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert USER_BOTTOM.replace("\n", "\r\n").encode() in data
    assert b"rating: 4\r\n" in data
    assert library.paper(ids[0]).note == "From Windows."
    assert [p.paper_id for p in report.pulled] == [ids[0]]


def test_a_10_mb_note_too_long_for_the_library_is_reported_and_changes_nothing(
    shelf: tuple[Library, Path, list[int]],
) -> None:
    library, folder, ids = shelf
    note = notes_by_id(folder)[ids[0]]
    huge = ("A line of my notes that goes on and on. " * 25 + "\n") * 10_000
    assert len(huge) > 10_000_000
    edit(note, f"{BEGIN}\n", f"{BEGIN}\n{huge}")
    before = snapshot(folder)
    library.set_rating([ids[1]], 1)  # news for the other notes: the big one is still not written

    report = export(library, folder)

    assert [(a.path, a.reason) for a in report.left_alone] == [
        (note, "its note is longer than 5,000,000 characters, more than the library keeps")
    ]
    assert library.paper(ids[0]).note == ""
    assert snapshot(folder)[note.name] == before[note.name]
    # The same 10 MB in the user's own paragraphs merges like any other edit.
    edit(note, huge, "")
    note.write_text(note.read_text(encoding="utf-8") + huge, encoding="utf-8")
    library.set_rating([ids[0]], 2)
    merged = export(library, folder)
    assert merged.merged == [note]
    assert note.read_text(encoding="utf-8").endswith(huge)


def test_a_read_only_note_is_left_alone(shelf: tuple[Library, Path, list[int]]) -> None:
    library, folder, ids = shelf
    note = notes_by_id(folder)[ids[0]]
    edit(note, f"{END}\n", f"{END}\n{USER_BOTTOM}")
    note.chmod(0o444)
    before = snapshot(folder)
    library.set_rating([ids[0]], 3)
    try:
        report = export(library, folder)
    finally:
        note.chmod(0o644)
    assert [(a.path, a.reason) for a in report.left_alone] == [(note, "the file is read-only")]
    assert snapshot(folder)[note.name] == before[note.name]


def test_a_locked_note_gives_a_clear_error_and_the_rest_is_exported(
    shelf: tuple[Library, Path, list[int]],
) -> None:
    library, folder, ids = shelf
    notes = notes_by_id(folder)
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not available")
    locked = subprocess.run(["chattr", "+i", str(notes[ids[0]])], check=False, capture_output=True)
    if locked.returncode != 0:
        pytest.skip(f"cannot make a file immutable here: {locked.stderr.decode().strip()}")
    try:
        library.set_rating(ids, 5)
        report = export(library, folder)
    finally:
        subprocess.run(["chattr", "-i", str(notes[ids[0]])], check=True)
    assert report.errors == [f"{notes[ids[0]]}: Operation not permitted"]
    assert {notes[ids[1]], notes[ids[2]]} <= set(report.written)
    assert split_note(notes[ids[0]])[0]["rating"] == 0
    assert not list(folder.glob(".papershelf-*.tmp"))
    again = export(library, folder)
    assert notes[ids[0]] in again.written


@contextlib.contextmanager
def small_disk(where: Path, size: str) -> Iterator[Path]:
    """A real, size-limited file system (tmpfs) mounted at ``where`` (root only)."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        check=False,
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_full_disk_stops_the_export_cleanly_and_the_next_run_finishes(
    library: Library, tmp_path: Path
) -> None:
    ids = add_papers(library, [f"Paper {n} on a small disk" for n in range(60)])
    with small_disk(tmp_path / "disk", "64k") as disk:
        folder = disk / "vault"
        report = export(library, folder)
        assert report.errors[-1] == "the export stopped: the disk takes no more writes"
        assert any("No space left on device" in e for e in report.errors)
        written = set(report.written)
        assert 0 < len(written) < len(ids)
        assert not list(folder.glob(".papershelf-*.tmp"))
        for path in written:  # every note written is whole
            assert split_note(path)[0]["papershelf_id"] in ids
        # Room again (a bigger disk): the next export writes the rest, rewrites nothing.
        subprocess.run(["mount", "-o", "remount,size=4m", str(disk)], check=True)
        again = export(library, folder)
        assert not again.errors
        assert written <= set(again.unchanged)
        assert set(notes_by_id(folder)) == set(ids)


# ---------------------------------------------------------------------- the merge itself

NOTE = (
    '---\ntitle: "T"\npapershelf_id: 1\nrating: 0\n---\n# T\n\n## Abstract\n\nOld abstract.\n\n'
    f"## Notes\n\n{BEGIN}\n{END}\n"
)
LINES = st.lists(
    st.text(st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=30), max_size=4
)


@settings(max_examples=200, deadline=None)
@given(LINES, st.sampled_from(["\n## Abstract", "\n## Notes", f"{END}\n"]))
def test_any_paragraphs_the_user_adds_survive_any_update(added: list[str], where: str) -> None:
    paragraph = "".join(f"{line.replace('<!--', '')}\n" for line in added)
    theirs = NOTE.replace(
        where, f"{where}\n{paragraph}" if where.endswith("\n") else f"\n{paragraph}{where}", 1
    )
    ours = NOTE.replace("rating: 0", "rating: 4").replace("Old abstract.", "New abstract.")
    merged = merge_note(NOTE, ours, theirs)
    assert not merged.conflict
    assert paragraph in merged.text
    assert "rating: 4\n" in merged.text
    assert "New abstract." in merged.text or paragraph.strip() == "" or "Old abstract." in paragraph
    assert merge_note(NOTE, ours, NOTE).text == ours
    assert merge_note(NOTE, NOTE, theirs).text == theirs


def test_a_clash_in_a_generated_part_keeps_the_users_lines() -> None:
    base = "a\nb\nc\n"
    merged, kept = merge_lines(base, "a\nB (ours)\nc\n", "a\nB (mine)\nc\n")
    assert merged == "a\nB (mine)\nc\n"
    assert kept


def test_a_vault_exported_by_an_older_papershelf_is_taken_over(
    library: Library, tmp_path: Path
) -> None:
    """Notes written before the note section existed: untouched ones are replaced, edited
    ones are conflicts (there is no base to merge against), nothing is left behind."""
    ids = add_papers(library, ["Old Note", "Old Edited Note"])
    folder = (tmp_path / "vault").resolve()
    folder.mkdir()
    old = {}
    for paper_id, title in zip(ids, ["Old Note", "Old Edited Note"], strict=True):
        text = f'---\ntitle: "{title}"\npapershelf_id: {paper_id}\n---\n# {title}\n\n## Notes\n\n'
        path = folder / f"{title}.md"
        path.write_text(text, encoding="utf-8")
        old[paper_id] = path
        library.remember_exports(str(folder), [(paper_id, path.name, files.sha256(text.encode()))])
    old[ids[1]].write_text(old[ids[1]].read_text(encoding="utf-8") + "Mine.\n", encoding="utf-8")

    report = export(library, folder)

    assert old[ids[0]] in report.written
    assert BEGIN in old[ids[0]].read_text(encoding="utf-8")
    assert report.conflicts == [old[ids[1]]]
    assert old[ids[1]].read_text(encoding="utf-8").endswith("Mine.\n")
    assert old[ids[0]] in export(library, folder).unchanged


def test_a_library_of_the_previous_schema_gains_the_vault_table(tmp_path: Path) -> None:
    from reader.library import migrations_base, schema

    path = tmp_path / "old.sqlite"
    library_before(path, migrations_base.VAULT).close()
    with Library(path) as library:
        assert library.schema_version == schema.SCHEMA_VERSION
        ids = add_papers(library, ["Migrated"])
        export(library, tmp_path / "vault")
        rows = library.db.execute("SELECT paper_id, base IS NOT NULL FROM vault_note").fetchall()
        assert (ids[0], 1) in rows


@pytest.mark.parametrize("keep", ["library", "vault", "both"])
def test_a_conflict_is_resolved_with_one_text_for_both_sides(
    shelf: tuple[Library, Path, list[int]], keep: str
) -> None:
    from reader.export.resolve import resolve_conflict

    library, folder, ids = shelf
    note = notes_by_id(folder)[ids[2]]
    edit(note, f"{BEGIN}\n", f"{BEGIN}\nThe vault's words.\n")
    text = edit(note, f"{END}\n", f"{END}\n{USER_BOTTOM}")
    note.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    library.set_note(ids[2], "The library's words.")
    [conflict] = export(library, folder).note_conflicts
    chosen = {
        "library": conflict.library_text,
        "vault": conflict.vault_text,
        "both": conflict.library_text + "\n\n" + conflict.vault_text,
    }[keep]

    resolve_conflict(library, conflict.path, conflict.paper_id, chosen)

    assert library.paper(ids[2]).note == chosen
    data = note.read_bytes()
    assert USER_BOTTOM.replace("\n", "\r\n").encode() in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    again = export(library, folder)
    assert again.conflicts == []
    assert again.pulled == []
    assert note in again.unchanged


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"]).filter(lambda c: c != "\r"), max_size=80))
def test_any_note_round_trips_through_the_note_section(note: str) -> None:
    from reader.export.sections import note_from_section, note_section, split_note

    text = f"---\na: 1\n---\n# T\n\n{note_section(note)}\nafter\n"
    assert note_from_section(split_note(text).section) == note
