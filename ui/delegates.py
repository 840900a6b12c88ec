"""Item delegates of the paper list: painted stars, tag chips, a note marker on titles."""

from __future__ import annotations

import zlib

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPaintDevice,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from reader.library import PaperRow
from ui.icons import icon
from ui.models import PaperRowRole
from ui.stars import paint_stars, star_at

Index = QModelIndex | QPersistentModelIndex

LIST_STAR_SIZE = 13
LIST_STAR_SPACING = 1.5
CELL_MARGIN = 6


def tag_colors(name: str, palette: QPalette) -> tuple[QColor, QColor]:
    """Background and text colour of a tag's chip: a soft hue fixed by the name."""
    hue = zlib.crc32(name.casefold().encode("utf-8")) % 360
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    if dark:
        return QColor.fromHsl(hue, 70, 70), QColor.fromHsl(hue, 120, 225)
    return QColor.fromHsl(hue, 150, 232), QColor.fromHsl(hue, 140, 60)


def _luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1–21; text wants 4.5)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def overflow_color(palette: QPalette, selected: bool) -> QColor:
    """The "+N" of tags that do not fit: muted, but readable (4.5:1) on its row."""
    if selected:
        return palette.color(QPalette.ColorRole.HighlightedText)
    rows = (palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.AlternateBase))
    text = palette.color(QPalette.ColorRole.Text)
    muted = palette.color(QPalette.ColorRole.PlaceholderText)
    for amount in (0.0, 0.25, 0.5, 0.75, 1.0):  # towards the text colour until it reads
        color = QColor(
            round(muted.red() + (text.red() - muted.red()) * amount),
            round(muted.green() + (text.green() - muted.green()) * amount),
            round(muted.blue() + (text.blue() - muted.blue()) * amount),
        )
        if min(contrast(color, row) for row in rows) >= 4.5:
            return color
    return text


def _draw_background(painter: QPainter, option: QStyleOptionViewItem, index: Index) -> QStyle:
    """The selection/alternate-row background of a cell, without its text."""
    opt = QStyleOptionViewItem(option)
    opt.text = ""
    opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDisplay
    widget = option.widget
    style = widget.style() if widget is not None else QApplication.style()
    style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
    return style


