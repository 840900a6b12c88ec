"""The "For you" view: untriaged inbox papers, best interest first, a page at a time.

SQL over the library's ``paper_interest`` scores (see :mod:`reader.library.interest`).
"""

from __future__ import annotations

from reader.library import rule_marks
from reader.library.model import Status
from reader.library.store import Library
from reader.query import Compiled, PaperFilter, compile_filter


def _for_you_filter(view: PaperFilter | None) -> Compiled:
    compiled = compile_filter(
        PaperFilter(
            status=Status.INBOX,
            tag=view.tag if view else None,
            digest_id=view.digest_id if view else None,
            rating_min=view.rating_min if view else None,
            search=view.search if view else "",
        )
    )
    # Papers already triaged (rated or tagged) have nothing left to tell the reader; a tag
    # only import rules gave is no triage (reader.library.rule_marks).
    compiled.add("p.rating = 0")
    compiled.add(rule_marks.UNTAGGED_BY_USER)
    return compiled


def for_you_ids(
    library: Library,
    view: PaperFilter | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[int]:
    """The "For you" list: untriaged inbox papers by interest, best first; unscored last.

    Only inbox papers that are neither rated nor tagged are in it (tags only import rules
    gave do not count), so read, archived and dismissed papers never come back, and a
    paper leaves the list once rated. ``view``
    narrows it further (the window's search text); its status is ignored. Without a
    search it is answered from the score index, one page at a time.
    """
    compiled = _for_you_filter(view)
    params: list[object] = []
    if compiled.fts is not None:
        params.append(compiled.fts)
        match = "p.id IN (SELECT rowid FROM paper_fts WHERE paper_fts MATCH ?) AND "
    else:
        match = ""
    params.extend(compiled.params)
    # Walk the score index best first and look each paper up (a join would let SQLite
    # build a Bloom filter over every paper first): the first page reads ~60 rows.
    scored = (
        "SELECT s.paper_id FROM paper_interest s WHERE s.candidate = 1 AND EXISTS "
        f"(SELECT 1 FROM paper p WHERE p.id = s.paper_id AND {match}{compiled.where}) "
        "ORDER BY s.score DESC, s.paper_id DESC"
    )
    unscored = (
        f"SELECT p.id FROM paper p WHERE {match}{compiled.where} "
        "AND p.id NOT IN (SELECT paper_id FROM paper_interest WHERE candidate = 1) "
        "ORDER BY p.id DESC"
    )
    want = None if limit is None else max(limit, 0)
    ids = _page(library, scored, params, want, max(offset, 0))
    if want is not None and len(ids) >= want:
        return ids
    skipped = 0
    if offset > 0:
        skipped = int(
            library.connection.execute(f"SELECT count(*) FROM ({scored})", params).fetchone()[0]
        )
    rest = None if want is None else want - len(ids)
    return ids + _page(library, unscored, params, rest, max(0, offset - skipped))


def for_you_count(library: Library, view: PaperFilter | None = None) -> int:
    """How many papers For you holds (scored or not)."""
    plain = view is None or not (
        view.search.strip() or view.tag or view.digest_id or view.rating_min
    )
    if plain:
        # Untagged = all minus tagged: both counts come from indexes, not from paper rows.
        conn = library.connection
        untriaged = conn.execute(
            "SELECT count(*) FROM paper WHERE rating = 0 AND status = 'inbox'"
        ).fetchone()[0]
        tagged = conn.execute(  # "+" keeps SQLite on the tags index (a few rows)
            "SELECT count(*) FROM paper p WHERE p.tags COLLATE NOCASE > '' "
            f"AND +p.status = 'inbox' AND +p.rating = 0 AND {rule_marks.USER_TAGGED}"
        ).fetchone()[0]
        return int(untriaged - tagged)
    compiled = _for_you_filter(view)
    if compiled.fts is None:
        sql, params = f"SELECT count(*) FROM paper p WHERE {compiled.where}", compiled.params
    else:
        sql = (
            "SELECT count(*) FROM paper_fts f JOIN paper p ON p.id = f.rowid "
            f"WHERE paper_fts MATCH ? AND {compiled.where}"
        )
        params = [compiled.fts, *compiled.params]
    return int(library.connection.execute(sql, params).fetchone()[0])


def _page(
    library: Library, sql: str, params: list[object], limit: int | None, offset: int
) -> list[int]:
    if limit == 0:
        return []
    if limit is not None or offset:
        sql += " LIMIT ? OFFSET ?"
        params = [*params, -1 if limit is None else limit, offset]
    return [r[0] for r in library.connection.execute(sql, params)]


def has_signal(library: Library) -> bool:
    """Whether the reader has done anything the interest model learns from: rated, moved
    out of the inbox, tagged or dismissed a paper (what a first refit will use). Each test
    reads the first row of an index, so it is instant at a million papers."""
    rows = library._query(  # errors come back as LibraryError
        "SELECT EXISTS (SELECT 1 FROM paper WHERE rating > 0) "
        "OR EXISTS (SELECT 1 FROM paper WHERE status IN "
        f"({', '.join(repr(s.value) for s in Status if s is not Status.INBOX)})) "
        "OR EXISTS (SELECT 1 FROM paper_tag) OR EXISTS (SELECT 1 FROM not_interested)"
    )
    return bool(rows[0][0])
