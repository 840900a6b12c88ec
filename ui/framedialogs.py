"""The window's dialogs of help and appearance: Settings, the theme, the help boxes.

:class:`FrameDialogs` is a base of :class:`~ui.frame.WindowFrame`: it opens the Settings
dialog (saving is the frame's), switches the theme live, and shows Search Syntax, the
Keyboard Shortcuts (every key of every menu, whoever added the action, then the window's
and the sidebar's own) and About.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from reader.library import Library
from reader.paths import config_dir, data_dir
from reader.settings import Settings
from ui.detail import DetailPane
from ui.menus import key_text
from ui.sidebar import SidebarView


class FrameDialogs(QMainWindow):
    """Help, Settings and the theme (see the module docstring)."""

    settings_accepted = Signal(object)
    """The Settings dialog was accepted with these :class:`Settings`."""

    library: Library
    settings: Settings
    detail: DetailPane
    sidebar: SidebarView

    def show_settings(self) -> None:
        """The Settings dialog; saving restarts the watcher."""
        from ui.dialogs import SettingsDialog

        dialog = SettingsDialog(self.settings, self.library.path, data_dir(), self)
        self.settings_dialog = dialog
        dialog.accepted.connect(lambda: self.apply_theme(dialog.theme_choice()))
        dialog.accepted.connect(lambda: self.settings_accepted.emit(dialog.result_settings()))
        dialog.open()

    def apply_theme(self, choice: str) -> None:
        """Switch the whole application to the theme ``choice`` now (and remember it)."""
        from PySide6.QtWidgets import QApplication

        from ui.style import apply_theme

        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, choice)
            if self.detail.paper is not None:
                self.detail.tags.recolor()  # chips take their colours from the palette

    def show_search_help(self) -> None:
        """Help ▸ Search Syntax."""
        from ui.help import search_help_box

        self.help_box = search_help_box(self)
        self.help_box.open()

    def show_shortcuts(self) -> None:
        """Help ▸ Keyboard Shortcuts."""
        from ui.help import shortcuts_box

        self.help_box = shortcuts_box(self, self.shortcut_rows())
        self.help_box.open()

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """Every key there is, as (keys, what it does): the menus' actions in menu order
        (whoever added them), then the window's own (Save Search as View), then the
        sidebar's."""
        rows: list[tuple[str, str]] = []
        seen: set[int] = set()

        def add(actions: list[QAction]) -> None:
            for action in actions:
                if id(action) in seen or action.isSeparator():
                    continue
                seen.add(id(action))
                if isinstance(menu := action.menu(), QMenu):
                    add(menu.actions())
                keys = [key_text(k) for k in action.shortcuts() if not k.isEmpty()]
                if keys:
                    what = action.text().split("\t")[0].replace("&&", "\0").replace("&", "")
                    rows.append((" / ".join(keys), what.replace("\0", "&").rstrip("…")))

        add(self.menuBar().actions())
        add(self.actions())
        return rows + self.sidebar.shortcut_rows()

    def show_about(self) -> None:
        """Help ▸ About: versions and where things are."""
        from ui.help import about_text

        QMessageBox.about(
            self, "About Papershelf", about_text(self.library.path, data_dir(), config_dir())
        )
