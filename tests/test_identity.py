"""One paper across formats: a title-only paper gains its arXiv id, ids in any spelling are
one key, same-titled papers with different ids stay apart, user fields are never touched —
end to end through the importer, the library and a watched folder.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.digests import hf_json, hf_text
from reader.digests.model import Digest, Entry
from reader.importer import Importer, ImportOutcome, ImportReport
from reader.keys import normalise_arxiv_id, paper_key
from reader.library import Library, Status, merging
from reader.library.ingest import SourceFile, record_digest
from reader.watcher import FolderWatcher
from reader.worker import LibraryWorker
from tests.digests.samples import SAMPLES, sample

TASTE = "TASTE: Text-Aligned Speech Tokenization and Embedding for Spoken Language Modeling"
TASTE_ID = "2504.07053"
HOGWILD = "Hogwild! Inference: Parallel LLM Generation via Concurrent Attention"
DAILY_JSON = sample("hf-daily-papers-2025-04-10.json")


def capture(tmp_path: Path, titles: list[str], name: str = "Daily Papers.txt") -> Path:
    """A Daily Papers text capture (no ids) of papers with these titles."""
    entries = [
        Entry(
            title=title,
            abstract=f"The abstract of {title}, as the page shows it in one paragraph.",
            authors_count=5,
            published=date(2025, 4, 9),
            comments=1,
        )
        for title in titles
    ]
    path = tmp_path / name
    path.write_text(hf_text.render(entries, date(2025, 4, 10)), encoding="utf-8")
    return path


def by_title(library: Library, title: str) -> list[int]:
    return [p.id for p in library.papers() if p.title == title]


def record(library: Library, *entries: Entry) -> None:
    assert record_digest(library, SourceFile("inline", None, None, "test"), Digest("test", entries))


# ------------------------------------------------------------------------------ ids


@pytest.mark.parametrize(
    "spelling",
    [
        "2411.13560", "2411.13560v2", "arXiv:2411.13560", "arxiv: 2411.13560v11",
        "https://arxiv.org/abs/2411.13560v3", "http://arxiv.org/pdf/2411.13560v1",
        "https://huggingface.co/papers/2411.13560", "oai:arXiv.org:2411.13560v2",
        "10.48550/arXiv.2411.13560",
    ],
)  # fmt: skip
def test_every_spelling_of_an_id_is_the_same_key(spelling: str) -> None:
    assert normalise_arxiv_id(spelling) == "2411.13560"
    assert paper_key("any title", normalise_arxiv_id(spelling)) == "arxiv:2411.13560"


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("arXiv:hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/HEP-TH/9901001v2", "hep-th/9901001"),
        ("arXiv:math.ag/0601001", "math.AG/0601001"),
        ("http://arxiv.org/abs/cond-mat/0001001", "cond-mat/0001001"),
        ("12411.135601", None),
        ("2411.135601", None),
        ("page/1234567x", None),
        ("no id here", None),
    ],
)
def test_old_style_ids_and_digits_that_run_on(spelling: str, expected: str | None) -> None:
    assert normalise_arxiv_id(spelling) == expected


def test_ids_in_three_spellings_are_one_paper(library: Library) -> None:
    for spelling in (
        "2411.13560v2",
        "arXiv:2411.13560",
        "https://huggingface.co/papers/2411.13560",
    ):
        record(library, Entry(title="AMSnet-KG", arxiv_id=spelling, upvotes=3))
    (paper,) = library.papers()
    assert paper.arxiv_id == "2411.13560"
    assert len(paper.appearances) == 3


# ------------------------------------------------------------------------------ title, then id


def test_a_title_only_paper_gains_its_id_and_keeps_the_users_fields(
    library: Library, tmp_path: Path
) -> None:
    importer = Importer(library)
    text = capture(tmp_path, [TASTE, "A Paper Nobody Else Lists"])
    morning = datetime(2025, 4, 10, 9, tzinfo=UTC)  # the JSON was saved that evening
    assert importer.import_file(text, captured_at=morning).new == 2
    (taste_id,) = by_title(library, TASTE)
    before = library.paper(taste_id)
    assert before.arxiv_id is None
    assert before.key.startswith("title:")
    library.add_tags([taste_id], ["speech", "to read"])
    library.set_rating(taste_id, 4)
    library.set_status(taste_id, Status.READING)
    library.set_note(taste_id, "Compare with *SpeechTokenizer*.")
    edited = library.paper(taste_id)

    report = importer.import_file(DAILY_JSON.path, captured_at=DAILY_JSON.captured_at)
    assert report.outcome is ImportOutcome.IMPORTED
    assert (report.entries, report.new, report.updated) == (6, 5, 1)
    assert by_title(library, TASTE) == [taste_id]  # one paper, not two
    after = library.paper(taste_id)
    assert after.arxiv_id == TASTE_ID
    assert after.key == f"arxiv:{TASTE_ID}"
    # The user's fields, untouched.
    assert after.tags == ("speech", "to read")
    assert (after.rating, after.status, after.note) == (4, Status.READING, edited.note)
    assert after.note_updated_at == edited.note_updated_at
    # Importer-owned fields the text capture lacked are filled in; the rest stay.
    assert after.authors == (
        "Liang-Hsuan Tseng",
        "Yi-Chang Chen",
        "Kuan-Yi Lee",
        "Da-Shan Shiu",
        "Hung-yi Lee",
    )
    assert after.upvotes == 31
    assert after.url == f"https://huggingface.co/papers/{TASTE_ID}"
    assert after.abstract == before.abstract
    assert after.comments == 2  # the evening's count replaces the morning's
    assert [a.comments for a in after.appearances] == [1, 2]

    # Later formats find it by its id, whatever title they spell.
    rss = sample("arxiv-rss-cs.CL-2025-09-19.xml")
    assert importer.import_file(rss.path, captured_at=rss.captured_at).new == 4
    final = library.paper(taste_id)
    assert final.categories == ("cs.CL", "cs.SD", "eess.AS")
    assert len(final.appearances) == 3
    assert (final.rating, final.note, final.tags) == (4, edited.note, edited.tags)


def test_the_real_capture_then_the_json(library: Library, sample_path: Path) -> None:
    importer = Importer(library)
    assert importer.import_file(sample_path).new == 48
    (taste_id,) = by_title(library, TASTE)
    library.set_rating(taste_id, 5)
    report = importer.import_file(DAILY_JSON.path, captured_at=DAILY_JSON.captured_at)
    assert report.updated >= 1
    assert library.count() == 48 + 5
    paper = library.paper(taste_id)
    assert (paper.arxiv_id, paper.rating, paper.authors_count) == (TASTE_ID, 5, 5)


def test_two_papers_sharing_a_title_with_different_ids_stay_two(library: Library) -> None:
    title = "Attention Is All You Need"
    record(library, Entry(title=title, arxiv_id="1706.03762"))
    record(library, Entry(title=title, arxiv_id="2401.99999"))
    # A title-only sighting later joins one of them rather than making a third.
    record(library, Entry(title=title))
    assert sorted(p.arxiv_id or "" for p in library.papers()) == ["1706.03762", "2401.99999"]


def test_a_title_only_paper_and_two_ids_in_one_digest(library: Library) -> None:
    """The first id is attached; the second, a different paper, gets a row of its own."""
    title = "A Survey of Surveys"
    record(library, Entry(title=title))
    record(
        library,
        Entry(title=title, arxiv_id="2402.00001"),
        Entry(title=title, arxiv_id="2402.00002"),
    )
    assert sorted(p.arxiv_id or "" for p in library.papers()) == ["2402.00001", "2402.00002"]


def test_one_paper_twice_in_one_digest(library: Library) -> None:
    """Repeated entries of one digest (a page scrolled twice, a revised title) are one paper."""
    record(
        library,
        Entry(title="Fresh Paper"),
        Entry(title="Fresh Paper", arxiv_id="2403.00003", upvotes=2),
        Entry(title="Fresh Paper"),
        Entry(title="Fresh Paper (revised title)", arxiv_id="2403.00003v2"),
    )
    (paper,) = library.papers()
    assert paper.arxiv_id == "2403.00003"
    assert paper.title == "Fresh Paper"
    assert len(paper.appearances) == 4


def test_every_sample_imported_gives_one_paper_per_real_paper(library: Library) -> None:
    importer = Importer(library)
    for item in SAMPLES:
        report = importer.import_file(item.path, captured_at=item.captured_at)
        assert report.outcome is ImportOutcome.IMPORTED, (item.name, report.message)
    papers = list(library.papers())
    # 7 + 3 from the e-mails, 5 + 3 + 3 from the arXiv feeds (the old RSS 1.0 one too),
    # 3 + 2 + 2 from the other feeds (one journal paper is an arXiv paper; the Wiley TOC),
    # 5 + 1 from the Hugging Face files (the 2026 clipping lists papers already there),
    # 1 from the Elsevier TOC.
    assert len(papers) == 35
    ids = [p.arxiv_id for p in papers if p.arxiv_id]
    assert len(ids) == len(set(ids))
    titles = [hf_text_key(p.title) for p in papers]
    assert len(titles) == len(set(titles)), "a paper was split in two"
    # The journal's title-only copy of an arXiv paper joined it.
    (moe,) = [
        p for p in papers if p.title == "Sparse Mixture-of-Experts Are Domain-Robust Learners"
    ]
    assert moe.arxiv_id == "2403.01234"
    assert moe.doi == "10.48550/arXiv.2403.01234"
    assert len(moe.appearances) == 2
    # Papers listed by several formats.
    appearances = {p.arxiv_id: len(p.appearances) for p in papers if p.arxiv_id}
    assert appearances["2411.13560"] == 2  # the two listing e-mails
    assert appearances["2411.13566"] == 2  # the listing and the API
    assert appearances["2308.16137"] == 3  # the listing, the API, the 2026 clipping
    assert appearances[TASTE_ID] == 5  # arXiv RSS, the JSON list, two Markdown clippings, HTML
    assert appearances["2504.06261"] == 5  # JSON list, single paper, two clippings, HTML


def hf_text_key(title: str) -> str:
    return paper_key(title, None)


# ------------------------------------------------------------------------------ watched folder


def wait_until(condition: Callable[[], object], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[LibraryWorker]:
    with LibraryWorker(tmp_path / "library.sqlite") as library_worker:
        yield library_worker


def test_every_format_dropped_into_a_watched_folder_imports(
    worker: LibraryWorker, tmp_path: Path
) -> None:
    inbox = (tmp_path / "inbox").resolve()
    inbox.mkdir()
    reports: list[ImportReport] = []
    errors: list[str] = []
    watcher = FolderWatcher(
        worker, [inbox], quiet_period=0.2, on_report=reports.append, on_error=errors.append
    )
    watcher.start()
    try:
        for item in SAMPLES:
            partial = inbox / (item.name + ".part")  # saved the way browsers do
            shutil.copyfile(item.path, partial)
            partial.replace(inbox / item.name)
        wait_until(lambda: len(reports) >= len(SAMPLES), f"{len(SAMPLES)} reports")
        assert watcher.wait_until_idle(15.0)
    finally:
        watcher.stop()
    assert not errors
    outcomes = {r.path.name: (r.outcome, r.message) for r in reports}
    assert set(outcomes) == {s.name for s in SAMPLES}
    assert all(outcome is ImportOutcome.IMPORTED for outcome, _ in outcomes.values()), outcomes
    records = worker.submit(lambda library: library.digests()).result(15.0)
    assert {(Path(r.path).name, r.format) for r in records} == {(s.name, s.format) for s in SAMPLES}
    count = worker.submit(lambda library: library.count()).result(15.0)
    assert count == 35  # as in test_every_sample_imported_gives_one_paper_per_real_paper


def test_captured_dates_follow_the_file_time(library: Library, tmp_path: Path) -> None:
    """A clipping without a year in its date heading reads it relative to the file's time."""
    clip = tmp_path / "clip.md"
    clip.write_text(
        "## Daily Papers\n\n## Dec 30\n\n3\n\n### [A Paper](https://huggingface.co/papers/2412.00001)\n",
        encoding="utf-8",
    )
    report = Importer(library).import_file(clip, captured_at=datetime(2025, 1, 2, tzinfo=UTC))
    assert report.outcome is ImportOutcome.IMPORTED
    (record_,) = library.digests()
    assert record_.digest_date == date(2024, 12, 30)
    assert record_.format != hf_json.NAME


