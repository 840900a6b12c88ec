"""TeX accents and special letters in names and titles, turned into Unicode.

arXiv metadata is written in TeX: ``Hern\\'andez``, ``Bj\\"{o}rn``, ``Fran{\\c c}oise``,
``S{\\o}ren``, ``Pawe\\l{}``. The same author typed into a Hugging Face page is
``Hernández``; converting makes names readable and lets titles from both sources fold to
the same key. Only accent and letter commands are touched: math (``$O(n^2)$``) and other
commands stay as written.

The one rule, applied to every reader's titles and abstracts (the registry does it, so an
abstract reads the same from the arXiv mail, its feed, its API and Hugging Face): math
between ``$…$`` or ``$$…$$`` is kept exactly as written, so Obsidian renders it
(``$\\lesssim1\\%$`` keeps its ``\\%``, or KaTeX would read a comment); outside math, accents
become letters and ``\\%``, ``\\&``, ``\\#``, ``\\_`` lose their backslash, but ``\\$`` keeps it
(``\\$16.9B``: a bare ``$`` would open math in Obsidian).
"""

from __future__ import annotations

import re
import unicodedata

_SYMBOL_ACCENTS = {
    "'": "\u0301",  # acute
    "`": "\u0300",  # grave
    "^": "\u0302",  # circumflex
    '"': "\u0308",  # diaeresis
    "~": "\u0303",  # tilde
    "=": "\u0304",  # macron
    ".": "\u0307",  # dot above
}
_LETTER_ACCENTS = {
    "c": "\u0327",  # cedilla
    "v": "\u030c",  # caron
    "u": "\u0306",  # breve
    "H": "\u030b",  # double acute
    "k": "\u0328",  # ogonek
    "r": "\u030a",  # ring above
    "d": "\u0323",  # dot below
    "b": "\u0331",  # macron below
}
_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
}  # fmt: skip

# The accented letter: a letter, or \i / \j (dotless, which take the accent as i / j).
_BASE = r"(?:\\[ij](?![A-Za-z])|[A-Za-z])"
# A command may sit in its own group, as in ``Dupr{\'e}`` or ``S{\o}ren``: those braces go too.
_OPEN = r"(?P<open>\{\s*)?"
_CLOSE = r"(?(open)\s*\})"
_SYMBOL = re.compile(
    _OPEN
    + r"\\(?P<accent>['`^\"~=.])\s*(?:\{\s*(?P<braced>"
    + _BASE
    + r")\s*\}|(?P<bare>"
    + _BASE
    + "))"
    + _CLOSE
)
_LETTER = re.compile(
    _OPEN
    + r"\\(?P<accent>[cvuHkrdb])(?:\s*\{\s*(?P<braced>"
    + _BASE
    + r")\s*\}|\s+(?P<bare>[A-Za-z]))"
    + _CLOSE
)
_SPECIAL = re.compile(
    _OPEN
    + r"\\(?P<name>"
    + "|".join(sorted(_LETTERS, key=len, reverse=True))
    + r")(?![A-Za-z])(?:\{\})?"
    + _CLOSE
)
_ESCAPED = re.compile(r"\\([&%#_])")
# Math: $$…$$ or $…$, with escaped characters (\$ among them) inside; each "$" is looked at
# once (a "$" that never closes ends its scan at the next "$"), so this is linear.
_MATH = re.compile(r"(?<!\\)(?:\$\$(?:[^$\\]|\\.)*+\$\$|\$(?:[^$\\]|\\.)++\$)", re.DOTALL)


def _base(text: str) -> str:
    return {"\\i": "i", "\\j": "j"}.get(text, text)


def _accented(table: dict[str, str], match: re.Match[str]) -> str:
    letter = _base(match.group("braced") or match.group("bare"))
    return letter + table[match.group("accent")]


def tex_to_unicode(text: str) -> str:
    """``text`` with TeX accents (``\\'a``, ``\\"{o}``, ``{\\c c}``, ``\\v{s}``) and special
    letters (``\\ss``, ``\\o``, ``\\l``, ``\\aa``) as Unicode, NFC-composed.

    A group holding just the command (``Dupr{\\'e}``) loses its braces; ``\\&``, ``\\%``,
    ``\\#`` and ``\\_`` lose their backslash (``\\$`` keeps it). Math (``$…$``, ``$$…$$``) and
    everything else is kept as written.
    """
    if "\\" not in text:
        return text
    if "$" not in text:
        return _outside_math(text)
    out: list[str] = []
    pos = 0
    for math in _MATH.finditer(text):
        out += [_outside_math(text[pos : math.start()]), math.group()]
        pos = math.end()
    out.append(_outside_math(text[pos:]))
    return "".join(out)


def _outside_math(text: str) -> str:
    if "\\" not in text:
        return text
    out = _SYMBOL.sub(lambda m: _accented(_SYMBOL_ACCENTS, m), text)
    out = _LETTER.sub(lambda m: _accented(_LETTER_ACCENTS, m), out)
    out = _SPECIAL.sub(lambda m: _LETTERS[m.group("name")], out)
    out = _ESCAPED.sub(r"\1", out)
    return unicodedata.normalize("NFC", out)


def tex_name(text: str) -> str:
    """An author's name from TeX: accents converted, every brace dropped, spaces collapsed."""
    name = tex_to_unicode(text).replace("{", "").replace("}", "")
    return " ".join(name.split())
