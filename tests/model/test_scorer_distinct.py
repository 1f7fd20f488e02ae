"""Copies of a post are run through the network once and get the same scores: in one call, and across calls with a
logit cache (model.scorer)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.scorer import LogitCache, Scorer, distinct


def test_distinct_keeps_the_first_order_and_maps_every_input_back() -> None:
    texts = ["b", "a", "b", "c", "a", "b"]
    uniq, index = distinct(texts)
    assert uniq == ["b", "a", "c"]
    assert index.tolist() == [0, 1, 0, 2, 1, 0]
    assert [uniq[k] for k in index] == texts
    none, index = distinct([])
    assert none == [] and index.shape == (0,)


def _spy(scorer: Scorer) -> list[list[str]]:
    """Record the texts each backend call receives."""
    calls: list[list[str]] = []
    real = scorer.backend.logits

    def logits(texts: list[str]) -> tuple[np.ndarray, list[int]]:
        calls.append(list(texts))
        return real(texts)

    scorer.backend.logits = logits  # type: ignore[method-assign]
    return calls


@pytest.mark.parametrize("kind", ["baseline", "transformer", "ensemble"])
def test_copies_run_once_and_score_alike(kind, tiny_baseline_dir, tiny_transformer_dir, tiny_ensemble_dir) -> None:
    dirs = {"baseline": tiny_baseline_dir, "transformer": tiny_transformer_dir, "ensemble": tiny_ensemble_dir}
    path: Path = dirs[kind]
    scorer = Scorer(path, precision="fp32")
    calls = _spy(scorer)
    long_post = " ".join(["warga mengeluh jalan rusak di kampung kami sejak lama"] * 40)
    hoax = "SEBARKAN!! vaksin mengandung chip pelacak, jangan mau disuntik"
    # the second copy differs only in what the normaliser removes (case): it is the same text to the network
    texts = [hoax, "jadwal vaksinasi besok pagi di kelurahan", long_post, hoax.lower(), long_post, hoax]
    out = scorer.score(texts)
    assert len(calls) == 1 and len(calls[0]) == 3, "each distinct normalised text runs once"
    assert len(out) == len(texts)
    for i, j in ((0, 3), (0, 5), (2, 4)):
        assert out[i].scores == out[j].scores and out[i].decisions == out[j].decisions
        assert [w.code for w in out[i].warnings] == [w.code for w in out[j].warnings]
    # input order kept: the same numbers as the distinct texts scored on their own, in their own order
    alone = scorer.score([hoax, "jadwal vaksinasi besok pagi di kelurahan", long_post])
    for k, i in enumerate((0, 1, 2)):
        assert out[i].scores == pytest.approx(alone[k].scores, abs=1e-6)
    if kind != "baseline":  # windowed by the transformer's token limit: every copy keeps the warning
        assert out[4].windows == out[2].windows > 1
        assert "LONG_TEXT_WINDOWED" in [w.code for w in out[4].warnings]
    probs = scorer.predict_proba(texts)
    assert len(calls[-1]) == 3
    np.testing.assert_allclose(probs[3], probs[0])
    np.testing.assert_allclose(probs[[0, 1, 2]], scorer.predict_proba(texts[:3]), atol=1e-6)


def test_a_parent_equal_to_a_text_in_the_call_runs_once(tiny_baseline_dir) -> None:
    scorer = Scorer(tiny_baseline_dir)
    calls = _spy(scorer)
    parent = "dasar walikota goblok dan maling uang rakyat"
    reply = "Laporan keuangan kota diaudit BPK setiap tahun."
    out = scorer.score([parent, reply], parents=[None, parent])
    assert calls == [[scorer.normalizer.normalize(parent), scorer.normalizer.normalize(reply)]]
    assert out[0].scores == scorer.score([parent])[0].scores


def test_the_logit_cache_keeps_the_most_recently_used_texts_by_digest() -> None:
    cache = LogitCache(2)
    a, b, c = (LogitCache.key(t) for t in ("satu", "dua", "tiga"))
    assert len(a) == 16 and a != b  # a digest: the text itself is never kept
    cache.put([a, b], np.array([[1.0], [2.0]]), [1, 3])
    assert cache.get([a])[0][1] == 1  # type: ignore[index]  # `a` is now the most recently used
    cache.put([c], np.array([[3.0]]), [1])  # over the size: the least recently used (`b`) goes
    got = cache.get([a, b, c])
    assert got[1] is None and got[0] is not None and got[2] is not None
    assert float(got[2][0][0]) == 3.0 and len(cache) == 2  # type: ignore[index]
    assert (cache.hits, cache.misses) == (3, 1)
    with pytest.raises(ValueError, match="at least 1"):
        LogitCache(0)


@pytest.mark.parametrize("kind", ["transformer", "ensemble"])
def test_a_text_seen_before_is_not_run_again_and_scores_the_same(kind, tiny_transformer_dir, tiny_ensemble_dir) -> None:
    scorer = Scorer({"transformer": tiny_transformer_dir, "ensemble": tiny_ensemble_dir}[kind], cache_size=3)
    assert Scorer(tiny_transformer_dir).cache is None  # off unless asked for
    calls = _spy(scorer)
    hoax = "SEBARKAN!! vaksin mengandung chip pelacak, jangan mau disuntik"
    first = scorer.score([hoax, "jadwal vaksinasi besok pagi di kelurahan"])
    # alone, in another batch, in another case: the same text to the network, taken from the cache
    again = scorer.score(["warga mengeluh jalan rusak di kampung kami", hoax.upper()])
    assert calls[-1] == [scorer.normalizer.normalize("warga mengeluh jalan rusak di kampung kami")]
    assert again[1].scores == first[0].scores and again[1].decisions == first[0].decisions
    np.testing.assert_array_equal(scorer.predict_proba([hoax])[0], scorer.predict_proba([hoax.lower()])[0])
    assert len(calls) == 2 and len(scorer.cache) == 3  # type: ignore[arg-type]
    scorer.score(["satu teks baru yang belum pernah ada"])  # the cache is full: the oldest text goes
    assert len(scorer.cache) == 3  # type: ignore[arg-type]
    scorer.score([hoax])  # still there: it was used since
    assert len(calls) == 3


def test_a_negative_cache_size_is_refused_before_the_model_loads(tmp_path) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        Scorer(tmp_path / "no-model-here", cache_size=-1)
