from __future__ import annotations

import logging
import random

import pytest

from model.examples import Example
from model.normalize import Normalizer
from tests.fixture_texts import fixture_splits
from training.augment import restyle, style_augmented
from training.config import TrainConfig
from training.trainer import train_transformer

TEXTS = [
    "Besok jalan Sudirman ditutup untuk lomba lari.",
    "dasar bupati maling uang rakyat",
    "Vaksin mengandung chip pelacak!",
    "Info: posyandu buka jam 8 pagi di balai desa",
]


def _examples(n: int) -> list[Example]:
    return [
        Example(
            text=TEXTS[i % len(TEXTS)],
            labels={"hoax": i % 2, "slander": None},
            source=f"s{i % 3}",
            id=str(i),
            parent_text="postingan awal" if i % 5 == 0 else None,
        )
        for i in range(n)
    ]


def test_restyling_keeps_every_word_of_the_text():
    rng = random.Random(0)
    norm = Normalizer()

    def words(t: str) -> str:
        return " " + " ".join(w for w in norm.normalize(t).split() if w.isalnum()) + " "

    for text in TEXTS * 25:
        # marks and emoji come and go, but every word of the text is still there, in order and together
        assert words(text) in words(restyle(text, rng))


def test_a_share_of_examples_is_restyled_labels_and_parents_kept_and_the_draw_repeats():
    examples = _examples(2000)
    out, changed = style_augmented(examples, 0.25, seed=7)
    assert len(out) == len(examples)
    diff = [(a, b) for a, b in zip(examples, out, strict=True) if a.text != b.text]
    assert len(diff) == changed and 0.18 < changed / len(examples) < 0.27  # "plain" on a text without a mark is a no-op
    for a, b in diff:
        assert (b.labels, b.source, b.id, b.parent_text) == (a.labels, a.source, a.id, a.parent_text)
    again, _ = style_augmented(examples, 0.25, seed=7)
    assert [e.text for e in again] == [e.text for e in out]
    other, _ = style_augmented(examples, 0.25, seed=8)
    assert [e.text for e in other] != [e.text for e in out]
    assert style_augmented(examples, 0.0, seed=7) == (examples, 0)


def test_the_share_must_be_a_share():
    with pytest.raises(ValueError, match="from 0 to 1; found 1.5"):
        style_augmented(_examples(3), 1.5, seed=0)
    with pytest.raises(ValueError, match="style_augment"):
        TrainConfig.from_recipe("tiny", style_augment=-0.1)


def test_the_trainer_restyles_its_training_examples_when_asked(tmp_path, tiny_encoder_dir, caplog):
    cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), max_steps=2, style_augment=0.5)
    with caplog.at_level(logging.INFO, logger="training.trainer"):
        train_transformer(cfg, fixture_splits(), Normalizer(), {}, tmp_path / "m")
    restyled = [r.getMessage() for r in caplog.records if "restyled" in r.getMessage()]
    assert len(restyled) == 1 and not restyled[0].startswith("0 of")
