"""The work behind the window's citation actions, run off the GUI thread.

The copies' jobs and the export's file write run on the citations' reader thread (each is
an ``(Library) -> T`` for :class:`~ui.operations.QueryRunner`); the citekey edit is an
undoable :class:`~ui.commands.EditCommand` on the writer thread. None of them touches a
widget: :mod:`ui.citations` puts their results on the clipboard or in the status bar.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from reader.library import Changes, Library, PaperFilter, SortKey
from reader.library.citation_cache import CitationCache
from ui.commands import EditCommand

CopyJob = Callable[[Library], tuple[str, str, int]]
"""A copy's job: the plain text, the HTML (``""``: none) and how many papers it holds."""

_TAG = re.compile(r"<[^>]+>")


def plural(count: int, noun: str) -> str:
    """``1 citation``, ``1,024 citations``."""
    return f"1 {noun}" if count == 1 else f"{count:,} {noun}s"


def formatted_job(
    ids: Sequence[int],
    style_id: str,
    cache: Callable[[], CitationCache],
    render: Callable[[Sequence[int], str], bool] | None = None,
) -> CopyJob:
    """Edit ▸ Copy's job: the citations of ``ids`` formatted in ``style_id``; ``render``
    (the filler's :meth:`~ui.citecache.CitationCacheFiller.render_now`) first has the
    citations' child process render what the cache lacks of them."""

    def job(library: Library) -> tuple[str, str, int]:
        from reader.cite import citation_records, format_citations

        if render is not None:
            # The entries the cache lacks are rendered in the child, before the chunks the
            # filler queued (the rendering would hold this process's interpreter lock).
            render(ids, style_id)
        records = citation_records(library, ids)
        # Through the citation cache: what it holds is a lookup, the rest (an entry the
        # child could not render, a paper edited since) is rendered here and kept.
        entries = format_citations(records, style_id, html=True, cache=cache())
        # One render: the plain text is the HTML's text (citeproc-py's two formatters
        # differ only in markup and escaping).
        plain = "\n\n".join(html.unescape(_TAG.sub("", e)) for e in entries)
        rich = "".join(f"<p>{e}</p>" for e in entries)
        return plain, rich, len(records)

    return job


def text_job(ids: Sequence[int], kind: str) -> CopyJob:
    """Copy as BibTeX (``bibtex``), Link (``link``) or Citekey (``citekey``): its job."""

    def job(library: Library) -> tuple[str, str, int]:
        from reader.cite import citation_records, export_text, markdown_links, pandoc_citation

        records = citation_records(library, ids)
        if kind == "link":
            text = markdown_links(records)
        elif kind == "citekey":
            text = pandoc_citation(records)
        else:
            text = export_text(records, kind)
        return text, "", len(records)

    return job


def write_export(library: Library, ids: Sequence[int], fmt: str, target: Path) -> int:
    """Write the citations of ``ids`` in ``fmt`` to ``target`` (whole or not at all);
    returns how many papers were written."""
    from reader.cite import citation_records, export_text

    records = citation_records(library, ids)
    text = export_text(records, fmt)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        Path(temp).replace(target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return len(records)


def export_job(
    target: Path,
    fmt: str,
    chosen: Sequence[int] | None,
    shown: Sequence[int] | None,
    view: tuple[PaperFilter, SortKey, bool],
) -> Callable[[Library], int]:
    """File ▸ Export Citations…'s job: the ``chosen`` papers, else those ``shown`` in the
    list, else every paper of ``view`` (its filter, sort key and direction) in its order."""

    def job(library: Library) -> int:
        wanted = chosen if chosen is not None else shown
        if wanted is None:
            paper_filter, sort, descending = view
            wanted = library.paper_ids(paper_filter, sort, descending=descending)
        return write_export(library, wanted, fmt, target)

    return job


class CitekeyCommand(EditCommand):
    """The user's new citekey for one paper; undo gives back the old one."""

    def __init__(self, paper_id: int, key: str) -> None:
        super().__init__(f"Change the citekey to {key}")
        self.paper_id = paper_id
        self.key = key
        self._old: tuple[str, bool] | None = None

    def write_do(self, library: Library) -> Changes:
        from reader.library.citekeys import key_edited

        if self._old is None:
            old = library.citekeys([self.paper_id]).get(self.paper_id, "")
            self._old = (old, key_edited(library, self.paper_id))
        return library.set_citekey(self.paper_id, self.key)

    def write_undo(self, library: Library) -> Changes:
        assert self._old is not None
        old, edited = self._old
        if edited:
            return library.set_citekey(self.paper_id, old)
        return library.reset_citekey(self.paper_id)
