"""Text made safe for a BibTeX or BibLaTeX field: every special character escaped, math
kept as math, capitals protected in titles.

* ``& % # _ $`` become ``\\& \\% \\# \\_ \\$``; ``{ } ~ ^`` and a backslash that is not
  part of a TeX accent become ``\\textbraceleft{}``, ``\\textbraceright{}``,
  ``\\textasciitilde{}``, ``\\textasciicircum{}`` and ``\\textbackslash{}`` (BibTeX counts
  every brace, escaped or not, so ``\\{`` would unbalance the field); control characters
  become spaces.
* TeX accents already in the text (``Hern\\'andez``, ``\\"{o}``) are read as the letters
  they stand for, then written back the one way every BibTeX reads.
* Non-ASCII characters become LaTeX through pylatexenc, each in braces (``{\\'e}``,
  ``{\\ss}``, ``{\\ensuremath{\\alpha}}``) so BibTeX sorts and abbreviates them as one
  letter. Characters LaTeX has no command for (CJK, emoji) stay as UTF-8, which biber and
  every UTF-8 BibTeX reads.
* Inline math, written the way TeX and Pandoc write it (``$O(n^2)$`` with no space just
  inside the dollars, ``\\(…\\)``), is kept as written when its braces balance; only
  ``& % #`` inside it are escaped. Anything else with a ``$`` is text (``costs $5``).
* In titles, words with a capital after their first letter (``BERT``, ``LLMs``,
  ``iPhone``) are wrapped in braces so bibliography styles do not lower-case them.

The result always has balanced braces, so a field written as ``{…}`` parses.
"""

from __future__ import annotations

import re
import unicodedata

from pylatexenc.latexencode import UnicodeToLatexEncoder

from reader.digests.tex import tex_to_unicode

_ENCODER = UnicodeToLatexEncoder(
    non_ascii_only=True,
    replacement_latex_protection="braces-all",
    unknown_char_policy="keep",
    unknown_char_warning=False,
)

_ASCII_ESCAPES = {
    "\\": r"\textbackslash{}",
    # BibTeX counts every brace, escaped or not, so ``\{`` would unbalance a field.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


class _Table(dict[int, str]):
    """``str.translate`` table: ASCII specials escaped, non-ASCII encoded, filled lazily."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _ASCII_ESCAPES:
            value = _ASCII_ESCAPES[char]
        elif code < 32 or code == 127 or unicodedata.category(char) in {"Cc", "Zl", "Zp"}:
            value = " "
        elif code < 128:
            value = char
        else:
            value = _ENCODER.unicode_to_latex(char)
        self[code] = value
        return value


_TABLE = _Table()
_SPECIAL = re.compile(r"[\\{}&%#_$~^\x00-\x1f\x7f-\U0010ffff]")
_MATH = re.compile(
    r"(?<![\\$])\$(?=[^\s$])(?P<dollar>(?:[^$\\]|\\.)*?)(?<=[^\s\\])\$(?![$\d])"
    r"|\\\((?P<paren>.*?)\\\)",
    re.DOTALL,
)
_MATH_SPECIAL = re.compile(r"(?<!\\)([%#&])")
_WORD = re.compile(r"[^\W_]+")


def _encode(text: str) -> str:
    """Plain text escaped (no math, no case protection)."""
    if "\\" in text:
        text = tex_to_unicode(text)
    if not _SPECIAL.search(text):
        return text
    text = unicodedata.normalize("NFC", text)
    if any(unicodedata.combining(ch) for ch in text):
        # A mark NFC could not compose belongs to the letter before it: encode together.
        escaped = "".join(_TABLE[ord(ch)] if ord(ch) < 128 else ch for ch in text)
        return _ENCODER.unicode_to_latex(escaped)
    return text.translate(_TABLE)


def _balanced(math: str) -> bool:
    """Whether BibTeX sees balanced braces (it counts ``\\{`` too) and no dangling ``\\``."""
    depth = 0
    skip = False
    for ch in math:
        if skip:
            skip = False
            if ch not in "{}":
                continue
        if ch == "\\":
            skip = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not skip


def _protected(text: str) -> str:
    """Text escaped, each word with an inner capital wrapped in braces."""
    if "\\" in text:
        text = tex_to_unicode(text)
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if len(word) > 1 and any(ch.isupper() for ch in word[1:]):
            out.append(_encode(text[last : match.start()]))
            out.append("{" + _encode(word) + "}")
            last = match.end()
    out.append(_encode(text[last:]))
    return "".join(out)


def latex_text(text: str, *, protect_case: bool = False) -> str:
    """``text`` as the contents of a BibTeX field (see the module's documentation)."""
    plain = _protected if protect_case else _encode
    if "$" not in text and "\\(" not in text:
        return plain(text)
    out: list[str] = []
    last = 0
    for match in _MATH.finditer(text):
        body = match.group("dollar")
        if body is None:
            body = match.group("paren")
        if not _balanced(body) or any(ord(ch) < 32 for ch in body):
            continue
        out.append(plain(text[last : match.start()]))
        body = _MATH_SPECIAL.sub(r"\\\1", body)
        if any(ord(ch) > 127 for ch in body):
            body = body.translate({code: _TABLE[code] for code in map(ord, body) if code > 127})
        out.append(f"${body}$")
        last = match.end()
    out.append(plain(text[last:]))
    return "".join(out)


def latex_verbatim(value: str) -> str:
    """A URL or DOI for a verbatim field: characters that would break the field or the
    ``\\url`` it becomes (spaces, braces, backslashes, quotes, non-ASCII) percent-encoded."""
    out: list[str] = []
    for ch in value.strip():
        if ch in ' {}\\"<>|^`' or ord(ch) < 33 or ord(ch) == 127:
            out.append(f"%{ord(ch):02X}")
        elif ord(ch) > 127:
            out.extend(f"%{byte:02X}" for byte in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)
