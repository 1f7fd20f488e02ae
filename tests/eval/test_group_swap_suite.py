"""The group-swap suite: the committed file is the generator's output, every frame names every group once per case,
and its labels follow the frame's function."""

from __future__ import annotations

import importlib.util
import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "datasets" / "saring_group_swap_suite" / "cases.jsonl"
CARD = REPO / "datasets" / "saring_group_swap_suite.toml"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location(
        "make_group_swap_suite", REPO / "scripts" / "make_group_swap_suite.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_file_is_the_generators_output_and_matches_the_card(generator) -> None:
    text = CASES.read_text(encoding="utf-8")
    assert text == generator.render(generator.cases()), "regenerate: .venv/bin/python scripts/make_group_swap_suite.py"
    card = tomllib.loads(CARD.read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in text.splitlines()]
    assert card["purpose"] == "evaluation" and card["files"][0]["rows"] == len(rows)
    assert Counter(r["function"] for r in rows) == card["original_labels"]["function"]["counts"]
    assert Counter(r["register"] for r in rows) == card["original_labels"]["register"]["counts"]


def test_every_frame_is_filled_with_every_group_and_labelled_by_its_function(generator) -> None:
    rows = generator.cases()
    by_frame: dict[str, list[dict]] = {}
    for r in rows:
        by_frame.setdefault(str(r["frame"]), []).append(r)
        hateful = r["function"] in generator.HATEFUL_FUNCTIONS
        assert (r["incitement"], r["hoax"], r["polarity"]) == (int(hateful), 0, "positive" if hateful else "negative")
        assert r["slander"] == (None if hateful else 0)  # group hate is not slander: not judged
        assert "{" not in r["text"] and "}" not in r["text"], r["id"]
    assert len({r["id"] for r in rows}) == len(rows)
    for frame, cases in by_frame.items():
        assert [c["group"] for c in cases] == list(generator.GROUP_SLUGS), frame
        assert len({c["text"] for c in cases}) == len(generator.GROUPS), frame  # the group is the only change
        assert len({(c["function"], c["register"]) for c in cases}) == 1, frame
    kinds = Counter(kind for _, _, kind in generator.GROUPS)
    assert set(kinds) == {"suku", "agama", "ras", "antargolongan"}
    assert generator.fill("{G} di sini, {g} di sana", "orang Bali") == "Orang Bali di sini, orang Bali di sana"
