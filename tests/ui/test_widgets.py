"""The detail pane's widgets on their own: stars, tag editor, note editor, markdown."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from reader.library import Library
from reader.library.health import clear_damage, record_damage
from reader.worker import LibraryWorker
from tests.ui.conftest import fill_library
from ui.notekeeper import NoteKeeper
from ui.notes import NoteEditor
from ui.operations import ChangeBus, OperationRunner
from ui.preview import render_markdown
from ui.stars import StarRating
from ui.tags import TagEditor
from ui.tasks import TaskRunner


def test_stars_by_mouse_and_keyboard(qtbot: QtBot) -> None:
    stars = StarRating(star_size=20)
    qtbot.addWidget(stars)
    stars.show()
    edits: list[int] = []
    stars.rating_edited.connect(edits.append)
    qtbot.mouseClick(stars, Qt.MouseButton.LeftButton, pos=QPoint(2 + 2 * 24 + 10, 10))
    assert stars.rating() == 3
    qtbot.mouseClick(stars, Qt.MouseButton.LeftButton, pos=QPoint(2 + 2 * 24 + 10, 10))
    assert stars.rating() == 0  # clicking the current star clears
    qtbot.keyClick(stars, Qt.Key.Key_5)
    qtbot.keyClick(stars, Qt.Key.Key_Left)
    assert edits == [3, 0, 5, 4]
    stars.set_rating(2)
    assert edits == [3, 0, 5, 4]  # setting it from code is not an edit
    assert "2 of 5" in stars.toolTip()


def test_tag_editor_emits_requests(qtbot: QtBot) -> None:
    editor = TagEditor()
    qtbot.addWidget(editor)
    editor.show()
    added: list[list[str]] = []
    removed: list[str] = []
    editor.tags_added.connect(added.append)
    editor.tag_removed.connect(removed.append)
    editor.set_tags(["one", "two"])
    qtbot.keyClicks(editor.input, "#three")
    qtbot.keyClick(editor.input, Qt.Key.Key_Return)
    assert added == [["three"]]
    assert editor.input.text() == ""
    qtbot.keyClick(editor.input, Qt.Key.Key_Backspace)
    assert removed == ["two"]
    qtbot.keyClicks(editor.input, "x" * 80)
    qtbot.keyClick(editor.input, Qt.Key.Key_Return)
    assert added == [["three"]]
    assert editor.hint.isVisibleTo(editor)
    assert "64 characters" in editor.hint.text()


@pytest.fixture
def keeper(tmp_path: Path, qtbot: QtBot) -> Iterator[tuple[NoteKeeper, Library]]:
    """A note keeper saving through a real writer thread into a tmp library of 3 papers."""
    path = tmp_path / "notes.sqlite"
    library = Library(path)
    fill_library(library, 3)
    worker = LibraryWorker(path)
    tasks = TaskRunner(worker)
    runner = OperationRunner(tasks, ChangeBus())
    yield NoteKeeper(runner, tmp_path / "unsaved notes"), library
    tasks.close()
    worker.close()
    library.close()


def test_note_editor_saves_once_per_change(
    qtbot: QtBot, keeper: tuple[NoteKeeper, Library]
) -> None:
    notes, library = keeper
    note = NoteEditor(notes)
    qtbot.addWidget(note)
    note.set_note(1, "")
    note.editor.setPlainText("hello")
    assert note.dirty
    note.set_note(2, "other")  # switching saves the previous note
    qtbot.waitUntil(lambda: library.paper(1).note == "hello")
    assert not note.is_editing()  # a note with text opens on its preview
    qtbot.waitUntil(lambda: not notes.unsaved())
    with qtbot.assertNotEmitted(notes.state_changed):
        note.flush()  # nothing new to save


def test_a_refused_note_is_kept_shown_copied_and_stored_later(
    qtbot: QtBot, keeper: tuple[NoteKeeper, Library]
) -> None:
    notes, library = keeper
    record_damage(library.path, "a test damaged it")  # every writer refuses from now on
    note = NoteEditor(notes)
    qtbot.addWidget(note)
    note.set_note(1, "")
    note.editor.setPlainText("precious words")
    note.flush()
    qtbot.waitUntil(lambda: bool(note.warning_text))
    assert "Not saved" in note.warning_text
    assert "damaged" in note.warning_text
    copy = notes.recovery_dir / "note-of-paper-1.md"
    assert copy.read_text(encoding="utf-8") == "precious words"

    note.set_note(2, "")  # switching papers never replaces the typed text…
    note.set_note(1, library.paper(1).note)  # …coming back shows it, not the stored note
    assert note.text() == "precious words"
    assert note.warning_text

    clear_damage(library.path)  # repaired
    notes.retry()
    qtbot.waitUntil(lambda: library.paper(1).note == "precious words")
    qtbot.waitUntil(lambda: not copy.exists())
    assert not notes.unsaved()


def test_markdown_escapes_raw_html() -> None:
    html = render_markdown("**bold** <img src=x onerror=alert(1)> `a < b`\n\n<div>block</div>")
    assert "<strong>bold</strong>" in html
    assert "<img" not in html
    assert "&lt;img" in html
    assert "<div>" not in html
    assert "<code>a &lt; b</code>" in html


def test_tag_editor_lays_out_again_when_chips_go(qtbot: QtBot) -> None:
    editor = TagEditor()
    qtbot.addWidget(editor)
    editor.resize(350, 80)
    editor.show()
    editor.set_tags(["vision", "long context"])
    qtbot.waitUntil(lambda: editor.input.x() > 0)
    editor.set_tags([])
    qtbot.waitUntil(lambda: editor.input.x() == 0)


def test_dark_scheme_gives_a_dark_fusion_palette(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from ui.style import SCHEME_VARIABLE, apply_look

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    previous_style, previous_palette, previous_sheet = (
        app.style().name(),
        app.palette(),
        app.styleSheet(),
    )
    app.setStyle("Fusion")
    app.setProperty("papershelfFusion", True)
    try:
        monkeypatch.setenv(SCHEME_VARIABLE, "dark")
        apply_look(app)
        assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
        assert app.styleSheet()
        monkeypatch.setenv(SCHEME_VARIABLE, "light")
        apply_look(app)
        assert app.palette().color(QPalette.ColorRole.Window).lightness() > 180
    finally:
        app.setStyle(previous_style)
        app.setPalette(previous_palette)
        app.setStyleSheet(previous_sheet)


def test_the_app_icon_is_full_colour_at_every_size(qtbot: QtBot) -> None:
    from ui.icons import app_icon

    icon = app_icon()
    sizes = {size.width() for size in icon.availableSizes()}
    assert {16, 32, 48, 256} <= sizes
    image = icon.pixmap(48, 48).toImage()
    assert image.pixelColor(24, 12).saturation() > 60  # the blue tile, not a grey glyph


def test_tooltips_show_hostile_text_literally(qtbot: QtBot) -> None:
    from PySide6.QtGui import QTextDocument

    from ui.tooltips import plain_tooltip

    hostile = "<img src=/etc/passwd> <b>bold</b>\nsecond line"
    document = QTextDocument()
    document.setHtml(plain_tooltip(hostile))
    assert document.toPlainText() == hostile
    assert "<img" not in plain_tooltip(hostile)
    assert plain_tooltip("") == ""


@pytest.mark.parametrize(
    "note",
    [
        "- " * 600,
        "".join("  " * depth + "- item\n" for depth in range(1000)),
        "> " * 1000 + "deep",
        "1. " * 800,
        "[" * 20_000,
        "[a](" * 5000,
        "*[a]: b\n" * 2000 + "a " * 5000,
    ],
    ids=["dashes", "nested-1000", "quotes", "numbers", "brackets", "links", "abbreviations"],
)
def test_the_preview_never_recurses_or_freezes(qtbot: QtBot, note: str) -> None:
    from ui.preview import preview_html, too_costly

    started = time.perf_counter()
    assert too_costly(note)
    assert preview_html(note) is None  # shown as plain text instead
    assert time.perf_counter() - started < 5  # linear checks, no rendering (generous bound)


def test_a_costly_note_is_shown_as_plain_text(
    qtbot: QtBot, keeper: tuple[NoteKeeper, Library]
) -> None:
    notes, _library = keeper
    editor = NoteEditor(notes)
    qtbot.addWidget(editor)
    editor.set_note(1, "- " * 600 + "end")
    editor.set_editing(False)
    qtbot.waitUntil(lambda: "end" in editor.preview.toPlainText())
    assert editor.preview.toPlainText().startswith("- - -")  # literally, not 600 lists


def test_a_long_note_renders_off_the_gui_thread(
    qtbot: QtBot, keeper: tuple[NoteKeeper, Library]
) -> None:
    notes, _library = keeper
    editor = NoteEditor(notes)
    qtbot.addWidget(editor)
    text = "**bold** words\n\n" + "plain sentence of a long note. " * 400
    editor.set_note(1, text)
    editor.set_editing(False)
    assert "**bold**" in editor.preview.toPlainText()  # plain text first…
    qtbot.waitUntil(lambda: "**bold**" not in editor.preview.toPlainText())  # …then rendered
    assert "<b>" in editor.preview.toHtml() or "font-weight:700" in editor.preview.toHtml()


def test_idn_hosts_that_could_pass_for_another_are_shown_in_punycode() -> None:
    from PySide6.QtCore import QUrl

    from ui.byline import display_host, display_url

    lookalike = QUrl("https://\u0430pple.com/login")  # a Cyrillic "а"
    assert display_host(lookalike) == "xn--pple-43d.com"
    assert display_url(lookalike) == "https://xn--pple-43d.com/login"
    assert display_host(QUrl("https://arxiv.org/abs/1")) == "arxiv.org"
