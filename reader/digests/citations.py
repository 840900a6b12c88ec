"""What the reference-manager formats (BibTeX, RIS, CSL-JSON, Scholar alerts) share.

Those formats describe a paper by its DOI, by an arXiv id hidden in an ``eprint`` field or
an ``arxiv.org`` link, and by names written ``Family, Given``. The helpers here turn that
into the :class:`~reader.digests.model.Entry` fields every other reader fills, so that the
same paper from a feed and from a ``.bib`` file is one paper.

Every text a reader keeps passes through :func:`clean_text`: control characters, zero-width
characters and lone surrogates (which JSON escapes can carry and SQLite cannot store) go,
runs of whitespace become one space.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from urllib.parse import parse_qs, unquote, urlsplit

from reader.keys import normalise_arxiv_id

MAX_ENTRIES = 100_000
"""The most references read from one file; a larger export is cut with a warning."""

MAX_FIELD = 100_000
"""The longest text field kept (characters); an abstract longer than this is cut."""

MAX_AUTHORS = 5_000
"""The most author names kept for one paper (collaboration papers list thousands)."""

# Controls become spaces (tabs and newlines too, by the final split); zero-width characters,
# BOMs and bidi overrides/isolates (which show a title backwards) go; lone surrogates become
# U+FFFD. One-character classes: linear passes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ZERO_WIDTH = re.compile(r"[\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>{}]+", re.IGNORECASE)
_DOI_TRAILING = ".,;:)]}>'\""

_ARXIV_URL = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html|format)/|export\.arxiv\.org/abs/|10\.48550/arxiv\.)"
    r"(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z]+(?:-[a-z]+)?(?:\.[a-z]{2})?/\d{7}(?:v\d+)?)",
    re.IGNORECASE,
)
_ARXIV_TEXT = re.compile(
    r"\barxiv(?:\s*[:/])?\s*(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z]+(?:-[a-z]+)?(?:\.[a-z]{2})?/\d{7}(?:v\d+)?)",
    re.IGNORECASE,
)

_ARCHIVES = frozenset(
    {"astro-ph", "cond-mat", "cs", "econ", "eess", "gr-qc", "hep-ex", "hep-lat", "hep-ph",
     "hep-th", "math", "math-ph", "nlin", "nucl-ex", "nucl-th", "physics", "q-bio", "q-fin",
     "quant-ph", "stat", "acc-phys", "adap-org", "alg-geom", "ao-sci", "atom-ph", "bayes-an",
     "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "dg-ga", "funct-an", "mtrl-th", "patt-sol",
     "plasm-ph", "q-alg", "solv-int", "supr-con"}
)  # fmt: skip
"""arXiv's archives, current and retired (``hep-th``, ``cs``, ``cond-mat`` …)."""
_DIVIDED = frozenset({"cs", "math", "physics", "stat", "q-bio", "q-fin", "eess", "econ", "nlin"})
"""Archives whose papers always carry a subject class: ``cs`` alone is no category."""
_TRAILING_CODE = re.compile(r"\(\s*([A-Za-z.-]{2,30})\s*\)\s*$|\[\s*([A-Za-z.-]{2,30})\s*\]")
_CATEGORY = re.compile(
    r"(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.(?P<subject>[A-Za-z]{2}|[a-z]+(?:-[a-z]+)?))?"
)


def clean_text(value: object, limit: int = MAX_FIELD) -> str:
    """``value`` as one line of clean text: controls and lone surrogates gone, spaces collapsed.

    Anything that is not a string (a number in JSON, ``None``) gives ``""``.
    """
    if not isinstance(value, str):
        return ""
    text = value[: limit * 2]
    if not text.isascii():
        text = _ZERO_WIDTH.sub("", _SURROGATE.sub("\ufffd", text))
    if not text.isprintable():  # tabs, newlines, controls, zero-width characters
        text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rstrip() + "…"
    return text


def clean_title(value: object) -> str:
    """A title: clean text, NFC-composed, without the trailing full stop some exports add."""
    text = unicodedata.normalize("NFC", clean_text(value, 2_000))
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    return text


def find_doi(text: object) -> str | None:
    """The DOI in ``text`` (``10.1016/j.x.2004.03.010``), from a bare DOI, ``doi:…`` or a
    ``doi.org`` link (percent-escapes undone), without trailing punctuation; else ``None``.
    """
    if not isinstance(text, str) or "10." not in text:
        return None
    match = _DOI.search(unquote(text[:2_000]) if "%" in text else text[:2_000])
    if match is None:
        return None
    doi = match.group(0).rstrip(_DOI_TRAILING)
    return doi if "/" in doi and not doi.endswith("/") else None


_URL_DOI_SUFFIX = re.compile(
    r"(?:v\d+)?(?:[./](?:full|abstract|pdf|html|epdf|meta|short|long)(?:\.pdf)?)+$", re.IGNORECASE
)
_BIORXIV_VERSION = re.compile(r"^(10\.1101/(?:\d{4}\.\d{2}\.\d{2}\.)?\d{6,})v\d+$")


def doi_from_url(url: str) -> str | None:
    """The DOI a publisher's link carries in its path (``/doi/abs/10.1021/…``,
    ``/chapter/10.1007/…``, bioRxiv's ``/content/10.1101/…v1.full``) or in its query
    (``article?id=10.1371/…``), without the page's own suffixes; else ``None``.
    """
    try:
        parts = urlsplit(url.strip()[:2_000])
    except ValueError:
        return None
    for candidate in (
        unquote(parts.path),
        *(v for vs in parse_qs(parts.query).values() for v in vs),
    ):
        if "10." not in candidate:
            continue
        doi = find_doi(candidate)
        if doi is None:
            continue
        doi = _URL_DOI_SUFFIX.sub("", doi)
        doi = _BIORXIV_VERSION.sub(r"\1", doi)
        if "/" in doi and not doi.endswith("/"):
            return doi
    return None


