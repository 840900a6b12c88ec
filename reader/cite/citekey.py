"""Citation keys: the formula that makes one, the suffix that keeps them unique, the rules
a key the user types must follow.

The formula is Better BibTeX's default, ``auth.lower + shorttitle(3,3) + year``:

``auth``
    the first author's family name without its particles (``van``, ``de``: ``Ludwig van
    Beethoven`` → ``beethoven``), transliterated to ASCII (``Łukasz Müller`` →
    ``muller``, ``张伟`` → ``zhangwei``), lower-cased, letters and digits only, at most
    24 characters. A paper known only by its organisation (``Google DeepMind``) takes the
    organisation's name the same way (``googledeepmind``); a paper with neither has none.
``shorttitle``
    the first three words of the title that are not on Better BibTeX's skip list (``a``,
    ``the``, ``of``, ``is``, …), each with its first letter upper-cased, transliterated
    to ASCII, at most 24 characters each. Math (``$O(n^2)$``) and TeX commands are left
    out; apostrophes vanish (``Don't`` → ``Dont``); a hyphen splits words (``LM-Infinite``
    → ``LM``, ``Infinite``).
``year``
    the four-digit publication year, when known.

``Attention Is All You Need`` by Ashish Vaswani et al. (2017) is
``vaswaniAttentionAllYou2017``. A paper with none of the three parts is ``paper``.

Keys are made unique in the order papers are given keys (the order they arrived): the
first paper gets the bare key, later ones ``a``, ``b`` … ``z``, ``aa``, ``ab`` … appended
(``vaswaniAttentionAllYou2017a``). Uniqueness ignores case, as BibTeX and Pandoc users
expect. A key, once given, is never recomputed: :mod:`reader.library.citekeys` stores it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from reader.digests.tex import tex_to_unicode

MAX_KEY_LENGTH = 100
"""The longest key a user may choose (generated keys are at most 100 long too)."""

_AUTH_CHARS = 24
_WORD_CHARS = 24
_TITLE_WORDS = 3

# Better BibTeX's default ``skipWords`` preference, verbatim.
SKIP_WORDS = frozenset((
    "a", "ab", "aboard", "about", "above", "across", "after", "against", "al", "along", "amid",
    "among", "an", "and", "anti", "around", "as", "at", "before", "behind", "below", "beneath",
    "beside", "besides", "between", "beyond", "but", "by", "d", "da", "das", "de", "del", "dell",
    "dello", "dei", "degli", "della", "dell", "delle", "dem", "den", "der", "des", "despite",
    "die", "do", "down", "du", "during", "ein", "eine", "einem", "einen", "einer", "eines", "el",
    "en", "et", "except", "for", "from", "gli", "i", "il", "in", "inside", "into", "is", "l",
    "la", "las", "le", "les", "like", "lo", "los", "near", "nor", "of", "off", "on", "onto", "or",
    "over", "past", "per", "plus", "round", "save", "since", "so", "some", "sur", "than", "the",
    "through", "to", "toward", "towards", "un", "una", "unas", "under", "underneath", "une",
    "unlike", "uno", "unos", "until", "up", "upon", "versus", "via", "von", "while", "with",
    "within", "without", "yet", "zu", "zum",
))  # fmt: skip

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)
_COMMAND = re.compile(r"\\[A-Za-z]+\*?|\\.")
_APOSTROPHES = re.compile(r"['’ʼ`]")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")
_VALID = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_:.+/-]*[A-Za-z0-9_])?")


class CitekeyError(ValueError):
    """A key the user typed cannot be a citekey; ``str()`` says what to type instead."""


def _ascii_words(text: str) -> list[str]:
    """``text`` without math and TeX commands, transliterated, split into ASCII words."""
    from anyascii import anyascii  # on first use: the library imports this module at start

    text = _MATH.sub(" ", tex_to_unicode(text))
    text = _COMMAND.sub(" ", text).replace("{", "").replace("}", "")
    text = anyascii(_APOSTROPHES.sub("", text))
    return [w for w in _NOT_ALNUM.split(text) if w]


def auth_part(family: str | None, organization: str | None = None) -> str:
    """The ``auth.lower`` part: a family name (or else an organisation) folded for a key."""
    source = family or organization or ""
    return "".join(_ascii_words(source)).lower()[:_AUTH_CHARS]


def shorttitle_part(title: str) -> str:
    """The ``shorttitle(3,3)`` part: three significant title words, each capitalised."""
    words: list[str] = []
    for word in _ascii_words(title):
        if word.lower() in SKIP_WORDS:
            continue
        words.append(word[:1].upper() + word[1:_WORD_CHARS])
        if len(words) == _TITLE_WORDS:
            break
    return "".join(words)


def base_key(family: str | None, organization: str | None, title: str, year: int | None) -> str:
    """The key the formula gives, before any suffix (see the module's documentation)."""
    key = auth_part(family, organization) + shorttitle_part(title)
    if year is not None and 1000 <= year <= 9999:
        key += str(year)
    return key or "paper"


def suffixes() -> Iterator[str]:
    """``""``, then ``a`` … ``z``, ``aa`` … ``zz``, ``aaa`` …: the disambiguation suffixes."""
    yield ""
    n = 1
    while True:
        digits: list[str] = []
        m = n
        while m:
            m, rest = divmod(m - 1, 26)
            digits.append(chr(ord("a") + rest))
        yield "".join(reversed(digits))
        n += 1


def unique_key(base: str, taken: Callable[[str], bool]) -> str:
    """The first of ``base``, ``base + "a"``, ``base + "b"`` … that ``taken`` says is free."""
    for suffix in suffixes():
        candidate = base + suffix
        if not taken(candidate):
            return candidate
    raise AssertionError("unreachable: suffixes never end")


def first_family_name(authors: Sequence[str]) -> str | None:
    """The family name of the first author, without particles, or ``None`` with no names."""
    from reader.cite.names import split_name

    for author in authors:
        name = split_name(author)
        if name.family:
            return name.last
    return None


def clean_citekey(text: str) -> str:
    """A key the user typed, checked: returns it trimmed (a leading ``@`` dropped).

    Raises :class:`CitekeyError` with a one-line message when it is empty, too long, or
    holds characters that BibTeX, BibLaTeX or Pandoc would read differently.
    """
    key = text.strip()
    if key.startswith("[@") and key.endswith("]"):
        key = key[2:-1].strip()
    key = key.removeprefix("@")
    if not key:
        raise CitekeyError("a citekey cannot be empty")
    if len(key) > MAX_KEY_LENGTH:
        raise CitekeyError(f"a citekey can be at most {MAX_KEY_LENGTH} characters")
    if not _VALID.fullmatch(key):
        shown = key if len(key) <= 40 else key[:39] + "…"
        raise CitekeyError(
            f"the citekey {shown!r} is not valid: use ASCII letters, digits and _ : . - + /, "
            "starting and ending with a letter, a digit or _"
        )
    return key
