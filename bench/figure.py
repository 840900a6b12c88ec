"""A row of ``make bench``'s table (:class:`Figure`), the sizes each run uses and where
results and cached libraries go."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("PAPERSHELF_BENCH_CACHE") or ROOT / ".cache")
RESULTS = ROOT / "results"


@dataclass
class Figure:
    """One row of the table."""

    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    target: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value / baseline, when both are known."""
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


def at_most(
    name: str,
    value: float,
    limit: float,
    unit: str,
    *,
    note: str = "",
    baseline: float | None = None,
    target: str = "",
) -> Figure:
    """A figure whose target is a ceiling: it passes when ``value`` is at most ``limit``
    (the target reads "≤ limit unit" unless another wording is given)."""
    return Figure(
        name,
        value,
        unit,
        baseline=baseline,
        target=target or f"≤ {limit:g} {unit}",
        passed=value <= limit,
        note=note,
    )


@dataclass(frozen=True)
class Sizes:
    """How big each benchmark runs."""

    digests: int
    library_papers: int
    queries: int
    export_papers: int
    watch_samples: int
    query_stride: int = 1


FULL = Sizes(
    digests=1000, library_papers=100_000, queries=200, export_papers=10_000, watch_samples=20
)
QUICK = Sizes(
    digests=60,
    library_papers=5_000,
    queries=60,
    export_papers=2_000,
    watch_samples=5,
    query_stride=5,
)
SMOKE = Sizes(
    digests=4, library_papers=300, queries=10, export_papers=20, watch_samples=2, query_stride=50
)


def cpus() -> int:
    """How many CPUs this machine has (0 when unknown), for the figures' notes."""
    return os.cpu_count() or 0
