"""Settings, export, and what the user sees when something goes wrong."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from reader.library import Changes, Library
from reader.settings import Settings
from tests.ui.conftest import WAIT_MS, WindowFactory, fill_library, settle, write
from ui.dialogs import ExportDialog
from ui.exportresult import ExportResultDialog
from ui.window import MainWindow


@pytest.fixture
def papers(lib_path: Path) -> Path:
    with Library(lib_path) as library:
        fill_library(library, 12)
    return lib_path


def test_settings_dialog_saves_and_restarts_the_watcher(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, inbox: Path
) -> None:
    window = make_window(watch=True)
    assert window.watch is not None
    assert window.watch.watcher is not None
    other = tmp_path / "more digests"
    other.mkdir()
    window.show_settings()
    dialog = window.settings_dialog
    assert str(window.library.path) in dialog.library_label.text()
    dialog.add_folder(other)
    dialog.polling.setChecked(True)
    dialog.export_folder.setText(str(tmp_path / "vault"))
    qtbot.mouseClick(
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
        Qt.MouseButton.LeftButton,
    )
    settle(qtbot, window)
    with Library(window.library.path, read_only=True) as library:  # kept in the library
        saved = Settings.for_library(library, tmp_path / "settings.json")
    assert saved.watched_folders == [inbox, other]
    assert saved.polling
    assert saved.export_folder == tmp_path / "vault"
    assert window.watch.watcher is not None
    assert other in window.watch.watcher.folders


def _export_selection(
    qtbot: QtBot, window: MainWindow, note: str, vault: Path
) -> tuple[list[int], ExportDialog]:
    """Give the first of three papers ``note``, select the three and open File ▸ Export
    with the selection and ``vault`` filled in (not accepted yet)."""
    ids = window.model.ids()[:3]
    write(qtbot, window, lambda lib: lib.set_note(ids[0], note))
    window.paper_list.select_ids(ids)
    settle(qtbot, window)
    window.transfers.export_markdown(selected=True)
    dialog = window.transfers.export_dialog
    dialog.folder.setText(str(vault))
    return ids, dialog


def _export_again(qtbot: QtBot, window: MainWindow, dialog: ExportDialog) -> ExportResultDialog:
    """Run the dialog's export once more; its result box."""
    window.transfers.result_box = None
    window.transfers.run_export(dialog.options())
    qtbot.waitUntil(lambda: window.transfers.result_box is not None, timeout=WAIT_MS)
    box = window.transfers.result_box
    assert box is not None
    return box


