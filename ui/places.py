"""Opening things outside the window: the watched folder, the log folder, a paper's page.

Addresses go to the system (the browser, the file manager) through :attr:`Places.open_url`,
replaceable in tests. Opening a paper's page records the opening on the writer thread.
Addresses shown in the status bar use :func:`~ui.byline.display_url` (an IDN host that
could pass for another is shown in punycode).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, QUrlQuery, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from reader.library import Changes, Library, Paper
from ui.byline import display_url
from ui.errors import show_error
from ui.operations import OperationRunner

log = logging.getLogger(__name__)


class Places(QObject):
    """Opens folders and web pages for the window and says so in its status bar."""

    message = Signal(str, int)
    """A status-bar message and how long to show it (ms)."""

    def __init__(self, runner: OperationRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._runner = runner
        self._parent = parent
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        """How folders and web pages are opened (replaceable in tests)."""

    def open_folder(self, folders: Sequence[Path]) -> None:
        """Show the first watched folder in the file manager (created if missing)."""
        if not folders:
            self.message.emit("No folder is watched; choose one in Settings", 6000)
            return
        self._open_folder(folders[0], "Cannot open the folder")

    def show_file(self, path: Path) -> None:
        """Show the folder holding ``path`` in the file manager (the file is not touched)."""
        if not path.parent.is_dir():
            self.message.emit(f"The folder of {path.name} is not there any more", 8000)
            return
        if not path.exists():
            self.message.emit(f"{path.name} is not in its folder any more", 8000)
        self._open_folder(path.parent, "Cannot open the folder")

    def open_log_folder(self) -> None:
        """Help ▸ Open Log Folder: where Papershelf writes what went wrong."""
        from reader.logs import log_file

        self._open_folder(log_file().parent, "Cannot open the log folder")

    def _open_folder(self, folder: Path, problem: str) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            show_error(self._parent, problem, exc)
            return
        self.open_url(QUrl.fromLocalFile(str(folder)))

    def open_paper_page(self, paper: Paper | None) -> None:
        """Open the paper's page (its URL, arXiv, or a Hugging Face search) in the browser."""
        if paper is None:
            return
        if paper.url:
            url = QUrl(paper.url)
        elif paper.arxiv_id:
            url = QUrl(f"https://arxiv.org/abs/{paper.arxiv_id}")
        else:
            url = QUrl("https://huggingface.co/papers")
            query = QUrlQuery()
            query.addQueryItem("q", paper.title)
            url.setQuery(query)
        if url.scheme() not in {"http", "https"}:
            return
        self.message.emit(f"Opening {display_url(url)}", 6000)
        self.open_url(url)
        paper_id = paper.id

        def op(library: Library) -> Changes:
            return library.mark_opened(paper_id)

        self._runner.run(
            op,
            initiator=self,
            on_failure=lambda exc: log.warning(
                "opening of paper %s not recorded: %s", paper_id, exc
            ),
        )

    def open_link(self, url: QUrl) -> object:
        """Open a link the detail pane or the note preview vetted."""
        return self.open_url(url)

    def hovered(self, text: str) -> None:
        """Show the address under the mouse, already made safe to show (empty: clear)."""
        self.message.emit(text, 8000 if text else 0)
