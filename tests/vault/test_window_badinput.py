"""The window's export meets every bad input of the issue and lists each in its result.

Windows line endings, a BOM, front matter without its closing ``---``, a 10 MB note, a
read-only file, a locked (immutable) file and a full disk: each is handled with a line in
the export-finished dialog, which has an "Open folder" button, and nothing else changes.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reader.export import ExportOptions, ExportReport
from reader.export.sections import BEGIN
from reader.library import Library
from tests.test_export_vault import small_disk
from tests.ui.conftest import WAIT_MS, WindowFactory, fill_library, settle, write
from ui.exportresult import ExportResultDialog
from ui.window import MainWindow


def _export(qtbot: QtBot, window: MainWindow, folder: Path) -> ExportResultDialog:
    window.transfers.result_box = None
    window.transfers.run_export(ExportOptions(folder=folder))
    qtbot.waitUntil(lambda: window.transfers.result_box is not None, timeout=WAIT_MS)
    settle(qtbot, window)
    box = window.transfers.result_box
    assert box is not None
    return box


def _notes(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if p.name != "Reading list.md")


def test_every_bad_input_is_listed_in_the_result_and_nothing_else_changes(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    with Library(window.library.path) as library:
        fill_library(library, 6)
    ids = window.library.paper_ids()
    vault = tmp_path / "vault"
    _export(qtbot, window, vault).close()
    crlf, bom, unclosed, huge, read_only, locked = _notes(vault)
    text = crlf.read_text(encoding="utf-8").replace(f"{BEGIN}\n", f"{BEGIN}\nFrom Windows.\n")
    crlf.write_bytes(text.replace("\n", "\r\n").encode())
    bom.write_bytes(b"\xef\xbb\xbf" + bom.read_bytes() + b"\nMy paragraph.\n")
    unclosed.write_text(unclosed.read_text(encoding="utf-8").replace("\n---\n", "\n", 1), "utf-8")
    big = ("A line of my notes that goes on and on. " * 25 + "\n") * 10_000
    huge.write_text(huge.read_text(encoding="utf-8").replace(f"{BEGIN}\n", f"{BEGIN}\n{big}"))
    read_only.chmod(0o444)
    immutable = shutil.which("chattr") is not None and (
        subprocess.run(["chattr", "+i", str(locked)], check=False).returncode == 0
    )
    before = {p: p.read_bytes() for p in (unclosed, huge, read_only, locked)}
    write(qtbot, window, lambda lib: lib.set_rating(ids, 3))  # every note has news
    try:
        box = _export(qtbot, window, vault)
    finally:
        read_only.chmod(0o644)
        if immutable:
            subprocess.run(["chattr", "-i", str(locked)], check=True)
    report: ExportReport = box.report
    details = box.details.toPlainText()

    assert crlf.read_bytes().count(b"\r\n") > 5
    assert b"\n" not in crlf.read_bytes().replace(b"\r\n", b"")  # still Windows line endings
    assert crlf in report.written
    # Brought back by the export or, sooner, by the watched vault: either way, once.
    assert [p.note for p in window.library.papers_by_id(ids)].count("From Windows.") == 1
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf---")
    assert bom.read_bytes().endswith(b"\nMy paragraph.\n")
    assert f"{unclosed}: its front matter has no closing --- line" in details
    assert f"{read_only}: the file is read-only" in details
    assert f"{huge}: its note is longer than 5,000,000 characters" in details
    if immutable:
        assert f"{locked}: Operation not permitted" in details
    for path, data in before.items():
        if path != locked or immutable:
            assert path.read_bytes() == data, path.name
    assert not list(vault.glob(".papershelf-*"))

    opened: list[str] = []
    monkeypatch.setattr(
        "ui.exportresult.QDesktopServices.openUrl", lambda url: opened.append(url.toLocalFile())
    )
    qtbot.mouseClick(box.open_folder, Qt.MouseButton.LeftButton)
    assert opened == [str(vault)]


def test_a_full_disk_is_listed_and_the_export_stops_cleanly(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window()
    with Library(window.library.path) as library:
        fill_library(library, 60)
    with small_disk(tmp_path / "disk", "64k") as disk:
        vault = disk / "vault"
        box = _export(qtbot, window, vault)
        details = box.details.toPlainText()
        assert "No space left on device" in details
        assert details.rstrip().endswith("the export stopped: the disk takes no more writes")
        assert not list(vault.glob(".papershelf-*"))
        assert box.open_folder.isEnabled()
        box.close()
