"""The user's edits of one window: undoable rating, status and tags; notes; tag management.

:class:`PaperEdits` turns requests from the list, the detail pane, the menus and the
sidebar into :mod:`ui.commands` on the window's :class:`QUndoStack` (or, for notes and the
sidebar's tag operations, into direct library calls), and hands every resulting
:class:`Changes` to the window to refresh.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QInputDialog, QMessageBox

from reader.library import Changes, Library, LibraryError, LibraryUsageError, Status
from ui.commands import (
    AddTagsCommand,
    EditCommand,
    RemoveTagsCommand,
    SetRatingCommand,
    SetStatusCommand,
)
from ui.errors import show_error
from ui.sidebar import INBOX, ViewKey

if TYPE_CHECKING:
    from ui.window import MainWindow

log = logging.getLogger(__name__)


class PaperEdits(QObject):
    """Edits of the selected papers through an undo stack, and the tag operations."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.undo_stack = QUndoStack(self)
        self._last_changes: Changes | None = None

    @property
    def _library(self) -> Library:
        return self._window.library

    # ------------------------------------------------------------------ undoable edits

    def _push(self, command: EditCommand) -> bool:
        if not command.changes_anything:
            return False
        try:
            command.apply()
        except LibraryError as exc:
            show_error(self._window, "The change was not saved", exc)
            return False
        self.undo_stack.push(command)
        return True

    def _changed(self, changes: Changes) -> None:
        self._last_changes = changes
        self._window.apply_changes(changes)

    def _failed(self, exc: Exception) -> None:
        show_error(self._window, "The change was not saved", exc)

    def _command(self, kind: Callable[..., EditCommand], ids: Sequence[int], value: object) -> bool:
        if not ids:
            return False
        try:
            command = kind(self._library, self._changed, self._failed, ids, value)
        except LibraryUsageError as exc:  # a tag name that cannot be
            self._window.statusBar().showMessage(str(exc), 6000)
            return False
        return self._push(command)

    def rate(self, ids: Sequence[int], stars: int) -> bool:
        """Rate papers (0 clears)."""
        return self._command(SetRatingCommand, ids, stars)

    def set_status(self, ids: Sequence[int], status: Status) -> bool:
        """Move papers to ``status``."""
        return self._command(SetStatusCommand, ids, status)

    def add_tags(self, ids: Sequence[int], names: Sequence[str]) -> bool:
        """Tag papers."""
        return bool(names) and self._command(AddTagsCommand, ids, list(names))

    def remove_tag(self, ids: Sequence[int], name: str) -> bool:
        """Take a tag off papers."""
        return self._command(RemoveTagsCommand, ids, [name])

    def undo(self) -> None:
        """Undo the last edit and select the papers it touched."""
        if self.undo_stack.canUndo():
            self._step(self.undo_stack.undo)

    def redo(self) -> None:
        """Redo the last undone edit."""
        if self.undo_stack.canRedo():
            self._step(self.undo_stack.redo)

    def _step(self, step: Callable[[], None]) -> None:
        self._last_changes = None
        step()
        changes = self._last_changes
        if changes is None or not changes.paper_ids:
            return
        window = self._window
        rows = {i: window.model.row_of(i) for i in changes.paper_ids}
        present = sorted((i for i, row in rows.items() if row is not None), key=rows.__getitem__)
        if present and set(present) != set(window.selected_ids()):
            window.paper_list.select_ids(present)

    # ------------------------------------------------------------------ notes

    def save_note(self, paper_id: int, text: str) -> bool:
        """Store a note (called by the note editor on the GUI thread)."""
        try:
            changes = self._library.set_note(paper_id, text)
        except LibraryError as exc:
            self._window.statusBar().showMessage(f"The note was not saved: {exc}", 10000)
            log.warning("note of paper %s not saved: %s", paper_id, exc)
            return False
        self._window.apply_changes(changes, from_note=True)
        return True

    # ------------------------------------------------------------------ tags in the sidebar

    def rename_tag(self, name: str) -> None:
        """Ask for a new name; renaming onto an existing tag merges (after confirming)."""
        window = self._window
        new, ok = QInputDialog.getText(window, "Rename Tag", f"New name for “{name}”:", text=name)
        new = new.strip()
        if not ok or not new or new == name:
            return
        existing = {t.name.casefold(): t.name for t in self._library.tags()}
        target = existing.get(new.casefold())
        if target is not None and target.casefold() != name.casefold():
            answer = QMessageBox.question(
                window,
                "Merge Tags",
                f"A tag named “{target}” already exists. Merge “{name}” into it?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._tag_edit(lambda: self._library.rename_tag(name, new), name, new)

    def merge_tag(self, name: str) -> None:
        """Fold ``name`` into another tag, chosen from the existing ones."""
        window = self._window
        others = [t.name for t in self._library.tags() if t.name.casefold() != name.casefold()]
        target, ok = QInputDialog.getItem(
            window, "Merge Tag", f"Merge “{name}” into:", others, 0, True
        )
        target = target.strip()
        if not ok or not target or target.casefold() == name.casefold():
            return
        answer = QMessageBox.question(
            window,
            "Merge Tags",
            f"Merge “{name}” into “{target}”? Papers tagged “{name}” will be tagged "
            f"“{target}” and “{name}” will be gone.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._tag_edit(lambda: self._library.merge_tags([name], target), name, target)

    def delete_tag(self, name: str) -> None:
        """Delete a tag after confirming; its papers stay."""
        count = next((t.count for t in self._library.tags() if t.name == name), 0)
        answer = QMessageBox.question(
            self._window,
            "Delete Tag",
            f"Delete the tag “{name}”? It is taken off {count} paper{'s' if count != 1 else ''}; "
            "the papers stay in your library.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._tag_edit(lambda: self._library.delete_tag(name), name, None)

    def _tag_edit(self, edit: Callable[[], Changes], old: str, new: str | None) -> None:
        window = self._window
        current = window.sidebar.current_key
        try:
            changes = edit()
        except LibraryError as exc:
            show_error(window, "The tag was not changed", exc)
            return
        window.model.invalidate()
        showing_it = (
            current is not None
            and current.kind == "tag"
            and str(current.value).casefold() == old.casefold()
        )
        if showing_it:
            window.refresh_sidebar(counts=True, tags=True, digests=False)
            if new is None or not window.sidebar.select_key(ViewKey("tag", self._tag_name(new))):
                window.sidebar.select_key(INBOX)
        window.apply_changes(dataclasses.replace(changes, tags=True))
        window.statusBar().showMessage(
            f"Renamed “{old}” to “{new}”" if new else f"Deleted the tag “{old}”", 6000
        )

    def _tag_name(self, name: str) -> str:
        wanted = name.casefold()
        return next((t.name for t in self._library.tags() if t.name.casefold() == wanted), name)
