"""The window's frame: its widgets and layout, saved state, drops and the status bar.

:class:`WindowFrame` is the part of the main window that is about widgets only — building
the three panes, the heading over the list, the status bar's progress, the saved layout,
drag and drop; the help boxes and the Settings dialog come from its base,
:class:`~ui.framedialogs.FrameDialogs`. :class:`~ui.window.MainWindow` adds the library:
it wires the frame's widgets to the operation runner, the change bus and the reads.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reader.library import Library
from reader.settings import Settings
from ui.detail import DetailPane
from ui.elided import CountLabel, ElidedLabel, ElidingStatusBar, HeadingRow
from ui.emptystate import EmptyState
from ui.errors import show_error
from ui.framedialogs import FrameDialogs
from ui.icons import app_icon
from ui.menus import WindowActions
from ui.models import Column, PaperTableModel
from ui.notekeeper import NoteKeeper
from ui.operations import OperationRunner, QueryRunner
from ui.panesplit import PaneSplitter
from ui.paperlist import PaperListView
from ui.places import Places
from ui.search import SearchField
from ui.sidebar import SidebarModel, SidebarView
from ui.state import WindowState
from ui.tasks import TaskRunner
from ui.transfers import Transfers
from ui.watching import WatchService

DEFAULT_SIZE = (1280, 800)
MINIMUM_SIZE = (760, 520)
"""The smallest the window gets: at this size nothing overlaps and every pane is usable."""
SPLITTER_SHARES = (0.17, 0.5, 0.33)
"""The panes' shares of the window's width until the user drags a handle (1280 px: 218,
640, 422)."""
SIDEBAR_MIN, LIST_MIN, DETAIL_MIN = 140, 300, 240
"""The panes' minimum widths: the list gives way last (:mod:`ui.panesplit`)."""


def _plain_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # digest file names are outside text
    label.setMinimumWidth(10)  # a narrow list clips its heading, it does not push back
    return label


