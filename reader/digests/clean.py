"""Text from a digest made safe to store, print and encode: one rule for every format.

A feed, a mail or a JSON file can carry anything in its titles: terminal escapes that clear
the screen or spoof links (``ESC ] 8 ;;``), bidi overrides that show a title backwards, C1
controls, and lone surrogates (a JSON ``"\\ud800"``, a UTF-7 mail) that no UTF-8 encoder
accepts. Every :class:`~reader.digests.model.Entry` a reader returns passes through
:func:`clean_digest` (the registry does it for every format), so nothing of the sort is
stored, printed or exported.
"""

from __future__ import annotations

import dataclasses
import re

from reader.digests.model import Digest, Entry

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
"""C0 and C1 controls but tab and newline, DEL, and the Unicode line/paragraph separators:
each becomes a space."""
_INVISIBLE = re.compile(r"[\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]")
"""Bidi embeddings, overrides and isolates (which reorder what follows them, up to the end
of a line), stray BOMs, interlinear annotation marks: dropped. The bidi *marks* (LRM, RLM,
ALM) only set the direction of their neighbours: Hebrew and Arabic titles keep them."""
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_BLANK_LINES = re.compile(r"\n{3,}")

_LINE_FIELDS = ("title", "organization", "organization_handle", "arxiv_id", "url", "doi")
_LIST_FIELDS = ("authors", "categories")


def clean_line(text: str) -> str:
    """``text`` on one line: unsafe characters gone, every run of whitespace one space."""
    return " ".join(_safe(text).split())


def clean_text(text: str) -> str:
    """``text`` with its lines and paragraphs kept: unsafe characters gone, spaces collapsed
    within each line, at most one blank line between paragraphs.
    """
    lines = (" ".join(line.split()) for line in _safe(text).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def clean_entry(entry: Entry) -> Entry:
    """``entry`` with every text field cleaned (lists lose the items left empty)."""
    changes: dict[str, object] = {"abstract": clean_text(entry.abstract)}
    for name in _LINE_FIELDS:
        value = getattr(entry, name)
        if value is not None:
            changes[name] = clean_line(value) or None
    for name in _LIST_FIELDS:
        changes[name] = tuple(item for item in map(clean_line, getattr(entry, name)) if item)
    # A title of nothing but control characters still names the entry: U+FFFD says so.
    changes["title"] = changes["title"] or "\ufffd"
    return dataclasses.replace(entry, **changes)  # type: ignore[arg-type]


def clean_digest(digest: Digest) -> Digest:
    """``digest`` with every entry and warning cleaned."""
    return dataclasses.replace(
        digest,
        entries=tuple(map(clean_entry, digest.entries)),
        warnings=tuple(map(clean_line, digest.warnings)),
    )


def _safe(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text
    text = _SURROGATES.sub("\ufffd", text)
    return _INVISIBLE.sub("", _CONTROLS.sub(" ", text))
