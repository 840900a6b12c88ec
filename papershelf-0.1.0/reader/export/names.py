"""File names for exported notes: readable, portable, and unable to leave the export folder.

A note's name comes from its paper's title, cleaned so that it is valid on Windows, macOS
and Linux, safe inside an Obsidian ``[[wikilink]]`` (no ``#``, ``^``, ``[``, ``]``, ``|``)
and at most :data:`MAX_NAME_CHARS` characters and :data:`MAX_NAME_BYTES` bytes of UTF-8.
Uniqueness within a folder is case-insensitive (:func:`name_key`), as it is on Windows and
macOS file systems.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 120
MAX_NAME_BYTES = 240
NOTE_SUFFIX = ".md"

_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in "123456789¹²³"}
)
"""Device names Windows reserves, with or without an extension, in any case."""

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
"""Characters Windows (and, for ``:`` and ``/``, macOS) does not allow in a file name."""

_REPLACEMENTS = {
    ":": " - ",
    "/": "-",
    "\\": "-",
    "|": "-",
    "<": "(",
    ">": ")",
    "[": "(",
    "]": ")",
    "{": "(",
    "}": ")",
    '"': "'",
    "*": "",
    "?": "",
    "#": "",
    "^": "",
}
"""How title characters that cannot (or should not, for wikilinks) be in a name are spelt."""

_KEEP_FORMAT = frozenset("\u200c\u200d")
"""Zero-width (non-)joiners: part of emoji sequences and of Persian and Indic spelling."""

ELLIPSIS = "…"


def note_stem(title: str) -> str:
    """The readable base of a note's name for ``title``; ``""`` when nothing usable is left.

    Path separators, characters invalid on Windows or macOS, control and invisible
    formatting characters (bidirectional overrides included) are replaced or dropped;
    whitespace is collapsed; leading dots, dashes and spaces and trailing dots and spaces
    are stripped; a Windows device name (``CON``, ``nul.txt``) gets an underscore. The
    stem is not yet cut to length: see :func:`fit_name`.
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", title):
        if ch in _REPLACEMENTS:
            out.append(_REPLACEMENTS[ch])
            continue
        category = unicodedata.category(ch)
        if category == "Cc" or category[0] == "Z":
            out.append(" ")
        elif (category in ("Cf", "Cs") and ch not in _KEEP_FORMAT) or _noncharacter(ch):
            continue
        else:
            out.append(ch)
    stem = " ".join("".join(out).split()).lstrip(" .-").rstrip(" .")
    return _unreserved(stem)


def fit_name(stem: str, tail: str) -> str:
    """``stem + tail`` with the stem shortened (ending in ``…``) to fit the length limits.

    ``tail`` (``" (2).md"``, ``".conflict.md"``) is kept whole. The cut falls on a word
    boundary when one is near, never inside an emoji sequence or before a combining mark.
    """
    char_budget = MAX_NAME_CHARS - len(tail)
    byte_budget = MAX_NAME_BYTES - len(tail.encode("utf-8"))
    if len(stem) <= char_budget and len(stem.encode("utf-8")) <= byte_budget:
        return stem + tail
    char_budget -= len(ELLIPSIS)
    byte_budget -= len(ELLIPSIS.encode("utf-8"))
    end = 0
    used = 0
    for ch in stem:
        size = len(ch.encode("utf-8", "replace"))
        if end + 1 > char_budget or used + size > byte_budget:
            break
        end += 1
        used += size
    cut = stem[:end]
    # Do not split a grapheme: drop a trailing joiner, or a base whose combining marks
    # (accents, variation selectors, skin tones) did not fit.
    while cut and (
        cut[-1] in _KEEP_FORMAT
        or (end < len(stem) and unicodedata.category(stem[end])[0] == "M")
        or _is_modifier(stem, end)
    ):
        cut = cut[:-1]
        end -= 1
    space = cut.rfind(" ")
    if space >= max(len(cut) - 20, 1):
        cut = cut[:space]
    cut = cut.rstrip(" .-,;")
    return _unreserved(cut) + ELLIPSIS + tail


def note_name(stem: str, number: int = 1) -> str:
    """The file name of a note: ``Stem.md``, or ``Stem (2).md`` for the second of a title."""
    return fit_name(stem, (f" ({number})" if number > 1 else "") + NOTE_SUFFIX)


def conflict_name(name: str, number: int = 1) -> str:
    """Where the user's version of ``name`` is kept: ``Stem.conflict.md``, ``Stem.conflict 2.md``."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, "md"
    tail = f".conflict{f' {number}' if number > 1 else ''}.{suffix}"
    return fit_name(stem, tail)


def name_key(name: str) -> str:
    """What two names must differ in to be two files on a case-insensitive file system."""
    return unicodedata.normalize("NFC", name).casefold()


def is_safe_name(name: str) -> bool:
    """Whether ``name`` is a plain file name that is valid and harmless on every platform.

    Used to check names that did not come from :func:`note_name` (the index name the user
    chose, names remembered in the library).
    """
    if (
        not name
        or name.startswith((".", " "))
        or name.endswith((".", " "))
        or len(name) > MAX_NAME_CHARS
        or len(name.encode("utf-8", "replace")) > MAX_NAME_BYTES
    ):
        return False
    if _FORBIDDEN.search(name):
        return False
    return not is_reserved(name)


def is_reserved(name: str) -> bool:
    """Whether Windows treats ``name`` as a device (``CON``, ``nul.txt``, ``Com1 .md``)."""
    return name.split(".", 1)[0].rstrip(" ").upper() in _RESERVED


def _unreserved(stem: str) -> str:
    if not is_reserved(stem):
        return stem
    first, dot, rest = stem.partition(".")
    return f"{first.rstrip(' ')}_{dot}{rest}"


def _noncharacter(ch: str) -> bool:
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _is_modifier(text: str, end: int) -> bool:
    """Whether the character at ``end`` attaches to the one before (a skin tone, a tag)."""
    if end >= len(text):
        return False
    code = ord(text[end])
    return 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F or text[end] in _KEEP_FORMAT
