"""One window per library: the second claim fails and asks the first to come forward."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from ui.instance import InstanceGuard


def test_second_instance_brings_the_first_forward(qtbot: QtBot, tmp_path: Path) -> None:
    library = tmp_path / "shared.sqlite"
    first = InstanceGuard(library)
    assert first.acquire()
    try:
        second = InstanceGuard(tmp_path / "." / "shared.sqlite")  # the same file, spelled otherwise
        with qtbot.waitSignal(first.activation_requested, timeout=10_000):
            assert not second.acquire()
        assert second.forwarded
        other = InstanceGuard(tmp_path / "another.sqlite")
        assert other.acquire()
        other.release()
    finally:
        first.release()
    third = InstanceGuard(library)
    assert third.acquire()  # released: the library can be opened again
    third.release()


def test_a_held_lock_without_a_server_is_still_refused(tmp_path: Path) -> None:
    library = tmp_path / "shared.sqlite"
    first = InstanceGuard(library)
    assert first.acquire()
    assert first._server is not None
    first._server.close()  # the first window is hung or still starting
    second = InstanceGuard(library)
    assert not second.acquire()
    assert not second.forwarded
    first.release()
