"""The interest model on real arXiv papers: real SQLite files, real scikit-learn."""

from __future__ import annotations

import statistics
from pathlib import Path

import numpy as np
import pytest

from reader import ranking
from reader.digests.model import Digest, Entry
from reader.library import Library, PaperNotFoundError, SortKey, Status
from reader.library import interest as stored
from reader.library.ingest import SourceFile, record_digest
from reader.library.interest_cache import FeatureCache, cache_path
from reader.library.schema import SCHEMA_VERSION
from reader.ranking.refit import NO_CONTRAST, NO_SIGNAL, load_model, refit, score_new
from tests.ranking.conftest import field_of


def ids_of(library: Library, field: dict[int, str], wanted: str) -> list[int]:
    return [i for i in sorted(field) if field[i] == wanted]


def add_papers(library: Library, entries: list[Entry], name: str = "new") -> list[int]:
    result = record_digest(
        library,
        SourceFile(f"/digests/{name}.atom", None, name, "test"),
        Digest("t", tuple(entries)),
    )
    assert result is not None
    return sorted(result.changes.paper_ids)


def test_no_signal_means_no_scores_and_says_so(corpus: Library) -> None:
    update = ranking.rank(corpus)
    assert update.message == NO_SIGNAL
    assert "not enough signal" in NO_SIGNAL
    assert ranking.scores(corpus, corpus.paper_ids()) == {}
    state = ranking.state(corpus)
    assert state.fitted_at is None
    assert state.message == NO_SIGNAL
    why = ranking.explain(corpus, corpus.paper_ids()[0])
    assert why.score is None
    assert why.message is not None
    assert "not enough signal" in why.message


def test_papers_like_the_liked_ones_rank_above_papers_like_the_archived_ones(
    corpus: Library,
) -> None:
    field = field_of(corpus)
    math, astro = ids_of(corpus, field, "math"), ids_of(corpus, field, "astro-ph")
    corpus.set_rating(math[:8], 5)
    corpus.set_status(astro[:8], Status.ARCHIVED)
    update = ranking.rank(corpus)
    assert update.message is None
    scores = ranking.scores(corpus, corpus.paper_ids())
    assert len(scores) == len(field)
    assert all(0.0 <= s <= 1.0 for s in scores.values())
    unseen_math = [scores[i] for i in math[8:]]
    unseen_astro = [scores[i] for i in astro[8:]]
    # most unseen maths papers score above every unseen astrophysics paper but a few
    ceiling = sorted(unseen_astro)[-3]
    assert sum(s > ceiling for s in unseen_math) >= 0.8 * len(unseen_math)
    assert statistics.median(unseen_math) > 2 * statistics.median(unseen_astro)
    top = ranking.for_you_ids(corpus, limit=20)
    assert sum(field[i] == "math" for i in top) >= 14
    state = ranking.state(corpus)
    assert (state.positives, state.negatives, state.generation) == (8, 8, 1)


def test_one_liked_paper_is_enough_for_more_like_this(corpus: Library) -> None:
    field = field_of(corpus)
    liked = ids_of(corpus, field, "astro-ph")[0]
    corpus.set_rating(liked, 5)
    assert ranking.rank(corpus).message is None
    top = ranking.for_you_ids(corpus, limit=10)
    assert liked not in top  # rated: triaged, so no longer in For you
    assert sum(field[i] == "astro-ph" for i in top) >= 6


def test_read_archived_rated_and_dismissed_papers_never_come_back_in_for_you(
    corpus: Library,
) -> None:
    field = field_of(corpus)
    math = ids_of(corpus, field, "math")
    corpus.set_rating(math[:4], 5)
    corpus.set_status(math[4:6], Status.READ)
    corpus.set_status(math[6:8], Status.QUEUE)
    corpus.mark_not_interested(math[8:10])
    ranking.rank(corpus)
    everything = ranking.for_you_ids(corpus)
    assert not set(everything) & set(math[:10])
    assert len(everything) == ranking.for_you_count(corpus) == len(field) - 10
    # the paged query gives the same order as one big read
    pages = [
        i for start in range(0, 60, 20) for i in ranking.for_you_ids(corpus, limit=20, offset=start)
    ]
    assert pages == everything[:60]
    # and the Match column sorts any view the same way
    by_interest = corpus.paper_ids(sort=SortKey.INTEREST)
    scores = ranking.scores(corpus, by_interest)
    values = [scores[i] for i in by_interest]
    assert values == sorted(values, reverse=True)


def test_not_interested_is_a_negative_signal_and_archives(corpus: Library) -> None:
    field = field_of(corpus)
    math, hep = ids_of(corpus, field, "math"), ids_of(corpus, field, "hep")
    corpus.set_rating(math[:6], 5)
    changes = corpus.mark_not_interested(hep[:6])
    assert changes.paper_ids == frozenset(hep[:6])
    assert "status" in changes.fields
    assert all(corpus.paper(i).status is Status.ARCHIVED for i in hep[:6])
    assert stored.not_interested_ids(corpus) == set(hep[:6])
    ranking.rank(corpus)
    assert ranking.state(corpus).negatives == 6
    scores = ranking.scores(corpus, corpus.paper_ids())
    assert statistics.mean(scores[i] for i in math[6:]) > statistics.mean(
        scores[i] for i in hep[6:]
    )
    back = corpus.unmark_not_interested(hep[:2])
    assert back.paper_ids == frozenset(hep[:2])
    assert stored.not_interested_ids(corpus) == set(hep[2:6])
    with pytest.raises(PaperNotFoundError):
        corpus.mark_not_interested([999_999])


