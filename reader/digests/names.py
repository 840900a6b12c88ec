"""Author lists as feeds and mailings write them: names kept as names, counts as counts.

One string holds many names in many styles: ``A. Smith, B. Jones and C. Wu``; bioRxiv's
``Smith, A., Jones, B.-L., Wu, C.`` (surname, initials); arXiv's ``Jane Doe (MIT, Cambridge
and Harvard), John Roe ((1) KTH, (2) ETH)`` with affiliations; and markers that are no
names at all: ``et al.``, ``(84 additional authors not shown)``. :func:`author_list` reads
them all and returns the names with the number of authors they stand for.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Applied to whitespace-collapsed text: `` ?`` where ``\s*`` would rescan runs of spaces.
_SEPARATOR = re.compile(r" ?; ?| ?, ?(?:and )?| and | ?& ?| ?: ")  # "LHCb collaboration: R. Aaij"
_UPPER = r"[A-Z\u00c0-\u00de\u0100-\u024f\u0370-\u03ff\u0400-\u042f]"
# Initials: "A.", "A. B.", "S.-H.", "JY", "Ch." (a lower-case letter only before a dot).
_INITIALS = re.compile(rf"^(?:{_UPPER}(?:[a-z]?\.)?[ -]?){{1,4}}$")
_ADDITIONAL = re.compile(
    r"\(\s*+(?P<n>\d{1,7})\s++(?:additional|more|other)\s++authors?(?:\s++not\s++shown)?\s*+\)",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(r"^(?:et\.? ?al\.?|and others|others|\.{3}|…)$", re.IGNORECASE)
_TRAILING_ET_AL = re.compile(r",? et\.? ?al\.?$", re.IGNORECASE)


def author_list(text: str, *, convert: Callable[[str], str] = str) -> tuple[list[str], int]:
    """The names in ``text`` and the number of authors they stand for.

    ``(84 additional authors not shown)`` adds 84 to the count; ``et al.`` is dropped (the
    count then says only what is known); parenthesised affiliations go. ``convert`` turns
    each name's TeX into Unicode, say.
    """
    additional = sum(int(match.group("n")) for match in _ADDITIONAL.finditer(text))
    bare = " ".join(without_parentheses(text).split())
    names = [
        " ".join(convert(name).replace("{", "").replace("}", "").split())
        for name in split_names(bare)
    ]
    names = [name for name in names if name and not _NOT_A_NAME.match(name)]
    return names, len(names) + additional


def split_names(text: str) -> list[str]:
    """A list of names in one string: ``A. Smith, B. Jones and C. Wu`` or bioRxiv's
    ``Smith, A., Jones, B.-L.`` (surname, initials pairs; ``Wu`` is a surname, not initials).
    """
    text = _TRAILING_ET_AL.sub("", " ".join(text.split()))
    parts = [part.strip() for part in _SEPARATOR.split(text) if part.strip()]
    if not parts:
        return []
    if len(parts) == 2 and all(len(part.split()) == 1 for part in parts):
        return [" ".join(text.split())]  # one name written "Surname, Given"
    initials = [_INITIALS.match(part) is not None for part in parts]
    if sum(initials) * 2 < len(parts) - 1 or initials[0]:
        return parts  # not a surname, initials list
    names: list[str] = []
    index = 0
    while index < len(parts):
        if index + 1 < len(parts) and initials[index + 1] and not initials[index]:
            names.append(f"{parts[index]}, {parts[index + 1]}")
            index += 2
        else:
            names.append(parts[index])
            index += 1
    return names


def without_parentheses(text: str) -> str:
    """``text`` without its parenthesised groups (nested ones included); a parenthesis that
    is never matched is dropped on its own, so ``A. One (MIT, B. Two`` keeps ``B. Two``.
    """
    if "(" not in text and ")" not in text:
        return text
    opened: list[int] = []
    spans: list[tuple[int, int]] = []
    stray: list[int] = []
    for index, char in enumerate(text):
        if char == "(":
            opened.append(index)
        elif char == ")":
            if opened:
                start = opened.pop()
                if not opened:  # an outermost group: the inner ones lie within it
                    spans.append((start, index + 1))
            else:
                stray.append(index)
    if opened:  # unclosed: its inner groups count on their own, the "(" goes alone
        spans = _matched_within(text, opened[0], spans)
        stray += opened
    cuts = sorted(spans + [(i, i + 1) for i in stray])
    out: list[str] = []
    pos = 0
    for start, end in cuts:
        if start >= pos:
            out.append(text[pos:start])
            pos = end
        else:
            pos = max(pos, end)
    out.append(text[pos:])
    return "".join(out)


def _matched_within(
    text: str, first_unclosed: int, spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """``spans`` plus the groups closed after ``first_unclosed`` (inside unclosed ones)."""
    depth_stack: list[int] = []
    found = list(spans)
    for index in range(first_unclosed, len(text)):
        char = text[index]
        if char == "(":
            depth_stack.append(index)
        elif char == ")" and depth_stack:
            start = depth_stack.pop()
            found.append((start, index + 1))
    return found
