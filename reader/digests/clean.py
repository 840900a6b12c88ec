"""Text from a digest made safe to store, print and encode: one rule for every format.

A feed, a mail or a JSON file can carry anything in its titles: terminal escapes that clear
the screen or spoof links (``ESC ] 8 ;;``), bidi overrides that show a title backwards, C1
controls, lone surrogates (a JSON ``"\\ud800"``, a UTF-7 mail) that no UTF-8 encoder
accepts, and noncharacters (a feed's ``&#xFFFE;``) that XML 1.0 forbids and no text means.
Every :class:`~reader.digests.model.Entry` a reader returns passes through
:func:`clean_digest` (the registry does it for every format), so nothing of the sort is
stored, printed or exported.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from reader.digests.model import Digest, Entry
from reader.digests.tex import tex_to_unicode

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
"""C0 and C1 controls but tab and newline, DEL, and the Unicode line/paragraph separators:
each becomes a space."""
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)
)
"""The 66 noncharacters, as a character class's inside: U+FDD0–U+FDEF and the last two code
points of every plane (U+FFFE, a byte-swapped BOM, among them). Reserved for a program's own
use, never text; an export drops them from note names too (:mod:`reader.export.names`)."""
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb" + _NONCHARACTERS + "]")
"""Bidi embeddings, overrides and isolates (which reorder what follows them, up to the end
of a line), stray BOMs, interlinear annotation marks and noncharacters: dropped. The bidi
*marks* (LRM, RLM, ALM) only set the direction of their neighbours: Hebrew and Arabic titles
keep them."""
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_BLANK_LINES = re.compile(r"\n{3,}")

_ARCHIVES = (
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an",
    "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "econ", "eess",
    "funct-an", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "math", "mtrl-th",
    "nlin", "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "q-fin",
    "quant-ph", "solv-int", "stat", "supr-con",
)  # fmt: skip
_ARXIV_CATEGORY = re.compile(r"(?:" + "|".join(_ARCHIVES) + r")(?:\.[A-Za-z][A-Za-z-]{1,15})?")
"""An arXiv category (``cs.CL``, ``hep-ex``, ``cond-mat.mes-hall``): the only kind kept.
MSC and ACM codes (``53D10``, ``I.2.7``) and journal sections (``Review``) are no category."""

_LINE_FIELDS = ("organization", "organization_handle", "arxiv_id", "url", "doi", "journal")

LINE_LIMIT = 10_000
"""The longest title, author name, journal or link an entry keeps, in characters: beyond
it a field is cut, ending in "…" (a title of 5,000 characters is kept whole; the reference
formats cut theirs at 2,000 already, :func:`reader.digests.citations.clean_title`). A
feed's 30 MB title would otherwise be indexed, keyed and stored whole: some hundreds of MB
of memory for one paper."""
TEXT_LIMIT = 100_000
"""The longest abstract an entry keeps (the reference formats' limit too)."""


def clean_line(text: str) -> str:
    """``text`` on one line: unsafe characters gone, every run of whitespace one space."""
    return " ".join(_safe(text).split())


def clean_text(text: str) -> str:
    """``text`` with its lines and paragraphs kept: unsafe characters gone, spaces collapsed
    within each line, at most one blank line between paragraphs.
    """
    lines = (" ".join(line.split()) for line in _safe(text).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def clean_entry(entry: Entry) -> Entry:
    """``entry`` with every text field cleaned and cut to :data:`LINE_LIMIT` (the abstract
    to :data:`TEXT_LIMIT`; lists lose the items left empty), the TeX rule of
    :mod:`~reader.digests.tex` applied to its title and abstract, and only arXiv categories
    among its categories."""
    return _cleaned(entry)[0]


def _cleaned(entry: Entry) -> tuple[Entry, list[str]]:
    """:func:`clean_entry`, and the names of the fields it had to cut."""
    cut: list[str] = []

    def bounded(
        name: str,
        text: str,
        limit: int,
        clean: Callable[[str], str],
        convert: Callable[[str], str] = str,
    ) -> str:
        out, was_cut = _bounded(text, limit, clean, convert)
        if was_cut and name not in cut:
            cut.append(name)
        return out

    changes: dict[str, object] = {
        "abstract": bounded("abstract", entry.abstract, TEXT_LIMIT, clean_text, tex_to_unicode)
    }
    for name in _LINE_FIELDS:
        value = getattr(entry, name)
        if value is not None:
            changes[name] = bounded(name, value, LINE_LIMIT, clean_line) or None
    changes["authors"] = tuple(
        item
        for item in (bounded("author", a, LINE_LIMIT, clean_line) for a in entry.authors)
        if item
    )
    changes["categories"] = tuple(
        dict.fromkeys(c for c in map(clean_line, entry.categories) if is_arxiv_category(c))
    )
    # A title of nothing but control characters still names the entry: U+FFFD says so.
    title = bounded("title", entry.title, LINE_LIMIT, clean_line, tex_to_unicode)
    changes["title"] = title or "\ufffd"
    return dataclasses.replace(entry, **changes), cut  # type: ignore[arg-type]


def _bounded(
    text: str, limit: int, clean: Callable[[str], str], convert: Callable[[str], str] = str
) -> tuple[str, bool]:
    """``clean(convert(text))`` in at most ``limit`` characters, ending in "…" when cut, and
    whether it was cut. Only the first ``2 × limit`` characters are read: the rest could
    only be cut."""
    cut = len(text) > 2 * limit
    out = clean(convert(text[: 2 * limit] if cut else text))
    if cut or len(out) > limit:
        return out[: limit - 1].rstrip() + "…", True
    return out, False


def is_arxiv_category(term: str) -> bool:
    """Whether ``term`` is an arXiv category such as ``cs.CL`` or ``hep-ex``."""
    return _ARXIV_CATEGORY.fullmatch(term) is not None


def clean_digest(digest: Digest) -> Digest:
    """``digest`` with every entry and warning cleaned; a field that had to be cut is said
    in one warning (how many papers, which fields), so the import log tells the reader
    that the library holds less than the file (which is never changed)."""
    entries: list[Entry] = []
    fields: dict[str, int] = {}
    papers = 0
    for entry in digest.entries:
        clean, cut = _cleaned(entry)
        entries.append(clean)
        papers += bool(cut)
        for name in cut:
            fields[name] = fields.get(name, 0) + 1
    warnings = list(map(clean_line, digest.warnings))
    if papers:
        warnings.append(cut_warning(papers, fields))
    return dataclasses.replace(digest, entries=tuple(entries), warnings=tuple(warnings))


def cut_warning(papers: int, fields: dict[str, int]) -> str:
    """The import log's line for ``papers`` papers whose ``fields`` (name → how many
    papers) were longer than the library keeps."""
    named = ", ".join(
        _FIELD_NAMES.get(name, name) + (f" ({count:,})" if papers > 1 else "")
        for name, count in sorted(fields.items(), key=lambda item: _ORDER.index(item[0]))
    )
    whom, verb = ("1 paper", "was") if papers == 1 else (f"{papers:,} papers", "were")
    return (
        f"{whom} had text longer than Papershelf keeps ({LINE_LIMIT:,} characters, "
        f"{TEXT_LIMIT:,} for an abstract) and {verb} shortened, ending in “…”: {named}. "
        "The digest file itself is unchanged."
    )


_FIELD_NAMES = {
    "title": "title",
    "author": "author name",
    "abstract": "abstract",
    "organization": "organization",
    "organization_handle": "organization handle",
    "arxiv_id": "arXiv id",
    "url": "link",
    "doi": "DOI",
    "journal": "journal",
}
"""What the import log calls each field that can be cut, in the order it names them."""
_ORDER = tuple(_FIELD_NAMES)


def _safe(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text
    text = _SURROGATES.sub("\ufffd", text)
    return _INVISIBLE.sub("", _CONTROLS.sub(" ", text))
