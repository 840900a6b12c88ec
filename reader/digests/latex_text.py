"""TeX in BibTeX field values, as text a person reads: ``{\\"O}zge`` → ``Özge``.

Math (``$…$``) is kept exactly as written, so that it renders in Obsidian and matches the
abstract another source gives. Outside math, accents and special letters become Unicode
(:func:`reader.digests.tex.tex_to_unicode`, a linear regex pass), case-protecting braces go,
``--``/``---``/``~`` and TeX quotes become their characters. Only text that still holds a
command after that (``\\emph{…}``, ``\\textit{…}``) goes through pylatexenc, which is
thorough but costs about a millisecond a field: a 5,000-entry file stays fast.
"""

from __future__ import annotations

import re

from pylatexenc.latex2text import LatexNodes2Text

from reader.digests.tex import tex_to_unicode

_MATH = re.compile(r"(?<!\\)\$\$?")
_COMMAND = re.compile(r"\\[A-Za-z]+")
_DASHES = (("---", "—"), ("--", "–"), ("``", "“"), ("''", "”"), ("~", "\u00a0"))
_CONVERTER: LatexNodes2Text | None = None


def _converter() -> LatexNodes2Text:
    global _CONVERTER  # one converter, built on first use
    if _CONVERTER is None:
        _CONVERTER = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=False)
    return _CONVERTER


_PERCENT = "\ue000"  # stands in for an escaped ``\%`` while pylatexenc reads the text


def _plain(segment: str) -> str:
    """A stretch of text outside math, as Unicode.

    ``%`` (escaped or not: in a field value it is no comment) is held back as a stand-in
    until the end, or pylatexenc would read it as a comment and drop the rest of the field.
    """
    text = segment.replace(_PERCENT, "").replace("\\%", _PERCENT).replace("%", _PERCENT)
    text = tex_to_unicode(text) if "\\" in text else text
    if _COMMAND.search(text) is not None:
        try:
            text = _converter().latex_to_text(text)
        except (ValueError, IndexError, KeyError, RecursionError):
            text = _COMMAND.sub("", text)
    for tex, char in _DASHES:
        text = text.replace(tex, char)
    text = text.replace("{", "").replace("}", "").replace("\\", "")
    return text.replace(_PERCENT, "%")


def latex_to_text(value: str) -> str:
    """``value`` with TeX outside math turned into Unicode; math kept as written.

    An unmatched ``$`` leaves the rest of the text as plain text (a dollar amount).
    """
    if not any(mark in value for mark in ("\\", "{", "}", "$", "--", "~", "``", "''")):
        return value
    out: list[str] = []
    position = 0
    while position < len(value):
        opening = _MATH.search(value, position)
        if opening is None:
            break
        closing = value.find(opening.group(0), opening.end())
        while closing > 0 and value[closing - 1] == "\\":
            closing = value.find(opening.group(0), closing + 1)
        if closing < 0:
            break
        out.append(_plain(value[position : opening.start()]))
        out.append(value[opening.start() : closing + len(opening.group(0))])
        position = closing + len(opening.group(0))
    out.append(_plain(value[position:]))
    return "".join(out)
