from __future__ import annotations

import pytest

import model.normalize as normalize_module
from model.normalize import Normalizer
from tests.fixture_texts import fixture_examples

SLANG = {"gk": "tidak", "bgt": "banget", "yg": "yang", "sayang": "sayang"}


def test_the_documented_steps() -> None:
    n = Normalizer(SLANG)
    assert (
        n.normalize("RT @budi: Cek https://x.co/a &amp; www.hoaks.id GK bgt!!!")
        == "USER : cek URL & URL tidak banget ! ! !"
    )
    assert n.normalize("s4y4ng kata2 bangeeettt") == "sayang kata kata bangeett"


def test_the_word_cache_changes_no_output_and_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [e.text for e in fixture_examples()] + ["GK gk Gk gK s4y4ng URL USER @x", "yg yg yg ygggg"]
    cold = [Normalizer(SLANG).normalize(t) for t in texts]  # a fresh normaliser (empty cache) per text
    warm = Normalizer(SLANG)
    assert [warm.normalize(t) for t in texts] == cold
    assert [warm.normalize(t) for t in texts] == cold  # second pass: every word from the cache
    monkeypatch.setattr(normalize_module, "_MAX_CACHED_WORDS", 5)
    small = Normalizer(SLANG)
    assert [small.normalize(t) for t in texts] == cold
    assert len(small._words) <= 5
