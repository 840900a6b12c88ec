"""The settings file: defaults, round trips, atomic saves and damaged files kept aside."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from reader.library import Library
from reader.settings import Settings, SettingsError, settings_path


@pytest.fixture(autouse=True)
def user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the platformdirs folders into the test's own folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def test_the_file_lives_in_the_config_folder(tmp_path: Path) -> None:
    assert settings_path() == tmp_path / "config" / "Papershelf" / "settings.json"


def test_a_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    settings = Settings.load()
    assert settings == Settings()
    assert settings.watched_folders == [tmp_path / "data" / "Papershelf" / "inbox"]
    assert (settings.recursive, settings.polling, settings.quiet_period) == (True, False, 0.5)
    assert settings.export_folder is None
    assert not settings_path().exists()  # loading writes nothing


def test_saved_settings_load_back_from_their_library(tmp_path: Path) -> None:
    settings = Settings(
        watched_folders=[tmp_path / "Downloads", tmp_path / "Sync" / "papers"],
        recursive=False,
        polling=True,
        quiet_period=1.5,
        export_folder=tmp_path / "vault",
        export_template=tmp_path / "note.md.j2",
    )
    with Library(tmp_path / "mine.sqlite") as library:
        settings.save(settings_path())
        settings.save_to_library(library)
    with Library(tmp_path / "mine.sqlite") as library:
        assert Settings.for_library(library) == settings
    assert json.loads(settings_path().read_text(encoding="utf-8"))["version"] == 1
    assert "watched_folders" not in json.loads(settings_path().read_text(encoding="utf-8"))


def test_saving_replaces_the_file_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    Settings(watched_folders=[tmp_path / "a"]).save()
    Settings(watched_folders=[tmp_path / "b"]).save()
    assert [p.name for p in settings_path().parent.iterdir()] == ["settings.json"]


def test_a_failed_save_raises_settings_error_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.mkdir()  # a folder in the way: the final rename fails
    with pytest.raises(SettingsError, match="cannot be saved"):
        Settings().save(target)
    assert list(tmp_path.glob(".settings.json.*")) == []


def test_explicit_path_and_an_empty_folder_list(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "my-settings.json"
    Settings(watched_folders=[]).save(path)
    assert path.is_file()
    with Library(tmp_path / "l.sqlite") as library:
        Settings(watched_folders=[]).save_to_library(library)
        assert Settings.for_library(library, path).watched_folders == []


def test_missing_keys_take_defaults_unknown_keys_are_ignored(tmp_path: Path) -> None:
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text(
        json.dumps({"polling": True, "watched_folders": ["~/papers"], "future": 1}),
        encoding="utf-8",
    )
    settings = Settings.load()
    assert settings.polling is True
    assert settings.recursive is True
    assert settings.watched_folders == [Path("~/papers").expanduser()]


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[1, 2]",
        b'{"recursive": "yes"}',
        b'{"watched_folders": "/home/me"}',
        b'{"quiet_period": -1}',
        b'{"export_folder": 3}',
        b"\xff\xfe\x00garbage",
    ],
)
def test_a_damaged_file_gives_defaults_and_is_kept_aside(
    content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="reader.settings"):
        assert Settings.load() == Settings()
    kept = path.with_name("settings.json.bad")
    assert kept.read_bytes() == content
    assert not path.exists()
    assert any("settings.json.bad" in r.getMessage() for r in caplog.records)


def test_a_second_damaged_file_does_not_replace_the_first() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("{first", encoding="utf-8")
    Settings.load()
    path.write_text("{second", encoding="utf-8")
    Settings.load()
    assert path.with_name("settings.json.bad").read_text(encoding="utf-8") == "{first"
    assert path.with_name("settings.json.bad2").read_text(encoding="utf-8") == "{second"


def test_folders_are_added_and_removed_once(tmp_path: Path) -> None:
    settings = Settings(watched_folders=[])
    assert settings.add_folder(tmp_path / "in")
    assert not settings.add_folder(tmp_path / "in" / ".." / "in")  # the same folder
    assert settings.watched_folders == [tmp_path / "in"]
    assert settings.remove_folder(tmp_path / "in")
    assert not settings.remove_folder(tmp_path / "in")
    assert settings.watched_folders == []
