"""The search language: what each form finds, and that no input breaks the SQL."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.importer import Importer
from reader.library import Library, PaperFilter, QueryError, Status
from tests.conftest import DigestWriter
from tests.factories import entry


@pytest.fixture
def papers(library: Library, write_digest: DigestWriter) -> dict[str, int]:
    items = [
        entry(1, title="Sparse Attention for Long Context Models"),
        entry(2, title="Long-CLIP: Unlocking the Long-Text Capability of CLIP"),
        entry(3, title="A Survey of Attention Mechanisms", organization="Google"),
        entry(4, title="Diffusion Models Beat GANs", published=None),
    ]
    Importer(library).import_file(write_digest("q.txt", items))
    ids = {library.paper(i).title.split()[0]: i for i in library.paper_ids()}
    library.add_tags([ids["Sparse"], ids["A"]], ["nlp"])
    library.add_tags([ids["Long-CLIP:"]], ["to read"])
    library.set_rating(ids["Sparse"], 5)
    library.set_rating(ids["Long-CLIP:"], 3)
    library.set_status(ids["A"], Status.QUEUE)
    library.set_note(ids["Diffusion"], "GANs lose here")
    return ids


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("attention", {"Sparse", "A"}),
        ("atten", {"Sparse", "A"}),  # prefixes match
        ("attention -survey", {"Sparse"}),
        ('"long context"', {"Sparse"}),
        ('"long con"', set()),  # quoted phrases are exact
        ("long-clip", {"Long-CLIP:"}),
        ("tag:nlp", {"Sparse", "A"}),
        ('tag:"to read"', {"Long-CLIP:"}),
        ("-tag:nlp", {"Long-CLIP:", "Diffusion"}),
        ("status:queue", {"A"}),
        ("is:queue", {"A"}),
        ("-status:inbox", {"A"}),
        ("rating:>=4", {"Sparse"}),
        ("rating:3", {"Long-CLIP:"}),
        ("rating:<4", {"Long-CLIP:", "A", "Diffusion"}),
        ("is:unrated", {"A", "Diffusion"}),
        ("is:rated", {"Sparse", "Long-CLIP:"}),
        ("has:note", {"Diffusion"}),
        ("gans", {"Diffusion"}),  # notes are searched too
        ("has:tags", {"Sparse", "A", "Long-CLIP:"}),
        ("org:goo", {"A"}),
        ("year:2025 attention", {"Sparse", "A"}),
        ("attention tag:nlp rating:5", {"Sparse"}),
        ("", {"Sparse", "Long-CLIP:", "A", "Diffusion"}),
        ("  :  -  ", {"Sparse", "Long-CLIP:", "A", "Diffusion"}),
        ('"unterminated phrase', set()),
        ("colour:red", set()),  # not a filter: searched as text
        ("Long-CLIP:Unlocking", {"Long-CLIP:"}),
        # several tags (#19): both, either
        ('tag:nlp tag:"to read"', set()),
        ('tag:nlp OR tag:"to read"', {"Sparse", "A", "Long-CLIP:"}),
        ("tag:NLP OR tag:absent", {"Sparse", "A"}),
        ('tag:nlp OR tag:"to read" attention', {"Sparse", "A"}),
        ('tag:nlp OR tag:"to read" rating:5', {"Sparse"}),
        ("tag:nlp OR -tag:nlp", {"Sparse", "Long-CLIP:", "A", "Diffusion"}),
        ("status:queue OR rating:5", {"Sparse", "A"}),
        ("has:note OR tag:nlp -survey", {"Sparse", "Diffusion"}),
        ("tag:nlp OR", {"Sparse", "A"}),  # the next filter is still being typed
        ("survey OR", set()),  # the word "or" as before (no paper has a word "or…")
    ],
)
def test_search_finds(
    library: Library, papers: dict[str, int], search: str, expected: set[str]
) -> None:
    found = set(library.paper_ids(PaperFilter(search=search)))
    assert found == {papers[name] for name in expected}


@pytest.mark.parametrize(
    ("search", "message"),
    [
        ("rating:9", "rating: takes a number 0–5"),
        ("status:later", "status:later is not understood"),
        ("tag:", "tag: needs a value"),
    ],
)
def test_bad_filters_say_how_to_fix_them(library: Library, search: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        library.paper_ids(PaperFilter(search=search))


def test_search_combines_with_the_sidebar_view(library: Library, papers: dict[str, int]) -> None:
    assert library.paper_ids(PaperFilter(tag="nlp", search="survey")) == [papers["A"]]
    assert library.paper_ids(PaperFilter(status=Status.INBOX, search="survey")) == []


_QUERY_PIECES = [
    *"abc xyz:\"-*()^+.,'\\%_~é漢0123456789{}[]",
    *("tag:", "rating:", "is:", "has:", "org:", "year:", "status:"),
    *(" AND ", " OR ", " NOT ", "NEAR"),
]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(_QUERY_PIECES), max_size=25).map("".join) | st.text(max_size=30))
def test_no_search_text_breaks_the_sql(library: Library, text: str) -> None:
    with contextlib.suppress(QueryError):
        library.paper_ids(PaperFilter(search=text))


_ORG_NAMES = ["Google", "google research", "Meta_AI", "100% Labs", "Back\\slash", "", "Ünï", None]


@settings(max_examples=150, deadline=None)
@given(
    orgs=st.lists(st.sampled_from(_ORG_NAMES), min_size=1, max_size=12),
    value=st.sampled_from(["goo", "GOOGLE", "_", "%", "\\", "a", "ünï", "lab", "x", "e r"]),
)
def test_org_filters_find_what_a_like_over_every_paper_finds(
    tmp_path_factory: pytest.TempPathFactory, orgs: list[str | None], value: str
) -> None:
    """``org:`` looks the organizations up along their index (one seek per name) instead of
    a LIKE over every row: the same papers, with or without ``-``, any case, wildcards
    in the value taken literally."""
    with Library(tmp_path_factory.mktemp("org") / "l.sqlite") as library:
        with library.transaction() as conn:
            conn.executemany(
                "INSERT INTO paper (title_key, title, first_seen, organization) VALUES (?, ?, ?, ?)",
                [(f"t{n}", f"T {n}", "2025-01-01T00:00:00Z", org) for n, org in enumerate(orgs)],
            )
        escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        plain = {
            r[0]
            for r in library.connection.execute(
                "SELECT id FROM paper WHERE coalesce(organization, '') LIKE ? ESCAPE '\\'",
                [f"%{escaped}%"],
            )
        }
        every = set(library.paper_ids())
        term = f'"{value}"' if " " in value else value
        assert set(library.paper_ids(PaperFilter(search=f"org:{term}"))) == plain
        assert set(library.paper_ids(PaperFilter(search=f"-org:{term}"))) == every - plain
        assert library.count(PaperFilter(search=f"org:{term}")) == len(plain)
