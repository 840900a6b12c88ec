"""The optimised list and count queries return exactly what the plain query means.

Every (view, search, order, page) drawn by hypothesis is answered twice on the same small
library: by ``Library.paper_ids`` / ``Library.count`` (words index, facets, long-word
vocabulary, budgets, materialised matches) and by one plain ``SELECT`` built from
:meth:`reader.query.Compiled.reference` (today's meaning, no index choice). The
thresholds that pick a plan are drawn too, so that every shape runs on a library this
small.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.digests.model import Digest, Entry
from reader.library import (
    Library,
    PaperFilter,
    QueryError,
    SortKey,
    Status,
    migrations_search,
    schema,
    search,
    search_budget,
    search_costs,
    search_lists,
    search_memo,
    search_orders,
    words,
)
from reader.library.ingest import SourceFile, record_digest
from reader.library.search import order_by
from reader.query import compile_filter
from tests.schema_before import library_before

# Long words sharing prefixes (the vocabulary path), short ones, accents, digits.
_VOCABULARY = [
    "learning",
    "learned",
    "learner",
    "learns",
    "learn",
    "model",
    "models",
    "modeling",
    "modelled",
    "network",
    "networks",
    "attention",
    "attentive",
    "atom",
    "at",
    "a",
    "an",
    "the",
    "theory",
    "thermal",
    "sparse",
    "spark",
    "spa",
    "data",
    "dataset",
    "datasets",
    "database",
    "long",
    "context",
    "contextual",
    "clip",
    "diffusion",
    "régularité",
    "naïve",
    "3d",
    "gpt4",
    "transformer",
    "transformers",
    "translation",
    "transport",
    "zebra",
    "zebracorn",
    "alpha",
    "alphabet",
]
_TAGS = ("nlp", "vision", "to read", "NLP tricks", "c++", "Été")
_ORGS = ("Google", "IBM Research", None, None, None)


_NAMES = (
    "Ashish Vaswani",
    "vaswani, A.",
    "Ada Lovelace",
    "Le",
    "Quoc V. Le",
    "van der Berg, Jan",
    "Émile Zola",
    "zola, É.",
    "Marie  Curie",
)


def _extras(rng: random.Random) -> dict[str, Any]:
    """Authors (ties and case differences among first authors), upvotes and arXiv ids,
    from their own generator so the other fields stay what they were."""
    names = () if rng.random() < 0.25 else tuple(rng.sample(_NAMES, k=rng.randint(1, 3)))
    upvotes = rng.choice((None, 0, 1, 7, 7, 40))
    arxiv = None if rng.random() < 0.3 else f"{rng.randint(2301, 2312)}.{rng.randint(0, 99999):05d}"
    return {"authors": names, "upvotes": upvotes, "arxiv_id": arxiv}


def _entries(rng: random.Random, count: int, start: int) -> tuple[Entry, ...]:
    out = []
    more = random.Random(start + 19)
    for n in range(start, start + count):
        title = " ".join(rng.choices(_VOCABULARY, k=rng.randint(2, 5))).capitalize()
        abstract = " ".join(rng.choices(_VOCABULARY, k=rng.randint(0, 25)))
        org = rng.choice(_ORGS)
        out.append(
            Entry(
                title=f"{title} {n}",
                abstract=abstract,
                authors_count=None if org else rng.randint(1, 9),
                organization=org,
                organization_handle=org.lower().replace(" ", "-") if org else None,
                published=None
                if rng.random() < 0.1
                else date(2023, 1, 1) + timedelta(rng.randint(0, 900)),
                comments=rng.choice((None, 0, 3, 12)),
                **_extras(more),
            )
        )
    return tuple(out)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """Sixty papers in three digests, with tags, ratings, statuses and notes."""
    rng = random.Random(14)
    library = Library(tmp_path_factory.mktemp("plans") / "library.sqlite")
    for number in range(3):
        entries = _entries(rng, 20, number * 20)
        source = SourceFile(f"/d/{number}.txt", None, f"sha-{number}", "test")
        record_digest(library, source, Digest("synthetic", entries, date(2025, 1, 1 + number)))
    ids = library.paper_ids()
    for paper_id in ids:
        roll = rng.random()
        if roll < 0.3:
            library.add_tags([paper_id], rng.sample(_TAGS, k=rng.randint(1, 2)))
        if roll > 0.5:
            library.set_rating(paper_id, rng.randint(1, 5))
        library.set_status(paper_id, rng.choice(list(Status)))
        if rng.random() < 0.2:
            library.set_note(paper_id, " ".join(rng.choices(_VOCABULARY, k=4)) + " marginalia")
    with library.transaction() as conn:  # interest scores for half the papers, with ties
        conn.executemany(
            "INSERT INTO paper_interest (paper_id, score) VALUES (?, ?)",
            [(i, rng.choice((0.0, 0.25, 0.5, 0.5, 0.9, 1.0))) for i in ids if rng.random() < 0.5],
        )
    yield library
    library.close()


def _reference_ids(
    library: Library,
    view: PaperFilter,
    key: SortKey,
    descending: bool,
    limit: int | None,
    offset: int,
) -> list[int]:
    where, params = compile_filter(view).reference()
    sql = f"SELECT p.id FROM paper p WHERE {where} ORDER BY {order_by(key, descending)}"
    if limit is not None or offset:
        sql += " LIMIT ? OFFSET ?"
        params += [-1 if limit is None else limit, offset]
    return [r[0] for r in library.connection.execute(sql, params)]


def _reference_count(library: Library, view: PaperFilter) -> int:
    where, params = compile_filter(view).reference()
    return int(
        library.connection.execute(
            f"SELECT count(*) FROM paper p WHERE {where}", params
        ).fetchone()[0]
    )


_words = st.sampled_from(_VOCABULARY).flatmap(
    lambda w: st.integers(1, len(w)).map(lambda n: w[:n])
) | st.sampled_from(["zzz", "xq", "marginalia", "LEARN", "Model", "régul", "3", "learnings"])
_term = st.one_of(
    _words,
    _words.map(lambda w: "-" + w),
    st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=3).map(
        lambda ws: '"' + " ".join(ws) + '"'
    ),
    st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=2).map(
        lambda ws: '-"' + " ".join(ws) + '"'
    ),
    st.sampled_from(["long-clip", "gpt4-model", "data,set"]),
    st.sampled_from(
        [*(f"tag:{t}" for t in ("nlp", "vision", '"to read"', "none", "C++", "Été")), "-tag:nlp"]
    ),
    st.sampled_from([f"{k}:{s.value}" for k in ("status", "is", "-status") for s in Status]),
    st.sampled_from(
        ["rating:>=4", "rating:5", "rating:<3", "rating:0", "-rating:>2", "rating:<=1"]
    ),
    st.sampled_from(
        ["is:rated", "is:unrated", "-is:rated", "has:note", "-has:note", "has:tags", "-has:tags"]
    ),
    st.sampled_from(
        ["org:goo", "org:research", "-org:google", "year:2024", "-year:2023", "year:20"]
    ),
)
# Filters joined by OR (#19): any two filters, a run of tags, a dangling OR being typed.
_filter = st.sampled_from(
    [
        "tag:nlp", "tag:vision", 'tag:"to read"', "tag:none", "-tag:nlp", "tag:NLP",
        "status:queue", "-status:inbox", "rating:>=4", "is:unrated", "has:note", "-has:tags",
        "org:goo", "year:2024",
    ]
)  # fmt: skip
_either = st.lists(_filter, min_size=1, max_size=3).map(" OR ".join) | _filter.map(
    lambda f: f + " OR"
)
_search = st.lists(_term | _either, max_size=4).map(" ".join)
_view = st.builds(
    PaperFilter,
    status=st.none() | st.sampled_from(list(Status)),
    tag=st.none() | st.sampled_from(["nlp", "vision", "to read", "absent", "c++", "Été"]),
    digest_id=st.none() | st.integers(1, 4),
    rating_min=st.none() | st.integers(0, 5),
    search=_search,
)
_knobs = st.fixed_dictionaries(
    {
        "SMALL_MATCH": st.sampled_from([0, 1, 5, 3000]),
        "BUDGET_US": st.sampled_from([0.0, 1e9]),
        "FORCE": st.sampled_from(
            [
                None,
                "walk_probe",
                "walk_match",
                "view_probe",
                "view_match",
                "view_sort",
                "match_sort",
            ]
        ),
        "MAX_EXPANSION": st.sampled_from([0, 1, 40]),
        "FEW": st.sampled_from([None, True, False]),
    }
)


@contextlib.contextmanager
def _thresholds(knobs: dict[str, Any]) -> Iterator[None]:
    saved = (
        search_costs.SMALL_MATCH,
        search_budget.BUDGET_US,
        words.MAX_EXPANSION,
        search_costs.FORCE,
    )
    few, phrases = search_costs.FEW, search_memo.PHRASE_CAP
    search_costs.FEW = knobs.get("FEW")
    # (A phrase's kept ids are a small match of their own: off when small matches are.)
    search_memo.PHRASE_CAP = knobs.get("PHRASE_CAP", knobs["SMALL_MATCH"])
    search_costs.SMALL_MATCH = knobs["SMALL_MATCH"]
    search_costs.FORCE = knobs["FORCE"]
    search_budget.BUDGET_US = knobs["BUDGET_US"]
    words.MAX_EXPANSION = knobs["MAX_EXPANSION"]
    try:
        yield
    finally:
        (
            search_costs.SMALL_MATCH,
            search_budget.BUDGET_US,
            words.MAX_EXPANSION,
            search_costs.FORCE,
        ) = saved
        search_costs.FEW, search_memo.PHRASE_CAP = few, phrases


_SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(
    view=_view,
    key=st.sampled_from(list(SortKey)),
    descending=st.booleans(),
    limit=st.none() | st.integers(0, 12),
    offset=st.integers(0, 6),
    knobs=_knobs,
)
def test_lists_equal_the_plain_query(
    small: Library,
    view: PaperFilter,
    key: SortKey,
    descending: bool,
    limit: int | None,
    offset: int,
    knobs: dict[str, Any],
) -> None:
    try:
        expected = _reference_ids(small, view, key, descending, limit, offset)
    except QueryError:
        with pytest.raises(QueryError):
            small.paper_ids(view, key, descending=descending, limit=limit, offset=offset)
        return
    with _thresholds(knobs):
        assert (
            small.paper_ids(view, key, descending=descending, limit=limit, offset=offset)
            == expected
        )


@_SETTINGS
@given(view=_view, knobs=_knobs)
def test_counts_equal_the_plain_query(
    small: Library, view: PaperFilter, knobs: dict[str, Any]
) -> None:
    try:
        expected = _reference_count(small, view)
    except QueryError:
        return
    with _thresholds(knobs):
        assert small.count(view) == expected


_tag_name = st.sampled_from(["nlp", "NLP", "vision", '"to read"', '"NLP tricks"', "absent"])
_tag_filter = st.tuples(st.booleans(), _tag_name)
_tag_search = st.lists(st.lists(_tag_filter, min_size=1, max_size=3), min_size=1, max_size=3)


@_SETTINGS
@given(
    groups=_tag_search,
    key=st.sampled_from(list(SortKey)),
    knobs=_knobs,
    words=st.sampled_from(["", "a", "model", '"long context"']),
)
def test_tag_filters_mean_all_of_the_groups_and_any_within_one(
    small: Library,
    groups: list[list[tuple[bool, str]]],
    key: SortKey,
    knobs: dict[str, Any],
    words: str,
) -> None:
    """``tag:a tag:b`` is both, ``tag:a OR tag:b`` either: checked against the papers'
    tags read one by one (a reference independent of the compiled SQL)."""
    text = " ".join(
        " OR ".join(("-" if negated else "") + f"tag:{name}" for negated, name in group)
        for group in groups
    )
    text = f"{text} {words}".strip()

    def has(tags: tuple[str, ...], name: str) -> bool:
        return name.strip('"').casefold() in {t.casefold() for t in tags}

    within = set(small.paper_ids(PaperFilter(search=words))) if words else None
    expected = {
        paper.id
        for paper in small.papers()
        if all(any(has(paper.tags, n) != negated for negated, n in group) for group in groups)
        and (within is None or paper.id in within)
    }
    with _thresholds(knobs):
        found = small.paper_ids(PaperFilter(search=text), key, limit=None)
        assert set(found) == expected, text
        assert len(found) == len(expected)
        assert small.count(PaperFilter(search=text)) == len(expected)
        assert found == _reference_ids(small, PaperFilter(search=text), key, True, None, 0)


def test_the_example_library_exercises_every_plan(small: Library) -> None:
    """The equivalence above is only worth something if its views match some papers."""
    assert 0 < small.count(PaperFilter(search="learn")) < small.count()
    assert small.count(PaperFilter(search="learnin")) > 0  # a long prefix: the vocabulary
    assert small.count(PaperFilter(status=Status.INBOX, search="a")) > 0  # a facet
    assert small.count(PaperFilter(search='"long context"')) >= 0
    assert small.count(PaperFilter(search="marginalia")) > 0  # a word only notes have


def test_words_written_later_are_found_by_their_long_prefixes(tmp_path: Path) -> None:
    with Library(tmp_path / "l.sqlite") as library:
        source = SourceFile("/d/a.txt", None, "a", "test")
        entry = Entry(title="Plain title", abstract="nothing special", authors_count=2)
        record_digest(library, source, Digest("synthetic", (entry,), date(2025, 1, 1)))
        (paper_id,) = library.paper_ids()
        assert library.paper_ids(PaperFilter(search="zebracor")) == []
        library.set_note(paper_id, "A zebracorn appears")
        assert library.paper_ids(PaperFilter(search="zebracor")) == [paper_id]
        library.add_tags([paper_id], ["hippogriffs"])
        assert library.paper_ids(PaperFilter(search="hippogri")) == [paper_id]
        assert library.paper_ids(PaperFilter(search="hippogriffsx")) == []
        # Written behind the library's back (a tool, an old Papershelf): still found.
        library.connection.execute(
            "UPDATE paper SET abstract = 'basilisks' WHERE id = ?", [paper_id]
        )
        assert library.paper_ids(PaperFilter(search="basilisk")) == [paper_id]
        assert library.count(PaperFilter(search="basilisk")) == 1


def test_a_read_only_library_searches_long_prefixes(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    with Library(path) as library:
        source = SourceFile("/d/a.txt", None, "a", "test")
        entry = Entry(title="Chimaeras everywhere", abstract="", authors_count=2)
        record_digest(library, source, Digest("synthetic", (entry,), date(2025, 1, 1)))
        library.connection.execute("UPDATE paper SET abstract = 'manticores' WHERE 1")
    with Library(path, read_only=True) as reader:
        assert reader.count(PaperFilter(search="chimaera")) == 1
        assert reader.count(PaperFilter(search="manticor")) == 1


def test_a_library_from_before_the_words_index_is_upgraded_and_searched_alike(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    conn = library_before(path, migrations_search.WORDS)
    rows = [
        (f"t{n}", f"Learning models {n}", "transformers everywhere" if n % 2 else "",
         "2025-01-01T00:00:00Z", "queue" if n % 3 else "inbox", n % 6, "a note" if n % 4 == 0 else "")
        for n in range(30)
    ]  # fmt: skip
    conn.executemany(
        "INSERT INTO paper (title_key, title, abstract, first_seen, status, rating, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.close()
    with Library(path) as library:
        assert library.schema_version == schema.SCHEMA_VERSION
        for text in ("transformer", "learnin", "l", "-transformers", "has:note mod", "is:queue t"):
            for view in (PaperFilter(search=text), PaperFilter(status=Status.QUEUE, search=text)):
                assert library.count(view) == _reference_count(library, view), view
                for key in SortKey:
                    assert library.paper_ids(view, key, limit=7) == _reference_ids(
                        library, view, key, True, 7, 0
                    ), (view, key)
        assert library.count(PaperFilter(search="transformer")) == 15


def test_a_long_upgrade_says_how_far_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "old.sqlite"
    conn = library_before(path, migrations_search.WORDS)
    conn.executemany(
        "INSERT INTO paper (title_key, title, abstract, first_seen) VALUES (?, ?, ?, ?)",
        [(f"t{n}", f"Paper {n}", "words " * 40, "2025-01-01T00:00:00Z") for n in range(3000)],
    )
    conn.close()
    monkeypatch.setattr(schema, "PROGRESS_EVERY_S", 0.0)
    with caplog.at_level("INFO", logger="reader.library.schema"), Library(path) as library:
        assert library.schema_version == schema.SCHEMA_VERSION
    told = [r.getMessage() for r in caplog.records if r.name == "reader.library.schema"]
    assert any(line.startswith("upgrading the library: step 1 of ") for line in told), told
    assert told[-1].startswith("upgraded the library in ")


@pytest.mark.parametrize("year", ["2023", "2024", "2025", "20", "2", "1999"])
def test_year_filters_mean_dates_that_start_with_the_year(small: Library, year: str) -> None:
    """``year:`` is a range of the published index; it means what LIKE 'YYYY-%' means."""
    conn = small.connection
    with_year = {
        r[0]
        for r in conn.execute(
            "SELECT id FROM paper WHERE coalesce(published, '') LIKE ?", [f"{year}-%"]
        )
    }
    every = set(small.paper_ids())
    assert set(small.paper_ids(PaperFilter(search=f"year:{year}"))) == with_year
    assert set(small.paper_ids(PaperFilter(search=f"-year:{year}"))) == every - with_year
    assert small.count(PaperFilter(search=f"-year:{year}")) == len(every - with_year)


def test_a_budgeted_walk_keeps_the_readers_own_progress_handler(small: Library) -> None:
    """The reader thread stops superseded reads with a progress handler: a search that
    walks on a budget chains to it and puts it back afterwards."""
    conn = small.connection
    calls = 0

    def handler() -> int:
        nonlocal calls
        calls += 1
        return 0

    search.set_progress_handler(conn, handler, 1)
    try:
        found = search_budget.budgeted(
            conn, small._query, "SELECT p.id FROM paper p, paper q", [], 10**9
        )
        assert found is not None
        assert calls > 0  # chained while the walk ran
        calls = 0
        conn.execute("SELECT count(*) FROM paper p, paper q").fetchone()
        assert calls > 0  # and back in place afterwards
    finally:
        search.set_progress_handler(conn, lambda: 0, 1_000_000)
        conn.set_progress_handler(None, 0)


@pytest.mark.parametrize(
    "force",
    [None, "walk_probe", "walk_match", "view_probe", "view_match", "view_sort", "match_sort"],
)
@pytest.mark.parametrize("text", ["-model", "-a -the", "-model tag:nlp", '-learn -"long context"'])
def test_exclusions_in_every_view_order_and_shape(
    small: Library, force: str | None, text: str
) -> None:
    """A search that only leaves words out asks the index about those words alone
    (``Plan.exclude``); every shape still returns the plain query's page."""
    views = [PaperFilter(), PaperFilter(status=Status.INBOX), PaperFilter(tag="nlp"),
             PaperFilter(rating_min=4), PaperFilter(digest_id=2)]  # fmt: skip
    with _thresholds({"SMALL_MATCH": 0, "BUDGET_US": 1e9, "FORCE": force, "MAX_EXPANSION": 40}):
        for base in views:
            view = PaperFilter(base.status, base.tag, base.digest_id, base.rating_min, text)
            for key in SortKey:
                for descending in (True, False):
                    for limit, offset in ((5, 0), (7, 3), (None, 0)):
                        expected = _reference_ids(small, view, key, descending, limit, offset)
                        got = small.paper_ids(
                            view, key, descending=descending, limit=limit, offset=offset
                        )
                        assert got == expected, (view, key, descending, limit, offset)


