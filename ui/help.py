"""The Help menu's windows: the search syntax, the keyboard shortcuts, About."""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

SHORTCUTS = (
    ("J / K, ↓ / ↑", "next / previous paper"),
    ("1 – 5, 0", "rate, clear the rating"),
    ("I  Q  R  A", "move to Inbox, Queue, Read, Archived"),
    ("X", "not interested (archives it; Papershelf learns from it)"),
    ("T", "add a tag"),
    ("N", "edit the note"),
    ("Ctrl+F", "search (Esc clears, ↓ returns to the list)"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo"),
    ("Ctrl+Return", "open the paper's page"),
)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def search_help_box(parent: QWidget) -> QMessageBox:
    """Help ▸ Search Syntax (shown with ``open()``)."""
    from reader.query import SYNTAX_HELP

    box = QMessageBox(parent)
    box.setWindowTitle("Search Syntax")
    box.setText("<b>Searching your papers</b>")
    box.setInformativeText(f"<pre>{_html(SYNTAX_HELP)}</pre>")
    return box


def shortcuts_box(parent: QWidget) -> QMessageBox:
    """Help ▸ Keyboard Shortcuts (shown with ``open()``)."""
    table = "".join(
        f"<tr><td><b>{_html(keys)}</b>&nbsp;&nbsp;&nbsp;</td><td>{_html(what)}</td></tr>"
        for keys, what in SHORTCUTS
    )
    box = QMessageBox(parent)
    box.setWindowTitle("Keyboard Shortcuts")
    box.setText(f"<table>{table}</table>")
    return box


def about_text(library_path: Path, data_folder: Path, config_folder: Path) -> str:
    """The About box's text: versions and where things are."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from reader import __version__
    from reader.logs import log_file

    return (
        f"<h3>Papershelf {__version__}</h3>"
        "<p>A reading list for research papers, fed by digest files.</p>"
        f"<p><b>Library:</b> {_html(str(library_path))}<br>"
        f"<b>Data folder:</b> {_html(str(data_folder))}<br>"
        f"<b>Settings:</b> {_html(str(config_folder))}<br>"
        f"<b>Log:</b> {_html(str(log_file()))}</p>"
        "<p>Citation styles (APA, IEEE, Chicago author-date) are the Citation Style "
        "Language project's, from github.com/citation-style-language/styles, licensed "
        "CC BY-SA 3.0 (creativecommons.org/licenses/by-sa/3.0).</p>"
        f"<p>Qt {qVersion()} · PySide6 {pyside_version} · "
        f"Python {platform.python_version()}</p>"
    )
