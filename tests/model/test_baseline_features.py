from __future__ import annotations

import numpy as np
from scipy import sparse

from model.baseline import (
    BASELINE_SETTINGS,
    BaselineBackend,
    CharNgramCounts,
    WordNgramCounts,
    make_vectorizer,
    part_texts,
)
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


def test_word_counts_are_scikit_learns_counts() -> None:
    texts = _texts() + ["kata kata kata ulang", "x", "satu. dua, tiga! empat?", "ab cd ab cd ab"]
    vec = make_vectorizer(BASELINE_SETTINGS["word"]).set_params(min_df=1).fit(texts[:20] + texts[-2:])
    counter = WordNgramCounts(vec.vocabulary_, tuple(vec.ngram_range), vec.token_pattern)
    from sklearn.feature_extraction.text import CountVectorizer

    ref = CountVectorizer(
        ngram_range=(1, 2), lowercase=False, token_pattern=vec.token_pattern, vocabulary=vec.vocabulary_
    )
    expected = ref.transform(texts)
    got = counter.counts(texts)
    assert expected.nnz > len(texts)  # unigrams and bigrams of the fitted texts were found
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data.astype(np.float32))
    assert counter.counts([]).shape == (0, len(vec.vocabulary_))


def test_word_settings_it_cannot_reproduce_go_through_scikit_learn() -> None:
    texts = _texts()
    plain = make_vectorizer(BASELINE_SETTINGS["word"]).set_params(min_df=1).fit(texts)
    custom = make_vectorizer(BASELINE_SETTINGS["word"]).set_params(min_df=1, strip_accents="unicode").fit(texts)
    coef = np.zeros((len(plain.vocabulary_), 1), dtype=np.float32)
    assert isinstance(BaselineBackend([plain], coef, np.zeros(1), ["x"])._counters.get(0), WordNgramCounts)
    backend = BaselineBackend([custom], coef[: len(custom.vocabulary_)], np.zeros(1), ["x"])
    assert 0 not in backend._counters
    assert np.allclose(backend.features(texts).toarray(), custom.transform(texts).toarray())


def test_baseline_features_match_scikit_learn_after_a_save_and_load(tiny_baseline_dir) -> None:
    backend = BaselineBackend.load(ModelDir(tiny_baseline_dir))
    texts = _texts()
    for batch in (texts, texts[:1], texts[-3:]):  # the API's micro-batches are a post or a few
        parts = zip(backend.vectorizers, backend.marks, strict=True)
        expected = sparse.hstack([v.transform(part_texts(m, batch)) for v, m in parts], format="csr")
        got = backend.features(batch)
        assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
        assert np.allclose(got.data, expected.data, rtol=1e-6, atol=0)
    assert backend.features([]).shape == (0, got.shape[1])  # scikit-learn refuses an empty batch; saring does not
    # logits multiply part by part; the same as the stacked features times the coefficients
    rng = np.random.default_rng(0)
    backend.coef = rng.normal(size=backend.coef.shape).astype(np.float32)
    stacked = np.asarray(backend.features(texts) @ backend.coef) + backend.intercept
    assert np.allclose(backend.logits(texts)[0], stacked, atol=1e-5)
    assert backend.logits([])[0].shape == (0, len(backend.labels))
    # no part goes through scikit-learn's transform at inference
    assert {type(c).__name__ for c in backend._counters.values()} == {"CharNgramCounts", "WordNgramCounts"}
    assert len(backend._counters) == len(backend.vectorizers) == len(BASELINE_SETTINGS)
    assert backend.marks == [s.get("marks") for s in BASELINE_SETTINGS.values()]  # the marks part survived the save


