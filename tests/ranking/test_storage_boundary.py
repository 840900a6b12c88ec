"""SQL stays inside ``reader/library/``: the ranking (and every other package) calls its
typed functions, never a connection's ``execute`` of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from reader.library import Library, LibraryError, interest, interest_scores

ROOT = Path(__file__).resolve().parents[2]
_SQL_CALLS = {"execute", "executemany", "executescript"}


def _sql_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _SQL_CALLS
    ]


def test_no_sql_runs_outside_the_library_package() -> None:
    library_package = ROOT / "reader" / "library"
    found: list[str] = []
    for folder in (ROOT / "reader", ROOT / "ui"):
        for path in sorted(folder.rglob("*.py")):
            if library_package not in path.parents:
                found += _sql_calls(path)
    assert found == []


def test_a_snapshot_keeps_seeing_the_state_it_began_with(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as writer:
        first = interest.state(writer)
        with interest.open_snapshot(path) as snapshot:
            assert interest.state(snapshot) == first
            interest_scores.clear_scores(writer, interest.InterestState(generation=7, message="x"))
            assert interest.state(writer).generation == 7
            assert interest.state(snapshot) == first  # the writer's commit is not seen
        with interest.open_snapshot(path) as later:
            assert interest.state(later).generation == 7
            assert not later.writable


def test_a_snapshot_of_no_library_says_so_and_makes_no_file(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here.sqlite"
    with pytest.raises(LibraryError, match="nothing-here"):
        interest.open_snapshot(missing)
    assert not missing.exists()
