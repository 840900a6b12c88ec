"""BibTeX and BibLaTeX files: Zotero, Better BibTeX, JabRef, Mendeley, Google Scholar exports.

An entry (see ``tests/digests/samples/zotero-bbt-eprint.bib``)::

    @article{BachmannDybalskiNaaijkens14,
      author = {Bachmann, Sven and Dybalski, Wojciech and Naaijkens, Pieter},
      date = {2014-12-09},
      eprint = {1412.2970}, eprinttype = {arxiv},
      keywords = {Lieb-Robinson bounds,Mathematical Physics,Quantum Physics},
      title = {Lieb-Robinson bounds, Arveson spectrum and …},
      url = {http://arxiv.org/abs/1412.2970}
    }

bibtexparser (v2) splits the file into blocks and resolves ``@string`` macros; a block it
cannot read (an unclosed brace, say) is reported with its line while the rest imports.
The arXiv id comes from ``eprint`` with ``eprinttype``/``archivePrefix`` (BibLaTeX, arXiv's
own export), Mendeley's ``arxivId``, an ``arxiv.org`` link or arXiv DOI, or Google Scholar's
``journal = {arXiv preprint arXiv:2211.06530}``. Names are split by BibTeX's own rules
(``von``, ``Jr.``, braced corporate names) and written ``Given Family``. Keywords are kept
as categories only when they are arXiv categories (``primaryClass`` too).
"""

from __future__ import annotations

import gc
import logging
import re
from datetime import date, datetime

import bibtexparser
from bibtexparser.exceptions import ParsingException
from bibtexparser.library import Library
from bibtexparser.middlewares import RemoveEnclosingMiddleware, ResolveStringReferencesMiddleware
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, ParsingFailedBlock
from bibtexparser.model import Entry as BibEntry

from reader.digests.citations import (
    MAX_AUTHORS,
    MAX_ENTRIES,
    arxiv_categories,
    arxiv_from_eprint,
    arxiv_from_url,
    arxiv_in_text,
    clean_text,
    clean_title,
    doi_from_url,
    find_doi,
    loose_date,
    safe_date,
    untitled_warning,
)
from reader.digests.errors import DigestFormatError, UnknownFormatError
from reader.digests.latex_text import latex_to_text
from reader.digests.model import Digest, Entry
from reader.digests.tex import tex_to_unicode

NAME = "bibtex"
LABEL = "BibTeX / BibLaTeX (.bib)"

# An entry's opening line: ``@article{key,`` or ``@book (key,``.
_ENTRY_START = re.compile(
    r"^[ \t]*@[ \t]*([A-Za-z]{2,30})[ \t]*[{(][ \t]*[^\s,={}()\"#%]*[ \t]*,", re.MULTILINE
)
_NON_ENTRIES = frozenset({"comment", "preamble", "string"})
_NO_PAPER = frozenset({"set", "xdata"})  # BibLaTeX groupings and field templates, not works
_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")),
        start=1,
    )
    for name in names
}  # fmt: skip
_NAME_MARKS = str.maketrans("", "", "*†‡§¶")
_MAX_WARNINGS = 50

# bibtexparser logs every broken block itself; Papershelf reports them in the digest instead.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


def sniff(text: str) -> bool:
    """Whether ``text`` is a BibTeX file: an ``@type{key,`` line before any markup or JSON."""
    head = text[:65_536]
    stripped = head.lstrip("\ufeff \t\n")
    if stripped.startswith(("<", "{", "[")):
        return False
    return any(m.group(1).lower() not in _NON_ENTRIES for m in _ENTRY_START.finditer(head))


