"""Fixtures for the citation tests: papers written through the importer's real path."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import pytest

from reader.digests.model import Digest, Entry
from reader.library import Library
from reader.library.ingest import SourceFile, record_digest

AddPapers = Callable[..., list[int]]
_counter = itertools.count()


def add_papers(library: Library, entries: Sequence[Entry]) -> list[int]:
    """Import ``entries`` as one digest; returns the papers' ids in the entries' order."""
    n = next(_counter)
    source = SourceFile(path=f"digest-{n}.json", size=None, sha256=f"{n:064x}", parser_version="t")
    result = record_digest(library, source, Digest(format="test", entries=tuple(entries)))
    assert result is not None
    ids = []
    for e in entries:
        found = [p for p in library.papers() if p.title == e.title]
        assert found, e.title
        ids.append(found[0].id)
    return ids


@pytest.fixture
def papers(library: Library) -> AddPapers:
    """``papers(entry, entry, …)`` imports entries into the test library."""

    def add(*entries: Entry) -> list[int]:
        return add_papers(library, entries)

    return add