def test_a_walks_budget_is_counted_in_steps_not_time(small: Library) -> None:
    """A walk on a budget gives up after so many steps of SQLite's virtual machine: the
    same statement on the same library takes the same plan on a loaded machine, a fast
    one or with a cold cache (a budget of seconds did not)."""
    conn = small.connection
    sql = "SELECT p.id FROM paper p, paper q WHERE p.id + q.id = 0"
    ticks = 0

    def count() -> int:
        nonlocal ticks
        ticks += 1
        return 0

    conn.set_progress_handler(count, 1)
    try:
        conn.execute(sql).fetchall()
    finally:
        conn.set_progress_handler(None, 0)
    assert ticks > 1000
    assert search_budget.budgeted(conn, small._query, sql, [], ticks + 200) == []
    for _ in range(3):  # every time, not on a clock
        assert search_budget.budgeted(conn, small._query, sql, [], ticks - 200) is None
    assert search_budget.budgeted(conn, small._query, sql, [], 0) is None


@pytest.mark.parametrize("few", [None, True, False])
@pytest.mark.parametrize("budget", [0.0, 1e9])
@pytest.mark.parametrize(
    "text", ["has:note", "-has:note", "has:tags", "-has:tags", "is:unrated has:tags", "has:note OR"]
)
def test_views_without_words_in_every_view_order_and_shape(
    small: Library, few: bool | None, budget: float, text: str
) -> None:
    """Filters without words, which the facets may say entirely (a note, tags, a rating,
    a status): counted from the facets' lists and read from them when few, walked along
    the sort index, or read whole (each shape forced); every one returns the plain
    query's page."""
    views = [PaperFilter(), PaperFilter(status=Status.INBOX), PaperFilter(tag="nlp"),
             PaperFilter(rating_min=4), PaperFilter(digest_id=2)]  # fmt: skip
    knobs = {"SMALL_MATCH": 0, "BUDGET_US": budget, "FORCE": None, "MAX_EXPANSION": 40, "FEW": few}
    with _thresholds(knobs):
        for base in views:
            view = PaperFilter(base.status, base.tag, base.digest_id, base.rating_min, text)
            assert small.count(view) == _reference_count(small, view), view
            for key in SortKey:
                for descending in (True, False):
                    for limit, offset in ((5, 0), (7, 3)):
                        expected = _reference_ids(small, view, key, descending, limit, offset)
                        got = small.paper_ids(
                            view, key, descending=descending, limit=limit, offset=offset
                        )
                        assert got == expected, (view, key, descending, limit, offset)