def test_score_writes_say_interest_changed(corpus: Library) -> None:
    corpus.set_rating(corpus.paper_ids()[:3], 5)
    with FeatureCache(cache_path(corpus.path)) as cache:
        update = refit(corpus, cache)
    changes = update.apply(corpus)
    assert changes.fields == {"interest"}
    assert changes.paper_ids == frozenset(corpus.paper_ids())
    # writing the same scores again changes nothing
    again = update.apply(corpus)
    assert not again.paper_ids


def test_explain_names_terms_of_the_paper(corpus: Library) -> None:
    field = field_of(corpus)
    math, astro = ids_of(corpus, field, "math"), ids_of(corpus, field, "astro-ph")
    corpus.set_rating(math[:8], 5)
    corpus.set_status(astro[:8], Status.ARCHIVED)
    ranking.rank(corpus)
    paper = corpus.paper(math[10])
    why = ranking.explain(corpus, paper.id)
    assert why.score == pytest.approx(ranking.scores(corpus, [paper.id])[paper.id], abs=1e-3)
    assert why.up
    assert all(r.weight > 0 for r in why.up)
    assert all(r.weight < 0 for r in why.down)
    text = f"{paper.title} {paper.abstract}".casefold()
    for reason in why.reasons:
        if reason.kind == "word":
            assert all(part in text for part in reason.text.split())
        elif reason.kind == "author":
            assert reason.text in [a.casefold() for a in paper.authors]
        elif reason.kind == "category":
            assert any(c.casefold().startswith(reason.text) for c in paper.categories)
    astro_why = ranking.explain(corpus, astro[10])
    assert astro_why.score is not None
    assert astro_why.score < why.score


def test_similar_papers_share_the_field_and_leave_the_paper_out(corpus: Library) -> None:
    field = field_of(corpus)
    for wanted in ("math", "astro-ph"):
        shares = []
        for query in ids_of(corpus, field, wanted)[:6]:
            found = ranking.similar(corpus, query, limit=10)
            assert query not in [s.paper_id for s in found]
            assert len(found) == 10
            sims = [s.similarity for s in found]
            assert sims == sorted(sims, reverse=True)
            assert all(0 < s <= 1 for s in sims)
            shares.append(sum(field[s.paper_id] == wanted for s in found) / 10)
        assert statistics.mean(shares) >= 0.6
    with pytest.raises(PaperNotFoundError):
        ranking.similar(corpus, 999_999)


def test_a_new_digest_is_scored_with_the_stored_model_without_a_refit(corpus: Library) -> None:
    field = field_of(corpus)
    astro = ids_of(corpus, field, "astro-ph")
    corpus.set_rating(astro[:8], 5)
    ranking.rank(corpus)
    generation = ranking.state(corpus).generation
    new = add_papers(
        corpus,
        [
            Entry(
                title="Spectroscopy of high redshift galaxies and their X-ray binaries",
                abstract="We present observations of galaxy clusters, quasars and stellar "
                "populations with Chandra and the VLT, and the star formation rate.",
                categories=("astro-ph.GA",),
            ),
            Entry(
                title="On the cohomology of arithmetic groups",
                abstract="We prove a theorem on the torsion of modules over number fields.",
                categories=("math.NT",),
            ),
        ],
    )
    with FeatureCache(cache_path(corpus.path)) as cache:
        update = score_new(corpus, cache, new)
    assert update is not None
    assert update.state is None  # no refit: the model is the stored one
    update.apply(corpus)
    assert ranking.state(corpus).generation == generation
    scores = ranking.scores(corpus, new)
    by_title = {corpus.paper(i).title: scores[i] for i in new}
    assert (
        by_title["Spectroscopy of high redshift galaxies and their X-ray binaries"]
        > by_title["On the cohomology of arithmetic groups"]
    )


def test_a_restart_reuses_the_stored_model_and_a_lost_cache_asks_for_a_refit(
    corpus: Library,
) -> None:
    corpus.set_rating(corpus.paper_ids()[:5], 5)
    ranking.rank(corpus)
    reopened = Library(corpus.path)
    try:
        with FeatureCache(cache_path(corpus.path)) as cache:
            assert load_model(cache, reopened) is not None
            assert cache.count() == len(corpus.paper_ids())
    finally:
        reopened.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{cache_path(corpus.path)}{suffix}").unlink(missing_ok=True)
    with FeatureCache(cache_path(corpus.path)) as cache:
        assert load_model(cache, corpus) is None
        assert score_new(corpus, cache, corpus.paper_ids()[:3]) is None


