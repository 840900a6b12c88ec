"""Markdown export: what is written, and that nothing the user wrote is ever destroyed."""

from __future__ import annotations

import errno
import itertools
import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from reader.digests import hf_text
from reader.export import ExportError, ExportOptions, ExportReport, export_notes, files
from reader.export.frontmatter import vault_tag
from reader.export.markdown import escape_line, escape_text
from reader.importer import Importer
from reader.library import Library, PaperFilter, Status
from reader.library.schema import MIGRATIONS
from tests.factories import SAMPLE_CAPTURED, entry, find_sample
from tests.schema_before import library_at
from tests.test_export_support import (
    add_papers,
    assert_portable_name,
    notes_by_id,
    snapshot,
    split_note,
)

INDEX = "Reading list.md"


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    """A library holding the real Daily Papers capture (or a rendered stand-in)."""
    library = Library(tmp_path / "library.sqlite")
    sample = find_sample()
    if sample is None:
        sample = tmp_path / "capture.txt"
        items = [entry(n) for n in range(40)]
        items.append(entry(40, organization="Google"))
        sample.write_text(hf_text.render(items, date(2026, 1, 30)), encoding="utf-8")
    report = Importer(library).import_file(sample, captured_at=SAMPLE_CAPTURED)
    assert report.new > 30, report.summary()
    yield library
    library.close()


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return tmp_path / "vault" / "Papers"


def run(library: Library, folder: Path, **options: object) -> ExportReport:
    return export_notes(library, ExportOptions(folder=folder, **options))  # type: ignore[arg-type]


def test_every_note_has_front_matter_with_the_papers_values(lib: Library, vault: Path) -> None:
    ids = lib.paper_ids()
    lib.add_tags(ids[:3], ["machine learning", "NLP"])
    lib.add_tags(ids[1:2], ["2024", "C++ & Rust", "to read/later"])
    lib.set_rating(ids[:2], 4)
    lib.set_status(ids[2:4], Status.READING)
    lib.set_note(ids[0], "My *own* words.\n\n---\n\n- a: list\n# not a heading in YAML\n")

    report = run(lib, vault)

    assert len(report.written) == len(ids) + 1
    assert not (report.conflicts)
    assert not (report.errors)
    assert not (report.unchanged)
    notes = notes_by_id(vault)
    assert set(notes) == set(ids)
    for paper in lib.papers():
        data, body = split_note(notes[paper.id])
        assert data["title"] == paper.title
        assert data["papershelf_id"] == paper.id
        assert data["published"] == paper.published
        assert data.get("authors") == paper.authors_count
        assert data.get("organization") == paper.organization
        assert data["status"] == paper.status.value
        assert data["rating"] == paper.rating
        assert data["tags"] == [vault_tag(t) for t in paper.tags]
        assert data["digests"] == sorted({a.digest_date for a in paper.appearances})
        assert data["first_seen"] == paper.first_seen.date()
        if paper.arxiv_id:
            assert data["source"] == f"https://arxiv.org/abs/{paper.arxiv_id}"
        else:
            assert data["source"].startswith("https://huggingface.co/papers?q=")
        assert escape_text(paper.abstract) in body
        assert paper.note in body
    first, _ = split_note(notes[ids[1]])
    assert first["tags"] == ["_2024", "C-Rust", "machine-learning", "NLP", "to-read/later"]
    for tags in (split_note(p)[0]["tags"] for p in notes.values()):
        for tag in tags:
            assert re.fullmatch(r"[\w/-]+", tag), tag
            assert not tag.isdigit(), tag


TRICKY_TITLES = [
    "LM-Infinite: Simple On-the-Fly Length Generalization",
    "A \"quoted\" title with 'single' quotes",
    "#1 hashtag at the start",
    "- a leading dash: looks like a list",
    "Two\nlines and a\ttab",
    "null",
    "yes",
    "1e3",
    "2026-01-30",
    "~",
    "@at & *star* !tag %percent `tick` {braces} [list] > quote | pipe",
    "back\\slash \\n not a newline",
    "Unicode: Schrödinger’s café — naïve – 日本語 — 🚀",
    "Line separator\u2028next line\x85NEL",
    "  leading and trailing spaces  ",
    "---",
    "... three dots",
    "عنوان عربي: نموذج لغوي",
]


