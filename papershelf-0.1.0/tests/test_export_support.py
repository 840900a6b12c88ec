"""Shared builders and checks for the export tests (no tests here; named to sit with them)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from reader.digests.model import Digest, Entry
from reader.library import Library
from reader.library.ingest import SourceFile, record_digest

_counter = itertools.count(1)
_INVALID = frozenset('<>:"/\\|?*')
_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³"
}


def add_papers(
    library: Library,
    titles: Sequence[str],
    *,
    arxiv: bool = True,
    day: date = date(2026, 1, 30),
) -> list[int]:
    """Add one paper per title (distinct even when titles repeat); their ids, in order."""
    batch = next(_counter)
    entries = tuple(
        Entry(
            title=title,
            abstract=f"Abstract of paper {n}: we study things.",
            authors_count=2,
            published=date(2025, 3, 1),
            arxiv_id=f"2501.{batch:02d}{n:03d}" if arxiv else None,
        )
        for n, title in enumerate(titles)
    )
    source = SourceFile(f"synthetic-{batch}.txt", None, None, "test")
    result = record_digest(library, source, Digest(format="test", entries=entries, date=day))
    assert result is not None
    rows = library.db.execute(
        "SELECT paper_id FROM appearance WHERE digest_id = ? ORDER BY position",
        [result.digest_id],
    ).fetchall()
    return [r[0] for r in rows]


def split_note(path: Path) -> tuple[dict[str, Any], str]:
    """A note's front matter, parsed by a real YAML parser, and its body."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), text[:80]
    end = text.index("\n---\n", 3)
    data = yaml.safe_load(text[4:end])
    assert isinstance(data, dict)
    return data, text[end + 5 :]


def notes_by_id(folder: Path) -> dict[int, Path]:
    """Every paper note in ``folder`` by the ``papershelf_id`` in its front matter."""
    found: dict[int, Path] = {}
    for path in folder.glob("*.md"):
        if ".conflict" in path.name or not path.read_bytes().startswith(b"---\n"):
            continue
        data, _ = split_note(path)
        if "papershelf_id" in data:
            assert data["papershelf_id"] not in found, f"two notes for {data['papershelf_id']}"
            found[data["papershelf_id"]] = path
    return found


def assert_portable_name(name: str) -> None:
    """A file name valid on Windows, macOS and Linux, within the length limits."""
    assert name, "empty name"
    assert len(name) <= 120, (len(name), name)
    assert len(name.encode("utf-8")) <= 240, name
    assert not any(ch in _INVALID or ord(ch) < 32 for ch in name), name
    assert not name.startswith("."), name
    assert not name.endswith((".", " ")), name
    assert name.split(".", maxsplit=1)[0].rstrip(" ").upper() not in _DEVICES, name
    assert not re.search(r"[\u202a-\u202e\u2066-\u2069]", name), name


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under ``folder``: (mtime_ns, inode, content), by relative path."""
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_ino, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