def parse(text: str, captured_at: datetime) -> Digest:
    """Parse every entry with a title; broken blocks and title-less entries become warnings."""
    library = _library(text)
    warnings: list[str] = []
    problems: list[str] = []
    entries: list[Entry] = []
    untitled: list[int] = []
    readable: list[BibEntry] = list(library.entries)
    for block in library.failed_blocks:
        kept = block.ignore_error_block
        if isinstance(block, DuplicateBlockKeyBlock | DuplicateFieldKeyBlock) and isinstance(
            kept, BibEntry
        ):
            # A second entry with a key already used is still a paper; an entry with a field
            # twice is read with the last of them.
            readable.append(kept)
            if isinstance(block, DuplicateFieldKeyBlock):
                fields = ", ".join(sorted(block.duplicate_keys))
                problems.append(
                    f"line {_line(kept)}: the entry has {fields} twice; the last is used"
                )
        else:
            problems.append(_failure(block))
    readable.sort(key=_line)
    macros = {string.key.lower(): string.value for string in library.strings}
    for bib in readable:
        if len(entries) >= MAX_ENTRIES:
            warnings.append(f"only the first {MAX_ENTRIES:,} entries were read")
            break
        if bib.entry_type.lower() in _NO_PAPER:
            continue
        entry = _entry(bib, macros)
        if entry is None:
            untitled.append(_line(bib))
        else:
            entries.append(entry)
    warnings.extend(problems[:_MAX_WARNINGS])
    if len(problems) > _MAX_WARNINGS:
        warnings.append(
            f"… and {len(problems) - _MAX_WARNINGS} more entries that could not be read"
        )
    if untitled:
        warnings.append(untitled_warning(untitled, "entries", "lines"))
    if not entries:
        if problems:
            raise DigestFormatError(f"no entry of this BibTeX file could be read; {problems[0]}")
        raise DigestFormatError("this BibTeX file has no entry with a title")
    return Digest(
        format=NAME,
        entries=tuple(entries),
        date=captured_at.date(),
        captured_at=captured_at,
        warnings=tuple(warnings),
    )


def _library(text: str) -> Library:
    if not sniff(text):
        raise UnknownFormatError("this is not a BibTeX file (no '@article{key,' entry)")
    stack = [ResolveStringReferencesMiddleware(True), RemoveEnclosingMiddleware(True)]
    # Each broken block keeps its exception, traceback and frames: reference cycles that
    # make every collection walk all of them, so a file of many broken entries took time
    # growing with its square. The collector waits until the split is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return bibtexparser.parse_string(text, parse_stack=stack)
    except RecursionError:
        raise DigestFormatError("the BibTeX file is nested too deeply to be read") from None
    except (ParsingException, ValueError, IndexError, KeyError, AttributeError, TypeError) as exc:
        # bibtexparser re-raises states its splitter did not expect ("please report this bug").
        reason = getattr(exc, "message", "") or str(exc) or type(exc).__name__
        raise DigestFormatError(f"the BibTeX file could not be read ({reason})") from None
    finally:
        if collecting:
            gc.enable()


def _failure(block: ParsingFailedBlock) -> str:
    line = (block.start_line or 0) + 1
    head = clean_text((block.raw or "").split("\n", 1)[0], 60)
    reason = getattr(block.error, "abort_reason", "") or str(block.error)
    reason = clean_text(reason.split("\n", 1)[-1], 120) or "it breaks BibTeX's rules"
    return f"line {line}: the entry '{head}' could not be read: {reason}"


def _line(bib: BibEntry) -> int:
    return (bib.start_line or 0) + 1


def _field(fields: dict[str, str], *names: str) -> str:
    """The first of ``names`` that the entry has, as raw BibTeX text ("" when none)."""
    for name in names:
        value = fields.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _text(fields: dict[str, str], *names: str, limit: int = 100_000) -> str:
    return clean_text(latex_to_text(_field(fields, *names)), limit)


def _values(bib: BibEntry, macros: dict[str, str]) -> dict[str, str]:
    """The entry's fields by lower-case name, with ``@string`` macros and ``#`` joins resolved.

    A macro the file never defines (``journal = jomch``) is dropped rather than kept as a
    journal called "jomch"; month macros (``jan``) stay, the date reads them.
    """
    metadata = bib.parser_metadata.get("removed_enclosing")
    resolved = set(bib.parser_metadata.get("ResolveStringReferences", []))
    values: dict[str, str] = {}
    for key, field in bib.fields_dict.items():
        value = field.value
        if not isinstance(value, str):
            continue
        if metadata is None:
            # An entry bibtexparser set aside (a repeated key or field) skipped the
            # middleware: its values still have their braces, quotes and macros.
            value = _join(value, macros) if not value.isdigit() else value
        elif metadata.get(key) == "no-enclosing" and key not in resolved and not value.isdigit():
            value = _join(value, macros)
        values[key.lower()] = value
    return values


def _join(value: str, macros: dict[str, str]) -> str:
    """An unbraced value: ``"Proc. " # conf`` joined, undefined macros dropped."""
    pieces: list[str] = []
    for piece in value.split("#"):
        text = piece.strip()
        if len(text) >= 2 and text[0] + text[-1] in ('""', "{}"):
            pieces.append(text[1:-1])
        elif text.lower() in macros:
            pieces.append(macros[text.lower()])
        elif text.lower() in _MONTHS or text.isdigit():
            pieces.append(text)
    return "".join(pieces)