def test_tricky_titles_survive_the_yaml_round_trip(library: Library, tmp_path: Path) -> None:
    ids = add_papers(library, TRICKY_TITLES)
    folder = tmp_path / "vault"
    report = run(library, folder)
    assert not report.errors
    notes = notes_by_id(folder)
    for paper_id, title in zip(ids, TRICKY_TITLES, strict=True):
        data, _ = split_note(notes[paper_id])
        assert data["title"] == title
        assert data["published"] == date(2025, 3, 1)
        assert data["authors"] == 2


HOSTILE_TITLES = [
    "../../etc/passwd",
    "..\\..\\Windows\\system.ini",
    "/absolute/path",
    "CON",
    "nul.txt",
    "Com1",
    "LPT9 .md",
    "aux",
    "x" * 300,
    "word " * 60,
    "🚀" * 300,
    "👩‍🔬" * 70,
    "a/b:c*?",
    '<>:"/\\|?*',
    "\u202eevil\u202c.exe",
    "نموذج لغوي كبير للغة العربية",
    "....",
    ".",
    "..",
    "???",
    "   ",
    "trailing dot.",
    "tab\there\x00nul\x1fcontrol",
    "[[wiki]] links | pipes # hashes ^ carets",
    ".hidden",
]


def test_hostile_titles_stay_inside_the_folder_with_valid_names(
    library: Library, tmp_path: Path
) -> None:
    ids = add_papers(library, HOSTILE_TITLES)
    folder = tmp_path / "deep" / "inside" / "vault"
    before = {p for p in tmp_path.rglob("*") if p.is_file()}

    report = run(library, folder)

    assert not report.errors
    assert not report.conflicts
    created = {p for p in tmp_path.rglob("*") if p.is_file()} - before
    created -= {p for p in created if p.parent == tmp_path and p.name.startswith("library.sqlite")}
    assert all(p.parent == folder for p in created), sorted(map(str, created))
    assert len(created) == len(ids) + 1
    names = [p.name for p in created]
    for name in names:
        assert_portable_name(name)
    assert len({n.casefold() for n in names}) == len(names)
    notes = notes_by_id(folder)
    for paper_id, title in zip(ids, HOSTILE_TITLES, strict=True):
        data, _ = split_note(notes[paper_id])
        assert data["title"] == title
    assert not (tmp_path / "etc").exists()
    assert notes[ids[0]].name == "etc-passwd.md"
    assert notes[ids[3]].name == "CON_.md"
    assert notes[ids[4]].name == "nul_.txt.md"
    assert notes[ids[16]].name.startswith("Paper ")  # only dots: nothing readable left


def test_reexport_without_changes_rewrites_nothing(lib: Library, vault: Path) -> None:
    first = run(lib, vault)
    old = 1_600_000_000_000_000_000
    for path in vault.iterdir():
        os.utime(path, ns=(old, old))
    before = snapshot(vault)

    again = run(lib, vault)

    assert again.written == []
    assert again.conflicts == []
    assert again.errors == []
    assert len(again.unchanged) == len(first.written)
    assert snapshot(vault) == before
    assert all(v[0] == old for v in before.values())
    assert again.summary() == f"0 written, {len(first.written)} unchanged, 0 conflicts"


def test_a_changed_paper_rewrites_its_note_and_the_index_only(lib: Library, vault: Path) -> None:
    run(lib, vault)
    notes = notes_by_id(vault)
    paper_id = lib.paper_ids()[5]
    lib.set_rating([paper_id], 5)

    report = run(lib, vault)

    assert set(report.written) == {notes[paper_id], vault / INDEX}
    assert split_note(notes[paper_id])[0]["rating"] == 5
    assert not list(vault.glob(".papershelf-*")), "a temporary file was left behind"


