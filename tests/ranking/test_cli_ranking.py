"""``papershelf list --sort interest``, ``similar``, ``why``, ``rank``, ``not-interested``."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from reader.cli import main
from reader.library import Library
from tests.factories import run_papershelf
from tests.ranking.conftest import field_of


def cli(library: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--library", str(library), *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def rows(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def library_file(tmp_path: Path, corpus_template: Path) -> Path:
    path = tmp_path / "library.sqlite"
    shutil.copyfile(corpus_template, path)
    return path


def fields(path: Path) -> dict[int, str]:
    with Library(path) as library:
        return field_of(library)


def test_interest_is_null_and_the_list_says_why_while_there_is_no_signal(
    library_file: Path,
) -> None:
    code, out, _ = cli(library_file, "list", "--sort", "interest", "--json", "--limit", "5")
    assert code == 0
    listed = rows(out)
    assert len(listed) == 5
    assert all(r["interest"] is None for r in listed)
    code, out, _ = cli(library_file, "list", "--sort", "interest", "--limit", "3")
    assert code == 0
    assert "not enough signal" in out
    assert all(r["interest"] is None for r in rows(cli(library_file, "list", "--json")[1]))
    code, out, _ = cli(library_file, "rank")
    assert code == 0
    assert "not enough signal" in out


def test_list_sort_interest_after_rating_in_the_command_line(library_file: Path) -> None:
    field = fields(library_file)
    astro = [i for i in sorted(field) if field[i] == "astro-ph"]
    for paper_id in astro[:8]:
        assert cli(library_file, "rate", str(paper_id), "5")[0] == 0
    code, out, _ = cli(library_file, "list", "--sort", "interest", "--status", "inbox", "--json")
    assert code == 0
    listed = rows(out)
    values = [r["interest"] for r in listed]
    assert all(isinstance(v, float) and 0 <= v <= 1 for v in values)
    assert values == sorted(values, reverse=True)
    unrated = [r for r in listed if r["rating"] == 0][:20]
    assert sum(field[int(r["id"])] == "astro-ph" for r in unrated) >= 14
    # every list --json row carries the same number
    everything = {r["id"]: r["interest"] for r in rows(cli(library_file, "list", "--json")[1])}
    assert all(everything[r["id"]] == r["interest"] for r in listed)
    code, out, _ = cli(library_file, "list", "--sort", "interest", "--limit", "3")
    assert code == 0
    assert "not enough signal" not in out


def test_similar_why_and_not_interested(library_file: Path) -> None:
    field = fields(library_file)
    math = [i for i in sorted(field) if field[i] == "math"]
    code, out, _ = cli(library_file, "similar", str(math[0]), "--limit", "5", "--json")
    assert code == 0
    found = rows(out)
    assert len(found) == 5
    sims = [r["similarity"] for r in found]
    assert sims == sorted(sims, reverse=True)
    assert math[0] not in [r["id"] for r in found]
    assert all(r["interest"] is None for r in found)
    code, out, _ = cli(library_file, "similar", str(math[0]), "--limit", "3")
    assert code == 0
    assert "SIMILAR" in out

    code, out, _ = cli(library_file, "why", str(math[0]))
    assert code == 0
    assert "not enough signal" in out

    for paper_id in math[:6]:
        cli(library_file, "rate", str(paper_id), "5")
    code, out, _ = cli(library_file, "not-interested", *map(str, math[6:8]))
    assert code == 0
    assert "marked 2 papers not interested" in out
    assert cli(library_file, "rank")[1].startswith("ranked 205 papers from 6 liked and 2 unwanted")
    code, out, _ = cli(library_file, "why", str(math[10]), "--json")
    assert code == 0
    why = json.loads(out)
    assert why["interest"] is not None
    assert why["up"]
    assert all(r["weight"] > 0 for r in why["up"])
    code, out, _ = cli(library_file, "show", str(math[6]), "--json")
    assert json.loads(out)["status"] == "archived"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("similar", "999999"), "no paper with id 999999"),
        (("why", "999999"), "no paper with id 999999"),
        (("not-interested", "999999"), "no paper with id 999999"),
        (("similar", "1", "--limit", "-2"), "--limit must be 0 or more"),
    ],
)
def test_bad_input_gets_one_clear_line(
    library_file: Path, args: tuple[str, ...], message: str
) -> None:
    code, _out, err = cli(library_file, *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_the_command_line_in_a_subprocess(library_file: Path) -> None:
    field = fields(library_file)
    hep = [i for i in sorted(field) if field[i] == "hep"]
    for paper_id in hep[:3]:
        assert run_papershelf(library_file, "rate", str(paper_id), "4").returncode == 0
    result = run_papershelf(library_file, "list", "--sort", "interest", "--json", "--limit", "10")
    assert result.returncode == 0, result.stderr
    values = [r["interest"] for r in rows(result.stdout)]
    assert values == sorted(values, reverse=True)
    assert run_papershelf(library_file, "similar", str(hep[0]), "--limit", "3").returncode == 0
