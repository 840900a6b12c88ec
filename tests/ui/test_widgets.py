"""The detail pane's widgets on their own: stars, tag editor, note editor, markdown."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from ui.notes import NoteEditor, render_markdown
from ui.stars import StarRating
from ui.tags import TagEditor


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


def test_note_editor_saves_once_per_change(qtbot: QtBot) -> None:
    saved: list[tuple[int, str]] = []

    def save(paper_id: int, text: str) -> bool:
        saved.append((paper_id, text))
        return True

    note = NoteEditor(save)
    qtbot.addWidget(note)
    note.set_note(1, "")
    note.editor.setPlainText("hello")
    assert note.dirty
    note.set_note(2, "other")  # switching saves the previous note
    assert saved == [(1, "hello")]
    assert not note.is_editing()  # a note with text opens on its preview
    assert note.flush()
    assert saved == [(1, "hello")]  # nothing new to save


def test_note_editor_keeps_text_when_saving_fails(qtbot: QtBot) -> None:
    note = NoteEditor(lambda _id, _text: False)
    qtbot.addWidget(note)
    note.set_note(1, "")
    note.editor.setPlainText("precious")
    assert not note.flush()
    assert note.dirty
    assert note.text() == "precious"


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
