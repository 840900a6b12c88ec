"""The app's SVG icons, tinted to the palette so they read in light and dark themes.

The files live in :mod:`resources.icons` (loaded with :mod:`importlib.resources`, so they
work from a wheel or a bundle). They draw in ``currentColor``; :func:`icon` substitutes a
colour and renders crisp pixmaps at the sizes views ask for.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

_SIZES = (16, 24)
"""Sizes rendered up front (menus, the sidebar, buttons); Qt scales for the others and
derives the disabled look, so an icon costs two small renders at start-up."""


@cache
def _svg_text(name: str) -> str:
    return (resources.files("resources.icons") / f"{name}.svg").read_text(encoding="utf-8")


def icon_names() -> list[str]:
    """Every icon shipped, by name (file name without ``.svg``)."""
    return sorted(
        entry.name.removesuffix(".svg")
        for entry in resources.files("resources.icons").iterdir()
        if entry.name.endswith(".svg")
    )


def _default_color() -> QColor:
    palette = QGuiApplication.palette()
    text = palette.color(QPalette.ColorRole.WindowText)
    # Slightly softer than body text, as native icon themes draw them.
    mid = palette.color(QPalette.ColorRole.Window)
    return QColor(
        (text.red() * 4 + mid.red()) // 5,
        (text.green() * 4 + mid.green()) // 5,
        (text.blue() * 4 + mid.blue()) // 5,
    )


def pixmap(name: str, size: int, color: QColor | None = None, ratio: float = 1.0) -> QPixmap:
    """``name`` rendered at ``size`` logical pixels in ``color`` (default: the text colour)."""
    tint = (color or _default_color()).name()
    data = QByteArray(_svg_text(name).replace("currentColor", tint).encode("utf-8"))
    renderer = QSvgRenderer(data)
    device = max(1, round(size * ratio))
    image = QPixmap(QSize(device, device))
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, device, device))
    painter.end()
    image.setDevicePixelRatio(ratio)
    return image


@cache
def _icon(name: str, tint: str, ratio: float) -> QIcon:
    result = QIcon()
    color = QColor(tint)
    for size in _SIZES:
        result.addPixmap(pixmap(name, size, color, ratio), QIcon.Mode.Normal)
    return result


THEME_NAMES = {
    "import": "document-import",
    "export": "document-export",
    "settings": "preferences-system",
    "search": "edit-find",
    "undo": "edit-undo",
    "redo": "edit-redo",
    "folder": "folder-open",
    "open-link": "internet-web-browser",
}
"""Freedesktop icon names for the actions a desktop theme draws: the user's icon theme
wins where it has the icon; our SVGs are the fallback (and all there is off Linux)."""


def app_icon() -> QIcon:
    """The application's own, full-colour icon (never tinted, never themed)."""
    folder = resources.files("resources.icons.app")
    result = QIcon()
    for entry in folder.iterdir():
        if entry.name.endswith(".png"):
            result.addFile(str(entry))
    return result


def icon(name: str, color: QColor | str | None = None) -> QIcon:
    """The icon ``name`` (see ``resources/icons``) tinted ``color`` (default: the text colour).

    Without an explicit colour, an action icon comes from the desktop's icon theme when
    the theme has it (:data:`THEME_NAMES`).
    """
    themed = THEME_NAMES.get(name)
    if color is None and themed and QIcon.hasThemeIcon(themed):
        return QIcon.fromTheme(themed)
    tint = QColor(color) if color is not None else _default_color()
    app = QGuiApplication.instance()
    ratio = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
    return _icon(name, tint.name(QColor.NameFormat.HexArgb), float(ratio))
