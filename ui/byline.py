"""The lines under a paper's title in the detail pane: its authors, subjects and links.

Everything a digest says is untrusted text. Names and categories are shown in plain-text
labels; tooltips are escaped before Qt can mistake them for markup; and the only link
targets are the ones built here from validated identifiers (an arXiv id that
:func:`normalise_arxiv_id` gives back unchanged, a DOI starting ``10.`` without whitespace)
or the paper's own address when it is a well-formed ``http(s)`` URL.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import quote, unquote

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from reader.keys import normalise_arxiv_id
from reader.library import Paper
from ui.tags import FlowLayout
from ui.tooltips import plain_tooltip

AUTHORS_SHOWN = 8
"""How many names a long author list shows before "and N more"."""
AUTHORS_SLACK = 2
"""A list at most this much longer than :data:`AUTHORS_SHOWN` is shown whole."""
CATEGORIES_SHOWN = 12
CATEGORY_CHARS = 40
WEB_SCHEMES = frozenset({"http", "https"})
_NEW_STYLE_ID = re.compile(r"\d{4}\.\d{4,5}")


def authors_text(authors: Sequence[str], authors_count: int | None) -> tuple[str, str]:
    """The author line and its tooltip: ``A, B, … H and 11 more`` with the whole list.

    The tooltip is empty when the line already names everyone.
    """
    names = [" ".join(name.split()) for name in authors if name.strip()]
    if not names:
        return "", ""
    total = max(len(names), authors_count or 0)
    limit = AUTHORS_SHOWN if total > AUTHORS_SHOWN + AUTHORS_SLACK else len(names)
    shown = names[:limit]
    hidden = total - len(shown)
    if not hidden:
        return ", ".join(shown), ""
    line = f"{', '.join(shown)} and\N{NO-BREAK SPACE}{hidden}\N{NO-BREAK SPACE}more"
    return line, ", ".join(names) if len(names) > len(shown) else ""


def valid_arxiv_id(value: str | None) -> str | None:
    """``value`` when it is a bare arXiv id (``2411.13560``, ``hep-th/9901001``)."""
    if value and normalise_arxiv_id(value) == value:
        return value
    return None


def valid_doi(value: str | None) -> str | None:
    """``value`` when it looks like a DOI: ``10.`` first, printable, no whitespace."""
    if (
        value
        and value.startswith("10.")
        and len(value) <= 300
        and value.isprintable()
        and not any(ch.isspace() for ch in value)
    ):
        return value
    return None


def web_url(value: str | None) -> QUrl | None:
    """``value`` as a URL when it is a well-formed ``http``/``https`` address with a host."""
    if not value or any(ch.isspace() for ch in value.strip()):
        return None
    url = QUrl(value.strip())
    if not url.isValid() or url.scheme().lower() not in WEB_SCHEMES or not url.host():
        return None
    return url


class PaperLink(NamedTuple):
    """One link of the detail pane: what it says and where it goes."""

    text: str
    url: QUrl


def display_host(url: QUrl) -> str:
    """``url``'s host for people: in punycode (``xn--…``) when it has any non-ASCII letter.

    ``аpple.com`` with a Cyrillic ``а`` looks like ``apple.com``; shown as
    ``xn--pple-43d.com`` it cannot pass for it. (Telling which Unicode hosts are safe to
    show needs the confusables tables; punycode for all of them never misleads.)
    """
    host = url.host(QUrl.ComponentFormattingOption.FullyDecoded)
    if host.isascii():
        return host.lower()
    return url.host(QUrl.ComponentFormattingOption.FullyEncoded).lower()


def display_url(url: QUrl) -> str:
    """``url`` as shown in tooltips and the status bar, its host as :func:`display_host`."""
    if url.host(QUrl.ComponentFormattingOption.FullyDecoded).isascii():
        return url.toString()
    return url.toString(QUrl.ComponentFormattingOption.FullyEncoded)


def _bare_host(url: QUrl) -> str:
    return display_host(url).removeprefix("www.")


def _is_duplicate(url: QUrl, arxiv_id: str | None, doi: str | None) -> bool:
    """Whether the paper's own ``url`` is one of the arXiv, Hugging Face or DOI pages."""
    host = _bare_host(url)
    if arxiv_id and host in {"arxiv.org", "export.arxiv.org", "huggingface.co"}:
        return normalise_arxiv_id(url.toString()) == arxiv_id
    if doi and host in {"doi.org", "dx.doi.org"}:
        return unquote(url.path()).strip("/").casefold() == doi.casefold()
    return False


