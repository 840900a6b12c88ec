"""The window's actions and menus (File, Edit, View, Help) and the list's context menu.

Single-key actions (0–5, q/r/a/i, x, j/k, t, n) are bound to the paper list only
(``WidgetWithChildrenShortcut``): they work while the list has the focus and never while
typing a tag, a note or a search. The menus show the same keys.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from reader.library import Status
from ui.edits import PaperEdits
from ui.icons import icon
from ui.transfers import Transfers


class TrashOpener(Protocol):
    """What opens the Trash dialog (ui.trash.TrashControl)."""

    def show(self) -> object: ...


class WindowCommands(Protocol):
    """What the menus ask of the window (the main window is one; no import of it here)."""

    def menuBar(self) -> QMenuBar: ...
    def close(self) -> bool: ...
    def open_watched_folder(self) -> None: ...
    def show_settings(self) -> None: ...
    @property
    def trash(self) -> TrashOpener: ...
    def selected_ids(self) -> list[int]: ...
    def focus_search(self) -> None: ...
    def rate_selection(self, stars: int) -> None: ...
    def set_status_selection(self, status: Status) -> None: ...
    def not_interested_selection(self) -> None: ...
    def more_like_this(self) -> None: ...
    def remove_tag_from_selection(self, name: str) -> None: ...
    def focus_tags(self) -> None: ...
    def focus_note(self) -> None: ...
    def move_selection(self, step: int) -> None: ...
    def open_paper_page(self) -> None: ...
    def set_sidebar_visible(self, visible: bool) -> None: ...
    def set_detail_visible(self, visible: bool) -> None: ...
    def show_search_help(self) -> None: ...
    def show_shortcuts(self) -> None: ...
    def open_log_folder(self) -> None: ...
    def show_about(self) -> None: ...


STATUS_KEYS = {Status.INBOX: "I", Status.QUEUE: "Q", Status.READ: "R", Status.ARCHIVED: "A"}


class WindowActions:
    """Every action of the main window, built once and shared by menus and shortcuts."""

    def __init__(
        self,
        window: WindowCommands,
        owner: QWidget,
        paper_list: QWidget,
        edits: PaperEdits,
        transfers: Transfers,
    ) -> None:
        self._window = window
        self._owner = owner
        self._list = paper_list
        w = window
        self.import_files = self._action(
            "&Import…", transfers.choose_import, QKeySequence.StandardKey.Open, "import"
        )
        self.export = self._action(
            "&Export to Markdown…", transfers.export_markdown, "Ctrl+E", "export"
        )
        self.open_folder = self._action(
            "Open &Watched Folder", w.open_watched_folder, None, "folder"
        )
        self.settings = self._action(
            "&Settings…", w.show_settings, QKeySequence.StandardKey.Preferences, "settings"
        )
        if self.settings.shortcut().isEmpty():
            self.settings.setShortcut(QKeySequence("Ctrl+,"))
        self.trash = self._action("&Trash…", w.trash.show, None, None)
        self.quit = self._action("&Quit", w.close, QKeySequence.StandardKey.Quit)
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)

        self.undo = self._action("&Undo", edits.undo, QKeySequence.StandardKey.Undo, "undo")
        self.redo = self._action("&Redo", edits.redo, "Ctrl+Shift+Z", "redo")
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.undo.setEnabled(False)
        self.redo.setEnabled(False)
        self.find = self._action("&Find", w.focus_search, QKeySequence.StandardKey.Find, "search")

        self.rate: list[QAction] = []
        for stars in range(6):
            text = "&Clear Rating" if stars == 0 else f"{'★' * stars}{'☆' * (5 - stars)}"
            action = self._action(text, lambda s=stars: w.rate_selection(s), str(stars))
            self._list_only(action)
            self.rate.append(action)
        self.status: dict[Status, QAction] = {}
        for status in Status:
            key = STATUS_KEYS.get(status)
            action = self._action(
                f"Move to {status.label}", lambda s=status: w.set_status_selection(s), key, None
            )
            if key:
                self._list_only(action)
            self.status[status] = action
        self.not_interested = self._list_only(
            self._action("Not &Interested", w.not_interested_selection, "X", "archived")
        )
        self.more_like_this = self._action("&More Like This", w.more_like_this, None, "search")
        self.add_tag = self._list_only(self._action("Add &Tag…", w.focus_tags, "T", "tag"))
        self.edit_note = self._list_only(self._action("Edit &Note", w.focus_note, "N", "note"))
        self.next_paper = self._list_only(
            self._action("Next Paper", lambda: w.move_selection(1), "J")
        )
        self.previous_paper = self._list_only(
            self._action("Previous Paper", lambda: w.move_selection(-1), "K")
        )
        self.move_to_trash = self._list_only(
            self._action(
                "Move to Trash",
                lambda: edits.trash(w.selected_ids()),
                QKeySequence.StandardKey.Delete,
            )
        )
        self.open_paper = self._action(
            "&Open Paper Page", w.open_paper_page, "Ctrl+Return", "open-link"
        )
        self.export_selected = self._action(
            "Export Selected to Markdown…",
            lambda: transfers.export_markdown(selected=True),
            None,
            "export",
        )

        self.show_sidebar = self._action(
            "Show &Sidebar", w.set_sidebar_visible, "Ctrl+Alt+S", checkable=True
        )
        self.show_detail = self._action(
            "Show &Detail Pane", w.set_detail_visible, "Ctrl+Alt+D", checkable=True
        )

        self.search_help = self._action("&Search Syntax", w.show_search_help, None)
        self.shortcuts_help = self._action("&Keyboard Shortcuts", w.show_shortcuts, None)
        self.open_logs = self._action("Open &Log Folder", w.open_log_folder, None, "folder")
        self.about = self._action("&About Papershelf", w.show_about, None)
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.paper_extras: list[QAction] = []
        """More actions for the context menu's selection (the citations add theirs)."""

    def _action(
        self,
        text: str,
        slot: Callable[..., object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
        icon_name: str | None = None,
        *,
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, self._owner)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if checkable:
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(slot)
        else:
            action.triggered.connect(lambda _checked=False: slot())
        return action

    def _list_only(self, action: QAction) -> QAction:
        """Bind ``action``'s key to the paper list (it still shows in the menus)."""
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._list.addAction(action)
        return action

    def build_menus(self) -> None:
        """Fill the window's menu bar."""
        bar = self._window.menuBar()
        file = bar.addMenu("&File")
        file.addActions([self.import_files, self.export])
        file.addSeparator()
        file.addAction(self.open_folder)
        file.addAction(self.settings)
        file.addAction(self.trash)
        file.addSeparator()
        file.addAction(self.quit)

        edit = bar.addMenu("&Edit")
        edit.addActions([self.undo, self.redo])
        edit.addSeparator()
        edit.addAction(self.find)
        edit.addSeparator()
        rating = edit.addMenu("&Rating")
        rating.addActions(self.rate[1:])
        rating.addSeparator()
        rating.addAction(self.rate[0])
        status = edit.addMenu("&Status")
        status.addActions(list(self.status.values()))
        edit.addAction(self.not_interested)
        edit.addAction(self.more_like_this)
        edit.addAction(self.add_tag)
        edit.addAction(self.edit_note)
        edit.addAction(self.move_to_trash)
        edit.addSeparator()
        edit.addActions([self.next_paper, self.previous_paper, self.open_paper])

        view = bar.addMenu("&View")
        view.addActions([self.show_sidebar, self.show_detail])

        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.search_help, self.shortcuts_help])
        help_menu.addSeparator()
        help_menu.addAction(self.open_logs)
        help_menu.addAction(self.about)

    def paper_menu(self, parent: QWidget, tags: list[str]) -> QMenu:
        """The list's context menu for the selection (``tags``: the selection's tags)."""
        menu = QMenu(parent)
        rating = menu.addMenu("Rate")
        rating.addActions(self.rate[1:])
        rating.addSeparator()
        rating.addAction(self.rate[0])
        status = menu.addMenu("Move to")
        status.addActions(list(self.status.values()))
        menu.addAction(self.not_interested)
        menu.addAction(self.more_like_this)
        menu.addAction(self.add_tag)
        if tags:
            remove = menu.addMenu("Remove Tag")
            for name in tags:
                action = remove.addAction(name.replace("&", "&&"))  # a tag's "&" is no mnemonic
                action.triggered.connect(partial(self._window.remove_tag_from_selection, name))
        menu.addSeparator()
        menu.addAction(self.open_paper)
        menu.addAction(self.export_selected)
        if self.paper_extras:
            menu.addSeparator()
            menu.addActions(self.paper_extras)
        menu.addSeparator()
        menu.addAction(self.move_to_trash)
        return menu
