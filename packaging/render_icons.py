"""Render the application icon's PNG sizes from its SVG (run after changing the SVG).

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py

The PNGs are shipped in ``resources/icons/app/`` beside the SVG: freedesktop menus and
bundles that cannot read SVG use them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
FOLDER = Path(__file__).resolve().parents[1] / "resources" / "icons" / "app"
NAME = "io.github.papershelf.Papershelf"


def render(svg: Path, size: int) -> QImage:
    """The SVG drawn at ``size``×``size`` pixels, antialiased, on transparency."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> None:
    """Write ``NAME-SIZE.png`` for every size."""
    app = QGuiApplication([])
    svg = FOLDER / f"{NAME}.svg"
    for size in SIZES:
        target = FOLDER / f"{NAME}-{size}.png"
        if not render(svg, size).save(str(target)):
            raise SystemExit(f"could not write {target}")
        print(target)
    del app


if __name__ == "__main__":
    main()
