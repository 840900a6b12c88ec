"""Exported notes carry what the richer formats give: author names, categories, DOI, links
and upvotes — and notes of papers without them stay exactly as before.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reader.digests import hf_text
from reader.export import ExportOptions, export_notes
from reader.importer import Importer
from reader.library import Library
from tests.digests.samples import sample
from tests.factories import entry
from tests.test_export_support import notes_by_id, split_note


def export(library: Library, folder: Path) -> dict[int, Path]:
    report = export_notes(library, ExportOptions(folder=folder))
    assert not report.errors
    assert not report.conflicts
    return notes_by_id(folder)


def import_samples(library: Library, *names: str) -> None:
    importer = Importer(library)
    for name in names:
        item = sample(name)
        assert importer.import_file(item.path, captured_at=item.captured_at).ok


def test_an_arxiv_paper_with_a_journal_doi(library: Library, tmp_path: Path) -> None:
    import_samples(library, "arxiv-cs-listing-2024-11-21.txt")
    notes = export(library, tmp_path / "vault")
    water = next(p for p in library.papers() if p.arxiv_id == "2411.13566")
    data, body = split_note(notes[water.id])
    # The keys every note had keep their meaning: "authors" is the count.
    assert data["authors"] == 6
    assert data["arxiv"] == "2411.13566"
    assert data["source"] == "https://arxiv.org/abs/2411.13566"
    assert data["author_names"] == [
        "Urtzi Otamendi", "Mikel Maiza", "Igor G. Olaizola", "Basilio Sierra", "Markel Flores",
        "Marco Quartulli",
    ]  # fmt: skip
    assert data["categories"] == ["cs.AI"]
    assert data["doi"] == "10.1016/j.jenvman.2024.122526"
    assert "url" not in data  # the same as the source
    assert "upvotes" not in data  # arXiv has none
    assert "Urtzi Otamendi, Mikel Maiza, Igor G. Olaizola" in body
    assert "[arXiv:2411.13566](https://arxiv.org/abs/2411.13566)" in body
    assert (
        "[doi:10.1016/j.jenvman.2024.122526](https://doi.org/10.1016/j.jenvman.2024.122526)" in body
    )
    assert body.index("Urtzi Otamendi") < body.index("## Abstract")


def test_a_hugging_face_paper_with_upvotes_and_its_page(library: Library, tmp_path: Path) -> None:
    import_samples(library, "hf-daily-papers-2025-04-10.json")
    notes = export(library, tmp_path / "vault")
    hogwild = next(p for p in library.papers() if p.arxiv_id == "2504.06261")
    data, body = split_note(notes[hogwild.id])
    assert data["upvotes"] == 112
    assert data["url"] == "https://huggingface.co/papers/2504.06261"
    assert data["organization"] == "Yandex"
    assert len(data["author_names"]) == 8
    assert "doi" not in data
    assert "categories" not in data
    assert "<https://huggingface.co/papers/2504.06261>" in body
    zero = next(p for p in library.papers() if p.arxiv_id == "2504.06958")
    assert split_note(notes[zero.id])[0]["upvotes"] == 0  # zero is a value, not nothing


def test_a_feed_paper_without_an_arxiv_id(library: Library, tmp_path: Path) -> None:
    import_samples(library, "biorxiv-neuroscience.rss")
    notes = export(library, tmp_path / "vault")
    paper = next(p for p in library.papers() if p.title.startswith("Hippocampal replay"))
    data, body = split_note(notes[paper.id])
    assert "arxiv" not in data
    assert data["doi"] == "10.1101/2024.11.18.624137"
    assert data["url"] == paper.url
    assert data["author_names"] == [
        "Alvarez, M.",
        "Nakamura, K.",
        "O'Brien, S. T.",
        "Lindqvist, E.",
    ]
    assert (
        f"[doi:10.1101/2024.11.18.624137](https://doi.org/10.1101/2024.11.18.624137) · <{paper.url}>"
        in body
    )


def test_a_text_capture_paper_gets_no_new_keys_or_lines(library: Library, tmp_path: Path) -> None:
    """Nothing new to say: the note is what it was before these formats existed."""
    capture = tmp_path / "Daily Papers.txt"
    capture.write_text(hf_text.render([entry(1), entry(2)], date(2026, 1, 30)), encoding="utf-8")
    assert Importer(library).import_file(capture).ok
    notes = export(library, tmp_path / "vault")
    for paper in library.papers():
        data, body = split_note(notes[paper.id])
        assert set(data) == {
            "title", "papershelf_id", "published", "authors", "status", "rating", "tags",
            "digests", "first_seen", "source",
        }  # fmt: skip
        assert body.startswith(f"\n# {paper.title}\n\n## Abstract\n\n{paper.abstract}\n")


def test_a_clipped_paper_links_its_page(library: Library, tmp_path: Path) -> None:
    import_samples(library, "hf-daily-papers-2025-04-10.md")  # upvotes, no names
    notes = export(library, tmp_path / "vault")
    omnisvg = next(p for p in library.papers() if p.arxiv_id == "2504.06263")
    data, body = split_note(notes[omnisvg.id])
    assert (data["upvotes"], data["url"]) == (27, "https://huggingface.co/papers/2504.06263")
    assert "author_names" not in data
    lines = [line for line in body.split("\n") if line]
    assert lines[0].startswith("# OmniSVG")
    assert lines[1] == (
        "[arXiv:2504.06263](https://arxiv.org/abs/2504.06263) · "
        "<https://huggingface.co/papers/2504.06263>"
    )
