from __future__ import annotations

import numpy as np
from scipy import sparse

from model.baseline import BASELINE_SETTINGS, BaselineBackend, CharNgramCounts, make_vectorizer
from model.modeldir import ModelDir
from tests.fixture_texts import fixture_examples

EDGE = [
    "",
    "a",
    "ab",
    "abc abcd abcde abcdef",
    "  spasi   ganda\\ttab\\nbaris  ",
    "kata yg tdk ada di kosakata xqzv",
    "é ü 😀 ok",
]


def _texts() -> list[str]:
    return [e.text.lower() for e in fixture_examples()] + EDGE


def test_char_counts_are_scikit_learns_counts() -> None:
    texts = _texts()
    vec = make_vectorizer(BASELINE_SETTINGS["char"]).set_params(min_df=1).fit(texts[:20])
    counter = CharNgramCounts(vec.vocabulary_, tuple(vec.ngram_range))
    from sklearn.feature_extraction.text import CountVectorizer

    ref = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False, vocabulary=vec.vocabulary_)
    expected = ref.transform(texts)
    for _ in range(2):  # cold, then every word from the cache
        got = counter.counts(texts)
        assert np.array_equal(got.indptr, expected.indptr)
        assert np.array_equal(got.indices, expected.indices)
        assert np.array_equal(got.data, expected.data.astype(np.float32))


def test_baseline_features_match_scikit_learn_after_a_save_and_load(tiny_baseline_dir) -> None:
    backend = BaselineBackend.load(ModelDir(tiny_baseline_dir))
    texts = _texts()
    expected = sparse.hstack([v.transform(texts) for v in backend.vectorizers], format="csr")
    got = backend.features(texts)
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert np.allclose(got.data, expected.data, rtol=1e-6, atol=0)
