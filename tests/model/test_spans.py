"""Long texts with marked passages become training windows (model.spans, a card's [files.spans]). Every text here
was written for the tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.catalogue import load_dataset
from model.spans import parse_spans, span_windows
from tests.model.catalogue_fixtures import card_toml, sha

STORY = (
    "Kemarin pagi saya antar anak ke sekolah lewat jalan raya yang macet sekali karena ada perbaikan gorong gorong "
    "di dekat pasar. Di jalan saya ketemu tetangga lama yang baru pulang dari rantau dan kami ngobrol sebentar soal "
    "harga beras yang naik lagi bulan ini. Kaum X itu memang sampah semua dan harus diusir dari kampung kita. "
    "Sesudah itu saya mampir ke warung kopi langganan, pesan kopi tubruk dan gorengan, lalu pulang karena hujan "
    "mulai turun deras sekali sampai sore dan listrik sempat padam dua jam di seluruh gang kami."
)
HATE = "Kaum X itu memang sampah semua dan harus diusir dari kampung kita."


def test_a_passage_window_holds_the_passage_and_the_rest_are_negative() -> None:
    windows = span_windows(STORY, [HATE], words=20, stride=10)
    positive = [w for w in windows if w.positive]
    assert len(positive) == 1 and HATE in positive[0].text and positive[0].words == 20
    negatives = [w for w in windows if not w.positive]
    assert negatives and all("sampah" not in w.text and "diusir" not in w.text for w in negatives)
    # every negative is a whole sliding window of the story, and together they reach both ends of the text
    assert all(w.kind == "slide" and w.words == 20 and w.text in STORY for w in negatives)
    assert STORY.startswith(negatives[0].text) and STORY.endswith(negatives[-1].text)


def test_windows_that_cut_a_passage_are_left_out() -> None:
    windows = span_windows(STORY, [HATE], words=20, stride=5)
    words_of_hate = set(HATE.split())
    for w in windows:
        if not w.positive:  # a negative window shares no word position with the passage
            assert not (set(w.text.split()) & {"sampah", "diusir"}), w.text
    assert sum(w.positive for w in windows) == 1 and words_of_hate <= set(windows[0].text.split())


def test_short_texts_are_one_window_and_long_passages_their_own() -> None:
    short = "Kaum X itu sampah semua."
    assert [(w.text, w.positive) for w in span_windows(short, [short], words=20, stride=10)] == [(short, True)]
    assert [(w.text, w.positive) for w in span_windows("cuaca cerah hari ini", [], 20, 10)] == [
        ("cuaca cerah hari ini", False)
    ]
    long_passage = " ".join(STORY.split()[:30])
    w = span_windows(STORY, [long_passage], words=20, stride=10)[0]
    assert w.positive and w.text == long_passage and w.words == 30


def test_a_passage_that_is_not_in_the_text_is_an_error() -> None:
    with pytest.raises(ValueError, match="not in the text"):
        span_windows(STORY, ["kalimat yang tidak ada"], 20, 10)
    with pytest.raises(ValueError, match="inside a word"):  # "uru" only occurs inside "turun"
        span_windows(STORY, ["uru"], 20, 10)


def test_every_occurrence_of_a_passage_is_marked() -> None:
    twice = STORY + " " + HATE + " " + " ".join(["lalu hujan reda dan kami tidur"] * 5)
    windows = span_windows(twice, [HATE], words=20, stride=10)
    assert sum(w.positive for w in windows) == 2
    assert all(HATE not in w.text and "diusir" not in w.text for w in windows if not w.positive)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(None, []), ("", []), ([], []), (["a", " "], ["a"]), ('["satu", "dua"]', ["satu", "dua"])],
)
def test_parse_spans_accepts_lists_and_json_text(cell: object, expected: list[str]) -> None:
    assert parse_spans(cell) == expected


@pytest.mark.parametrize("cell", ["bukan json", '{"a": 1}', [1, 2]])
def test_parse_spans_says_what_it_found(cell: object) -> None:
    with pytest.raises(ValueError, match="expected"):
        parse_spans(cell)


SPANS_MAPPING = """
[mapping.incitement]
columns = ["incitement"]
reason = "test"
"""


def _card_file(data: bytes, spans: dict[str, object]) -> dict[str, object]:
    return {
        "path": "rows.jsonl",
        "sha256": sha(data),
        "role": "examples",
        "encoding": "utf-8",
        "text_column": "text",
        "id_column": "id",
        "spans": spans,
        "format": {"type": "jsonl", "columns": ["id", "text", "incitement", "spans"]},
    }


def _catalogue(tmp: Path, rows: list[dict], monkeypatch: pytest.MonkeyPatch) -> None:
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    (tmp / "mirror" / "longs").mkdir(parents=True)
    (tmp / "mirror" / "longs" / "rows.jsonl").write_bytes(data)
    (tmp / "cards").mkdir()
    card = card_toml("longs", [_card_file(data, {"column": "spans", "words": 20, "stride": 10})], SPANS_MAPPING)
    (tmp / "cards" / "longs.toml").write_text(card, encoding="utf-8")
    monkeypatch.setenv("SARING_CATALOGUE_DIR", str(tmp / "cards"))
    monkeypatch.setenv("SARING_DATA_MIRROR", str(tmp / "mirror"))


def test_a_spans_card_reads_rows_as_windows_grouped_by_post(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        {"id": "h1", "text": STORY, "incitement": 1, "spans": [HATE]},
        {"id": "n1", "text": STORY.replace(HATE, "Semoga semua warga sehat."), "incitement": 0, "spans": []},
        {"id": "bad1", "text": STORY, "incitement": 1, "spans": []},
        {"id": "bad2", "text": STORY, "incitement": 0, "spans": [HATE]},
        {"id": "bad3", "text": STORY, "incitement": 1, "spans": ["tidak ada di teks"]},
    ]
    _catalogue(tmp_path, rows, monkeypatch)
    res = load_dataset("longs")
    by_post: dict[str, list] = {}
    for e in res.examples:
        by_post.setdefault(e.group, []).append(e)
    assert set(by_post) == {"longs:h1", "longs:n1"}  # every window of a post in its post's group: never split
    hate = by_post["longs:h1"]
    assert [e.labels["incitement"] for e in hate].count(1) == 1
    assert all(e.labels["incitement"] == 0 for e in hate if HATE not in e.text)
    assert all(e.id.startswith("longs:h1#w") and e.meta["window"] for e in hate)
    assert all(e.labels["incitement"] == 0 for e in by_post["longs:n1"])
    reasons = {b.row: b.reason for b in res.bad_rows}
    assert "no passage is marked" in reasons[3]
    assert "no label is 1" in reasons[4]
    assert "not in the text" in reasons[5]
    assert len(res.bad_rows) == 3  # reported, not dropped silently


def test_card_spans_problems_name_the_key(tmp_path: Path) -> None:
    from model.cards import parse_card
    from model.examples import DataError

    bad = card_toml("longs", [_card_file(b"", {"column": "nope", "words": 4})], SPANS_MAPPING)
    (tmp_path / "longs.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(DataError) as err:
        parse_card(tmp_path / "longs.toml")
    msg = str(err.value)
    assert "spans.column 'nope' is not among format.columns" in msg and "at least 8 words" in msg
    grouped = card_toml("longs", [_card_file(b"", {"column": "spans"})], SPANS_MAPPING, GROUPS)
    (tmp_path / "longs.toml").write_text(grouped, encoding="utf-8")
    with pytest.raises(DataError, match="could then land in different topics"):
        parse_card(tmp_path / "longs.toml")


GROUPS = """
[groups]
method = "keywords"
[[groups.topics]]
id = "t1"
name = "topic"
keywords = ["kampung"]
"""
