from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.normalize import Normalizer
from model.readers import DataError
from model.scorer import ScoredText
from model.terms import TermEntry, TermLists, read_term_list, with_matches

NORMALIZER = Normalizer({"kdrn": "kadrun", "gk": "tidak"})
CSV = (
    "term,risk,decision,list,note\n"
    "kadrun,incitement,,julukan,label for a political group\n"
    "antek asing,slander,block,julukan,\n"
    "vaksin chip,hoax,review,,\n"
)


def _lists(tmp_path: Path, text: str = CSV, name: str = "terms.csv") -> TermLists:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return TermLists.from_file(path)


def test_rows_read_with_their_defaults(tmp_path: Path) -> None:
    lists = _lists(tmp_path)
    kadrun, antek, vaksin = lists.entries
    assert (kadrun.decision, kadrun.list, kadrun.note) == ("review", "julukan", "label for a political group")
    assert (antek.risk, antek.decision) == ("slander", "block")
    assert vaksin.list == "terms"
    assert lists.describe() == {
        "julukan": {"terms": 2, "by_risk": {"incitement": 1, "slander": 1}},
        "terms": {"terms": 1, "by_risk": {"hoax": 1}},
    }
    rows = [
        {"term": "kadrun", "risk": "incitement"},
        {"term": "cebong", "risk": "incitement", "decision": "block"},
        {"term": 411, "risk": "incitement"},  # a number typed as one, as a workbook holds it
    ]
    jsonl = tmp_path / "terms.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert [e.term for e in read_term_list(jsonl)] == ["kadrun", "cebong", "411"]
    numbers = TermLists(read_term_list(jsonl)).match(["aksi 411 besok", "nomor 41 dan 4112"], NORMALIZER)
    assert [[m.entry.term for m in found] for found in numbers] == [["411"], []]  # digits are never shortened


def test_every_bad_row_is_named_and_nothing_is_used(tmp_path: Path) -> None:
    bad = (
        "term,risk,decision\n"
        "kadrun,incitement,review\n"
        "!!!,incitement,review\n"
        "cebong,hate,review\n"
        "kampret,incitement,delete\n"
        ",slander,\n"
    )
    with pytest.raises(DataError) as e:
        _lists(tmp_path, bad)
    message = str(e.value)
    assert "4 bad row(s)" in message and "Nothing of the file was used" in message
    for row in ("row 2:", "row 3:", "row 4:", "row 5:"):
        assert row in message
    assert "needs a letter or digit" in message and "'risk' is 'hate'" in message and "'delete'" in message
    columns = r"expected the columns \['term', 'risk'\].*\['risk'\] missing.*\['kata'\] unknown"
    with pytest.raises(DataError, match=columns):
        _lists(tmp_path, "term,kata\nkadrun,x\n", "cols.csv")
    with pytest.raises(DataError, match="the term list has no rows"):
        _lists(tmp_path, "term,risk\n", "empty.csv")
    excel = tmp_path / "excel.csv"
    excel.write_bytes("term,risk\nkaf\u00e9,incitement\n".encode("cp1252"))
    with pytest.raises(DataError, match=r"not valid utf-8.*Fix: save the term list as UTF-8") as e:
        read_term_list(excel)
    assert "--encoding" not in str(e.value)  # no such option for term lists


def test_terms_match_whole_words_as_the_normaliser_reads_them(tmp_path: Path) -> None:
    lists = _lists(tmp_path)
    texts = [
        "Dasar K4DRUUUN!! semua",  # leet, elongation, punctuation
        "mereka itu Antek-Asing",  # hyphenated phrase
        "kdrn lagi kdrn lagi",  # slang form, and twice: reported once
        "kadrunisme bukan kata itu",  # part of a word: never
        "awas k a d r u n",  # spelled out: found on the whole text, without offsets
        "jalan depan rumah rusak",
    ]
    found = lists.match(texts, NORMALIZER)
    (leet,) = found[0]
    assert leet.entry.term == "kadrun" and texts[0][leet.begin : leet.end] == "K4DRUUUN!!"
    (phrase,) = found[1]
    assert texts[1][phrase.begin : phrase.end] == "Antek-Asing" and phrase.entry.decision == "block"
    (slang,) = found[2]
    assert (slang.begin, slang.end) == (0, 4)
    assert found[3] == [] and found[5] == []
    (spelled,) = found[4]
    assert spelled.entry.term == "kadrun" and spelled.begin is None


def test_a_match_raises_the_decision_and_never_lowers_one() -> None:
    entry = TermEntry(term="kadrun", risk="incitement", list="julukan")
    (match,) = TermLists([entry]).match(["dasar kadrun"], NORMALIZER)[0]
    allow = ScoredText(
        scores={"hoax": 0.01, "slander": 0.2, "incitement": 0.1},
        flags={"hoax": False, "slander": False, "incitement": False},
        decisions={"hoax": "allow", "slander": "allow", "incitement": "allow"},
        decision="allow",
    )
    raised = with_matches(allow, [match])
    assert raised.decisions["incitement"] == "review" and raised.flags["incitement"] and raised.decision == "review"
    assert raised.scores == allow.scores  # scores stay the model's
    (w,) = [w.to_dict() for w in raised.warnings]
    assert w["code"] == "TERM_LIST_MATCH" and (w["list"], w["term"], w["risk"]) == ("julukan", "kadrun", "incitement")
    assert (w["begin"], w["end"]) == (6, 12) and "'kadrun' of the term list 'julukan'" in w["message"]
    blocked = ScoredText(
        scores=allow.scores,
        flags={**allow.flags, "incitement": True},
        decisions={**allow.decisions, "incitement": "block"},
        decision="block",
    )
    assert with_matches(blocked, [match]).decisions["incitement"] == "block"
    assert with_matches(allow, []) is allow


def test_the_terms_words_are_known_when_leetspeak_and_masks_are_read() -> None:
    """Version 3 of the normaliser reads leetspeak and masked words only into known words: a term is matched in
    those spellings even where the model's normaliser does not know its word, and that normaliser is not changed."""
    entry = TermEntry(term="cebong", risk="incitement", list="julukan")
    assert NORMALIZER.normalize("C3BONG c*bong") == "c3bong c*bong"
    found = TermLists([entry]).match(["dasar C3BONG", "dasar c*bong", "dasar cebong", "dasar c3b0ngkok"], NORMALIZER)
    assert [len(f) for f in found] == [1, 1, 1, 0]
    assert NORMALIZER.normalize("C3BONG c*bong") == "c3bong c*bong"
