"""The GUI-stall bench's stack sampler reads another thread's stack without frame objects."""

from __future__ import annotations

import faulthandler
import gc
import tempfile
import threading
import weakref

from bench.stall_probe import ThreadClocks, _thread_stack


class Held:
    """A local whose lifetime the test watches (a QPainter's, in the window)."""


def test_a_sampled_threads_stack_is_read_and_its_locals_die_when_it_returns() -> None:
    inside, release = threading.Event(), threading.Event()
    alive: list[weakref.ref[Held]] = []

    def painting() -> None:
        held = Held()
        alive.append(weakref.ref(held))
        inside.set()
        release.wait(10)

    worker = threading.Thread(target=painting)
    gc.disable()  # only reference counting may free the local: as for a QPainter
    try:
        worker.start()
        assert inside.wait(10)
        with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
            faulthandler.dump_traceback(out, all_threads=True)
            out.seek(0)
            stack = _thread_stack(out.read(), worker.ident or 0)
        label = ThreadClocks.label(worker.ident or 0)
        release.set()
        worker.join(10)
        names = [frame.rpartition(" ")[2] for frame in stack]
        assert names[0] == "_bootstrap"  # outermost first
        assert names[-1] == "wait"  # innermost last: Event.wait, inside painting
        ours = [frame for frame in stack if frame.endswith(" painting")]
        assert len(ours) == 1
        assert "test_stall_probe.py:" in ours[0]
        assert names.index("painting") > names.index("_bootstrap")
        assert label == worker.name  # no Papershelf function on its stack
        assert alive[0]() is None  # nothing of the sample kept the frame's locals
    finally:
        gc.enable()


def test_each_stack_dump_holds_one_dump_of_every_thread() -> None:
    """The dumps reuse one in-memory file: each read is that dump alone, never the last
    one's tail (a shorter dump after a longer one)."""
    from bench.stall_probe import _dump_stacks

    stop = threading.Event()
    extra = [threading.Thread(target=stop.wait, args=(10,)) for _ in range(3)]
    for thread in extra:
        thread.start()
    try:
        longer = _dump_stacks()
    finally:
        stop.set()
        for thread in extra:
            thread.join(10)
    shorter = _dump_stacks()
    assert longer.count("Current thread") == shorter.count("Current thread") == 1
    assert longer.count("Thread 0x") == shorter.count("Thread 0x") + 3
    assert f"0x{threading.get_ident():016x}" in shorter
