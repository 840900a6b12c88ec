"""Resolving a conflict in the window is undoable: both sides get their old texts back."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from reader.export import ExportOptions
from reader.library import Library
from tests.ui.conftest import WAIT_MS, WindowFactory, fill_library, settle, write
from ui.exportresult import ExportResultDialog
from ui.window import MainWindow


def _export(qtbot: QtBot, window: MainWindow, vault: Path, ids: list[int]) -> None:
    window.transfers.result_box = None
    window.transfers.run_export(ExportOptions(folder=vault, paper_ids=ids))
    qtbot.waitUntil(lambda: window.transfers.result_box is not None, timeout=WAIT_MS)
    settle(qtbot, window)


def _conflict(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> tuple[int, Path, bytes]:
    """A note changed both in the library and in the vault; its file's bytes then."""
    with Library(window.library.path) as library:
        fill_library(library, 2)
    ids = window.library.paper_ids()[:1]
    write(qtbot, window, lambda lib: lib.set_note(ids[0], "A note worth keeping."))
    vault = tmp_path / "vault"
    _export(qtbot, window, vault, ids)
    box = window.transfers.result_box
    assert box is not None
    box.close()
    (note,) = (p for p in vault.glob("*.md") if p.name != "Reading list.md")
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("A note worth keeping.", "My own words.\r\n"), "utf-8")
    write(qtbot, window, lambda lib: lib.set_note(ids[0], "A changed note."))
    _export(qtbot, window, vault, ids)
    box = window.transfers.result_box
    assert box is not None
    assert box.conflicts is not None
    assert "1 conflict" in box.text()
    return ids[0], note, note.read_bytes()


def _step(qtbot: QtBot, window: MainWindow, *, undo: bool) -> None:
    (window.edits.undo if undo else window.edits.redo)()
    qtbot.waitUntil(lambda: not window.edits.pending, timeout=WAIT_MS)
    settle(qtbot, window)


class Conflicted(NamedTuple):
    """A window whose export reported one conflict, and that note."""

    window: MainWindow
    paper_id: int
    note: Path
    before: bytes  # the vault file's bytes when the conflict was reported
    box: ExportResultDialog

    def resolve(self, qtbot: QtBot, *, keep_vault: bool) -> None:
        """Click the conflict's Keep button and wait until it is done."""
        conflicts = self.box.conflicts
        assert conflicts is not None
        button = conflicts.keep_vault if keep_vault else conflicts.keep_library
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: 0 in conflicts.done, timeout=WAIT_MS)
        settle(qtbot, self.window)


@pytest.fixture
def conflicted(qtbot: QtBot, make_window: WindowFactory, tmp_path: Path) -> Conflicted:
    window = make_window()
    paper_id, note, before = _conflict(qtbot, window, tmp_path)
    box = window.transfers.result_box
    assert box is not None
    assert box.conflicts is not None
    return Conflicted(window, paper_id, note, before, box)


def test_keep_papershelfs_is_undone_with_the_vault_files_old_bytes(
    qtbot: QtBot, conflicted: Conflicted
) -> None:
    window, paper_id, note, before, _ = conflicted
    conflicted.resolve(qtbot, keep_vault=False)
    assert "A changed note." in note.read_text(encoding="utf-8")
    assert "My own words." not in note.read_text(encoding="utf-8")
    assert window.edits.undo_stack.undoText().startswith("Keep Papershelf's note for")

    _step(qtbot, window, undo=True)
    assert note.read_bytes() == before  # byte for byte, the user's words and line endings
    assert window.library.paper(paper_id).note == "A changed note."

    _step(qtbot, window, undo=False)
    assert "A changed note." in note.read_text(encoding="utf-8")
    assert "My own words." not in note.read_text(encoding="utf-8")


def test_keep_the_vaults_is_undone_in_the_library_and_the_file(
    qtbot: QtBot, conflicted: Conflicted
) -> None:
    window, paper_id, note, before, _ = conflicted
    conflicted.resolve(qtbot, keep_vault=True)
    assert window.library.paper(paper_id).note.startswith("My own words.")

    _step(qtbot, window, undo=True)
    assert window.library.paper(paper_id).note == "A changed note."
    assert note.read_bytes() == before


def test_an_undo_never_overwrites_a_note_edited_in_the_vault_since(
    qtbot: QtBot, conflicted: Conflicted, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, paper_id, note, _, box = conflicted
    conflicted.resolve(qtbot, keep_vault=False)
    box.close()
    later = note.read_text(encoding="utf-8").replace("A changed note.", "Typed later.")
    note.write_text(later, "utf-8")
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: shown.append(f"{box.windowTitle()}: {box.text()}") or 0
    )

    _step(qtbot, window, undo=True)

    assert note.read_text(encoding="utf-8") == later
    assert window.library.paper(paper_id).note == "A changed note."
    assert len(shown) == 1
    assert shown[0].startswith("“Keep Papershelf's note for")
    assert "was changed in the vault since; nothing was undone" in shown[0]


def test_undoing_a_resolution_reopens_the_conflict_in_the_dialog(
    qtbot: QtBot, conflicted: Conflicted
) -> None:
    window, paper_id, note, before, box = conflicted
    pane = box.conflicts
    assert pane is not None
    conflicted.resolve(qtbot, keep_vault=False)
    assert not pane.keep_library.isEnabled()
    assert pane.list.item(0).text().startswith("✓")

    _step(qtbot, window, undo=True)  # the conflict is back on both sides: open again
    assert note.read_bytes() == before
    assert 0 not in pane.done
    assert pane.keep_library.isEnabled()
    assert pane.keep_vault.isEnabled()
    assert pane.list.item(0).text() == note.name
    assert "undone" in pane.state.text()
    assert pane.library_text.toPlainText() == "A changed note."
    assert pane.vault_text.toPlainText().startswith("My own words.")

    _step(qtbot, window, undo=False)  # redo: resolved again
    assert 0 in pane.done
    assert not pane.keep_vault.isEnabled()
    assert pane.list.item(0).text().startswith("✓")

    _step(qtbot, window, undo=True)
    conflicted.resolve(qtbot, keep_vault=True)  # resolved the other way
    assert window.library.paper(paper_id).note.startswith("My own words.")
    assert "My own words." in note.read_text(encoding="utf-8")


def test_an_undo_after_the_dialog_was_closed_reopens_it_on_the_conflict(
    qtbot: QtBot, conflicted: Conflicted
) -> None:
    window, _, note, before, box = conflicted
    pane = box.conflicts
    assert pane is not None
    conflicted.resolve(qtbot, keep_vault=True)
    box.close()
    assert not box.isVisible()

    _step(qtbot, window, undo=True)

    assert note.read_bytes() == before
    qtbot.waitUntil(box.isVisible, timeout=WAIT_MS)
    assert pane.current() is pane.conflicts[0]
    assert pane.keep_library.isEnabled()
    assert pane.keep_vault.isEnabled()
