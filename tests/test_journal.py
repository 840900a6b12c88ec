"""The journal a paper is in: read from every format that names one, stored, bettered."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import reader.digests as digests
from reader.digests.model import Digest, Entry
from reader.importer import Importer, ImportOutcome
from reader.library import Library
from reader.library.ingest import SourceFile, record_digest
from reader.library.merging import better_journal
from tests.digests.samples import sample

CAPTURED = datetime(2024, 8, 5, tzinfo=UTC)


def _ingest(library: Library, *entries: Entry, name: str = "x") -> None:
    digest = Digest(format="test", entries=entries, captured_at=CAPTURED)
    record_digest(library, SourceFile(name, None, name, "test"), digest)


def test_a_real_wiley_feed_names_the_journal_of_each_item() -> None:
    wiley = sample("wiley-chembiochem-2024-08-04.rss")
    digest = digests.parse(wiley.path, captured_at=wiley.captured_at)
    # prism:publicationName of the item, not the channel's "ChemBioChem (no repeats)".
    assert {e.journal for e in digest.entries} == {"ChemBioChem"}


def test_a_preprint_server_is_no_journal() -> None:
    biorxiv = sample("biorxiv-neuroscience.rss")
    digest = digests.parse(biorxiv.path, captured_at=biorxiv.captured_at)
    assert {e.journal for e in digest.entries} == {None}  # prism:publicationName "bioRxiv"


def test_dc_source_names_the_journal_when_prism_does_not() -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<channel><title>TOC</title><item><title>A Study</title>"
        "<link>https://example.org/a</link><dc:source>Journal of Studies</dc:source>"
        "</item></channel></rss>"
    )
    (paper,) = digests.parse_bytes(feed.encode(), captured_at=CAPTURED).entries
    assert paper.journal == "Journal of Studies"


def test_imported_journals_are_stored_and_read_back(library: Library, tmp_path: Path) -> None:
    wiley = sample("wiley-chembiochem-2024-08-04.rss")
    report = Importer(library).import_file(wiley.path, captured_at=wiley.captured_at)
    assert report.outcome is ImportOutcome.IMPORTED
    assert {p.journal for p in library.papers()} == {"ChemBioChem"}
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{k, title={Attention Is All You Need}, author={Vaswani, Ashish},"
        " journal={Advances in Neural Information Processing Systems}, year={2017}}\n",
        encoding="utf-8",
    )
    assert Importer(library).import_file(bib).outcome is ImportOutcome.IMPORTED
    paper = next(p for p in library.papers() if p.title == "Attention Is All You Need")
    assert paper.journal == "Advances in Neural Information Processing Systems"


def test_the_whole_journal_name_replaces_an_abbreviation_or_a_cut_one(library: Library) -> None:
    _ingest(library, Entry(title="A Paper", doi="10.1/a", journal="J. Mach. Learn. Res."), name="1")
    _ingest(library, Entry(title="A Paper", doi="10.1/a", journal="Journal of Machine Learning Research"), name="2")  # fmt: skip
    _ingest(library, Entry(title="A Paper", doi="10.1/a", journal="Other Journal"), name="3")
    (paper,) = library.papers()
    assert paper.journal == "Journal of Machine Learning Research"


@pytest.mark.parametrize(
    ("current", "incoming", "better"),
    [
        ("", "Nature", True),
        ("Nature", "Nature", False),
        ("Nature", "Science", False),  # two full names: the first stays
        ("J. Mach. Learn. Res.", "Journal of Machine Learning Research", True),
        ("Journal of Machine…", "Journal of Machine Learning Research", True),
        ("Journal of Machine Learning Research", "J. Mach. Learn. Res.", False),
        ("Phys. Rev. D", "Physical Review Letters", False),
    ],
)
def test_better_journal(current: str, incoming: str, better: bool) -> None:
    assert better_journal(current, incoming) is better


def test_the_vault_note_names_the_journal(library: Library, tmp_path: Path) -> None:
    from reader.export import ExportOptions, export_notes

    _ingest(library, Entry(title="A Paper", doi="10.1/a", journal="Journal: of Papers"))
    report = export_notes(library, ExportOptions(folder=tmp_path / "vault"))
    heads = [p.read_text(encoding="utf-8").split("\n---\n", 1)[0] for p in report.written]
    (head,) = [h for h in heads if "title: " in h and "A Paper" in h]
    assert "journal: 'Journal: of Papers'" in head or 'journal: "Journal: of Papers"' in head


def test_a_real_elsevier_toc_feed_field_by_field() -> None:
    """The Journal of Pediatrics' RSS 1.0 feed (Atypon): prism:publicationName is the
    journal, not dc:source's citation text; dc:identifier is the DOI."""
    jpeds = sample("elsevier-jpeds-2018-12-17.rdf")
    (paper,) = digests.parse(jpeds.path, captured_at=jpeds.captured_at).entries
    assert paper.title == (
        "HIV Exposure and Formula Feeding Predict Under-2 Mortality in HIV-Uninfected "
        "Children, Botswana"
    )
    assert paper.journal == "The Journal of Pediatrics"
    assert paper.doi == "10.1016/j.jpeds.2018.08.009"
    assert paper.authors_count == 13
    assert paper.authors[0] == "Gbolahan Ajibola"
    assert paper.authors[-1] == "Shahin Lockman"
    assert paper.published is not None
    assert paper.published.isoformat() == "2018-10-11"
    assert paper.abstract.startswith("To prospectively assess rates")
