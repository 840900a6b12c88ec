"""Fixtures shared by the digest parser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE_NAME = "hf-daily-papers-2026-01-30.txt"


def find_sample() -> Path | None:
    """The real capture in ``shared/digests``, beside the repository or further up."""
    repo_root = Path(__file__).resolve().parents[2]
    for folder in (repo_root.parent, *repo_root.parent.parents):
        candidate = folder / "shared" / "digests" / SAMPLE_NAME
        if candidate.is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """Path of the real Daily Papers capture; skips the test when it is not available."""
    path = find_sample()
    if path is None:
        pytest.skip(f"the sample capture {SAMPLE_NAME} is not available (no shared/digests)")
    return path
