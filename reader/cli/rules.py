"""The ``rules`` commands: what happens to a paper matching a search when it first arrives."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from reader.cli.base import CommandError, user_text
from reader.library import Library, LibraryUsageError, Status, rule_application, rules


def register(commands: Any) -> None:
    """Add ``rules`` to the ``papershelf`` parser."""
    p = commands.add_parser(
        "rules",
        help="import rules: tag, set the status or rate papers as they first arrive",
        description="A rule acts on a paper matching its search when the paper first "
        "enters the library (never on one already there): it adds tags, sets the status, "
        "sets the rating. 'rules apply N' applies one to the papers already in the library, "
        "never over a status or rating you set.",
    )
    actions = p.add_subparsers(dest="rules_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a rule")
    add.set_defaults(run=_add)
    add.add_argument("query", metavar="QUERY", help="the papers it acts on (see 'help search')")
    add.add_argument(
        "--tag", action="append", default=[], metavar="T", help="add this tag (repeatable)"
    )
    add.add_argument("--status", choices=[s.value for s in Status], help="set this status")
    add.add_argument("--rating", type=int, metavar="N", help="rate N stars (1–5)")
    listing = actions.add_parser("list", help="the rules, in the order they apply")
    listing.set_defaults(run=_list)
    remove = actions.add_parser("remove", help="delete a rule (what it did stays)")
    remove.set_defaults(run=_remove)
    remove.add_argument("number", type=int, metavar="N", help="the rule's number ('rules list')")
    apply = actions.add_parser("apply", help="apply a rule to the papers already in the library")
    apply.set_defaults(run=_apply)
    apply.add_argument("number", type=int, metavar="N", help="the rule's number ('rules list')")


def _add(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    try:
        rule = rules.add_rule(
            library,
            user_text(args.query, "the search"),
            tags=[user_text(t, "the tag") for t in args.tag],
            status=args.status,
            rating=args.rating,
        )
    except LibraryUsageError as exc:
        raise CommandError(str(exc)) from None
    count, _titles = rules.preview(library, rule.query, titles=0)
    print(
        f"rule {rule.id}: {rule.query} → {rule.describe()} (matches {count:,} paper"
        f"{'s' if count != 1 else ''} already here; 'rules apply {rule.id}' applies it to them)",
        file=out,
    )
    return 0


def _list(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    found = rules.rules(library)
    if not found:
        print("no rules yet ('papershelf rules add QUERY --tag T' adds one)", file=out)
        return 0
    for rule in found:
        print(f"{rule.id:>4}  {rule.query}  →  {rule.describe()}", file=out)
    return 0


def _remove(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    try:
        rules.remove_rule(library, args.number)
    except LibraryUsageError as exc:
        raise CommandError(str(exc)) from None
    print(f"removed rule {args.number}", file=out)
    return 0


def _apply(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    try:
        applied = rule_application.apply_rule(library, args.number)
    except LibraryUsageError as exc:
        raise CommandError(str(exc)) from None
    print(
        f"rule {args.number}: {applied.matched:,} matching paper"
        f"{'s' if applied.matched != 1 else ''}, {len(applied.paper_ids):,} changed",
        file=out,
    )
    for name, ids in applied.tagged.items():
        print(f"  tagged #{name}: {len(ids):,}", file=out)
    if applied.statuses:
        moved = sum(len(ids) for ids in applied.statuses.values())
        print(f"  moved to {applied.status}: {moved:,}", file=out)
    if applied.ratings:
        rated = sum(len(ids) for ids in applied.ratings.values())
        print(f"  rated {applied.rating} stars: {rated:,}", file=out)
    if applied.left_alone:
        print(f"  left as you set them (status or rating): {applied.left_alone:,}", file=out)
    return 0
