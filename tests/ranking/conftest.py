"""Fixtures for the ranking tests: libraries of real arXiv papers, imported for real."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.ranking_corpus import records, write_digests
from reader.importer import Importer
from reader.library import Library


@pytest.fixture(scope="session")
def corpus_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library holding the 205 real arXiv papers of the benchmark corpus (built once)."""
    folder = tmp_path_factory.mktemp("corpus")
    path = folder / "template.sqlite"
    with Library(path) as library:
        Importer(library).import_paths(write_digests(folder / "digests", records()))
    return path


@pytest.fixture
def corpus(tmp_path: Path, corpus_template: Path) -> Iterator[Library]:
    """A fresh copy of the corpus library for one test."""
    path = tmp_path / "library.sqlite"
    shutil.copyfile(corpus_template, path)
    library = Library(path)
    yield library
    library.close()


def field_of(library: Library) -> dict[int, str]:
    """Each paper's field: the archive of its primary category (``hep-*`` together)."""
    out: dict[int, str] = {}
    for paper in library.papers_by_id(library.paper_ids(), with_appearances=False):
        archive = paper.categories[0].split(".", 1)[0]
        out[paper.id] = "hep" if archive.startswith("hep-") else archive
    return out
