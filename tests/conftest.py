from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests never touch the user's cache or the network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
# Rebuildable files the tests make (the int8 copies of tiny models) go to a throw-away folder, not ~/.cache.
if "SARING_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["SARING_CACHE_DIR"] = tempfile.mkdtemp(prefix="saring-test-cache-")


@pytest.fixture(scope="session")
def tiny_baseline_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real baseline model directory trained on the fixture texts (about a second)."""
    from model.normalize import Normalizer
    from tests.fixture_texts import fixture_splits
    from training.baseline import train_baseline

    out = tmp_path_factory.mktemp("models") / "baseline"
    normalizer = Normalizer({"gk": "tidak", "bgt": "banget", "jgn": "jangan", "yg": "yang"})
    # min_df=2 in the real settings would leave the toy vocabulary tiny; the settings are the same code.
    train_baseline(out, fixture_splits(), normalizer, {"sources": {"fixture": {"licence": "test texts"}}})
    return out


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Hugging Face BERT with a real tokenizer, built in well under a second."""
    from tests.fixture_texts import fixture_examples
    from tests.tiny import make_tiny_encoder

    return make_tiny_encoder(tmp_path_factory.mktemp("enc") / "tiny-bert", [e.text for e in fixture_examples()])


@pytest.fixture(scope="session")
def tiny_transformer_dir(tmp_path_factory: pytest.TempPathFactory, tiny_encoder_dir: Path) -> Path:
    """A real transformer model directory: the tiny encoder fine-tuned a few steps on the fixture texts."""
    from model.normalize import Normalizer
    from tests.fixture_texts import fixture_splits
    from training.config import TrainConfig
    from training.trainer import train_transformer

    out = tmp_path_factory.mktemp("models") / "tiny-transformer"
    config = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), epochs=4)
    train_transformer(config, fixture_splits(), Normalizer({"gk": "tidak"}), {"sources": {}}, out)
    return out


@pytest.fixture(scope="session")
def tiny_ensemble_dir(
    tmp_path_factory: pytest.TempPathFactory, tiny_transformer_dir: Path, tiny_baseline_dir: Path
) -> Path:
    """The tiny transformer and the tiny baseline combined into an ensemble model directory."""
    from model.normalize import Normalizer
    from tests.fixture_texts import fixture_splits
    from training.ensemble import build_ensemble

    out = tmp_path_factory.mktemp("models") / "tiny-ensemble"
    build_ensemble(
        out,
        tiny_transformer_dir,
        tiny_baseline_dir,
        fixture_splits(),
        Normalizer({"gk": "tidak"}),
        {},
        {"recipe": "tiny"},
        name="saring-tiny-ensemble",
        move_transformer=False,
    )
    return out
