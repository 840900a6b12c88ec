"""The window's dialogs: Settings, Export to Markdown, and the export's result."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reader.export import ExportOptions
from reader.library import PaperFilter, Status
from reader.settings import Settings
from ui.appwide import theme
from ui.icons import icon
from ui.style import SCHEME_VARIABLE


def _path_row(edit: QLineEdit, button: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return row


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setObjectName("mutedLabel")
    label.setWordWrap(True)
    return label


class SettingsDialog(QDialog):
    """Watched folders (add, remove, recursion, polling), export folder, library location."""

    def __init__(
        self,
        settings: Settings,
        library_path: Path,
        data_folder: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        self._settings = settings
        layout = QVBoxLayout(self)
        layout.setSpacing(12)

        watch = QGroupBox("Watched folders")
        watch_layout = QGridLayout(watch)
        watch_layout.addWidget(
            _muted("Digest files saved into these folders are imported automatically."),
            0,
            0,
            1,
            2,
        )
        self.folders = QListWidget()
        self.folders.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.folders.setMinimumHeight(72)
        self.folders.setMaximumHeight(120)
        self.folders.setAccessibleName("Watched folders")
        for folder in settings.watched_folders:
            self.folders.addItem(str(folder))
        watch_layout.addWidget(self.folders, 1, 0, 3, 1)
        self.add_button = QPushButton(icon("folder"), "Add…")
        self.add_button.clicked.connect(self._add_folder)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove_folders)
        self.remove_button.setEnabled(False)
        self.folders.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(bool(self.folders.selectedItems()))
        )
        watch_layout.addWidget(self.add_button, 1, 1)
        watch_layout.addWidget(self.remove_button, 2, 1)
        watch_layout.setRowStretch(3, 1)
        self.recursive = QCheckBox("Include sub-folders")
        self.recursive.setChecked(settings.recursive)
        watch_layout.addWidget(self.recursive, 4, 0, 1, 2)
        self.polling = QCheckBox("Check for new files every second (polling)")
        self.polling.setChecked(settings.polling)
        self.polling.setToolTip(
            "Use this for network drives and some synced folders, where the system does not "
            "report new files."
        )
        watch_layout.addWidget(self.polling, 5, 0, 1, 2)
        layout.addWidget(watch)

        export = QGroupBox("Markdown export")
        export_form = QFormLayout(export)
        self.export_folder = QLineEdit(str(settings.export_folder or ""))
        self.export_folder.setPlaceholderText(
            "Not chosen yet — e.g. a folder in your Obsidian vault"
        )
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_export)
        export_form.addRow("Export folder:", _path_row(self.export_folder, browse))
        self.watch_vault = QCheckBox("Bring back notes edited in the export folder while open")
        self.watch_vault.setChecked(settings.watch_vault)
        export_form.addRow("", self.watch_vault)
        layout.addWidget(export)

        look = QGroupBox("Appearance")
        look_form = QFormLayout(look)
        self.theme = QComboBox()
        self.theme.setAccessibleName("Theme")
        for value, label in (("system", "System"), ("light", "Light"), ("dark", "Dark")):
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(theme())))
        self.theme.setToolTip("Light or dark for every window; System follows the desktop.")
        look_form.addRow("Theme:", self.theme)
        forced = os.environ.get(SCHEME_VARIABLE, "").strip().lower()
        if forced in {"dark", "light"}:  # the choice would be saved but have no effect
            self.theme.setEnabled(False)
            look_form.addRow("", _muted(f"{SCHEME_VARIABLE}={forced} is set: it decides."))
        layout.addWidget(look)

        where = QGroupBox("Library")
        where_form = QFormLayout(where)
        self.library_label = QLabel(str(library_path))
        self.library_label.setTextFormat(Qt.TextFormat.PlainText)
        self.library_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.library_label.setWordWrap(True)
        where_form.addRow("Library file:", self.library_label)
        data_label = QLabel(str(data_folder))
        data_label.setTextFormat(Qt.TextFormat.PlainText)
        data_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        data_label.setWordWrap(True)
        where_form.addRow("Data folder:", data_label)
        where_form.addRow("", _muted("To use another library: File ▸ Open Library… (Ctrl+Alt+O)."))
        layout.addWidget(where)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Watch a folder for digests")
        if folder:
            self.add_folder(Path(folder))

    def add_folder(self, folder: Path) -> None:
        """Add ``folder`` to the list (once)."""
        text = str(folder.expanduser().absolute())
        if not self.folders.findItems(text, Qt.MatchFlag.MatchExactly):
            self.folders.addItem(text)

    def _remove_folders(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))

    def _browse_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Export notes to", self.export_folder.text() or str(Path.home())
        )
        if folder:
            self.export_folder.setText(folder)

    def theme_choice(self) -> str:
        """The theme chosen (``system``, ``light`` or ``dark``): app-wide, not a setting of
        the library."""
        return str(self.theme.currentData())

    def result_settings(self) -> Settings:
        """The settings as edited (a new object; the original is untouched)."""
        folders = [Path(self.folders.item(i).text()) for i in range(self.folders.count())]
        export = self.export_folder.text().strip()
        return dataclasses.replace(
            self._settings,
            watched_folders=folders,
            recursive=self.recursive.isChecked(),
            polling=self.polling.isChecked(),
            export_folder=Path(export).expanduser() if export else None,
            watch_vault=self.watch_vault.isChecked(),
        )


class ExportDialog(QDialog):
    """Where to export, which papers, which template, and what to do about vault edits."""

    def __init__(
        self,
        settings: Settings,
        *,
        tags: Sequence[str],
        selection: Sequence[int],
        view: PaperFilter | None = None,
        view_title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export to Markdown")
        self.setMinimumWidth(520)
        self._selection = list(selection)
        self._view = view
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(
            _muted(
                "Writes one Markdown note per paper (front matter, abstract and your note) "
                "and an index note. Notes you edited in the folder are never overwritten "
                "unless you ask."
            )
        )

        form = QFormLayout()
        self.folder = QLineEdit(str(settings.export_folder or ""))
        self.folder.setPlaceholderText("Choose a folder, e.g. inside your Obsidian vault")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_folder)
        form.addRow("Folder:", _path_row(self.folder, browse))
        self.template = QLineEdit(str(settings.export_template or ""))
        self.template.setPlaceholderText("Built-in template")
        pick = QPushButton("Browse…")
        pick.clicked.connect(self._browse_template)
        form.addRow("Template:", _path_row(self.template, pick))
        layout.addLayout(form)

        which = QGroupBox("Papers")
        grid = QGridLayout(which)
        self._choice = QButtonGroup(self)
        self.all_papers = QRadioButton("All papers")
        self.by_status = QRadioButton("With status")
        self.status = QComboBox()
        for status in Status:
            self.status.addItem(status.label, status)
        self.by_tag = QRadioButton("Tagged")
        self.tag = QComboBox()
        self.tag.addItems(list(tags))
        self.by_tag.setEnabled(bool(tags))
        self.by_rating = QRadioButton("Rated at least")
        self.rating = QSpinBox()
        self.rating.setRange(1, 5)
        self.rating.setValue(4)
        self.rating.setSuffix(" ★")
        self.in_view = QRadioButton(
            f"In the current view ({view_title})" if view_title else "In the current view"
        )
        self.in_view.setEnabled(view is not None)
        count = len(self._selection)
        self.selected = QRadioButton(
            f"The selected paper{'s' if count != 1 else ''} ({count})" if count else "The selection"
        )
        self.selected.setEnabled(bool(count))
        rows: list[tuple[QRadioButton, QWidget | None]] = [
            (self.all_papers, None),
            (self.by_status, self.status),
            (self.by_tag, self.tag),
            (self.by_rating, self.rating),
            (self.in_view, None),
            (self.selected, None),
        ]
        for row, (radio, extra) in enumerate(rows):
            self._choice.addButton(radio, row)
            grid.addWidget(radio, row, 0)
            if extra is not None:
                grid.addWidget(extra, row, 1)
                extra.setEnabled(False)
                radio.toggled.connect(extra.setEnabled)
        grid.setColumnStretch(2, 1)
        (self.selected if count > 1 else self.all_papers).setChecked(True)
        layout.addWidget(which)

        self.force = QCheckBox(
            "Overwrite notes I edited in the folder (a .conflict.md copy is kept)"
        )
        self.recreate = QCheckBox("Re-create notes I deleted from the folder")
        layout.addWidget(self.force)
        layout.addWidget(self.recreate)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Export notes to", self.folder.text() or str(Path.home())
        )
        if folder:
            self.folder.setText(folder)

    def _browse_template(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Note template",
            self.template.text(),
            "Jinja2 templates (*.j2 *.md *.txt);;All files (*)",
        )
        if path:
            self.template.setText(path)

    def _accept(self) -> None:
        if not self.folder.text().strip():
            QMessageBox.information(self, "Export to Markdown", "Choose a folder to export to.")
            return
        self.accept()

    def options(self) -> ExportOptions:
        """The export as chosen."""
        view: PaperFilter | None = None
        ids: list[int] | None = None
        if self.by_status.isChecked():
            view = PaperFilter(status=self.status.currentData())
        elif self.by_tag.isChecked() and self.tag.currentText():
            view = PaperFilter(tag=self.tag.currentText())
        elif self.by_rating.isChecked():
            view = PaperFilter(rating_min=self.rating.value())
        elif self.in_view.isChecked():
            view = self._view
        elif self.selected.isChecked():
            ids = self._selection
        template = self.template.text().strip()
        return ExportOptions(
            folder=Path(self.folder.text().strip()).expanduser(),
            view=view,
            paper_ids=ids,
            template=Path(template).expanduser() if template else None,
            force=self.force.isChecked(),
            recreate=self.recreate.isChecked(),
        )
