"""The main window: sidebar, paper list and detail pane, wired to the library.

Reads and the user's small edits use the GUI thread's :class:`Library` (milliseconds each);
imports and exports run on the :class:`LibraryWorker`. Every write comes back as
:class:`Changes` and :meth:`MainWindow.apply_changes` refreshes only what changed: the rows
of those papers, the counts, the tag and digest lists when they changed.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reader.library import (
    Changes,
    DigestStatus,
    Library,
    LibraryError,
    LibraryUsageError,
    QueryError,
    SortKey,
    Status,
)
from reader.paths import config_dir, data_dir
from reader.settings import Settings
from reader.worker import LibraryWorker
from ui.detail import DetailPane
from ui.edits import PaperEdits
from ui.emptystate import EmptyState
from ui.errors import show_error
from ui.icons import app_icon
from ui.menus import WindowActions
from ui.models import Column, PaperTableModel
from ui.paperlist import PaperListView
from ui.search import SearchField
from ui.sidebar import INBOX, SidebarModel, SidebarView, ViewKey
from ui.state import WindowState
from ui.tasks import TaskRunner
from ui.transfers import Transfers
from ui.watching import WatchService

log = logging.getLogger(__name__)

DEFAULT_SIZE = (1280, 800)
SPLITTER_SIZES = (220, 640, 420)
DIGEST_PREVIEW = 100
"""Digests listed in the sidebar until the user asks for all of them."""
BIG_SELECTION = 5000
"""Above this many selected papers the detail pane does not read their rows."""


class MainWindow(QMainWindow):
    """Papershelf's three-pane window on one library."""

    def __init__(
        self,
        library: Library,
        worker: LibraryWorker,
        settings: Settings,
        *,
        watch: WatchService | None = None,
        state_path: Path | None = None,
        settings_path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.worker = worker
        self.settings = settings
        self.watch = watch
        self._settings_path = settings_path
        self.state = WindowState(state_path or config_dir() / "window.ini", library.path)
        self.tasks = TaskRunner(worker, self)
        self.edits = PaperEdits(self)
        self.transfers = Transfers(self)
        self._closed = False
        self._library_empty = False
        self._splitters_restored = False
        self._all_digests = False
        self.open_url = QDesktopServices.openUrl
        """How folders and web pages are opened (replaceable in tests)."""

        self.setWindowTitle(f"Papershelf — {library.path.name}")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self._build()
        self.menu_actions = WindowActions(self)
        self.menu_actions.build_menus()
        stack = self.edits.undo_stack
        stack.canUndoChanged.connect(self.menu_actions.undo.setEnabled)
        stack.canRedoChanged.connect(self.menu_actions.redo.setEnabled)
        stack.undoTextChanged.connect(
            lambda text: self.menu_actions.undo.setText(f"&Undo {text}" if text else "&Undo")
        )
        stack.redoTextChanged.connect(
            lambda text: self.menu_actions.redo.setText(f"&Redo {text}" if text else "&Redo")
        )
        if watch is not None:
            watch.report.connect(self.transfers.handle_report)
            watch.error.connect(self.transfers.watch_error)
        self._load()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.model = PaperTableModel(self.library, self)
        self.sidebar_model = SidebarModel(self)
        self.sidebar = SidebarView(self.sidebar_model)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setMinimumWidth(140)
        self.sidebar.view_selected.connect(self._view_selected)
        self.sidebar.show_all_digests_requested.connect(
            self.show_all_digests, Qt.ConnectionType.QueuedConnection
        )
        self.sidebar.rename_tag_requested.connect(self.edits.rename_tag)
        self.sidebar.merge_tag_requested.connect(self.edits.merge_tag)
        self.sidebar.delete_tag_requested.connect(self.edits.delete_tag)

        self.paper_list = PaperListView(self.model)
        self.paper_list.selection_changed_ids.connect(self._selection_changed)
        self.paper_list.rating_delegate.rating_clicked.connect(self._rating_clicked)
        self.paper_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.paper_list.customContextMenuRequested.connect(self._list_menu)
        self.paper_list.doubleClicked.connect(lambda _index: self.open_paper_page())
        header = self.paper_list.horizontalHeader()
        header.sortIndicatorChanged.connect(lambda *_: self._update_title())

        self.search = SearchField()
        self.search.setMaximumWidth(360)
        self.search.setMinimumWidth(160)
        self.search.search_changed.connect(self._search_changed)
        self.search.leave_requested.connect(self._focus_list)

        self.view_title = QLabel()
        self.view_title.setObjectName("viewTitle")
        font = self.view_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.view_title.setFont(font)
        self.view_count = QLabel()
        self.view_count.setObjectName("viewCount")
        for label in (self.view_title, self.view_count):
            label.setMinimumWidth(10)  # a narrow list clips its heading, it does not push back

        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(0)
        top = QHBoxLayout()
        top.setContentsMargins(12, 8, 8, 8)
        top.setSpacing(8)
        top.addWidget(self.view_title, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.view_count, 0, Qt.AlignmentFlag.AlignTop)
        top.addStretch(1)
        top.addWidget(self.search, 0, Qt.AlignmentFlag.AlignTop)
        list_layout.addLayout(top)
        list_layout.addWidget(self.paper_list, 1)

        self.empty_state = EmptyState()
        self.empty_state.import_requested.connect(self.transfers.choose_import)
        self.empty_state.open_folder_requested.connect(self.open_watched_folder)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(list_page)
        self.list_stack.addWidget(self.empty_state)
        self._list_page = list_page

        self.detail = DetailPane(self.edits.save_note)
        self.detail.rating_edited.connect(self.rate_selection)
        self.detail.status_edited.connect(self.set_status_selection)
        self.detail.tags_added.connect(self.add_tags_to_selection)
        self.detail.tag_removed.connect(self.remove_tag_from_selection)
        self.detail.tags.leave_requested.connect(self._focus_list)
        self.detail.note.leave_requested.connect(self._focus_list)
        self.detail.note.preview.link_hovered.connect(self._link_hovered)
        self.detail.note.preview.link_refused.connect(
            lambda url: self.statusBar().showMessage(
                f"Not opened (only web and mail links are): {url}", 8000
            )
        )
        self.detail.note.preview.open_url = self._open_url
        self.detail.link_hovered.connect(self._link_hovered)
        self.detail.link_activated.connect(self._open_url)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.list_stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes(list(SPLITTER_SIZES))
        self.setCentralWidget(self.splitter)

        bar = self.statusBar()
        bar.setSizeGripEnabled(True)
        self.watch_label = QLabel()
        self.watch_label.setObjectName("watchLabel")
        bar.addPermanentWidget(self.transfers.progress)
        bar.addPermanentWidget(self.transfers.cancel_button)
        bar.addPermanentWidget(self.watch_label)
        self.resize(*DEFAULT_SIZE)

    # ------------------------------------------------------------------ loading and state

    def _load(self) -> None:
        self.refresh_sidebar(counts=True, tags=True, digests=True)
        self._restore_layout()
        self.empty_state.set_folders(self.settings.watched_folders)
        key = self.state.view()
        if (
            key is not None
            and key.kind == "digest"
            and not self.sidebar_model.index_of(key).isValid()
        ):
            self.show_all_digests()  # an older digest than the sidebar lists at first
        if key is None or not self.sidebar.select_key(key):
            self.sidebar.select_key(INBOX)
        paper = self.state.paper()
        if paper is not None:
            self.paper_list.select_ids([paper])
        self._update_empty_state()

    def _restore_layout(self) -> None:
        self.state.restore_window(self)
        header = self.paper_list.horizontalHeader()
        if self.state.restore_header(header):
            header.setSectionResizeMode(Column.TITLE, header.ResizeMode.Stretch)
        column = header.sortIndicatorSection()
        if 0 <= column < len(Column):
            self.model.set_sort(
                Column(column).sort_key,
                descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
            )
        self.menu_actions.show_sidebar.setChecked(self.state.flag("sidebarVisible"))
        self.menu_actions.show_detail.setChecked(self.state.flag("detailVisible"))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._splitters_restored:
            # Splitter sizes are restored once the window has its real size, so they are
            # not redistributed by the first resize.
            self._splitters_restored = True
            self.state.restore_splitter("splitter", self.splitter)
            self.state.restore_splitter("detailSplitter", self.detail.splitter)

    def save_state(self) -> None:
        """Remember geometry, splitters, columns, sort, the view and the paper."""
        self.state.save_layout(
            self,
            self.paper_list.horizontalHeader(),
            {"splitter": self.splitter, "detailSplitter": self.detail.splitter},
            {
                "sidebarVisible": self.menu_actions.show_sidebar.isChecked(),
                "detailVisible": self.menu_actions.show_detail.isChecked(),
            },
        )
        self.state.set_selection(self.sidebar.current_key, self.paper_list.current_id())
        self.state.sync()

    def start_watching(self) -> None:
        """Start the folder watcher (after the window is shown: it scans the folders)."""
        if self.watch is None:
            self.watch_label.setText("")
            return
        if self.watch.start():
            folders = self.settings.watched_folders
            first = str(folders[0]) if folders else ""
            more = f" and {len(folders) - 1} more" if len(folders) > 1 else ""
            self.watch_label.setText(f"Watching {Path(first).name}{more}")
            self.watch_label.setToolTip(
                "Digests saved here are imported:\n" + "\n".join(str(f) for f in folders)
            )
        else:
            self.watch_label.setText("Not watching")
            self.watch_label.setToolTip(self.watch.problem or "")
            self.statusBar().showMessage(f"Not watching folders: {self.watch.problem}", 10000)

    # ------------------------------------------------------------------ refreshing

    def refresh_sidebar(self, *, counts: bool, tags: bool, digests: bool) -> None:
        """Re-read the counts, the tag list and/or the import log into the sidebar."""
        if counts:
            view_counts = self.library.view_counts()
            self.sidebar_model.set_counts(view_counts)
            self._library_empty = view_counts.all == 0
        if tags:
            tag_list = self.library.tags()
            self.sidebar_model.set_tags(tag_list)
            self.detail.tags.set_completions([t.name for t in tag_list])
        if digests:
            if self._all_digests:
                records, more = self.library.digests(), False
            else:
                records = self.library.digests(limit=DIGEST_PREVIEW + 1)
                more = len(records) > DIGEST_PREVIEW
            self.sidebar_model.set_digests(records[:DIGEST_PREVIEW] if more else records, more=more)
        if tags or digests:
            self.sidebar.restore_selection()

    def show_all_digests(self) -> None:
        """List every digest in the sidebar (not only the newest)."""
        self._all_digests = True
        self.sidebar.restore_selection()  # off the "Show all" item before it goes away
        self.refresh_sidebar(counts=False, tags=False, digests=True)

    def apply_changes(self, changes: Changes, *, from_note: bool = False) -> None:
        """Refresh what ``changes`` touched: rows, counts, tags, digests, the detail pane."""
        if changes.empty:
            return
        self.model.refresh(changes.paper_ids)
        if changes.paper_ids or changes.papers_added:
            self.refresh_sidebar(counts=True, tags=changes.tags, digests=changes.digests)
        else:
            self.refresh_sidebar(counts=False, tags=changes.tags, digests=changes.digests)
        requeried = False
        if changes.papers_added or self._membership_may_change(changes, from_note=from_note):
            requeried = self._requery()
        if not requeried and not from_note:
            self._refresh_detail(changes.paper_ids)
        self._update_empty_state()
        self._update_title()

    def apply_imported(self, changes: Changes) -> None:
        """Refresh after imports; the first papers of an empty library get selected."""
        was_empty = self._library_empty
        self.apply_changes(changes)
        if was_empty and not self._library_empty and not self.selected_ids():
            self.paper_list.select_row(0)

    def _membership_may_change(self, changes: Changes, *, from_note: bool) -> bool:
        view = self.model.view
        if not changes.paper_ids:
            return changes.tags and view.tag is not None
        if from_note:
            # A saved note never moves papers while the user types (a search that matches
            # the note's words catches up when the search or view changes).
            return False
        filtered = (
            view.status is not None
            or view.tag is not None
            or view.rating_min is not None
            or bool(view.search)
        )
        return filtered or self.model.sort_key in {SortKey.RATING, SortKey.STATUS, SortKey.TAGS}

    def _requery(self) -> bool:
        try:
            return self.model.requery()
        except (QueryError, LibraryError) as exc:
            self.search.show_error(str(exc))
            return False

    def _refresh_detail(self, paper_ids: frozenset[int]) -> None:
        paper = self.detail.paper
        if paper is not None:
            if paper.id in paper_ids:
                self._show_paper(paper.id)
            return
        selected = self.paper_list.selected_ids()
        if len(selected) > 1 and paper_ids & set(selected):
            self._selection_changed(selected)

    def _update_empty_state(self) -> None:
        empty = self._library_empty
        self.list_stack.setCurrentWidget(self.empty_state if empty else self._list_page)

    def _update_title(self) -> None:
        key = self.sidebar.current_key
        title = key.title if key is not None else "Papers"
        if key is not None and key.kind == "digest":
            record = self.sidebar_model.digest_record(int(key.value or 0))
            if record is not None:
                title = record.name
        self.view_title.setText(title)
        rows = self.model.rowCount()
        noun = "paper" if rows == 1 else "papers"
        self.view_count.setText(f"{rows:,} {noun}" + (" found" if self.model.view.search else ""))
        self.search.set_placeholder(
            title if key is not None and key.kind != "digest" else "this digest"
        )

    # ------------------------------------------------------------------ views and search

    def _view_selected(self, key: ViewKey) -> None:
        self._apply_view(key, self.search.text())
        self.paper_list.select_row(0)
        if self.model.rowCount() == 0:
            self._selection_changed([])

    def _search_changed(self, text: str) -> None:
        key = self.sidebar.current_key or INBOX
        current = self.paper_list.current_id()
        if not self._apply_view(key, text):
            return
        # The paper being read stays selected while it still matches; else the best match.
        if current is None or not self.paper_list.select_ids([current], current):
            self.paper_list.select_row(0)

    def _apply_view(self, key: ViewKey, search: str) -> bool:
        view = dataclasses.replace(key.paper_filter(), search=search.strip())
        try:
            self.model.set_view(view)
        except QueryError as exc:
            self.search.show_error(str(exc))
            return False
        except LibraryError as exc:  # an FTS expression SQLite refuses
            self.search.show_error(f"The search could not run: {exc}")
            return False
        self.search.show_error(None)
        if search.strip():
            self.paper_list.empty_text = f"No papers in {key.title} match “{search.strip()}”."
        elif key.kind == "digest":
            record = self.sidebar_model.digest_record(int(key.value or 0))
            failed = record is not None and record.status is DigestStatus.FAILED
            self.paper_list.empty_text = (
                "This file could not be imported: see why on the right."
                if failed
                else "No papers came from this digest."
            )
        else:
            self.paper_list.empty_text = f"No papers in {key.title}."
        self._update_title()
        return True

    def focus_search(self) -> None:
        """Ctrl+F."""
        self.search.focus()

    def _focus_list(self) -> None:
        self.paper_list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.paper_list.currentIndex().isValid():
            self.paper_list.select_row(0)

    # ------------------------------------------------------------------ selection and detail

    def _selection_changed(self, ids: list[int]) -> None:
        if len(ids) == 1:
            self._show_paper(ids[0])
        elif len(ids) > 1:
            rows = self.library.rows(ids) if len(ids) <= BIG_SELECTION else []
            if rows:
                self.detail.show_selection(rows)
            else:
                self.detail.show_nothing(
                    f"{len(ids):,} papers selected. Use the Edit menu to rate, move or tag them all."
                )
        else:
            key = self.sidebar.current_key
            record = (
                self.sidebar_model.digest_record(int(key.value or 0))
                if key is not None and key.kind == "digest"
                else None
            )
            if record is not None:
                self.detail.show_digest(record)
            elif self._library_empty:
                self.detail.show_nothing(" ")  # the list area explains what to do
            else:
                self.detail.show_nothing()

    def _show_paper(self, paper_id: int) -> None:
        try:
            paper = self.library.paper(paper_id)
        except LibraryUsageError:
            self.detail.show_nothing()
            return
        self.detail.show_paper(paper)

    def selected_ids(self) -> list[int]:
        """The papers the edit actions apply to."""
        return self.paper_list.selected_ids()

    def move_selection(self, step: int) -> None:
        """j/k: the next or previous paper."""
        self.paper_list.move_current(step)

    def focus_tags(self) -> None:
        """t: type a tag for the selection."""
        if self.selected_ids():
            self.detail.tags.input.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_note(self) -> None:
        """n: write in the current paper's note."""
        if self.detail.paper is not None:
            self.detail.note.start_editing()

    def rate_selection(self, stars: int) -> None:
        """Rate the selected papers (0 clears); undoable."""
        self.edits.rate(self.selected_ids(), stars)

    def set_status_selection(self, status: Status) -> None:
        """Move the selected papers to ``status``; undoable."""
        self.edits.set_status(self.selected_ids(), status)

    def add_tags_to_selection(self, names: Sequence[str]) -> None:
        """Tag the selected papers; undoable."""
        self.edits.add_tags(self.selected_ids(), names)

    def remove_tag_from_selection(self, name: str) -> None:
        """Take ``name`` off the selected papers; undoable."""
        self.edits.remove_tag(self.selected_ids(), name)

    def _rating_clicked(self, paper_id: int, stars: int) -> None:
        ids = self.selected_ids()
        self.edits.rate(ids if paper_id in ids else [paper_id], stars)

    # ------------------------------------------------------------------ drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() and all(url.isLocalFile() for url in mime.urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() and all(url.isLocalFile() for url in mime.urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.transfers.import_paths(paths)

    def save_settings(self) -> bool:
        """Write the settings file; False (after saying why) when it cannot be written."""
        from reader.settings import SettingsError

        try:
            self.settings.save(self._settings_path)
        except SettingsError as exc:
            show_error(self, "Settings not saved", exc)
            return False
        return True

    # ------------------------------------------------------------------ settings and help

    def show_settings(self) -> None:
        """The Settings dialog; saving restarts the watcher."""
        from ui.dialogs import SettingsDialog

        dialog = SettingsDialog(self.settings, self.library.path, data_dir(), self)
        self.settings_dialog = dialog
        dialog.accepted.connect(lambda: self.apply_settings(dialog.result_settings()))
        dialog.open()

    def apply_settings(self, settings: Settings) -> None:
        """Use (and save) new settings: the watcher restarts on the new folders."""
        changed_watch = (
            settings.watched_folders != self.settings.watched_folders
            or settings.recursive != self.settings.recursive
            or settings.polling != self.settings.polling
        )
        self.settings = settings
        self.save_settings()
        self.empty_state.set_folders(settings.watched_folders)
        if changed_watch and self.watch is not None:
            self.watch.restart(settings)
            self.start_watching_label()

    def start_watching_label(self) -> None:
        """Update the status bar's watch indicator after a restart."""
        if self.watch is not None and self.watch.watcher is not None:
            folders = self.settings.watched_folders
            self.watch_label.setText(
                f"Watching {folders[0].name}"
                + (f" and {len(folders) - 1} more" if len(folders) > 1 else "")
            )
        else:
            self.watch_label.setText("Not watching")

    def open_watched_folder(self) -> None:
        """Show the first watched folder in the file manager."""
        folders = self.settings.watched_folders
        if not folders:
            self.statusBar().showMessage("No folder is watched; choose one in Settings", 6000)
            return
        folder = folders[0]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            show_error(self, "Cannot open the folder", exc)
            return
        self.open_url(QUrl.fromLocalFile(str(folder)))

    def back_up_if_due(self) -> None:
        """Make today's backup (with the full integrity check) on the writer thread."""
        from reader.library.backup import backup_if_due

        def done(made: object) -> None:
            if made is not None:
                self.statusBar().showMessage(
                    "Today's backup of the library is made and checked", 5000
                )

        def failed(exc: BaseException) -> None:
            from reader.library import LibraryDamagedError

            if isinstance(exc, LibraryDamagedError):
                from reader.library.opening import damage_warning

                self.show_library_warnings([damage_warning(self.library.path, exc.reason)])
            else:
                self.statusBar().showMessage(f"Today's backup was not made: {exc}", 10000)

        if self.worker.closed:  # the window closed before the backup's turn came
            return
        path = self.library.path
        self.tasks.run(lambda _library: backup_if_due(path), done, failed)

    def show_library_warnings(self, warnings: list[str]) -> None:
        """Say what is wrong with the library (damaged: read-only, with backups to restore)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Papershelf — the library needs attention")
        box.setText(warnings[0][:1].upper() + warnings[0][1:])
        if len(warnings) > 1:
            box.setInformativeText("\n\n".join(warnings[1:]))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()

    def open_log_folder(self) -> None:
        """Help ▸ Open Log Folder: where Papershelf writes what went wrong."""
        from reader.logs import log_file

        folder = log_file().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            show_error(self, "Cannot open the log folder", exc)
            return
        self.open_url(QUrl.fromLocalFile(str(folder)))

    def open_paper_page(self) -> None:
        """Open the paper's page (its URL, arXiv, or a Hugging Face search) in the browser."""
        paper = self.detail.paper
        if paper is None:
            return
        if paper.url:
            url = QUrl(paper.url)
        elif paper.arxiv_id:
            url = QUrl(f"https://arxiv.org/abs/{paper.arxiv_id}")
        else:
            url = QUrl("https://huggingface.co/papers")
            from PySide6.QtCore import QUrlQuery

            query = QUrlQuery()
            query.addQueryItem("q", paper.title)
            url.setQuery(query)
        if url.scheme() not in {"http", "https"}:
            return
        self.statusBar().showMessage(f"Opening {url.toString()}", 6000)
        self.open_url(url)
        try:
            self.library.mark_opened(paper.id)
        except LibraryError as exc:
            log.warning("could not record the opening of paper %s: %s", paper.id, exc)

    def _open_url(self, url: QUrl) -> object:
        return self.open_url(url)

    def _link_hovered(self, url: str) -> None:
        if url:
            self.statusBar().showMessage(url, 8000)
        else:
            self.statusBar().clearMessage()

    def show_search_help(self) -> None:
        """Help ▸ Search Syntax."""
        from ui.help import search_help_box

        self.help_box = search_help_box(self)
        self.help_box.open()

    def show_shortcuts(self) -> None:
        """Help ▸ Keyboard Shortcuts."""
        from ui.help import shortcuts_box

        self.help_box = shortcuts_box(self)
        self.help_box.open()

    def show_about(self) -> None:
        """Help ▸ About: versions and where things are."""
        from ui.help import about_text

        QMessageBox.about(
            self, "About Papershelf", about_text(self.library.path, data_dir(), config_dir())
        )

    def set_sidebar_visible(self, visible: bool) -> None:
        """View ▸ Show Sidebar."""
        self.sidebar.setVisible(visible)

    def set_detail_visible(self, visible: bool) -> None:
        """View ▸ Show Detail Pane."""
        self.detail.setVisible(visible)

    # ------------------------------------------------------------------ context menu

    def _list_menu(self, pos: QPoint) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        tags: dict[str, str] = {}
        for row in self.library.rows(ids[:BIG_SELECTION]):
            for tag in row.tags:
                tags.setdefault(tag.casefold(), tag)
        menu = self.menu_actions.paper_menu(self, sorted(tags.values(), key=str.casefold))
        menu.exec(self.paper_list.viewport().mapToGlobal(pos))

    # ------------------------------------------------------------------ closing

    def flush(self) -> bool:
        """Store anything unsaved (the note being typed). False if it could not be stored."""
        return self.detail.note.flush()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.flush():
            answer = QMessageBox.warning(
                self,
                "Note not saved",
                "Your note could not be saved (see the status bar). Close anyway and lose "
                "the latest changes to it?",
                QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Close:
                event.ignore()
                return
        self.save_state()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop watching and stop receiving results (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self.transfers.cancel()
        if self.watch is not None:
            self.watch.stop()
        self.tasks.close()
