"""Citekeys: the formula, uniqueness, storage, stability, the user's edits, ``key:`` search."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.cite.citekey import (
    MAX_KEY_LENGTH,
    CitekeyError,
    base_key,
    clean_citekey,
    first_family_name,
)
from reader.digests.model import Entry
from reader.library import (
    Library,
    LibraryUsageError,
    PaperFilter,
    PaperNotFoundError,
    migrations_base,
    schema,
)
from reader.library.opening import open_library
from tests.cite.conftest import AddPapers
from tests.schema_before import library_before

VASWANI = Entry(
    title="Attention Is All You Need",
    authors=("Ashish Vaswani", "Noam Shazeer"),
    published=date(2017, 6, 12),
    arxiv_id="1706.03762",
)


def test_the_better_bibtex_formula() -> None:
    assert base_key("Vaswani", None, "Attention Is All You Need", 2017) == (
        "vaswaniAttentionAllYou2017"
    )
    assert first_family_name(["Ludwig van Beethoven"]) == "Beethoven"
    assert first_family_name(["Hern\\'andez, J."]) == "Hernández"
    assert base_key("Hernández", None, "Über die Natur", 2020) == "hernandezUberNatur2020"
    assert base_key("张", None, "深度学习 for graphs", 2024) == "zhangShenDuXueXiGraphs2024"


def test_bad_input_still_gives_a_valid_key() -> None:
    assert base_key(None, None, "Attention Is All You Need", None) == "AttentionAllYou"
    assert base_key(None, "Google DeepMind", "Gemini", 2025) == "googledeepmindGemini2025"
    assert base_key(None, None, "!!! ??? …", None) == "paper"
    long_title = " ".join(["Supercalifragilisticexpialidocious" * 3] * 10)  # 300+ characters
    key = base_key("X" * 80, None, long_title, 2024)
    assert len(key) <= MAX_KEY_LENGTH
    assert clean_citekey(key) == key
    assert base_key(None, None, r"An $O(n^2)$ \emph{sparse} Don't-Stop method", 2023) == (
        "SparseDontStop2023"
    )


@given(
    family=st.one_of(st.none(), st.text(max_size=40)),
    organization=st.one_of(st.none(), st.text(max_size=40)),
    title=st.text(max_size=300),
    year=st.one_of(st.none(), st.integers(min_value=-5, max_value=99999)),
)
def test_every_generated_key_is_a_valid_key(
    family: str | None, organization: str | None, title: str, year: int | None
) -> None:
    key = base_key(family, organization, title, year)
    assert clean_citekey(key) == key
    assert key.isascii()
    assert key.isalnum()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "cannot be empty"),
        ("two words", "is not valid"),
        ("müller2020", "is not valid"),
        ("key,with,commas", "is not valid"),
        ("braces{}", "is not valid"),
        ("trailing.", "is not valid"),
        ("x" * (MAX_KEY_LENGTH + 1), "at most"),
    ],
)
def test_a_typed_key_that_cannot_be_a_key_says_why(typed: str, message: str) -> None:
    with pytest.raises(CitekeyError, match=message):
        clean_citekey(typed)


def test_typed_keys_may_come_as_pandoc_citations() -> None:
    assert clean_citekey(" @smith2020 ") == "smith2020"
    assert clean_citekey("[@smith:2020.a-b+c/d]") == "smith:2020.a-b+c/d"


def test_imported_papers_get_unique_keys_with_suffixes(library: Library, papers: AddPapers) -> None:
    same = [
        Entry(
            title="Attention Is All You Need", authors=("A. Vaswani",), published=date(2017, 1, 1)
        ),
        Entry(title="Attention: All You Want", authors=("B. Vaswani",), published=date(2017, 2, 1)),
        Entry(
            title="The attention of all you know",
            authors=("C. Vaswani",),
            published=date(2017, 3, 1),
        ),
    ]
    ids = papers(*same)
    keys = library.citekeys(ids)
    assert sorted(keys.values()) == [
        "vaswaniAttentionAllYou2017",
        "vaswaniAttentionAllYou2017a",
        "vaswaniAttentionAllYou2017b",
    ]
    # Arrival order decides: the lowest id has the bare key.
    assert keys[min(ids)] == "vaswaniAttentionAllYou2017"
    assert len({k.lower() for k in keys.values()}) == 3


def test_keys_never_change_with_richer_records_or_other_papers(
    library: Library, papers: AddPapers
) -> None:
    # First seen as a text capture: no names, no id.
    (first,) = papers(
        Entry(title="Attention Is All You Need", authors_count=8, published=date(2017, 6, 12))
    )
    before = library.citekeys([first])[first]
    assert before == "AttentionAllYou2017"
    # Later an arXiv listing brings the names and the id: the same paper, the same key.
    papers(VASWANI)
    paper = library.paper(first)
    assert paper.authors == VASWANI.authors
    assert paper.citekey == before
    # Another paper that would make the same key does not move it either.
    (other,) = papers(
        Entry(
            title="Attention is all you need",
            authors_count=2,
            published=date(2017, 7, 1),
            arxiv_id="9999.99999",
        )
    )
    assert library.paper(first).citekey == before
    assert library.paper(other).citekey == before + "a"


def test_the_user_edits_a_key(library: Library, papers: AddPapers) -> None:
    a, b = papers(
        VASWANI, Entry(title="BERT", authors=("Jacob Devlin",), published=date(2018, 10, 11))
    )
    changes = library.set_citekey(a, "vaswani2017")
    assert changes.paper_ids == {a}
    assert library.paper(a).citekey == "vaswani2017"
    assert library.set_citekey(a, "vaswani2017").empty  # nothing changed
    assert library.set_citekey(a, "Vaswani2017").paper_ids == {a}  # case counts as a change
    with pytest.raises(LibraryUsageError, match="taken by paper"):
        library.set_citekey(b, "VASWANI2017")  # taken, ignoring case
    with pytest.raises(LibraryUsageError, match="not valid"):
        library.set_citekey(b, "devlin 2018")
    with pytest.raises(PaperNotFoundError):
        library.set_citekey(999, "whatever")
    assert library.paper(b).citekey == "devlinBERT2018"
    # An import of the same paper again keeps the user's key.
    papers(VASWANI)
    assert library.paper(a).citekey == "Vaswani2017"
    # A new paper whose formula key is the edited one gets a suffix.
    (c,) = papers(Entry(title="Paper", authors=("Q. Vaswani",), published=date(2017, 1, 1)))
    assert library.set_citekey(c, "vaswaniPaper2017x").paper_ids == {c}


def test_a_reset_key_is_the_formulas_again(library: Library, papers: AddPapers) -> None:
    a, b = papers(
        Entry(
            title="Attention Is All You Need", authors=("A. Vaswani",), published=date(2017, 1, 1)
        ),
        Entry(title="Attention: All You Want", authors=("B. Vaswani",), published=date(2017, 2, 1)),
    )
    keys = library.citekeys([a, b])
    bare = "vaswaniAttentionAllYou2017"
    assert sorted(keys.values()) == [bare, bare + "a"]
    holder, other = (a, b) if keys[a] == bare else (b, a)
    library.set_citekey(holder, "mine")
    assert library.reset_citekey(holder).paper_ids == {holder}
    assert library.paper(holder).citekey == bare  # free again
    assert library.reset_citekey(holder).empty
    library.set_citekey(holder, "mine")
    library.set_citekey(other, bare)  # the other paper takes the bare key meanwhile
    library.reset_citekey(holder)
    assert library.paper(holder).citekey == bare + "a"
    with pytest.raises(PaperNotFoundError):
        library.reset_citekey(999)


def test_search_by_key(library: Library, papers: AddPapers) -> None:
    a, b = papers(
        VASWANI, Entry(title="BERT", authors=("Jacob Devlin",), published=date(2018, 10, 11))
    )
    assert library.paper_ids(PaperFilter(search="key:vaswani")) == [a]
    assert library.paper_ids(PaperFilter(search="key:@VASWANIattention")) == [a]
    assert library.paper_ids(PaperFilter(search="-key:vaswani")) == [b]
    assert library.paper_ids(PaperFilter(search="key:vaswani_")) == []  # _ is no wildcard
    assert library.count(PaperFilter(search="key:devlinBERT2018")) == 1


def _old_library(path: Path, titles: list[str]) -> None:
    """A library written before citekeys existed, with papers in it."""
    conn = library_before(path, migrations_base.CITEKEY)
    for title in titles:
        conn.execute(
            "INSERT INTO paper (title, title_key, first_seen, published, authors) "
            "VALUES (?, lower(?), '2026-01-01T00:00:00Z', '2024-05-01', '[\"Ada Lovelace\"]')",
            [title, title],
        )
    conn.close()


def test_papers_from_before_keys_get_theirs_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _old_library(path, ["Notes on the Engine", "Notes on the engine", "Bernoulli Numbers"])
    with open_library(path, daily_backup=False) as library:
        assert library.schema_version == schema.SCHEMA_VERSION
        stored = library.connection.execute(
            "SELECT paper_id, key FROM citekey ORDER BY paper_id"
        ).fetchall()
    assert stored == [
        (1, "lovelaceNotesEngine2024"),
        (2, "lovelaceNotesEngine2024a"),
        (3, "lovelaceBernoulliNumbers2024"),
    ]


def test_a_read_only_library_answers_with_the_keys_it_would_give(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _old_library(path, ["Notes on the Engine", "Notes on the engine"])
    with Library(path) as library:  # migrated, keys not given (no open_library)
        assert library.connection.execute("SELECT count(*) FROM citekey").fetchone()[0] == 0
    with Library(path, read_only=True) as library:
        assert library.citekeys([2, 1]) == {
            1: "lovelaceNotesEngine2024",
            2: "lovelaceNotesEngine2024a",
        }
    with Library(path) as library:
        assert library.citekeys([2]) == {2: "lovelaceNotesEngine2024a"}  # all given, in order
        assert library.citekeys([1]) == {1: "lovelaceNotesEngine2024"}


def test_a_trashed_paper_keeps_its_key_and_gets_it_back(
    library: Library, papers: AddPapers
) -> None:
    (a,) = papers(VASWANI)
    library.set_citekey(a, "mine2017")
    library.trash_papers([a])
    # While it is in the trash nobody else takes the key, and search does not find it.
    (b,) = papers(Entry(title="Other", authors=("Q. Mine",), published=date(2017, 1, 1)))
    with pytest.raises(LibraryUsageError, match="taken"):
        library.set_citekey(b, "MINE2017")
    library.restore_papers([a])
    assert library.paper(a).citekey == "mine2017"
    # Emptied for good: a later paper that gets the same id gets a key of its own.
    library.trash_papers([a])
    library.empty_trash()
    (c,) = papers(Entry(title="Brand New", authors=("Z. Zed",), published=date(2020, 1, 1)))
    assert library.paper(c).citekey == "zedBrandNew2020"


def test_citations_from_a_read_only_library_whose_papers_have_no_keys(tmp_path: Path) -> None:
    from reader.cite import citation_records, export_text

    path = tmp_path / "old.sqlite"
    _old_library(path, ["Paper on engines"] * 1200)  # one formula key for all
    with Library(path) as library:  # migrated, keys not given
        pass
    with Library(path, read_only=True) as library:
        records = citation_records(library, list(range(1200, 0, -1)))
    assert [r.key for r in records[-2:]] == [
        "lovelacePaperEngines2024a",
        "lovelacePaperEngines2024",
    ]
    assert len({r.key for r in records}) == 1200
    assert export_text(records[:1], "bibtex").startswith("@misc{lovelacePaperEngines2024")
