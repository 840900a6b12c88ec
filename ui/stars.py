"""Star ratings: the painting shared by the list and the detail pane, and the rating widget."""

from __future__ import annotations

import math
from functools import cache, lru_cache

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

STAR_COLOR = QColor("#f2a900")
MAX_STARS = 5


@cache
def _unit_star() -> QPainterPath:
    """A five-pointed star in the unit square."""
    path = QPainterPath()
    for i in range(10):
        radius = 0.5 if i % 2 == 0 else 0.2
        angle = math.pi / 5 * i - math.pi / 2
        point = QPointF(0.5 + radius * math.cos(angle), 0.53 + radius * math.sin(angle))
        if i == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    path.closeSubpath()
    return path


def paint_stars(
    painter: QPainter,
    rect: QRectF,
    rating: int,
    palette: QPalette,
    *,
    size: float,
    spacing: float = 2.0,
    hover: int = 0,
    empty_outline: bool = True,
) -> None:
    """Paint five stars of ``size`` px from ``rect``'s left, vertically centred.

    Filled up to ``rating`` (or ``hover`` while the mouse previews a rating).
    """
    shown = hover or rating
    top = rect.top() + (rect.height() - size) / 2
    device = painter.device()
    ratio = device.devicePixelRatioF() if device is not None else 1.0
    outline = palette.color(QPalette.ColorRole.PlaceholderText)
    for i in range(MAX_STARS):
        if i < shown:
            color = QColor(STAR_COLOR)
            if hover and hover != rating:
                color.setAlphaF(0.75)
            star = _star_pixmap(size, color.rgba(), True, ratio)
        elif empty_outline:
            star = _star_pixmap(size, outline.rgba(), False, ratio)
        else:
            continue
        painter.drawPixmap(QPointF(rect.left() + i * (size + spacing), top), star)


@lru_cache(maxsize=64)
def _star_pixmap(size: float, rgba: int, filled: bool, ratio: float) -> QPixmap:
    """One star, filled or outlined, rendered once per size and colour (an antialiased
    path costs milliseconds to draw; a repaint of the list drew dozens)."""
    pixmap = QPixmap(math.ceil(size * ratio), math.ceil(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size, size)
    color = QColor.fromRgba(rgba)
    if filled:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
    else:
        pen = QPen(color, 1.1 / size)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(_unit_star())
    painter.end()
    return pixmap


def star_at(x: float, left: float, size: float, spacing: float = 2.0) -> int:
    """Which star (1–5) the x coordinate ``x`` falls on, 0 left of the first."""
    if x < left:
        return 0
    return min(MAX_STARS, int((x - left) // (size + spacing)) + 1)


class StarRating(QWidget):
    """Five stars: click or press 1–5 to rate, 0 (or clicking the current star) to clear.

    Left/Right step the rating. :attr:`rating_edited` is emitted only for the user's edits;
    :meth:`set_rating` does not emit.
    """

    rating_edited = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, star_size: int = 20) -> None:
        super().__init__(parent)
        self._rating = 0
        self._hover = 0
        self._size = star_size
        self._spacing = 4.0
        self._mixed = False
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName("Rating")
        self._update_tooltip()

    def rating(self) -> int:
        """The rating shown (0–5)."""
        return self._rating

    def set_rating(self, stars: int, *, mixed: bool = False) -> None:
        """Show ``stars`` (``mixed`` for a selection whose papers differ: drawn empty)."""
        self._rating = max(0, min(MAX_STARS, stars))
        self._mixed = mixed
        self._update_tooltip()
        self.update()

    def _update_tooltip(self) -> None:
        if self._mixed:
            text = "Ratings differ — click to rate all selected papers"
        elif self._rating:
            text = f"{self._rating} of 5 stars (click the same star or press 0 to clear)"
        else:
            text = "Not rated — click a star or press 1–5"
        self.setToolTip(text)
        self.setAccessibleDescription(text)

    def sizeHint(self) -> QSize:
        width = MAX_STARS * self._size + (MAX_STARS - 1) * self._spacing + 4
        return QSize(int(width), self._size + 8)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def _edit(self, stars: int) -> None:
        stars = max(0, min(MAX_STARS, stars))
        self._mixed = False
        if stars != self._rating:
            self._rating = stars
            self._update_tooltip()
            self.update()
        self.rating_edited.emit(stars)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_stars(
            painter,
            QRectF(2, 0, self.width() - 2, self.height()),
            0 if self._mixed else self._rating,
            self.palette(),
            size=self._size,
            spacing=self._spacing,
            hover=self._hover,
        )
        if self.hasFocus():
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 1.5)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.75, 0.75, -0.75, -0.75), 4, 4)
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hover = star_at(event.position().x(), 2, self._size, self._spacing)
        if hover != self._hover:
            self._hover = hover
            self.update()

    def leaveEvent(self, _event: object) -> None:
        self._hover = 0
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        stars = star_at(event.position().x(), 2, self._size, self._spacing)
        if stars == 0:
            return
        self._hover = 0
        self._edit(0 if stars == self._rating and not self._mixed else stars)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if (
            Qt.Key.Key_0 <= key <= Qt.Key.Key_5
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self._edit(key - Qt.Key.Key_0)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Plus):
            self._edit(self._rating + 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Minus):
            self._edit(self._rating - 1)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()
