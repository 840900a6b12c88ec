"""The interest model in the window: the learner runs with it, real papers, real sklearn."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reader import ranking
from reader.library import Library, SortKey, Status
from reader.library.interest import not_interested_ids
from tests.ui.conftest import WAIT_MS, WindowFactory, settle
from tests.ui.test_end_to_end import click_row, press
from ui.interest import COLD_START
from ui.models import Column
from ui.sidebar import CountRole
from ui.views import ALL, FOR_YOU, INBOX
from ui.window import MainWindow

LEARN_MS = 120_000
"""A refit on 205 real papers on a shared 2-core machine (sklearn's first import included)."""


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library of the 205 real arXiv papers of the ranking benchmark (built once)."""
    from bench.ranking_corpus import records, write_digests
    from reader.importer import Importer

    folder = tmp_path_factory.mktemp("interest-corpus")
    path = folder / "template.sqlite"
    with Library(path) as library:
        Importer(library).import_paths(write_digests(folder / "digests", records()))
    return path


@pytest.fixture
def corpus(lib_path: Path, corpus_file: Path) -> Path:
    """A fresh copy of the corpus as the test's library."""
    shutil.copyfile(corpus_file, lib_path)
    return lib_path


def fields(path: Path) -> dict[int, str]:
    """Each paper's field (the archive of its primary category)."""
    with Library(path, read_only=True) as library:
        papers = library.papers_by_id(library.paper_ids(), with_appearances=False)
        return {p.id: p.categories[0].split(".", 1)[0] for p in papers}


def interest_state(path: Path) -> ranking.InterestState:
    """The model's state as another reader of the file sees it."""
    with Library(path, read_only=True) as library:
        return ranking.state(library)


def learner_threads() -> list[threading.Thread]:
    """The interest learners running in this process."""
    return [t for t in threading.enumerate() if t.name == "interest-learner" and t.is_alive()]


def quick(window: MainWindow) -> None:
    """Shorten the learner's quiet period for the test."""
    assert window.interest.learner is not None
    window.interest.learner.delay = 0.2


@pytest.fixture
def field(corpus: Path) -> dict[int, str]:
    """Each corpus paper's field."""
    return fields(corpus)


@pytest.fixture
def math(field: dict[int, str]) -> list[int]:
    """Four of the corpus's math papers (the ones the tests rate), in id order."""
    return [i for i in sorted(field) if field[i] == "math"][:4]


@pytest.fixture
def learning(make_window: WindowFactory, corpus: Path) -> MainWindow:
    """A window on the corpus whose learner refits soon after an edit."""
    window = make_window()
    quick(window)
    return window


def test_the_learner_runs_with_the_window_and_refits_after_edits(
    qtbot: QtBot, learning: MainWindow, corpus: Path, field: dict[int, str], math: list[int]
) -> None:
    window = learning
    assert window.interest.learner is not None
    assert len(learner_threads()) == 1
    assert window.interest.learner.wait_idle(LEARN_MS / 1000)
    settle(qtbot, window)
    assert interest_state(corpus).fitted_at is None  # nothing rated: no model, no scores

    before = window.interest.learner.refits  # the catch-up of a never-ranked library
    seen: list[frozenset[str]] = []
    window.bus.changed.connect(lambda changes, _who: seen.append(changes.fields))
    window.edits.rate(math, 5)  # an edit through the window's writer
    qtbot.waitUntil(lambda: interest_state(corpus).fitted_at is not None, timeout=LEARN_MS)
    qtbot.waitUntil(lambda: frozenset({"interest"}) in seen, timeout=WAIT_MS)
    settle(qtbot, window)
    state = interest_state(corpus)
    assert state.positives == 4
    assert state.message is None
    with Library(corpus, read_only=True) as library:
        top = ranking.for_you_ids(library, limit=10)
        assert len(ranking.scores(library, library.paper_ids())) == len(field)
    assert sum(field[i] == "math" for i in top) >= 5  # like the four rated ones
    assert window.interest.learner.refits == before + 1  # one refit for the edit

    window.close()
    assert window.interest.learner is None
    qtbot.waitUntil(lambda: not learner_threads(), timeout=WAIT_MS)


def test_closing_the_window_during_a_refit_ends_the_learners_process(
    qtbot: QtBot, learning: MainWindow, corpus: Path, math: list[int]
) -> None:
    window = learning
    learner = window.interest.learner
    assert learner is not None
    assert learner.wait_idle(LEARN_MS / 1000)
    window.edits.rate(math, 5)
    qtbot.waitUntil(lambda: learner.busy and learner.process.pid is not None, timeout=LEARN_MS)
    pid = learner.process.pid
    assert pid is not None
    assert pid != os.getpid()
    window.close()  # in the middle of the refit
    assert window.interest.learner is None
    assert learner.process.pid is None
    assert multiprocessing.active_children() == []
    qtbot.waitUntil(lambda: not Path(f"/proc/{pid}").exists(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not learner_threads(), timeout=WAIT_MS)


def test_for_you_is_honest_while_cold_then_lists_the_inbox_by_interest(
    qtbot: QtBot, learning: MainWindow, corpus: Path, field: dict[int, str], math: list[int]
) -> None:
    window = learning
    assert window.sidebar.select_key(FOR_YOU)
    settle(qtbot, window)
    assert window.sidebar_model.index_of(FOR_YOU).data(CountRole) is None  # no made-up count
    assert window.model.rowCount() == 0  # no model: no made-up order
    assert window.paper_list.empty_text == COLD_START

    window.edits.rate(math, 5)
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=LEARN_MS)
    settle(qtbot, window)
    shown = window.model.ids()
    assert not set(math) & set(shown)  # rated papers have left "For you"
    assert len(shown) == len(field) - len(math)  # every other paper is an untriaged inbox one
    assert sum(field[i] == "math" for i in shown[:10]) >= 5
    with Library(corpus, read_only=True) as library:
        scored = ranking.scores(library, shown)
    assert [scored[i] for i in shown] == sorted(scored.values(), reverse=True)

    window.edits.set_status([shown[0]], Status.QUEUE)  # triaged: it leaves the view
    qtbot.waitUntil(lambda: shown[0] not in window.model.ids(), timeout=WAIT_MS)


def test_the_match_column_shows_and_sorts_any_view_by_interest(
    qtbot: QtBot, learning: MainWindow, corpus: Path, field: dict[int, str], math: list[int]
) -> None:
    window = learning
    header = window.paper_list.horizontalHeader()
    assert header.isSectionHidden(Column.MATCH)  # off until asked for
    header.setSectionHidden(Column.MATCH, False)
    assert window.sidebar.select_key(ALL)
    settle(qtbot, window)
    cell = window.model.index(0, Column.MATCH)
    assert cell.data() == ""  # no model: no score, not a made-up one
    assert "rate or queue" in cell.data(Qt.ItemDataRole.ToolTipRole)

    window.edits.rate(math, 5)
    qtbot.waitUntil(lambda: window.model.index(0, Column.MATCH).data() != "", timeout=LEARN_MS)
    header.setSortIndicator(Column.MATCH, Qt.SortOrder.DescendingOrder)  # a click on "Match"
    settle(qtbot, window)
    assert window.model.sort_key is SortKey.INTEREST
    shown = window.model.ids()
    assert len(shown) == len(field)  # every paper, rated ones too: it is All papers
    with Library(corpus, read_only=True) as library:
        scored = ranking.scores(library, shown)
    assert [scored[i] for i in shown] == sorted(scored.values(), reverse=True)
    top = window.model.index(0, Column.MATCH)
    assert top.data() == f"{round(scored[shown[0]] * 100)}%"
    assert top.data(Qt.ItemDataRole.ToolTipRole).startswith(f"{top.data()} match: ")
    header_tip = window.model.headerData(
        Column.MATCH, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "typical paper you liked" in header_tip
    assert "not a probability" in header_tip


def test_not_interested_archives_teaches_the_model_and_undoes(
    qtbot: QtBot, learning: MainWindow, corpus: Path
) -> None:
    window = learning
    menu = window.menu_actions.paper_menu(window, [])
    assert window.menu_actions.not_interested in menu.actions()
    click_row(qtbot, window, 0)
    first, second = window.model.ids()[:2]
    press(qtbot, window, Qt.Key.Key_X)
    with Library(corpus, read_only=True) as library:
        assert library.paper(first).status is Status.ARCHIVED
        assert not_interested_ids(library) == {first}
    assert first not in window.model.ids()  # it left the inbox
    assert window.paper_list.current_id() == second
    assert window.interest.learner is not None
    qtbot.waitUntil(lambda: interest_state(corpus).negatives >= 1, timeout=LEARN_MS)

    window.edits.undo()
    settle(qtbot, window)
    with Library(corpus, read_only=True) as library:
        assert library.paper(first).status is Status.INBOX
        assert not_interested_ids(library) == set()
    assert first in window.model.ids()

    # a queued paper marked not interested goes back to the queue on undo
    window.edits.set_status([second], Status.QUEUE)
    settle(qtbot, window)
    window.edits.not_interested([second])
    settle(qtbot, window)
    window.edits.undo()
    settle(qtbot, window)
    with Library(corpus, read_only=True) as library:
        assert library.paper(second).status is Status.QUEUE
        assert not_interested_ids(library) == set()


def test_why_and_more_like_this_in_the_detail_pane_and_the_context_menu(
    qtbot: QtBot, learning: MainWindow, field: dict[int, str], math: list[int]
) -> None:
    window = learning
    panel = window.detail.insight
    assert window.sidebar.select_key(ALL)
    settle(qtbot, window)
    assert window.paper_list.select_ids([math[0]], math[0])
    qtbot.waitUntil(lambda: panel.why.text() not in ("", "…"), timeout=LEARN_MS)
    assert panel.why.text().startswith("Not enough signal yet")  # no model: no reasons

    window.edits.rate(math, 5)
    qtbot.waitUntil(lambda: "% match" in panel.why.text(), timeout=LEARN_MS)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: panel.similar.count() > 0, timeout=WAIT_MS)
    assert "Up: " in panel.why.text()
    alike = [panel.similar.item(r).data(Qt.ItemDataRole.UserRole + 1) for r in range(8)]
    assert math[0] not in alike
    assert sum(field[i] == "math" for i in alike) >= 5  # its own field first

    panel.similar.itemClicked.emit(panel.similar.item(0))  # a click on the first alike paper
    settle(qtbot, window)
    assert window.selected_ids() == [alike[0]]
    assert window.detail.paper is not None
    assert window.detail.paper.id == alike[0]


def test_more_like_this_lists_the_most_similar_papers_as_a_view_and_leads_back(
    qtbot: QtBot,
    make_window: WindowFactory,
    corpus: Path,
    field: dict[int, str],
    math: list[int],
) -> None:
    window = make_window()
    assert window.sidebar.select_key(ALL)
    settle(qtbot, window)
    assert window.paper_list.select_ids([math[0]], math[0])
    with Library(corpus, read_only=True) as library:
        title = library.rows([math[0]])[0].title

    menu = window.menu_actions.paper_menu(window, [])
    assert window.menu_actions.more_like_this in menu.actions()
    window.menu_actions.more_like_this.trigger()  # the context menu's and Edit menu's action
    qtbot.waitUntil(lambda: window.similar_view.active, timeout=LEARN_MS)
    settle(qtbot, window)
    with Library(corpus, read_only=True) as library:
        expected = [s.paper_id for s in ranking.similar(library, math[0], limit=50)]
    assert window.model.ids() == expected  # most similar first, the paper itself left out
    assert math[0] not in expected
    assert sum(field[i] == "math" for i in expected[:10]) >= 7
    short = title if len(title) <= 48 else f"{title[:47].rstrip()}…"
    assert window.view_title.text() == f"More like “{short}”"
    assert title in window.similar_view._bar.text.text()
    assert window.view_count.text() == f"{len(expected)} papers"
    assert window.similar_view.source == math[0]
    bar = window.similar_view._bar
    assert bar.isVisible()
    assert "most similar first" in bar.text.text()
    assert not window.sidebar.selectionModel().hasSelection()  # no sidebar view is shown

    press(qtbot, window, Qt.Key.Key_Escape)  # back where it was opened from
    qtbot.waitUntil(lambda: not window.similar_view.active, timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.sidebar.current_key == ALL
    assert window.sidebar.selectionModel().hasSelection()
    assert not bar.isVisible()
    assert window.model.rowCount() == len(field)
    assert window.view_title.text() == ALL.title
    assert window.selected_ids() == [math[0]]  # at the paper the list was about

    panel = window.detail.insight  # the detail pane's link opens the same list
    assert window.paper_list.select_ids([math[1]], math[1])
    qtbot.waitUntil(panel.show_list.isVisible, timeout=LEARN_MS)
    panel.show_list.click()
    qtbot.waitUntil(lambda: window.similar_view.source == math[1], timeout=LEARN_MS)
    assert window.similar_view.active
    assert window.sidebar.select_key(INBOX)  # any other view ends it
    settle(qtbot, window)
    assert not window.similar_view.active
    assert not bar.isVisible()


def test_why_and_more_like_this_are_read_on_a_thread_of_their_own(
    qtbot: QtBot, make_window: WindowFactory, corpus: Path
) -> None:
    window = make_window()
    settle(qtbot, window)
    threads: list[int] = []
    window.insight_feed.run("probe", lambda _library: threading.get_ident(), threads.append)
    window.queries.run("probe", lambda _library: threading.get_ident(), threads.append)
    qtbot.waitUntil(lambda: len(threads) == 2, timeout=WAIT_MS)
    assert threads[0] != threads[1]  # not the reader thread that views and searches use
    assert threading.get_ident() not in threads  # nor the GUI thread


def test_why_and_more_like_this_are_computed_outside_the_windows_process(
    qtbot: QtBot,
    learning: MainWindow,
    corpus: Path,
    math: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reader.ranking import lookups
    from reader.ranking.corpus import Corpus

    synced: list[int] = []  # threads of this process that featurized the corpus
    real_sync, real_vectors = Corpus.sync, Corpus.iter_vectors

    def sync(self: Corpus) -> int:
        synced.append(threading.get_ident())
        return real_sync(self)

    def iter_vectors(self: Corpus, batch: int = 5000):  # type: ignore[no-untyped-def]
        synced.append(threading.get_ident())
        return real_vectors(self, batch)

    monkeypatch.setattr(Corpus, "sync", sync)
    monkeypatch.setattr(Corpus, "iter_vectors", iter_vectors)
    window = learning
    panel = window.detail.insight
    assert window.sidebar.select_key(ALL)
    settle(qtbot, window)
    window.edits.rate(math, 5)
    assert window.paper_list.select_ids([math[0]], math[0])
    qtbot.waitUntil(lambda: "% match" in panel.why.text(), timeout=LEARN_MS)
    qtbot.waitUntil(lambda: panel.similar.count() > 0, timeout=WAIT_MS)
    shown = [panel.similar.item(r).data(Qt.ItemDataRole.UserRole + 1) for r in range(8)]
    why_text = panel.why.text()
    window.menu_actions.more_like_this.trigger()
    qtbot.waitUntil(lambda: window.similar_view.active, timeout=LEARN_MS)
    settle(qtbot, window)
    listed = window.model.ids()
    assert synced == []  # no thread of the window's process read or scanned the corpus
    assert window.insight_feed.lookups.process.pid not in (None, os.getpid())

    with Library(corpus, read_only=True) as library:  # the same answers, computed here
        expected = [s.paper_id for s in ranking.similar(library, math[0], limit=50)]
        why = ranking.explain(library, math[0])
    assert synced  # (the spy sees a sync in this process)
    assert listed == expected
    assert shown == expected[:8]
    assert why_text.startswith(f"{round((why.score or 0) * 100)}% match.")
    assert why.up
    assert why.up[0].text in why_text
    assert lookups.Corpus is Corpus
