from __future__ import annotations

import json
from pathlib import Path

import pytest

import model.normalize as normalize_module
from model.normalize import _MAX_KNOWN_WORDS, Normalizer, content_word_counts
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


def test_version_2_joins_letters_spelled_out_with_one_separator() -> None:
    n = Normalizer(SLANG)
    assert n.normalize("u s i r aja o r a n g itu") == "usir aja orang itu"
    assert n.normalize("b.a.b.i semua, d-a-y-a-k juga") == "babi semua , dayak juga"
    # two letters are an abbreviation, mixed separators are not one word, and a letter before a masked
    # word belongs to it
    assert n.normalize("a.n. Budi") == "a . n . budi"
    assert n.normalize("a b.c d") == "a b . c d"
    assert n.normalize("p e n d a t a n g k*parat") == "pendatang k*parat"


def test_version_2_reads_a_masked_word_only_when_one_known_word_fits() -> None:
    n = Normalizer({"jyjyk": "jijik", "mati": "mati", "babi": "babi", "bibi": "bibi", "menang": "menang"})
    assert n.normalize("j*j*k, m*ti aja") == "jijik , mati aja"  # the slang form's formal word
    assert n.normalize("dasar b*b*") == "dasar b*b*"  # babi or bibi: left as one token
    assert n.normalize("orang M*nang") == "orang menang"
    n.add_words(["orang minang datang", "rendang minang enak"])  # the training texts' words
    assert "minang" in n.words
    assert n.normalize("orang M*nang") == "orang m*nang"  # menang or minang: left alone
    capped = Normalizer()
    capped.add_words(["kata kata kata lain lain satu satu"], max_words=2)  # the two most used words
    assert capped.words == {"kata", "lain"}
    # stars that do not mask a vowel inside a word keep version 1's reading
    assert n.normalize("*PENTING* 5*3 wkwk*") == "* penting * 5 * 3 wkwk *"


def test_with_words_keeps_every_word_of_a_term_list_however_many() -> None:
    """A term list is not a training set to trim to its most used words: a term whose word was dropped would
    silently stop matching its leetspeak and masked spellings. Here more words than a training set's cap; the
    normaliser asked is not changed."""
    capped = Normalizer()
    capped.add_words(["kata kata lain lain"])
    letters = str.maketrans("0123456789", "abcdefghij")
    terms = ["kata" + f"{i:06d}".translate(letters) for i in range(_MAX_KNOWN_WORDS + 5)]
    listed = capped.with_words(terms)
    assert listed.words == set(terms) | {"kata", "lain"} and capped.words == {"kata", "lain"}


def test_version_1_is_kept_for_models_written_before_version_2(tmp_path: Path) -> None:
    old = Normalizer(SLANG, version="1")
    assert old.normalize("a s e n g yg gk") == "a s e n g yang tidak"
    assert old.normalize("j*j*k") == "j * j * k"
    path = tmp_path / "normalizer.json"
    old.to_json(path)
    assert Normalizer.from_json(path).version == "1"
    new = Normalizer(SLANG, words=["minang"])
    new.to_json(path)
    loaded = Normalizer.from_json(path)
    assert (loaded.version, loaded.words) == ("3", {"minang"})
    path.write_text('{"version": "2", "slang": {}, "words": "minang"}', encoding="utf-8")
    with pytest.raises(ValueError, match="'words' should be a list of strings .* found str"):
        Normalizer.from_json(path)
    path.write_text('{"version": "9", "slang": {}}', encoding="utf-8")
    with pytest.raises(ValueError, match="version '9' found, this saring knows 1, 2, 3"):
        Normalizer.from_json(path)


AMOUNT_SLANG = {**SLANG, "10rb": "sepuluh ribu", "200an": "dua ratusan", "babi": "babi", "pemilu2019": "pemilu 2019"}


def test_version_3_keeps_numbers_whole() -> None:
    n = Normalizer(AMOUNT_SLANG)
    # amounts, years and phone numbers as written (version 2 squeezed repeated digits: 1000000 -> 100)
    assert n.normalize("dapat Rp 1000000 atau 1000rb per KTP") == "dapat rp 1000000 atau 1000rb per ktp"
    assert n.normalize("tahun 2000an, hubungi 0811122233") == "tahun 2000an , hubungi 0811122233"
    assert n.normalize("10rb aja") == "sepuluh ribu aja"  # the slang table's amounts are still read
    # letters are still squeezed, and a squeezed word still finds its slang form
    assert n.normalize("bgttt yggg bangeeettt") == "banget yang bangeett"
    # a word with digits is leetspeak only when its reading is a known word; names and dates stay as written
    assert n.normalize("covid19 mp3 pemilu2019") == "covid19 mp3 pemilu 2019"
    assert n.normalize("#2019GantiPresiden 17agustus 3hari") == "# 2019gantipresiden 17agustus 3hari"
    assert n.normalize("bab1 s4y4ng kata2") == "babi sayang kata kata"
    assert n.normalize("4nj1ng") == "4nj1ng"  # "anjing" is not known to this normaliser yet
    assert n.normalize("malin9") == "malin9"  # "maling" is not known yet
    n.add_words(["maling uang", "dasar maling", "anjing gila", "anjing liar"])  # the training texts' words
    assert n.normalize("malin9") == "maling"
    assert n.normalize("4nj1ng 4njing") == "anjing anjing"
    assert n.normalize("4nj1nggg") == "anjingg"  # known once squeezed: read, then squeezed as "anjinggg" is


def test_models_written_with_version_2_keep_its_readings(tmp_path: Path) -> None:
    """A model keeps the normaliser it was trained with: version 2's squeezed digits and leetspeak included."""
    path = tmp_path / "normalizer.json"
    path.write_text(json.dumps({"version": "2", "slang": AMOUNT_SLANG}), encoding="utf-8")
    old = Normalizer.from_json(path)
    assert old.version == "2"
    assert old.normalize("1000000 tahun 2000an covid19") == "100 tahun dua ratusan covidig"
    assert old.normalize("dapat 1000rb") == "dapat sepuluh ribu"
    assert old.normalize("17agustus 4nj1ng") == "itagustus anjing"


def test_content_words_leave_out_emoji_symbols_links_and_mentions() -> None:
    n = Normalizer(SLANG)
    texts = ["😡😡😡", "!!!! ...", "@a @b https://x.co/1", "ok 👍👍👍", "mulutmu sampah!!!", "gk bgt 2019 #banjir"]
    normed = n(texts)
    assert normed[0] == "😡 😡 😡"  # three tokens the length term counts, and no word among them
    assert content_word_counts(normed) == [0, 0, 0, 1, 2, 4]


def test_content_words_of_scripts_written_without_spaces() -> None:
    # a sentence in Chinese is one token between its commas, but many words: a word per two characters
    normed = Normalizer(SLANG)(["这个疫苗里面有芯片，大家快转发", "好"])
    assert normed[0] == "这个疫苗里面有芯片 , 大家快转发"
    assert content_word_counts(normed) == [5 + 3, 1]
