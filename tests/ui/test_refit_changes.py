"""A refit reaches the window as "interest changed for every paper", never as a million ids.

Real widgets, a real learner (its child process, scikit-learn) on the 205 real papers of
the ranking corpus, with :data:`reader.ranking.update.EVERY_PAPER_ABOVE` at 0 so that this
small library's refits are published the way a million papers' are.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reader import ranking
from reader.library import Changes, Library
from reader.ranking import update
from tests.ui.conftest import WAIT_MS, settle
from tests.ui.test_interest import (  # noqa: F401  (fixtures)
    LEARN_MS,
    corpus,
    corpus_file,
    field,
    learning,
    math,
)
from ui.models import Column
from ui.views import ALL, FOR_YOU
from ui.window import MainWindow


def shown_matches(window: MainWindow, rows: int = 15) -> dict[int, str]:
    """The Match cells of the first ``rows`` rows, by paper id (as painted)."""
    model = window.model
    return {
        model.ids()[row]: model.index(row, Column.MATCH).data()
        for row in range(min(rows, model.rowCount()))
    }


def stored_matches(path: Path, ids: list[int]) -> dict[int, str]:
    """What those cells must say: the stored scores, as the Match column writes them."""
    with Library(path, read_only=True) as library:
        scored = ranking.scores(library, ids)
    return {i: f"{round(scored[i] * 100)}%" for i in ids}


def rating(path: Path, paper_id: int) -> int:
    with Library(path, read_only=True) as library:
        return library.rows([paper_id])[0].rating


def test_a_refit_shows_its_new_scores_resorts_for_you_and_a_rating_meanwhile_lands(
    qtbot: QtBot,
    learning: MainWindow,  # noqa: F811
    corpus: Path,  # noqa: F811
    field: dict[int, str],  # noqa: F811
    math: list[int],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(update, "EVERY_PAPER_ABOVE", 0)  # as at a million papers
    window = learning
    learner = window.interest.learner
    assert learner is not None
    assert learner.wait_idle(LEARN_MS / 1000)
    window.paper_list.horizontalHeader().setSectionHidden(Column.MATCH, False)
    assert window.sidebar.select_key(ALL)  # sorted by date added: no re-read for interest
    settle(qtbot, window)
    published: list[Changes] = []
    window.bus.changed.connect(lambda changes, _who: published.append(changes))

    window.edits.rate(math, 5)
    qtbot.waitUntil(lambda: any(c.every_paper for c in published), timeout=LEARN_MS)
    refit = next(c for c in published if c.every_paper)
    assert refit.paper_ids == frozenset()  # no id set, whatever the library's size
    assert refit.fields == {"interest"}
    settle(qtbot, window)
    first = shown_matches(window)
    assert first == stored_matches(corpus, list(first))  # the list shows the new scores
    assert all(cell.endswith("%") for cell in first.values())

    # Other likes: the next refit moves every score. A rating made while it runs lands.
    astro = [i for i in sorted(field) if field[i] == "astro-ph"][:6]
    published.clear()
    refits = learner.refits
    window.edits.rate(astro, 5)
    window.edits.rate(math, 1)
    qtbot.waitUntil(lambda: learner.busy, timeout=LEARN_MS)
    meanwhile = next(i for i in reversed(window.model.ids()) if i not in {*math, *astro})
    window.edits.rate([meanwhile], 1)  # a signal: the refit it asks for moves scores too
    qtbot.waitUntil(lambda: rating(corpus, meanwhile) == 1, timeout=WAIT_MS)
    # Every refit (the rating meanwhile asks for one more) has published its change.
    qtbot.waitUntil(
        lambda: (
            learner.wait_idle(0.0)
            and sum(c.every_paper for c in published) >= learner.refits - refits > 0
        ),
        timeout=LEARN_MS,
    )
    settle(qtbot, window)
    second = shown_matches(window)
    assert second == stored_matches(corpus, list(second))  # repainted from the new scores
    assert second != first  # (which did change: the cached ones were dropped)

    assert window.sidebar.select_key(FOR_YOU)
    settle(qtbot, window)
    with Library(corpus, read_only=True) as library:
        ranked = ranking.for_you_ids(library)
    assert window.model.ids() == ranked  # in the order of the latest scores
    assert sum(field[i] == "astro-ph" for i in ranked[:10]) >= 5  # the new likes lead
