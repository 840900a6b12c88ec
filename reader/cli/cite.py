"""The ``cite`` and ``citekey`` commands: bibliographies of papers, and their keys."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from reader.cli.base import CommandError
from reader.library import Library, PaperFilter, PaperNotFoundError, Status

_FORMATS = ("bibtex", "biblatex", "csl-json", "ris", "text")


def register(commands: Any) -> None:
    """Add ``cite`` and ``citekey`` to the ``papershelf`` parser."""
    p = commands.add_parser(
        "cite",
        help="write papers as BibTeX, BibLaTeX, CSL-JSON, RIS or formatted citations",
        description="Write a bibliography of papers: the ones named by ID, narrowed by the "
        "filters; with neither, every paper. Papers come in the order they were added "
        "(IDs in the order given).",
    )
    p.set_defaults(run=_cite)
    p.add_argument("ids", nargs="*", type=int, metavar="ID")
    p.add_argument("--status", choices=[s.value for s in Status])
    p.add_argument("--tag")
    p.add_argument("--search", metavar="QUERY", default="", help="search text (see 'help search')")
    p.add_argument(
        "--format",
        choices=_FORMATS,
        default="bibtex",
        help="bibtex (default), biblatex, csl-json, ris, or text (formatted citations)",
    )
    p.add_argument("--style", default=None, help="for --format text: apa (default), ieee, …")
    p.add_argument("--to", type=Path, metavar="FILE", help="write to FILE (default: stdout)")

    p = commands.add_parser("citekey", help="show a paper's citekey, or set it")
    p.set_defaults(run=_citekey)
    p.add_argument("id", type=int)
    p.add_argument("key", nargs="?", help="the new key (letters, digits, _ : . - + /)")


def _selection(library: Library, args: argparse.Namespace) -> list[int]:
    view = PaperFilter(
        status=Status(args.status) if args.status else None, tag=args.tag, search=args.search
    )
    filtered = args.status or args.tag or args.search.strip()
    if not args.ids:
        return library.paper_ids(view, descending=False)
    ids = list(dict.fromkeys(args.ids))
    known = library.citekeys(ids)
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise PaperNotFoundError(f"there is no paper with id {unknown[0]}")
    if filtered:
        wanted = set(library.paper_ids(view))
        ids = [i for i in ids if i in wanted]
    return ids


def _cite(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    from reader.cite import StyleError, citation_records, export_text, format_citations

    if args.style is not None and args.format != "text":
        raise CommandError("--style is for --format text")
    ids = _selection(library, args)
    records = citation_records(library, ids)
    if args.format == "text":
        from reader.library.citation_cache import CitationCache, cache_path

        try:
            # Through the window's citation cache: its entries are reused (never stale:
            # each is kept under a digest of what it was rendered from) and new ones kept.
            with CitationCache(cache_path(library.path)) as cache:
                text = "\n\n".join(format_citations(records, args.style or "apa", cache=cache))
        except StyleError as exc:
            raise CommandError(str(exc)) from None
        text = text + "\n" if text else ""
    else:
        text = export_text(records, args.format)
    if not records:
        print("papershelf: no papers to cite", file=sys.stderr)
    if args.to is None:
        out.write(text)
        return 0
    _write(args.to, text)
    print(f"{len(records)} paper{'s' if len(records) != 1 else ''} written to {args.to}", file=out)
    return 0


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file, then a rename)."""
    target = path.expanduser()
    if target.is_dir():
        raise CommandError(f"{path} is a folder; name a file")
    folder = target.parent if str(target.parent) else Path()
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None


def _citekey(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.key is not None:
        library.set_citekey(args.id, args.key)
    keys = library.citekeys([args.id])
    if args.id not in keys:
        raise PaperNotFoundError(f"there is no paper with id {args.id}")
    print(keys[args.id], file=out)
    return 0
