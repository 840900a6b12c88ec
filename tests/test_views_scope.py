"""Settings that belong to a library: a new library has its own (no inbox, no vault)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from reader.cli import main
from reader.library import Library
from reader.library.library_settings import read_settings
from reader.paths import default_inbox_dir, default_library_path
from reader.settings import Settings, settings_path
from tests.test_export_support import add_papers, notes_by_id


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _legacy_settings(tmp_path: Path) -> dict[str, object]:
    """A settings file from before settings belonged to libraries."""
    values = {
        "version": 1,
        "watched_folders": [str(default_inbox_dir()), str(tmp_path / "Downloads")],
        "recursive": False,
        "polling": True,
        "quiet_period": 2.0,
        "export_folder": str(tmp_path / "Vault"),
        "export_template": None,
        "future_key": "kept",
    }
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(json.dumps(values), encoding="utf-8")
    return values


def test_the_default_library_takes_the_old_settings_once(tmp_path: Path) -> None:
    legacy = _legacy_settings(tmp_path)
    default_library_path().parent.mkdir(parents=True)
    with Library(default_library_path()) as library:
        first = Settings.for_library(library)
        assert first.watched_folders == [default_inbox_dir(), tmp_path / "Downloads"]
        assert (first.recursive, first.polling, first.quiet_period) == (False, True, 2.0)
        assert first.export_folder == tmp_path / "Vault"
        stored = read_settings(library)
        assert stored is not None
        assert stored["export_folder"] == str(tmp_path / "Vault")
        first.watched_folders = [tmp_path / "Elsewhere"]
        first.save_to_library(library)
        first.save()
    with Library(default_library_path()) as library:  # migrated once: the file is not read again
        assert Settings.for_library(library).watched_folders == [tmp_path / "Elsewhere"]
    kept = json.loads(settings_path().read_text(encoding="utf-8"))
    assert kept["watched_folders"] == legacy["watched_folders"]  # nothing lost
    assert kept["future_key"] == "kept"


def test_a_new_library_named_on_the_command_line_watches_nothing(tmp_path: Path) -> None:
    _legacy_settings(tmp_path)
    default_inbox_dir().mkdir(parents=True)
    (default_inbox_dir() / "digest.txt").write_text("x", encoding="utf-8")
    other = tmp_path / "other.sqlite"
    with Library(other) as library:
        settings = Settings.for_library(library)
    assert settings.watched_folders == []
    assert settings.export_folder is None
    code, _, err = cli("--library", str(other), "watch")
    assert code == 2
    assert "no folder is configured" in err
    with Library(other) as library:
        assert library.paper_ids() == []
        assert library.digests() == []


def test_export_without_to_goes_to_this_librarys_vault(tmp_path: Path) -> None:
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    for path, titles in ((first, ["First library paper"]), (second, ["Second library paper"])):
        with Library(path) as library:
            add_papers(library, titles)
    assert cli("--library", str(first), "config", "--export-folder", str(tmp_path / "v1"))[0] == 0
    assert cli("--library", str(second), "config", "--export-folder", str(tmp_path / "v2"))[0] == 0
    for path in (first, second, first):
        code, out, err = cli("--library", str(path), "export")
        assert code == 0, out + err
        assert "conflict" not in out.split("\n", 1)[1]
    assert [
        p.read_text(encoding="utf-8").count("First library paper") > 0
        for p in notes_by_id(tmp_path / "v1").values()
    ] == [True]
    assert len(notes_by_id(tmp_path / "v2")) == 1
    assert "First library paper" not in "".join(
        p.read_text(encoding="utf-8") for p in notes_by_id(tmp_path / "v2").values()
    )