def test_an_older_digest_fills_upvotes_a_paper_never_had(library: Library) -> None:
    """Counts follow the newest capture, but a missing count is better filled than left."""
    late, early = datetime(2025, 4, 11, tzinfo=UTC), datetime(2025, 4, 10, tzinfo=UTC)
    source = SourceFile("inline", None, None, "test")
    record_digest(library, source, Digest("t", (Entry("P", comments=3),), captured_at=late))
    record_digest(
        library, source, Digest("t", (Entry("P", comments=1, upvotes=9),), captured_at=early)
    )
    (paper,) = library.papers()
    assert (paper.comments, paper.upvotes) == (3, 9)


# ---------------------------------------------------------------------- DOIs are identities


def _journal(library: Library, name: str, entries: list[Entry]) -> None:
    record_digest(
        library, SourceFile(name, 1, name, "test"), Digest(format="rss", entries=tuple(entries))
    )


def test_same_titled_journal_items_with_different_dois_stay_apart(library: Library) -> None:
    editorial = "Editorial"
    _journal(
        library,
        "march",
        [
            Entry(
                editorial,
                "The March issue opens with three studies of grasses.",
                doi="10.1002/tax.1",
            )
        ],
    )
    (first,) = library.paper_ids()
    library.set_note(first, "notes on March")
    library.set_rating(first, 5)
    _journal(
        library,
        "april",
        [
            Entry(
                editorial, "The April issue is about ferns and their spores.", doi="10.1002/TAX.2"
            ),
            Entry("Correction", "A figure was wrong.", doi="10.1002/tax.3"),
            Entry("Correction", "A table was wrong.", doi="10.1002/tax.4"),
        ],
    )
    papers = {p.doi: p for p in library.papers()}
    assert set(papers) == {"10.1002/tax.1", "10.1002/TAX.2", "10.1002/tax.3", "10.1002/tax.4"}
    april = papers["10.1002/TAX.2"]
    assert (april.note, april.rating) == ("", 0)  # nothing inherited from March
    assert "ferns" in april.abstract
    assert library.paper(first).abstract.startswith("The March issue")


