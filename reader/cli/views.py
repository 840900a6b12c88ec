"""The ``views`` commands: saved views (a named search over a view, in an order)."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from reader.cli.base import CommandError, user_text
from reader.library import Library, LibraryUsageError, SortKey, saved_views


def register(commands: Any) -> None:
    """Add ``views`` to the ``papershelf`` parser."""
    p = commands.add_parser(
        "views",
        help="saved views: named searches, listed in the window's sidebar",
        description="A saved view is a search over one of the sidebar's views, in an "
        "order; the window lists it with a live count, and 'papershelf list --view NAME' "
        "lists its papers.",
    )
    actions = p.add_subparsers(dest="views_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="save a search as a view")
    add.set_defaults(run=_add)
    add.add_argument("name", metavar="NAME", help="the view's name (unique, any case)")
    add.add_argument("query", metavar="QUERY", help="the search (see 'help search'); '' for all")
    add.add_argument(
        "--view",
        default="all",
        metavar="V",
        help="the view it narrows: all (default), rated, inbox, queue, reading, read, "
        "archived or tag:NAME",
    )
    add.add_argument(
        "--sort",
        choices=[k.value for k in SortKey],
        default=SortKey.ADDED.value,
        help="its order (default: added)",
    )
    add.add_argument("--asc", action="store_true", help="ascending (default: descending)")
    listing = actions.add_parser("list", help="the saved views with their paper counts")
    listing.set_defaults(run=_list)
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    remove = actions.add_parser("remove", help="delete a saved view (its papers stay)")
    remove.set_defaults(run=_remove)
    remove.add_argument("name", metavar="NAME")


def _add(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    try:
        view = saved_views.add_view(
            library,
            user_text(args.name, "the view name"),
            user_text(args.query, "the search"),
            base=user_text(args.view, "the view"),
            sort=args.sort,
            descending=not args.asc,
        )
    except LibraryUsageError as exc:
        raise CommandError(str(exc)) from None
    count = library.count(view.paper_filter())
    print(f"saved view “{view.name}”: {count:,} paper{'s' if count != 1 else ''}", file=out)
    return 0


def _list(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    views = saved_views.saved_views(library)
    counts = saved_views.view_counts(library, views)
    if args.json:
        for view in views:
            fields = {
                "id": view.id,
                "name": view.name,
                "query": view.query,
                "view": view.base,
                "sort": view.sort.value,
                "descending": view.descending,
                "count": counts[view.id],
            }
            print(json.dumps(fields, ensure_ascii=False), file=out)
        return 0
    if not views:
        print("no saved views yet ('papershelf views add NAME QUERY' saves one)", file=out)
        return 0
    width = max(len(v.name) for v in views)
    for view in views:
        count = counts[view.id]
        shown = f"{count:>7,}" if count is not None else "      ?"
        order = f"{view.sort.value} {'desc' if view.descending else 'asc'}"
        print(f"{shown}  {view.name:<{width}}  {view.base:<14} {order:<14} {view.query}", file=out)
    return 0


def _remove(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    try:
        view = saved_views.find_view(library, user_text(args.name, "the view name"))
    except LibraryUsageError as exc:
        raise CommandError(str(exc)) from None
    saved_views.remove_view(library, view.id)
    print(f"removed the saved view “{view.name}”", file=out)
    return 0