class WindowFrame(FrameDialogs):
    """The main window's widgets (see the module docstring)."""

    files_dropped = Signal(list)
    """Local files or folders dropped on the window (paths)."""

    library: Library
    settings: Settings
    state: WindowState
    watch: WatchService | None
    _settings_path: Path | None
    runner: OperationRunner
    tasks: TaskRunner
    menu_actions: WindowActions
    places: Places

    def build(
        self,
        library: Library,
        queries: QueryRunner,
        notes: NoteKeeper,
        transfers: Transfers,
        places: Places,
    ) -> None:
        """Make the panes, the heading and the status bar."""
        self._splitters_restored = False
        self.setStatusBar(ElidingStatusBar(self))
        self.show_library_title(library.path)
        self.setMinimumSize(*MINIMUM_SIZE)
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.model = PaperTableModel(library, queries, self)
        self.sidebar_model = SidebarModel(self)
        self.sidebar = SidebarView(self.sidebar_model)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setMinimumWidth(SIDEBAR_MIN)
        self.paper_list = PaperListView(self.model)
        self.paper_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.search = SearchField()
        self.search.setMinimumWidth(180)
        self.view_title = ElidedLabel()
        self.view_title.setObjectName("viewTitle")
        font = self.view_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.view_title.setFont(font)
        self.view_count = CountLabel()
        self.view_count.setObjectName("viewCount")
        self.heading = HeadingRow(self.view_title, self.view_count)

        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(0)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.setContentsMargins(12, 8, 8, 2)
        top.addWidget(self.heading, 0, Qt.AlignmentFlag.AlignTop)
        top.addSpacing(8)
        top.addWidget(self.search, 1, Qt.AlignmentFlag.AlignTop)  # it grows; the title elides
        list_layout.addLayout(top)
        list_layout.addWidget(self.paper_list, 1)
        self.empty_state = EmptyState()
        self.empty_state.choose_folder_requested.connect(self.show_settings)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(list_page)
        self.list_stack.addWidget(self.empty_state)
        self._list_page = list_page
        self.list_stack.setMinimumWidth(LIST_MIN)

        self.detail = DetailPane(notes)
        self.detail.tags.leave_requested.connect(self._focus_list)
        self.detail.note.leave_requested.connect(self._focus_list)
        self.detail.note.preview.link_hovered.connect(places.hovered)
        self.detail.note.preview.link_refused.connect(
            lambda url: self.statusBar().showMessage(
                f"Not opened (only web and mail links are): {url}", 8000
            )
        )
        self.detail.note.preview.open_url = places.open_link
        self.detail.link_hovered.connect(places.hovered)
        self.detail.link_activated.connect(places.open_link)

        self.splitter = PaneSplitter(SPLITTER_SHARES, main=1)
        self.detail.setMinimumWidth(DETAIL_MIN)
        for number, widget in enumerate((self.sidebar, self.list_stack, self.detail)):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(number, 1 if number == 1 else 0)
        self.setCentralWidget(self.splitter)

        bar = self.statusBar()
        bar.setSizeGripEnabled(True)
        self.working = QProgressBar()
        self.working.setRange(0, 0)
        self.working.setMaximumWidth(120)
        self.working.setMaximumHeight(16)
        self.working.setTextVisible(False)
        self.working.hide()
        self.watch_label = _plain_label("watchLabel")
        bar.addPermanentWidget(self.working)
        bar.addPermanentWidget(transfers.progress)
        bar.addPermanentWidget(transfers.cancel_button)
        bar.addPermanentWidget(self.watch_label)
        self.resize(*DEFAULT_SIZE)

    def show_library_title(self, path: Path) -> None:
        """``library.sqlite — Papershelf``: the file, then the application's display name
        (which Qt adds itself: it is not repeated here)."""
        self.setWindowTitle("")
        self.setWindowFilePath(str(path))

    def wire_undo(self, stack: QUndoStack, actions: WindowActions) -> None:
        """Keep the Undo and Redo menu items in step with the stack."""
        stack.canUndoChanged.connect(actions.undo.setEnabled)
        stack.canRedoChanged.connect(actions.redo.setEnabled)
        stack.undoTextChanged.connect(
            lambda text: actions.undo.setText(f"&Undo {text}" if text else "&Undo")
        )
        stack.redoTextChanged.connect(
            lambda text: actions.redo.setText(f"&Redo {text}" if text else "&Redo")
        )

    def show_working(self, working: bool) -> None:
        """The status bar's busy indicator (a bulk edit being written)."""
        self.working.setVisible(working)

    def show_empty_state(self, empty: bool) -> None:
        """The first-run page instead of the list when the library has no papers."""
        self.list_stack.setCurrentWidget(self.empty_state if empty else self._list_page)

    def set_heading(self, title: str, model: PaperTableModel, digest: bool) -> None:
        """The heading over the list: the view's name and how many papers it shows."""
        self.view_title.setText(title)
        rows = model.rowCount()
        noun = "paper" if rows == 1 else "papers"
        more = "" if model.complete else "+"
        self.view_count.setText(f"{rows:,}{more} {noun}" + (" found" if model.view.search else ""))
        self.search.set_placeholder("this digest" if digest else title)

    # ------------------------------------------------------------------ layout and state

    def _restore_layout(self) -> None:
        self.state.restore_window(self)
        header = self.paper_list.horizontalHeader()
        if self.state.restore_header(header):
            header.setSectionResizeMode(Column.TITLE, header.ResizeMode.Stretch)
        fitter = self.paper_list.fitter
        fitter.take_wanted_from_header()
        shown = fitter.wanted()
        fitter.set_wanted_columns(
            c for c in Column if self.state.flag(f"column{c.name.title()}", c in shown)
        )
        column = header.sortIndicatorSection()
        key = Column(column).sort_key if 0 <= column < len(Column) else None
        if key is not None:
            self.model.set_sort(
                key, descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
            )
        self.menu_actions.show_sidebar.setChecked(self.state.flag("sidebarVisible"))
        self.menu_actions.show_detail.setChecked(self.state.flag("detailVisible"))

    def restore_splitters(self) -> None:
        """Once the window has its real size: the panes in the proportion the user left
        them (:class:`~ui.panesplit.PaneSplitter`), the detail pane's own splitter as saved."""
        if not self._splitters_restored:
            self._splitters_restored = True
            self.state.restore_splitter("detailSplitter", self.detail.splitter)
            if not self.splitter.set_shares(self.state.shares("splitter")):
                self._take_old_sizes()

    def _take_old_sizes(self) -> None:
        """A layout saved before shares were kept: its sizes stand if the list was the
        widest pane and none was squeezed to its minimum, else the default shares do."""
        if not self.state.restore_splitter("splitter", self.splitter):
            return
        sidebar, papers, detail = self.splitter.sizes()
        if papers > detail and sidebar > SIDEBAR_MIN and detail > DETAIL_MIN:
            self.splitter.take_shares_from_sizes()
        self.splitter.apply()

    def save_state(self) -> None:
        """Remember geometry, splitters, columns, sort, the view and the paper."""
        self.state.save_layout(
            self,
            self.paper_list.horizontalHeader(),
            {"splitter": self.splitter, "detailSplitter": self.detail.splitter},
            {
                "sidebarVisible": self.menu_actions.show_sidebar.isChecked(),
                "detailVisible": self.menu_actions.show_detail.isChecked(),
                **{
                    f"column{c.name.title()}": c in self.paper_list.fitter.wanted()
                    for c in Column
                    if c is not Column.TITLE
                },
            },
        )
        self.state.set_shares("splitter", self.splitter.shares())
        self.state.set_selection(self.sidebar.current_key, self.paper_list.current_id())
        self.state.sync()

    def start_watching(self) -> None:
        """Start the folder watcher (after the window is shown: it scans the folders)."""
        if self.watch is None:
            self.watch_label.setText("")
            return
        if self.watch.start():
            self.start_watching_label()
            self.watch_label.setToolTip(
                "Digests saved here are imported:\n"
                + "\n".join(str(f) for f in self.settings.watched_folders)
            )
        else:
            self.watch_label.setText("Not watching")
            self.watch_label.setToolTip(self.watch.problem or "")
            self.statusBar().showMessage(f"Not watching folders: {self.watch.problem}", 10000)

    def start_watching_label(self) -> None:
        """The status bar's watch indicator."""
        folders = self.settings.watched_folders
        if self.watch is not None and self.watch.watcher is not None and folders:
            more = f" and {len(folders) - 1} more" if len(folders) > 1 else ""
            self.watch_label.setText(f"Watching {Path(folders[0]).name}{more}")
        else:
            self.watch_label.setText("Not watching")

    # ------------------------------------------------------------------ focus and keys

    def focus_search(self) -> None:
        """Ctrl+F."""
        self.search.focus()

    def _focus_list(self) -> None:
        self.paper_list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.paper_list.currentIndex().isValid():
            self.paper_list.select_row(0)

    def move_selection(self, step: int) -> None:
        """j/k: the next or previous paper."""
        self.paper_list.move_current(step)

    def focus_tags(self) -> None:
        """t: type a tag for the selection."""
        if self.paper_list.selected_ids():
            self.detail.tags.input.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_note(self) -> None:
        """n: write in the current paper's note."""
        if self.detail.paper is not None:
            self.detail.note.start_editing()

    def set_sidebar_visible(self, visible: bool) -> None:
        """View ▸ Show Sidebar."""
        self.sidebar.setVisible(visible)
        self.splitter.apply()

    def set_detail_visible(self, visible: bool) -> None:
        """View ▸ Show Detail Pane."""
        self.detail.setVisible(visible)
        self.splitter.apply()

    def _list_menu(self, pos: QPoint) -> None:
        ids = self.paper_list.selected_ids()
        if not ids:
            return
        tags: dict[str, str] = {}
        try:
            rows = self.library.rows(ids[:1000])
        except Exception:  # a damaged row: the menu without its tags
            rows = []
        for row in rows:
            for tag in row.tags:
                tags.setdefault(tag.casefold(), tag)
        menu = self.menu_actions.paper_menu(self, sorted(tags.values(), key=str.casefold))
        menu.exec(self.paper_list.viewport().mapToGlobal(pos))

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
            self.files_dropped.emit(paths)

    # ------------------------------------------------------------------ settings

    def save_settings(self) -> bool:
        """Write the settings file; False (after saying why) when it cannot be written."""
        from reader.settings import SettingsError

        try:
            self.settings.save(self._settings_path)
        except SettingsError as exc:
            show_error(self, "Settings not saved", exc)
            return False
        settings = self.settings  # the library's own settings are kept in it, by the writer
        self.runner.run(
            settings.save_to_library,
            title="Settings not saved",
        )
        return True

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