def test_refresh_refits_only_when_the_signals_changed(corpus: Library) -> None:
    ids = corpus.paper_ids()
    corpus.set_rating(ids[:4], 5)
    first = ranking.refresh(corpus)
    assert first.generation == 1
    assert ranking.refresh(corpus).generation == 1  # nothing changed: no refit
    corpus.set_rating(ids[4], 1)
    assert ranking.refresh(corpus).generation == 2


def test_a_library_with_one_paper(tmp_path: Path) -> None:
    with Library(tmp_path / "one.sqlite") as library:
        (only,) = add_papers(library, [Entry(title="A lonely paper", abstract="Nothing else.")])
        assert ranking.rank(library).message == NO_SIGNAL
        library.set_rating(only, 5)
        assert ranking.rank(library).message == NO_CONTRAST
        assert ranking.scores(library, [only]) == {}
        assert ranking.similar(library, only) == []
        assert ranking.for_you_ids(library) == []


def test_every_paper_rated_the_same(corpus: Library) -> None:
    ids = corpus.paper_ids()
    corpus.set_rating(ids, 1)
    assert ranking.rank(corpus).message == NO_SIGNAL
    corpus.set_rating(ids, 5)
    assert ranking.rank(corpus).message == NO_CONTRAST
    corpus.set_rating(ids, 3)
    assert ranking.rank(corpus).message == NO_SIGNAL


def test_empty_abstracts_and_text_in_other_languages(tmp_path: Path) -> None:
    entries = [
        Entry(title="Transformers for machine translation", abstract=""),
        Entry(title="Neural machine translation of rare words", abstract=""),
        Entry(
            title="大規模言語モデルによる機械翻訳の評価", abstract="本研究では機械翻訳を評価する。"
        ),
        Entry(title="Étude des équations aux dérivées partielles", abstract="Nous étudions…"),
        Entry(title="Квантовая теория поля", abstract="Мы изучаем перенормировку."),
        Entry(title="Galaxy rotation curves", abstract=""),
        Entry(title="∑∫√ ⊗ ⊕", abstract="$$ \\frac{}{} $$ 1234 5678"),
    ]
    with Library(tmp_path / "mixed.sqlite") as library:
        ids = add_papers(library, entries)
        by_title = {library.paper(i).title: i for i in ids}
        library.set_rating(by_title["Transformers for machine translation"], 5)
        library.set_rating(by_title["Galaxy rotation curves"], 1)
        assert ranking.rank(library).message is None
        scores = ranking.scores(library, ids)
        assert set(scores) == set(ids)
        assert all(np.isfinite(s) and 0 <= s <= 1 for s in scores.values())
        title = {library.paper(i).title: scores[i] for i in ids}
        # shares "machine translation" with the liked paper; the Russian one shares nothing
        assert title["Neural machine translation of rare words"] > title["Квантовая теория поля"]
        for paper_id in ids:
            ranking.explain(library, paper_id)
            ranking.similar(library, paper_id)


def test_a_library_from_before_the_interest_model_is_migrated(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite") as library:
        assert library.schema_version == SCHEMA_VERSION
        tables = {r[0] for r in library.connection.execute("SELECT name FROM sqlite_master")}
        assert {"paper_interest", "not_interested", "interest_state"} <= tables


def test_a_read_only_library_still_answers_from_its_stored_scores(corpus: Library) -> None:
    corpus.set_rating(corpus.paper_ids()[:5], 5)
    ranking.rank(corpus)
    expected = ranking.for_you_ids(corpus, limit=10)
    with Library(corpus.path, read_only=True) as readonly:
        assert ranking.refresh(readonly).fitted_at is not None
        assert ranking.for_you_ids(readonly, limit=10) == expected


def test_a_deleted_paper_loses_its_score_and_leaves_the_cache(corpus: Library) -> None:
    ids = corpus.paper_ids()
    corpus.set_rating(ids[:5], 5)
    ranking.rank(corpus)
    gone = ranking.for_you_ids(corpus, limit=1)[0]
    with corpus.transaction() as conn:  # what deleting a paper does, whoever deletes it
        conn.execute("DELETE FROM paper WHERE id = ?", [gone])
    assert gone not in ranking.scores(corpus, ids)
    assert gone not in ranking.for_you_ids(corpus)
    assert gone not in [s.paper_id for s in ranking.similar(corpus, ids[0], limit=300)]
    with FeatureCache(cache_path(corpus.path)) as cache:
        assert gone not in cache.text_keys()


def test_a_refit_learns_from_at_most_max_labels_explicit_ones_first(
    corpus: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.ranking import refit as module

    monkeypatch.setattr(module, "MAX_LABELS", 6)
    ids = corpus.paper_ids()
    corpus.set_status(ids[:20], Status.QUEUE)  # implicit positives
    corpus.set_rating(ids[20:24], 5)  # explicit ones
    corpus.set_rating(ids[24:26], 1)
    assert ranking.rank(corpus).message is None
    state = ranking.state(corpus)
    assert (state.positives, state.negatives) == (4, 2)
    assert len(ranking.scores(corpus, ids)) == len(ids)
