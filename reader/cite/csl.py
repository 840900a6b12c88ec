"""CSL-JSON items, and formatted citations rendered from them with citeproc-py.

:func:`csl_item` writes the item Pandoc, Zotero and citeproc read: ``id`` and
``citation-key`` the citekey, type ``article`` (a preprint, CSL's word for it) or
``article-journal``, ``author`` as family/given parts (``literal`` for a team),
``issued`` as date parts, ``DOI``, ``URL``, and for arXiv papers ``publisher: arXiv`` and
``number: arXiv:<id>`` (what Zotero writes, and what APA, IEEE and Chicago print).

:func:`format_citations` renders items as bibliography entries in one of the bundled
styles (:data:`STYLES`, see ``resources/csl/README.md``), through the citation cache
when given one; :func:`cache_citations` fills that cache ahead of a copy.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the record (bibtexparser's name parser) loads with the first citation
    from reader.cite.record import CitationRecord
    from reader.library.citation_cache import CitationCache

STYLE_FOLDER = Path(str(resources.files("resources").joinpath("csl")))
"""Where the bundled ``.csl`` files are (``resources/csl``, installed with the package)."""


@dataclass(frozen=True, slots=True)
class Style:
    """A bundled citation style."""

    id: str
    title: str
    filename: str

    @property
    def path(self) -> Path:
        """The ``.csl`` file."""
        return STYLE_FOLDER / self.filename


STYLES: dict[str, Style] = {
    s.id: s
    for s in (
        Style("apa", "APA 7th edition", "apa.csl"),
        Style("ieee", "IEEE", "ieee.csl"),
        Style(
            "chicago-author-date", "Chicago author-date (18th edition)", "chicago-author-date.csl"
        ),
    )
}
"""The bundled styles by id, in the order a style chooser lists them (APA is the default)."""

DEFAULT_STYLE = "apa"


class StyleError(ValueError):
    """An unknown style id; ``str()`` names the ones there are."""


def style(style_id: str) -> Style:
    """The bundled style ``style_id``. Raises :class:`StyleError` for an unknown one."""
    try:
        return STYLES[style_id]
    except KeyError:
        raise StyleError(
            f"unknown citation style {style_id!r}; use one of {', '.join(STYLES)}"
        ) from None


def _csl_name(record_name: Any) -> dict[str, str]:
    if record_name.literal:
        return {"literal": record_name.last}
    name = {"family": record_name.last}
    if record_name.given:
        name["given"] = record_name.given
    if record_name.von:
        name["non-dropping-particle"] = record_name.von
    if record_name.jr:
        name["suffix"] = record_name.jr
    return name


def csl_item(record: CitationRecord) -> dict[str, Any]:
    """One CSL-JSON item (a dict ready for :func:`json.dumps`)."""
    from reader.cite.record import Kind

    item: dict[str, Any] = {
        "id": record.key,
        "citation-key": record.key,
        "type": "article-journal" if record.kind is Kind.ARTICLE else "article",
        "title": record.title,
    }
    if record.journal:
        item["container-title"] = record.journal
    if record.authors:
        item["author"] = [_csl_name(n) for n in record.authors]
    if record.published is not None:
        p = record.published
        item["issued"] = {"date-parts": [[p.year, p.month, p.day]]}
    if record.kind is Kind.PREPRINT and record.server:
        item["publisher"] = record.server
    if record.arxiv_id:
        item["number"] = f"arXiv:{record.arxiv_id}"
    if record.doi:
        item["DOI"] = record.doi
    if record.url:
        item["URL"] = record.url
    if record.authors_note:
        item["note"] = record.authors_note
    if record.keywords:
        item["keyword"] = ", ".join(record.keywords)
    if record.abstract:
        item["abstract"] = record.abstract
    return item


def csl_json(records: Iterable[CitationRecord]) -> str:
    """A CSL-JSON document: an array of items, UTF-8 text, one item per line (written by
    the C encoder, which pretty-printing would not use: five times faster)."""
    items = [json.dumps(csl_item(r), ensure_ascii=False) for r in records]
    return "[\n" + ",\n".join(items) + ("\n]\n" if items else "]\n")


def format_citations(
    records: Sequence[CitationRecord],
    style_id: str = DEFAULT_STYLE,
    *,
    html: bool = False,
    cache: CitationCache | None = None,
) -> list[str]:
    """Each record as a bibliography entry in the style, in the style's bibliography
    order (APA and Chicago sort by author and year; IEEE numbers them as given).

    Plain text by default, HTML (``<i>``, ``<b>``) with ``html``. Raises
    :class:`StyleError` for an unknown style. citeproc-py takes 1–3 ms of CPU per
    record (APA the most): run it off the GUI thread. With a ``cache``
    (:mod:`reader.library.citation_cache`) only the records whose entries it lacks, or
    holds for other fields, are rendered (and then kept); the rest is a lookup, and the
    text is the same (:mod:`reader.cite.cached`).
    """
    chosen = style(style_id)
    items = [csl_item(r) for r in records]
    if cache is not None:
        from reader.cite.cached import render_cached

        return render_cached(items, chosen.path, chosen.id, cache, html=html)
    from reader.cite.render import render

    return render(items, chosen.path, html=html)


def cache_citations(
    records: Sequence[CitationRecord],
    style_id: str,
    cache: CitationCache,
    *,
    html: bool = False,
) -> int:
    """Render and keep in ``cache`` the entries (and sort keys) of ``records`` it lacks in
    the style, so that copying them later is a lookup. Returns how many were rendered."""
    from reader.cite.cached import fill

    chosen = style(style_id)
    return fill([csl_item(r) for r in records], chosen.path, chosen.id, cache, html=html)
