"""The benchmarks run end to end on a tiny corpus, so ``make bench`` never rots.

No timing is asserted here: speed is judged by ``make bench``, not by tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
# Every benchmark in a row. The guard catches a hang, not slowness: on the shared 2-core
# machine at load 15-20 the smoke run took 400 s of wall time, and 300 s failed the suite.
@pytest.mark.timeout(960)
def test_every_benchmark_produces_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "latest.json"
    env = {
        **os.environ,
        "PAPERSHELF_BENCH_CACHE": str(tmp_path / "cache"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--json", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert out.exists(), result.stderr
    figures = json.loads(out.read_text())["figures"]
    names = " ".join(f["name"] for f in figures)
    assert "11. " in names, f"the citation figures are missing:\n{result.stdout}\n{result.stderr}"
    for number in range(1, 10):
        assert f"{number}. " in names, f"figure {number} missing:\n{result.stdout}\n{result.stderr}"
    for number in range(1, 5):  # the reference-format imports (bench/formats.py)
        assert f"F{number}. " in names, f"figure F{number} missing:\n{result.stdout}"
    broken = [f for f in figures if f["value"] is None]
    assert not broken, f"{broken}\n{result.stderr}"
    assert "target" in result.stdout
