"""Notes edited in the vault come back while Papershelf runs: only note sections, never overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.export import ExportOptions, export_notes
from reader.export.pullback import pull_back
from reader.library import Library
from tests.test_export_support import add_papers, notes_by_id


@pytest.fixture
def shelf(library: Library, tmp_path: Path) -> tuple[Library, Path, list[int]]:
    ids = add_papers(library, ["Attention Is All You Need", "Deep Nets"])
    library.set_note(ids[0], "Written in Papershelf.")
    folder = tmp_path / "vault"
    export_notes(library, ExportOptions(folder=folder))
    return library, folder, ids


def edit(path: Path, old: str, new: str) -> bytes:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path.read_bytes()


def test_a_note_section_edited_in_the_vault_comes_back_and_the_file_is_not_written(
    shelf: tuple[Library, Path, list[int]],
) -> None:
    library, folder, ids = shelf
    note = notes_by_id(folder)[ids[0]]
    after = edit(note, "Written in Papershelf.", "Written in Obsidian.\n\nTwo paragraphs.")

    result = pull_back(library, folder, [note])

    assert [p.paper_id for p in result.pulled] == [ids[0]]
    assert result.pulled[0].old == "Written in Papershelf."
    assert library.paper(ids[0]).note == "Written in Obsidian.\n\nTwo paragraphs."
    assert result.changes.paper_ids == {ids[0]}
    assert note.read_bytes() == after
    assert pull_back(library, folder, [note]).pulled == []  # the same save again: nothing

    again = export_notes(library, ExportOptions(folder=folder))
    assert not again.conflicts, again.summary()
    assert "Written in Obsidian.\n\nTwo paragraphs." in note.read_text(encoding="utf-8")


def test_changed_on_both_sides_is_reported_and_nothing_is_overwritten(
    shelf: tuple[Library, Path, list[int]],
) -> None:
    library, folder, ids = shelf
    note = notes_by_id(folder)[ids[0]]
    after = edit(note, "Written in Papershelf.", "Written in Obsidian.")
    library.set_note(ids[0], "Typed in the window.")

    result = pull_back(library, folder, [note])

    assert result.pulled == []
    assert [(c.library_text, c.vault_text) for c in result.conflicts] == [
        ("Typed in the window.", "Written in Obsidian.")
    ]
    assert library.paper(ids[0]).note == "Typed in the window."
    assert note.read_bytes() == after


def test_edits_in_the_users_own_parts_and_papershelfs_own_writes_bring_nothing_back(
    shelf: tuple[Library, Path, list[int]],
) -> None:
    library, folder, ids = shelf
    notes = notes_by_id(folder)
    edit(notes[ids[0]], "\n## Abstract", "\nMy own paragraph.\n\n## Abstract")

    result = pull_back(library, folder, [*notes.values(), folder / "Reading list.md"])

    assert result.pulled == []
    assert result.conflicts == []
    assert library.paper(ids[0]).note == "Written in Papershelf."


def test_a_renamed_note_is_found_by_its_papershelf_id(
    shelf: tuple[Library, Path, list[int]],
) -> None:
    library, folder, ids = shelf
    note = notes_by_id(folder)[ids[1]]
    moved = folder / "Reading" / "Renamed in Obsidian.md"
    moved.parent.mkdir()
    note.rename(moved)
    edit(moved, "<!-- papershelf:note -->\n", "<!-- papershelf:note -->\nFirst words.\n")

    result = pull_back(library, folder, [moved])

    assert library.paper(ids[1]).note == "First words."
    assert [p.path for p in result.pulled] == [moved]


def test_files_that_are_not_our_notes_are_ignored_and_broken_notes_reported(
    shelf: tuple[Library, Path, list[int]],
) -> None:
    library, folder, ids = shelf
    theirs = folder / "My own note.md"
    theirs.write_text("---\npapershelf_id: 999\n---\nNot ours.\n", encoding="utf-8")
    hidden = folder / ".obsidian" / "workspace.md"
    hidden.parent.mkdir()
    hidden.write_text("<!-- papershelf:note -->\n", encoding="utf-8")
    note = notes_by_id(folder)[ids[0]]
    edit(note, "<!-- /papershelf:note -->\n", "")

    result = pull_back(library, folder, [theirs, hidden, note, folder.parent / "elsewhere.md"])

    assert result.pulled == []
    assert [a.path for a in result.left_alone] == [note]
    assert "note section" in result.left_alone[0].reason
    assert library.paper(ids[0]).note == "Written in Papershelf."
