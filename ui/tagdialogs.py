"""The questions the sidebar's tag actions ask: a new name, a target tag, a confirmation.

Tag names are the user's text: every dialog shows them as plain text (a tag named
``<h1>x`` is shown as typed, never rendered).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QMessageBox, QWidget

from reader.library import TagCount
from ui.edits import PaperEdits


def ask(parent: QWidget | None, title: str, question: str) -> bool:
    """A Yes/No question shown as plain text; True for Yes."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    return box.exec() == QMessageBox.StandardButton.Yes


def _input(parent: QWidget | None, title: str, label: str) -> QInputDialog:
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    for child in dialog.findChildren(QLabel):
        child.setTextFormat(Qt.TextFormat.PlainText)
    return dialog


def ask_new_name(
    parent: QWidget | None, name: str, existing: Sequence[str]
) -> tuple[str, bool] | None:
    """The new name for ``name`` and whether it merges into an existing tag (after asking)."""
    dialog = _input(parent, "Rename Tag", f"New name for “{name}”:")
    dialog.setTextValue(name)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    if dialog.exec() != QInputDialog.DialogCode.Accepted:
        return None
    new = dialog.textValue().strip()
    if not new or new == name:
        return None
    target = next((t for t in existing if t.casefold() == new.casefold()), None)
    if target is not None and target.casefold() != name.casefold():
        if not ask(
            parent, "Merge Tags", f"A tag named “{target}” already exists. Merge “{name}” into it?"
        ):
            return None
        return target, True
    return new, False


def ask_merge_target(parent: QWidget | None, name: str, existing: Sequence[str]) -> str | None:
    """The tag to fold ``name`` into (after confirming)."""
    others = [t for t in existing if t.casefold() != name.casefold()]
    dialog = _input(parent, "Merge Tag", f"Merge “{name}” into:")
    dialog.setComboBoxItems(others)
    dialog.setComboBoxEditable(True)
    if dialog.exec() != QInputDialog.DialogCode.Accepted:
        return None
    target = dialog.textValue().strip()
    if not target or target.casefold() == name.casefold():
        return None
    question = (
        f"Merge “{name}” into “{target}”? Papers tagged “{name}” will be tagged “{target}” "
        f"and “{name}” will be gone (Undo brings it back)."
    )
    return target if ask(parent, "Merge Tags", question) else None


def ask_delete(parent: QWidget | None, name: str, count: int) -> bool:
    """Whether to delete ``name`` from its ``count`` papers."""
    papers = f"{count} paper{'s' if count != 1 else ''}"
    return ask(
        parent,
        "Delete Tag",
        f"Delete the tag “{name}”? It is taken off {papers}; the papers stay in your "
        "library (Undo brings it back).",
    )


class TagActions(QObject):
    """The sidebar's tag actions: ask the user, then hand the edit to :class:`PaperEdits`."""

    def __init__(
        self, parent: QWidget, edits: PaperEdits, tags: Callable[[], list[TagCount]]
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._edits = edits
        self._tags = tags

    def rename(self, name: str) -> None:
        """Rename ``name`` (renaming onto another tag merges, after asking)."""
        answer = ask_new_name(self._parent, name, [t.name for t in self._tags()])
        if answer is not None:
            self._edits.rename_tag(name, answer[0], merge=answer[1])

    def merge(self, name: str) -> None:
        """Fold ``name`` into a tag the user picks."""
        target = ask_merge_target(self._parent, name, [t.name for t in self._tags()])
        if target is not None:
            self._edits.rename_tag(name, target, merge=True)

    def delete(self, name: str) -> None:
        """Delete ``name`` after confirming."""
        count = next((t.count for t in self._tags() if t.name == name), 0)
        if ask_delete(self._parent, name, count):
            self._edits.delete_tag(name)