@pytest.mark.parametrize("force", [None, "walk_probe", "view_sort", "match_sort"])
@pytest.mark.parametrize("budget", [0.0, 1e9])
def test_pages_by_tags_in_their_two_parts(
    small: Library, monkeypatch: pytest.MonkeyPatch, force: str | None, budget: float
) -> None:
    """By tags ascending the untagged papers (tied at '') come first in id order, then the
    tagged ones: answered in those two parts when the facets say the untagged part is
    short (a tag's view, rated papers that are all tagged), or by the untagged part alone
    when the facets say everything; every page equals the plain query's."""
    parts: list[bool] = []
    narrowed = search_orders.narrowed

    def recorded(p: search.Plan, clause: str, *, tagged: bool) -> search.Plan:
        parts.append(tagged)
        return narrowed(p, clause, tagged=tagged)

    monkeypatch.setattr(search_orders, "narrowed", recorded)
    views = [PaperFilter(), PaperFilter(status=Status.INBOX), PaperFilter(tag="nlp"),
             PaperFilter(rating_min=4), PaperFilter(digest_id=2),
             PaperFilter(status=Status.QUEUE, tag="vision")]  # fmt: skip
    texts = ["", "a", "model", "is:rated", "has:note", "tag:nlp", "has:tags", "-has:tags",
             "tag:nlp OR tag:vision th", "org:goo", "org:goo tag:nlp", '"long context"', "-model"]  # fmt: skip
    knobs = {"SMALL_MATCH": 0, "BUDGET_US": budget, "FORCE": force, "MAX_EXPANSION": 40}
    with _thresholds(knobs):
        for base in views:
            for text in texts:
                view = PaperFilter(base.status, base.tag, base.digest_id, base.rating_min, text)
                for limit, offset in ((1, 0), (5, 0), (7, 3), (30, 0), (4, 9)):
                    expected = _reference_ids(small, view, SortKey.TAGS, False, limit, offset)
                    got = small.paper_ids(
                        view, SortKey.TAGS, descending=False, limit=limit, offset=offset
                    )
                    assert got == expected, (view, limit, offset)
    assert True in parts  # the split taken
    assert False in parts  # and the untagged part asked about


