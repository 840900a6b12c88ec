"""The window's actions and menus (File, Edit, View, Help) and the list's context menu.

Single-key actions (0–5, i/q/w/r/a, x, m, j/k, t, n) are bound to the paper list only
(``WidgetWithChildrenShortcut``): they work while the list has the focus and never while
typing a tag, a note or a search. The menus show the same keys; a single letter is shown
in lower case ("t", not "T", which reads as Shift+T). Help ▸ Keyboard Shortcuts is built
from these actions (:meth:`WindowActions.shortcut_rows`), so it lists every key there is.
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
from ui.operations import QueryRunner
from ui.paperedit import PaperDetailsControl
from ui.selection import SelectionCommands
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
    @property
    def queries(self) -> QueryRunner: ...
    def selected_ids(self) -> list[int]: ...
    def focus_search(self) -> None: ...
    def mark_all_shown_read(self) -> None: ...
    def focus_pane(self, step: int) -> None: ...
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


STATUS_KEYS = {
    Status.INBOX: "I",
    Status.QUEUE: "Q",
    Status.READING: "W",
    Status.READ: "R",
    Status.ARCHIVED: "A",
}


def key_text(sequence: QKeySequence) -> str:
    """How a key is shown: Qt's native text, but a lone letter in lower case ("t")."""
    text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
    return text.lower() if len(text) == 1 and text.isalpha() else text


