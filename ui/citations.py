"""Citations from the window: Edit ▸ Copy, the copy actions of the list's context menu,
File ▸ Export Citations…, the citation style chooser and Edit Citekey….

Nothing slow runs on the GUI thread. Citation records are read, and formatted, on a
reader thread of this module's own (a :class:`~reader.worker.LibraryReader` on the same
library, so a long export never holds up the window's searches); the clipboard is set,
or the file reported, when the result arrives (:class:`~ui.operations.QueryRunner`). A
newer copy supersedes one still being formatted; exports never supersede each other.
Files are written whole to a temporary file beside the target, then moved into place.
Editing a citekey is an undoable :class:`~ui.commands.EditCommand` on the writer thread.
The jobs themselves are :mod:`ui.citejobs`; the export's save dialog is :mod:`ui.citeexport`.

:func:`install_citations` builds it all into a main window with one call.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMenuBar,
    QMessageBox,
    QStatusBar,
    QWidget,
)

from reader.library import Changes, Library, PaperFilter, SortKey
from reader.worker import LibraryReader
from ui.citecache import CitationCacheFiller
from ui.citeexport import FOLDER_CHOICE, FORMAT_CHOICE, export_dialog, failure_reason
from ui.citejobs import CitekeyCommand, CopyJob, export_job, formatted_job, plural, text_job
from ui.edits import PaperEdits
from ui.operations import ChangeBus, OperationRunner, QueryRunner

STYLE_CHOICE = "citation-style"
"""The name the chosen style is remembered under (:class:`~ui.state.WindowState`)."""

STYLE_LICENCE = (
    "Citation styles (APA, IEEE, Chicago author-date) are the Citation Style Language "
    "project's styles (github.com/citation-style-language/styles), licensed CC BY-SA 3.0."
)
"""What Help ▸ About and the style menu say about the bundled CSL styles."""


class CitationWindow(Protocol):
    """What the citations need of the main window (it is one)."""

    library: Library
    runner: OperationRunner
    bus: ChangeBus
    edits: PaperEdits
    model: Any
    state: Any

    @property
    def paper_list(self) -> QWidget: ...

    def menuBar(self) -> QMenuBar: ...
    def statusBar(self) -> QStatusBar: ...
    def selected_ids(self) -> list[int]: ...


class Citations(QObject):
    """The window's citation actions and the background work behind them."""

    message = Signal(str, int)
    """A status-bar message and how long to show it (ms)."""
    copied = Signal(int)
    """The clipboard now holds citations of this many papers."""
    exported = Signal(object, int)
    """A file was written: its path and how many papers it holds."""
    failed = Signal(str)
    """A copy or export failed: the one-line message shown."""

    def __init__(self, window: CitationWindow, parent: QWidget) -> None:
        super().__init__(parent)
        self._window = window
        self._parent = parent
        self._reader: LibraryReader | None = None
        self._queries: QueryRunner | None = None
        self.cache = CitationCacheFiller(window.library.path, lambda: self.style_id, self)
        """The citation cache beside the library, and its filling after changes."""
        self._exports = itertools.count()
        self.error_box: QMessageBox | None = None
        """The last failure's message (kept for tests and for the user to read)."""
        self.export_dialog: QFileDialog | None = None

        self.copy = self._action(
            "&Copy Citation", self.copy_formatted, QKeySequence.StandardKey.Copy
        )
        self.copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        window.paper_list.addAction(self.copy)  # Ctrl+C in the list; fields keep their own
        self.copy_bibtex = self._action("Copy as &BibTeX", lambda: self.copy_text("bibtex"))
        self.copy_link = self._action("Copy as &Link", lambda: self.copy_text("link"))
        self.copy_citekey = self._action("Copy Cite&key", lambda: self.copy_text("citekey"))
        self.edit_citekey = self._action("Edit Citekey…", self.ask_citekey)
        self.export = self._action(
            "Export &Citations…", lambda: self.choose_export(False), "Ctrl+Shift+B"
        )
        self.export_selected = self._action(
            "Export Selected Citations…", lambda: self.choose_export(True)
        )
        self.style_menu = QMenu("Citation &Style", parent)
        self.styles = QActionGroup(self)
        from reader.cite.csl import DEFAULT_STYLE, STYLES

        chosen = window.state.choice(STYLE_CHOICE, DEFAULT_STYLE)
        chosen = chosen if chosen in STYLES else DEFAULT_STYLE
        for style in STYLES.values():
            action = self.style_menu.addAction(style.title)
            action.setCheckable(True)
            action.setChecked(style.id == chosen)
            action.setData(style.id)
            self.styles.addAction(action)
        self.styles.triggered.connect(
            lambda a: self._window.state.set_choice(STYLE_CHOICE, str(a.data()))
        )
        self.styles.triggered.connect(lambda _a: self.cache.start())  # render the new style
        self.style_menu.addSeparator()
        licence = self.style_menu.addAction("Styles: CSL project, CC BY-SA 3.0")
        licence.setEnabled(False)
        licence.setToolTip(STYLE_LICENCE)

    def _action(self, text: str, slot: Callable[[], object], shortcut: Any = None) -> QAction:
        action = QAction(text, self._parent)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    @property
    def style_id(self) -> str:
        """The chosen citation style."""
        checked = self.styles.checkedAction()
        return str(checked.data()) if checked is not None else "apa"

    @property
    def paper_actions(self) -> list[QAction]:
        """What the list's context menu adds for the selection."""
        return [
            self.copy,
            self.copy_bibtex,
            self.copy_link,
            self.copy_citekey,
            self.edit_citekey,
            self.export_selected,
        ]

    @property
    def busy(self) -> bool:
        """Whether a copy or export has not arrived yet."""
        return self._queries is not None and self._queries.busy

    def _runner_reader(self) -> LibraryReader:
        if self._reader is None:
            self._reader = LibraryReader(self._window.library.path)
        return self._reader

    def _runner(self) -> QueryRunner:
        if self._queries is None:
            self._queries = QueryRunner(self._runner_reader(), self)
        return self._queries

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.close()  # the window is closing: its library goes too
        return False

    def close(self) -> None:
        """Stop the reader thread (the window is closing)."""
        self.cache.close()
        if self._queries is not None:
            self._queries.close()
        if self._reader is not None:
            self._reader.close()
        self.cache.close_cache()

    # ------------------------------------------------------------------ copying

    def copy_formatted(self) -> None:
        """Edit ▸ Copy: the selection as formatted citations in the chosen style."""
        ids, cache = self._window.selected_ids(), self.cache
        self._copy(formatted_job(ids, self.style_id, cache.cache, cache.render_now))

    def copy_text(self, kind: str) -> None:
        """Copy as BibTeX (``bibtex``), Link (``link``) or Citekey (``citekey``)."""
        self._copy(text_job(self._window.selected_ids(), kind))

    def _copy(self, job: CopyJob) -> None:
        if not self._window.selected_ids():
            self.message.emit("Select the papers to copy first", 4000)
            return
        self.message.emit("Copying citations…", 0)
        self._runner().run("copy", job, self._copied, lambda exc: self._fail("copied", exc))

    def _copied(self, result: tuple[str, str, int]) -> None:
        plain, rich, count = result
        mime = QMimeData()
        mime.setText(plain)
        if rich:
            mime.setHtml(rich)
        QGuiApplication.clipboard().setMimeData(mime)
        noun = "citation"
        self.message.emit(f"Copied {plural(count, noun)}", 5000)
        self.copied.emit(count)

    def _fail(self, what: str, exc: BaseException) -> None:
        text = f"The citations could not be {what}: {exc}"
        self.message.emit(text, 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Citations", text, parent=self._parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.error_box = box
        box.open()
        self.failed.emit(text)

    # ------------------------------------------------------------------ exporting

    def choose_export(self, selected: bool) -> None:
        """File ▸ Export Citations…: a save dialog with a filter per format."""
        ids = self._window.selected_ids()
        dialog = export_dialog(self._parent, self._window.state, ids, selected, self.export_to)
        self.export_dialog = dialog
        dialog.open()

    def export_to(self, target: Path, fmt: str, ids: Sequence[int] | None) -> None:
        """Write the citations of ``ids`` (``None``: every paper of the view) to ``target``."""
        self._window.state.set_choice(FORMAT_CHOICE, fmt)
        self._window.state.set_choice(FOLDER_CHOICE, str(target.parent))
        model = self._window.model
        view: tuple[PaperFilter, SortKey, bool] = (model.view, model.sort_key, model.descending)
        shown = model.ids() if ids is None and model.complete else None
        chosen = list(ids) if ids is not None else None
        self.message.emit(f"Exporting citations to {target.name}…", 0)
        self._runner().run(
            f"export-{next(self._exports)}",
            export_job(target, fmt, chosen, shown, view),
            lambda count: self._exported(target, count),
            lambda exc: self._fail(f"written to {target}", failure_reason(exc)),
        )

    def _exported(self, target: Path, count: int) -> None:
        self.message.emit(f"Exported {plural(count, 'citation')} to {target}", 10000)
        self.exported.emit(target, count)

    # ------------------------------------------------------------------ the citekey

    def ask_citekey(self) -> None:
        """Edit Citekey…: type a new key for the current paper (undoable)."""
        ids = self._window.selected_ids()
        if len(ids) != 1:
            self.message.emit("Select one paper to edit its citekey", 4000)
            return
        paper_id = ids[0]
        current = self._window.library.citekeys([paper_id]).get(paper_id, "")
        dialog = QInputDialog(self._parent)
        dialog.setWindowTitle("Edit Citekey")
        dialog.setLabelText("Citekey (letters, digits and : . - _ / +):")
        dialog.setTextValue(current)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.textValueSelected.connect(lambda key: self.set_citekey(paper_id, key))
        self.citekey_dialog = dialog
        dialog.open()

    def set_citekey(self, paper_id: int, key: str) -> None:
        """Give ``paper_id`` the key ``key`` on the writer thread; a taken or invalid key
        is refused with its one-line message."""
        command = CitekeyCommand(paper_id, key)

        def done(changes: Changes) -> None:
            if not changes.empty:
                self._window.edits.record(command)
                self.message.emit(f"The citekey is now {key.strip()}", 5000)

        self._window.runner.run(
            command.do,
            on_success=done,
            on_failure=lambda exc: self._fail("changed", exc),
        )

    # ------------------------------------------------------------------ menus

    def add_to_menus(self, menu_bar: QMenuBar) -> None:
        """Edit ▸ Copy and Citation Style, File ▸ Export Citations…."""
        menus = {a.text().replace("&", ""): a.menu() for a in menu_bar.actions() if a.menu()}
        file, edit = menus.get("File"), menus.get("Edit")
        if isinstance(file, QMenu):
            after = next((a for a in file.actions() if a.text().startswith("&Export")), None)
            _insert_after(file, after, [self.export])
        if isinstance(edit, QMenu):
            items = edit.actions()
            first_separator = next((a for a in items if a.isSeparator()), None)
            _insert_after(edit, first_separator, [self.copy, self.style_menu.menuAction()])
            items = edit.actions()
            after_style = items.index(self.style_menu.menuAction()) + 1
            if after_style < len(items) and not items[after_style].isSeparator():
                edit.insertSeparator(items[after_style])


def _insert_after(menu: QMenu, after: QAction | None, actions: list[QAction]) -> None:
    items = menu.actions()
    index = items.index(after) + 1 if after in items else len(items)
    before = items[index] if index < len(items) else None
    for action in actions:
        if before is None:
            menu.addAction(action)
        else:
            menu.insertAction(before, action)


def install_citations(window: CitationWindow, paper_actions: list[QAction]) -> Citations:
    """Build the citation actions into ``window``: its menus, ``paper_actions`` (the list's
    context menu) and its status bar. Returns them (``window.citations``)."""
    assert isinstance(window, QWidget)
    citations = Citations(window, window)
    citations.message.connect(window.statusBar().showMessage)
    citations.add_to_menus(window.menuBar())
    paper_actions.extend(citations.paper_actions)
    window.installEventFilter(citations)
    window.bus.changed.connect(citations.cache.on_changes)
    citations.cache.start()
    return citations