def arxiv_from_url(text: object) -> str | None:
    """The bare arXiv id in an ``arxiv.org`` link or an arXiv DOI (``10.48550/arXiv.…``)."""
    if not isinstance(text, str):
        return None
    match = _ARXIV_URL.search(text[:2_000])
    return normalise_arxiv_id(match.group("id")) if match else None


def arxiv_from_eprint(eprint: object, kind: object = "") -> str | None:
    """The arXiv id of an ``eprint`` field: its type says arXiv, or it is a bare arXiv id.

    ``eprint = {1412.2970}, eprinttype = {arxiv}`` (BibLaTeX), ``archivePrefix = {arXiv}``
    (arXiv's own BibTeX) and ``arXiv:1412.2970v2`` all give ``1412.2970``.
    """
    if not isinstance(eprint, str) or not eprint.strip():
        return None
    said = isinstance(kind, str) and kind.strip().lower() == "arxiv"
    text = eprint.strip()
    if said or text.lower().startswith("arxiv") or re.fullmatch(r"\d{4}\.\d{4,5}(v\d+)?", text):
        return normalise_arxiv_id(text)
    return arxiv_from_url(text)


def arxiv_in_text(text: object) -> str | None:
    """The arXiv id a venue line names: ``arXiv preprint arXiv:2211.06530`` (Google Scholar)."""
    if not isinstance(text, str):
        return None
    match = _ARXIV_TEXT.search(text[:2_000])
    return normalise_arxiv_id(match.group("id")) if match else None


def arxiv_categories(terms: Iterable[str]) -> tuple[str, ...]:
    """The terms that are arXiv categories (``cs.CL``, ``hep-th``, ``math.AG``), in order.

    A term may also end in one, as arXiv's own export and Zotero write them:
    ``Computation and Language (cs.CL)``, ``arXiv:2606.28969 [q-bio.QM]``. Keywords, subject
    names (``Quantum Physics``), MSC or ACM codes and a bare ``[cs]`` are not categories.
    """
    found: list[str] = []
    for term in terms:
        text = term.strip()[:200]
        match = _CATEGORY.fullmatch(text)
        if match is None and (code := _TRAILING_CODE.search(text)) is not None:
            text = code.group(1) or code.group(2)
            match = _CATEGORY.fullmatch(text)
        if match is None or match.group("archive") not in _ARCHIVES:
            continue
        if match.group("subject") is None and match.group("archive") in _DIVIDED:
            continue
        found.append(text)
    return tuple(dict.fromkeys(found))


def person_name(family: str, given: str = "", suffix: str = "") -> str:
    """``Given Family, Suffix`` as a person writes it (``Hall Jr.`` stays ``H. K. Hall Jr.``)."""
    parts = [clean_text(given, 500), clean_text(family, 500)]
    name = " ".join(part for part in parts if part)
    suffix = clean_text(suffix, 50)
    return f"{name} {suffix}" if name and suffix else name


def inverted_name(text: str) -> str:
    """``Family, Given`` (or ``Family, Suffix, Given``) as ``Given Family Suffix``."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) == 2 and parts[0] and parts[1]:
        return person_name(parts[0], parts[1])
    if len(parts) == 3 and parts[0] and parts[2]:
        return person_name(parts[0], parts[2], parts[1])
    return clean_text(text.replace(",", " "), 500)


def safe_date(year: int, month: int | None = None, day: int | None = None) -> date | None:
    """The date ``year-month-day`` (month and day default to 1), or ``None`` when impossible.

    Years before 1 (BC dates in CSL) and after 9999 are no dates Papershelf stores.
    """
    if not 1 <= year <= 9999:
        return None
    try:
        return date(year, month or 1, day or 1)
    except (ValueError, OverflowError):
        try:
            return date(year, month or 1, 1) if month else date(year, 1, 1)
        except (ValueError, OverflowError):
            return date(year, 1, 1)


_YEAR_MONTH_DAY = re.compile(r"(?P<y>\d{4})(?:[-/](?P<m>\d{1,2})(?:[-/](?P<d>\d{1,2}))?)?")


def loose_date(text: object) -> date | None:
    """A date from ``2014-12-09``, ``2014/12/09/``, ``2014-10``, ``2004`` or ``2014-12-09/2015``
    (the first date of a range); ``None`` when there is no four-digit year first.
    """
    if not isinstance(text, str):
        return None
    match = _YEAR_MONTH_DAY.match(text.strip()[:40])
    if match is None:
        return None
    month = int(match.group("m")) if match.group("m") else None
    day = int(match.group("d")) if match.group("d") else None
    if month is not None and not 1 <= month <= 12:
        month = day = None
    return safe_date(int(match.group("y")), month, day)


def untitled_warning(skipped: Sequence[int], records: str, places: str) -> str:
    """The warning for records skipped for having no title, naming the first 20 of them.

    ``skipped`` holds where they are (line or item numbers); ``records`` and ``places``
    name both in the format's words: ``3 entries without a title were skipped (lines 4,
    9, 12)``.
    """
    shown = ", ".join(str(n) for n in skipped[:20])
    more = f" and {len(skipped) - 20} more" if len(skipped) > 20 else ""
    return f"{len(skipped)} {records} without a title were skipped ({places} {shown}{more})"
