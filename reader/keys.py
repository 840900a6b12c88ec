"""Paper identity: how two digest entries are recognised as the same paper."""

from __future__ import annotations

import re
import unicodedata

_ARXIV = re.compile(
    r"(?:arxiv[:/ ]\s*|/(?:abs|pdf|papers)/)?"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
    re.IGNORECASE,
)


class _SeparatorTable(dict[int, str]):
    """``str.translate`` table mapping punctuation, symbols, spaces and controls to a space.

    Filled lazily, one code point at a time, so the category lookup happens once per
    distinct character rather than once per character of every title.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = " " if unicodedata.category(char)[0] in "PSZC" else char
        self[code] = value
        return value


_SEPARATORS = _SeparatorTable()


def normalise_title(title: str) -> str:
    """A title folded so that trivially different spellings compare equal.

    Unicode NFKC, case-folded, with punctuation, symbols and runs of whitespace collapsed to
    single spaces: ``"LM-Infinite: Simple…"`` and ``"lm infinite simple…"`` are one title.
    """
    folded = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(folded.translate(_SEPARATORS).split())


def normalise_arxiv_id(text: str) -> str | None:
    """The bare arXiv id in ``text`` (``2411.13560``), without a version suffix, or ``None``.

    Accepts ``arXiv:2411.13560v2``, ``https://arxiv.org/abs/2411.13560`` and
    ``https://huggingface.co/papers/2411.13560``.
    """
    match = _ARXIV.search(text.strip())
    return match.group("id") if match else None


def paper_key(title: str, arxiv_id: str | None) -> str:
    """The paper's identity: ``arxiv:<id>`` when the id is known, else ``title:<normalised>``."""
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    return f"title:{normalise_title(title)}"
