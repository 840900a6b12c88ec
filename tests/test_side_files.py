"""The library's side files (the citation and interest caches) open the same forgiving
way: a file of theirs is reused, one of another format version is emptied, and one that
cannot be used (damaged, in a folder that cannot be written) leaves the cache in memory."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader.library import citation_cache, interest_cache
from reader.library.citation_cache import CachedEntry, CitationCache
from reader.library.interest_cache import FeatureCache


def _fill_citations(cache: CitationCache) -> None:
    assert cache.store("apa/html", [("vaswani2017", CachedEntry(b"d" * 16, "An entry", "[]"))])


def _fill_interest(cache: FeatureCache) -> None:
    cache.put([(7, 11, b"counts")], meta={"model": b"fitted"})


CACHES: list[tuple[Any, Callable[[Any], None], int, Callable[[Any], int]]] = [
    (CitationCache, _fill_citations, citation_cache.CACHE_VERSION, lambda c: c.count()),
    (FeatureCache, _fill_interest, interest_cache.CACHE_VERSION, lambda c: c.count()),
]
IDS = ["citations", "interest"]


@pytest.mark.parametrize(("kind", "fill", "version", "count"), CACHES, ids=IDS)
def test_a_side_file_is_reused_and_emptied_when_of_another_version(
    tmp_path: Path, kind: Any, fill: Callable[[Any], None], version: int, count: Any
) -> None:
    path = tmp_path / "library.sqlite.side"
    with kind(path) as cache:
        assert cache.persistent
        fill(cache)
    with kind(path) as cache:
        assert cache.persistent
        assert count(cache) == 1
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute(f"PRAGMA user_version = {version + 1}")
    conn.close()
    with kind(path) as cache:
        assert cache.persistent
        assert count(cache) == 0
        fill(cache)  # the tables are made again
        assert count(cache) == 1
    if kind is FeatureCache:
        with kind(path) as cache:
            assert cache.meta("model") == b"fitted"


@pytest.mark.parametrize(("kind", "fill", "version", "count"), CACHES, ids=IDS)
def test_a_side_file_that_cannot_be_used_leaves_the_cache_in_memory(
    tmp_path: Path, kind: Any, fill: Callable[[Any], None], version: int, count: Any
) -> None:
    del version
    damaged = tmp_path / "damaged.side"
    damaged.write_bytes(b"this is not a database" * 100)
    locked = tmp_path / "read-only"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        for path in (damaged, locked / "library.sqlite.side"):
            with kind(path) as cache:
                if path.parent == locked and os.geteuid() == 0:
                    continue  # root writes anywhere: the folder is no obstacle
                assert not cache.persistent
                fill(cache)
                assert count(cache) == 1
        assert damaged.read_bytes() == b"this is not a database" * 100  # left as it was
    finally:
        locked.chmod(0o700)


def test_an_in_memory_cache_is_no_file() -> None:
    for kind in (CitationCache, FeatureCache):
        with kind(None) as cache:
            assert not cache.persistent
            assert cache.count() == 0
