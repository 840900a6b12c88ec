"""What the search and view benchmarks run: the query set, the sidebar views, the orders.

Written out here so that anyone can read (and extend) exactly what ``make bench`` measures.
Every query runs in every view and every order. The words are chosen against the synthetic
corpus of :mod:`bench.corpus`: how many papers each matches is noted beside it (share of
the library, the same at every size since the corpus is a pure function of its seed).

The worst cases of issue #14's table are all here: the first keystroke (``a``), two-letter
prefixes (``th``, ``le``), common words (``learn``, ``model``), a mid-frequency word
(``network``), exclusions and filters that no index narrows (``-model``, ``has:note``,
``org:google``), and the Inbox (where the window opens) combined with each.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.library import PaperFilter, SortKey, Status

PAGE = 60
"""Rows a list shows at once: the ids and the rows of the first page are fetched together."""

TYPED: tuple[str, ...] = (
    # one- and two-letter prefixes: every keystroke starts here
    "a",  # nearly every paper
    "t",
    "x",  # a rare first letter
    "th",
    "le",
    "at",
    "att",
    "atte",
    "attention",  # a topic word: a few percent
    # common words
    "learn",
    "model",
    "data",
    # a mid-frequency word and a rare one
    "network",
    "speculative",
    "kagra",  # long-tail pseudo-words: a handful of papers
    "zzzq",  # matches nothing
    # two words, phrases
    "sparse att",
    "model le",
    '"language model"',
    '"long context"',
    "the model",
    # exclusions
    "-model",
    "model -data",
    "-a",  # leaves almost nothing
    # filters
    "tag:nlp",
    "tag:nlp model",
    "-tag:nlp",
    "status:queue",
    "status:read learn",
    "is:rated",
    "is:unrated th",
    "rating:>=4",
    "rating:<3 a",
    "has:note",
    "has:note th",
    "has:tags",
    "org:google",
    "org:google model",
    "year:2024",
    "year:2024 network",
    "network rating:>=3 -data",
    # several tags (#19) and the worst shapes found at a million papers (issue #14)
    "tag:nlp tag:vision",
    "tag:nlp OR tag:theory",
    "tag:nlp OR tag:theory model",
    "-tag:nlp year:2024",
    "x -model",
    "org:google th",
    # found at 100,000 and 1,000,000 papers (issue #14, search14c): a negated tag beside a
    # word, a tag beside an exclusion, a rare prefix sorted by title (its papers bunched)
    "-tag:nlp model",
    "tag:nlp -model",
    "x th",
    # found counting at 1,000,000 papers (issue #14, count14): a year beside a word every
    # paper has (the whole match was materialised: 440-490 ms), a year and a list left
    # out (250 ms), a year beside a long list left out (100-120 ms), a year beside a word
    # left out (170-190 ms)
    "year:2024 th",
    "-tag:nlp -year:2024",
    "-has:note year:2024",
    "year:2024 -model",
    # found at 1,000,000 papers (issue #14, search14e): rated papers, all tagged, by tags
    # ascending (the untagged nine in ten first); an organization beside a status or a
    # rating (its list read row by row for them); a digest beside the 100,000 papers with a
    # note or a negated tag; a phrase inside a tag
    "tag:nlp is:rated",
    "org:google is:rated",
    "org:google status:read th",
    "has:note -tag:nlp",
    '"language model" tag:nlp',
)
"""Search texts, as typed into the search field (each measured on its own keystroke)."""


@dataclass(frozen=True, slots=True)
class View:
    """A sidebar view, named as the sidebar names it."""

    name: str
    filter: PaperFilter


def views(digest_id: int) -> tuple[View, ...]:
    """Every kind of sidebar view; ``digest_id`` is the digest the digest view shows."""
    return (
        View("All", PaperFilter()),
        View("Inbox", PaperFilter(status=Status.INBOX)),
        *(View(s.value.capitalize(), PaperFilter(status=s)) for s in Status if s != Status.INBOX),
        View("Rated", PaperFilter(rating_min=4)),
        View("tag nlp", PaperFilter(tag="nlp")),
        View("a digest", PaperFilter(digest_id=digest_id)),
    )


ORDERS: tuple[tuple[SortKey, bool], ...] = tuple(
    (key, descending) for key in SortKey for descending in (True, False)
)
"""Every column, both directions (``True`` = descending): since issue #19 also the first
author (``authors``), ``upvotes`` and the ``arxiv`` id, each walked along its own index."""


def order_name(key: SortKey, descending: bool) -> str:
    """``title ↓`` and the like."""
    return f"{key.value} {'↓' if descending else '↑'}"
