"""Every digest format in the window: dropped into the watched folder it shows up in the list,
and the detail pane shows authors, identifiers, subjects and links — safely."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from reader.digests import parse
from reader.digests.model import Digest, Entry
from reader.importer import Importer
from reader.library import Library
from reader.library.ingest import SourceFile, record_digest
from tests.digests.samples import SAMPLES, sample
from tests.factories import SAMPLE_CAPTURED, SAMPLE_PATH
from tests.ui.conftest import WAIT_MS, WindowFactory, settle
from tests.ui.test_end_to_end import click_row
from ui.byline import PaperLink
from ui.models import Column
from ui.window import MainWindow

pytestmark = pytest.mark.gui

HF_TEXT = "hf-daily-papers-2026-01-30.txt"


def _sample_path(name: str) -> tuple[Path, datetime]:
    if name == HF_TEXT:
        return SAMPLE_PATH, SAMPLE_CAPTURED
    chosen = sample(name)
    return chosen.path, chosen.captured_at


def _titles(window: MainWindow) -> set[str]:
    model = window.model
    return {model.index(row, Column.TITLE).data() for row in range(model.rowCount())}


def _row_of(window: MainWindow, title_start: str) -> int:
    model = window.model
    return next(
        row
        for row in range(model.rowCount())
        if model.index(row, Column.TITLE).data().startswith(title_start)
    )


@pytest.mark.parametrize("name", [s.name for s in SAMPLES] + [HF_TEXT])
def test_each_format_dropped_in_the_watched_folder_shows_up(
    qtbot: QtBot, make_window: WindowFactory, inbox: Path, name: str
) -> None:
    path, captured_at = _sample_path(name)
    expected = {entry.title for entry in parse(path, captured_at=captured_at).entries}
    window = make_window(watch=True)
    assert window.list_stack.currentWidget() is window.empty_state

    shutil.copyfile(path, inbox / name)
    qtbot.waitUntil(lambda: window.model.rowCount() == len(expected), timeout=WAIT_MS)
    assert _titles(window) == expected
    # The list replaces the empty state when the view's count arrives (off the GUI thread).
    qtbot.waitUntil(
        lambda: window.list_stack.currentWidget() is not window.empty_state, timeout=WAIT_MS
    )
    assert f"from {name}" in window.statusBar().currentMessage()


@pytest.fixture
def arxiv_listing(lib_path: Path) -> Path:
    """The arXiv listing e-mail sample imported into the test's library."""
    listing = sample("arxiv-cs-listing-2024-11-21.txt")
    with Library(lib_path) as library:
        Importer(library).import_file(listing.path, captured_at=listing.captured_at)
    return lib_path


def test_the_detail_pane_shows_what_an_arxiv_email_says(
    qtbot: QtBot, make_window: WindowFactory, arxiv_listing: Path
) -> None:
    window = make_window()
    opened: list[QUrl] = []
    window.places.open_url = opened.append  # type: ignore[assignment]
    detail = window.detail

    click_row(qtbot, window, _row_of(window, "Integrated Water Resource Management"))
    assert detail.authors.isVisible()
    assert detail.authors.text() == (
        "Urtzi Otamendi, Mikel Maiza, Igor G. Olaizola, Basilio Sierra, Markel Flores, "
        "Marco Quartulli"
    )
    assert detail.authors.toolTip() == ""  # everyone is named already
    meta = detail.meta.text()
    assert "arXiv:2411.13566" in meta
    assert "DOI 10.1016/j.jenvman.2024.122526" in meta
    assert "6 authors" not in meta  # the names say it
    assert detail.categories.texts() == ["cs.AI"]
    links = {label.text: label.url for label in _links(window)}
    assert links == {
        "arXiv": QUrl("https://arxiv.org/abs/2411.13566"),
        "PDF": QUrl("https://arxiv.org/pdf/2411.13566"),
        "DOI": QUrl("https://doi.org/10.1016/j.jenvman.2024.122526"),
        "Hugging Face": QUrl("https://huggingface.co/papers/2411.13566"),
    }

    arxiv = next(label for label in detail.links.labels if label.link.text == "arXiv")
    qtbot.waitUntil(lambda: arxiv.size() == arxiv.sizeHint())  # laid out
    qtbot.mouseMove(arxiv, arxiv.rect().center())
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage() == "https://arxiv.org/abs/2411.13566"
    )
    qtbot.mouseClick(arxiv, Qt.MouseButton.LeftButton, pos=arxiv.rect().center())
    settle(qtbot, window)
    assert opened == [QUrl("https://arxiv.org/abs/2411.13566")]
    assert "Opening https://arxiv.org/abs/2411.13566" in window.statusBar().currentMessage()

    click_row(qtbot, window, _row_of(window, "AMSnet-KG"))  # twelve authors
    shown = detail.authors.text().replace("\N{NO-BREAK SPACE}", " ")
    assert shown.startswith("Yichen Shi, Zhuofu Tao, ")
    assert shown.endswith(", Genhao Zhang and 4 more")
    assert "Lei He" in detail.authors.toolTip()
    assert detail.categories.texts() == ["cs.AI", "cs.ET", "eess.SP"]
    assert "DOI" not in [link.text for link in _links(window)]


