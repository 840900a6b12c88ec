"""Fixtures for the whole suite: isolated user folders, real library files, digest builders."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything can import Qt

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from reader.digests import hf_text
from reader.digests.model import Entry
from reader.library import Library
from tests.factories import SAMPLE_PATH, entry

# No timed assertions: hypothesis's per-example deadline (200 ms) fails a sound test on a
# loaded machine (a cleaning test took 316 ms under a full run beside other work).
settings.register_profile("papershelf", deadline=None)
settings.load_profile("papershelf")


@pytest.fixture(autouse=True)
def _isolated_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test ever reads or writes the real user's data, config or log folders."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("PAPERSHELF_LIBRARY", raising=False)


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """Path of the real Daily Papers capture (vendored in ``tests/digests/samples``)."""
    return SAMPLE_PATH


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """A fresh library file in ``tmp_path``."""
    lib = Library(tmp_path / "library.sqlite")
    yield lib
    lib.close()


DigestWriter = Callable[..., Path]


@pytest.fixture
def write_digest(tmp_path: Path) -> DigestWriter:
    """Write a Daily Papers capture of the given entries (or entry numbers) to a file."""

    def write(
        name: str,
        entries: Sequence[Entry | int],
        *,
        day: date = date(2026, 1, 30),
        folder: Path | None = None,
    ) -> Path:
        items = [entry(e) if isinstance(e, int) else e for e in entries]
        path = (folder or tmp_path / "digests") / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(hf_text.render(items, day), encoding="utf-8")
        return path

    return write
