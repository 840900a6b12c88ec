"""What the window remembers between runs, in a QSettings INI file it is given.

Layout (geometry, splitters, columns and sort, pane visibility) is shared by every
library; the selected view and paper are kept per library, under a hash of its path.
Tests point the file into ``tmp_path``; nothing here reads the real configuration unless
told to.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from ui.views import ViewKey


def _bytes(value: object) -> QByteArray | None:
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


class WindowState:
    """Reads and writes the remembered state of one window on one library."""

    def __init__(self, path: Path, library_path: Path) -> None:
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)
        digest = hashlib.sha256(str(Path(library_path).absolute()).encode("utf-8"))
        self._group = f"library-{digest.hexdigest()[:16]}"

    # ------------------------------------------------------------------ the library's

    def view(self) -> ViewKey | None:
        """The view selected last time on this library."""
        return ViewKey.from_text(str(self._settings.value(f"{self._group}/view", "")))

    def paper(self) -> int | None:
        """The paper selected last time on this library."""
        text = str(self._settings.value(f"{self._group}/paper", ""))
        return int(text) if text.isdigit() else None

    def set_selection(self, view: ViewKey | None, paper: int | None) -> None:
        """Remember the selected view and paper."""
        if view is not None:
            self._settings.setValue(f"{self._group}/view", view.to_text())
        self._settings.setValue(f"{self._group}/paper", paper if paper is not None else "")

    # ------------------------------------------------------------------ the layout

    def restore_window(self, window: QMainWindow) -> None:
        """Geometry of the window."""
        geometry = _bytes(self._settings.value("window/geometry"))
        if geometry is not None:
            window.restoreGeometry(geometry)

    def restore_header(self, header: QHeaderView) -> bool:
        """Column order, widths, visibility and the sort indicator; False if none saved."""
        saved = _bytes(self._settings.value("window/header"))
        return saved is not None and header.restoreState(saved)

    def restore_splitter(self, name: str, splitter: QSplitter) -> bool:
        """Sizes of a splitter (call once the window has its real size); False if none
        were saved."""
        saved = _bytes(self._settings.value(f"window/{name}"))
        return saved is not None and splitter.restoreState(saved)

    def shares(self, name: str) -> list[float]:
        """A splitter's remembered shares of its width (empty when none are kept)."""
        text = str(self._settings.value(f"window/{name}Shares", "") or "")
        try:
            return [float(part) for part in text.split(",") if part.strip()]
        except ValueError:
            return []

    def set_shares(self, name: str, shares: tuple[float, ...]) -> None:
        """Remember a splitter's shares of its width (the proportion the user dragged)."""
        self._settings.setValue(f"window/{name}Shares", ",".join(f"{s:.6f}" for s in shares))

    def choice(self, name: str, default: str) -> str:
        """A remembered choice by name (the citation style), shared by every library."""
        return str(self._settings.value(f"choices/{name}", default))

    def set_choice(self, name: str, value: str) -> None:
        """Remember a choice (written at once)."""
        self._settings.setValue(f"choices/{name}", value)
        self._settings.sync()

    def flag(self, name: str, default: bool = True) -> bool:
        """A remembered on/off choice (pane visibility)."""
        return bool(self._settings.value(f"window/{name}", default, type=bool))

    def set_flag(self, name: str, value: bool) -> None:
        """Remember an on/off choice now (a setting of the window, such as moving on)."""
        self._settings.setValue(f"window/{name}", value)

    def save_layout(
        self,
        window: QMainWindow,
        header: QHeaderView,
        splitters: dict[str, QSplitter],
        flags: dict[str, bool],
    ) -> None:
        """Remember the layout."""
        settings = self._settings
        settings.setValue("window/geometry", window.saveGeometry())
        settings.setValue("window/header", header.saveState())
        for name, splitter in splitters.items():
            settings.setValue(f"window/{name}", splitter.saveState())
        for name, value in flags.items():
            settings.setValue(f"window/{name}", value)

    def sync(self) -> None:
        """Write to disk now."""
        self._settings.sync()
