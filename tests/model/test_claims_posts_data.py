"""The post-form hoax set: the committed file is the generator's output, with the promised shape."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from model.claims import BUILTIN_SLANG
from model.normalize import Normalizer

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "datasets" / "saring_hoax_posts"
POSTS = DATA / "posts.jsonl"
CARD = REPO / "datasets" / "saring_hoax_posts.toml"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("make_hoax_posts", REPO / "scripts" / "make_hoax_posts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [json.loads(line) for line in POSTS.read_text(encoding="utf-8").splitlines()]


def test_committed_file_is_the_generators_output(generator) -> None:
    assert POSTS.read_text(encoding="utf-8") == generator.to_jsonl(generator.generate()), (
        "regenerate with: .venv/bin/python scripts/make_hoax_posts.py"
    )


def test_counts_fields_and_held_out_genres(records: list[dict], generator) -> None:
    assert sum(r["hoax"] for r in records) >= 400 and sum(1 - r["hoax"] for r in records) >= 600
    assert all(
        set(r) == {"id", "text", "hoax", "genre", "topic", "kind", "register", "platform", "split"} for r in records
    )
    assert all(r["hoax"] == int(r["kind"] == "hoax_post") for r in records)
    assert {r["genre"] for r in records} == set(generator.GENRES)
    assert {r["kind"] for r in records} == {
        "hoax_post",
        "debunk",
        "question",
        "personal",
        "news",
        "announcement",
        "joke",
    }
    assert all((r["split"] == "test") == (r["genre"] in generator.HELD_OUT_GENRES) for r in records)
    per_genre = Counter((r["genre"], r["hoax"]) for r in records)
    assert all(per_genre[(g, 1)] > 0 and per_genre[(g, 0)] > 0 for g in generator.GENRES)
    assert len({r["id"] for r in records}) == len(records)


def test_no_duplicates_after_normalisation(records: list[dict]) -> None:
    norm = Normalizer(BUILTIN_SLANG)
    texts = [norm.normalize(r["text"]) for r in records]
    assert len(set(texts)) == len(texts)


def test_card_matches_the_file(records: list[dict]) -> None:
    card = tomllib.loads(CARD.read_text(encoding="utf-8"))
    f = card["files"][0]
    assert f["sha256"] == hashlib.sha256(POSTS.read_bytes()).hexdigest()
    assert f["rows"] == len(records)
    counts = card["original_labels"]["hoax"]["counts"]
    assert counts == {"1": sum(r["hoax"] for r in records), "0": sum(1 - r["hoax"] for r in records)}
    assert card["original_labels"]["kind"]["counts"] == dict(Counter(r["kind"] for r in records))
    assert card["original_labels"]["genre"]["counts"] == dict(Counter(r["genre"] for r in records))
