"""The background learner: a real thread, real refits, writes handed to "the writer"."""

from __future__ import annotations

import queue
from collections.abc import Callable
from pathlib import Path

from reader import ranking
from reader.library import Changes, Library
from reader.ranking.learner import Learner
from tests.ranking.conftest import field_of

Op = Callable[[Library], Changes]


def drain(ops: queue.Queue[Op], library: Library, learner: Learner) -> Changes:
    """Run every operation the learner handed over, here (this thread is the writer)."""
    assert learner.wait_idle(120)
    changes = Changes()
    while True:
        try:
            op = ops.get_nowait()
        except queue.Empty:
            return changes
        changes |= op(library)
        learner.notify(changes)  # what the window's change bus does with every write


def test_edits_are_debounced_into_one_refit_whose_writes_the_writer_applies(
    corpus: Library,
) -> None:
    ops: queue.Queue[Op] = queue.Queue()
    # The delay is long enough that six ratings in a row fall inside it on a loaded machine.
    learner = Learner(corpus.path, ops.put, delay=2.0)
    learner.start(catch_up=False)
    try:
        field = field_of(corpus)
        math = [i for i in sorted(field) if field[i] == "math"]
        for paper_id in math[:6]:  # six edits in quick succession
            learner.notify(corpus.set_rating(paper_id, 5))
        changes = drain(ops, corpus, learner)
        assert learner.refits == 1
        assert changes.fields == {"interest"}
        assert len(changes.paper_ids) == len(field)
        top = ranking.for_you_ids(corpus, limit=10)
        assert sum(field[i] == "math" for i in top) >= 6
        # the learner's own writes do not start another refit
        learner.notify(changes)
        assert learner.wait_idle(30)
        assert learner.refits == 1
    finally:
        learner.close()


def test_new_papers_are_scored_without_a_refit(corpus: Library, tmp_path: Path) -> None:
    from bench.ranking_corpus import Record, records, write_digests
    from reader.importer import Importer

    corpus.set_rating(corpus.paper_ids()[:5], 5)
    ranking.rank(corpus)
    ops: queue.Queue[Op] = queue.Queue()
    learner = Learner(corpus.path, ops.put, delay=3600)  # no refit can come in time
    learner.start(catch_up=False)
    try:
        fresh = [
            Record(f"1302.99{n:02d}", r.categories, r.authors, f"{r.title} (a sequel)", r.abstract)
            for n, r in enumerate(records()[:3])
        ]
        (digest,) = write_digests(tmp_path / "more", fresh)
        report = Importer(corpus).import_file(digest)
        new = sorted(report.changes.paper_ids)
        assert len(new) == 3
        learner.notify(report.changes)
        op = ops.get(timeout=120)
        changes = op(corpus)
        assert changes.paper_ids == frozenset(new)
        assert learner.refits == 0
        assert len(ranking.scores(corpus, new)) == 3
    finally:
        learner.close()


def test_catch_up_refits_when_signals_changed_while_no_learner_ran(corpus: Library) -> None:
    corpus.set_rating(corpus.paper_ids()[:5], 5)
    ops: queue.Queue[Op] = queue.Queue()
    learner = Learner(corpus.path, ops.put, delay=0.1)
    learner.start()
    try:
        drain(ops, corpus, learner)
        assert learner.refits == 1
        assert ranking.state(corpus).fitted_at is not None
    finally:
        learner.close()
    restarted = Learner(corpus.path, ops.put, delay=0.1)
    restarted.start()
    try:
        drain(ops, corpus, restarted)
        assert restarted.refits == 0  # nothing changed since: the stored model is used
    finally:
        restarted.close()


def test_a_failed_refit_is_reported_and_the_learner_carries_on(tmp_path: Path) -> None:
    errors: list[BaseException] = []
    learner = Learner(
        tmp_path / "missing.sqlite", lambda op: None, delay=0.0, on_error=errors.append
    )
    learner.start(catch_up=False)
    try:
        learner.request_refit(now=True)
        assert learner.wait_idle(30)
        assert errors
        learner.request_refit(now=True)
        assert learner.wait_idle(30)
        assert len(errors) == 2
    finally:
        learner.close()


def test_catch_up_refits_a_library_file_replaced_under_its_cache(
    tmp_path: Path, corpus_template: Path
) -> None:
    """A restored backup (or a rebuilt file) with the same signals as the cache next to it:
    the stored model is another file's, so the learner refits instead of leaving the
    library without a model state."""
    import shutil

    path = tmp_path / "library.sqlite"
    shutil.copyfile(corpus_template, path)
    with Library(path) as library:
        library.set_rating(library.paper_ids()[:5], 5)
        ranking.rank(library)
    path.unlink()
    shutil.copyfile(corpus_template, path)  # the cache (library.sqlite.interest) stays
    with Library(path) as library:
        library.set_rating(library.paper_ids()[:5], 5)  # the same signals
        assert ranking.state(library).fitted_at is None
        ops: queue.Queue[Op] = queue.Queue()
        learner = Learner(path, ops.put, delay=0.1)
        learner.start()
        try:
            drain(ops, library, learner)
            assert learner.refits == 1
            assert ranking.state(library).fitted_at is not None
            assert ranking.for_you_ids(library, limit=5)
        finally:
            learner.close()
