"""Notes rendered the way Obsidian renders them: CommonMark with Obsidian's extensions.

:func:`render` uses `markdown-it-py <https://markdown-it-py.readthedocs.io>`_ (CommonMark)
with the extensions Obsidian's reading view has: tables, ``~~strikethrough~~``, footnotes
(``mdit-py-plugins``), task lists (``- [ ]`` / ``- [x]``, shown as ☐ / ☑: the preview has no
form controls), ``==highlights==``, ``[[wikilinks]]`` (``[[Note]]``, ``[[Note|shown text]]``,
rendered as ``obsidian://`` links) and, as Obsidian does by default, a line break for every
single newline. A list may follow a line of text directly, as in Obsidian.

Raw HTML is never passed through (``html=False``: ``<script>`` shows as text) and
markdown-it's own link check refuses ``javascript:``, ``vbscript:``, ``file:`` and ``data:``
addresses. Every extension here is linear in the text: the highlight pairing is one scan of
a text run, and a wikilink is looked for at most :data:`MAX_WIKILINK` characters ahead.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:  # markdown-it loads with the first note rendered, not at window start
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

MAX_WIKILINK = 400
"""Longest ``[[target|text]]`` recognised as a wikilink (longer: plain text)."""
MAX_NESTING = 40
"""markdown-it's own nesting limit (the preview's checks stop far shallower notes)."""

_local = threading.local()


def _wikilink(state: StateInline, silent: bool) -> bool:
    """``[[target]]`` or ``[[target|text]]`` within one line."""
    start = state.pos
    src = state.src
    if not src.startswith("[[", start):
        return False
    end = src.find("]]", start + 2, start + 2 + MAX_WIKILINK)
    if end < 0:
        return False
    inner = src[start + 2 : end]
    if not inner.strip() or any(c in inner for c in "[]\n"):
        return False
    target, _bar, shown = inner.partition("|")
    target, shown = target.strip(), (shown.strip() or target.strip())
    if not silent:
        token = state.push("link_open", "a", 1)
        token.attrs = {
            "href": "obsidian://open?file=" + quote(target, safe=""),
            "title": target,
            "class": "wikilink",
        }
        text = state.push("text", "", 0)
        text.content = shown
        state.push("link_close", "a", -1)
    state.pos = end + 2
    return True


def _split_highlights(content: str) -> list[tuple[bool, str]] | None:
    """``a ==b== c`` → ``[(False, "a "), (True, "b"), (False, " c")]``; ``None``: none.

    One left-to-right scan: an ``==`` followed by a non-space opens, the next ``==`` after
    a non-space closes.
    """
    if "==" not in content:
        return None
    parts: list[tuple[bool, str]] = []
    last = 0
    opened = -1
    position = content.find("==")
    while position >= 0:
        if opened < 0:
            after = content[position + 2 : position + 3]
            if after and not after.isspace() and after != "=":
                opened = position
            position = content.find("==", position + 2)
            continue
        before = content[position - 1]
        if position > opened + 2 and not before.isspace():
            parts.append((False, content[last:opened]))
            parts.append((True, content[opened + 2 : position]))
            last = position + 2
            opened = -1
        position = content.find("==", position + 2)
    if not parts:
        return None
    parts.append((False, content[last:]))
    return [part for part in parts if part[1] or part[0]]


def _highlights(state: StateCore) -> None:
    """``==text==`` → ``<mark>``, inside the text runs of every paragraph and cell."""
    from markdown_it.token import Token

    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        for token in block.children:
            parts = _split_highlights(token.content) if token.type == "text" else None
            if parts is None:
                children.append(token)
                continue
            for marked, text in parts:
                if marked:
                    children.append(Token("mark_open", "mark", 1))
                piece = Token("text", "", 0)
                piece.content = text
                children.append(piece)
                if marked:
                    children.append(Token("mark_close", "mark", -1))
        block.children = children


_TASK = {"[ ] ": "\N{BALLOT BOX} ", "[x] ": "\N{BALLOT BOX WITH CHECK} "}


def _task_lists(state: StateCore) -> None:
    """``- [ ] todo`` / ``- [x] done``: the item starts with ☐ / ☑."""
    tokens = state.tokens
    for number, token in enumerate(tokens):
        if token.type != "inline" or number < 2 or tokens[number - 2].type != "list_item_open":
            continue
        first = token.children[0] if token.children else None
        if first is None or first.type != "text":
            continue
        box = _TASK.get(first.content[:4].lower())
        if box is not None:
            first.content = box + first.content[4:]
            tokens[number - 2].attrs["class"] = "task"


def build() -> MarkdownIt:
    """A new renderer (each thread has its own: :func:`render`)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt(
        "commonmark",
        {"html": False, "breaks": True, "linkify": False, "typographer": False},
    )
    md.options["maxNesting"] = MAX_NESTING
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.inline.ruler.before("link", "wikilink", _wikilink)
    md.core.ruler.push("highlights", _highlights)
    md.core.ruler.push("task_lists", _task_lists)
    return md


def renderer() -> MarkdownIt:
    """This thread's renderer (built on first use)."""
    md: MarkdownIt | None = getattr(_local, "md", None)
    if md is None:
        md = _local.md = build()
    return md


def ready() -> bool:
    """Whether this thread's renderer is built."""
    return getattr(_local, "md", None) is not None


def render(text: str) -> str:
    """HTML for the note ``text`` (raw HTML in it escaped, unsafe links refused)."""
    env: dict[str, Any] = {}
    return str(renderer().render(text, env))
