"""A tolerant HTML tokenizer that takes time linear in its input, with HTMLParser's callbacks.

Python 3.11's :class:`html.parser.HTMLParser` is quadratic on pages that open tags, end
tags or comments they never close (``<a href="`` repeated: 180 KB take half a minute),
because every ``<`` is scanned to the end of the document again. This tokenizer scans each
character a bounded number of times: where a construct has no end, the rest of the
document is text (or, for a comment or a script, dropped), and the search is not repeated.

It reads what a saved page needs — start tags with their attributes (character references
decoded), end tags, text (character references decoded), comments, doctypes and processing
instructions skipped, ``<script>``/``<style>`` contents as raw text — and calls
``handle_starttag(tag, attrs)``, ``handle_endtag(tag)`` and ``handle_data(text)`` like
:class:`~html.parser.HTMLParser` does. :meth:`getpos` gives the current line (1-based).
"""

from __future__ import annotations

import html
import re

_TAG_NAME = re.compile(r"[A-Za-z][^\s/>\x00]*+")
_ATTRIBUTE = re.compile(
    r"""[\s/]*+(?P<name>[^\s/>"'=][^\s/>"'=]*+)(?:\s*+=\s*+(?P<value>"[^"]*+"|'[^']*+'|[^\s>"']*+))?"""
)
_SPACE = re.compile(r"[\s/]*+")
_RAW_TEXT = frozenset({"script", "style"})


class LinearHTMLParser:
    """Feed a whole document with :meth:`feed` once; override the ``handle_*`` methods."""

    def __init__(self) -> None:
        self._text = ""
        self._line = 1
        self._counted = 0

    # ------------------------------------------------------------------ callbacks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A start tag: its lower-case name and its attributes in order."""

    def handle_endtag(self, tag: str) -> None:
        """An end tag: its lower-case name."""

    def handle_data(self, data: str) -> None:
        """Text between tags, character references decoded."""

    def getpos(self) -> tuple[int, int]:
        """``(line, 0)`` of the construct being reported (the column is not tracked)."""
        return self._line, 0

    def close(self) -> None:
        """Nothing is buffered: present for HTMLParser's interface."""

    # ------------------------------------------------------------------ reading

    def feed(self, text: str) -> None:
        """Read a whole document."""
        self._text, self._line, self._counted = text, 1, 0
        end = len(text)
        pos = 0
        while pos < end:
            lt = text.find("<", pos)
            if lt < 0:
                self._data(pos, end)
                return
            if lt > pos:
                self._data(pos, lt)
            self._advance(lt)
            pos = self._markup(lt)

    def _markup(self, lt: int) -> int:
        """Read the construct at ``lt`` (a ``<``); return where reading goes on."""
        text = self._text
        nxt = text[lt + 1 : lt + 2]
        if text.startswith("<!--", lt):
            close = text.find("-->", lt + 4)
            return len(text) if close < 0 else close + 3
        if nxt in ("!", "?"):
            close = text.find(">", lt + 2)
            return len(text) if close < 0 else close + 1
        if nxt == "/":
            name = _TAG_NAME.match(text, lt + 2)
            close = text.find(">", lt + 2)
            if close < 0:  # no ">" anywhere after: the rest is text
                self._data(lt, len(text))
                return len(text)
            if name is not None:
                self.handle_endtag(name.group().lower())
            return close + 1
        name = _TAG_NAME.match(text, lt + 1)
        if name is None:  # "a < b": text
            self._data(lt, lt + 1)
            return lt + 1
        return self._start_tag(lt, name.group().lower(), name.end())

    def _start_tag(self, lt: int, tag: str, pos: int) -> int:
        text = self._text
        attrs: list[tuple[str, str | None]] = []
        while True:
            attribute = _ATTRIBUTE.match(text, pos)
            if attribute is None:
                pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
                break
            # A quoted value runs to its closing quote only (the pattern needs one): a quote
            # that never closes leaves the value empty, and the tag ends at the next ">".
            value = attribute.group("value")
            if value and value[0] in "\"'":
                value = value[1:-1]
            attrs.append(
                (attribute.group("name").lower(), html.unescape(value) if value else value)
            )
            pos = attribute.end()
        if pos >= len(text) or text[pos] != ">":
            close = text.find(">", pos)
            if close < 0:  # a tag that never ends: the rest is text
                self._data(lt, len(text))
                return len(text)
            pos = close
        self.handle_starttag(tag, attrs)
        if text[pos - 1] == "/":  # <div/>: HTMLParser reports its end too
            self.handle_endtag(tag)
            return pos + 1
        if tag in _RAW_TEXT:  # its text as written, up to its end tag
            closing = re.compile(rf"</{tag}\b", re.IGNORECASE).search(text, pos + 1)
            stop = len(text) if closing is None else closing.start()
            if stop > pos + 1:
                self._advance(pos + 1)
                self.handle_data(text[pos + 1 : stop])
            return stop
        return pos + 1

    def _data(self, start: int, end: int) -> None:
        self._advance(start)
        self.handle_data(html.unescape(self._text[start:end]))

    def _advance(self, pos: int) -> None:
        """Count the lines up to ``pos`` (each character is counted once)."""
        if pos > self._counted:
            self._line += self._text.count("\n", self._counted, pos)
            self._counted = pos
