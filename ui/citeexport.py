"""File ▸ Export Citations…'s save dialog: a filter per format, an "Only the selected
papers" box, and a file name whose extension follows the chosen format.

The dialog only asks; :mod:`ui.citations` runs the export
(:func:`ui.citejobs.export_job`) with what it answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QCheckBox, QFileDialog, QGridLayout, QLineEdit, QWidget

from ui.citejobs import plural

FORMATS: tuple[tuple[str, str, str], ...] = (
    ("bibtex", "BibTeX", "*.bib"),
    ("biblatex", "BibLaTeX", "*.bib"),
    ("csl-json", "CSL-JSON", "*.json"),
    ("ris", "RIS", "*.ris"),
)
"""The export formats as the save dialog lists them: id, name, file pattern."""

FORMAT_CHOICE = "citation-format"
"""The name the last format is remembered under (:class:`~ui.state.WindowState`)."""
FOLDER_CHOICE = "citation-folder"
"""The name the last folder is remembered under."""

ExportAnswer = Callable[[Path, str, Sequence[int] | None], None]
"""What the dialog calls when accepted: the file, the format and the papers (``None``:
every paper of the view)."""


def name_filter(fmt: str) -> str:
    """The save dialog's filter text for the format ``fmt``: ``BibTeX (*.bib)``."""
    for fid, name, pattern in FORMATS:
        if fid == fmt:
            return f"{name} ({pattern})"
    raise ValueError(f"unknown citation format {fmt!r}")


def format_of_filter(text: str) -> str:
    """The format id of a filter text from :func:`name_filter`."""
    for fid, name, pattern in FORMATS:
        if text == f"{name} ({pattern})":
            return fid
    return "bibtex"


def export_dialog(
    parent: QWidget,
    state: Any,
    ids: Sequence[int],
    selected: bool,
    answer: ExportAnswer,
) -> QFileDialog:
    """A save dialog for the citations (not yet open): in the last format and folder
    ``state`` remembers, offering only the ``ids`` selected (checked if ``selected``)."""
    dialog = QFileDialog(parent, "Export Citations")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilters([name_filter(f) for f, _, _ in FORMATS])
    last = state.choice(FORMAT_CHOICE, "bibtex")
    dialog.selectNameFilter(name_filter(last if last in {f for f, _, _ in FORMATS} else "bibtex"))
    dialog.setDirectory(state.choice(FOLDER_CHOICE, str(Path.home())))
    dialog.setDefaultSuffix(_suffix(format_of_filter(dialog.selectedNameFilter())))
    dialog.filterSelected.connect(lambda text: _follow_format(dialog, format_of_filter(text)))
    only = QCheckBox(f"Only the {plural(len(ids), 'selected paper')}")
    only.setEnabled(bool(ids))
    only.setChecked(selected and bool(ids))
    layout = dialog.layout()
    if isinstance(layout, QGridLayout):
        layout.addWidget(only, layout.rowCount(), 0, 1, layout.columnCount())
    dialog.only_selected = only  # type: ignore[attr-defined]
    dialog.selectFile("citations." + _suffix(format_of_filter(dialog.selectedNameFilter())))
    dialog.accepted.connect(
        lambda: answer(
            Path(dialog.selectedFiles()[0]),
            format_of_filter(dialog.selectedNameFilter()),
            ids if only.isChecked() else None,
        )
    )
    return dialog


def _follow_format(dialog: QFileDialog, fmt: str) -> None:
    """The file name's extension follows the chosen format (``refs.bib`` → ``refs.ris``)."""
    suffix = _suffix(fmt)
    dialog.setDefaultSuffix(suffix)
    edit = dialog.findChild(QLineEdit, "fileNameEdit")
    if isinstance(edit, QLineEdit):
        stem, dot, old = edit.text().rpartition(".")
        if dot and old in {"bib", "json", "ris"}:
            edit.setText(f"{stem}.{suffix}")


def _suffix(fmt: str) -> str:
    return {"csl-json": "json", "ris": "ris"}.get(fmt, "bib")


def failure_reason(exc: BaseException) -> BaseException:
    """What an export failure says: an OS error's own words, without its errno and path."""
    if isinstance(exc, OSError) and exc.strerror:
        return OSError(exc.strerror)
    return exc
