"""``papershelf cite`` and ``papershelf citekey`` on libraries fed with real digest files,
and the citekeys in exported vault notes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import bibtexparser
import pybtex.errors
import pytest
import rispy
from pybtex.database import parse_string

from reader.cli import main
from reader.export import ExportOptions, export_notes
from reader.importer import Importer
from reader.library import Library
from tests.digests.samples import sample
from tests.factories import run_papershelf
from tests.test_export_support import notes_by_id, split_note

LISTING = "arxiv-cs-listing-2024-11-21.txt"


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    """A library file holding an arXiv listing, a Hugging Face JSON and a bioRxiv feed."""
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        importer = Importer(library)
        for name in (LISTING, "hf-daily-papers-2025-04-10.json", "biorxiv-neuroscience.rss"):
            item = sample(name)
            assert importer.import_file(item.path, captured_at=item.captured_at).ok
    return path


def papershelf(library: Path, *args: str) -> tuple[int, str, str]:
    """Run the command line in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    status = main(["--library", str(library), *args], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def paper_id(library: Path, arxiv_id: str) -> int:
    with Library(library) as lib:
        return next(p.id for p in lib.papers() if p.arxiv_id == arxiv_id)


def test_every_paper_as_bibtex_parses_strictly(shelf: Path) -> None:
    result = run_papershelf(shelf, "cite", "--format", "bibtex")
    assert result.returncode == 0, result.stderr
    pybtex.errors.set_strict_mode(True)
    data = parse_string(result.stdout, "bibtex")
    parsed = bibtexparser.parse_string(result.stdout)
    assert not parsed.failed_blocks
    with Library(shelf) as library:
        count = library.count()
        water = next(p for p in library.papers() if p.arxiv_id == "2411.13566")
    assert len(data.entries) == len(parsed.entries) == count
    entry = data.entries[water.citekey]
    assert entry.type == "article"  # a journal DOI: an article that keeps its eprint
    assert entry.fields["doi"] == "10.1016/j.jenvman.2024.122526"
    assert entry.fields["eprint"] == "2411.13566"
    assert entry.fields["archivePrefix"] == "arXiv"
    assert entry.fields["primaryClass"] == "cs.AI"
    assert [str(p) for p in entry.persons["author"]][:2] == ["Otamendi, Urtzi", "Maiza, Mikel"]
    preprints = [e for e in data.entries.values() if e.type == "misc" and "eprint" in e.fields]
    assert preprints
    for e in preprints:
        assert e.fields["doi"] == f"10.48550/arXiv.{e.fields['eprint']}"
        assert not e.fields["eprint"].lower().startswith("arxiv")


def test_ids_filters_formats_and_a_file(shelf: Path, tmp_path: Path) -> None:
    water = paper_id(shelf, "2411.13566")
    target = tmp_path / "refs.bib"
    status, out, err = papershelf(
        shelf, "cite", str(water), "--format", "biblatex", "--to", str(target)
    )
    assert status == 0, err
    assert out.strip() == f"1 paper written to {target}"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("@article{")
    assert "eprinttype = {arxiv}" in text
    status, out, _ = papershelf(shelf, "cite", "--format", "csl-json", "--search", "water")
    items = json.loads(out)
    assert items
    assert all("water" in (i["title"] + i.get("abstract", "")).lower() for i in items)
    status, out, _ = papershelf(shelf, "cite", "--format", "ris")
    assert status == 0
    assert rispy.loads(out)
    status, out, _ = papershelf(shelf, "cite", str(water), "--format", "text", "--style", "ieee")
    assert out.startswith("[1] U. Otamendi, M. Maiza")
    status, out, _ = papershelf(shelf, "cite", "--status", "archived")
    assert status == 0
    assert out == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cite", "99999"], "there is no paper with id 99999"),
        (["cite", "--format", "text", "--style", "harvard"], "unknown citation style 'harvard'"),
        (["cite", "--style", "apa"], "--style is for --format text"),
        (["cite", "--search", "rating:9"], "rating:"),
        (["citekey", "1", "two words"], "is not valid"),
        (["citekey", "99999"], "there is no paper with id 99999"),
    ],
)
def test_bad_requests_say_what_is_wrong(shelf: Path, args: list[str], message: str) -> None:
    status, _out, err = papershelf(shelf, *args)
    assert status == 2
    assert message in err
    assert err.count("\n") == 1  # one line, no traceback


def test_writing_into_a_folder_is_refused(shelf: Path, tmp_path: Path) -> None:
    status, _, err = papershelf(shelf, "cite", "--to", str(tmp_path))
    assert status == 2
    assert "is a folder" in err


def test_a_key_edited_from_the_command_line(shelf: Path) -> None:
    water = paper_id(shelf, "2411.13566")
    status, out, _ = papershelf(shelf, "citekey", str(water))
    assert (status, out) == (0, "otamendiIntegratedWaterResource2024\n")
    assert papershelf(shelf, "citekey", str(water), "otamendi2024water")[1].strip() == (
        "otamendi2024water"
    )
    other = next(
        i for i in range(1, 50) if i != water and papershelf(shelf, "citekey", str(i))[0] == 0
    )
    status, _, err = papershelf(shelf, "citekey", str(other), "OTAMENDI2024WATER")
    assert status == 2
    assert "is taken by paper" in err
    status, out, _ = papershelf(shelf, "list", "--json", "--search", "key:otamendi2024")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["citekey"] for r in rows] == ["otamendi2024water"]


def test_list_json_rows_carry_the_citekey(shelf: Path) -> None:
    _status, out, _ = papershelf(shelf, "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows
    assert all(r["citekey"] for r in rows)
    assert len({r["citekey"].lower() for r in rows}) == len(rows)


def test_keys_stay_when_the_same_papers_come_again(shelf: Path) -> None:
    with Library(shelf) as library:
        before = {p.id: p.citekey for p in library.papers()}
        importer = Importer(library)
        item = sample("arxiv-rss-cs.CL-2025-09-19.xml")
        assert importer.import_file(item.path, captured_at=item.captured_at).ok
        after = {p.id: p.citekey for p in library.papers()}
    assert all(after[i] == key for i, key in before.items())


def test_vault_notes_carry_the_key_and_the_index_cites_it(shelf: Path, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    with Library(shelf) as library:
        report = export_notes(library, ExportOptions(folder=vault))
        assert not report.errors
        papers = {p.id: p for p in library.papers()}
        notes = notes_by_id(vault)
        for paper_id_, path in notes.items():
            data, _ = split_note(path)
            key = papers[paper_id_].citekey
            assert data["citekey"] == key
            assert data["aliases"] == [f"@{key}"]
        index = (vault / "Reading list.md").read_text(encoding="utf-8")
        for paper in papers.values():
            assert f"[@{paper.citekey}]" in index
        # An edited key reaches the note on the next export.
        first = next(iter(notes))
        library.set_citekey(first, "renamedKey2024")
        again = export_notes(library, ExportOptions(folder=vault))
        assert notes[first] in again.written
        assert split_note(notes[first])[0]["aliases"] == ["@renamedKey2024"]