class WindowActions:
    """Every action of the main window, built once and shared by menus and shortcuts."""

    def __init__(
        self,
        window: WindowCommands,
        owner: QWidget,
        paper_list: QWidget,
        edits: PaperEdits,
        transfers: Transfers,
        selection: SelectionCommands,
    ) -> None:
        self._window = window
        self._owner = owner
        self._list = paper_list
        self._selection = selection
        self._all: list[QAction] = []
        w, sel = window, selection
        self.import_files = self._action(
            "&Import…", transfers.choose_import, QKeySequence.StandardKey.Open, "import"
        )
        self.export = self._action(
            "&Export to Markdown…", transfers.export_markdown, "Ctrl+E", "export"
        )
        self.open_folder = self._action(
            "Open &Watched Folder", w.open_watched_folder, "Ctrl+Shift+O", "folder"
        )
        self.settings = self._action(
            "&Settings…", w.show_settings, QKeySequence.StandardKey.Preferences, "settings"
        )
        if self.settings.shortcut().isEmpty():
            self.settings.setShortcut(QKeySequence("Ctrl+,"))
        self.trash = self._action("&Trash…", w.trash.show, "Ctrl+Shift+Delete", None)
        self.quit = self._action("&Quit", w.close, QKeySequence.StandardKey.Quit)
        if self.quit.shortcut().isEmpty():  # the platform names none (offscreen, some desktops)
            self.quit.setShortcut(QKeySequence("Ctrl+Q"))
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
            action = self._action(text, lambda s=stars: sel.rate(s), str(stars))
            self._list_only(action)
            self.rate.append(action)
        self.status: dict[Status, QAction] = {}
        for status in Status:
            key = STATUS_KEYS.get(status)
            action = self._action(
                f"Move to {status.label}", lambda s=status: sel.triage(s), key, None
            )
            if key:
                self._list_only(action)
            self.status[status] = action
        self.not_interested = self._list_only(
            self._action("Not &Interested", sel.not_interested, "X", "archived")
        )
        self.mark_all_read = self._action(
            "Mark All Shown as R&ead…", w.mark_all_shown_read, "Ctrl+Shift+R"
        )
        self.advance = self._action(
            "Select the Next Paper After &Triage",
            lambda on: setattr(sel, "advance", bool(on)),
            "Ctrl+Alt+N",
            checkable=True,
        )
        self.more_like_this = self._list_only(
            self._action("&More Like This", sel.more_like_this, "M", "search")
        )
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
        details = PaperDetailsControl(owner, edits, w.queries, w.selected_ids)
        self.edit_details = self._list_only(
            self._action("Edit &Details…", details.edit_selected, "Ctrl+I", None)
        )
        self.merge_papers = self._action(
            "&Merge Two Papers…", details.merge_selected, "Ctrl+Shift+M"
        )
        self.open_paper = self._action(
            "&Open Paper Page", w.open_paper_page, "Ctrl+Return", "open-link"
        )
        self.export_selected = self._action(
            "Export Selected to Markdown…",
            lambda: transfers.export_markdown(selected=True),
            "Ctrl+Shift+E",
            "export",
        )
        self.next_pane = self._action("Next &Pane", lambda: w.focus_pane(1), "F6")
        self.previous_pane = self._action("Previous Pane", lambda: w.focus_pane(-1), "Shift+F6")

        self.show_sidebar = self._action(
            "Show &Sidebar", w.set_sidebar_visible, "Ctrl+Alt+S", checkable=True
        )
        self.show_detail = self._action(
            "Show &Detail Pane", w.set_detail_visible, "Ctrl+Alt+D", checkable=True
        )

        self.search_help = self._action("&Search Syntax", w.show_search_help, "F1")
        self.shortcuts_help = self._action("&Keyboard Shortcuts", w.show_shortcuts, "Ctrl+/")
        self.open_logs = self._action("Open &Log Folder", w.open_log_folder, "Ctrl+Alt+L", "folder")
        self.about = self._action("&About Papershelf", w.show_about, "Ctrl+Alt+A")
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
        self._all.append(action)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            sequence = QKeySequence(shortcut)
            action.setShortcut(sequence)
            shown = key_text(sequence)
            if shown != sequence.toString(QKeySequence.SequenceFormat.NativeText):
                action.setText(f"{text}\t{shown}")  # the menu shows this, not "T"
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
        edit.addAction(self.mark_all_read)
        edit.addAction(self.more_like_this)
        edit.addAction(self.add_tag)
        edit.addAction(self.edit_note)
        edit.addActions([self.edit_details, self.merge_papers])
        edit.addAction(self.move_to_trash)
        edit.addSeparator()
        edit.addActions([self.next_paper, self.previous_paper, self.open_paper])
        edit.addSeparator()
        edit.addAction(self.advance)

        view = bar.addMenu("&View")
        view.addActions([self.show_sidebar, self.show_detail])
        view.addSeparator()
        view.addActions([self.next_pane, self.previous_pane])

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
                action.triggered.connect(partial(self._selection.remove_tag, name))
        menu.addSeparator()
        menu.addAction(self.open_paper)
        menu.addAction(self.export_selected)
        if self.paper_extras:
            menu.addSeparator()
            menu.addActions(self.paper_extras)
        menu.addSeparator()
        menu.addAction(self.edit_details)
        if len(self._window.selected_ids()) == 2:
            menu.addAction(self.merge_papers)
        menu.addAction(self.move_to_trash)
        return menu

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """Every action that has a key, as (keys, what it does), in menu order."""
        rows: list[tuple[str, str]] = []
        for action in self._all:
            keys = [key_text(k) for k in action.shortcuts() if not k.isEmpty()]
            if keys:
                what = action.text().split("\t")[0].replace("&&", "\0").replace("&", "")
                rows.append((" / ".join(keys), what.replace("\0", "&").rstrip("…")))
        return rows

    def update_enabled(self, has_papers: bool, selected: int) -> None:
        """Enable what makes sense for a library with (or without) papers and a selection."""
        for action in (*self.rate, *self.status.values(), self.not_interested, self.add_tag):
            action.setEnabled(selected > 0)
        for action in (self.move_to_trash, self.export_selected):
            action.setEnabled(selected > 0)
        for action in (self.more_like_this, self.edit_note, self.open_paper, self.edit_details):
            action.setEnabled(selected == 1)
        self.merge_papers.setEnabled(selected == 2)
        for action in (self.export, self.mark_all_read, self.next_paper, self.previous_paper):
            action.setEnabled(has_papers)