def test_export_selected_papers_and_report_conflicts(
    qtbot: QtBot, make_window: WindowFactory, papers: Path, tmp_path: Path
) -> None:
    window = make_window()
    vault = tmp_path / "vault"
    ids, dialog = _export_selection(qtbot, window, "A note worth keeping.", vault)
    assert dialog.selected.isChecked()
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.transfers.result_box is not None, timeout=WAIT_MS)
    box = window.transfers.result_box
    assert box is not None
    assert "4 written" in box.text()  # three notes and the index note
    assert window.settings.export_folder == vault  # remembered for next time
    notes = sorted(p for p in vault.glob("*.md") if p.name != "Reading list.md")
    assert len(notes) == 3
    box.close()

    edited = next(p for p in notes if "A note worth keeping" in p.read_text(encoding="utf-8"))
    # Edited inside the note section, while the library's note changes too: a conflict.
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("A note worth keeping.", "My own words."), encoding="utf-8")
    write(qtbot, window, lambda lib: lib.set_note(ids[0], "A changed note."))
    box = _export_again(qtbot, window, dialog)
    assert "1 conflict" in box.text()
    assert box.conflicts is not None
    assert box.conflicts.list.item(0).text() == edited.name
    assert "My own words." in box.conflicts.vault_text.toPlainText()
    assert "A changed note." in box.conflicts.library_text.toPlainText()
    assert "My own words." in edited.read_text(encoding="utf-8")

    # "Keep the vault's": the library takes the vault's words, the file keeps them.
    qtbot.mouseClick(box.conflicts.keep_vault, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: 0 in box.conflicts.done, timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.library.paper(ids[0]).note == "My own words."
    assert not box.conflicts.keep_library.isEnabled()
    assert "My own words." in edited.read_text(encoding="utf-8")
    box.close()

    # The next export sees the same text on both sides: no conflict.
    box = _export_again(qtbot, window, dialog)
    assert "0 conflicts" in box.text()
    assert box.conflicts is None
    box.close()


def test_export_brings_vault_notes_back_with_undo_and_lists_notes_left_alone(
    qtbot: QtBot,
    make_window: WindowFactory,
    papers: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window()
    vault = tmp_path / "vault"
    ids, dialog = _export_selection(qtbot, window, "Written in Papershelf.", vault)
    dialog.accept()
    qtbot.waitUntil(lambda: window.transfers.result_box is not None, timeout=WAIT_MS)
    box = window.transfers.result_box
    assert box is not None
    opened: list[str] = []
    monkeypatch.setattr(
        "ui.exportresult.QDesktopServices.openUrl", lambda url: opened.append(url.toLocalFile())
    )
    qtbot.mouseClick(box.open_folder, Qt.MouseButton.LeftButton)
    assert opened == [str(vault)]
    box.close()
    notes = sorted(p for p in vault.glob("*.md") if p.name != "Reading list.md")
    edited = next(p for p in notes if "Written in Papershelf." in p.read_text(encoding="utf-8"))
    broken = next(p for p in notes if p != edited)
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("Written in Papershelf.", "Written in Obsidian."), "utf-8")
    broken_text = broken.read_text(encoding="utf-8")
    broken.write_text(broken_text.replace("\n---\n", "\n", 1), "utf-8")
    write(qtbot, window, lambda lib: lib.set_rating(ids[1:], 4))  # re-export the others
    seen: list[Changes] = []
    window.bus.changed.connect(lambda changes, who: seen.append(changes))

    box = _export_again(qtbot, window, dialog)
    settle(qtbot, window)
    assert "1 note brought back" in box.text()
    assert "1 left alone" in box.text()
    assert str(edited) in box.details.toPlainText()
    assert f"{broken}: " in box.details.toPlainText()
    assert "no closing --- line" in box.details.toPlainText()
    assert broken.read_text(encoding="utf-8") == broken_text.replace("\n---\n", "\n", 1)
    assert window.library.paper(ids[0]).note == "Written in Obsidian."
    assert any(ids[0] in c.paper_ids for c in seen)
    stack = window.edits.undo_stack
    assert stack.undoText() == "Bring back a note from the vault"
    box.close()

    window.edits.undo()
    qtbot.waitUntil(lambda: not window.edits.pending, timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.library.paper(ids[0]).note == "Written in Papershelf."
    window.edits.redo()
    qtbot.waitUntil(lambda: not window.edits.pending, timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.library.paper(ids[0]).note == "Written in Obsidian."


def test_an_unopenable_library_is_explained(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.logs
    import ui.errors
    from ui.app import start_session

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    monkeypatch.setattr(ui.errors, "install_excepthook", lambda _log: sys.excepthook)
    monkeypatch.setattr(reader.logs, "configure_logging", lambda *_args: None)
    folder = tmp_path / "not-a-file.sqlite"
    folder.mkdir()
    assert start_session(folder) == 1
    assert shown
    assert "cannot be opened" in shown[0]


def test_unexpected_errors_are_logged_and_shown(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.errors import install_excepthook

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    log_file = tmp_path / "papershelf.log"
    previous = install_excepthook(log_file)
    try:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    finally:
        sys.excepthook = previous
    assert shown
    assert "unexpected" in shown[0]


def test_menus_and_help(
    qtbot: QtBot, make_window: WindowFactory, papers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Help"]
    window.menu_actions.search_help.trigger()
    settle(qtbot, window)
    assert "tag:nlp" in window.help_box.informativeText()
    window.help_box.close()
    window.menu_actions.shortcuts_help.trigger()
    settle(qtbot, window)
    assert "Undo" in window.help_box.text()  # the list is built from the actions
    window.help_box.close()
    about: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, _title, text: about.append(text))
    window.menu_actions.about.trigger()
    settle(qtbot, window)
    assert str(window.library.path) in about[0]
    assert "Python" in about[0]
    assert "Qt" in about[0]
    window.menu_actions.show_detail.setChecked(False)
    assert not window.detail.isVisible()
    assert window.menu_actions.rate[3].shortcut().toString() == "3"


def test_the_window_backs_up_daily_and_says_when_the_library_is_damaged(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_digest
) -> None:
    import reader.logs
    import ui.errors
    from reader.importer import Importer
    from reader.library import Library
    from reader.library.backup import list_backups
    from reader.library.health import record_damage
    from ui.app import start_session

    monkeypatch.setattr(ui.errors, "install_excepthook", lambda _log: sys.excepthook)
    monkeypatch.setattr(reader.logs, "configure_logging", lambda *_args: None)
    path = tmp_path / "lib.sqlite"
    with Library(path) as library:
        Importer(library).import_file(write_digest("d.txt", [1, 2]))

    session = start_session(path)
    assert not isinstance(session, int)
    try:
        session.window.notices.back_up_if_due()
        qtbot.waitUntil(lambda: len(list_backups(path)) == 1, timeout=20_000)
    finally:
        session.close()

    record_damage(path, "database disk image is malformed")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "open", lambda box: shown.append(box.text()))
    session = start_session(path)
    assert not isinstance(session, int)
    try:
        qtbot.waitUntil(lambda: bool(shown), timeout=5_000)
        assert "damaged" in shown[0].lower() or "malformed" in shown[0].lower()
        assert not session.library.writable
    finally:
        session.close()
