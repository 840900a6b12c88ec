"""The look: the platform style (Fusion where the platform has none worth using) and a
small style sheet for the few things palettes cannot say — captions, muted text, segments.

Colours come from the active palette, so light and dark themes both work.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

_NATIVE = {"windowsvista", "windows11", "macos", "macintosh", "breeze", "oxygen", "kvantum"}


def choose_style(app: QApplication) -> None:
    """Keep a native style when there is one; otherwise use Fusion."""
    current = app.style().name().lower() if app.style() is not None else ""
    available = QStyleFactory.keys()
    if current not in _NATIVE and "fusion" in {name.lower() for name in available}:
        app.setStyle("Fusion")


def _mix(a: QColor, b: QColor, amount: float) -> str:
    """``a`` moved ``amount`` (0–1) towards ``b``, as ``#rrggbb``."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    ).name()


def style_sheet(palette: QPalette) -> str:
    """The window's style sheet for ``palette``."""
    text = palette.color(QPalette.ColorRole.WindowText)
    window = palette.color(QPalette.ColorRole.Window)
    base = palette.color(QPalette.ColorRole.Base)
    highlight = palette.color(QPalette.ColorRole.Highlight)
    muted = _mix(text, window, 0.45)
    border = _mix(text, window, 0.75)
    segment = _mix(base, window, 0.5)
    return f"""
QLabel#mutedLabel {{ color: {muted}; }}
QLabel#sectionCaption {{ color: {muted}; font-weight: 600; }}
QLabel#placeholder {{ color: {muted}; }}
QLabel#viewTitle {{ font-weight: 600; }}
QLabel#viewCount {{ color: {muted}; }}
QWidget#detailBody, QScrollArea > QWidget > QWidget#detailBody {{ background: {base.name()}; }}
QToolButton#segment {{
    padding: 3px 7px; border: 1px solid {border}; background: {segment};
    margin-right: -1px;
}}
QToolButton#segment:hover {{ background: {_mix(highlight, base, 0.85)}; }}
QToolButton#segment:checked {{
    background: {highlight.name()}; color: {palette.color(QPalette.ColorRole.HighlightedText).name()};
    border-color: {highlight.name()};
}}
QToolButton#segment:focus {{ border-color: {highlight.name()}; }}
QTreeView#sidebar {{ background: {window.name()}; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QStatusBar QLabel#watchLabel {{ color: {muted}; padding: 0 6px; }}
"""
