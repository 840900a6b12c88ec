"""TeX in BibTeX field values, as text a person reads: ``{\\"O}zge`` → ``Özge``.

Math (``$…$``) is kept exactly as written, so that it renders in Obsidian and matches the
abstract another source gives. Outside math: accents and special letters become Unicode
(:func:`reader.digests.tex.tex_to_unicode`); symbol commands (``\\ldots``,
``\\textendash``) their characters; formatting commands (``\\emph{…}``, ``\\textbf{…}``)
and unknown ones leave their argument; ``\\cite{…}``-like references vanish;
case-protecting braces go; ``--``/``---``/``~`` and TeX quotes become their characters.

Every step is one regular-expression pass without nested quantifiers, so a field costs
time in proportion to its length. (pylatexenc, which bibtexparser ships with, is thorough
but takes 5–15 ms for an abstract with one ``\\emph``: a 5,000-entry file would take a
minute.)
"""

from __future__ import annotations

import re

from reader.digests.tex import tex_to_unicode

_MATH = re.compile(r"(?<!\\)\$\$?")
_SYMBOLS = {
    "ldots": "…", "dots": "…", "textendash": "–", "textemdash": "—", "textquoteleft": "‘",
    "textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”", "LaTeX": "LaTeX",
    "TeX": "TeX", "BibTeX": "BibTeX", "textregistered": "®", "texttrademark": "™",
    "copyright": "©", "textcopyright": "©", "textdegree": "°", "S": "§", "P": "¶",
    "pounds": "£", "euro": "€", "texteuro": "€", "textasciitilde": "~", "textbackslash": "\\",
    "textunderscore": "_", "textbar": "|", "textless": "<", "textgreater": ">", "slash": "/",
    "quad": " ", "qquad": " ", "newline": " ", "par": " ", "linebreak": " ", "and": ",",
}  # fmt: skip
_SYMBOL = re.compile(
    r"\\(" + "|".join(sorted(_SYMBOLS, key=len, reverse=True)) + r")(?![A-Za-z])(?:\{\})?"
)
_REFERENCE = re.compile(
    r"\\(?:cite[a-z]*|ref|eqref|label|footnote|index|thanks)\*?\s*(?:\[[^\]\n]{0,200}\]\s*)?\{[^{}]{0,500}\}"
)
_HREF_TARGET = re.compile(r"\\href\s*\{[^{}]{0,2000}\}")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?[ \t]?")
_DASHES = (("---", "—"), ("--", "–"), ("``", "“"), ("''", "”"), ("~", "\u00a0"), ("\\\\", " "))
_MARKS = ("\\", "{", "}", "$", "--", "~", "``", "''")


def _plain(segment: str) -> str:
    """A stretch of text outside math, as Unicode."""
    text = tex_to_unicode(segment) if "\\" in segment else segment
    if "\\" in text:
        text = _SYMBOL.sub(lambda m: _SYMBOLS[m.group(1)], text)
        text = _REFERENCE.sub("", text)
        text = _HREF_TARGET.sub("", text)
        text = _COMMAND.sub("", text)
    for tex, char in _DASHES:
        text = text.replace(tex, char)
    return text.replace("{", "").replace("}", "").replace("\\", "")


def latex_to_text(value: str) -> str:
    """``value`` with TeX outside math turned into Unicode; math kept as written.

    An unmatched ``$`` leaves the rest of the text as plain text (a dollar amount).
    """
    if not any(mark in value for mark in _MARKS):
        return value
    out: list[str] = []
    position = 0
    while position < len(value):
        opening = _MATH.search(value, position)
        if opening is None:
            break
        delimiter = opening.group(0)
        closing = value.find(delimiter, opening.end())
        while closing > 0 and value[closing - 1] == "\\":
            closing = value.find(delimiter, closing + 1)
        if closing < 0:
            break
        out.append(_plain(value[position : opening.start()]))
        out.append(value[opening.start() : closing + len(delimiter)])
        position = closing + len(delimiter)
    out.append(_plain(value[position:]))
    return "".join(out)