def test_a_note_edited_by_hand_is_merged_or_left_alone_never_lost(
    lib: Library, vault: Path
) -> None:
    run(lib, vault)
    notes = notes_by_id(vault)
    edited, idle = lib.paper_ids()[:2]
    mine = notes[edited].read_text(encoding="utf-8") + "\nMy thoughts, written in the vault.\n"
    notes[edited].write_text(mine, encoding="utf-8")
    notes[idle].write_text("I rewrote this one entirely.\n", encoding="utf-8")
    lib.set_rating([edited], 3)  # the export now has something new to write there

    report = run(lib, vault)

    assert report.conflicts == []
    assert notes[edited] in report.written
    assert report.merged == [notes[edited]]
    merged = notes[edited].read_text(encoding="utf-8")
    assert merged.endswith("\nMy thoughts, written in the vault.\n")
    assert split_note(notes[edited])[0]["rating"] == 3
    # Rewritten without its note section: nothing to merge, left alone and reported.
    assert [a.path for a in report.left_alone] == [notes[idle]]
    assert "note section is missing" in report.left_alone[0].reason
    assert notes[idle].read_text(encoding="utf-8") == "I rewrote this one entirely.\n"
    assert "1 left alone" in report.summary()
    again = run(lib, vault)
    assert notes[edited] in again.unchanged
    assert notes[edited].read_text(encoding="utf-8") == merged
    assert [a.path for a in again.left_alone] == [notes[idle]]


def test_force_keeps_the_users_version_in_a_conflict_copy(lib: Library, vault: Path) -> None:
    run(lib, vault)
    paper_id = lib.paper_ids()[0]
    note = notes_by_id(vault)[paper_id]
    note.write_text("my version 1\n", encoding="utf-8")
    lib.set_rating([paper_id], 2)

    report = run(lib, vault, force=True)

    copy = note.with_name(note.name[: -len(".md")] + ".conflict.md")
    assert report.conflict_copies == [copy]
    assert report.conflicts == []
    assert note in report.written
    assert copy.read_text(encoding="utf-8") == "my version 1\n"
    assert split_note(note)[0]["rating"] == 2

    note.write_text("my version 2\n", encoding="utf-8")
    lib.set_rating([paper_id], 4)
    second = run(lib, vault, force=True)
    copy2 = note.with_name(note.name[: -len(".md")] + ".conflict 2.md")
    assert second.conflict_copies == [copy2]
    assert copy.read_text(encoding="utf-8") == "my version 1\n"
    assert copy2.read_text(encoding="utf-8") == "my version 2\n"
    assert split_note(note)[0]["rating"] == 4


def test_a_deleted_note_is_not_recreated_unless_asked(lib: Library, vault: Path) -> None:
    run(lib, vault)
    paper_id = lib.paper_ids()[0]
    note = notes_by_id(vault)[paper_id]
    note.unlink()

    report = run(lib, vault)
    assert report.skipped_deleted == [note]
    assert not note.exists()
    assert note.name[: -len(".md")] not in (vault / INDEX).read_text(encoding="utf-8")

    lib.set_rating([paper_id], 5)  # even with something new to say
    assert run(lib, vault).skipped_deleted == [note]
    assert not note.exists()

    recreated = run(lib, vault, recreate=True)
    assert note in recreated.written
    assert split_note(note)[0]["rating"] == 5
    assert f"[[{note.name[: -len('.md')]}" in (vault / INDEX).read_text(encoding="utf-8")


def test_two_papers_with_the_same_title_get_two_files(library: Library, tmp_path: Path) -> None:
    ids = add_papers(library, ["Attention Is All You Need", "Attention Is All You Need"])
    ids += add_papers(library, ["Deep Nets", "DEEP NETS", "Deep nets"])
    folder = tmp_path / "vault"

    run(library, folder)

    notes = notes_by_id(folder)
    older, newer = sorted(ids[:2])  # the paper in the library first keeps the plain name
    assert notes[older].name == "Attention Is All You Need.md"
    assert notes[newer].name == "Attention Is All You Need (2).md"
    assert len({notes[i].name.casefold() for i in ids[2:]}) == 3
    assert run(library, folder).written == []
    assert notes_by_id(folder) == notes


def test_a_corrected_title_keeps_its_file(lib: Library, vault: Path) -> None:
    run(lib, vault)
    paper_id = lib.paper_ids()[0]
    note = notes_by_id(vault)[paper_id]
    lib.db.execute("UPDATE paper SET title = ? WHERE id = ?", ["A Corrected Title", paper_id])

    report = run(lib, vault)

    assert note in report.written
    assert notes_by_id(vault)[paper_id] == note
    assert split_note(note)[0]["title"] == "A Corrected Title"
    assert not (vault / "A Corrected Title.md").exists()


