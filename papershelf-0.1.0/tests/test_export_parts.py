"""The export's building blocks: file names, the YAML emitter, vault tags, links."""

from __future__ import annotations

import errno
import os
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.export import files
from reader.export.frontmatter import front_matter, vault_tag, vault_tags, yaml_string
from reader.export.index import wikilink
from reader.export.names import (
    MAX_NAME_BYTES,
    MAX_NAME_CHARS,
    conflict_name,
    is_reserved,
    is_safe_name,
    name_key,
    note_name,
    note_stem,
)
from tests.test_export_support import assert_portable_name

# Any Unicode scalar value: what a title or tag read from a digest can hold.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=400)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(min_value=1, max_value=10_000))
def test_any_title_gives_a_portable_name(title: str, number: int) -> None:
    name = note_name(note_stem(title) or "Paper 7", number)
    assert_portable_name(name)
    assert is_safe_name(name)
    assert name.endswith(".md")
    if number > 1:
        assert name.endswith(f" ({number}).md")


@settings(max_examples=200, deadline=None)
@given(TEXT, st.integers(min_value=1, max_value=99))
def test_any_conflict_copy_name_is_portable(title: str, number: int) -> None:
    name = conflict_name(note_name(note_stem(title) or "Paper 7"), number)
    assert_portable_name(name)
    assert ".conflict" in name
    assert name.endswith(".md")


@pytest.mark.parametrize(
    "name",
    ["CON", "con.md", "Nul.txt.md", "AUX .md", "com1.md", "LPT9", "COM¹.md", "conin$.md"],
)
def test_windows_device_names_are_reserved(name: str) -> None:
    assert is_reserved(name)
    assert not is_safe_name(name)
    assert not is_reserved(note_name(note_stem(name)))


@pytest.mark.parametrize("name", ["CONSOLE.md", "Nullable.md", "COM10.md", "LPT.md", "aux-x.md"])
def test_names_that_only_look_reserved_are_fine(name: str) -> None:
    assert not is_reserved(name)
    assert is_safe_name(name)


def test_long_titles_are_cut_at_a_word_and_marked() -> None:
    title = "Scaling " + "very " * 40 + "large language models"
    name = note_name(note_stem(title))
    assert len(name) <= MAX_NAME_CHARS
    assert name.endswith("….md")
    assert name.startswith("Scaling very very")
    assert name[: -len("….md")].endswith("very")
    wide = note_name(note_stem("数" * 200), 12)
    assert len(wide.encode("utf-8")) <= MAX_NAME_BYTES
    assert wide.endswith("… (12).md")


def test_an_emoji_sequence_is_never_split() -> None:
    scientist = "👩\u200d🔬"
    name = note_name(note_stem(scientist * 80))
    stem = name[: -len("….md")]
    assert stem
    assert stem == scientist * (len(stem) // len(scientist))


def test_name_keys_fold_case_and_normal_form() -> None:
    assert name_key("Café.md") == name_key("CAFE\u0301.MD")


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_string_round_trips_through_the_yaml_emitter(text: str) -> None:
    assert yaml.safe_load(f"key: {yaml_string(text)}\n") == {"key": text}


@pytest.mark.parametrize(
    "text",
    ["null", "yes", "No", "~", "1e3", "0x1F", "2026-01-30", "- item", "#c", "a: b", "'", "@", "|"],
)
def test_strings_that_yaml_would_reinterpret_stay_strings(text: str) -> None:
    assert yaml.safe_load(f"k: {yaml_string(text)}") == {"k": text}


def test_front_matter_types() -> None:
    block = front_matter(
        {
            "title": 'T: "x"',
            "n": 3,
            "flag": True,
            "none": None,
            "day": date(2025, 4, 9),
            "days": [date(2026, 1, 1), date(2026, 1, 2)],
            "tags": [],
            "names": ["a", "- b"],
        }
    )
    assert block.startswith("---\n")
    assert block.endswith("---\n")
    assert yaml.safe_load(block.strip("-\n")) == {
        "title": 'T: "x"',
        "n": 3,
        "flag": True,
        "none": None,
        "day": date(2025, 4, 9),
        "days": [date(2026, 1, 1), date(2026, 1, 2)],
        "tags": [],
        "names": ["a", "- b"],
    }
    with pytest.raises(ValueError, match="property name"):
        front_matter({"bad key": 1})


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("machine learning", "machine-learning"),
        ("#nlp", "nlp"),
        ("  spaced   out  ", "spaced-out"),
        ("2024", "_2024"),
        ("2024-05", "2024-05"),
        ("C++", "C"),
        ("to read/later", "to-read/later"),
        ("a//b/", "a/b"),
        ("日本語 タグ", "日本語-タグ"),
        ("naïve", "naïve"),
        ("!!!", None),
        ("🚀", None),
        ("#", None),
    ],
)
def test_vault_tags(name: str, tag: str | None) -> None:
    assert vault_tag(name) == tag


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_any_tag_becomes_a_valid_vault_tag_or_nothing(name: str) -> None:
    tag = vault_tag(name)
    if tag is not None:
        assert tag
        assert not any(ch.isspace() or ch == "#" for ch in tag)
        assert not all(ch.isdigit() or ch == "/" for ch in tag)