def _entry(bib: BibEntry, macros: dict[str, str]) -> Entry | None:
    values = _values(bib, macros)
    title = clean_title(latex_to_text(_field(values, "title")))
    if not title:
        return None
    journal = _text(values, "journaltitle", "journal", "booktitle", limit=500)
    venue_arxiv = arxiv_in_text(journal)
    if venue_arxiv or journal.lower() in {"arxiv", "arxiv e-prints", "corr", "preprint"}:
        journal = ""  # "arXiv preprint arXiv:2211.06530" names the preprint, not a journal
    eprint_kind = _field(values, "eprinttype", "archiveprefix")
    url = clean_text(_field(values, "url"), 2_000)
    doi = find_doi(_field(values, "doi")) or doi_from_url(url)
    arxiv_id = (
        arxiv_from_eprint(_field(values, "eprint"), eprint_kind)
        or arxiv_from_eprint(_field(values, "arxivid", "arxiv"), "arxiv")
        or arxiv_from_url(url)
        or arxiv_from_url(doi or "")
        or venue_arxiv
        or arxiv_in_text(_field(values, "note", "howpublished", "pubstate"))
    )
    names, others = _authors(_field(values, "author") or _field(values, "editor"))
    keywords = re.split(r"[,;]", _field(values, "keywords"))
    categories = arxiv_categories(
        [_field(values, "primaryclass"), _field(values, "note"), *keywords]
    )
    if not url:
        url = (
            f"https://arxiv.org/abs/{arxiv_id}"
            if arxiv_id
            else (f"https://doi.org/{doi}" if doi else "")
        )
    return Entry(
        title=title,
        abstract=_text(values, "abstract"),
        authors_count=len(names) if names and not others else None,
        published=_published(values),
        arxiv_id=arxiv_id,
        authors=tuple(names),
        url=url or None,
        doi=doi,
        categories=categories,
        journal=journal or None,
        line=_line(bib),
    )


def _authors(raw: str) -> tuple[list[str], bool]:
    """The entry's names as ``Given Family``, and whether the list ends ``and others``.

    Accents are turned into Unicode on the whole field first (one pass, and ``{\\"u}``
    groups never confuse the splitting); braces that protect a name (``{von Wright}``,
    ``{U.S. Bureau of the Census}``) stay until each name is split.
    """
    if not raw.strip():
        return [], False
    field = tex_to_unicode(raw[:200_000]) if "\\" in raw else raw[:200_000]
    parts = split_multiple_persons_names(field)
    if len(parts) == 1 and parts[0].count(",") >= 3:
        # "Qiange Wang, Chaoyi Chen, Jingqi Gao" — commas where BibTeX wants "and".
        parts = [part for part in parts[0].split(",") if part.strip()]
    names: list[str] = []
    others = False
    for part in parts[:MAX_AUTHORS]:
        if part.strip().lower() in {"others", "et al.", "et al"}:
            others = True
            continue
        name = _name(part)
        if name:
            names.append(name)
    return names, others or len(parts) > MAX_AUTHORS


def _name(part: str) -> str:
    try:
        pieces = parse_single_name_into_parts(part, strict=False)
    except (ValueError, IndexError):
        words = [part]
    else:
        words = [*pieces.first, *pieces.von, *pieces.last, *pieces.jr]
    name = " ".join(words)
    name = latex_to_text(name) if "\\" in name else name.replace("{", "").replace("}", "")
    return clean_text(name.translate(_NAME_MARKS), 500)


def _published(values: dict[str, str]) -> date | None:
    """``date`` (BibLaTeX, ISO 8601), else ``year`` with ``month`` and ``day``."""
    found = loose_date(clean_text(_field(values, "date"), 40))
    if found is not None:
        return found
    year_match = re.search(r"\d{4}", clean_text(_field(values, "year"), 40))
    if year_match is None:
        return None
    month_text = clean_text(latex_to_text(_field(values, "month")), 20).lower().rstrip(".")
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
    day_text = clean_text(_field(values, "day"), 4)
    day = int(day_text) if day_text.isdigit() else None
    return safe_date(int(year_match.group(0)), month if month and month <= 12 else None, day)
