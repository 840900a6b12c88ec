"""What the model reads of a paper, and the packed form the cache keeps."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from reader.library.interest import PaperText
from reader.ranking import features

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=60, deadline=None)
@given(
    title=texts,
    abstract=texts,
    authors=st.lists(texts, max_size=4),
    cats=st.lists(texts, max_size=3),
)
def test_any_text_becomes_hashed_terms_that_survive_the_cache(
    title: str, abstract: str, authors: list[str], cats: list[str]
) -> None:
    paper = PaperText(1, title, abstract, tuple(authors), tuple(cats), None)
    counts = features.count_matrix([paper])
    assert counts.shape == (1, features.N_FEATURES)
    assert (counts.data > 0).all()
    # the explanation's lookup finds the same buckets the vectorizer filled
    assert set(counts.indices.tolist()) == set(features.terms_by_index(paper))
    back = features.unpack_rows(features.pack_rows(counts))
    assert (back != counts).nnz == 0
    vectors = features.tfidf(counts, features.idf(features.document_frequencies(counts), 1))
    norm = float(np.sqrt(vectors.multiply(vectors).sum()))
    assert norm == 0.0 or abs(norm - 1.0) < 1e-4


def test_terms_of_a_paper() -> None:
    paper = PaperText(
        1,
        "Attention Is All You Need",
        "The Transformer, based solely on attention mechanisms, in 2017.",
        ("Ashish Vaswani", "Noam  Shazeer"),
        ("cs.CL", "cs.LG"),
        "Google",
    )
    terms = features.analyze(paper)
    assert terms.count("attention") == 3  # the title counts twice, the abstract once
    assert "transformer" in terms
    assert "attention mechanisms" in terms  # a bigram
    assert "the" not in terms  # stop words go
    assert "2017" not in terms  # so do bare numbers
    assert "au:noam shazeer" in terms
    assert terms.count("cat:cs.cl") == features.PRIMARY_WEIGHT  # the primary category
    assert terms.count("cat:cs.lg") == features.CATEGORY_WEIGHT  # a cross-list counts less
    assert features.PRIMARY_WEIGHT > features.CATEGORY_WEIGHT
    # the archive of both
    assert terms.count("cat:cs") == features.PRIMARY_WEIGHT + features.CATEGORY_WEIGHT
    assert "org:google" in terms
    assert features.Term.parse("au:noam shazeer") == features.Term("author", "noam shazeer")
    assert features.Term.parse("cat:cs.cl").kind == "category"


def test_packing_caps_absurd_counts_instead_of_corrupting_the_bucket() -> None:
    counts = sparse.csr_matrix(
        (np.array([1e9], dtype=np.float32), (np.array([0]), np.array([features.N_FEATURES - 1]))),
        shape=(1, features.N_FEATURES),
    )
    back = features.unpack_rows(features.pack_rows(counts))
    assert back.indices.tolist() == [features.N_FEATURES - 1]
    assert back.data[0] == (1 << (32 - features.N_BITS)) - 1
