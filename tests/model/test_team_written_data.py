"""The hand-written event-posts set (training) and the circulated-posts set (evaluation): the committed files
have the shape their cards promise, and no training post is a near copy of an evaluation case."""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO / "datasets"


def _rows(name: str, file: str) -> list[dict]:
    return [json.loads(line) for line in (DATASETS / name / file).read_text(encoding="utf-8").splitlines()]


def _card(name: str) -> dict:
    return tomllib.loads((DATASETS / f"{name}.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "label_key"), [("saring_event_posts", "kind"), ("saring_circulated_posts", "function")]
)
def test_rows_match_the_card_and_kinds_match_labels(name: str, label_key: str) -> None:
    rows = _rows(name, "posts.jsonl")
    card = _card(name)
    assert len(rows) == card["files"][0]["rows"]
    assert len({r["id"] for r in rows}) == len(rows) and len({r["text"] for r in rows}) == len(rows)
    counts = card["original_labels"][label_key]["counts"]
    assert Counter(r[label_key] for r in rows) == counts
    for r in rows:  # a hoax_* kind is a hoax, every other kind is not
        assert r["hoax"] == int(r[label_key].startswith("hoax_")), r["id"]
        assert r["text"].strip() and r["register"] and r["platform"]


def _tokens(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def test_no_training_post_is_a_near_copy_of_an_evaluation_case() -> None:
    evaluation = [r["text"] for r in _rows("saring_circulated_posts", "posts.jsonl")]
    evaluation += [r["text"] for r in _rows("saring_register_suite", "cases.jsonl")]
    ev = [_tokens(t) for t in evaluation]
    index: dict[str, set[int]] = defaultdict(set)
    for i, toks in enumerate(ev):
        for w in toks:
            index[w].add(i)
    worst = 0.0
    for r in _rows("saring_event_posts", "posts.jsonl"):
        toks = _tokens(r["text"])
        shared = Counter(i for w in toks for i in index.get(w, ()))
        for i, _ in shared.most_common(20):
            worst = max(worst, len(toks & ev[i]) / len(toks | ev[i]))
    assert worst < 0.5, f"a training post shares {worst:.0%} of its words with an evaluation case"
