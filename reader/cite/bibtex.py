"""BibTeX and BibLaTeX entries.

An arXiv paper is ``@misc`` (BibTeX) or ``@online`` (BibLaTeX) with ``eprint`` the bare id,
``archivePrefix = {arXiv}`` and ``primaryClass`` (BibTeX) or ``eprinttype = {arxiv}`` and
``eprintclass`` (BibLaTeX), ``doi = {10.48550/arXiv.<id>}`` unless a journal DOI is known,
and ``url``. A paper with a journal or a journal DOI is an ``@article`` (``journal``,
BibLaTeX ``journaltitle``) and keeps its eprint fields.
Authors are written ``Family, Given and …``; a paper known only by a count of authors has
no ``author`` field and says so in ``note``. Every field is escaped by
:mod:`reader.cite.latex`; the entries parse strictly with pybtex and bibtexparser.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache

from reader.cite.latex import latex_text, latex_verbatim
from reader.cite.names import Name
from reader.cite.record import CitationRecord, Kind

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


class Dialect(StrEnum):
    """Which of the two bibliography languages to write."""

    BIBTEX = "bibtex"
    BIBLATEX = "biblatex"


@lru_cache(maxsize=65536)  # the same authors write many papers
def _name(name: Name) -> str:
    if name.literal:
        return "{" + latex_text(name.last) + "}"
    family = latex_text(name.family)
    if " " in name.last and not name.von:
        family = "{" + family + "}"  # "García Márquez" is one family name, not given + family
    parts = [family]
    if name.jr:
        parts.append(latex_text(name.jr))
    if name.given:
        parts.append(latex_text(name.given))
    return ", ".join(parts)


def bibtex_authors(names: Iterable[Name]) -> str:
    """The ``author`` field: ``Family, Given and Family, Given``."""
    return " and ".join(map(_name, names))


def entry(record: CitationRecord, dialect: Dialect = Dialect.BIBTEX) -> str:
    """One entry, ending in a newline."""
    # Written line by line straight into one list (this runs 100,000 times in an export).
    biblatex = dialect is Dialect.BIBLATEX
    if record.kind is Kind.ARTICLE:
        kind = "article"
    elif biblatex:
        kind = "online" if record.url or record.doi or record.arxiv_id else "misc"
    else:
        kind = "misc"
    lines = [f"@{kind}{{{record.key},"]
    add = lines.append
    if record.authors:
        add(f"  author = {{{bibtex_authors(record.authors)}}},")
    add(f"  title = {{{latex_text(record.title, protect_case=True)}}},")
    if record.journal:
        add(f"  {'journaltitle' if biblatex else 'journal'} = {{{latex_text(record.journal)}}},")
    published = record.published
    if published is not None:
        if biblatex:
            add(f"  date = {{{published.isoformat()}}},")
        else:
            add(f"  year = {{{published.year}}},")
    if record.arxiv_id:
        add(f"  eprint = {{{record.arxiv_id}}},")
        if biblatex:
            add("  eprinttype = {arxiv},")
            if record.primary_class:
                add(f"  eprintclass = {{{record.primary_class}}},")
        else:
            add("  archivePrefix = {arXiv},")
            if record.primary_class:
                add(f"  primaryClass = {{{record.primary_class}}},")
    elif record.server and record.kind is Kind.PREPRINT:
        name = "organization" if biblatex else "howpublished"
        add(f"  {name} = {{{latex_text(record.server)}}},")
    if record.doi:
        add(f"  doi = {{{latex_verbatim(record.doi)}}},")
    if record.url:
        add(f"  url = {{{latex_verbatim(record.url)}}},")
    if record.authors_note:
        add(f"  note = {{{latex_text(record.authors_note)}}},")
    if record.keywords:
        add(f"  keywords = {{{latex_text(', '.join(record.keywords))}}},")
    if record.abstract:
        add(f"  abstract = {{{latex_text(record.abstract)}}},")
    if published is not None and not biblatex:
        add(f"  month = {_MONTHS[published.month - 1]},")
    add("}\n")
    return "\n".join(lines)


def bibliography(records: Iterable[CitationRecord], dialect: Dialect = Dialect.BIBTEX) -> str:
    """Entries for ``records``, one blank line apart."""
    return "\n".join(entry(r, dialect) for r in records)