def test_a_users_template(lib: Library, vault: Path, tmp_path: Path) -> None:
    template = tmp_path / "mine.md.j2"
    template.write_text(
        "---\ntitle: {{ title | yaml }}\nstars: {{ stars | yaml }}\nid: {{ id }}\n---\n"
        "{{ title | oneline }} ({{ status_label }}) {{ vault_tags | join(' ') }}\n"
        "{% for d in digests %}{{ d.isoformat() }}{% endfor %}\n\n{{ note_section }}\n",
        encoding="utf-8",
    )
    paper_id = lib.paper_ids()[0]
    lib.set_rating([paper_id], 3)

    run(lib, vault, template=template)

    for path in vault.glob("*.md"):
        if path.name == INDEX:
            continue
        data, body = split_note(path)
        paper = lib.paper(data["id"])
        assert data["title"] == paper.title
        assert data["stars"] == ("★★★☆☆" if paper.id == paper_id else "")
        assert body.startswith(f"{escape_line(paper.title)} ({paper.status.label})")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ title ", "line 1"),
        ("{% for x in tags %}", "line 1"),
        ("ok\n{{ no_such_variable }}", "line 2"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "failed"),
        ("{{ 1 / (id - id) }}", "failed"),
    ],
)
def test_a_broken_template_gives_an_error_and_writes_nothing(
    lib: Library, vault: Path, tmp_path: Path, source: str, message: str
) -> None:
    template = tmp_path / "broken.md.j2"
    template.write_text(source, encoding="utf-8")
    with pytest.raises(ExportError, match=message) as info:
        run(lib, vault, template=template)
    assert "broken.md.j2" in str(info.value)
    assert not vault.exists()
    assert lib.export_records(str(vault)) == {}


def test_a_template_failing_on_the_last_paper_writes_nothing(
    lib: Library, vault: Path, tmp_path: Path
) -> None:
    last = max(lib.paper_ids())
    template = tmp_path / "late.md.j2"
    template.write_text(
        "{{ front_matter }}{{ note_section }}\n"
        "{% if id == " + str(last) + " %}{{ paper.nope }}{% endif %}\n",
        encoding="utf-8",
    )
    vault.mkdir(parents=True)
    with pytest.raises(ExportError, match=f"paper {last}"):
        run(lib, vault, template=template)
    assert list(vault.iterdir()) == []


def test_an_unreadable_template_is_an_export_error(lib: Library, vault: Path) -> None:
    with pytest.raises(ExportError, match="cannot read the template"):
        run(lib, vault, template=vault / "missing.j2")


