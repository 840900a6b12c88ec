"""Commands of the interest model: rank, similar, why, not-interested; interest in ``list``.

``papershelf list --sort interest`` and the ``"interest"`` of ``list --json`` rows come
from here too (:func:`interest_for_list`), so the command line shows the same numbers as
the window's Match column.
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Sequence
from typing import Any, TextIO

from reader.cli.base import CommandError
from reader.library import Library


def register(commands: Any) -> None:
    """Add ``rank``, ``similar``, ``why`` and ``not-interested`` to the parser."""
    p = commands.add_parser("rank", help="refit the interest model now and score every paper")
    p.set_defaults(run=_rank)

    p = commands.add_parser("similar", help="the papers most like paper ID, most similar first")
    p.set_defaults(run=_similar)
    p.add_argument("id", type=int)
    p.add_argument("--limit", type=int, default=20, metavar="N")
    p.add_argument("--json", action="store_true", help="JSON lines with every field")

    p = commands.add_parser("why", help="the terms that pushed paper ID's interest up or down")
    p.set_defaults(run=_why)
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")

    p = commands.add_parser(
        "not-interested", help="tell the ranking you do not want these papers (archives them)"
    )
    p.set_defaults(run=_not_interested)
    p.add_argument("ids", nargs="+", type=int, metavar="ID")


def interest_for_list(library: Library, ids: Sequence[int], *, refresh: bool) -> dict[int, float]:
    """The scores of ``ids``; with ``refresh``, first bring the model up to date."""
    from reader import ranking

    if refresh:
        ranking.refresh(library)
    return ranking.scores(library, list(ids))


def no_signal_note(library: Library) -> str | None:
    """The "not enough signal" sentence when there is no model, else ``None``."""
    from reader import ranking

    current = ranking.state(library)
    if current.fitted_at is not None:
        return None
    from reader.ranking.refit import NO_SIGNAL

    return current.message or NO_SIGNAL


def _rank(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    from reader import ranking

    update = ranking.rank(library)
    if update.message:
        print(update.message, file=out)
        return 0
    current = ranking.state(library)
    print(
        f"ranked {len(update.ids):,} papers from {current.positives} liked and "
        f"{current.negatives} unwanted papers",
        file=out,
    )
    return 0


def _similar(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    from reader import ranking
    from reader.cli.papers import paper_to_json

    if args.limit < 0:
        raise CommandError(f"--limit must be 0 or more, not {args.limit}")
    library.paper(args.id)  # a clear "no such paper" first
    found = ranking.similar(library, args.id, limit=args.limit)
    ids = [s.paper_id for s in found]
    scores = ranking.scores(library, ids)
    if args.json:
        papers = {p.id: p for p in library.papers_by_id(ids)}
        for item in found:
            fields = paper_to_json(papers[item.paper_id])
            fields["similarity"] = round(item.similarity, 4)
            fields["interest"] = _rounded(scores.get(item.paper_id))
            print(json.dumps(fields, ensure_ascii=False), file=out)
        return 0
    if not found:
        print(f"no paper shares any terms with paper {args.id}", file=out)
        return 0
    width = shutil.get_terminal_size((100, 24)).columns
    title_width = max(20, width - 30)
    rows = {r.id: r for r in library.rows(ids)}
    print(f"{'ID':>6}  {'SIMILAR':>7}  {'STATUS':<9} TITLE", file=out)
    for item in found:
        row = rows[item.paper_id]
        title = row.title if len(row.title) <= title_width else row.title[: title_width - 1] + "…"
        print(
            f"{row.id:>6}  {item.similarity:>7.3f}  {row.status.value:<9} {title}",
            file=out,
        )
    return 0


def _why(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    from reader import ranking

    library.paper(args.id)
    explanation = ranking.explain(library, args.id)
    if args.json:
        print(
            json.dumps(
                {
                    "id": args.id,
                    "interest": _rounded(explanation.score),
                    "message": explanation.message,
                    "up": [_reason(r) for r in explanation.up],
                    "down": [_reason(r) for r in explanation.down],
                },
                ensure_ascii=False,
            ),
            file=out,
        )
        return 0
    if explanation.score is None:
        print(explanation.message, file=out)
        return 0
    print(f"[{args.id}] interest {explanation.score:.2f}", file=out)
    for label, reasons in (("up", explanation.up), ("down", explanation.down)):
        if reasons:
            terms = ", ".join(f"{_label(r.kind, r.text)} ({r.weight:+.2f})" for r in reasons)
            print(f"  {label}: {terms}", file=out)
    if not explanation.reasons:
        print("  no term of this paper is one the model has learned about", file=out)
    return 0


def _not_interested(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    changes = library.mark_not_interested(args.ids)
    count = len(changes.paper_ids)
    print(f"marked {count} paper{'s' if count != 1 else ''} not interested (archived)", file=out)
    return 0


def _reason(reason: Any) -> dict[str, Any]:
    return {"kind": reason.kind, "term": reason.text, "weight": round(reason.weight, 4)}


def _label(kind: str, text: str) -> str:
    return {"author": f"author {text}", "category": f"category {text}"}.get(kind, text)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
