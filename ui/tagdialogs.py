"""The questions the sidebar's tag actions ask: a new name, a target tag, a confirmation.

Tag names are the user's text: every dialog shows them as plain text (a tag named
``<h1>x`` is shown as typed, never rendered).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from reader.library import TagCount
from ui.edits import PaperEdits

VERBS = {
    "Merge Tags": "Merge",
    "Merge Tag": "Merge",
    "Delete Tag": "Delete",
    "Empty Trash": "Empty Trash",
    "Change many papers": "Change All",
}
"""The button that does what a confirmation's title names (never a bare "Yes")."""
DESTRUCTIVE = frozenset({"Delete", "Empty Trash"})
"""Verbs whose confirmation defaults to Cancel (Enter must not destroy)."""


def verb_for(title: str) -> str:
    """The action button's text for a confirmation titled ``title``."""
    return VERBS.get(title) or title.split(" ", 1)[0] or "OK"


def confirmation(parent: QWidget | None, title: str, question: str, verb: str) -> QMessageBox:
    """A question (plain text) with a ``verb`` button and Cancel; ``exec()`` returns
    ``StandardButton.Yes`` for the verb (its role), whatever its text."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    act = box.button(QMessageBox.StandardButton.Yes)
    if act is not None:
        act.setText(verb)
    box.setDefaultButton(
        QMessageBox.StandardButton.Cancel if verb in DESTRUCTIVE else QMessageBox.StandardButton.Yes
    )
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    return box


def ask(parent: QWidget | None, title: str, question: str, verb: str | None = None) -> bool:
    """Confirm an action with a button that names it ("Merge", "Delete"); True when done."""
    box = confirmation(parent, title, question, verb or verb_for(title))
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


class MergeTagDialog(QDialog):
    """Pick the tag to fold ``name`` into: none chosen at first (Merge stays off until
    one is), the most-used tags first."""

    def __init__(self, parent: QWidget | None, name: str, tags: Sequence[TagCount]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge Tag")
        self._name = name
        layout = QVBoxLayout(self)
        prompt = QLabel(f"Merge “{name}” into:")
        prompt.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(prompt)
        others = sorted(
            (t for t in tags if t.name.casefold() != name.casefold()),
            key=lambda t: (-t.count, t.name.casefold()),
        )
        self.targets = QComboBox()
        self.targets.setEditable(True)
        self.targets.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for tag in others:
            self.targets.addItem(f"{tag.name}", tag.name)
            self.targets.setItemData(
                self.targets.count() - 1, f"{tag.count} papers", Qt.ItemDataRole.ToolTipRole
            )
        self.targets.setCurrentIndex(-1)
        self.targets.setEditText("")
        edit = self.targets.lineEdit()
        if edit is not None:
            edit.setPlaceholderText("Choose or type a tag")
        self.targets.setAccessibleName("Tag to merge into")
        layout.addWidget(self.targets)
        note = QLabel(
            f"Papers tagged “{name}” get the chosen tag and “{name}” is gone (Undo brings it back)."
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        note.setObjectName("mutedLabel")
        layout.addWidget(note)
        self.buttons = QDialogButtonBox()
        self.merge_button = self.buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.targets.editTextChanged.connect(self._changed)
        self._changed("")

    def target(self) -> str:
        """The chosen tag (empty: none)."""
        return self.targets.currentText().strip()

    def _changed(self, _text: str) -> None:
        target = self.target()
        self.merge_button.setEnabled(bool(target) and target.casefold() != self._name.casefold())


def ask_merge_target(parent: QWidget | None, name: str, tags: Sequence[TagCount]) -> str | None:
    """The tag to fold ``name`` into; ``None`` when cancelled."""
    dialog = MergeTagDialog(parent, name, tags)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    target = dialog.target()
    if not target or target.casefold() == name.casefold():
        return None
    known = next((t.name for t in tags if t.name.casefold() == target.casefold()), None)
    return known or target


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
        target = ask_merge_target(self._parent, name, self._tags())
        if target is not None:
            self._edits.rename_tag(name, target, merge=True)

    def delete(self, name: str) -> None:
        """Delete ``name`` after confirming."""
        count = next((t.count for t in self._tags() if t.name == name), 0)
        if ask_delete(self._parent, name, count):
            self._edits.delete_tag(name)
