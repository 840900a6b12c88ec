"""Saved views in the window: save the current search, rename, move (by keys, menu or a
drag in the sidebar) and delete, with undo.

:class:`SavedViewActions` owns the "Save Search as View…" action (Ctrl+S, and a button
in the search box), turns a selected saved view into the list's filter and order, and
carries out the sidebar's rename, move and delete requests. Each is an undoable command on
the window's undo stack, written on the writer thread; the :class:`Changes` it returns
(``views=True``) make the sidebar re-read the views and their counts.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHeaderView, QInputDialog, QLineEdit, QWidget

from reader.library import Changes, Library, PaperFilter, SortKey, saved_views
from reader.library.saved_views import SavedView
from ui.columns import Column
from ui.commands import EditCommand
from ui.edits import PaperEdits
from ui.icons import icon
from ui.operations import OperationRunner
from ui.sidebar import SidebarView
from ui.views import FOR_YOU, ViewKey

SAVED = "saved"
"""The :class:`ViewKey` kind of a saved view (its value is the view's id)."""


def base_of(key: ViewKey) -> str:
    """The saved-view base for the sidebar view ``key`` (For you is the Inbox; a digest is
    not kept: a saved view of it lists every paper)."""
    if key == FOR_YOU:
        return "status:inbox"
    if key.kind in {"status", "tag"}:
        return f"{key.kind}:{key.value}"
    if key.kind == "rated":
        return "rated"
    return "all"


class _AddView(EditCommand):
    def __init__(self, view: SavedView) -> None:
        super().__init__(f"Save the view “{view.name}”")
        self.view = view

    def write_do(self, library: Library) -> Changes:
        return saved_views.restore_view(library, self.view)

    def write_undo(self, library: Library) -> Changes:
        return saved_views.remove_view(library, self.view.id)


class _DeleteView(_AddView):
    def __init__(self, view: SavedView) -> None:
        super().__init__(view)
        self.setText(f"Delete the view “{view.name}”")

    def write_do(self, library: Library) -> Changes:
        return super().write_undo(library)

    def write_undo(self, library: Library) -> Changes:
        return super().write_do(library)


class _RenameView(EditCommand):
    def __init__(self, view: SavedView, name: str) -> None:
        super().__init__(f"Rename the view “{view.name}”")
        self.view, self.name = view, name

    def write_do(self, library: Library) -> Changes:
        return saved_views.rename_view(library, self.view.id, self.name)

    def write_undo(self, library: Library) -> Changes:
        return saved_views.rename_view(library, self.view.id, self.view.name)


class _MoveView(EditCommand):
    def __init__(self, view: SavedView, step: int) -> None:
        super().__init__(f"Move the view “{view.name}”")
        self.view, self.step = view, step
        self._before: list[int] = []

    def write_do(self, library: Library) -> Changes:
        self._before = [v.id for v in saved_views.saved_views(library)]
        return saved_views.move_view(library, self.view.id, self.step)

    def write_undo(self, library: Library) -> Changes:
        return saved_views.reorder_views(library, self._before)


class _ReorderViews(EditCommand):
    def __init__(self, order: list[int], before: list[int], name: str) -> None:
        super().__init__(f"Move the view “{name}”")
        self.order, self.before = order, before

    def write_do(self, library: Library) -> Changes:
        return saved_views.reorder_views(library, self.order)

    def write_undo(self, library: Library) -> Changes:
        return saved_views.reorder_views(library, self.before)


class SavedViewActions(QObject):
    """The window's saved-view actions; the sidebar model holds the views themselves."""

    message = Signal(str, int)
    view_requested = Signal(object)
    """A :class:`ViewKey` to select (the view just saved)."""

    def __init__(
        self,
        runner: OperationRunner,
        edits: PaperEdits,
        current: Callable[[], tuple[ViewKey | None, str, SortKey, bool]],
        lookup: Callable[[int], SavedView | None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._edits = edits
        self._current = current
        self._lookup = lookup
        self._parent = parent
        self.save_action = QAction(icon("rated"), "Save Search as &View…", parent)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.setToolTip("Save this search as a view in the sidebar (Ctrl+S)")
        self.save_action.triggered.connect(self.save_current)
        parent.addAction(self.save_action)

    def connect_to(
        self,
        sidebar: SidebarView,
        search: QLineEdit,
        header: QHeaderView,
        say: Callable[[str, int], None],
        show_view: Callable[[ViewKey], None],
    ) -> None:
        """Wire the sidebar's saved-view requests, the search box's button and messages."""
        self.add_to_search(search)
        self.message.connect(say)
        self.view_requested.connect(show_view)
        sidebar.rename_view_requested.connect(self.rename)
        sidebar.move_view_requested.connect(self.move)
        sidebar.reorder_views_requested.connect(self.reorder)
        sidebar.delete_view_requested.connect(self.delete)
        sidebar.view_selected.connect(lambda key: self.apply_order(key, header))

    def add_to_search(self, line: QLineEdit) -> None:
        """Show the save action as a button at the end of the search box."""
        line.addAction(self.save_action, QLineEdit.ActionPosition.TrailingPosition)

    def saved(self, key: ViewKey | None) -> SavedView | None:
        """The saved view ``key`` selects, if it is one."""
        if key is None or key.kind != SAVED:
            return None
        return self._lookup(int(key.value or 0))

    def paper_filter(self, key: ViewKey, search: str) -> PaperFilter | None:
        """The list's filter for a saved view (``search`` narrows it); ``None`` otherwise."""
        view = self.saved(key)
        return view.paper_filter(search) if view is not None else None

    def apply_order(self, key: ViewKey, header: QHeaderView) -> None:
        """Sort the list the way a saved view was saved, when ``key`` is one."""
        view = self.saved(key)
        if view is None:
            return
        column = next((c for c in Column if c.sort_key is view.sort), None)
        if column is not None:
            order = Qt.SortOrder.DescendingOrder if view.descending else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(int(column), order)

    def save_current(self) -> None:
        """Ask for a name and save the current view, search and order."""
        key, search, sort, descending = self._current()
        existing = self.saved(key)
        base = existing.base if existing is not None else base_of(key or ViewKey("all"))
        query = " ".join(p for p in ((existing.query if existing else ""), search.strip()) if p)
        if key == FOR_YOU:
            sort, descending = SortKey.INTEREST, True
        name, ok = QInputDialog.getText(
            self._parent,
            "Save Search as View",
            f"Name of the view (“{query or 'every paper'}” in {base}):",
            text=query[:40],
        )
        if not ok or not name.strip():
            return

        def add(library: Library) -> Changes:
            view = saved_views.add_view(
                library, name, query, base=base, sort=sort, descending=descending
            )
            command.view = view
            return saved_views.VIEWS_CHANGED

        command = _AddView(SavedView(0, name.strip(), query, base, SortKey(sort), descending, 0))

        def done(_changes: Changes) -> None:
            command.setText(f"Save the view “{command.view.name}”")
            self._edits.record(command)
            self.view_requested.emit(ViewKey(SAVED, command.view.id))
            self.message.emit(f"Saved the view “{command.view.name}”", 5000)

        self._runner.run(
            add,
            on_success=done,
            on_failure=lambda exc: self.message.emit(f"The view was not saved: {exc}", 8000),
        )

    def _run(self, command: EditCommand, said: str) -> None:
        def done(_changes: Changes) -> None:
            self._edits.record(command)
            self.message.emit(said, 5000)

        self._runner.run(
            command.do,
            on_success=done,
            on_failure=lambda exc: self.message.emit(f"Not changed: {exc}", 8000),
        )

    def rename(self, view_id: int) -> None:
        """Ask for a new name of a saved view."""
        view = self._lookup(view_id)
        if view is None:
            return
        name, ok = QInputDialog.getText(
            self._parent, "Rename View", "New name of the view:", text=view.name
        )
        if ok and name.strip() and name.strip() != view.name:
            self._run(_RenameView(view, name), f"Renamed the view to “{name.strip()}”")

    def move(self, view_id: int, step: int) -> None:
        """Move a saved view up (``-1``) or down (``1``) the sidebar."""
        view = self._lookup(view_id)
        if view is not None:
            self._run(_MoveView(view, step), f"Moved the view “{view.name}”")

    def reorder(self, view_id: int, order: list[int], before: list[int]) -> None:
        """Put the saved views in the order ``order`` (``view_id`` dropped in its new place
        in the sidebar); the undo puts them back in the order ``before``."""
        view = self._lookup(view_id)
        if view is not None and order and order != before:
            self._run(_ReorderViews(order, before, view.name), f"Moved the view “{view.name}”")

    def delete(self, view_id: int) -> None:
        """Delete a saved view (Edit ▸ Undo brings it back)."""
        view = self._lookup(view_id)
        if view is not None:
            self._run(
                _DeleteView(view), f"Deleted the view “{view.name}” (Edit ▸ Undo brings it back)"
            )
