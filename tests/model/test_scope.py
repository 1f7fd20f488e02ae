from __future__ import annotations

from model.normalize import Normalizer
from model.scope import NO_MARKS, scope_marks, scope_marks_all


def test_negation_marks_the_words_it_governs_until_the_clause_ends() -> None:
    assert scope_marks("saya tidak membenci orang batak . mereka baik") == "neg_membenci neg_orang neg_batak"
    assert scope_marks("tidak benci , cuma jijik sama mereka") == "neg_benci"
    assert scope_marks("bukan rasis tapi orang itu jorok") == "neg_rasis"
    assert scope_marks("tidak a b c d e f g", scope=3) == "neg_a neg_b neg_c"


def test_two_word_negations_and_regional_ones() -> None:
    assert scope_marks("mana ada orang jawa pelit") == "neg_ada neg_orang neg_jawa neg_pelit"
    assert scope_marks("siapa bilang umat hindu jahat") == "neg_bilang neg_umat neg_hindu neg_jahat"
    assert scope_marks("aku ora sengit karo wong madura") == "neg_sengit neg_karo neg_wong neg_madura"
    assert scope_marks("siapa datang tadi") == NO_MARKS  # "siapa" alone negates nothing


def test_quoted_words_are_marked_and_can_also_be_negated() -> None:
    text = 'kalau kamu bilang " orang papua harus diusir " , kamu yang salah'
    assert scope_marks(text) == "q_orang q_papua q_harus q_diusir"
    assert scope_marks("jangan bilang “ usir mereka ”") == "neg_bilang neg_usir q_usir neg_mereka q_mereka"


def test_texts_without_negation_or_quotes_have_one_placeholder_token() -> None:
    assert scope_marks("") == NO_MARKS
    assert scope_marks_all(["orang minang pelit semua", "harga beras naik"]) == [NO_MARKS, NO_MARKS]


def test_slang_negations_are_marked_once_normalised() -> None:
    """The lexical model reads normalised text, where "gak", "nggak", "ga" and "gk" are already "tidak"."""
    norm = Normalizer({"gak": "tidak", "gk": "tidak"})
    assert scope_marks(norm.normalize("Gue gak benci orang Ambon")) == "neg_benci neg_orang neg_ambon"
    assert scope_marks(norm.normalize("gk usah usir pendatang")).startswith("neg_usah neg_usir")
