"""The look: the platform style (Fusion where the platform has none worth using) and a
small style sheet for the few things palettes cannot say — captions, muted text, segments.

Colours come from the active palette, so light and dark themes both work.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from ui.appwide import set_theme, theme

FAILED_COLOR = "#c0392b"
"""The colour of failures: a digest that could not be imported, a search that does not parse."""

_NATIVE = {"windowsvista", "windows11", "macos", "macintosh", "breeze", "oxygen", "kvantum"}


def choose_style(app: QApplication) -> None:
    """Keep a native style when there is one; otherwise use Fusion."""
    current = app.style().name().lower() if app.style() is not None else ""
    available = QStyleFactory.keys()
    if current not in _NATIVE and "fusion" in {name.lower() for name in available}:
        app.setStyle("Fusion")
    app.setProperty(
        "papershelfFusion", app.style() is not None and app.style().name().lower() == "fusion"
    )


SCHEME_VARIABLE = "PAPERSHELF_COLOR_SCHEME"
"""``dark`` or ``light`` overrides what the system says (for people and screenshots)."""


def wants_dark(app: QApplication) -> bool:
    """Whether the window should be dark: the environment's override, else the theme chosen
    in Settings, else the system's colour scheme."""
    forced = os.environ.get(SCHEME_VARIABLE, "").strip().lower()
    if forced in {"dark", "light"}:
        return forced == "dark"
    chosen = theme()
    if chosen != "system":
        return chosen == "dark"
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, choice: str) -> None:
    """Settings ▸ Appearance: remember ``choice`` and switch every window to it now."""
    set_theme(choice)
    hints = app.styleHints()
    if hasattr(hints, "setColorScheme"):  # Qt 6.8+: native styles follow as well
        scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}
        hints.setColorScheme(scheme.get(choice, Qt.ColorScheme.Unknown))
    apply_look(app)


def dark_palette() -> QPalette:
    """A dark palette for Fusion, in the spirit of the platforms' own dark modes."""
    p = QPalette()
    window, base, text = QColor("#2b2d31"), QColor("#1f2023"), QColor("#e6e6e6")
    muted, highlight = QColor("#8b8d93"), QColor("#3d7bd9")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#26282c"),
        QPalette.ColorRole.ToolTipBase: QColor("#3a3c42"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: muted,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#35373c"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6b6b"),
        QPalette.ColorRole.Light: QColor("#45474d"),
        QPalette.ColorRole.Midlight: QColor("#3a3c41"),
        QPalette.ColorRole.Mid: QColor("#2f3135"),
        QPalette.ColorRole.Dark: QColor("#18191b"),
        QPalette.ColorRole.Shadow: QColor("#000000"),
        QPalette.ColorRole.Highlight: highlight,
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#79a8ff"),
        QPalette.ColorRole.LinkVisited: QColor("#b58cff"),
    }
    for role, color in roles.items():
        p.setColor(role, color)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, muted)
    return p


def apply_look(app: QApplication) -> None:
    """Palette and style sheet for the current colour scheme; called again when it changes.

    Native styles (Windows, macOS, Breeze) follow the system by themselves; Fusion gets
    our dark palette or its own light one.
    """
    # choose_style records the choice: once a style sheet is set, app.style() is a nameless
    # proxy, so the style cannot be asked again.
    if app.property("papershelfFusion"):
        light = QStyleFactory.create("Fusion").standardPalette()
        app.setPalette(dark_palette() if wants_dark(app) else light)
    app.setStyleSheet(style_sheet(app.palette()))


def follow_system_scheme(app: QApplication) -> None:
    """Apply the look now and whenever the system switches between light and dark."""
    chosen = theme()
    if chosen != "system" and hasattr(app.styleHints(), "setColorScheme"):
        scheme = Qt.ColorScheme.Dark if chosen == "dark" else Qt.ColorScheme.Light
        app.styleHints().setColorScheme(scheme)
    apply_look(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_look(app))


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