def paper_links(paper: Paper) -> list[PaperLink]:
    """The pages of ``paper`` worth offering, built only from validated identifiers."""
    links: list[PaperLink] = []
    arxiv_id = valid_arxiv_id(paper.arxiv_id)
    doi = valid_doi(paper.doi)
    if arxiv_id:
        links.append(PaperLink("arXiv", QUrl(f"https://arxiv.org/abs/{arxiv_id}")))
        links.append(PaperLink("PDF", QUrl(f"https://arxiv.org/pdf/{arxiv_id}")))
    if doi:
        links.append(PaperLink("DOI", QUrl(f"https://doi.org/{quote(doi, safe='/:;()._-')}")))
    if arxiv_id and _NEW_STYLE_ID.fullmatch(arxiv_id):
        links.append(PaperLink("Hugging Face", QUrl(f"https://huggingface.co/papers/{arxiv_id}")))
    own = web_url(paper.url)
    if own is not None and not _is_duplicate(own, arxiv_id, doi):
        links.append(PaperLink(_bare_host(own) or "Web page", own))
    return links


class LinkLabel(QLabel):
    """One clickable link; it opens the URL it was built with, whatever the label says."""

    opened = Signal(QUrl)

    def __init__(self, link: PaperLink, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.url = link.url
        shown = link.url.toString(QUrl.ComponentFormattingOption.FullyEncoded)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setText(f'<a href="{html.escape(shown, quote=True)}">{html.escape(link.text)}</a>')
        self.setToolTip(plain_tooltip(display_url(link.url)))
        self.setAccessibleName(f"Open {link.text}")
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.setOpenExternalLinks(False)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.linkActivated.connect(lambda _href: self.opened.emit(self.url))


class LinkRow(QWidget):
    """The paper's links in a row that wraps; hovering shows the address, a click asks to
    open it through :attr:`link_activated`."""

    link_activated = Signal(QUrl)
    link_hovered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = FlowLayout(self, spacing=14)
        self._layout.setContentsMargins(0, 2, 0, 0)
        self.labels: list[LinkLabel] = []

    def set_links(self, links: Sequence[PaperLink]) -> None:
        """Show ``links`` (none: the row hides)."""
        _clear(self._layout)
        self.labels = []
        for link in links:
            label = LinkLabel(link, self)
            label.opened.connect(self._opened)
            label.linkHovered.connect(
                lambda href, url=link.url: self.link_hovered.emit(display_url(url) if href else "")
            )
            self._layout.addWidget(label)
            self.labels.append(label)
        self.setVisible(bool(links))

    def _opened(self, url: QUrl) -> None:
        if url.isValid() and url.scheme().lower() in WEB_SCHEMES:
            self.link_hovered.emit(f"Opening {display_url(url)}")
            self.link_activated.emit(url)


class CategoryChips(QWidget):
    """The paper's subject categories as small muted chips that wrap."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = FlowLayout(self, spacing=4)
        self.chips: list[QLabel] = []

    def set_categories(self, categories: Sequence[str]) -> None:
        """Show ``categories`` (none: the chips hide). Long names are shortened."""
        _clear(self._layout)
        self.chips = []
        names = [" ".join(c.split()) for c in categories if c.strip()]
        shown = names[:CATEGORIES_SHOWN]
        if len(names) > len(shown):
            shown.append(f"+{len(names) - len(shown)}")
        self.setStyleSheet(_chip_style(self.palette()))
        for name in shown:
            chip = QLabel(self)
            chip.setObjectName("categoryChip")
            chip.setTextFormat(Qt.TextFormat.PlainText)
            if len(name) > CATEGORY_CHARS:
                chip.setText(name[: CATEGORY_CHARS - 1] + "…")
                chip.setToolTip(plain_tooltip(name))
            else:
                chip.setText(name)
            font = QFont(chip.font())
            font.setPointSizeF(font.pointSizeF() * 0.88)
            chip.setFont(font)
            chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self._layout.addWidget(chip)
            self.chips.append(chip)
        if len(names) > CATEGORIES_SHOWN:
            self.chips[-1].setToolTip(plain_tooltip(", ".join(names[CATEGORIES_SHOWN:])))
        self.setVisible(bool(shown))

    def texts(self) -> list[str]:
        """What the chips say (for tests)."""
        return [chip.text() for chip in self.chips]


def _chip_style(palette: QPalette) -> str:
    text = palette.color(QPalette.ColorRole.WindowText)
    base = palette.color(QPalette.ColorRole.Base)

    def mix(amount: float) -> str:
        return QColor(
            round(text.red() + (base.red() - text.red()) * amount),
            round(text.green() + (base.green() - text.green()) * amount),
            round(text.blue() + (base.blue() - text.blue()) * amount),
        ).name()

    return (
        f"QLabel#categoryChip {{ color: {mix(0.4)}; border: 1px solid {mix(0.78)}; "
        f"background: {mix(0.95)}; border-radius: 4px; padding: 1px 6px; }}"
    )


def _clear(layout: FlowLayout) -> None:
    while (item := layout.takeAt(0)) is not None:
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
