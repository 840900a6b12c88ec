"""The export vault watched while the window is open (a real watchdog observer, real files)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from reader.export import ExportOptions
from reader.library import Library
from reader.settings import Settings
from tests.ui.conftest import WAIT_MS, WindowFactory, fill_library, settle, write
from ui.window import MainWindow


def _exported(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> tuple[int, Path]:
    """One paper with a note, exported through the window: its id and its note file."""
    with Library(window.library.path) as library:
        fill_library(library, 1)
    (paper_id,) = window.library.paper_ids()
    write(qtbot, window, lambda lib: lib.set_note(paper_id, "Written in Papershelf."))
    vault = tmp_path / "vault"
    window.transfers.result_box = None
    window.transfers.run_export(ExportOptions(folder=vault))
    qtbot.waitUntil(lambda: window.transfers.result_box is not None, timeout=WAIT_MS)
    settle(qtbot, window)
    box = window.transfers.result_box
    assert box is not None
    box.close()
    (note,) = (p for p in vault.glob("*.md") if p.name != "Reading list.md")
    return paper_id, note


def _type_in_obsidian(note: Path, old: str, new: str) -> None:
    text = note.read_text(encoding="utf-8")
    assert old in text
    note.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_note_edited_in_the_vault_flows_back_while_the_window_is_open_with_undo(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window()
    paper_id, note = _exported(qtbot, window, tmp_path)
    watch = window.transfers.vault_watch
    assert watch.watching == tmp_path / "vault"

    for word in ("Written", "Written in", "Written in Obsidian."):  # saves while typing
        _type_in_obsidian(note, "Written in Papershelf.", word + " in Papershelf.")
        _type_in_obsidian(note, word + " in Papershelf.", "Written in Papershelf.")
    _type_in_obsidian(note, "Written in Papershelf.", "Written in Obsidian.")
    before = note.read_bytes()

    qtbot.waitUntil(
        lambda: window.library.paper(paper_id).note == "Written in Obsidian.", timeout=WAIT_MS
    )
    settle(qtbot, window)
    assert watch.last is not None
    assert [p.paper_id for p in watch.last.pulled] == [paper_id]
    assert note.read_bytes() == before  # the vault file is not written
    assert window.edits.undo_stack.undoText() == "Bring back a note from the vault"

    window.edits.undo()
    qtbot.waitUntil(lambda: not window.edits.pending, timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.library.paper(paper_id).note == "Written in Papershelf."


def test_a_note_changed_on_both_sides_is_reported_not_overwritten(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window()
    paper_id, note = _exported(qtbot, window, tmp_path)
    watch = window.transfers.vault_watch
    reported: list[object] = []
    watch.conflicts.connect(reported.append)
    write(qtbot, window, lambda lib: lib.set_note(paper_id, "Typed in the window."))

    _type_in_obsidian(note, "Written in Papershelf.", "Written in Obsidian.")
    after = note.read_bytes()

    qtbot.waitUntil(lambda: bool(reported), timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.library.paper(paper_id).note == "Typed in the window."
    assert note.read_bytes() == after
    assert "changed both here and in the vault" in window.statusBar().currentMessage()


def test_watching_the_vault_can_be_turned_off(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window()
    paper_id, note = _exported(qtbot, window, tmp_path)
    window.show_settings()
    dialog = window.settings_dialog
    assert dialog.watch_vault.isChecked()
    dialog.watch_vault.setChecked(False)
    qtbot.mouseClick(
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
        Qt.MouseButton.LeftButton,
    )
    settle(qtbot, window)
    assert window.transfers.vault_watch.watching is None
    assert Settings.load(tmp_path / "settings.json").watch_vault is False

    _type_in_obsidian(note, "Written in Papershelf.", "Written in Obsidian.")
    qtbot.wait(2500)  # longer than the quiet period
    settle(qtbot, window)
    assert window.library.paper(paper_id).note == "Written in Papershelf."