@pytest.mark.parametrize("listed", [0, 5000])
@pytest.mark.parametrize("force", [None, "walk_probe", "walk_match", "view_probe", "view_sort"])
def test_an_organization_narrowed_by_its_view_in_every_order(
    small: Library, monkeypatch: pytest.MonkeyPatch, listed: int, force: str | None
) -> None:
    """An organization's list takes in the view's status, rating, tag and digest (read
    from the status and rating indexes, which hold the organization), given as its ids
    when few or kept as a query; walks along an index that holds the organization check
    it there. Every page and count equals the plain query's."""
    monkeypatch.setattr(search_lists, "LISTED", listed)
    monkeypatch.setattr(search_lists, "BROAD_STATUS", 0.5)
    views = [PaperFilter(), PaperFilter(status=Status.QUEUE), PaperFilter(status=Status.INBOX),
             PaperFilter(rating_min=4), PaperFilter(tag="nlp"), PaperFilter(digest_id=2),
             PaperFilter(status=Status.READ, tag="vision", rating_min=1)]  # fmt: skip
    texts = ["org:goo", "org:research th", "org:goo is:rated", "org:goo rating:5 status:queue",
             'org:o tag:nlp "long context"', "org:goo -model", "org:goo rating:0"]  # fmt: skip
    knobs = {"SMALL_MATCH": 0, "BUDGET_US": 1e9, "FORCE": force, "MAX_EXPANSION": 40}
    with _thresholds(knobs):
        for base in views:
            for text in texts:
                view = PaperFilter(base.status, base.tag, base.digest_id, base.rating_min, text)
                assert small.count(view) == _reference_count(small, view), view
                for key in SortKey:
                    for descending in (True, False):
                        expected = _reference_ids(small, view, key, descending, 6, 2)
                        got = small.paper_ids(view, key, descending=descending, limit=6, offset=2)
                        assert got == expected, (view, key, descending)
    compiled = compile_filter(PaperFilter(status=Status.QUEUE, rating_min=4, search="org:goo"))
    narrowed = search_lists.narrowed(small.connection, compiled)
    assert len(narrowed.clauses) == 1  # the status and the rating moved into the list