def test_vault_tags_drop_duplicates_and_empties() -> None:
    assert vault_tags(["NLP", "nlp", "!!", "deep learning"]) == ["NLP", "deep-learning"]


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_a_wikilink_to_any_title_is_well_formed(title: str) -> None:
    name = note_name(note_stem(title) or "Paper 1")
    link = wikilink(name, title)
    assert link.startswith("[[")
    assert link.endswith("]]")
    inner = link[2:-2]
    assert "]]" not in inner
    assert "[[" not in inner
    assert "\n" not in inner
    target, _, label = inner.partition("|")
    assert target == name[: -len(".md")]
    assert "|" not in label


def test_a_wikilink_shows_the_title_when_the_name_differs() -> None:
    assert wikilink("A - B.md", "A: B") == "[[A - B|A: B]]"
    assert wikilink("Plain.md", "Plain") == "[[Plain]]"
    assert wikilink("x # y.md", "x # y") == "[x # y](<x # y.md>)"


def test_a_new_note_never_replaces_a_file_that_appeared(tmp_path: Path) -> None:
    (tmp_path / "Note.md").write_text("theirs\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        files.write_note(tmp_path, "Note.md", b"ours\n", replace=False)
    assert (tmp_path / "Note.md").read_text(encoding="utf-8") == "theirs\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Note.md"]


def test_no_clobber_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "hard links not supported")

    monkeypatch.setattr(os, "link", no_links)
    (tmp_path / "Taken.md").write_text("theirs\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        files.write_note(tmp_path, "Taken.md", b"ours\n", replace=False)
    files.write_note(tmp_path, "Free.md", b"ours\n", replace=False)
    assert (tmp_path / "Taken.md").read_text(encoding="utf-8") == "theirs\n"
    assert (tmp_path / "Free.md").read_bytes() == b"ours\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Free.md", "Taken.md"]


def test_replacing_a_note_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    note = files.write_note(tmp_path, "N.md", b"one\n", replace=False)
    inode = note.stat().st_ino
    files.write_note(tmp_path, "N.md", b"two\n", replace=True)
    assert note.read_bytes() == b"two\n"
    assert note.stat().st_ino != inode  # a new file moved into place, not rewritten in place
    assert [p.name for p in tmp_path.iterdir()] == ["N.md"]


def test_conflict_copies_are_numbered_never_overwritten(tmp_path: Path) -> None:
    first = files.write_conflict_copy(tmp_path, "Paper.md", b"v1")
    second = files.write_conflict_copy(tmp_path, "Paper.md", b"v2")
    assert (first.name, second.name) == ("Paper.conflict.md", "Paper.conflict 2.md")
    assert first.read_bytes() == b"v1"
    assert second.read_bytes() == b"v2"