def test_a_doi_in_another_spelling_is_the_same_paper(library: Library) -> None:
    _journal(library, "a", [Entry("Grass systematics", "A study.", doi="10.1002/tax.7")])
    _journal(
        library,
        "b",
        [
            Entry(
                "Grass systematics (revised title)", "A study.", doi="https://doi.org/10.1002/TAX.7"
            )
        ],
    )
    assert library.count() == 1
    _journal(library, "c", [Entry("Ferns", "On ferns.", doi="https://doi.org/10.5555/ABC")])
    _journal(library, "d", [Entry("Ferns, revisited title", "On ferns.", doi="doi:10.5555/abc")])
    assert library.count() == 2
    assert {p.doi for p in library.papers()} == {"10.1002/tax.7", "10.5555/ABC"}


def test_a_title_matches_only_without_a_conflicting_identity(library: Library) -> None:
    _journal(library, "a", [Entry("Editorial", "First editorial text here.", doi="10.1/a")])
    _journal(library, "b", [Entry("Editorial", "A capture without any identity at all.")])
    assert library.count() == 1  # no identity on one side: the title decides
    _journal(library, "c", [Entry("Editorial", "Another one.", arxiv_id="2401.00001")])
    _journal(library, "d", [Entry("Editorial", "And another.", arxiv_id="2401.00002")])
    # The arXiv paper may be the DOI'd one (no conflict), the second arXiv id cannot be.
    assert library.count() == 2


