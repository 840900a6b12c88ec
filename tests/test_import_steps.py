"""Large digests are written in steps (short locks), still whole or not at all in the log."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from reader.digests.model import Digest, Entry
from reader.library import Library, import_steps
from reader.library.ingest import SourceFile, record_digest
from reader.library.opening import open_library


def digest(first: int, count: int) -> Digest:
    return Digest(
        "test",
        tuple(
            Entry(
                title=f"Stepped paper {n}",
                abstract=f"Paper {n} is about steps and locks and waiting writers.",
                authors_count=2,
                published=date(2025, 5, 1),
                comments=n % 3,
            )
            for n in range(first, first + count)
        ),
        date(2026, 1, 30),
    )


@pytest.fixture
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_steps, "STEP", 25)
    monkeypatch.setattr(import_steps, "STEP_PAUSE", 0.0)


def snapshot(library: Library) -> list[tuple[object, ...]]:
    return [
        (p.title, p.abstract, p.comments, len(p.appearances))
        for p in library.papers_by_id(library.paper_ids())
    ]


def test_a_stepped_import_is_the_same_as_one_transaction(
    tmp_path: Path, small_steps: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    mixed = Digest("test", (*digest(0, 60).entries, *digest(30, 100).entries), date(2026, 1, 30))
    results = []
    for name, step in (("one", 10_000), ("steps", 25)):
        monkeypatch.setattr(import_steps, "STEP", step)
        with Library(tmp_path / f"{name}.sqlite") as library:
            record_digest(library, SourceFile("a", 1, "a", "t"), digest(0, 40))
            result = record_digest(library, SourceFile("b", 1, "b", "t"), mixed)
            assert result is not None
            results.append((result.new, result.updated, result.entries, snapshot(library)))
            assert library.db.execute("SELECT count(*) FROM import_step").fetchone()[0] == 0
    assert results[0] == results[1]
    assert results[1][0] == 90  # 130 distinct papers, 40 known
    with Library(tmp_path / "steps.sqlite") as library:
        first = library.paper(library.paper_ids()[0])
        assert first.title == "Stepped paper 40"  # the first new one: ids follow the page


def _killed_import(path: Path, after_steps: int) -> None:
    script = f"""
import os
from reader.library import import_steps
from reader.library.ingest import SourceFile, record_digest
from reader.library.store import Library
from tests.test_import_steps import digest
import_steps.STEP, import_steps.STEP_PAUSE = 25, 0.0
real = import_steps.created
steps = 0
def created(conn, token, ids):
    global steps
    real(conn, token, ids)
    steps += 1
    if steps > {after_steps}:
        os._exit(9)  # killed inside a step: that step never commits
import_steps.created = created
with Library({str(path)!r}) as library:
    library.set_rating(1, 5)
    record_digest(library, SourceFile("big.txt", 1, "big", "t"), digest(10, 200))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=Path(__file__).parents[1], check=False, timeout=60
    )
    assert result.returncode == 9


def test_a_killed_stepped_import_is_rolled_back_on_the_next_open(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    with Library(path) as library:
        record_digest(library, SourceFile("seed", 1, "seed", "t"), digest(0, 10))
    _killed_import(path, after_steps=3)
    with Library(path) as library:
        assert library.count() == 10 + 3 * 25  # steps are visible; the digest is not
        assert len(library.digests()) == 1
        created = library.paper_ids()[:1]
        library.set_note(created[0], "written while the import ran")
    warnings: list[str] = []
    with open_library(path, daily_backup=False, on_warning=warnings.append) as library:
        assert any("big.txt was interrupted" in w for w in warnings)
        assert library.count() == 11  # the seed, and the paper the user wrote a note on
        assert library.paper(created[0]).note == "written while the import ran"
        assert library.paper(1).rating == 5
        result = record_digest(library, SourceFile("big.txt", 1, "big", "t"), digest(10, 200))
        assert result is not None
        assert library.count() == 210
        assert library.paper(created[0]).note == "written while the import ran"


def test_a_stepped_import_running_elsewhere_is_not_rolled_back(
    tmp_path: Path, small_steps: None
) -> None:
    path = tmp_path / "lib.sqlite"
    with Library(path) as library:
        conn = library.connection
        conn.execute("BEGIN IMMEDIATE")
        token = import_steps.begin(conn, "running.txt")  # this process: alive
        conn.execute("COMMIT")
        assert import_steps.recover(conn) == []
        assert conn.execute("SELECT token FROM import_step").fetchone()[0] == token
