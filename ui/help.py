"""The Help menu's windows: the search syntax, the keyboard shortcuts, About."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

IN_FIELDS = (
    ("Tab / Shift+Tab", "the next / previous control: panes, stars, status, tags, note"),
    ("↓ / ↑", "in the list: the next / previous paper; in the search, ↓: back to the list"),
    ("Ctrl+A", "in the list: select every paper shown"),
    ("Esc", "in the search: clear it, then back to the list; in a tag or note: the list"),
    ("Enter", "in the search: search now; in the tag field: add the tag"),
    ("Backspace", "in an empty tag field: remove the last tag"),
)
"""Keys that belong to a field rather than to an action (the actions list their own)."""


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


def shortcuts_box(parent: QWidget, actions: Sequence[tuple[str, str]]) -> QMessageBox:
    """Help ▸ Keyboard Shortcuts (shown with ``open()``): every action's key, as the
    actions have them (``(keys, what)`` pairs), then the keys of the fields."""

    def rows(pairs: Sequence[tuple[str, str]]) -> str:
        return "".join(
            f"<tr><td><b>{_html(keys)}</b>&nbsp;&nbsp;&nbsp;</td><td>{_html(what)}</td></tr>"
            for keys, what in pairs
        )

    heading = "<tr><td colspan=2><br><i>In the list and the fields</i></td></tr>"
    table = rows(actions) + heading + rows(IN_FIELDS)
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
