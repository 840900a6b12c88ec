"""Text that does not fit is elided with "…" and shown whole in its tooltip.

:class:`ElidedLabel` is a one-line label that gives way (the view's title, the search's
error line); :class:`CountLabel` is a count that shortens before it is cut, and
:class:`HeadingRow` puts a title and its count on one line, the title giving way first.
The window's status bar:

:class:`QStatusBar` paints a temporary message clipped at the first permanent widget,
often mid-word and with no sign that there is more. :class:`ElidingStatusBar` paints it
elided with "…" to the room there is (:meth:`ElidingStatusBar.shown_text`) and puts the
whole message in the bar's tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QStyle, QStyleOption, QWidget

from ui.tooltips import plain_tooltip

MARGIN = 6


class ElidedLabel(QLabel):
    """One line of plain text, elided to the width it gets; the whole text in its tooltip."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # outside text: file names, errors
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def setText(self, text: str) -> None:
        """Show ``text`` (one line); the tooltip says it whole when it is cut."""
        super().setText(" ".join(text.split()))
        self._update_tooltip()

    def shown_text(self) -> str:
        """The text as painted."""
        return self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )

    def is_elided(self) -> bool:
        """Whether the text is cut."""
        return self.shown_text() != self.text()

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance("…") * 4, metrics.height())

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self.text()) + 2, metrics.height())

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        self.setToolTip(plain_tooltip(self.text()) if self.is_elided() else "")

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(
            self.contentsRect(),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self.shown_text(),
        )


class ElidingStatusBar(QStatusBar):
    """A status bar whose messages never end mid-word (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messageChanged.connect(self._changed)

    def message_rect(self) -> QRect:
        """Where the message is painted: left of the first visible permanent widget."""
        right = self.width() - MARGIN
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isVisible() and child.width() > 0:  # permanent widgets and the size grip
                right = min(right, child.geometry().left() - MARGIN)
        return QRect(MARGIN, 0, max(0, right - MARGIN), self.height())

    def shown_text(self) -> str:
        """The current message as painted: whole when it fits, else elided with "…"."""
        message = " ".join(self.currentMessage().split())  # one line
        return self.fontMetrics().elidedText(
            message, Qt.TextElideMode.ElideRight, self.message_rect().width()
        )

    def _changed(self, message: str) -> None:
        self.setToolTip(plain_tooltip(message) if message else "")

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.currentMessage():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(
            self.message_rect(),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self.shown_text(),
        )


class CountLabel(ElidedLabel):
    """A count beside a title (``1,234 papers found``) that shortens before it is cut:
    ``1,234 found``, then the number alone, and only then "…"; the whole in its tooltip."""

    def forms(self) -> list[str]:
        """The ways of saying the count, longest first."""
        words = self.text().split()
        if not words:
            return [""]
        forms = [self.text()]
        if len(words) > 2:
            forms.append(f"{words[0]} {words[-1]}")
        if len(words) > 1:
            forms.append(words[0])
        return forms

    def shown_text(self) -> str:
        width = self.contentsRect().width()
        metrics = self.fontMetrics()
        for form in self.forms():
            if metrics.horizontalAdvance(form) <= width:
                return form
        return metrics.elidedText(self.forms()[-1], Qt.TextElideMode.ElideRight, width)

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self.forms()[-1]) + 2, metrics.height())


class HeadingRow(QWidget):
    """A title and its count on one line. The count keeps its room and the title elides
    first; only when the title is down to its minimum does the count shorten. The two
    share a baseline."""

    GAP = 8

    def __init__(self, title: ElidedLabel, count: CountLabel, parent: QWidget | None = None):
        super().__init__(parent)
        self.title, self.count = title, count
        title.setParent(self)
        count.setParent(self)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        title, count = self.title.sizeHint(), self.count.sizeHint()
        return QSize(title.width() + self.GAP + count.width(), max(title.height(), count.height()))

    def minimumSizeHint(self) -> QSize:
        width = self._title_min() + self.GAP + self.count.minimumSizeHint().width()
        return QSize(width, self.sizeHint().height())

    def _title_min(self) -> int:
        return min(self.title.minimumSizeHint().width(), self.title.sizeHint().width())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a text changed: new hints
            self.updateGeometry()
            self._place()
        return super().event(event)

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._place()

    def _place(self) -> None:
        width = self.width()
        title_min = self._title_min()
        count_width = min(
            self.count.sizeHint().width(),
            max(self.count.minimumSizeHint().width(), width - self.GAP - title_min),
        )
        title_width = max(0, min(self.title.sizeHint().width(), width - self.GAP - count_width))
        title_height = self.title.sizeHint().height()
        count_height = self.count.sizeHint().height()
        self.title.setGeometry(0, 0, title_width, title_height)
        baseline = self.title.fontMetrics().ascent() - self.count.fontMetrics().ascent()
        left = min(title_width + self.GAP, max(0, width - count_width))
        self.count.setGeometry(left, max(0, baseline), count_width, count_height)