class RatingDelegate(QStyledItemDelegate):
    """Paints the rating as stars; a click on a star rates the paper (the same star clears)."""

    rating_clicked = Signal(int, int)
    """Paper id, stars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmaps: dict[tuple[int, bool, int, int, float], QPixmap] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        # No initStyleOption: it asks the model for seven roles this cell never shows (on a
        # repaint of the list, most of the model's calls).
        opt = QStyleOptionViewItem(option)
        _draw_background(painter, opt, index)
        paper: PaperRow | None = index.data(PaperRowRole)
        if paper is None:
            return
        hot = bool(opt.state & (QStyle.StateFlag.State_MouseOver | QStyle.StateFlag.State_Selected))
        if not paper.rating and not hot:
            return
        palette = QPalette(opt.palette)
        if opt.state & QStyle.StateFlag.State_Selected:
            faint = QColor(opt.palette.color(QPalette.ColorRole.HighlightedText))
            faint.setAlphaF(0.6)
            palette.setColor(QPalette.ColorRole.PlaceholderText, faint)
        painter.drawPixmap(
            opt.rect.left() + CELL_MARGIN,
            opt.rect.top(),
            self._stars(paper.rating, hot, palette, opt.rect.height(), painter.device()),
        )

    def _stars(
        self, rating: int, hot: bool, palette: QPalette, height: int, device: object
    ) -> QPixmap:
        """The five stars of a row, painted once per look (Ctrl+A on 100,000 rows repaints
        every visible row's outlines: drawing the paths each time was most of that paint)."""
        ratio = device.devicePixelRatioF() if isinstance(device, QPaintDevice) else 1.0
        outline = palette.color(QPalette.ColorRole.PlaceholderText).rgba()
        key = (rating, hot, outline, height, ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            width = 5 * LIST_STAR_SIZE + 4 * LIST_STAR_SPACING + 2
            pixmap = QPixmap(int(width * ratio), int(height * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            star_painter = QPainter(pixmap)
            paint_stars(
                star_painter,
                QRectF(0, 0, width, height),
                rating,
                palette,
                size=LIST_STAR_SIZE,
                spacing=LIST_STAR_SPACING,
                empty_outline=hot,
            )
            star_painter.end()
            if len(self._pixmaps) > 64:
                self._pixmaps.clear()
            self._pixmaps[key] = pixmap
        return pixmap

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        size.setWidth(int(CELL_MARGIN * 2 + 5 * LIST_STAR_SIZE + 4 * LIST_STAR_SPACING))
        return size

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: Index,
    ) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and not event.modifiers()
        ):
            paper: PaperRow | None = index.data(PaperRowRole)
            left = option.rect.left() + CELL_MARGIN
            stars = star_at(event.position().x(), left, LIST_STAR_SIZE, LIST_STAR_SPACING)
            inside = event.position().x() <= left + 5 * (LIST_STAR_SIZE + LIST_STAR_SPACING)
            if paper is not None and stars and inside:
                self.rating_clicked.emit(paper.id, 0 if stars == paper.rating else stars)
                return True
        return super().editorEvent(event, model, option, index)


class TagsDelegate(QStyledItemDelegate):
    """Paints a paper's tags as small rounded chips; ``+N`` when they do not fit."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)  # no initStyleOption: see RatingDelegate.paint
        _draw_background(painter, opt, index)
        paper: PaperRow | None = index.data(PaperRowRole)
        if paper is None or not paper.tags:
            return
        font = QFont(opt.font)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.86))
        metrics = QFontMetrics(font)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(font)
        rect = opt.rect.adjusted(CELL_MARGIN - 2, 0, -CELL_MARGIN, 0)
        height = metrics.height() + 4
        top = rect.top() + (rect.height() - height) // 2
        x = rect.left()
        pad = 6
        for position, name in enumerate(paper.tags):
            width = metrics.horizontalAdvance(name) + 2 * pad + 2  # +2: no rounding elision
            remaining = len(paper.tags) - position
            more = f"+{remaining}"
            more_width = metrics.horizontalAdvance(more) + 4
            fits = x + width <= rect.right() - (more_width if remaining > 1 else 0)
            if not fits:
                if x + width > rect.right() and position == 0:
                    width = rect.right() - x - more_width
                    if width > 2 * pad + metrics.horizontalAdvance("…"):
                        self._chip(painter, metrics, QRect(x, top, width, height), name, opt, pad)
                        x += width + 4
                        more = f"+{remaining - 1}" if remaining > 1 else ""
                selected = bool(opt.state & QStyle.StateFlag.State_Selected)
                painter.setPen(overflow_color(opt.palette, selected))
                if more:
                    painter.drawText(
                        QRect(x, rect.top(), rect.right() - x, rect.height()),
                        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                        more,
                    )
                break
            self._chip(painter, metrics, QRect(x, top, width, height), name, opt, pad)
            x += width + 4
        painter.restore()

    @staticmethod
    def _chip(
        painter: QPainter,
        metrics: QFontMetrics,
        rect: QRect,
        name: str,
        opt: QStyleOptionViewItem,
        pad: int,
    ) -> None:
        background, foreground = tag_colors(name, opt.palette)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(QRectF(rect), rect.height() / 2, rect.height() / 2)
        painter.setPen(foreground)
        text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, rect.width() - 2 * pad)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)


class TitleDelegate(QStyledItemDelegate):
    """The title, elided, with a small pencil at the right when the paper has a note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._note_icon = icon("note")

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        paper: PaperRow | None = index.data(PaperRowRole)
        if paper is None or not paper.has_note:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        size = 14
        full = QRect(opt.rect)
        opt.rect = full.adjusted(0, 0, -(size + 8), 0)
        style = _draw_background(painter, QStyleOptionViewItem(option), index)
        opt.backgroundBrush = QBrush(Qt.GlobalColor.transparent)
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.Alternate
        opt.state &= ~QStyle.StateFlag.State_HasFocus
        opt.showDecorationSelected = False
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            opt.state &= ~QStyle.StateFlag.State_Selected
            opt.palette.setColor(
                QPalette.ColorRole.Text, option.palette.color(QPalette.ColorRole.HighlightedText)
            )
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        note = (
            icon("note", option.palette.color(QPalette.ColorRole.HighlightedText))
            if selected
            else self._note_icon
        )
        note.paint(
            painter,
            QRect(full.right() - size - 4, full.top() + (full.height() - size) // 2, size, size),
        )