# ---------------------------------------------------------------------- better values


def test_merging_sources_takes_the_better_importer_values(library: Library) -> None:
    title = "Scaling laws for grass phylogenies"
    _journal(
        library,
        "toc",
        [
            Entry(
                title,
                "TAXON, EarlyView.",
                authors=("A. Author", "B. Author", "et al."),
                doi="10.1002/tax.9",
            )
        ],
    )
    (paper_id,) = library.paper_ids()
    library.set_note(paper_id, "mine")
    library.add_tags([paper_id], ["grass"])
    abstract = (
        "We fit scaling laws to 4,000 grass phylogenies and find that the number of "
        "species grows as a power of the clade's age, with one exponent across continents."
    )
    _journal(
        library,
        "pubmed",
        [Entry(title, abstract[:80] + "...", authors=("A. Author",), doi="10.1002/tax.9")],
    )
    paper = library.paper(paper_id)
    assert paper.abstract == abstract[:80] + "..."  # a real (cut) abstract over a placeholder
    assert paper.authors == ("A. Author", "B. Author", "et al.")  # more names stay
    _journal(
        library,
        "full",
        [
            Entry(
                title,
                abstract,
                authors=("A. Author", "B. Author", "C. Author", "D. Author"),
                doi="10.1002/tax.9",
            )
        ],
    )
    paper = library.paper(paper_id)
    assert paper.abstract == abstract
    assert paper.authors == ("A. Author", "B. Author", "C. Author", "D. Author")
    assert (paper.note, paper.tags) == ("mine", ("grass",))
    _journal(library, "again", [Entry(title, "TAXON, EarlyView.", doi="10.1002/tax.9")])
    assert library.paper(paper_id).abstract == abstract  # never back to worse


# ---------------------------------------------------------------------- properties of merging

_abstracts = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", ".", "TAXON, EarlyView.", "Abstract", "No abstract available"]),
    st.text(min_size=20, max_size=200).map(lambda t: t + "..."),
)
_authors = st.lists(
    st.one_of(st.text(min_size=1, max_size=20), st.sampled_from(["et al.", "…", "others"])),
    max_size=8,
)


@given(_abstracts, _abstracts)
def test_the_better_abstract_is_never_better_both_ways(a: str, b: str) -> None:
    assert not (merging.better_abstract(a, b) and merging.better_abstract(b, a))
    assert not merging.better_abstract(a, a)


@given(_authors, _authors)
def test_the_better_author_list_is_never_better_both_ways(a: list[str], b: list[str]) -> None:
    assert not (merging.better_authors(a, b) and merging.better_authors(b, a))
    assert not merging.better_authors(a, a)


@given(st.lists(_abstracts, min_size=1, max_size=6))
def test_merging_abstracts_in_any_order_never_ends_worse_than_it_started(
    sources: list[str],
) -> None:
    kept = sources[0]
    for incoming in sources[1:]:
        if incoming.strip() and merging.better_abstract(kept, incoming):
            kept = incoming.strip()
    assert not merging.better_abstract(kept, sources[0]) or not sources[0].strip()
