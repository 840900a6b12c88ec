"""The library as TF-IDF vectors: term counts kept current in the cache, IDF over all papers.

:meth:`Corpus.sync` reads the text of papers the cache does not know yet (or whose text
changed) and stores their term counts; papers deleted from the library are forgotten.
Document frequencies are kept with the counts, so building the vectors of every paper
afterwards only reads the cache, never the library's texts again.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
from scipy import sparse

from reader.library import interest
from reader.library.interest_cache import FeatureCache
from reader.library.store import Library
from reader.ranking import features

SYNC_BATCH = 2000
"""Papers read and analysed per step of a sync (bounds memory on big libraries)."""


class Corpus:
    """The term counts of one library's papers, through its :class:`FeatureCache`."""

    def __init__(self, library: Library, cache: FeatureCache) -> None:
        self.library = library
        self.cache = cache
        self._df: np.ndarray | None = None
        self._weights: np.ndarray | None = None

    # ------------------------------------------------------------------ keeping current

    def sync(self) -> int:
        """Bring the cache up to date with the library; returns how many papers were analysed.

        Also folds papers added by :meth:`add` into the document frequencies.
        """
        # Sorted arrays, not dicts and sets: a million papers cost 16 MB here, not 200.
        known_ids, known_keys = _arrays(self.cache.iter_text_keys())
        ids, keys = _arrays(interest.text_keys(self.library))
        uncounted = set(self.cache.uncounted())
        at = np.minimum(np.searchsorted(known_ids, ids), max(known_ids.size - 1, 0))
        cached = (known_ids[at] == ids) if known_ids.size else np.zeros(ids.size, dtype=bool)
        same = cached & (known_keys[at] == keys) if known_ids.size else cached
        # Arrays again: a first sync of a million papers would hold a million tuples.
        stale_ids, stale_keys = ids[~same], keys[~same]
        deleted = known_ids[~np.isin(known_ids, ids, assume_unique=True)].tolist()
        replaced_ids = set(ids[cached & ~same].tolist())
        del at, cached, same, known_keys, ids, keys
        df = self.document_frequencies().copy()
        if deleted:
            old = self.cache.counts(i for i in deleted if i not in uncounted)
            df -= features.document_frequencies(features.unpack_rows(list(old.values())))
        analysed = 0
        for start in range(0, stale_ids.size, SYNC_BATCH):
            end = start + SYNC_BATCH
            batch_keys = dict(
                zip(stale_ids[start:end].tolist(), stale_keys[start:end].tolist(), strict=True)
            )
            texts = interest.texts(self.library, list(batch_keys))
            counts = features.count_matrix(texts)
            replaced = self.cache.counts(
                t.id for t in texts if t.id in replaced_ids and t.id not in uncounted
            )
            if replaced:
                df -= features.document_frequencies(features.unpack_rows(list(replaced.values())))
            df += features.document_frequencies(counts)
            rows = [
                (t.id, batch_keys[t.id], blob)
                for t, blob in zip(texts, features.pack_rows(counts), strict=True)
            ]
            self.cache.put(rows, (), {"df": _pack_df(df)})
            uncounted -= batch_keys.keys()
            analysed += len(rows)
        uncounted -= set(deleted)
        if uncounted or deleted:
            fold = self.cache.counts(uncounted)
            if fold:
                df += features.document_frequencies(features.unpack_rows(list(fold.values())))
            self.cache.put((), deleted, {"df": _pack_df(df)}, mark_counted=list(fold))
        self._df = np.maximum(df, 0)
        self._weights = features.idf(self._df, self.cache.count())
        self.cache.set_meta("idf", self._weights.tobytes())
        return analysed

    def add(self, ids: Sequence[int]) -> int:
        """Analyse just ``ids`` (new papers) and cache them; returns how many were analysed.

        Unlike :meth:`sync` this never scans the whole library and leaves the document
        frequencies for the next sync (a few papers barely move them): it is what scoring
        a fresh digest does, in milliseconds.
        """
        keys = interest.text_keys_of(self.library, ids)
        known = self.cache.keys_of(list(keys))
        todo = {i: k for i, k in keys.items() if known.get(i) != k}
        if not todo:
            return 0
        if any(i in known for i in todo):  # an edited text: do it properly
            self.sync()
            return len(todo)
        texts = interest.texts(self.library, list(todo))
        counts = features.count_matrix(texts)
        rows = [
            (t.id, todo[t.id], blob)
            for t, blob in zip(texts, features.pack_rows(counts), strict=True)
        ]
        self.cache.put(rows, counted=False)
        return len(rows)

    def document_frequencies(self) -> np.ndarray:
        """How many cached papers contain each hash bucket."""
        if self._df is None:
            blob = self.cache.meta("df")
            if blob is None:
                self._df = np.zeros(features.N_FEATURES, dtype=np.int64)
            else:
                self._df = np.frombuffer(zlib.decompress(blob), dtype=np.int32).astype(np.int64)
        return self._df

    def weights(self) -> np.ndarray:
        """The IDF of every bucket over the cached papers (as of the last :meth:`sync`)."""
        if self._weights is None:
            stored = self.cache.meta("idf")
            if stored is not None and len(stored) == 4 * features.N_FEATURES:
                self._weights = np.frombuffer(stored, dtype=np.float32)
            else:
                self._weights = features.idf(self.document_frequencies(), self.cache.count())
        return self._weights

    # ------------------------------------------------------------------ vectors

    def vectors(self, ids: Sequence[int]) -> sparse.csr_matrix:
        """TF-IDF rows of ``ids`` in the order given (a paper not in the cache is analysed)."""
        cached = self.cache.counts(ids)
        missing = [i for i in ids if i not in cached]
        if missing:
            fresh = interest.texts(self.library, missing)
            for text, blob in zip(
                fresh, features.pack_rows(features.count_matrix(fresh)), strict=True
            ):
                cached[text.id] = blob
        blobs = [cached.get(i, b"") for i in ids]
        del cached
        counts = features.unpack_rows(blobs)
        del blobs  # the packed rows go before the TF-IDF values are made
        return features.tfidf(counts, self.weights())

    def iter_vectors(self, batch: int = 5000) -> Iterator[tuple[np.ndarray, sparse.csr_matrix]]:
        """``(paper ids, TF-IDF rows)`` of every cached paper, ``batch`` papers at a time."""
        weights = self.weights()
        for rows in self.cache.iter_counts(batch):
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            yield ids, features.tfidf(features.unpack_rows([r[1] for r in rows]), weights)


def _arrays(batches: Iterable[list[tuple[int, int]]]) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, keys)`` as two int64 arrays from batches of ``(id, key)`` in id order."""
    parts = [np.array(batch, dtype=np.int64).reshape(-1, 2) for batch in batches]
    both = np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int64)
    return np.ascontiguousarray(both[:, 0]), np.ascontiguousarray(both[:, 1])


def _pack_df(df: np.ndarray) -> bytes:
    return zlib.compress(np.maximum(df, 0).astype(np.int32).tobytes(), 1)
