"""Commands on papers: import, list, show, tag, rate, status, note, and the logs."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any, TextIO

from reader.cli import ranking
from reader.cli.base import CommandError, paper_id, user_text
from reader.importer import Importer, ImportOutcome
from reader.library import Library, Paper, PaperFilter, SortKey, Status
from reader.library.saved_views import find_view
from reader.library.store import MAX_NOTE_CHARS


def register(commands: Any) -> None:
    """Add the paper commands to the ``papershelf`` parser."""
    p = commands.add_parser("import", help="import digest files or folders of them")
    p.set_defaults(run=_import)
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--no-recursive", action="store_true", help="do not descend into sub-folders")

    p = commands.add_parser(
        "list",
        help="list papers",
        description="List papers, newest first, as a table (titles are cut to the "
        "terminal's width only on a terminal) or as JSON lines.",
    )
    p.set_defaults(run=_list)
    p.add_argument(
        "--status", choices=[s.value for s in Status], help="only papers with this status"
    )
    p.add_argument("--tag", metavar="NAME", help="only papers with this tag")
    p.add_argument("--rating-min", type=int, metavar="N", help="only papers rated N stars or more")
    p.add_argument("--search", metavar="QUERY", default="", help="search text (see 'help search')")
    p.add_argument(
        "--view",
        metavar="NAME",
        help="the papers of a saved view, in its order ('views list'); --search narrows it",
    )
    p.add_argument(
        "--sort",
        choices=[k.value for k in SortKey],
        help="the order (default: added, or the saved view's)",
    )
    p.add_argument("--asc", action="store_true", help="ascending order (default: descending)")
    p.add_argument("--limit", type=int, metavar="N", help="list at most N papers")
    p.add_argument("--json", action="store_true", help="JSON lines with every field")

    p = commands.add_parser("show", help="show one paper")
    p.set_defaults(run=_show)
    p.add_argument("id", type=paper_id)
    p.add_argument("--json", action="store_true")

    p = commands.add_parser("tag", help="add (+name or name) and remove (-name) tags")
    p.set_defaults(run=_tag)
    p.add_argument("id", type=paper_id)
    p.add_argument("changes", nargs=argparse.REMAINDER, metavar="+name|-name")

    p = commands.add_parser("rate", help="rate a paper 0–5 (0 clears)")
    p.set_defaults(run=_rate)
    p.add_argument("id", type=paper_id)
    p.add_argument("stars", metavar="0-5")

    p = commands.add_parser("status", help="set a paper's reading status")
    p.set_defaults(run=_status)
    p.add_argument("id", type=paper_id)
    p.add_argument("status", metavar="|".join(s.value for s in Status))

    p = commands.add_parser("note", help="show or set a paper's Markdown note")
    p.set_defaults(run=_note)
    p.add_argument("id", type=paper_id)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--set", metavar="TEXT", dest="text", help="the new note ('-' reads stdin)")
    group.add_argument("--file", metavar="F", help="read the note from a file ('-' for stdin)")
    group.add_argument("stdin", nargs="?", choices=["-"], help="read the note from stdin")

    p = commands.add_parser("digests", help="the import log")
    p.set_defaults(run=_digests)
    p = commands.add_parser("tags", help="every tag with its paper count")
    p.set_defaults(run=_tags)


def _import(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    missing = [p for p in args.paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise CommandError(f"no such file or folder: {missing[0]}")
    failed = 0
    counts = {"new": 0, "files": 0}

    def show(report: Any) -> None:
        nonlocal failed
        if report.outcome is ImportOutcome.SKIPPED:
            return
        failed += report.outcome is ImportOutcome.FAILED
        counts["files"] += 1
        counts["new"] += report.new
        print(f"{report.path}: {report.summary()}", file=out, flush=True)
        for warning in report.warnings:
            print(f"  warning: {warning}", file=out)

    Importer(library).import_paths(args.paths, recursive=not args.no_recursive, on_report=show)
    if counts["files"] == 0:
        print("no digest files found", file=out)
    return 1 if failed else 0


def _list(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.rating_min is not None and not 0 <= args.rating_min <= 5:
        raise CommandError(f"--rating-min is 0 to 5, not {args.rating_min}")
    search = user_text(args.search, "the search")
    sort = SortKey(args.sort) if args.sort else SortKey.ADDED
    descending = not args.asc
    if args.view is not None:
        if args.status or args.tag or args.rating_min is not None:
            raise CommandError(
                "--view cannot be combined with --status, --tag or --rating-min "
                "(narrow it with --search 'status:queue tag:nlp rating:>=4')"
            )
        saved = find_view(library, user_text(args.view, "the view name"))
        view = saved.paper_filter(search)
        if not args.sort:
            sort, descending = saved.sort, saved.descending if not args.asc else False
    else:
        view = PaperFilter(
            status=Status(args.status) if args.status else None,
            tag=user_text(args.tag, "the tag") if args.tag else None,
            rating_min=args.rating_min,
            search=search,
        )
    by_interest = sort is SortKey.INTEREST
    if by_interest:  # the same order as the window's: bring the model up to date first
        ranking.interest_for_list(library, [], refresh=True)
    ids = library.paper_ids(view, sort, descending=descending)
    if args.limit is not None:
        ids = ids[: max(args.limit, 0)]
    if args.json:
        if library.writable:
            library.citekeys(ids)  # papers from before keys existed get theirs first
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            interest = ranking.interest_for_list(library, chunk, refresh=False)
            for paper in library.papers_by_id(chunk):
                fields = paper_to_json(paper) | {"interest": _rounded(interest.get(paper.id))}
                print(json.dumps(fields, ensure_ascii=False), file=out)
        return 0
    title_width = _title_width(out)
    print(f"{'ID':>6}  {'RATING':<6} {'STATUS':<9} {'PUBLISHED':<10}  TITLE", file=out)
    for start in range(0, len(ids), 500):
        for row in library.rows(ids[start : start + 500]):
            stars = "★" * row.rating if row.rating else "-"
            published = row.published.isoformat() if row.published else ""
            title = (
                row.title
                if title_width is None or len(row.title) <= title_width
                else row.title[: title_width - 1] + "…"
            )
            tags = f"  [{', '.join(row.tags)}]" if row.tags else ""
            print(
                f"{row.id:>6}  {stars:<6} {row.status.value:<9} {published:<10}  {title}{tags}",
                file=out,
            )
    print(f"{len(ids)} paper{'s' if len(ids) != 1 else ''}", file=out)
    note = ranking.no_signal_note(library) if by_interest else None
    if note:
        print(note, file=out)
    return 0


def _title_width(out: TextIO) -> int | None:
    """How much of a title fits on one line of the terminal; ``None`` (whole titles) when
    the output is not a terminal (a pipe, a file: ``grep`` must see every word)."""
    try:
        interactive = out.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not interactive:
        return None
    return max(20, shutil.get_terminal_size((100, 24)).columns - 48)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def paper_to_json(paper: Paper) -> dict[str, Any]:
    """Every field of a paper as JSON-ready values."""
    return {
        "id": paper.id,
        "key": paper.key,
        "citekey": paper.citekey,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors_count": paper.authors_count,
        "organization": paper.organization,
        "authors": list(paper.authors),
        "published": paper.published.isoformat() if paper.published else None,
        "comments": paper.comments,
        "upvotes": paper.upvotes,
        "arxiv_id": paper.arxiv_id,
        "url": paper.url,
        "doi": paper.doi,
        "categories": list(paper.categories),
        "status": paper.status.value,
        "rating": paper.rating,
        "tags": list(paper.tags),
        "note": paper.note,
        "first_seen": paper.first_seen.isoformat(),
        "opened_at": paper.opened_at.isoformat() if paper.opened_at else None,
        "digests": [
            {
                "id": a.digest_id,
                "path": a.digest_path,
                "date": a.digest_date.isoformat() if a.digest_date else None,
                "position": a.position,
                "comments": a.comments,
            }
            for a in paper.appearances
        ],
    }


def _show(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper = library.paper(args.id)
    for problem in library.text_problems(paper.id):
        print(
            f"papershelf: warning: paper {paper.id} is damaged: {problem} (shown with \ufffd); "
            "'papershelf check --repair' keeps the original bytes aside and repairs it",
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps(paper_to_json(paper), ensure_ascii=False, indent=2), file=out)
        return 0
    who = paper.organization or (
        f"{paper.authors_count} author{'s' if paper.authors_count != 1 else ''}"
        if paper.authors_count is not None
        else None
    )
    facts = [
        ("Published", paper.published.isoformat() if paper.published else None),
        ("By", ", ".join(paper.authors) if paper.authors else who),
        ("arXiv", paper.arxiv_id),
        ("Citekey", paper.citekey),
        ("Comments", str(paper.comments) if paper.comments is not None else None),
        ("Status", paper.status.value),
        ("Rating", "★" * paper.rating + "☆" * (5 - paper.rating) if paper.rating else "unrated"),
        ("Tags", ", ".join(paper.tags) or None),
        ("Added", paper.first_seen.strftime("%Y-%m-%d %H:%M")),
        (
            "Digests",
            ", ".join(
                f"{a.digest_date.isoformat() if a.digest_date else Path(a.digest_path).name} #{a.position}"
                for a in paper.appearances
            )
            or None,
        ),
    ]
    print(f"[{paper.id}] {paper.title}", file=out)
    for label, value in facts:
        if value:
            print(f"  {label + ':':<11}{value}", file=out)
    if paper.abstract:
        print(f"\n{paper.abstract}", file=out)
    if paper.note:
        print(f"\n--- note ---\n{paper.note}", file=out)
    return 0


def _tag(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if not args.changes:
        paper = library.paper(args.id)
        print(", ".join(paper.tags) if paper.tags else "(no tags)", file=out)
        return 0
    changes = [user_text(c, f"the tag {c.lstrip('+-')[:40]!r}") for c in args.changes]
    add = [c.removeprefix("+") for c in changes if not c.startswith("-")]
    remove = [c[1:] for c in changes if c.startswith("-")]
    if add:
        library.add_tags([args.id], add)
    if remove:
        library.remove_tags([args.id], remove)
    paper = library.paper(args.id)
    print(f"{paper.id}: {', '.join(paper.tags) if paper.tags else '(no tags)'}", file=out)
    return 0


def _rate(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    try:
        stars = int(args.stars)
    except ValueError:
        raise CommandError(f"a rating is 0 to 5 stars, not {args.stars[:20]!r}") from None
    library.paper(args.id)
    library.set_rating([args.id], stars)
    print(f"{args.id}: {'★' * stars if stars else 'unrated'}", file=out)
    return 0


def _status(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    library.set_status([args.id], user_text(args.status, "the status")[:40])
    print(f"{args.id}: {args.status}", file=out)
    return 0


def _note(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.text is None and args.file is None and args.stdin is None:
        print(library.paper(args.id).note, file=out, end="")
        return 0
    if args.stdin == "-" or args.text == "-" or args.file == "-":
        text = _decode_note(sys.stdin.buffer.read(MAX_NOTE_BYTES + 1), "standard input")
    elif args.file is not None:
        text = _read_note_file(Path(args.file))
    else:
        text = user_text(args.text, "the note")
    library.paper(args.id)
    library.set_note(args.id, text)
    print(f"{args.id}: note saved ({len(text)} characters)", file=out)
    return 0


MAX_NOTE_BYTES = 4 * MAX_NOTE_CHARS
"""The most a note file may hold (four bytes per character at most in UTF-8)."""


def _read_note_file(path: Path) -> str:
    """A note from a regular file, read with a bound (never ``/dev/zero`` for ever)."""
    import stat

    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise CommandError(f"cannot read the note from {path}: it is not a regular file")
        if info.st_size > MAX_NOTE_BYTES:
            raise CommandError(f"the note file {path} is too large ({info.st_size:,} bytes)")
        with path.open("rb") as handle:
            data = handle.read(MAX_NOTE_BYTES + 1)
    except OSError as exc:
        raise CommandError(f"cannot read the note from {path}: {exc.strerror or exc}") from None
    return _decode_note(data, str(path))


def _decode_note(data: bytes, source: str) -> str:
    if len(data) > MAX_NOTE_BYTES:
        raise CommandError(f"the note from {source} is too large (over {MAX_NOTE_BYTES:,} bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"the note from {source} is not UTF-8 text (byte {exc.start + 1}); nothing was saved"
        ) from None


def _digests(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    records = library.digests()
    if not records:
        print("no digests imported yet", file=out)
        return 0
    print(
        f"{'ID':>5}  {'IMPORTED':<16}  {'DATE':<10}  {'STATUS':<8}  {'PAPERS':>6} {'NEW':>4} {'UPD':>4}  FILE",
        file=out,
    )
    for d in records:
        date = d.digest_date.isoformat() if d.digest_date else ""
        print(
            f"{d.id:>5}  {d.imported_at.strftime('%Y-%m-%d %H:%M'):<16}  {date:<10}  "
            f"{d.status.value:<8}  {d.entries:>6} {d.new:>4} {d.updated:>4}  {d.path}",
            file=out,
        )
        if d.error:
            print(f"{'':>7}error: {d.error}", file=out)
    return 0


def _tags(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    tags = library.tags()
    for tag in tags:
        print(f"{tag.count:>6}  {tag.name}", file=out)
    if not tags:
        print("no tags yet", file=out)
    return 0
