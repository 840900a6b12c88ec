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

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from reader.library import (
    Changes,
    DigestRecord,
    DigestStatus,
    Library,
    LibraryError,
    QueryError,
    Status,
    TagCount,
)
from reader.paths import config_dir, data_dir
from reader.settings import Settings
from reader.worker import LibraryReader, LibraryWorker
from ui.detailfeed import DetailFeed
from ui.digestlog import DigestLogActions
from ui.edits import PaperEdits
from ui.errors import show_error
from ui.frame import WindowFrame
from ui.insightfeed import InsightFeed
from ui.interest import InterestService, for_you_empty_text
from ui.libraryfile import LibraryFileActions
from ui.menus import WindowActions
from ui.notekeeper import NoteKeeper
from ui.notices import Notices
from ui.operations import ChangeBus, OperationRunner, QueryRunner
from ui.places import Places
from ui.sidebarfeed import SidebarFeed
from ui.state import WindowState
from ui.tagdialogs import TagActions, ask
from ui.tasks import TaskRunner
from ui.transfers import Transfers
from ui.trash import TrashControl
from ui.views import ALL, INBOX, ViewKey
from ui.watching import WatchService

log = logging.getLogger(__name__)
T = TypeVar("T")

RESELECT_AT_MOST = 5000
"""An undo or redo selects the papers it changed when there are at most this many."""
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
            lambda: (self.model.view, self._current_title()),
            lambda: [t.name for t in self.library.tags()],
            self,
        )
        self.places = Places(self.runner, self)
        self.trash = TrashControl(self.runner, self.queries, self.edits, self._confirm, self)
        self.interest = InterestService(library.path, self.runner, self.bus, parent=self)
        self.notices = Notices(self, self.tasks, library.path)
        self._closed = False
        self._wanted_view: ViewKey | None = None
        self._reselect = False
        self._keep: int | None = None
        self._select_after: list[int] = []
        self._keep_at_start = self.state.paper()
        self.build(self.library, self.queries, self.notes, self.transfers, self.places)
        self.feed = SidebarFeed(self.sidebar_model, self.queries, self)
        self.detail_feed = DetailFeed(
            self.detail,
            library,
            self.selected_ids,
            self._current_digest,
            lambda: self.feed.empty,
            self.notes,
            self,
        )
        self.menu_actions = WindowActions(self, self, self.paper_list, self.edits, self.transfers)
        self.menu_actions.build_menus()
        self.library_file = LibraryFileActions(self, self.tasks, library.path)
        file_menu = self.menuBar().actions()[0].menu()
        if isinstance(file_menu, QMenu):
            self.library_file.fill_menu(file_menu, before=self.menu_actions.quit)
        self._wire()
        self._load()
        self.interest.start()

    # ------------------------------------------------------------------ wiring

    def _wire(self) -> None:
        bar = self.statusBar()
        say = bar.showMessage
        for source in (self.edits, self.transfers, self.places, self.detail_feed, self.trash):
            source.message.connect(say)
        self.runner.failed.connect(lambda title, exc: show_error(self, title, exc))
        self.runner.waiting_changed.connect(self.notices.waiting)
        self.interest.failed.connect(lambda text: say(text, 10000))
        self.edits.working.connect(self.show_working)
        self.edits.select_requested.connect(self._select_changed)
        self.edits.view_requested.connect(self.show_view)
        self.transfers.imported.connect(self._imported)
        self.transfers.settings_changed.connect(self.save_settings)
        self.transfers.notes_pulled.connect(self.edits.record_pull)
        self.files_dropped.connect(self.transfers.import_paths)
        self.settings_accepted.connect(self.apply_settings)
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
        self.model.view_loaded.connect(self._view_loaded)
        self.model.count_known.connect(self._update_title)
        self.model.view_failed.connect(
            lambda exc: self.search.show_error(f"The search could not run: {exc}")
        )
        self.model.read_failed.connect(self.notices.read_failure)
        self.sidebar.view_selected.connect(self._view_selected)
        self.sidebar.show_all_digests_requested.connect(
            self.show_all_digests, Qt.ConnectionType.QueuedConnection
        )
        log_actions = DigestLogActions(
            self.runner, self.transfers, self.places, self.sidebar_model.digest_record, self
        )
        log_actions.message.connect(say)
        self.library_file.message.connect(say)
        self.sidebar.digest_action_requested.connect(log_actions.act)
        tags = TagActions(self, self.edits, self._tags)
        self.sidebar.rename_tag_requested.connect(tags.rename)
        self.sidebar.merge_tag_requested.connect(tags.merge)
        self.sidebar.delete_tag_requested.connect(tags.delete)
        self.paper_list.selection_changed_ids.connect(self.detail_feed.show_ids)
        self.insight_feed = insight = InsightFeed(self.queries, self.detail)
        self.paper_list.selection_changed_ids.connect(lambda _ids: insight.load())
        self.bus.changed.connect(insight.on_changes)
        self.detail.insight.paper_requested.connect(self.show_paper_in_list)
        self.paper_list.rating_delegate.rating_clicked.connect(self._rating_clicked)
        self.paper_list.customContextMenuRequested.connect(self._list_menu)
        self.paper_list.doubleClicked.connect(lambda _index: self.open_paper_page())
        self.search.search_changed.connect(self._search_changed)
        self.search.leave_requested.connect(self._focus_list)
        self.detail.rating_edited.connect(self.rate_selection)
        self.detail.status_edited.connect(self.set_status_selection)
        self.detail.tags_added.connect(self.add_tags_to_selection)
        self.detail.tag_removed.connect(self.remove_tag_from_selection)
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
        if key is None or not self.sidebar.select_key(key):
            self.sidebar.select_key(INBOX)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.restore_splitters()

    # ------------------------------------------------------------------ changes

    def _imported(self, _changes: Changes) -> None:
        self._reselect = self.feed.empty  # the first papers of an empty library get selected

    def _counts_changed(self) -> None:
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

    def _select_changed(self, ids: list[int]) -> None:
        """Select what an undo or redo changed (once the list holds it again)."""
        self._select_after = ids
        if not self.model.loading:
            self._select_pending()

    def _select_pending(self) -> None:
        ids, self._select_after = self._select_after, []
        if len(ids) > RESELECT_AT_MOST:
            return  # a bulk edit's papers: the selection that made it is still there
        present = [i for i in ids if self.model.row_of(i) is not None]
        if present and set(present) != set(self.selected_ids()):
            self.paper_list.select_ids(present)

    # ------------------------------------------------------------------ views and search

    def _view_selected(self, key: ViewKey) -> None:
        self._keep = self._keep_at_start  # a new view starts at its first paper
        self._keep_at_start = None
        self._apply_view(key, self.search.text())

    def _search_changed(self, text: str) -> None:
        self._keep = self.paper_list.current_id()  # kept while it still matches
        self._apply_view(self.sidebar.current_key or INBOX, text)

    def _apply_view(self, key: ViewKey, search: str) -> bool:
        view = dataclasses.replace(key.paper_filter(), search=search.strip())
        try:
            self.model.set_view(view, ranked=key.ranked)
        except QueryError as exc:
            self.search.show_error(str(exc))
            return False
        self.search.show_error(None)
        if search.strip():
            self.paper_list.empty_text = f"No papers in {key.title} match “{search.strip()}”."
        elif key.kind == "digest":
            record = self._current_digest()
            failed = record is not None and record.status is DigestStatus.FAILED
            self.paper_list.empty_text = (
                "This file could not be imported: see why on the right."
                if failed
                else "No papers came from this digest."
            )
        elif key.ranked:
            self.paper_list.empty_text = for_you_empty_text(self.library)
        else:
            self.paper_list.empty_text = f"No papers in {key.title}."
        self._update_title()
        return True

    def _view_loaded(self, switched: bool) -> None:
        self._update_title()
        key = self.sidebar.current_key
        if key is not None and key.ranked and not self.search.text().strip():
            self.paper_list.empty_text = for_you_empty_text(self.library)  # the model may be new
        if not switched:
            self._select_pending()
            return
        current, self._keep = self._keep, None
        if current is None or not self.paper_list.select_ids([current], current):
            self.paper_list.select_row(0)
        if self.model.rowCount() == 0:
            self.detail_feed.show_ids([])

    def _current_digest(self) -> DigestRecord | None:
        key = self.sidebar.current_key
        if key is None or key.kind != "digest":
            return None
        return self.sidebar_model.digest_record(int(key.value or 0))

    def _current_title(self) -> str:
        key = self.sidebar.current_key
        record = self._current_digest()
        return record.name if record is not None else key.title if key is not None else "Papers"

    def _update_title(self) -> None:
        key = self.sidebar.current_key
        self.set_heading(
            self._current_title(), self.model, key is not None and key.kind == "digest"
        )

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

    def rate_selection(self, stars: int) -> None:
        """Rate the selected papers (0 clears); undoable."""
        self.edits.rate(self.selected_ids(), stars)

    def set_status_selection(self, status: Status) -> None:
        """Move the selected papers to ``status``; undoable."""
        self.edits.set_status(self.selected_ids(), status)

    def not_interested_selection(self) -> None:
        """Mark the selected papers not interested and archive them; undoable."""
        self.edits.not_interested(self.selected_ids())

    def more_like_this(self) -> None:
        """Show the papers most like the current one (in the detail pane)."""
        current = self.paper_list.current_id()
        if current is not None and self.selected_ids() != [current]:
            self.paper_list.select_ids([current], current)
        self.menu_actions.show_detail.setChecked(True)
        self.detail.reveal_insight()

    def show_paper_in_list(self, paper_id: int) -> None:
        """Select ``paper_id`` (in All papers when the current view does not hold it)."""
        if self.paper_list.select_ids([paper_id], paper_id):
            return
        self._keep_at_start = paper_id  # the new view starts at this paper
        self.search.set_text("")  # no signal: the new view applies the empty search
        self.show_view(ALL)

    def add_tags_to_selection(self, names: Sequence[str]) -> None:
        """Tag the selected papers; undoable."""
        self.edits.add_tags(self.selected_ids(), names)

    def remove_tag_from_selection(self, name: str) -> None:
        """Take ``name`` off the selected papers; undoable."""
        self.edits.remove_tag(self.selected_ids(), name)

    def _rating_clicked(self, paper_id: int, stars: int) -> None:
        ids = self.selected_ids()
        self.edits.rate(ids if paper_id in ids else [paper_id], stars)

    def _confirm(self, title: str, question: str) -> bool:
        return ask(self, title, question)

    def _tags(self) -> list[TagCount]:
        try:
            return self.library.tags()
        except LibraryError as exc:
            self.statusBar().showMessage(f"Could not read the tags: {exc}", 10000)
            return []

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
        if self.watch is not None:
            self.watch.stop()
        self.interest.stop()
        self.queries.close()
        self.reader.close()
        self.tasks.close()
