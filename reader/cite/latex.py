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

It is built for long abstracts in bulk (100,000 papers in a few seconds): ``str`` methods,
which loop in C, decide what work a text needs, and each step runs only when it does.
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

# Line breaks, tabs and control characters become spaces (a field is one logical line).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# ASCII escapes as chained str.replace: the three characters whose escapes hold braces or
# backslashes go through placeholders first, so no escape is escaped again.
_PLACEHOLDERS = (("\\", "\x10"), ("{", "\x11"), ("}", "\x12"))
_SIMPLE = (
    ("&", r"\&"), ("%", r"\%"), ("#", r"\#"), ("_", r"\_"), ("$", r"\$"),
    ("~", r"\textasciitilde{}"), ("^", r"\textasciicircum{}"),
)  # fmt: skip
# BibTeX counts every brace, escaped or not, so ``\{`` would unbalance a field.
_RESTORE = (
    ("\x10", r"\textbackslash{}"), ("\x11", r"\textbraceleft{}"), ("\x12", r"\textbraceright{}"),
)  # fmt: skip
# Markers put in by latex_text before escaping, replaced after: the braces that protect a
# word's capitals, and held math (\x01<n>\x01). Control characters are gone by then.
_OPEN, _CLOSE, _MATH_MARK = "\x02", "\x03", "\x01"
_HELD = re.compile("\x01(\\d+)\x01")
_PROTECTED = _OPEN + "\\g<0>" + _CLOSE  # a word wrapped in the markers (a template: no callback)

# What tex_to_unicode converts (accents, special letters, escaped specials). It is slow
# on long text, so it runs only when one is there (math commands such as \alpha are not).
_TEX_ACCENT = re.compile(
    r"\\(?:['`^\"~=.&%$#_]|[cvuHkrdb](?:\{|\s|(?![A-Za-z]))"
    r"|(?:ss|aa|AA|ae|AE|oe|OE|dh|DH|th|TH|ng|NG|dj|DJ|[oOlLij])(?![A-Za-z]))"
)
# Inline math. The look-behind comes after the opening "$" so the engine can jump from one
# "$" to the next (a leading look-behind made this 30 times slower on long abstracts); the
# body is "unrolled" (no nested quantifiers), so matching is linear whatever the text holds.
_DOLLAR_MATH = re.compile(
    r"\$(?<![\\$]\$)(?=[^\s$])(?P<body>[^$\\]*(?:\\.[^$\\]*)*)(?<=[^\s\\])\$(?![$\d])"
)
_PAREN_MATH = re.compile(r"\\\((?P<body>.*?)\\\)", re.DOTALL)
_MATH_SPECIAL = re.compile(r"(?<!\\)([%#&])")
# A word with a capital after its first letter; the capitals are those of Latin-1, Latin
# Extended-A (every other code point), Greek and Cyrillic.
_CAPITALS = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0391-\u03a9\u0410-\u042f"
_INNER_CAPITAL = re.compile(rf"(?<![^\W_])[^\W_](?=[^\W_]*?[{_CAPITALS}])[^\W_]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# The combining marks of the Combining Diacritical Marks blocks (NFC composes most).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_URL_UNSAFE = re.compile(r'[\s{}\\"<>|^`\x00-\x20\x7f-\U0010ffff]')

_CHARS: dict[str, str] = {}
_RUNS: dict[str, str] = {}
_RUNS_KEPT = 100_000


def _char(char: str) -> str:
    encoded = _CHARS.get(char)
    if encoded is None:
        encoded = _CHARS[char] = str(_ENCODER.unicode_to_latex(char))
    return encoded


def _non_ascii(match: re.Match[str]) -> str:
    """A run of non-ASCII characters as LaTeX (runs repeat: ``é``, ``—``, ``“``)."""
    run = match.group()
    encoded = _RUNS.get(run)
    if encoded is None:
        encoded = "".join(_char(ch) for ch in run)
        if len(_RUNS) < _RUNS_KEPT:
            _RUNS[run] = encoded
    return encoded


def _encode(text: str) -> str:
    """Text with no control characters, no math and no TeX accents, escaped."""
    for char, placeholder in _PLACEHOLDERS:
        if char in text:
            text = text.replace(char, placeholder)
    for char, escaped in _SIMPLE:
        if char in text:
            text = text.replace(char, escaped)
    for placeholder, escaped in _RESTORE:
        if placeholder in text:
            text = text.replace(placeholder, escaped)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    if _COMBINING.search(text):
        # A mark NFC could not compose belongs to the letter before it: encode together.
        return str(_ENCODER.unicode_to_latex(text))
    return _NON_ASCII.sub(_non_ascii, text)


def _balanced(math: str) -> bool:
    """Whether BibTeX sees balanced braces (it counts ``\\{`` too) and no dangling ``\\``."""
    if "{" not in math and "}" not in math:
        return not math.endswith("\\")
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


def _math(body: str) -> str | None:
    """Inline math as written (only ``% # &`` escaped), or ``None`` if it cannot stay math."""
    if not _balanced(body):
        return None
    if "%" in body or "#" in body or "&" in body:
        body = _MATH_SPECIAL.sub(r"\\\1", body)
    if not body.isascii():
        body = _NON_ASCII.sub(_non_ascii, body)
    return f"${body}$"


def latex_text(text: str, *, protect_case: bool = False) -> str:
    """``text`` as the contents of a BibTeX field (see the module's documentation)."""
    if not text.isprintable():
        text = _CONTROL.sub(" ", text)
    maths: list[str] = []
    if "$" in text or "\\(" in text:

        def hold(match: re.Match[str]) -> str:
            kept = _math(match.group("body"))
            if kept is None:
                return match.group()  # not math after all: escaped with the text around
            maths.append(kept)
            return f"{_MATH_MARK}{len(maths) - 1}{_MATH_MARK}"

        if "\\(" in text:
            text = _PAREN_MATH.sub(hold, text)
        if "$" in text:
            text = _DOLLAR_MATH.sub(hold, text)
    if "\\" in text and _TEX_ACCENT.search(text):
        text = tex_to_unicode(text)
    if protect_case:
        text = _INNER_CAPITAL.sub(_PROTECTED, text)
    escaped = _encode(text)
    if protect_case and _OPEN in escaped:
        escaped = escaped.replace(_OPEN, "{").replace(_CLOSE, "}")
    if maths:
        escaped = _HELD.sub(lambda m: maths[int(m.group(1))], escaped)
    return escaped


def latex_verbatim(value: str) -> str:
    """A URL or DOI for a verbatim field: characters that would break the field or the
    ``\\url`` it becomes (spaces, braces, backslashes, quotes, non-ASCII) percent-encoded."""
    value = value.strip()
    if not _URL_UNSAFE.search(value):
        return value
    out: list[str] = []
    for ch in value:
        if ch in ' {}\\"<>|^`' or ord(ch) < 33 or ord(ch) == 127:
            out.append(f"%{ord(ch):02X}")
        elif ord(ch) > 127:
            out.extend(f"%{byte:02X}" for byte in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)
