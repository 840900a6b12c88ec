"""Opening the window does no library-size work before its first paint."""

from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reader.library import Changes, Library, migrations_base, schema
from reader.library import citekeys as citekeys_module
from tests.schema_before import library_before

WAIT = 60_000
PAPERS = 5000


@pytest.fixture
def quiet_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions without the suite-wide log and exception hook (as the other session tests)."""
    import reader.logs
    import ui.errors

    monkeypatch.setattr(ui.errors, "install_excepthook", lambda _log: sys.excepthook)
    monkeypatch.setattr(reader.logs, "configure_logging", lambda *_args: None)


def _unkeyed_library(path: Path, count: int) -> None:
    """A library migrated to the current schema whose papers have no citation keys yet
    (as after the upgrade that added keys)."""
    conn = library_before(path, migrations_base.CITEKEY)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO paper (title, title_key, first_seen, published, authors) "
        "VALUES (?, lower(?), '2026-01-01T00:00:00Z', '2024-05-01', '[\"Ada Lovelace\"]')",
        [(f"Engine notes {n % 50}", f"Engine notes {n}") for n in range(count)],
    )
    conn.execute("COMMIT")
    conn.close()
    with Library(path) as library:  # migrated; the keys are still to be given
        assert library.connection.execute("SELECT count(*) FROM citekey").fetchone()[0] == 0


def test_the_window_paints_before_citation_keys_are_given_on_the_writer_thread(
    qtbot: QtBot, tmp_path: Path, quiet_app: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.app import start_session

    path = tmp_path / "old.sqlite"
    _unkeyed_library(path, PAPERS)
    threads: list[str] = []
    real_assign = citekeys_module._assign

    def recording_assign(*args: object, **kwargs: object) -> int:
        threads.append(threading.current_thread().name)
        return real_assign(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(citekeys_module, "_assign", recording_assign)
    session = start_session(path)
    assert not isinstance(session, int)
    try:
        window = session.window
        assert window.isVisible()
        assert threads == []  # nothing assigned before the window was shown
        announced: list[Changes] = []
        window.bus.changed.connect(lambda changes, _initiator: announced.append(changes))
        with Library(path, read_only=True) as check:

            def keyed() -> int:
                return int(check.connection.execute("SELECT count(*) FROM citekey").fetchone()[0])

            assert keyed() == 0
            qtbot.waitUntil(lambda: keyed() == PAPERS, timeout=WAIT)
            keys = check.connection.execute(
                "SELECT key FROM citekey WHERE paper_id IN (1, 51, 101) ORDER BY paper_id"
            ).fetchall()
        qtbot.waitUntil(lambda: window.idle, timeout=WAIT)
        assert threads
        assert all(t.startswith("papershelf-writer") for t in threads)
        assert threading.main_thread().name not in threads
        assert len(threads) == -(-PAPERS // citekeys_module.FILL_CHUNK)  # in bounded chunks
        given = frozenset().union(*(c.paper_ids for c in announced if "citekey" in c.fields))
        assert len(given) == PAPERS
        # The same keys, in arrival order, as the one pass the command line makes.
        assert [k for (k,) in keys] == [
            "lovelaceEngineNotes02024",
            "lovelaceEngineNotes02024a",
            "lovelaceEngineNotes02024b",
        ]
    finally:
        session.close()


def test_chunks_give_the_keys_one_pass_gives(tmp_path: Path) -> None:
    one, chunked = tmp_path / "one.sqlite", tmp_path / "chunked.sqlite"
    _unkeyed_library(one, 700)
    _unkeyed_library(chunked, 700)
    with Library(one) as library:
        citekeys_module.assign_missing(library)
        expected = library.connection.execute("SELECT paper_id, key FROM citekey").fetchall()
    with Library(chunked) as library:
        after: int | None = 0
        rounds = 0
        while after is not None:
            _changes, after = citekeys_module.assign_missing_chunk(library, after=after, limit=64)
            rounds += 1
        got = library.connection.execute("SELECT paper_id, key FROM citekey").fetchall()
    assert sorted(got) == sorted(expected)
    assert rounds == -(-700 // 64) + 1


def _old_library(path: Path, count: int) -> None:
    """A library from before citation keys (its upgrade is pending), with papers."""
    conn = library_before(path, migrations_base.CITEKEY)
    conn.executemany(
        "INSERT INTO paper (title, title_key, first_seen) VALUES (?, ?, '2026-01-01T00:00:00Z')",
        [(f"Paper {n}", f"paper {n}") for n in range(count)],
    )
    conn.close()


def test_an_upgrade_tells_its_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.library.opening import upgrade, upgrade_pending

    path = tmp_path / "old.sqlite"
    _old_library(path, 300)
    assert upgrade_pending(path)
    monkeypatch.setattr(schema, "PROGRESS_EVERY_S", 0)
    lines: list[str] = []
    upgrade(path, lines.append)
    assert lines
    assert lines[-1].startswith("upgraded the library in ")  # and steps, when long
    assert not upgrade_pending(path)
    with Library(path, read_only=True) as library:
        assert library.schema_version == schema.SCHEMA_VERSION


def test_the_window_upgrades_the_library_on_a_thread(
    qtbot: QtBot, tmp_path: Path, quiet_app: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.app import start_session

    path = tmp_path / "old.sqlite"
    _old_library(path, 300)
    threads: list[str] = []
    real_migrate = schema.migrate

    def recording_migrate(conn: sqlite3.Connection, *args: object) -> int:
        if schema.pending(conn):
            threads.append(threading.current_thread().name)
        return real_migrate(conn, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(schema, "migrate", recording_migrate)
    session = start_session(path)
    assert not isinstance(session, int)
    try:
        assert session.window.isVisible()
        assert threads == ["papershelf-upgrade"]  # not the GUI thread
        assert session.library.schema_version == schema.SCHEMA_VERSION
        qtbot.waitUntil(lambda: session.window.model.rowCount() == 300, timeout=WAIT)
        with Library(path, read_only=True) as check:  # and the keys arrive afterwards
            qtbot.waitUntil(
                lambda: (
                    check.connection.execute("SELECT count(*) FROM citekey").fetchone()[0] == 300
                ),
                timeout=WAIT,
            )
        qtbot.waitUntil(lambda: session.window.idle, timeout=WAIT)
    finally:
        session.close()


def test_the_interest_learner_starts_after_the_first_paint(
    qtbot: QtBot, tmp_path: Path, quiet_app: None
) -> None:
    from ui.app import start_session

    path = tmp_path / "lib.sqlite"
    Library(path).close()
    session = start_session(path)
    assert not isinstance(session, int)
    try:
        assert session.window.isVisible()
        assert session.window.interest.learner is None  # its thread loads numpy: not yet
        qtbot.waitUntil(lambda: session.window.interest.learner is not None, timeout=WAIT)
        qtbot.waitUntil(lambda: session.window.idle, timeout=WAIT)
    finally:
        session.close()
