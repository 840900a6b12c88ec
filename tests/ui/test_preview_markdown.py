"""The note preview renders Markdown as Obsidian does, and stays safe and bounded."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from ui.notemarkdown import _split_highlights
from ui.preview import NoteBrowser, preview_html, render_markdown


def test_a_list_right_after_a_line_of_text_is_a_list() -> None:
    html = render_markdown("Things to check:\n- the proof\n- the baselines")
    assert "<p>Things to check:</p>" in html
    assert "<li>the proof</li>" in html
    assert "<li>the baselines</li>" in html


def test_a_single_newline_is_a_line_break_as_in_obsidian() -> None:
    assert "first<br />" in render_markdown("first\nsecond")


def test_obsidian_extensions() -> None:
    html = render_markdown(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ ==key== [[Paper note|the note]] [[Plain]]"
        "\n\n- [ ] to do\n- [x] done\n\nClaim[^1].\n\n[^1]: The source."
    )
    assert "<table>" in html
    assert "<td>1</td>" in html
    assert "<s>gone</s>" in html
    assert "<mark>key</mark>" in html
    assert 'href="obsidian://open?file=Paper%20note"' in html
    assert ">the note</a>" in html
    assert ">Plain</a>" in html
    assert "\N{BALLOT BOX} to do" in html
    assert "\N{BALLOT BOX WITH CHECK} done" in html
    assert 'class="footnote-ref"' in html
    assert "The source." in html


def test_raw_html_and_script_links_are_never_passed_through() -> None:
    html = render_markdown(
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[a](javascript:alert(1)) [b](vbscript:x) [c](file:///etc/passwd) [[<b>x</b>]]"
    )
    assert "<script" not in html
    assert "<img" not in html
    assert "<b>" not in html
    assert "javascript:" not in html.replace("[a](javascript:", "")
    assert 'href="file:' not in html
    assert 'href="vbscript:' not in html


def test_highlights_pair_in_one_scan() -> None:
    assert _split_highlights("a ==b== c") == [(False, "a "), (True, "b"), (False, " c")]
    assert _split_highlights("== not == here") is None
    assert _split_highlights("no marks") is None
    hostile = "==a " * 50_000
    assert _split_highlights(hostile) is None  # never closes: one scan, no backtracking


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="=[]|#-*_ ~`>\n\tab<>!()x:", max_size=400))
def test_any_note_renders_or_falls_back_without_raw_html(text: str) -> None:
    html = preview_html(text)
    if html is not None:
        assert "<script" not in html
        assert "<b>" not in html


def test_footnote_links_scroll_inside_the_preview(qtbot: QtBot) -> None:
    browser = NoteBrowser()
    qtbot.addWidget(browser)
    opened: list[QUrl] = []
    refused: list[str] = []
    browser.open_url = opened.append
    browser.link_refused.connect(refused.append)
    browser.setHtml(render_markdown("x[^1]\n\n[^1]: foot"))
    browser.anchorClicked.emit(QUrl("#fn1"))
    assert not opened
    assert not refused
    browser.anchorClicked.emit(QUrl("https://arxiv.org/abs/1"))
    assert opened == [QUrl("https://arxiv.org/abs/1")]