def test_a_paper_without_these_fields_looks_as_before(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path
) -> None:
    with Library(lib_path) as library:
        _record(library, Entry(title="A plain paper", authors_count=3, comments=2))
    window = make_window()
    click_row(qtbot, window, 0)
    detail = window.detail
    assert detail.meta.text() == "3 authors  ·  2 comments"
    assert not detail.authors.isVisible()
    assert not detail.categories.isVisible()
    assert not detail.links.isVisible()


def _links(window: MainWindow) -> list[PaperLink]:
    """The detail pane's links: what the user reads and where a click goes."""
    links = window.detail.links
    return [label.link for label in links.labels] if links.isVisible() else []


def _record(library: Library, *entries: Entry) -> None:
    digest = Digest(
        format="synthetic",
        entries=entries,
        date=date(2026, 1, 30),
        captured_at=datetime(2026, 1, 30, 12, tzinfo=UTC),
    )
    record_digest(library, SourceFile("hostile.txt", None, None, "test"), digest)


BOLD = "<b>x</b>"
IMAGE = "<img src=http://e/x>"


def test_hostile_fields_stay_text_and_offer_no_foreign_links(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path
) -> None:
    authors = (BOLD, IMAGE, *(f"<a href='javascript:alert({n})'>A{n}</a>" for n in range(10)))
    with Library(lib_path) as library:
        _record(
            library,
            Entry(
                title=f"{BOLD} {IMAGE}",
                authors=authors,
                organization="<script>alert(1)</script>",
                url="javascript:alert(1)",
                doi="10.1/<b>x</b>",
                categories=(BOLD, IMAGE),
            ),
        )
    window = make_window()
    opened: list[QUrl] = []
    window.places.open_url = opened.append  # type: ignore[assignment]
    click_row(qtbot, window, 0)
    detail = window.detail

    assert detail.title.text() == f"{BOLD} {IMAGE}"
    for label in (detail.title, detail.authors, detail.meta, *detail.categories.chips):
        assert label.textFormat() is Qt.TextFormat.PlainText
    assert detail.authors.text().startswith(f"{BOLD}, {IMAGE}, ")
    assert "<b>" not in detail.authors.toolTip()
    assert "&lt;b&gt;x&lt;/b&gt;" in detail.authors.toolTip()
    assert "<script>alert(1)</script>" in detail.meta.text()
    assert detail.categories.texts() == [BOLD, IMAGE]
    links = _links(window)
    assert [link.text for link in links] == ["DOI"]
    assert links[0].url.scheme() == "https"
    assert links[0].url.host() == "doi.org"
    for label in detail.links.labels:
        assert "javascript" not in label.text().lower()
        assert "<b>" not in label.text()

    # Values no importer would store, shown anyway: none becomes a link.
    paper = detail.paper
    assert paper is not None
    detail.show_paper(
        dataclasses.replace(
            paper,
            arxiv_id="javascript:alert(1)//2411.13566",
            doi="10.1/x y",
            url="JavaScript:alert(1)",
        )
    )
    assert not detail.links.isVisible()
    detail.show_paper(dataclasses.replace(paper, doi=None, url="https://example.org/p?a=<b>"))
    assert [link.text for link in _links(window)] == ["example.org"]
    assert "<b>" not in detail.links.labels[0].text()
    assert opened == []


def test_import_offers_every_format_and_the_empty_state_says_so(
    make_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def fake_dialog(_parent: object, _title: str, _folder: str, filters: str) -> tuple[list, str]:
        asked.append(filters)
        return [], ""

    monkeypatch.setattr("ui.transfers.QFileDialog.getOpenFileNames", fake_dialog)
    window = make_window()
    window.transfers.choose_import()
    digests = (
        "Digests (*.txt *.md *.markdown *.json *.html *.htm *.xml *.rss *.atom *.eml *.bib *.ris)"
    )
    assert asked == [f"{digests};;All files (*)"]
    message = window.empty_state.message.text()
    assert "arXiv listing e-mails" in message
    assert "feeds" in message