def test_a_baseline_saved_without_marks_loads_and_saves_as_it_was(tmp_path) -> None:
    """Models trained before the marks part have two parts and no "marks" key: they score as they did."""
    texts = _texts()
    vec = make_vectorizer(BASELINE_SETTINGS["word"]).set_params(min_df=1).fit(texts)
    coef = np.ones((len(vec.vocabulary_), 1), dtype=np.float32)
    md = ModelDir(tmp_path)
    BaselineBackend([vec], coef, np.zeros(1), ["x"]).save(md)
    assert "marks" not in md.read_json(md.baseline_vocab.name)["parts"][0]["settings"]
    loaded = BaselineBackend.load(md)
    assert loaded.marks == [None]
    assert np.allclose(loaded.logits(texts)[0], (vec.transform(texts) @ coef))


def test_an_unknown_text_view_is_refused_with_what_is_known() -> None:
    import pytest

    vec = make_vectorizer(BASELINE_SETTINGS["word"]).set_params(min_df=1).fit(_texts())
    with pytest.raises(ValueError, match="1 vectoriser parts need 1 text views, found 2"):
        BaselineBackend([vec], np.zeros((len(vec.vocabulary_), 1)), np.zeros(1), ["x"], ["scope", None])

    with pytest.raises(ValueError, match="unknown baseline text view 'sentiment'.*expected one of \\['scope'\\]"):
        part_texts("sentiment", ["teks"])


def _two_label_backend(window: dict | None) -> tuple[BaselineBackend, list[str]]:
    """A word-unigram member whose 'hate' column counts 'tikus' and whose 'hoax' column counts 'vaksin'."""
    vocab_texts = ["tikus vaksin pasar jalan hujan"]
    vec = make_vectorizer(BASELINE_SETTINGS["word"]).set_params(min_df=1, ngram_range=(1, 1)).fit(vocab_texts)
    coef = np.zeros((len(vec.vocabulary_), 2), dtype=np.float32)
    coef[vec.vocabulary_["tikus"], 0] = 4.0
    coef[vec.vocabulary_["vaksin"], 1] = 4.0
    return BaselineBackend([vec], coef, np.zeros(2), ["incitement", "hoax"], window=window), vocab_texts


def test_long_texts_take_their_highest_window_except_for_hoax() -> None:
    window = {"words": 6, "stride": 3, "whole_text_labels": ["hoax"]}
    windowed, _ = _two_label_backend(window)
    whole, _ = _two_label_backend(None)
    story = " ".join(["pasar jalan hujan"] * 10)
    buried = story + " tikus vaksin " + story  # 62 words, one of them hateful
    short = "tikus di pasar jalan"  # at most 6 words: scored exactly as before
    got, counts = windowed.logits([buried, short])
    ref, _ = whole.logits([buried, short])
    assert counts == [1, 1]  # the member's word windows are its own; scorers report the transformer's windows
    assert got[0, 0] > 2 * ref[0, 0] > 0  # the buried word is no longer diluted by the 60 words around it
    assert got[0, 1] == ref[0, 1]  # hoax reads the whole text
    assert np.array_equal(got[1], ref[1])
    tail = story + " tikus"  # the last window reaches the end of the text
    assert windowed.logits([tail])[0][0, 0] > 2 * whole.logits([tail])[0][0, 0] > 0


def test_the_window_is_saved_with_the_model_and_old_models_read_whole_texts(tmp_path) -> None:
    import pytest

    window = {"words": 6, "stride": 3, "whole_text_labels": ["hoax"]}
    backend, _ = _two_label_backend(window)
    md = ModelDir(tmp_path / "new")
    md.path.mkdir()
    backend.save(md)
    assert BaselineBackend.load(md).window == window
    old, _ = _two_label_backend(None)
    md_old = ModelDir(tmp_path / "old")
    md_old.path.mkdir()
    old.save(md_old)
    assert "window" not in md_old.read_json(md_old.baseline_vocab.name)
    assert BaselineBackend.load(md_old).window is None
    bad_windows = (
        {"words": 4, "stride": 0},
        {"words": 4},
        {"words": "48", "stride": 24},
        {"words": 4, "stride": 2, "whole_text_labels": "hoax"},  # a string, whose `in` would match substrings
    )
    for bad in bad_windows:
        with pytest.raises(ValueError, match="0 < stride <= words.*found"):
            _two_label_backend(bad)
