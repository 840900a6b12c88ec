"""The linear HTML tokenizer reads pages as the standard library's parser does."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from reader.digests.html_tokens import LinearHTMLParser
from tests.digests.samples import sample

Event = tuple[str, object]


class _Events:
    events: list[Event]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", (tag, tuple(attrs))))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not text:
            return
        if self.events and self.events[-1][0] == "data":  # one run of text, however split
            self.events[-1] = ("data", f"{self.events[-1][1]} {text}")
        else:
            self.events.append(("data", text))


class Standard(_Events, HTMLParser):
    def __init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)
        self.events = []


class Linear(_Events, LinearHTMLParser):
    def __init__(self) -> None:
        LinearHTMLParser.__init__(self)
        self.events = []


def events(parser: Standard | Linear, text: str) -> list[Event]:
    parser.feed(text)
    parser.close()
    return parser.events


def test_the_real_saved_page_gives_the_same_events() -> None:
    text = sample("hf-daily-papers-2025-04-10.html").text()
    assert events(Linear(), text) == events(Standard(), text)


_NAMES = st.sampled_from(["a", "div", "p", "h3", "li", "article", "br", "img"])
_ATTRS = st.lists(
    st.tuples(st.sampled_from(["href", "title", "class", "data-props"]), st.text("ab <>&;\"'=/")),
    max_size=3,
)
_WORDS = st.text("xyz &;#<>", min_size=1).filter(lambda t: "<" not in t)


@st.composite
def documents(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["start", "end", "text", "comment", "selfclosing"]))
        name = draw(_NAMES)
        if kind in ("start", "selfclosing"):
            attrs = "".join(
                f' {key}="{value.replace(chr(34), "&quot;")}"' for key, value in draw(_ATTRS)
            )
            parts.append(f"<{name}{attrs}{'/' if kind == 'selfclosing' else ''}>")
        elif kind == "end":
            parts.append(f"</{name}>")
        elif kind == "comment":
            parts.append(f"<!-- {draw(_WORDS).replace('-', '')} -->")
        else:
            parts.append(draw(_WORDS).replace(">", "&gt;"))
    return "<!DOCTYPE html><html><body>" + "".join(parts) + "</body></html>"


@given(documents())
def test_well_formed_documents_give_the_same_events(text: str) -> None:
    assert events(Linear(), text) == events(Standard(), text)


def test_lines_are_counted() -> None:
    class Lines(LinearHTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.lines: list[int] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.lines.append(self.getpos()[0])

    parser = Lines()
    parser.feed("<html>\n<p>one\ntwo</p>\n\n<!-- a\ncomment -->\n<b>x</b>")
    assert parser.lines == [1, 2, 7]


def test_constructs_that_never_end() -> None:
    for text, data in (
        ('<p>a</p><a href="x', "a"),
        ("<p>a</p></p", "</p"),
        ("<p>a</p><!-- never closed", "a"),
        ("<p>a < b</p>", "a < b"),
    ):
        got = events(Linear(), text)
        assert ("data", data) in got, (text, got)