def test_a_folder_that_is_a_file_gives_an_error_and_writes_nothing(
    lib: Library, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder.md"
    blocker.write_text("mine\n", encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(ExportError, match="is a file"):
        run(lib, blocker)
    with pytest.raises(ExportError, match="is a file"):
        run(lib, blocker / "sub" / "vault")
    after = snapshot(tmp_path)
    assert {k: v for k, v in after.items() if "library" not in k} == {
        k: v for k, v in before.items() if "library" not in k
    }


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write anywhere"
)
def test_a_read_only_folder_gives_an_error_and_writes_nothing(lib: Library, vault: Path) -> None:
    vault.mkdir(parents=True)
    vault.chmod(0o555)
    try:
        with pytest.raises(ExportError, match="cannot write into the export folder"):
            run(lib, vault)
        assert list(vault.iterdir()) == []
    finally:
        vault.chmod(0o755)


def test_a_folder_refusing_the_probe_file_gives_an_error_and_writes_nothing(
    lib: Library, vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.mkdir(parents=True)

    def refuse(folder: Path) -> tuple[int, Path]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files, "new_temp", refuse)
    with pytest.raises(ExportError, match=r"cannot write into the export folder .*Permission"):
        run(lib, vault)
    assert list(vault.iterdir()) == []
    assert lib.export_records(str(vault.resolve())) == {}


def test_a_full_disk_stops_the_export_and_keeps_what_was_written(
    lib: Library, vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.export.batch import StagedWrite, WriteBatch

    real_stage = WriteBatch.stage
    calls = 0

    def fill_up(self: WriteBatch, name: str, data: bytes, **kwargs: object) -> StagedWrite:
        nonlocal calls
        calls += 1
        if calls > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_stage(self, name, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(WriteBatch, "stage", fill_up)
    report = run(lib, vault)
    assert len(report.written) == 3
    assert report.errors[-1] == "the export stopped: the disk takes no more writes"
    assert not report.ok
    monkeypatch.undo()
    again = run(lib, vault)
    assert set(again.unchanged) >= set(report.written)
    assert not again.conflicts


def test_a_missing_folder_is_created(lib: Library, vault: Path) -> None:
    assert not vault.parent.exists()
    report = run(lib, vault)
    assert vault.is_dir()
    assert len(report.written) == len(list(vault.iterdir()))


def test_a_file_already_in_the_vault_is_never_overwritten(lib: Library, vault: Path) -> None:
    paper = lib.paper(lib.paper_ids(descending=False)[0])
    vault.mkdir(parents=True)
    from reader.export.names import note_name, note_stem

    theirs = vault / note_name(note_stem(paper.title))
    theirs.write_text("A note the user wrote before Papershelf came along.\n", encoding="utf-8")

    run(lib, vault)

    assert theirs.read_text(encoding="utf-8").startswith("A note the user wrote")
    assert notes_by_id(vault)[paper.id].name.endswith(" (2).md")


def test_lost_records_do_not_duplicate_identical_notes(lib: Library, vault: Path) -> None:
    run(lib, vault)
    before = snapshot(vault)
    lib.db.execute("DELETE FROM export_file")

    report = run(lib, vault)

    assert report.written == []
    assert len(report.unchanged) == len(before)
    assert snapshot(vault) == before


def test_a_moved_vault_takes_its_notes_over_without_duplicates(
    lib: Library, vault: Path, tmp_path: Path
) -> None:
    run(lib, vault)
    paper_id = lib.paper_ids()[0]
    edited = notes_by_id(vault)[paper_id]
    mine = edited.read_text(encoding="utf-8").replace("## Notes", "## Notes\n\nmine")
    edited.write_text(mine, encoding="utf-8")
    moved = tmp_path / "moved vault"
    vault.rename(moved)
    before = snapshot(moved)

    report = run(lib, moved)

    assert report.written == []
    assert report.conflicts == [moved / edited.name]
    assert len(report.unchanged) == len(before) - 1
    assert snapshot(moved) == before  # nothing rewritten, no "(2)" duplicates
    lib.set_rating([paper_id], 3)
    forced = run(lib, moved, force=True)
    assert forced.conflict_copies == [moved / (edited.stem + ".conflict.md")]
    assert (moved / (edited.stem + ".conflict.md")).read_text(encoding="utf-8") == mine


def test_the_index_groups_papers_by_status_with_working_links(lib: Library, vault: Path) -> None:
    ids = lib.paper_ids()
    lib.set_status(ids[:2], Status.READ)
    lib.set_status(ids[2:3], Status.QUEUE)
    lib.set_rating(ids[:1], 5)

    run(lib, vault)

    index = vault / INDEX
    data, body = split_note(index)
    assert data["notes"] == len(ids)
    headings = re.findall(r"^## (\w+) \((\d+)\)$", body, re.MULTILINE)
    assert headings == [("Inbox", str(len(ids) - 3)), ("Queue", "1"), ("Read", "2")]
    targets = re.findall(r"\[\[([^\]|]+)(?:\|[^\]]*)?\]\]", body)
    assert len(targets) == len(ids)
    for target in targets:
        assert (vault / f"{target}.md").is_file(), target
    read_section = body.split("## Read (2)")[1]
    assert "★★★★★" in read_section


def test_an_edited_index_is_a_conflict_too(lib: Library, vault: Path) -> None:
    run(lib, vault)
    index = vault / INDEX
    index.write_text("my own index\n", encoding="utf-8")
    lib.set_status(lib.paper_ids()[:1], Status.READING)

    report = run(lib, vault)

    assert report.conflicts == [index]
    assert index.read_text(encoding="utf-8") == "my own index\n"


def test_the_selection_status_tag_and_rating_filters(lib: Library, tmp_path: Path) -> None:
    ids = sorted(lib.paper_ids())
    lib.set_status(ids[:3], Status.QUEUE)
    lib.add_tags(ids[2:5], ["sparse attention"])
    lib.set_rating(ids[4:6], 4)

    def exported(folder: str, **options: object) -> set[int]:
        run(lib, tmp_path / folder, **options)
        return set(notes_by_id(tmp_path / folder))

    assert exported("sel", paper_ids=[ids[7], ids[1], ids[7]]) == {ids[1], ids[7]}
    assert exported("status", view=PaperFilter(status=Status.QUEUE)) == set(ids[:3])
    assert exported("tag", view=PaperFilter(tag="Sparse Attention")) == set(ids[2:5])
    assert exported("rated", view=PaperFilter(rating_min=4)) == set(ids[4:6])
    missing = run(lib, tmp_path / "sel", paper_ids=[999_999])
    assert missing.errors == ["there is no paper with id 999999"]


def test_an_empty_export_writes_no_index(lib: Library, vault: Path) -> None:
    report = run(lib, vault, view=PaperFilter(status=Status.ARCHIVED))
    assert report.written == []
    assert list(vault.iterdir()) == []


def test_a_later_selection_keeps_earlier_papers_in_the_index(lib: Library, vault: Path) -> None:
    ids = sorted(lib.paper_ids())
    run(lib, vault, paper_ids=ids[:2])
    run(lib, vault, paper_ids=ids[2:3])
    data, _ = split_note(vault / INDEX)
    assert data["notes"] == 3


def test_progress_and_cancel(lib: Library, vault: Path) -> None:
    seen: list[tuple[int, int]] = []
    run_report = export_notes(
        lib, ExportOptions(folder=vault), progress=lambda d, t: seen.append((d, t))
    )
    assert seen
    assert seen[-1][0] == seen[-1][1]
    assert all(a <= b for (a, _), (b, _) in itertools.pairwise(seen))
    assert run_report.ok

    other = vault.parent / "other"
    cancelled = export_notes(lib, ExportOptions(folder=other), cancelled=lambda: True)
    assert cancelled.cancelled
    assert cancelled.written == []
    assert not other.exists()
    assert "(cancelled)" in cancelled.summary()


def test_a_note_replaced_by_a_link_is_not_written_through(
    lib: Library, vault: Path, tmp_path: Path
) -> None:
    run(lib, vault)
    paper_id = lib.paper_ids()[0]
    note = notes_by_id(vault)[paper_id]
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n", encoding="utf-8")
    note.unlink()
    note.symlink_to(outside)
    lib.set_rating([paper_id], 1)

    report = run(lib, vault, force=True)

    assert outside.read_text(encoding="utf-8") == "precious\n"
    assert note.is_symlink()
    assert any(str(note) in e for e in report.errors)


def test_a_tampered_record_cannot_lead_outside(lib: Library, vault: Path, tmp_path: Path) -> None:
    run(lib, vault)
    paper_id = lib.paper_ids()[0]
    lib.db.execute(
        "UPDATE export_file SET name = ?, sha256 = 'x' WHERE paper_id = ?",
        ["../../escaped.md", paper_id],
    )
    run(lib, vault)
    assert not list(tmp_path.rglob("escaped.md"))
    assert paper_id in notes_by_id(vault)


def test_a_version_1_library_gains_the_export_table(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    library_at(path, 1).close()
    with Library(path) as library:
        assert library.schema_version == len(MIGRATIONS)
        assert "export_file" in library.db.table_names()
        assert library.export_records("/nowhere") == {}


def test_an_unchanged_re_export_renders_nothing_but_a_changed_paper_is_rewritten(
    lib: Library, vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.export.notes as notes_module

    run(lib, vault)
    rendered: list[object] = []
    real = notes_module.note_context
    monkeypatch.setattr(
        notes_module, "note_context", lambda paper: rendered.append(paper) or real(paper)
    )
    again = run(lib, vault)
    assert again.written == []
    assert rendered == []  # every note's inputs were unchanged: nothing was rendered
    paper_id = lib.paper_ids()[0]
    lib.set_note(paper_id, "A new thought.")
    third = run(lib, vault)
    assert [p.id for p in rendered] == [paper_id]  # type: ignore[attr-defined]
    assert len(third.written) == 1  # that note only (the index links the same files)
    assert "A new thought." in notes_by_id(vault)[paper_id].read_text(encoding="utf-8")
