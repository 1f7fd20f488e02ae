"""The local card `saring_hoax_posts` (data committed in datasets/saring_hoax_posts/) and the card keys it uses:
`[source] local`, jsonl files, id / group / original-split / meta columns. Runs without any data mirror."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from model.cards import load_cards, parse_card
from model.catalogue import fetch_file, load_dataset
from model.examples import DataError
from model.normalize import Normalizer
from model.paths import PROJECT_ROOT
from model.splits import prepare
from tests.model.catalogue_fixtures import sha

HELD_OUT = {"disaster_prediction", "crime_panic"}


@pytest.fixture
def no_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty mirror, an empty cache and downloads forbidden: only committed files can be read."""
    (tmp_path / "mirror").mkdir()
    monkeypatch.setenv("SARING_DATA_MIRROR", str(tmp_path / "mirror"))
    monkeypatch.setenv("SARING_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SARING_OFFLINE", "1")
    monkeypatch.delenv("SARING_CATALOGUE_DIR", raising=False)
    return tmp_path


@pytest.fixture
def posts(no_mirror: Path) -> list:
    res = load_dataset("saring_hoax_posts")
    assert not res.bad_rows
    return res.examples


def test_local_card_loads_without_any_mirror(posts: list) -> None:
    card = load_cards()["saring_hoax_posts"]
    assert card.local and not card.repository and not card.commit
    assert fetch_file(card, card.files[0]) == PROJECT_ROOT / "datasets" / "saring_hoax_posts" / "posts.jsonl"
    assert len(posts) == 1109
    assert Counter(e.labels["hoax"] for e in posts) == {1: 467, 0: 642}
    first = posts[0]
    assert set(first.labels) == {"hoax"}  # slander and incitement are missing, never 0
    assert first.label("slander") is None and first.label("incitement") is None
    assert first.id.startswith("saring_hoax_posts:shp-") and len({e.id for e in posts}) == len(posts)
    assert first.group == f"saring_hoax_posts:{first.meta['topic']}"
    assert {"genre", "kind", "topic", "register", "original_split"} <= set(first.meta)
    assert Counter(e.meta["original_split"] for e in posts) == {"train": 742, "test": 367}
    assert {e.meta["genre"] for e in posts if e.meta["original_split"] == "test"} == HELD_OUT
    assert {e.platform for e in posts} == {"whatsapp", "facebook", "x", "instagram"}


def test_tampered_local_file_is_refused(no_mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = no_mirror / "catalogue"
    shutil.copytree(PROJECT_ROOT / "datasets", copy)
    data = copy / "saring_hoax_posts" / "posts.jsonl"
    raw = bytearray(data.read_bytes())
    raw[100] = ord("X") if raw[100] != ord("X") else ord("Y")
    data.write_bytes(bytes(raw))
    monkeypatch.setenv("SARING_CATALOGUE_DIR", str(copy))
    with pytest.raises(DataError) as err:
        load_dataset("saring_hoax_posts")
    msg = str(err.value)
    assert "sha256 mismatch for saring_hoax_posts/posts.jsonl" in msg
    assert "found " + sha(bytes(raw)) in msg and "scripts/make_hoax_posts.py" in msg
    data.unlink()
    with pytest.raises(DataError, match="is missing"):
        load_dataset("saring_hoax_posts")


def test_held_out_genres_only_in_test_and_no_topic_crosses_splits(posts: list) -> None:
    data = prepare(posts, Normalizer())
    genres = {s: {e.meta["genre"] for e in exs} for s, exs in data.items()}
    assert genres["test"] == HELD_OUT
    assert not HELD_OUT & (genres["train"] | genres["validation"])
    assert all(e.meta["original_split"] == "test" for e in data.test)
    topics: dict[str, str] = {}
    for split, exs in data.items():
        for e in exs:
            assert topics.setdefault(e.group, split) == split, f"{e.group} crosses splits"
    # the held-out rows exceed the test share; train and validation still share the rest
    assert len(data.test) == 367 and len(data.validation) > 0 and len(data.train) > len(data.validation)


LOCAL_CARD = """schema_version = 1
name = "mine"
title = "t"
description = "written for the tests"
[source]
local = true
{extra_source}
[licence]
id = "CC-BY-4.0"
basis = "test"
commercial_use = true
share_alike = false
[citation]
text = "none"
[[files]]
path = "rows.jsonl"
sha256 = "{sha}"
role = "examples"
encoding = "utf-8"
text_column = "text"
id_column = "id"
group_column = "topic"
original_split_column = "split"
meta_columns = {meta}
[files.format]
type = "jsonl"
columns = ["id", "text", "hoax", "topic", "split"]
[mapping.hoax]
columns = ["hoax"]
reason = "test"
"""


def _write_local(tmp: Path, rows: list[dict], extra_source: str = "", meta: str = '["topic"]') -> Path:
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    (tmp / "mine").mkdir(parents=True, exist_ok=True)
    (tmp / "mine" / "rows.jsonl").write_bytes(data)
    card = tmp / "mine.toml"
    card.write_text(LOCAL_CARD.format(sha=sha(data), extra_source=extra_source, meta=meta), encoding="utf-8")
    return card


def test_jsonl_rows_with_bad_split_or_repeated_id_are_reported(tmp_path: Path, monkeypatch) -> None:
    rows = [
        {"id": "a", "text": "kabar bohong satu", "hoax": 1, "topic": "t1", "split": "train"},
        {"id": "b", "text": "kabar benar dua", "hoax": 0, "topic": "t1", "split": "dev"},
        {"id": "a", "text": "kabar lain tiga", "hoax": 0, "topic": "t2", "split": "test"},
        {"id": "c", "text": "kabar lain empat", "hoax": 0, "topic": "", "split": ""},
    ]
    _write_local(tmp_path, rows)
    monkeypatch.setenv("SARING_CATALOGUE_DIR", str(tmp_path))
    res = load_dataset("mine")
    assert [e.id for e in res.examples] == ["mine:a", "mine:c"]
    assert res.examples[0].group == "mine:t1" and res.examples[1].group == "mine:unassigned"
    assert "original_split" not in res.examples[1].meta
    reasons = {b.row: b.reason for b in res.bad_rows}
    assert "'dev'" in reasons[2] and "repeats row 1" in reasons[3]


def test_local_card_key_problems_are_listed(tmp_path: Path) -> None:
    rows = [{"id": "a", "text": "x", "hoax": 1, "topic": "t", "split": "train"}]
    card = _write_local(tmp_path, rows, extra_source='repository = "a/b"', meta='["split", "nope"]')
    with pytest.raises(DataError) as err:
        parse_card(card)
    msg = str(err.value)
    assert "a local card (local = true) has no repository" in msg
    assert "'split' would overwrite" in msg and "'nope' is not among format.columns" in msg
