"""Saved views in the library and on the command line; ``list`` output rules."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.library import Library, LibraryUsageError, SortKey, saved_views
from reader.library.schema import SCHEMA_VERSION
from tests.test_export_support import add_papers


def cli(library: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--library", str(library), *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_views_are_saved_listed_renamed_reordered_and_restored(library: Library) -> None:
    assert library.schema_version == SCHEMA_VERSION
    ids = add_papers(library, ["Sparse attention", "Sparse coding", "Dense retrieval"])
    library.set_status([ids[0]], "queue")
    queue = saved_views.add_view(library, "Sparse queue", "sparse", base="queue")
    every = saved_views.add_view(
        library, "All sparse", "sparse", sort=SortKey.TITLE, descending=False
    )
    assert [v.name for v in saved_views.saved_views(library)] == ["Sparse queue", "All sparse"]
    assert saved_views.view_counts(library, [queue, every]) == {queue.id: 1, every.id: 2}
    assert library.paper_ids(every.paper_filter(), every.sort, descending=False) == [ids[0], ids[1]]
    assert library.count(every.paper_filter("coding")) == 1

    with pytest.raises(LibraryUsageError, match="already a saved view"):
        saved_views.add_view(library, "ALL SPARSE", "x")
    with pytest.raises(LibraryUsageError, match="already a saved view"):
        saved_views.rename_view(library, queue.id, "all sparse")
    assert saved_views.rename_view(library, queue.id, "Queued sparse").views
    saved_views.move_view(library, every.id, -1)
    assert [v.name for v in saved_views.saved_views(library)] == ["All sparse", "Queued sparse"]

    gone = saved_views.find_view(library, "all SPARSE")
    saved_views.remove_view(library, gone.id)
    assert [v.name for v in saved_views.saved_views(library)] == ["Queued sparse"]
    saved_views.restore_view(library, gone)  # undo: the same view in the same place
    assert saved_views.saved_views(library)[0] == gone


def test_bad_views_are_refused(library: Library) -> None:
    with pytest.raises(LibraryUsageError, match="needs a name"):
        saved_views.add_view(library, "  ", "x")
    with pytest.raises(LibraryUsageError, match="does not parse"):
        saved_views.add_view(library, "Bad", "rating:9")
    with pytest.raises(LibraryUsageError, match="unknown view"):
        saved_views.add_view(library, "Bad", "x", base="digest:3")
    with pytest.raises(LibraryUsageError, match="unknown order"):
        saved_views.add_view(library, "Bad", "x", sort="colour")
    assert saved_views.saved_views(library) == []


def test_views_on_the_command_line(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    with Library(lib) as library:
        ids = add_papers(library, ["Beta sparse", "Alpha sparse", "Gamma dense"])
    code, out, err = cli(lib, "views", "add", "Sparse", "sparse", "--sort", "title", "--asc")
    assert code == 0, err
    assert out == "saved view “Sparse”: 2 papers\n"
    code, out, _ = cli(lib, "views", "list", "--json")
    assert json.loads(out) == {
        "id": 1,
        "name": "Sparse",
        "query": "sparse",
        "view": "all",
        "sort": "title",
        "descending": False,
        "count": 2,
    }
    code, out, _ = cli(lib, "list", "--view", "sparse", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [ids[1], ids[0]]
    code, out, _ = cli(lib, "list", "--view", "Sparse", "--search", "beta")
    assert "Beta sparse" in out
    assert "Alpha" not in out
    code, _, err = cli(lib, "list", "--view", "nope")
    assert code == 2
    assert err == "papershelf: there is no saved view called 'nope'\n"
    code, _, err = cli(lib, "views", "add", "Sparse", "x")
    assert code == 2
    assert "already a saved view" in err
    assert cli(lib, "views", "remove", "SPARSE")[1] == "removed the saved view “Sparse”\n"
    assert cli(lib, "views", "list")[1].startswith("no saved views yet")


def test_list_keeps_whole_titles_when_piped(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    title = "A very long title " + "about many things " * 12 + "that ends here"
    with Library(lib) as library:
        add_papers(library, [title])
    code, out, _ = cli(lib, "list")  # a StringIO is not a terminal
    assert code == 0
    assert title in out
    assert "…" not in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_list_cuts_titles_to_the_width_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    lib = tmp_path / "lib.sqlite"
    with Library(lib) as library:
        add_papers(library, ["A very long title " * 10])
    out = _Terminal()
    assert main(["--library", str(lib), "list"], stdout=out, stderr=io.StringIO()) == 0
    row = out.getvalue().splitlines()[1]
    assert row.endswith("…")
    assert len(row) <= 80


def test_every_list_option_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["list", "--help"])
    text = capsys.readouterr().out
    for phrase in (
        "only papers with this status",
        "only papers with this tag",
        "rated N stars or more",
        "the papers of a saved view",
        "the order",
        "ascending order",
        "at most N papers",
    ):
        assert phrase in " ".join(text.split())


def test_names_and_searches_that_are_not_text_are_refused_in_one_line(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    Library(lib).close()
    bad = b"caf\xe9".decode("utf-8", "surrogateescape")
    for args in (
        ("views", "add", bad, "x"),
        ("views", "add", "ok", bad),
        ("rules", "add", bad, "--tag", "x"),
        ("rules", "add", "x", "--tag", bad),
        ("list", "--view", bad),
    ):
        code, out, err = cli(lib, *args)
        assert code == 2, args
        assert out == ""
        assert err.count("\n") == 1
        assert "not valid UTF-8" in err
    assert cli(lib, "views", "list")[1].startswith("no saved views yet")
