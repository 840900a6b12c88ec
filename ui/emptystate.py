"""The first-run page shown instead of the list while the library holds no papers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.icons import pixmap


class EmptyState(QWidget):
    """Says where to put digests, with buttons to open that folder or import files."""

    open_folder_requested = Signal()
    choose_folder_requested = Signal()
    """No folder is watched yet: the user wants to choose one (Settings)."""
    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        column = QVBoxLayout()
        column.setSpacing(10)
        art = QLabel()
        tint = self.palette().color(QPalette.ColorRole.Highlight)
        art.setPixmap(pixmap("papershelf", 72, tint, ratio=self.devicePixelRatioF()))
        art.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(art)
        heading = QLabel("Your shelf is empty")
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.DemiBold)
        heading.setFont(font)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(heading)
        self.message = QLabel()
        self.message.setObjectName("mutedLabel")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setMinimumWidth(220)
        self.message.setMaximumWidth(460)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.message, 10)
        row.addStretch(1)
        column.addLayout(row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.open_button = QPushButton("Open watched folder")
        self.open_button.clicked.connect(self._open_or_choose)
        self._watching = False
        buttons.addWidget(self.open_button)
        self.import_button = QPushButton("Import files…")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.import_requested)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        column.addSpacing(6)
        column.addLayout(buttons)
        outer.addLayout(column)
        outer.addStretch(3)
        self.set_folders([])

    def set_folders(self, folders: Sequence[Path]) -> None:
        """Name the watched folder(s) in the message."""
        if folders:
            where = "<br>".join(f"<b>{_escape(str(f))}</b>" for f in folders)
            self.message.setText(
                "Save a Hugging Face <i>Daily Papers</i> page as a text file (select all, "
                f"copy, paste into a .txt file) in your watched folder:<br>{where}<br><br>"
                "Saved Daily Papers pages (HTML, Markdown, JSON), arXiv listing e-mails and "
                "RSS or Atom feeds work too. Papershelf imports new digests as soon as they "
                "appear there. You can also drop digest files or folders onto this window."
            )
        else:
            self.message.setText(
                "No folder is being watched. Import digest files — Hugging Face Daily Papers "
                "captures, arXiv listing e-mails or RSS and Atom feeds — with the button below "
                "or drop them onto this window, or choose a watched folder in Settings."
            )
        self._watching = bool(folders)  # else the button chooses one instead of a dead end
        self.open_button.setText("Open Watched Folder" if folders else "Choose Watched Folder…")

    def _open_or_choose(self) -> None:
        if self._watching:
            self.open_folder_requested.emit()
        else:
            self.choose_folder_requested.emit()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
