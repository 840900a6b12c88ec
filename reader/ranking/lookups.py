"""Questions about one paper: which papers are most like it, and why it scored as it did.

:func:`similar` ranks every other paper by the cosine of its TF-IDF vector with the given
paper's (no model needed: one paper is enough). :func:`explain` lists the terms that
pushed the paper's score up and down under the stored model.
"""

from __future__ import annotations

import heapq

import numpy as np

from reader.library import interest, interest_scores
from reader.library.errors import PaperNotFoundError
from reader.library.interest_cache import FeatureCache
from reader.library.store import Library
from reader.ranking.answers import Explanation, Similar
from reader.ranking.corpus import Corpus
from reader.ranking.refit import NO_SIGNAL, load_model


def similar(
    library: Library, cache: FeatureCache, paper_id: int, *, limit: int = 20
) -> list[Similar]:
    """The ``limit`` papers most like ``paper_id``, most similar first (itself excluded).

    Raises :class:`PaperNotFoundError`. Papers with nothing in common are left out.
    """
    if not interest.text_keys_of(library, [paper_id]):
        raise PaperNotFoundError(f"there is no paper with id {paper_id}")
    corpus = Corpus(library, cache)
    corpus.sync()
    query = corpus.vectors([paper_id])
    if query.nnz == 0 or limit <= 0:
        return []
    q = np.asarray(query.todense(), dtype=np.float32).ravel()
    best: list[tuple[float, int]] = []
    for ids, rows in corpus.iter_vectors():
        sims = np.asarray(rows @ q, dtype=np.float64).ravel()
        sims[ids == paper_id] = 0.0
        top = np.argpartition(-sims, limit)[:limit] if sims.size > limit else np.arange(sims.size)
        for index in top:
            value = float(sims[index])
            if value <= 0:
                continue
            item = (value, -int(ids[index]))
            if len(best) < limit:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
    return [Similar(-neg_id, min(1.0, value)) for value, neg_id in sorted(best, reverse=True)]


def explain(library: Library, cache: FeatureCache, paper_id: int, *, limit: int = 5) -> Explanation:
    """The terms that pushed ``paper_id`` up and down; raises :class:`PaperNotFoundError`."""
    texts = interest.texts(library, [paper_id])
    if not texts:
        raise PaperNotFoundError(f"there is no paper with id {paper_id}")
    state = interest.state(library)
    model = load_model(cache, library)
    if model is None:
        message = state.message or NO_SIGNAL
        if state.fitted_at is not None:
            message = "the model is being rebuilt; ask again in a moment"
        return Explanation(paper_id, None, (), message)
    corpus = Corpus(library, cache)
    vector = corpus.vectors([paper_id])
    stored = interest_scores.scores(library, [paper_id]).get(paper_id)
    score = float(model.score(vector)[0]) if stored is None else stored
    return Explanation(paper_id, score, tuple(model.reasons(texts[0], vector, limit)))
