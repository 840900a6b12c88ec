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
    return " and ".join(_name(n) for n in names)


def entry(record: CitationRecord, dialect: Dialect = Dialect.BIBTEX) -> str:
    """One entry, ending in a newline."""
    biblatex = dialect is Dialect.BIBLATEX
    fields: list[tuple[str, str]] = []
    if record.authors:
        fields.append(("author", bibtex_authors(record.authors)))
    fields.append(("title", latex_text(record.title, protect_case=True)))
    if record.journal:
        fields.append(("journaltitle" if biblatex else "journal", latex_text(record.journal)))
    published = record.published
    if published is not None:
        if biblatex:
            fields.append(("date", published.isoformat()))
        else:
            fields.append(("year", str(published.year)))
    if record.arxiv_id:
        fields.append(("eprint", record.arxiv_id))
        if biblatex:
            fields.append(("eprinttype", "arxiv"))
            if record.primary_class:
                fields.append(("eprintclass", record.primary_class))
        else:
            fields.append(("archivePrefix", "arXiv"))
            if record.primary_class:
                fields.append(("primaryClass", record.primary_class))
    elif record.server and record.kind is Kind.PREPRINT:
        fields.append(("organization" if biblatex else "howpublished", latex_text(record.server)))
    if record.doi:
        fields.append(("doi", latex_verbatim(record.doi)))
    if record.url:
        fields.append(("url", latex_verbatim(record.url)))
    if record.authors_note:
        fields.append(("note", latex_text(record.authors_note)))
    if record.keywords:
        fields.append(("keywords", latex_text(", ".join(record.keywords))))
    if record.abstract:
        fields.append(("abstract", latex_text(record.abstract)))
    if record.kind is Kind.ARTICLE:
        kind = "article"
    elif biblatex:
        kind = "online" if record.url or record.doi or record.arxiv_id else "misc"
    else:
        kind = "misc"
    lines = [f"@{kind}{{{record.key},"]
    lines.extend(f"  {name} = {{{value}}}," for name, value in fields)
    if published is not None and not biblatex:
        lines.append(f"  month = {_MONTHS[published.month - 1]},")
    lines.append("}\n")
    return "\n".join(lines)


def bibliography(records: Iterable[CitationRecord], dialect: Dialect = Dialect.BIBTEX) -> str:
    """Entries for ``records``, one blank line apart."""
    return "\n".join(entry(r, dialect) for r in records)
