"""Telling people what went wrong: environment errors plainly, bugs with a log and a dialog.

Library errors the machine causes (a locked or read-only file, a full disk, a damaged
library — :class:`~reader.library.LibraryEnvironmentError`) are shown as what happened and
what to do. Anything else escaping to the event loop is a bug: :func:`install_excepthook`
logs it with its traceback to the log folder and shows a dialog rather than only printing
to a console nobody sees.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from reader.library import (
    DiskFullError,
    LibraryCorruptError,
    LibraryEnvironmentError,
    LibraryLockedError,
    LibraryReadOnlyError,
    LibraryUsageError,
)

log = logging.getLogger("papershelf")

ADVICE: list[tuple[type[Exception], str]] = [
    (DiskFullError, "Free some space on that disk, then try again. Nothing saved was lost."),
    (LibraryReadOnlyError, "Check that you may write to the library file and its folder."),
    (LibraryLockedError, "Another program is using the library. Close it and try again."),
    (
        LibraryCorruptError,
        "Restore a backup (papershelf restore), or open another library with --library.",
    ),
    (LibraryEnvironmentError, "Check the disk and the file's permissions, then try again."),
]


def advice_for(exc: BaseException) -> str:
    """What the user can do about ``exc``."""
    return next((text for kind, text in ADVICE if isinstance(exc, kind)), "")


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """A warning dialog for an error the user can act on."""
    box = QMessageBox(parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote paths and tag names
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(_sentence(str(exc)))
    advice = advice_for(exc)
    if advice:
        box.setInformativeText(advice)
    box.exec()


def is_expected(exc: BaseException) -> bool:
    """Errors that are the environment's or the user's, not bugs."""
    return isinstance(exc, (LibraryEnvironmentError, LibraryUsageError, OSError))


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return "Something went wrong."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def install_excepthook(log_file: Path) -> Callable[..., None]:
    """Show unexpected exceptions in a dialog (and log them); returns the previous hook."""
    previous = sys.excepthook
    showing = False

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        if is_expected(exc):
            log.warning("%s", exc)
        else:
            log.error("unexpected error", exc_info=(kind, exc, tb))
        if showing or QApplication.instance() is None:
            previous(kind, exc, tb)
            return
        showing = True
        try:
            parent = QApplication.activeWindow()
            if is_expected(exc):
                show_error(parent, "Papershelf", exc)
                return
            box = QMessageBox(parent)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle("Papershelf — unexpected error")
            box.setText(
                "Something unexpected went wrong. Your papers and notes are safe; the last "
                "action may not have completed."
            )
            box.setInformativeText(f"The details were written to {log_file}.")
            box.setDetailedText("".join(traceback.format_exception(kind, exc, tb)))
            box.exec()
        finally:
            showing = False

    sys.excepthook = hook
    return previous
