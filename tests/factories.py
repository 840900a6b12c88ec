"""Builders for test data: synthetic digest entries and the location of the real sample."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path

from reader.digests.model import Entry

SAMPLE_NAME = "hf-daily-papers-2026-01-30.txt"
SAMPLE_CAPTURED = datetime(2026, 1, 30, 18, 0, tzinfo=UTC)


SAMPLE_PATH = Path(__file__).resolve().parent / "digests" / "samples" / SAMPLE_NAME
"""The real Daily Papers capture, vendored so that the suite is whole wherever it is cloned."""


def find_sample() -> Path:
    """The real capture vendored in ``tests/digests/samples``."""
    return SAMPLE_PATH


def entry(
    n: int,
    *,
    title: str | None = None,
    authors: int | None = 3,
    organization: str | None = None,
    published: date | None = date(2025, 5, 1),
    comments: int | None = None,
) -> Entry:
    """A synthetic digest entry numbered ``n``."""
    return Entry(
        title=title or f"Paper number {n}: a study of synthetic digests",
        abstract=f"We study synthetic digest number {n} and find that it parses well. " * 3,
        authors_count=None if organization else authors,
        organization=organization,
        organization_handle=organization.lower().replace(" ", "-") if organization else None,
        published=published,
        comments=comments,
    )


def run_papershelf(
    library: Path, *args: str, stdin: str | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m reader --library LIBRARY ARGS…`` in a subprocess; never a traceback.

    ``stdin`` is the text it reads; ``env``, when given, is its whole environment.
    """
    result = subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(library), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result
