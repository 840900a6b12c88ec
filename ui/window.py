"""The main window: sidebar, paper list and detail pane, wired to the library.

The window builds its parts and wires them; it does no library work itself. Its GUI-thread
:class:`Library` is read-only (``PRAGMA query_only``) and reads only what a page needs (a
page of rows, one paper). Every write is an operation on the one writer thread
(:class:`~ui.operations.OperationRunner`); searches, view loads and counts run on the reader
thread (:class:`~ui.operations.QueryRunner`). Every write's :class:`Changes` go out on the
:class:`~ui.operations.ChangeBus`, and the list model, the sidebar and the detail pane each
refresh what the change can have touched.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import QMainWindow, QWidget

from reader.library import Changes, Library
from reader.paths import config_dir, data_dir
from reader.settings import Settings
from reader.worker import LibraryReader, LibraryWorker
from ui.citations import install_citations
from ui.collector import HeapKeeper
from ui.detailfeed import DetailFeed
from ui.digestlog import DigestLogActions
from ui.edits import PaperEdits
from ui.errors import show_error
from ui.frame import WindowFrame
from ui.inputwatch import InputWatch
from ui.insightfeed import InsightFeed
from ui.interest import InterestService
from ui.interestview import SimilarBar, SimilarView
from ui.libraryfile import LibraryFileActions
from ui.menus import WindowActions, key_text
from ui.notekeeper import NoteKeeper
from ui.notices import Notices
from ui.operations import ChangeBus, OperationRunner, QueryRunner
from ui.panefocus import panes
from ui.places import Places
from ui.rulesdialog import RulesControl
from ui.savedviews import SavedViewActions
from ui.selection import SelectionCommands, ask_mark_read
from ui.sidebarfeed import SidebarFeed
from ui.state import WindowState
from ui.tagdialogs import TagActions, ask
from ui.tasks import TaskRunner
from ui.transfers import Transfers
from ui.trash import TrashControl
from ui.viewing import ViewControl
from ui.views import INBOX, ViewKey
from ui.watching import WatchService

log = logging.getLogger(__name__)

CLOSE_WAIT_S = 3.0
"""At close, how long the window waits for notes being stored before it keeps copies."""


class MainWindow(WindowFrame):
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
        reader: LibraryReader | None = None,
        start_learner: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        QMainWindow.__init__(self, parent)
        library.refuse_writes()  # every write goes through the writer thread
        self.library = library
        self.worker = worker
        self.settings = settings
        self.watch = watch
        self._settings_path = settings_path
        self.state = WindowState(state_path or config_dir() / "window.ini", library.path)
        self.reader = reader or LibraryReader(library.path)
        self.input_watch = InputWatch.of_window(self, self.reader, worker)  # yield to both
        self.tasks = TaskRunner(worker, self)
        self.bus = ChangeBus(self)
        self.runner = OperationRunner(self.tasks, self.bus, self)
        self.queries = QueryRunner(self.reader, self)
        self.notes = NoteKeeper(self.runner, data_dir() / "unsaved notes", self)
        self.edits = PaperEdits(self.runner, QUndoStack(self), self._confirm, self)
        self.transfers = Transfers(
            self.tasks,
            self.runner,
            lambda: self.settings,
            self.selected_ids,
            lambda: (self.model.view, self.viewing.title()),
            lambda: [t.name for t in self.feed.tags],
            self,
        )
        self.places = Places(self.runner, self)
        self.trash = TrashControl(self.runner, self.queries, self.edits, self._confirm, self)
        self.interest = InterestService(library.path, self.runner, self.bus, parent=self)
        self.notices = Notices(self, self.tasks, library.path)
        self.heap = HeapKeeper(lambda: self.idle, self)  # started by the app (ui.app)
        self._closed = False
        self._wanted_view: ViewKey | None = None
        self._reselect = False
        self.build(self.library, self.queries, self.notes, self.transfers, self.places)
        self.viewing = ViewControl(
            library,
            self.model,
            self.paper_list,
            self.search,
            lambda: self.sidebar.current_key,
            self.sidebar.current_digest,
            self.state.paper(),
            self,
        )
        self.feed = SidebarFeed(self.sidebar_model, self.queries, self)
        digest, empty = self.sidebar.current_digest, lambda: self.feed.empty
        self.detail_feed = DetailFeed(
            self.detail, library, self.queries, self.selected_ids, digest, empty, self.notes, self
        )
        self.selection = SelectionCommands(
            self.edits,
            self.selected_ids,
            self.paper_list.current_id,
            self.paper_list.select_ids,
            lambda: key_text(self.menu_actions.undo.shortcut()),
            self,
        )
        self.menu_actions = WindowActions(
            self, self, self.paper_list, self.edits, self.transfers, self.selection
        )
        self.menu_actions.build_menus()
        self.menu_actions.advance.setChecked(self.state.flag("advanceAfterTriage"))
        self.pane_focus = panes(self)
        self.saved_views = SavedViewActions(
            self.runner,
            self.edits,
            lambda: (
                self.sidebar.current_key,
                self.search.text(),
                self.model.sort_key,
                self.model.descending,
            ),
            self.sidebar_model.saved_view,
            self,
        )
        self.rules = RulesControl(
            self, self.runner, self.queries, self.edits, self.menu_actions.settings
        )
        self.viewing.saved_filter = self.saved_views.paper_filter
        self.viewing.saved_title = self.saved_views.saved
        self.citations = install_citations(self, self.menu_actions.paper_extras)
        self.library_file = LibraryFileActions(self, self.tasks, library.path)
        self.library_file.fill_menu(self.menuBar().actions()[0].menu(), self.menu_actions.quit)
        self._wire()
        self._load()
        if start_learner:  # the app starts it after the first paint (ui.app)
            self.interest.start()

    # ------------------------------------------------------------------ wiring

    def _wire(self) -> None:
        bar = self.statusBar()
        say = bar.showMessage
        sources = (self.edits, self.transfers, self.places, self.detail_feed, self.trash)
        for source in (*sources, self.selection):
            source.message.connect(say)
        self.selection.advance_requested.connect(lambda: self.paper_list.move_current(1))
        self.selection.show_in_all_requested.connect(self.viewing.show_in_all)
        self.viewing.view_requested.connect(self.show_view)
        self.viewing.nothing_shown.connect(lambda: self.detail_feed.show_ids([]))
        self.viewing.heading_changed.connect(
            lambda title, digest: self.set_heading(title, self.model, digest)
        )
        self.menu_actions.advance.toggled.connect(
            lambda on: self.state.set_flag("advanceAfterTriage", on)
        )
        self.paper_list.selection_changed_ids.connect(lambda _ids: self._update_actions())
        self.runner.failed.connect(lambda title, exc: show_error(self, title, exc))
        self.runner.waiting_changed.connect(self.notices.waiting)
        self.interest.failed.connect(lambda text: say(text, 10000))
        self.edits.working.connect(self.show_working)
        self.edits.select_requested.connect(self.viewing.select_changed)
        self.edits.view_requested.connect(self.show_view)
        self.transfers.imported.connect(self._imported)
        self.transfers.settings_changed.connect(self.save_settings)
        self.transfers.notes_pulled.connect(self.edits.record_pull)
        self.transfers.resolved.connect(self.edits.record)
        self.files_dropped.connect(self.transfers.import_paths)
        self.settings_accepted.connect(self.apply_settings)
        self.settings_accepted.connect(lambda _settings: self.transfers.watch_vault())
        self.bus.changed.connect(self.model.on_changes)
        self.bus.changed.connect(self.feed.on_changes)
        self.bus.changed.connect(self.detail_feed.on_changes)
        self.feed.lists_changed.connect(self._lists_changed)
        self.feed.counts_loaded.connect(lambda _counts: self._counts_changed())
        self.feed.tags_loaded.connect(
            lambda tags: self.detail.tags.set_completions([t.name for t in tags])
        )
        self.feed.read_failed.connect(
            lambda exc: say(f"The sidebar could not be read: {exc}", 10000)
        )
        self.model.view_loaded.connect(self.viewing.view_loaded)
        self.model.view_loaded.connect(lambda _switched: self._update_actions())
        self.model.count_known.connect(self.viewing.update_heading)
        self.model.view_failed.connect(
            lambda exc: self.search.show_error(f"The search could not run: {exc}")
        )
        self.model.read_failed.connect(self.notices.read_failure)
        self.sidebar.view_selected.connect(self.viewing.view_selected)
        self.sidebar.show_all_digests_requested.connect(
            self.show_all_digests, Qt.ConnectionType.QueuedConnection
        )
        header = self.paper_list.horizontalHeader()
        self.saved_views.connect_to(self.sidebar, self.search.input, header, say, self.show_view)
        record = self.sidebar_model.digest_record
        log_actions = DigestLogActions(self.runner, self.transfers, self.places, record, self)
        for more in (log_actions, self.library_file, self.rules):
            more.message.connect(say)
        self.sidebar.digest_action_requested.connect(log_actions.act)
        tags = TagActions(self, self.edits, lambda: self.feed.tags)
        self.sidebar.rename_tag_requested.connect(tags.rename)
        self.sidebar.merge_tag_requested.connect(tags.merge)
        self.sidebar.delete_tag_requested.connect(tags.delete)
        self.paper_list.selection_changed_ids.connect(self.detail_feed.show_ids)
        self.insight_feed = insight = InsightFeed(self.library.path, self.detail, self)
        for shown in (self.paper_list.selection_changed_ids, self.detail_feed.paper_shown):
            shown.connect(lambda _ids: insight.load())  # the newest load supersedes
        self.bus.changed.connect(insight.on_changes)
        self.detail.insight.paper_requested.connect(self.selection.show_paper_in_list)
        self.paper_list.rating_delegate.rating_clicked.connect(self.selection.rating_clicked)
        under = SimilarBar.under(self.heading)
        view = self.show_view
        self.similar_view = similar = SimilarView(
            insight, self.model, self.paper_list, self.sidebar, under, view, self
        )
        self.viewing.title_override = lambda: similar.title
        similar.changed.connect(self.viewing.update_heading)
        self.search.search_changed.connect(lambda _text: similar.end())
        for wanted in (self.detail.insight.list_requested, self.selection.similar_requested):
            wanted.connect(similar.open)
        self.paper_list.customContextMenuRequested.connect(self._list_menu)
        self.paper_list.doubleClicked.connect(lambda _index: self.open_paper_page())
        self.search.search_changed.connect(self.viewing.search_changed)
        self.search.leave_requested.connect(self._focus_list)
        self.detail.rating_edited.connect(self.selection.rate)
        self.detail.status_edited.connect(self.selection.set_status)
        self.detail.tags_added.connect(self.selection.add_tags)
        self.detail.tag_removed.connect(self.selection.remove_tag)
        self.empty_state.import_requested.connect(self.transfers.choose_import)
        self.empty_state.open_folder_requested.connect(self.open_watched_folder)
        self.wire_undo(self.edits.undo_stack, self.menu_actions)
        if self.watch is not None:
            self.watch.report.connect(self.transfers.handle_report)
            self.watch.error.connect(self.transfers.watch_error)
            self.watch.failed.connect(self.transfers.watch_failed)

    def _load(self) -> None:
        self.feed.load_now(self.library)
        kept = sorted(self.notes.recovery_dir.glob("note-of-paper-*.md"))
        if kept:  # notes a closed window could not store: say where they are
            self.statusBar().showMessage(
                f"{len(kept)} note(s) not stored last time are kept in {self.notes.recovery_dir}"
            )
        self._restore_layout()
        self.empty_state.set_folders(self.settings.watched_folders)
        key = self.state.view()
        if (
            key is not None
            and key.kind == "digest"
            and not self.sidebar_model.index_of(key).isValid()
        ):
            self.show_all_digests()  # an older digest than the sidebar lists at first
            self._wanted_view = key
        if key is not None and key.kind == "saved":
            self._wanted_view = key  # selected once the saved views are read
        if key is None or not self.sidebar.select_key(key):
            self.sidebar.select_key(INBOX)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.restore_splitters()

    # ------------------------------------------------------------------ changes

    def _imported(self, _changes: Changes) -> None:  # the first papers get selected
        self._reselect = self.feed.empty

    def _update_actions(self) -> None:
        has = not self.feed.empty and self.model.rowCount() > 0
        self.menu_actions.update_enabled(has, len(self.selected_ids()) if has else 0)

    def focus_pane(self, step: int) -> None:
        """F6 and Shift+F6: the next or previous pane."""
        self.pane_focus.cycle(step)

    def focusNextPrevChild(self, next: bool) -> bool:
        return self.pane_focus.tab(next) or super().focusNextPrevChild(next)

    def _counts_changed(self) -> None:
        self._update_actions()
        self.show_empty_state(self.feed.empty)
        if self._reselect and not self.feed.empty and not self.selected_ids():
            self._reselect = False
            self.paper_list.select_row(0)

    def _lists_changed(self) -> None:
        wanted, self._wanted_view = self._wanted_view, None
        if wanted is not None and self.sidebar.select_key(wanted):
            return
        self.sidebar.restore_selection()

    def show_view(self, key: ViewKey) -> None:
        """Select ``key`` in the sidebar (now, or when the sidebar lists it)."""
        if not self.sidebar.select_key(key):
            self._wanted_view = key

    def show_all_digests(self) -> None:
        """List every digest in the sidebar (not only the newest)."""
        self.feed.all_digests = True
        self.sidebar.restore_selection()  # off the "Show all" item before it goes away
        self.feed.load_digests()

    # ------------------------------------------------------------------ selection and detail

    @property
    def idle(self) -> bool:
        """Whether no read or write the window asked for is still on its way."""
        return not (
            self.model.loading or self.queries.busy or self.runner.busy or self.edits.pending
        )

    def selected_ids(self) -> list[int]:
        """The papers the edit actions apply to."""
        return self.paper_list.selected_ids()

    def mark_all_shown_read(self) -> None:
        """Edit ▸ Mark All Shown as Read (asks with the count; one undoable step)."""
        if not self.model.complete:
            self.statusBar().showMessage("The list is still loading; try again in a moment.", 5000)
            return
        self.selection.mark_all_read(self.model.ids(), lambda n: ask_mark_read(self, n))

    def _confirm(self, title: str, question: str) -> bool:
        return ask(self, title, question)

    def open_watched_folder(self) -> None:
        """Show the first watched folder in the file manager."""
        self.places.open_folder(self.settings.watched_folders)

    def open_log_folder(self) -> None:
        """Help ▸ Open Log Folder."""
        self.places.open_log_folder()

    def open_paper_page(self) -> None:
        """Open the current paper's page in the browser (and record the opening)."""
        self.places.open_paper_page(self.detail.paper)

    def flush(self) -> bool:
        """Hand the note being typed to the writer; keep a recovery copy of any note the
        library has not stored yet. Returns whether every note is stored."""
        self.detail.note.flush()
        self.notes.wait(CLOSE_WAIT_S)
        if not self.notes.unsaved():
            return True
        copies = self.notes.write_copies()
        log.warning("notes not stored yet at close: copies in %s", [str(c) for c in copies])
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        self.save_state()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop watching and stop receiving results (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self.search.blockSignals(True)  # a search typed just before closing stays unrun
        self.transfers.cancel()
        self.transfers.close()
        if self.watch is not None:
            self.watch.stop()
        self.interest.stop()
        self.heap.stop()
        self.insight_feed.close()
        self.input_watch.close()
        self.queries.close()
        self.reader.close()
        self.tasks.close()
