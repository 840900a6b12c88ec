"""Benchmark: the two-way vault — re-exporting 10,000 notes after the user edited 1,000.

Figures (one library, one vault, in this order):

- the first export of ``papers`` notes;
- an unchanged re-export (target: ≥ 10× faster than the first);
- a re-export after the user edited 1,000 notes in their own parts — a front-matter key
  with a comment and a paragraph below the note section — with nothing new in the
  library (target ≤ 3 s, no conflicts: every edit is kept, nothing is rewritten);
- the same 1,000 edited notes when the library also changed them (a new rating): 1,000
  real three-way merges, each written (target ≤ 3 s, no conflicts).

Every note is written to real disk and flushed (a batch of notes per wait, see
:mod:`reader.export.batch`): the vault lives under ``bench/.cache`` (or ``--workdir``), and
the figures say which file system that is. A vault on a RAM disk (tmpfs) measures no disk
at all and is refused.

Each figure is measured in several rounds (``--rounds``, each on a new vault) and given
as the median, in wall-clock and in CPU seconds: the machine is shared, and its load
inflates the wall clock of a short run far more than its CPU time.

    python -m bench.vault [--papers N] [--edited N] [--rounds N] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.corpus import build_library, library_path
from reader.export import ExportOptions, ExportReport, export_notes
from reader.export.sections import END
from reader.library import Library

CACHE = Path(os.environ.get("PAPERSHELF_BENCH_CACHE") or Path(__file__).parent / ".cache")
TARGET_S = 3.0
TARGET_RATIO = 10.0
_KEY = "project: thesis  # my own key\n"
_PARAGRAPH = "\n## My follow-ups\n\nRead the appendix again; compare with [[Another note]].\n"


def _edit_own_parts(path: Path, *, key: bool = True) -> None:
    text = path.read_text(encoding="utf-8")
    if key:
        text = text.replace("\npapershelf_id:", "\n" + _KEY + "papershelf_id:", 1)
    text = text.replace(f"{END}\n", f"{END}\n{_PARAGRAPH}", 1)
    path.write_text(text, encoding="utf-8")


RAM_DISKS = frozenset({"tmpfs", "ramfs"})


def file_system(path: Path) -> str:
    """The type and device of the file system holding ``path`` (``ext4 /dev/vda``), from
    ``/proc/mounts`` (``"unknown"`` where there is none)."""
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return "unknown"
    where = os.path.realpath(path)
    best = ("", "unknown", "")
    for line in mounts:
        device, point, kind, *_ = line.split(" ")
        point = point.replace("\\040", " ")
        inside = where == point or where.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best[0]):
            best = (point, kind, device)
    return f"{best[1]} {best[2]}".strip()


def _timed(fn: Callable[[], ExportReport]) -> tuple[ExportReport, float, float]:
    """``fn()``, its wall-clock seconds and the CPU seconds of this process meanwhile."""
    cpu = time.process_time()
    started = time.perf_counter()
    report = fn()
    return report, time.perf_counter() - started, time.process_time() - cpu


FIGURES = ("first", "unchanged", "unchanged_again", "edited", "merged")


def measure_round(workdir: Path, cached: Path, papers: int, edited: int) -> dict[str, float]:
    """One round on a fresh copy of the library and a new vault: ``<figure>_s`` (wall) and
    ``<figure>_cpu_s`` for each of :data:`FIGURES`."""
    run = Path(tempfile.mkdtemp(prefix="vault-", dir=workdir))
    shutil.copyfile(cached, run / "library.sqlite")  # each run starts with no export records
    library = Library(run / "library.sqlite")
    out: dict[str, float] = {}
    try:
        options = ExportOptions(folder=run / "vault")
        go = functools.partial(export_notes, library, options)
        first, out["first_s"], out["first_cpu_s"] = _timed(go)
        assert len(first.written) == papers + 1, first.summary()

        # Right after the first export: the notes written in its last two seconds are
        # content-checked (too young for their metadata to prove them).
        again, out["unchanged_s"], out["unchanged_cpu_s"] = _timed(go)
        assert not again.written, again.summary()
        again, out["unchanged_again_s"], out["unchanged_again_cpu_s"] = _timed(go)
        assert not again.written, again.summary()

        ids = sorted(library.paper_ids())
        step = max(len(ids) // edited, 1)
        chosen = ids[::step][:edited]
        names = {p.stem: p for p in first.written}
        by_id = _notes_by_id(run / "vault", names)
        for paper_id in chosen:
            _edit_own_parts(by_id[paper_id])
        kept, out["edited_s"], out["edited_cpu_s"] = _timed(go)
        assert not kept.conflicts, kept.summary()
        assert not kept.written, kept.summary()
        assert not kept.pulled, kept.summary()

        for paper_id in chosen:
            _edit_own_parts(by_id[paper_id], key=False)  # edited again since the last export
        library.set_rating(chosen, 5)
        merged, out["merged_s"], out["merged_cpu_s"] = _timed(go)
        assert not merged.conflicts, merged.summary()
        assert len(merged.merged) == len(chosen), merged.summary()
        sample = by_id[chosen[0]].read_text(encoding="utf-8")
        assert sample.count(_PARAGRAPH) == 2, sample[:400]
        assert "rating: 5" in sample, sample[:400]
        out["edited"] = float(len(chosen))
    finally:
        library.close()
        shutil.rmtree(run, ignore_errors=True)
    return out


def measure(
    workdir: Path, papers: int = 10_000, edited: int = 1_000, rounds: int = 3
) -> dict[str, Any]:
    """The figures of the module docstring over ``rounds`` rounds (each on a new vault).

    Each ``<figure>_s`` / ``<figure>_cpu_s`` is the median of the rounds (their values in
    ``runs``); ``ratio`` and ``cpu_ratio`` are the medians of each round's first export
    over its unchanged re-export, in wall-clock and in CPU time; ``load`` is the load
    average before and after (the machine is shared: wall figures are inflated by it, CPU
    figures much less). ``disk``: where it was measured.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    disk = file_system(workdir)
    if disk.split(" ")[0] in RAM_DISKS:
        raise SystemExit(f"{workdir} is on a RAM disk ({disk}): the bench measures real disk")
    cached = build_library(library_path(workdir, papers), papers)
    load_before = os.getloadavg()[0]
    runs = [measure_round(workdir, cached, papers, edited) for _ in range(max(rounds, 1))]
    result: dict[str, Any] = {
        "disk": f"{disk} ({workdir})",
        "papers": float(papers),
        "edited": runs[0]["edited"],
        "rounds": float(len(runs)),
        "runs": runs,
        "load": (load_before, os.getloadavg()[0]),
    }
    for figure in FIGURES:
        for unit in ("_s", "_cpu_s"):
            result[figure + unit] = statistics.median(r[figure + unit] for r in runs)
    result["ratios"] = [_ratio(r["first_s"], r["unchanged_s"]) for r in runs]
    result["cpu_ratios"] = [_ratio(r["first_cpu_s"], r["unchanged_cpu_s"]) for r in runs]
    result["ratio"] = statistics.median(result["ratios"])
    result["cpu_ratio"] = statistics.median(result["cpu_ratios"])
    return result


