"""Resolving a conflict, and undoing it: both sides' old contents come back, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.export import ExportError, ExportOptions, export_notes
from reader.export.resolve import redo, resolve, undo
from reader.library import Library
from tests.test_export_support import add_papers, notes_by_id


@pytest.fixture
def conflict(library: Library, tmp_path: Path) -> tuple[Library, int, Path, bytes]:
    (paper_id,) = add_papers(library, ["Attention Is All You Need"])
    library.set_note(paper_id, "Written in Papershelf.")
    folder = tmp_path / "vault"
    export_notes(library, ExportOptions(folder=folder))
    note = notes_by_id(folder)[paper_id]
    text = note.read_text(encoding="utf-8").replace("Written in Papershelf.", "From the vault.")
    note.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    library.set_note(paper_id, "Changed in Papershelf.")
    report = export_notes(library, ExportOptions(folder=folder))
    assert report.conflicts == [note]
    return library, paper_id, note, note.read_bytes()


def test_undo_puts_back_the_files_bytes_and_the_library_note_and_redo_resolves_again(
    conflict: tuple[Library, int, Path, bytes],
) -> None:
    library, paper_id, note, before = conflict
    done = resolve(library, note, paper_id, "Changed in Papershelf.")
    resolved = note.read_bytes()
    assert b"Changed in Papershelf.\r\n" in resolved
    assert resolved.startswith(b"\xef\xbb\xbf")
    assert done.old_note == "Changed in Papershelf."
    assert done.changes.empty  # the library already had that text

    changes = undo(library, done)
    assert note.read_bytes() == before
    assert changes.paper_ids == {paper_id}
    assert library.paper(paper_id).note == "Changed in Papershelf."

    redo(library, done)
    assert note.read_bytes() == resolved


def test_keeping_the_vaults_text_is_undone_in_the_library(
    conflict: tuple[Library, int, Path, bytes],
) -> None:
    library, paper_id, note, before = conflict
    done = resolve(library, note, paper_id, "From the vault.")
    assert library.paper(paper_id).note == "From the vault."
    assert note.read_bytes() == before  # the file already had it: not written

    undo(library, done)
    assert library.paper(paper_id).note == "Changed in Papershelf."
    assert note.read_bytes() == before


def test_an_undo_leaves_a_note_edited_or_removed_since_alone(
    conflict: tuple[Library, int, Path, bytes],
) -> None:
    library, paper_id, note, _ = conflict
    done = resolve(library, note, paper_id, "Changed in Papershelf.")
    note.write_bytes(note.read_bytes().replace(b"Changed in", b"Edited again in"))
    edited = note.read_bytes()
    with pytest.raises(ExportError, match="changed in the vault since; nothing was undone"):
        undo(library, done)
    assert note.read_bytes() == edited
    note.unlink()
    with pytest.raises(ExportError, match="is gone; nothing was changed"):
        undo(library, done)
    assert library.paper(paper_id).note == "Changed in Papershelf."
