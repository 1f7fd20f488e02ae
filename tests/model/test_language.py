"""model.language: posts in a language saring never learnt are told apart from Indonesian ones of every register.
Every text here was written for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.cards import load_cards
from model.catalogue import load_dataset
from model.language import BATCH_POSTS, WALK_ROWS, guess_language, guess_languages

FOREIGN = {
    "The vaccine contains a tracking microchip, share before it is deleted!": "en",
    "All immigrants should be sent back where they came from, they ruin this country.": "en",
    "You are so stupid, nobody asked for your opinion.": "en",
    "What time does the vaccination center open on weekends?": "en",
    "اللهم صل على محمد وعلى آل محمد": "ar",
    "这个疫苗里面有芯片，大家快转发": "zh",
    "Ang bakuna ay may chip na pangsubaybay, ibahagi bago ito mabura!": "tl",
    "วัคซีนมีไมโครชิป แชร์ก่อนถูกลบ": "th",
    "Le maire est un voleur qui vole l'argent du peuple.": "fr",
}
INDONESIAN = [
    "Guys, meeting hari ini di-cancel ya, sorry banget baru kabarin.",  # code-mixed
    "OMG, this is so keren, gue nggak nyangka bakal menang giveaway!",
    "Btw jalan di depan rumah gue udah rusak parah, please dong diperbaiki.",
    "Pak RT, air PAM mati dari kemarin, mohon info kapan nyala lagi.",
    "Aku arep lunga menyang pasar karo simbok, mengko sore bali.",  # Javanese
    "Urang mah teu nyaho nanaon, ngan ukur ngadenge ti batur.",  # Sundanese
    "Kerajaan Malaysia umumkan cuti umum tambahan minggu hadapan.",  # Malay
    "w4sp4d4 g3ng, vaksin ad4 chipny4 sebarin!!",  # alay
    "T E R B U K T I S E M U A H O A X",  # spaced letters: no language to identify
    "😂😂😂 👍👍",
]


def test_posts_in_other_languages_are_foreign_and_named() -> None:
    guesses = guess_languages(list(FOREIGN))
    assert [g.code for g in guesses] == list(FOREIGN.values())
    assert all(g.foreign for g in guesses)
    assert guesses[0].name == "English" and guesses[0].indonesian < 0.01


def test_indonesian_of_every_register_and_regional_mixes_are_not_foreign() -> None:
    foreign = [t for t, g in zip(INDONESIAN, guess_languages(INDONESIAN), strict=True) if g.foreign]
    assert foreign == []


def test_a_batch_gets_the_guesses_that_posts_one_at_a_time_get(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the batched identifier reimplements py3langid's walk and sums: every post of the team's suites (more than one
    # walk group of WALK_ROWS, long posts finishing alone), the foreign ones and the awkward ones guessed both ways
    monkeypatch.setenv("SARING_DATA_MIRROR", str(tmp_path))
    monkeypatch.setenv("SARING_OFFLINE", "1")
    cards = load_cards()
    suites = ("saring_register_suite", "saring_group_swap_suite")
    texts = [e.text for name in suites for e in load_dataset(name, cards).examples]
    texts += list(FOREIGN) + INDONESIAN
    texts += ["", "   ", "OK", "SEMUA BERITA INI BOHONG, JANGAN PERCAYA!!!", "broken \ud800 surrogate", "e\u0301 NFD"]
    texts += ["Pemerintah kota membuka pendaftaran vaksinasi lanjutan. " * 60, "ha" * 3000]
    assert len(texts) > WALK_ROWS
    batched = guess_languages(texts)
    alone = [guess_language(t) for t in texts]
    assert [g.code for g in batched] == [g.code for g in alone]
    assert [g.foreign for g in batched] == [g.foreign for g in alone]
    assert max(abs(b.probability - a.probability) for b, a in zip(batched, alone, strict=True)) < 1e-5
    assert max(abs(b.indonesian - a.indonesian) for b, a in zip(batched, alone, strict=True)) < 1e-5
    # the smallest batch identified together and the largest identified one at a time agree on what they share
    together, one_by_one = guess_languages(texts[-BATCH_POSTS:]), guess_languages(texts[-BATCH_POSTS + 1 :])
    assert [g.code for g in together[1:]] == [g.code for g in one_by_one] == [g.code for g in alone[-BATCH_POSTS + 1 :]]


@pytest.mark.parametrize(
    "suite",
    [
        "saring_register_suite",
        "saring_outsider_hate_suite",
        "saring_outsider_claims_suite",
        "saring_outsider_functional_suite",
        "saring_outsider_rumour_suite",
        "saring_group_swap_suite",
    ],
)
def test_no_post_of_the_indonesian_suites_is_called_foreign(
    suite: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the suites are committed (local cards) and written in every register saring serves: a warning on any of
    # their posts would be a false alarm that clients learn to ignore
    monkeypatch.setenv("SARING_DATA_MIRROR", str(tmp_path))
    monkeypatch.setenv("SARING_OFFLINE", "1")
    texts = [e.text for e in load_dataset(suite, load_cards()).examples]
    assert len(texts) >= 300
    foreign = [t for t, g in zip(texts, guess_languages(texts), strict=True) if g.foreign]
    assert foreign == []
