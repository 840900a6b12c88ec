"""The dialog shown when an export to Markdown finishes: what it did, and what to resolve.

Conflicts (a note section changed both in Papershelf and in the vault since the last
export) are listed on the left; the selected one shows both texts side by side with
"Keep Papershelf's" and "Keep the vault's". The dialog only asks: it emits
:attr:`ExportResultDialog.resolve_requested` and the window resolves on the writer thread,
then calls :meth:`ExportResultDialog.resolved` or :meth:`ExportResultDialog.resolve_failed`.
Edit ▸ Undo of a resolution calls :meth:`ExportResultDialog.undone`: the conflict is open
again, shown with both texts and its buttons (the dialog reopens if it was closed); Redo
calls :meth:`ExportResultDialog.resolved` again.
Notes left alone are listed with their reasons; "Open folder" shows the vault.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:  # reader.export (jinja2, YAML) is loaded by the export that reports here
    from reader.export import ExportReport, NoteConflict


def _plain_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # file names are not markup
    label.setWordWrap(True)
    return label


def _read_only_text(text: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setReadOnly(True)
    return edit


class ConflictPane(QWidget):
    """The conflicts: a list of their files, and both texts of the selected one."""

    resolve_requested = Signal(object, str)
    """A :class:`NoteConflict` and the text to keep on both sides."""

    def __init__(self, conflicts: list[NoteConflict], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflicts = conflicts
        self.done: set[int] = set()
        """Indexes of the conflicts already resolved."""
        self.list = QListWidget()
        for conflict in conflicts:
            item = QListWidgetItem(conflict.path.name)
            item.setToolTip(str(conflict.path))
            self.list.addItem(item)
        self.library_text = _read_only_text()
        self.vault_text = _read_only_text()
        self.keep_library = QPushButton("Keep Papershelf's")
        self.keep_vault = QPushButton("Keep the vault's")
        self.state = _plain_label("")
        self.keep_library.clicked.connect(lambda: self._keep(library=True))
        self.keep_vault.clicked.connect(lambda: self._keep(library=False))
        sides = QWidget()
        grid = QGridLayout(sides)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("In Papershelf"), 0, 0)
        grid.addWidget(QLabel("In the vault"), 0, 1)
        grid.addWidget(self.library_text, 1, 0)
        grid.addWidget(self.vault_text, 1, 1)
        grid.addWidget(self.keep_library, 2, 0)
        grid.addWidget(self.keep_vault, 2, 1)
        grid.addWidget(self.state, 3, 0, 1, 2)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(sides)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([220, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.list.currentRowChanged.connect(self._show)
        self.list.setCurrentRow(0)

    def current(self) -> NoteConflict | None:
        """The conflict shown."""
        row = self.list.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _show(self, row: int) -> None:
        conflict = self.current()
        if conflict is None:
            return
        self.library_text.setPlainText(conflict.library_text)
        self.vault_text.setPlainText(conflict.vault_text)
        self.setToolTip(str(conflict.path))
        self._update_buttons(row)

    def _update_buttons(self, row: int) -> None:
        resolved = row in self.done
        self.keep_library.setEnabled(not resolved)
        self.keep_vault.setEnabled(not resolved)
        if resolved:
            self.state.setText(
                "Resolved: both sides now hold the same text (Edit ▸ Undo puts both back)."
            )
        elif not self.state.text().startswith("Could not") and "undone" not in self.state.text():
            self.state.setText("")

    def _keep(self, *, library: bool) -> None:
        conflict = self.current()
        if conflict is None:
            return
        self.keep_library.setEnabled(False)
        self.keep_vault.setEnabled(False)
        self.state.setText("Resolving…")
        text = conflict.library_text if library else conflict.vault_text
        self.resolve_requested.emit(conflict, text)

    def resolved(self, conflict: NoteConflict) -> None:
        """``conflict`` was resolved: its entry is marked and its buttons stay off."""
        row = self.conflicts.index(conflict)
        self.done.add(row)
        item = self.list.item(row)
        item.setText(f"✓ {conflict.path.name}")
        if row == self.list.currentRow():
            self._update_buttons(row)

    def undone(self, conflict: NoteConflict) -> None:
        """The resolution of ``conflict`` was undone: it is open again, and shown."""
        row = self.conflicts.index(conflict)
        self.done.discard(row)
        self.list.item(row).setText(conflict.path.name)
        self.state.setText(
            f"{conflict.path.name}: the resolution was undone, both sides have their texts back."
        )
        if row == self.list.currentRow():
            self._show(row)
        else:
            self.list.setCurrentRow(row)  # shows it

    def resolve_failed(self, conflict: NoteConflict, message: str) -> None:
        """Resolving ``conflict`` failed: say why, let the user try again."""
        self.state.setText(f"Could not resolve {conflict.path.name}: {message}")
        if self.conflicts.index(conflict) == self.list.currentRow():
            self.keep_library.setEnabled(True)
            self.keep_vault.setEnabled(True)


class ExportResultDialog(QDialog):
    """What an export did; its conflicts to resolve; the notes left alone and why."""

    resolve_requested = Signal(object, str)
    """A :class:`NoteConflict` and the text to keep in the library and the vault."""

    def __init__(self, report: ExportReport, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export to Markdown")
        self.folder = folder
        self.report = report
        headline = "Export cancelled." if report.cancelled else "Export finished."
        summary = report.summary()
        self.headline = _plain_label(f"{headline} {summary[0].upper()}{summary[1:]}.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        self.conflicts: ConflictPane | None = None
        if report.note_conflicts:
            count = len(report.note_conflicts)
            layout.addWidget(
                _plain_label(
                    f"{count} note{'s were' if count != 1 else ' was'} changed both here and in "
                    "the vault. Nothing was lost: pick the text to keep on both sides."
                )
            )
            self.conflicts = ConflictPane(report.note_conflicts, self)
            self.conflicts.resolve_requested.connect(self.resolve_requested)
            layout.addWidget(self.conflicts, 1)
        self.details = _read_only_text(self.details_text())
        self.details.setVisible(bool(self.details.toPlainText()))
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_folder = buttons.addButton("Open folder", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_folder.clicked.connect(self.show_folder)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        self.buttons = buttons
        layout.addWidget(buttons)
        self.resize(820, 520 if report.note_conflicts else 260)

    def text(self) -> str:
        """The headline: the export's summary."""
        return self.headline.text()

    def details_text(self) -> str:
        """Notes brought back, left alone (with reasons), conflict copies and errors."""
        report = self.report
        lines: list[str] = []
        if report.pulled:
            lines.append("Brought back from the vault (Edit ▸ Undo puts the old notes back):")
            lines.extend(f"  {p.path}" for p in report.pulled)
        if report.left_alone:
            lines.append("Left alone:")
            lines.extend(f"  {p.path}: {p.reason}" for p in report.left_alone)
        if report.conflicts and not report.note_conflicts:
            lines.append("Changed on both sides (left as you made them):")
            lines.extend(f"  {p}" for p in report.conflicts)
        if report.conflict_copies:
            lines.append("Your versions were kept as:")
            lines.extend(f"  {p}" for p in report.conflict_copies)
        if report.errors:
            lines.append("Errors:")
            lines.extend(f"  {e}" for e in report.errors)
        return "\n".join(lines)

    def show_folder(self) -> None:
        """Open the export folder in the file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))

    def resolved(self, conflict: NoteConflict) -> None:
        """The window resolved ``conflict``."""
        if self.conflicts is not None:
            self.conflicts.resolved(conflict)

    def undone(self, conflict: NoteConflict) -> None:
        """The user undid the resolution of ``conflict``: shown open again (the dialog
        reopens if it was closed, so the conflict can be resolved again)."""
        if self.conflicts is None:
            return
        self.conflicts.undone(conflict)
        if not self.isVisible():
            self.open()

    def resolve_failed(self, conflict: NoteConflict, message: str) -> None:
        """The window could not resolve ``conflict``."""
        if self.conflicts is not None:
            self.conflicts.resolve_failed(conflict, message)
