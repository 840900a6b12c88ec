"""Background work yields to the user: the gate, and the daily backup's checks waiting at it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import yieldgate
from reader.library import backup, health, text_damage
from reader.yieldgate import YieldGate
from tests.test_health import connect, damage_abstract, fill


class Clock:
    """A clock that moves only when someone sleeps (so no test depends on timing)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def gate_on(clock: Clock) -> YieldGate:
    return YieldGate(clock=clock, sleep=clock.sleep)


def test_the_gate_is_open_until_input_and_closed_for_the_quiet_time_after_it() -> None:
    clock = Clock()
    gate = gate_on(clock)
    assert not gate.busy()
    assert gate.pause() == 0  # nobody typed: no wait
    assert clock.slept == []
    gate.note_input()
    assert gate.busy()
    clock.now += 0.2
    assert gate.wait_s() == pytest.approx(0.3)
    assert gate.pause() == pytest.approx(0.3)  # until 0.5 s after the key
    assert not gate.busy()
    assert gate.pauses == 1
    assert gate.waited_s == pytest.approx(0.3)


def test_the_gate_is_closed_while_a_foreground_job_runs() -> None:
    clock = Clock()
    gate = gate_on(clock)
    job = gate.foreground()
    job.__enter__()
    assert gate.busy()

    def sleep(seconds: float) -> None:  # the foreground read ends while the job waits
        clock.sleep(seconds)
        if len(clock.slept) == 3:
            job.__exit__(None, None, None)

    gate._sleep = sleep
    gate.pause()
    assert len(clock.slept) == 3
    assert not gate.busy()


def test_a_user_typing_for_minutes_still_lets_the_work_move_on() -> None:
    clock = Clock()
    gate = gate_on(clock)

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        gate.note_input()  # a key every step

    gate._sleep = sleep
    gate.note_input()
    assert gate.pause() == pytest.approx(yieldgate.MAX_PAUSE_S)
    assert gate.pause(cancelled=lambda: True) == 0


def test_the_text_scan_pauses_while_the_user_types_and_finds_everything(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    for paper_id in (2, 17, 29):
        damage_abstract(path, paper_id)
    conn = connect(path)
    expected = text_damage.find(conn)
    assert [d.row_id for d in expected] == [2, 17, 29]

    clock = Clock()
    gate = gate_on(clock)
    seen: list[tuple[int, bool]] = []  # (rows read so far, whether the user was active)

    def pause() -> None:
        seen.append((len(seen), gate.busy()))
        if len(seen) == 3:
            gate.note_input()  # a key press in the middle of the scan
        gate.pause()

    found = text_damage.find(conn, pause=pause, rows=4)
    conn.close()
    assert found == expected  # nothing skipped
    assert len(seen) > 8  # it yielded every 4 rows
    assert gate.pauses == 1  # and waited once: after the key, until the user was quiet
    assert clock.slept
    assert sum(clock.slept) == pytest.approx(gate.quiet_s)
    assert not any(active for _n, active in seen[3:])  # the next chunk ran after the quiet


def test_the_integrity_check_calls_its_pause_and_gives_the_same_answer(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite", papers=300)
    conn = connect(path)
    calls: list[int] = []
    assert health.integrity_errors(conn, pause=lambda: calls.append(1), steps=100) == []
    assert health.integrity_errors(conn) == []
    conn.close()
    assert calls  # the check stopped to look at the gate


def test_the_daily_backup_waits_at_the_gate_while_the_user_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = fill(tmp_path / "lib.sqlite", papers=300)
    damage_abstract(path, 5)
    clock = Clock()
    gate = gate_on(clock)
    gate.note_input()  # the user is typing as the backup starts
    monkeypatch.setattr(yieldgate, "GATE", gate)
    made = backup.backup_if_due(path)
    assert made is not None
    assert gate.pauses >= 1
    assert sum(clock.slept) == pytest.approx(gate.quiet_s)  # waited, then went on
    assert made.problems == ("paper 5: the abstract holds text that is not valid UTF-8",)
    assert made.path.is_file()
