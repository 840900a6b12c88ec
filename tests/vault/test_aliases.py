"""``aliases`` is shared: the user's aliases are kept byte for byte, Papershelf's entry updated."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from reader.export import ExportOptions, export_notes
from reader.export.yamlmerge import merge_front_matter
from reader.library import Library
from tests.test_export_support import add_papers, notes_by_id

BASE = 'title: "A"\npapershelf_id: 1\ncitekey: "old2020"\naliases: ["@old2020"]\nrating: 0\n'
OURS = 'title: "A"\npapershelf_id: 1\ncitekey: "new2021"\naliases: ["@new2021"]\nrating: 3\n'
NO_KEY = 'title: "A"\npapershelf_id: 1\nrating: 3\n'


def user(aliases: str) -> str:
    return BASE.replace('aliases: ["@old2020"]\n', aliases)


def test_a_flow_list_keeps_the_users_entries_and_updates_ours_in_place() -> None:
    mine = user("aliases: ['My alias', \"@old2020\", Other]  # mine\n")
    merged = merge_front_matter(BASE, OURS, mine)
    assert "aliases: ['My alias', \"@new2021\", Other]  # mine\n" in merged
    assert "rating: 3\n" in merged


def test_a_block_list_keeps_every_line_of_the_users() -> None:
    mine = user("aliases:\n  - Mine first   # c\n  - \"@old2020\"\n  - 'Third'\n")
    merged = merge_front_matter(BASE, OURS, mine)
    assert "aliases:\n  - Mine first   # c\n  - \"@new2021\"\n  - 'Third'\n" in merged


def test_our_entry_removed_by_the_user_comes_back_only_when_the_citekey_changes() -> None:
    mine = user("aliases:\n  - Mine only\n")
    unchanged = BASE.replace("rating: 0", "rating: 2")
    assert "aliases:\n  - Mine only\nrating: 2\n" in merge_front_matter(BASE, unchanged, mine)
    merged = merge_front_matter(BASE, OURS, mine)
    assert 'aliases:\n  - Mine only\n  - "@new2021"\nrating: 3\n' in merged


def test_an_empty_list_gets_our_entry_and_nothing_else_moves() -> None:
    merged = merge_front_matter(BASE, OURS, user("aliases: []\n"))
    assert merged == OURS


def test_no_citekey_any_more_removes_only_our_entry() -> None:
    mine = user("aliases: [Mine, \"@old2020\", 'x, y']\n")
    merged = merge_front_matter(BASE, NO_KEY, mine)
    assert "aliases: [Mine, 'x, y']\n" in merged
    assert "citekey" not in merged


_ALIAS = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1
).filter(lambda s: s.strip() == s and not s.startswith("@"))


def _scalar(value: str) -> str:
    """``value`` as one line of YAML, written the way the YAML emitter writes it."""
    return yaml.safe_dump(value, width=10**6).removesuffix("...\n").strip()


@given(
    st.lists(_ALIAS, max_size=5),
    st.integers(min_value=0, max_value=5),
    st.booleans(),
    st.sampled_from([OURS, NO_KEY]),
)
def test_any_list_of_the_users_aliases_survives_a_citekey_change(
    theirs: list[str], at: int, flow: bool, ours: str
) -> None:
    entries = list(theirs)
    entries.insert(min(at, len(entries)), "@old2020")
    if flow:
        block = f"aliases: {yaml.safe_dump(entries, default_flow_style=True, width=10**6)}"
    else:
        block = "aliases:\n" + "".join(f"  - {_scalar(e)}\n" for e in entries)
    merged = merge_front_matter(BASE, ours, user(block))
    got = yaml.safe_load(merged)["aliases"]
    expected = [e for e in entries if e != "@old2020"]
    assert [a for a in got if not a.startswith("@")] == expected
    assert [a for a in got if a.startswith("@")] == (["@new2021"] if ours == OURS else [])
    if not flow:  # every line of the user's entries, byte for byte, in order
        lines = [line for line in block.splitlines()[1:] if "@old2020" not in line]
        kept = [line for line in merged.splitlines() if line in lines]
        assert kept == lines


def test_a_changed_citekey_reaches_the_vault_note_and_the_users_aliases_stay(
    library: Library, tmp_path: Path
) -> None:
    (paper_id,) = add_papers(library, ["Attention Is All You Need"])
    folder = tmp_path / "vault"
    export_notes(library, ExportOptions(folder=folder))
    note = notes_by_id(folder)[paper_id]
    old = library.citekeys([paper_id])[paper_id]
    text = note.read_text(encoding="utf-8")
    ours = f'aliases:\n  - "@{old}"\n'
    assert ours in text
    note.write_text(text.replace(ours, ours + "  - Transformer paper  # mine\n"))

    library.set_citekey(paper_id, "vaswani2017")
    report = export_notes(library, ExportOptions(folder=folder))

    assert not report.conflicts, report.summary()
    assert not report.left_alone, report.summary()
    text = note.read_text(encoding="utf-8")
    assert 'aliases:\n  - "@vaswani2017"\n  - Transformer paper  # mine\n' in text
    assert 'citekey: "vaswani2017"' in text or "citekey: vaswani2017" in text
