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

    python -m bench.vault [--papers N] [--edited N] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.corpus import build_library, library_path
from reader.export import ExportOptions, export_notes
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


def measure(workdir: Path, papers: int = 10_000, edited: int = 1_000) -> dict[str, Any]:
    """Seconds for each figure of the module docstring, and ``disk``: where it was measured."""
    workdir.mkdir(parents=True, exist_ok=True)
    disk = file_system(workdir)
    if disk.split(" ")[0] in RAM_DISKS:
        raise SystemExit(f"{workdir} is on a RAM disk ({disk}): the bench measures real disk")
    cached = build_library(library_path(workdir, papers), papers)
    run = Path(tempfile.mkdtemp(prefix="vault-", dir=workdir))
    shutil.copyfile(cached, run / "library.sqlite")  # each run starts with no export records
    library = Library(run / "library.sqlite")
    try:
        options = ExportOptions(folder=run / "vault")
        cpu = time.process_time()
        started = time.perf_counter()
        first = export_notes(library, options)
        first_s = time.perf_counter() - started
        first_cpu = time.process_time() - cpu
        assert len(first.written) == papers + 1, first.summary()

        cpu = time.process_time()
        started = time.perf_counter()
        again = export_notes(library, options)
        unchanged_s = time.perf_counter() - started
        unchanged_cpu = time.process_time() - cpu
        assert not again.written, again.summary()

        ids = sorted(library.paper_ids())
        step = max(len(ids) // edited, 1)
        chosen = ids[::step][:edited]
        names = {p.stem: p for p in first.written}
        by_id = _notes_by_id(run / "vault", names)
        for paper_id in chosen:
            _edit_own_parts(by_id[paper_id])

        cpu = time.process_time()
        started = time.perf_counter()
        kept = export_notes(library, options)
        edited_s = time.perf_counter() - started
        edited_cpu = time.process_time() - cpu
        assert not kept.conflicts, kept.summary()
        assert not kept.written, kept.summary()
        assert not kept.pulled, kept.summary()

        for paper_id in chosen:
            _edit_own_parts(by_id[paper_id], key=False)  # edited again since the last export
        library.set_rating(chosen, 5)
        cpu = time.process_time()
        started = time.perf_counter()
        merged = export_notes(library, options)
        merged_s = time.perf_counter() - started
        merged_cpu = time.process_time() - cpu
        assert not merged.conflicts, merged.summary()
        assert len(merged.merged) == len(chosen), merged.summary()
        sample = by_id[chosen[0]].read_text(encoding="utf-8")
        assert sample.count(_PARAGRAPH) == 2, sample[:400]
        assert "rating: 5" in sample, sample[:400]
    finally:
        library.close()
        shutil.rmtree(run, ignore_errors=True)
    return {
        "disk": f"{disk} ({workdir})",
        "papers": float(papers),
        "edited": float(len(chosen)),
        "first_s": first_s,
        "unchanged_s": unchanged_s,
        "ratio": first_s / unchanged_s if unchanged_s else float("inf"),
        "edited_s": edited_s,
        "merged_s": merged_s,
        # CPU seconds of this process: what the machine's load does not inflate.
        "first_cpu_s": first_cpu,
        "unchanged_cpu_s": unchanged_cpu,
        "edited_cpu_s": edited_cpu,
        "merged_cpu_s": merged_cpu,
    }


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
    parser.add_argument(
        "--workdir", type=Path, default=CACHE / "vault", help="default: bench/.cache/vault"
    )
    args = parser.parse_args()
    r = measure(args.workdir, args.papers, args.edited)
    n = int(r["edited"])
    print(f"measured on {r['disk']}")
    print(
        f"first export of {int(r['papers']):,} notes: {r['first_s']:.2f} s (cpu {r['first_cpu_s']:.2f})"
    )
    print(
        f"unchanged re-export: {r['unchanged_s']:.2f} s (cpu {r['unchanged_cpu_s']:.2f}), "
        f"{r['ratio']:.1f}x faster"
    )
    print(
        f"re-export, {n:,} edited in the vault: {r['edited_s']:.2f} s (cpu {r['edited_cpu_s']:.2f})"
    )
    print(
        f"re-export, {n:,} edited on both sides, merged: {r['merged_s']:.2f} s "
        f"(cpu {r['merged_cpu_s']:.2f})"
    )


if __name__ == "__main__":
    main()
