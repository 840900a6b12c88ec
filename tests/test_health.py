"""Library checks and repairs, damage detection and the refusal to write to a damaged file."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from reader.digests.model import Digest
from reader.library import (
    LibraryCorruptError,
    LibraryDamagedError,
    LibraryReadOnlyError,
    PaperFilter,
    SortKey,
    checkup,
    health,
)
from reader.library.errors import is_corruption
from reader.library.ingest import SourceFile, record_digest
from reader.library.store import Library
from tests.factories import entry, run_papershelf

PAPERS = 30


def fill(path: Path, papers: int = PAPERS) -> Path:
    """A library at ``path`` with ``papers`` papers in one digest, two tags and a note."""
    with Library(path) as library:
        record_digest(
            library,
            SourceFile(str(path.parent / "digest.txt"), 1, f"sha-{path.name}", "test"),
            Digest("test", tuple(entry(n) for n in range(papers)), date(2026, 1, 30)),
        )
        library.add_tags([1, 2], ["vision"])
        library.add_tags([3], ["theory"])
        library.set_note(1, "my own words about attention")
        library.set_rating(2, 4)
    return path


def checkpoint(path: Path) -> None:
    """Move everything from the WAL into the main file (so pages can be damaged on disk)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def damage_page(path: Path, name: str) -> None:
    """Overwrite the root page of the table or index ``name`` with garbage."""
    checkpoint(path)
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [name]).fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * size)
        handle.write(b"\xde\xad\xbe\xef" * (size // 4))


def damage_index(path: Path) -> None:
    """Make one entry of ``paper_title_key`` disagree with its row (only REINDEX-deep)."""
    checkpoint(path)
    conn = sqlite3.connect(path, isolation_level=None)
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'paper_title_key'").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = ? WHERE name = 'paper_title_key'",
        [sql[0].replace("(title_key)", "(title)")],
    )
    conn.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE paper SET title_key = 'changed behind the index' WHERE id = 2")
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'paper_title_key'", [sql[0]])
    conn.close()


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


# ---------------------------------------------------------------------- the checks


def test_a_good_library_passes_every_check(tmp_path: Path) -> None:
    conn = connect(fill(tmp_path / "lib.sqlite"))
    report = checkup.check(conn)
    assert report.ok, report.problems
    assert report.orphans == dict.fromkeys(report.orphans, 0)
    assert not report.damaged


def test_orphan_rows_are_found_and_repaired_without_touching_user_data(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    conn = connect(path)  # foreign keys are off on a plain connection: orphans can be made
    conn.execute("INSERT INTO appearance (digest_id, position, paper_id) VALUES (1, 999, 777)")
    conn.execute("INSERT INTO appearance (digest_id, position, paper_id) VALUES (55, 1, 1)")
    conn.execute("INSERT INTO paper_tag (paper_id, tag_id) VALUES (888, 1)")
    conn.execute("INSERT INTO paper_tag (paper_id, tag_id) VALUES (4, 999)")
    conn.execute("INSERT INTO tag (name) VALUES ('  ')")
    blank = conn.execute("SELECT id FROM tag WHERE trim(name) = ''").fetchone()[0]
    conn.execute("INSERT INTO paper_tag (paper_id, tag_id) VALUES (5, ?)", [blank])

    report = checkup.check(conn)
    assert not report.damaged
    assert report.orphans == {
        "appearances of missing papers": 1,
        "appearances in missing digests": 1,
        "tags on missing papers": 1,
        "papers tagged with missing tags": 1,
        "tags without a name": 1,
    }
    assert len(report.problems) == 5
    done = checkup.repair(conn, report)
    assert len(done) == 5
    assert checkup.check(conn).ok
    conn.close()
    with Library(path) as library:
        assert library.paper(1).note == "my own words about attention"
        assert library.paper(2).rating == 4
        assert library.paper(5).tags == ()  # the nameless tag is gone from the paper too
        assert [t.name for t in library.tags()] == ["theory", "vision"]
        assert library.stats()["appearance"] == PAPERS


@pytest.mark.parametrize("how", ["ghost row", "stale row"])
def test_a_search_index_out_of_step_is_found_and_rebuilt(tmp_path: Path, how: str) -> None:
    path = fill(tmp_path / "lib.sqlite")
    conn = connect(path)
    if how == "ghost row":
        conn.execute(
            "INSERT INTO paper_fts (rowid, title, abstract, note, tags) "
            "VALUES (9999, 'phantom', '', '', '')"
        )
    else:
        conn.execute("DROP TRIGGER paper_fts_update")
        conn.execute("UPDATE paper SET title = 'Quokka behaviour studied' WHERE id = 3")
    report = checkup.check(conn)
    assert report.search_index is not None
    assert not report.damaged
    assert report.repairable
    assert checkup.repair(conn, report) == ["rebuilt the search index"]
    assert health.search_index_problem(conn) is None
    conn.close()
    if how == "stale row":
        with Library(path) as library:
            assert library.paper_ids(PaperFilter(search="quokka")) == [3]


def test_index_only_damage_is_repaired_with_reindex(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    damage_index(path)
    conn = connect(path)
    report = checkup.check(conn)
    assert report.damaged
    assert report.integrity == ("row 2 missing from index paper_title_key",)
    assert report.repairable
    assert "rebuilt the indexes" in checkup.repair(conn, report)
    assert checkup.check(conn).ok


def test_damaged_table_pages_are_not_repairable_and_repair_writes_nothing(
    tmp_path: Path,
) -> None:
    path = fill(tmp_path / "lib.sqlite")
    damage_page(path, "paper")
    before = path.read_bytes()
    conn = connect(path)
    report = checkup.check(conn)
    assert report.damaged
    assert not report.repairable
    assert report.integrity
    assert checkup.repair(conn, report) == []
    conn.close()
    assert path.read_bytes() == before


def test_schema_problems(tmp_path: Path) -> None:
    new = connect(tmp_path / "new.sqlite")
    assert health.schema_problem(new) is None

    foreign = connect(tmp_path / "foreign.sqlite")
    foreign.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    assert "not a Papershelf library" in (health.schema_problem(foreign) or "")

    half = connect(tmp_path / "half.sqlite")
    half.execute("CREATE TABLE paper (id INTEGER PRIMARY KEY)")
    half.execute("PRAGMA user_version = 2")
    assert "lacks the Papershelf tables" in (health.schema_problem(half) or "")


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    conn = connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LibraryCorruptError, match="not a Papershelf library"):
        Library(path)
    assert path.read_bytes() == before  # no Papershelf tables were added to it


def test_a_text_file_is_not_a_library(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 20)
    with pytest.raises(LibraryCorruptError):
        Library(path)
    assert path.read_text().startswith("these are my notes")
    assert not health.damage_marker(path).exists()  # it was never a library: no marker


def test_corruption_is_told_from_query_mistakes() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5 (x)")
    with pytest.raises(sqlite3.OperationalError) as fts:
        conn.execute("SELECT * FROM t WHERE t MATCH '\"unbalanced'").fetchall()
    assert not is_corruption(fts.value)
    with pytest.raises(sqlite3.OperationalError) as json_error:
        conn.execute("SELECT json('{not json')").fetchall()
    assert "malformed" in str(json_error.value)
    assert not is_corruption(json_error.value)


# ---------------------------------------------------------------------- damage: no writes


def test_read_only_libraries_read_but_never_write(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    with Library(path, read_only=True) as library:
        assert library.count() == PAPERS
        assert not library.writable
        with pytest.raises(LibraryReadOnlyError, match="open read-only"):
            library.set_rating(1, 5)
    with Library(path) as library:
        assert library.paper(1).rating == 0
    with pytest.raises(Exception, match="no library at"):
        Library(tmp_path / "missing.sqlite", read_only=True)


def test_malformed_met_at_any_time_marks_the_library_for_every_opener(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    writer = Library(path)  # open before the damage, as the window's worker would be
    damage_page(path, "paper_by_title")
    reader = Library(path)
    with pytest.raises(LibraryDamagedError, match="damaged"):
        reader.paper_ids(sort=SortKey.TITLE)
    assert reader.damage is not None
    assert not reader.writable
    assert health.damage_marker(path).exists()
    # The other connection and a new process refuse writes too; reading still works.
    with pytest.raises(LibraryDamagedError, match="kept read-only"):
        writer.set_rating(1, 5)
    assert writer.paper(1).rating == 0
    later = run_papershelf(path, "rate", "1", "5")
    assert later.returncode == 2
    assert "damaged" in later.stderr
    assert "Traceback" not in later.stderr
    assert len(later.stderr.strip().splitlines()) == 1
    writer.close()
    reader.close()


def test_the_damage_marker_describes_one_file(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    assert health.read_damage(path) is None
    assert health.record_damage(path, "integrity check: page 7 is wrong")
    assert "page 7 is wrong" in (health.read_damage(path) or "")
    with Library(path) as library, pytest.raises(LibraryDamagedError):
        library.set_rating(1, 2)
    # A different file put in its place (a copy, a restore) is not the damaged one.
    replacement = fill(tmp_path / "other.sqlite")
    replacement.replace(path)
    assert health.read_damage(path) is None
    health.clear_damage(path)
    assert not health.damage_marker(path).exists()


# ---------------------------------------------------------------------- papershelf check


def test_papershelf_check_and_repair(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    health.record_damage(path, "a scare that turns out to be nothing")
    clean = run_papershelf(path, "check")
    assert clean.returncode == 0, clean.stderr
    assert "integrity: ok" in clean.stdout
    assert "the library is healthy" in clean.stdout
    assert health.read_damage(path) is None  # a clean check lifts the mark
    assert run_papershelf(path, "rate", "1", "3").returncode == 0

    conn = connect(path)
    conn.execute("INSERT INTO paper_tag (paper_id, tag_id) VALUES (888, 1)")
    conn.execute("INSERT INTO paper_fts (rowid, title) VALUES (9999, 'phantom')")
    conn.close()
    found = run_papershelf(path, "check")
    assert found.returncode == 1
    assert "1 tags on missing papers" in found.stdout
    assert "search index: it does not match" in found.stdout
    assert "papershelf check --repair" in found.stdout

    repaired = run_papershelf(path, "check", "--repair")
    assert repaired.returncode == 0, repaired.stdout
    assert "repaired: rebuilt the search index" in repaired.stdout
    assert "saved a copy before repairing" in repaired.stdout
    assert run_papershelf(path, "check").returncode == 0


def test_papershelf_check_on_a_damaged_library_marks_it_and_offers_backups(
    tmp_path: Path,
) -> None:
    path = fill(tmp_path / "lib.sqlite")
    assert run_papershelf(path, "backup").returncode == 0
    damage_page(path, "paper")
    result = run_papershelf(path, "check", "--repair")
    assert result.returncode == 1
    assert "integrity: failed" in result.stdout
    assert "cannot be repaired in place" in result.stdout
    assert "papershelf restore --latest" in result.stdout
    assert "(manual)" in result.stdout
    assert health.read_damage(path) is not None
    listing = run_papershelf(path, "list")
    assert listing.returncode == 2
    assert "damaged" in listing.stderr


# ---------------------------------------------------------------------- damage that hid


def damage_abstract(path: Path, paper_id: int) -> None:
    """Put one byte that is not UTF-8 into a stored abstract, as a bad sector would."""
    conn = connect(path)
    conn.execute(
        "UPDATE paper SET abstract = CAST(CAST(abstract AS BLOB) || x'ff' || "
        "CAST(' and more' AS BLOB) AS TEXT) WHERE id = ?",
        [paper_id],
    )
    conn.close()


def test_undecodable_text_is_found_read_around_and_repaired_with_its_bytes_kept(
    tmp_path: Path,
) -> None:
    path = fill(tmp_path / "lib.sqlite")
    damage_abstract(path, 3)
    with Library(path) as library:  # reads degrade: the paper still shows
        paper = library.paper(3)
        assert "\ufffd and more" in paper.abstract
        assert len(list(library.papers())) == PAPERS
    listed = run_papershelf(path, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    shown = run_papershelf(path, "show", "3")
    assert shown.returncode == 0
    assert "not valid UTF-8" in shown.stderr
    checked = run_papershelf(path, "check")
    assert checked.returncode == 1
    assert "paper 3: the abstract holds text that is not valid UTF-8" in checked.stdout
    repaired = run_papershelf(path, "check", "--repair")
    assert repaired.returncode == 0, repaired.stdout
    assert "the library is healthy" in repaired.stdout
    conn = connect(path)
    (original,) = conn.execute("SELECT original FROM damaged_text WHERE row_id = 3").fetchone()
    assert original.endswith(b"\xff and more")
    conn.close()
    assert "not valid UTF-8" not in run_papershelf(path, "show", "3").stderr


def test_a_lone_surrogate_in_stored_authors_is_found_and_printable(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    conn = connect(path)
    conn.execute("""UPDATE paper SET authors = '["Ada \\ud800 Lovelace"]' WHERE id = 4""")
    conn.close()
    for args in (("list", "--json"), ("show", "4"), ("show", "4", "--json")):
        result = run_papershelf(path, *args)
        assert result.returncode == 0, result.stderr
    assert "Ada \ufffd Lovelace" in run_papershelf(path, "show", "4").stdout
    checked = run_papershelf(path, "check")
    assert "paper 4: the authors holds a lone surrogate" in checked.stdout
    assert run_papershelf(path, "check", "--repair").returncode == 0
    with Library(path) as library:
        assert library.paper(4).authors == ("Ada \ufffd Lovelace",)


def _fts_leaf(path: Path, index: str = "paper_fts") -> int:
    checkpoint(path)
    conn = connect(path)
    pages = conn.execute(
        "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", [f"{index}_data"]
    ).fetchall()
    conn.close()
    return int(pages[len(pages) // 2][0])


@pytest.mark.parametrize("index", ["paper_fts", "paper_words"])
@pytest.mark.parametrize("where", ["header", "content"])
def test_damaged_search_index_pages_are_found_and_rebuilt_from_the_papers(
    tmp_path: Path, where: str, index: str
) -> None:
    path = fill(tmp_path / "lib.sqlite", papers=1500)
    page = _fts_leaf(path, index)
    conn = connect(path)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((page - 1) * size + (0 if where == "header" else 300))
        handle.write(b"\xff" * 300)
    conn = connect(path)
    report = checkup.check(conn)
    conn.close()
    assert report.search_index is not None
    assert report.repairable
    assert not report.damaged
    repaired = run_papershelf(path, "check", "--repair")
    assert repaired.returncode == 0, repaired.stdout
    assert "the library is healthy" in repaired.stdout
    with Library(path) as library:
        assert library.count(PaperFilter(search="synthetic")) == 1500
        assert library.count(PaperFilter(search='"my own words"')) == 1  # paper_fts
        assert library.count(PaperFilter(search="synth is:rated")) == 1  # paper_words
        assert library.paper(1).note == "my own words about attention"
        assert library.paper(2).rating == 4


def test_environment_errors_are_classified_by_code_not_by_words(tmp_path: Path) -> None:
    from reader.library.errors import translate

    path = fill(tmp_path / "lib.sqlite")
    conn = connect(path)
    conn.execute(
        "CREATE TRIGGER bug AFTER UPDATE OF rating ON paper BEGIN SELECT locked_at FROM paper; END"
    )
    with pytest.raises(sqlite3.OperationalError) as bug:
        conn.execute("UPDATE paper SET rating = 1 WHERE id = 1")
    assert translate(bug.value, str(path)) is None  # a bug, whatever its words say
    conn.close()
    result = run_papershelf(path, "rate", "1", "3")
    assert result.returncode == 70
    assert "internal error" in result.stderr
    assert "locked" not in result.stderr
    assert "OperationalError" not in result.stderr
    proc = run_papershelf(tmp_path / "x.sqlite", "--library", "/proc/self/status", "list")
    assert "full" not in proc.stderr
    assert proc.returncode == 2


def test_the_daily_backup_tells_about_damaged_text(tmp_path: Path) -> None:
    from reader.library.opening import open_library

    path = fill(tmp_path / "lib.sqlite")
    damage_abstract(path, 5)
    warnings: list[str] = []
    with open_library(path, on_warning=warnings.append, today=date(2026, 2, 1)):
        pass
    assert any("paper 5: the abstract holds text that is not valid UTF-8" in w for w in warnings)


def test_text_that_is_not_unicode_is_refused_by_the_library(tmp_path: Path) -> None:
    with Library(fill(tmp_path / "lib.sqlite")) as library:
        with pytest.raises(ValueError, match="lone surrogate"):
            library.set_note(1, "half \ud800 a pair")
        with pytest.raises(ValueError, match="lone surrogate"):
            library.add_tags([1], ["bad \udcff"])
        assert library.paper(1).note == "my own words about attention"
