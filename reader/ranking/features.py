"""What the interest model reads of a paper: hashed word n-grams, authors and categories.

A paper becomes a bag of terms: the words of its title (counted twice) and abstract with
English stop words and bare numbers dropped, the pairs of neighbouring words (bigrams),
one ``au:`` term per author, ``cat:`` terms for each category and its archive (counted
:data:`CATEGORY_WEIGHT` times) and an ``org:`` term for the organisation. Terms are
hashed into :data:`N_FEATURES` buckets
(scikit-learn's :class:`~sklearn.feature_extraction.text.HashingVectorizer`), so there is
no vocabulary to fit or keep and a new paper is scored on arrival. Counts are packed per
paper for the cache; TF-IDF (sublinear term frequency, smoothed IDF, unit length) is
applied when vectors are built, with the document frequencies of the whole library.

Only the learner thread imports this module: it pulls in scikit-learn and SciPy.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer
from sklearn.utils import murmurhash3_32

from reader.library.interest import PaperText

N_BITS = 20
N_FEATURES = 1 << N_BITS
"""Hash buckets; collisions between two meaningful terms are rare at a million."""
_COUNT_BITS = 32 - N_BITS
_MAX_COUNT = (1 << _COUNT_BITS) - 1

_WORD = re.compile(r"\w+")
_STOP = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    [
        "paper",
        "propose",
        "proposed",
        "present",
        "study",
        "show",
        "results",
        "using",
        "based",
        "new",
        "approach",
        "method",
    ]
)
_BIGRAMS_FROM_ABSTRACT = True
CATEGORY_WEIGHT = 3
PRIMARY_WEIGHT = 20
"""How many times a category term counts, for the primary category (the paper's main
subject, as arXiv records it) and for the others: the reader's field shows most in them.
Chosen on the development seeds of ``make bench`` (For you 0.926 → 0.968, similar 0.77 →
0.89 on 60 development readers), never on the reported ones."""


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a paper as people read it: ``kind`` is word, author, category or org."""

    kind: str
    text: str

    @staticmethod
    def parse(term: str) -> Term:
        """The readable form of an analysed term (``au:ada lovelace`` → author)."""
        for prefix, kind in (("au:", "author"), ("cat:", "category"), ("org:", "organization")):
            if term.startswith(prefix):
                return Term(kind, term[len(prefix) :])
        return Term("word", term)


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [w for w in _WORD.findall(folded) if len(w) > 1 and w not in _STOP and not w.isdigit()]


def _with_bigrams(words: list[str]) -> list[str]:
    return words + list(map(" ".join, itertools.pairwise(words)))


def analyze(paper: PaperText) -> list[str]:
    """The terms of one paper (with repeats: counts matter)."""
    title = _with_bigrams(_words(paper.title))
    abstract_words = _words(paper.abstract)
    abstract = _with_bigrams(abstract_words) if _BIGRAMS_FROM_ABSTRACT else abstract_words
    terms = title + title + abstract
    for name in paper.authors:
        folded = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
        if folded:
            terms.append(f"au:{folded}")
    for position, category in enumerate(paper.categories):
        folded = category.strip().casefold()
        if folded:
            weight = PRIMARY_WEIGHT if position == 0 else CATEGORY_WEIGHT
            terms.extend([f"cat:{folded}"] * weight)
            archive = folded.split(".", 1)[0]
            if archive != folded:
                terms.extend([f"cat:{archive}"] * weight)
    if paper.organization:
        terms.append(f"org:{' '.join(paper.organization.casefold().split())}")
    return terms


def _identity(terms: Any) -> Any:
    return terms


_HASHER = HashingVectorizer(
    analyzer=_identity,
    n_features=N_FEATURES,
    alternate_sign=False,
    norm=None,
    dtype=np.float32,
)


def term_index(term: str) -> int:
    """The bucket of one analysed term (the same one the vectorizer uses)."""
    return abs(int(murmurhash3_32(term, seed=0))) % N_FEATURES


def count_matrix(papers: Sequence[PaperText]) -> sparse.csr_matrix:
    """Hashed term counts of ``papers``, one row each."""
    matrix = _HASHER.transform([analyze(p) for p in papers])
    return sparse.csr_matrix(matrix, dtype=np.float32)


def pack_rows(counts: sparse.csr_matrix) -> list[bytes]:
    """Each row of a count matrix as bytes: one uint32 per term, bucket and count together."""
    out: list[bytes] = []
    indptr, indices, data = counts.indptr, counts.indices, counts.data
    for row in range(counts.shape[0]):
        lo, hi = indptr[row], indptr[row + 1]
        clipped = np.minimum(data[lo:hi], _MAX_COUNT).astype(np.uint32)
        packed = (indices[lo:hi].astype(np.uint32) << np.uint32(_COUNT_BITS)) | clipped
        out.append(packed.tobytes())
    return out


def unpack_rows(blobs: Sequence[bytes]) -> sparse.csr_matrix:
    """The count matrix of packed rows (the inverse of :func:`pack_rows`)."""
    arrays = [np.frombuffer(b, dtype=np.uint32) for b in blobs]
    lengths = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
    indptr = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    packed = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.uint32)
    indices = (packed >> np.uint32(_COUNT_BITS)).astype(np.int32)
    data = (packed & np.uint32(_MAX_COUNT)).astype(np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(arrays), N_FEATURES))


def document_frequencies(counts: sparse.csr_matrix) -> np.ndarray:
    """How many rows of ``counts`` contain each bucket."""
    return np.bincount(counts.indices, minlength=N_FEATURES).astype(np.int64)


def idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """Smoothed inverse document frequencies (scikit-learn's formula)."""
    n = max(n_docs, 1)
    values: np.ndarray = np.log((1.0 + n) / (1.0 + np.minimum(df, n))) + 1.0
    return values.astype(np.float32)


def tfidf(counts: sparse.csr_matrix, weights: np.ndarray) -> sparse.csr_matrix:
    """Unit-length TF-IDF rows from counts: ``(1 + log tf) · idf``, then L2-normalised."""
    data = np.log(counts.data, dtype=np.float32)  # in place from here: no temporaries
    data += np.float32(1.0)
    data *= weights[counts.indices]
    lengths = np.diff(counts.indptr)
    squares = np.zeros(counts.shape[0], dtype=np.float64)
    filled = lengths > 0
    if data.size:
        # Squares in float32, summed in float64: no float64 copy of every value.
        sums = np.add.reduceat(np.square(data), counts.indptr[:-1][filled], dtype=np.float64)
        squares[filled] = sums
    norms = np.sqrt(squares)
    norms[norms == 0] = 1.0
    data *= np.repeat((1.0 / norms).astype(np.float32), lengths)
    return sparse.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)


def terms_by_index(paper: PaperText) -> dict[int, str]:
    """Bucket → readable term for one paper (for explanations; the first term wins)."""
    found: dict[int, str] = {}
    for term in dict.fromkeys(analyze(paper)):
        found.setdefault(term_index(term), term)
    return found


def vectors(papers: Iterable[PaperText], weights: np.ndarray) -> sparse.csr_matrix:
    """Unit-length TF-IDF vectors of ``papers`` (not cached: for a handful of papers)."""
    return tfidf(count_matrix(list(papers)), weights)