@pytest.mark.parametrize("listed", [0, 5000])
@pytest.mark.parametrize("force", [None, "walk_probe", "view_probe", "match_sort"])
def test_a_digest_narrowed_by_its_view_in_every_order(
    small: Library, monkeypatch: pytest.MonkeyPatch, listed: int, force: str | None
) -> None:
    """A digest's list takes in the view's status, rating, tags and note, each asked
    about one paper by a seek; every page and count equals the plain query's."""
    monkeypatch.setattr(search_lists, "LISTED", listed)
    views = [PaperFilter(digest_id=2), PaperFilter(digest_id=1, status=Status.QUEUE),
             PaperFilter(digest_id=3, rating_min=3), PaperFilter(digest_id=2, tag="nlp")]  # fmt: skip
    texts = ["has:note", "-has:note th", "-tag:nlp year:2024", "tag:nlp OR tag:vision",
             "is:rated a", "rating:<3 -model", "status:read", '"long context"', ""]  # fmt: skip
    knobs = {"SMALL_MATCH": 0, "BUDGET_US": 1e9, "FORCE": force, "MAX_EXPANSION": 40}
    with _thresholds(knobs):
        for base in views:
            for text in texts:
                view = PaperFilter(base.status, base.tag, base.digest_id, base.rating_min, text)
                assert small.count(view) == _reference_count(small, view), view
                for key in SortKey:
                    for descending in (True, False):
                        expected = _reference_ids(small, view, key, descending, 5, 1)
                        got = small.paper_ids(view, key, descending=descending, limit=5, offset=1)
                        assert got == expected, (view, key, descending)
    compiled = compile_filter(PaperFilter(digest_id=2, status=Status.QUEUE, search="has:note"))
    assert len(search_lists.narrowed(small.connection, compiled).clauses) == 1


