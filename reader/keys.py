"""Paper identity: how two digest entries are recognised as the same paper."""

from __future__ import annotations

import re
import unicodedata

_OLD_ARCHIVES = (
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an",
    "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an",
    "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "math", "mtrl-th", "nlin",
    "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph",
    "solv-int", "supr-con",
)  # fmt: skip
"""The archives of arXiv's identifiers before April 2007 (``hep-th/9901001``)."""

_ARXIV = re.compile(
    # New-style 2411.13560 (four or five digits after the dot), old-style hep-th/9901001 or
    # math.AG/0601001, each with an optional version. Digits may not run on at either end:
    # 12411.135601 holds no id.
    r"(?<!\d)(?P<id>\d{4}\.\d{4,5}"
    r"|(?<![A-Za-z-])(?P<archive>" + "|".join(_OLD_ARCHIVES) + r")(?P<subject>\.[A-Z]{2})?/\d{7})"
    r"(?:v\d+)?(?!\d)",
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

    Accepts ``arXiv:2411.13560v2``, ``https://arxiv.org/abs/2411.13560``,
    ``https://huggingface.co/papers/2411.13560`` and old-style ids such as
    ``hep-th/9901001v3`` or ``arXiv:math.AG/0601001``.
    """
    match = _ARXIV.search(text.strip())
    if match is None:
        return None
    archive = match.group("archive")
    if archive is None:
        return match.group("id")
    # Old-style ids are written with a lower-case archive and an upper-case subject class.
    subject = (match.group("subject") or "").upper()
    return f"{archive.lower()}{subject}/{match.group('id').rsplit('/', 1)[1]}"


def paper_key(title: str, arxiv_id: str | None) -> str:
    """The paper's identity: ``arxiv:<id>`` when the id is known, else ``title:<normalised>``."""
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    return f"title:{normalise_title(title)}"


_DOI = re.compile(r"10\.\d{4,9}/\S+")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(?P<id>.+)", re.IGNORECASE)


def bare_doi(text: str) -> str | None:
    """The DOI in ``text`` as written (case kept), without ``doi:`` or a resolver URL."""
    match = _DOI.search(text.strip())
    if match is None:
        return None
    return match.group(0).rstrip(".,;:)]}>'\"") or None


def normalise_doi(text: str) -> str | None:
    """A DOI as an identity: ``10.1234/abc`` case-folded, without ``doi:`` or a resolver URL.

    DOIs are case-insensitive, so ``10.1002/TAX.1`` and ``https://doi.org/10.1002/tax.1`` are
    one DOI. Trailing punctuation that a sentence or a list put after it is dropped.
    Returns ``None`` when ``text`` holds no DOI.
    """
    bare = bare_doi(text)
    return bare.casefold() if bare else None


def arxiv_id_of_doi(doi: str) -> str | None:
    """The arXiv id a DataCite arXiv DOI (``10.48550/arXiv.2411.13560``) stands for."""
    match = _ARXIV_DOI.fullmatch(doi)
    return normalise_arxiv_id(match.group("id")) if match else None
