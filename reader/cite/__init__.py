"""Citing papers: citekeys, BibTeX, BibLaTeX, CSL-JSON, RIS and formatted citations.

Qt-free; the window's copy and export actions and ``papershelf cite`` are thin callers.

Citekeys
    Every paper has one, made once by the formula in :mod:`reader.cite.citekey` (Better
    BibTeX's ``auth.lower + shorttitle(3,3) + year``: ``vaswaniAttentionAllYou2017``),
    unique ignoring case (later papers get ``a``, ``b`` … appended), stored in the library
    and never changed by imports. ``Paper.citekey`` carries it;
    ``Library.citekeys(ids) -> dict[int, str]`` reads (and if need be gives) keys;
    ``Library.set_citekey(paper_id, key) -> Changes`` is the user's edit (raises
    ``LibraryUsageError`` with a one-line message for an invalid or taken key);
    ``Library.reset_citekey(paper_id)`` undoes it. Search
    finds a key with ``key:vaswani`` (a prefix, any case).

What the window's actions call (each takes a :class:`~reader.library.Library` and ids,
so it runs on a worker thread like any other library call)::

    records = citation_records(library, ids)          # list[CitationRecord], ids' order
    format_citations(records, "apa")                  # Edit ▸ Copy: list[str], one entry
    format_citations(records, "ieee", html=True)      #   each; html for rich text
    format_citations(records, "apa", cache=cache)     #   through the citation cache
    cache_citations(records, "apa", cache)            # fill it after imports and edits
    export_text(records, "bibtex")                    # Copy as BibTeX (also "biblatex")
    markdown_links(records)                           # Copy as Link: "[Title](url)" lines
    pandoc_citation(records)                          # Copy Citekey: "[@a; @b]"
    export_text(records, CitationFormat.RIS)          # File ▸ Export Citations…
    STYLES                                            # the style chooser: id -> Style

``cache`` is a :class:`~reader.library.citation_cache.CitationCache` on
``cache_path(library.path)`` (a file beside the library): entries are kept under a
digest of what they were rendered from, so they are never stale (:mod:`reader.cite.cached`).
The window fills it ahead of copies in a child process of its own
(:class:`reader.cite.fill_process.CitationProcess` running :mod:`reader.cite.fill_jobs`),
so the background rendering never runs in the window's interpreter.

Formats (:class:`CitationFormat`): ``bibtex`` and ``biblatex``
(:mod:`reader.cite.bibtex`: arXiv papers as ``@misc``/``@online`` with ``eprint``,
``archivePrefix``/``primaryClass`` or ``eprinttype``/``eprintclass``, arXiv's DOI unless
a journal's is known; journal DOIs make ``@article``; every field LaTeX-escaped by
:mod:`reader.cite.latex`), ``csl-json`` (:mod:`reader.cite.csl`), ``ris``
(:mod:`reader.cite.ris`). Styles are the bundled CSL files in ``resources/csl`` (APA,
IEEE, Chicago author-date; CC BY-SA 3.0, see ``resources/csl/README.md``), rendered by
citeproc-py (:mod:`reader.cite.render`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.cite.citekey import CitekeyError, base_key, clean_citekey
    from reader.cite.csl import (
        DEFAULT_STYLE,
        STYLES,
        Style,
        StyleError,
        cache_citations,
        csl_item,
        format_citations,
    )
    from reader.cite.formats import (
        CitationFormat,
        citation_records,
        export_text,
        link_url,
        markdown_link,
        markdown_links,
        pandoc_citation,
    )
    from reader.cite.record import CitationRecord, Kind, citation_record

# Loaded on first use: the library imports reader.cite.citekey on every start, and the
# formats pull in pylatexenc, citeproc-py and rispy, which a start does not need.
_WHERE = {
    "CitekeyError": "citekey",
    "base_key": "citekey",
    "clean_citekey": "citekey",
    "DEFAULT_STYLE": "csl",
    "STYLES": "csl",
    "Style": "csl",
    "StyleError": "csl",
    "csl_item": "csl",
    "format_citations": "csl",
    "cache_citations": "csl",
    "CitationFormat": "formats",
    "citation_records": "formats",
    "export_text": "formats",
    "link_url": "formats",
    "markdown_link": "formats",
    "markdown_links": "formats",
    "pandoc_citation": "formats",
    "CitationRecord": "record",
    "Kind": "record",
    "citation_record": "record",
}

__all__ = [
    "DEFAULT_STYLE",
    "STYLES",
    "CitationFormat",
    "CitationRecord",
    "CitekeyError",
    "Kind",
    "Style",
    "StyleError",
    "base_key",
    "cache_citations",
    "citation_record",
    "citation_records",
    "clean_citekey",
    "csl_item",
    "export_text",
    "format_citations",
    "link_url",
    "markdown_link",
    "markdown_links",
    "pandoc_citation",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'reader.cite' has no attribute {name!r}")
    return getattr(importlib.import_module(f"reader.cite.{module}"), name)