def test_a_phrase_is_read_once_while_the_library_is_unchanged(tmp_path: Path) -> None:
    """A phrase's papers are kept per connection: sorted another way or in another view
    it is not read again; a write by this connection or by another one is seen."""
    path = tmp_path / "l.sqlite"
    with Library(path) as library:
        source = SourceFile("/d/a.txt", None, "a", "test")
        entries = tuple(
            Entry(
                title=f"Long context {n}" if n % 3 else f"Short {n}", abstract="", authors_count=1
            )
            for n in range(12)
        )
        record_digest(library, source, Digest("synthetic", entries, date(2025, 1, 1)))
        view = PaperFilter(search='"long context"')
        read: list[str] = []
        library.connection.set_trace_callback(read.append)
        try:
            first = library.paper_ids(view, SortKey.TITLE, limit=5)
            assert any("paper_fts MATCH" in sql for sql in read)
            read.clear()
            assert library.paper_ids(view, SortKey.TITLE, descending=False, limit=5)
            assert library.paper_ids(PaperFilter(status=Status.INBOX, search=view.search),
                                     SortKey.RATING, limit=5)  # fmt: skip
            assert not any("paper_fts MATCH" in sql for sql in read)  # kept
        finally:
            library.connection.set_trace_callback(None)
        assert first == _reference_ids(library, view, SortKey.TITLE, True, 5, 0)
        (short,) = library.paper_ids(PaperFilter(search="short 9"))
        library.set_note(short, "about long context")  # this connection writes
        assert short in library.paper_ids(view, SortKey.TITLE, limit=None)
        assert short in library.paper_ids(view, SortKey.TITLE, limit=20)
        with Library(path) as other:  # another connection writes
            (other_short,) = other.paper_ids(PaperFilter(search="short 6"))
            other.set_note(other_short, "long context too")
        assert other_short in library.paper_ids(view, SortKey.RATING, limit=20)
        assert library.paper_ids(view, SortKey.RATING, limit=20) == _reference_ids(
            library, view, SortKey.RATING, True, 20, 0
        )
        left = PaperFilter(search="-long -about")  # words left out, leaving a few papers
        expected = _reference_ids(library, left, SortKey.ADDED, True, 5, 0)
        assert library.paper_ids(left, SortKey.TITLE, limit=5)
        read.clear()
        library.connection.set_trace_callback(read.append)
        try:
            assert library.paper_ids(left, SortKey.ADDED, limit=5) == expected
        finally:
            library.connection.set_trace_callback(None)
        assert not any("paper_words MATCH" in sql for sql in read)
        library.set_note(short, "")  # the short paper is left again
        assert short in library.paper_ids(left, SortKey.ADDED, limit=5)
