"""A paper id is never given twice: not after a merge, not after the trash is emptied (#19)."""

from __future__ import annotations

from datetime import UTC, datetime

from reader.digests.model import Digest, Entry
from reader.library import Library, citekeys, migrations_search, paper_ids
from reader.library.ingest import SourceFile, record_digest
from reader.library.paper_merge import merge_papers, split_papers
from reader.library.trash import empty_trash, trash_papers

CAPTURED = datetime(2025, 5, 2, tzinfo=UTC)


def _ingest(library: Library, *titles: str, name: str) -> list[int]:
    digest = Digest(
        format="test", entries=tuple(Entry(title=t) for t in titles), captured_at=CAPTURED
    )
    record_digest(library, SourceFile(name, None, name, "test"), digest)
    ids = {p.title: p.id for p in library.papers()}
    return [ids[t] for t in titles]


def test_the_merged_away_papers_id_is_not_given_to_the_next_import(library: Library) -> None:
    other, keep = _ingest(library, "Deep Nets", "Deep Nets (preprint)", name="feed")
    assert other == max(keep, other)  # the highest id goes
    other_key = library.paper(other).citekey
    assert other_key is not None
    merge = merge_papers(library, keep, other)
    (new,) = _ingest(library, "A paper that arrives later", name="later")
    assert new > other
    assert library.paper(new).citekey != other_key
    assert citekeys.paper_for_key(library, other_key) == keep  # the old key still answers
    split_papers(library, merge)  # the undo gives the merged paper its own id back
    assert library.paper(other).title == "Deep Nets"
    assert library.paper(other).citekey == other_key
    assert library.paper(new).title == "A paper that arrives later"


def test_a_purged_papers_id_is_not_given_again(library: Library) -> None:
    last, first = _ingest(library, "Thrown away", "Stays", name="feed")
    assert last > first
    trash_papers(library, [last])
    empty_trash(library)
    (new,) = _ingest(library, "Newcomer", name="later")
    assert new > last
    with library.transaction() as conn:
        assert paper_ids.high_water_mark(conn) == new


def test_the_upgrade_starts_the_mark_above_every_id_still_recorded(library: Library) -> None:
    other, keep = _ingest(library, "Merged away", "Kept", name="feed")
    assert other > keep
    merge_papers(library, keep, other)
    with library.transaction() as conn:
        conn.execute("DROP TABLE paper_id_mark")  # as before the upgrade
        conn.execute(
            "INSERT INTO export_file (folder, paper_id, name, sha256, exported_at) "
            "VALUES ('/vault', 77, 'n.md', 'x', 'now')"
        )
    library.connection.executescript(f"BEGIN; {migrations_search.PAPER_ID_MARK} COMMIT;")
    with library.transaction() as conn:
        assert paper_ids.high_water_mark(conn) == 77  # an exported note names paper 77
        conn.execute("DELETE FROM export_file")
        conn.execute("UPDATE paper_id_mark SET high = 0")
        conn.execute("DROP TABLE paper_id_mark")
    library.connection.executescript(f"BEGIN; {migrations_search.PAPER_ID_MARK} COMMIT;")
    with library.transaction() as conn:
        assert paper_ids.high_water_mark(conn) == other  # the merged paper's key row names it
    (new,) = _ingest(library, "After the upgrade", name="later")
    assert new == other + 1
