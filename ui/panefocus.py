"""Keyboard focus between the window's three panes: Tab, F6, and a frame on the focused pane.

Tab and Shift+Tab walk the window's *stops* — the sidebar, the search field, the paper list,
then the detail pane's controls (stars, the status buttons, the tag input, the note) — and
never across the cells of the table. The status buttons are one stop (the checked one), as
a radio group is: the arrow keys move between them. F6 and Shift+F6 jump from pane to pane (sidebar, list,
detail), as in mail clients and file managers. The pane that holds the focus shows it: a
thin frame in the palette's highlight colour is drawn over its edge, so a keyboard user
always sees where the next key goes.

:class:`PaneFocus` receives the panes, each a container and a callable giving its stops in
order; the window asks it to :meth:`~PaneFocus.tab` (from ``focusNextPrevChild``) and to
:meth:`~PaneFocus.cycle` (the F6 actions).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QAbstractButton, QApplication, QStackedWidget, QWidget

from reader.library import Status
from ui.detail import DetailPane
from ui.search import SearchField

FRAME_WIDTH = 2
"""The focus frame's width in pixels."""


@dataclass(frozen=True)
class Pane:
    """One of the window's panes: its container and its focus stops, in Tab order."""

    name: str
    container: QWidget
    stops: Callable[[], Sequence[QWidget]]
    entry: Callable[[], QWidget | None] | None = None
    """Where F6 puts the focus (default: the first stop), e.g. the list, not its search."""


def _usable(widget: QWidget) -> bool:
    return (
        widget.isVisible()
        and widget.isEnabled()
        and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
    )


class _Frame(QWidget):
    """Paints the focus frame over its parent pane; never takes a click or the focus."""

    def __init__(self, pane: QWidget) -> None:
        super().__init__(pane)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setObjectName("paneFocusFrame")
        self.hide()
        pane.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.ChildAdded):
            self.follow()
        return False

    def follow(self) -> None:
        """Cover the pane (and stay above its children)."""
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
            self.raise_()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight))
        pen.setWidth(FRAME_WIDTH)
        painter.setPen(pen)
        half = FRAME_WIDTH / 2
        painter.drawRect(QRectF(self.rect()).adjusted(half, half, -half, -half))
        painter.end()


class PaneFocus(QObject):
    """Tab stops, F6 and the focus frame of the window's panes (see the module docstring)."""

    def __init__(self, panes: Sequence[Pane], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._panes = list(panes)
        self._frames = {pane.name: _Frame(pane.container) for pane in self._panes}
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def pane_of(self, widget: QWidget | None) -> Pane | None:
        """The pane holding ``widget`` (``None``: outside every pane, e.g. a dialog)."""
        while widget is not None:
            for pane in self._panes:
                if widget is pane.container:
                    return pane
            widget = widget.parentWidget()
        return None

    @property
    def focused_pane(self) -> str | None:
        """The name of the pane showing the focus frame."""
        return next((name for name, f in self._frames.items() if not f.isHidden()), None)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and new.window() is not self._window():
            return  # a dialog or a popup: the frame stays where the user was
        pane = self.pane_of(new)
        for name, frame in self._frames.items():
            if pane is not None and name == pane.name:
                frame.follow()
                frame.show()
            else:
                frame.hide()

    def _window(self) -> QWidget | None:
        return self._panes[0].container.window() if self._panes else None

    def _stops(self) -> list[QWidget]:
        return [w for pane in self._panes for w in pane.stops() if _usable(w)]

    def tab(self, forward: bool) -> bool:
        """Move the focus to the next (previous) stop; whether it moved."""
        stops = self._stops()
        if not stops:
            return False
        current = QApplication.focusWidget()
        index = next(
            (
                n
                for n, w in enumerate(stops)
                if current is not None and (current is w or w.isAncestorOf(current))
            ),
            None,
        )
        if index is None:
            target = stops[0] if forward else stops[-1]
        else:
            target = stops[(index + (1 if forward else -1)) % len(stops)]
        reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
        target.setFocus(reason)
        return True

    def cycle(self, step: int) -> None:
        """F6 (``step`` 1) or Shift+F6 (-1): the first stop of the next (previous) pane."""
        usable = [p for p in self._panes if p.container.isVisible() and self._first(p)]
        if not usable:
            return
        current = self.pane_of(QApplication.focusWidget())
        names = [p.name for p in usable]
        if current is None or current.name not in names:
            target = usable[0]
        else:
            target = usable[(names.index(current.name) + step) % len(usable)]
        first = self._first(target)
        if first is not None:
            first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    @staticmethod
    def _first(pane: Pane) -> QWidget | None:
        entry = pane.entry() if pane.entry is not None else None
        if entry is not None and _usable(entry):
            return entry
        return next((w for w in pane.stops() if _usable(w)), None)


class PanedWindow(Protocol):
    """The window parts :func:`panes` reads (the main window is one)."""

    @property
    def sidebar(self) -> QWidget: ...

    @property
    def list_stack(self) -> QStackedWidget: ...

    @property
    def paper_list(self) -> QWidget: ...

    @property
    def detail(self) -> DetailPane: ...

    @property
    def search(self) -> SearchField: ...

    @property
    def empty_state(self) -> QWidget: ...


def panes(window: PanedWindow) -> PaneFocus:
    """The :class:`PaneFocus` of the main window: sidebar, list (or first-run page), detail."""
    detail = window.detail

    def list_stops() -> list[QWidget]:
        page = window.list_stack.currentWidget()
        if page is window.empty_state:
            return list(page.findChildren(QAbstractButton))
        return [window.search.input, window.paper_list]

    def detail_stops() -> list[QWidget]:
        note = detail.note
        checked = detail.status.status()  # one stop for the group; arrows move within it
        status = detail.status.button(checked if checked is not None else Status.INBOX)
        editor: QWidget = note.editor if note.is_editing() else note.preview
        return [detail.stars, status, detail.tags.input, editor]

    return PaneFocus(
        [
            Pane("sidebar", window.sidebar, lambda: [window.sidebar]),
            Pane("list", window.list_stack, list_stops, lambda: window.paper_list),
            Pane("detail", detail, detail_stops),
        ],
        window.list_stack,
    )