def _ratio(first: float, unchanged: float) -> float:
    return first / unchanged if unchanged else float("inf")


def _notes_by_id(folder: Path, names: dict[str, Path]) -> dict[int, Path]:
    found: dict[int, Path] = {}
    for path in names.values():
        with path.open("rb") as stream:
            head = stream.read(4096).decode("utf-8", "replace")
        for line in head.splitlines():
            if line.startswith("papershelf_id: "):
                found[int(line.split(": ", 1)[1])] = path
                break
    return found


def main() -> None:
    """Run the benchmark and print the figures against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--edited", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each on a new vault")
    parser.add_argument(
        "--workdir", type=Path, default=CACHE / "vault", help="default: bench/.cache/vault"
    )
    args = parser.parse_args()
    r = measure(args.workdir, args.papers, args.edited, args.rounds)
    n = int(r["edited"])
    print(f"measured on {r['disk']}; load average {r['load'][0]:.1f} → {r['load'][1]:.1f}")
    print(f"median of {int(r['rounds'])} rounds, wall s (cpu s); each round:")
    labels = {
        "first": f"first export of {int(r['papers']):,} notes",
        "unchanged": "unchanged re-export, right after",
        "unchanged_again": "unchanged re-export, again",
        "edited": f"re-export, {n:,} edited in the vault (target ≤ {TARGET_S:g} s)",
        "merged": f"re-export, {n:,} edited on both sides, merged",
    }
    for figure, label in labels.items():
        each = ", ".join(f"{x[figure + '_s']:.2f} ({x[figure + '_cpu_s']:.2f})" for x in r["runs"])
        print(f"  {label}: {r[figure + '_s']:.2f} s (cpu {r[figure + '_cpu_s']:.2f}); {each}")
    print(
        f"  unchanged vs first (target ≥ {TARGET_RATIO:g}×): {r['ratio']:.1f}× wall, "
        f"{r['cpu_ratio']:.1f}× cpu; rounds: "
        + ", ".join(f"{w:.1f}×/{c:.1f}×" for w, c in zip(r["ratios"], r["cpu_ratios"], strict=True))
    )


if __name__ == "__main__":
    main()
