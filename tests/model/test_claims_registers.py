"""Claim matching in the registers people post in (issue 10, item 7): slang and abbreviations, symbols,
amounts written in many ways, regional words, claims inside longer chatty posts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.claims import (
    CLAIM_TEXT_VERSION,
    DEFAULT_PARAMS,
    LEXICAL_PARAMS,
    MAX_WINDOWS,
    ClaimEncoder,
    ClaimIndex,
    MatchParams,
    canonical_amounts,
    claim_stance,
    read_paraphrases,
    text_windows,
)

REPO = Path(__file__).resolve().parents[2]


def _review(claim: str, rating: str, publisher: str, url: str, date: str) -> dict:
    return {
        "@type": "ClaimReview",
        "claimReviewed": claim,
        "reviewRating": {"@type": "Rating", "alternateName": rating},
        "author": {"@type": "Organization", "name": publisher},
        "url": url,
        "datePublished": date,
        "inLanguage": "id",
    }


# Five fact-checked claims, as a ClaimReview JSON-LD feed would carry them.
FEED = {
    "@context": "https://schema.org",
    "@graph": [
        _review(
            "Vaksin COVID-19 mengandung microchip untuk melacak penduduk",
            "[SALAH]",
            "turnbackhoax.id",
            "https://example.org/cek/vaksin-microchip",
            "2021-06-02",
        ),
        _review(
            "Pemerintah membagikan bantuan tunai Rp 500.000 untuk setiap pemilik KTP",
            "[HOAKS]",
            "Kominfo",
            "https://example.org/cek/bantuan-ktp",
            "2022-08-15",
        ),
        _review(
            "Air rebusan daun sirsak menyembuhkan kanker dalam dua minggu",
            "Keliru",
            "cekfakta.com",
            "https://example.org/cek/sirsak",
            "2022-03-04",
        ),
        _review(
            "Telur palsu berbahan plastik beredar di pasar tradisional",
            "DISINFORMASI",
            "Kominfo",
            "https://example.org/cek/telur",
            "2019-01-10",
        ),
        _review(
            "BMKG memprediksi gempa magnitudo 9 akan mengguncang Jakarta minggu depan",
            "[HOAKS]",
            "turnbackhoax.id",
            "https://example.org/cek/gempa",
            "2020-11-20",
        ),
    ],
}
VAKSIN, BANSOS = FEED["@graph"][0]["claimReviewed"], FEED["@graph"][1]["claimReviewed"]

# The two kinds of rewording the issue reports as missed, and two more of the same register.
SLANG_WARNING = (
    "woy jgn mau divaksin!! vaksin = chip yg bs lacak kita. bahaya bgt utk anak2 krn chipnya nempel "
    "sm badan, sebarin dr skrg"
)
FRIENDLY_OFFER = (
    "Hai kak 😊 ada bantuan dr pemerintah {amount} per KTP lho, lumayan bgt, cuma modal KTP aja langsung cair"
)
COLLOQUIAL = [
    (SLANG_WARNING, VAKSIN),
    (FRIENDLY_OFFER.format(amount="500rb"), BANSOS),
    ("bun ada bansos lima ratus ribu tiap KTP, daftar aja ya mumpung msh buka", BANSOS),
    (
        "Td aku ketemu tetangga di warung. Katanya dia udh ambil. Pemerintah bagi2 duit 0,5 jt utk tiap pemegang "
        "KTP, yuk buruan sblm tutup. Aku mau ke kelurahan abis ini, mau bareng?",
        BANSOS,
    ),
]
AMOUNTS = ["500rb", "Rp 500.000", "lima ratus ribu", "0,5 jt", "setengah juta", "500k", "Rp500.000,-"]
NOT_THESE = [
    "pemerintah bagiin beras 10 kg tiap KK, bukan duit ya",
    "KTP yg ilang skrg bisa diurus online tanpa biaya",
    "vaksin booster bikin demam sehari doang, santai aja",
]


@pytest.fixture
def lexical_index(tmp_path: Path) -> ClaimIndex:
    feed = tmp_path / "feed.jsonld"
    feed.write_text(json.dumps(FEED, ensure_ascii=False), encoding="utf-8")
    idx = ClaimIndex.open(tmp_path / "claims.sqlite", None)
    report = idx.import_file(feed)
    assert report.added == 5
    return idx


def _best(idx: ClaimIndex, text: str) -> dict:
    return idx.search(text, top=1)[0]


@pytest.mark.parametrize(("text", "claim"), COLLOQUIAL)
def test_colloquial_rewordings_match_with_bm25_only(lexical_index: ClaimIndex, text: str, claim: str) -> None:
    best = _best(lexical_index, text)
    assert best["claim"] == claim and best["match"], best
    assert best["stance"] == "repeats"


@pytest.mark.parametrize("amount", AMOUNTS)
def test_every_way_of_writing_the_amount_matches(lexical_index: ClaimIndex, amount: str) -> None:
    best = _best(lexical_index, FRIENDLY_OFFER.format(amount=amount))
    assert best["claim"] == BANSOS and best["match"], best


def test_same_topic_posts_that_claim_something_else_do_not_match(lexical_index: ClaimIndex) -> None:
    assert lexical_index.match(NOT_THESE) == [[] for _ in NOT_THESE]


def test_a_colloquial_debunk_matches_but_refutes() -> None:
    text = "hoax gaes, gk ada bantuan 500rb per KTP, itu modus nyolong data KTP kalian"
    assert claim_stance(text) == "refutes"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Rp 500.000", "500rb"),
        ("lima ratus ribu", "0,5 jt"),
        ("setengah juta", "500k"),
        ("Rp500.000,-", "500 ribu rupiah"),
        ("satu koma delapan juta", "1,8jt"),
        ("Rp 1.800.000", "1.8 jt"),
        ("dua setengah juta", "2,5 jt"),
        ("tujuh ratus lima puluh ribu", "750k"),
        ("sejuta", "Rp 1.000.000"),
        ("600 ewu", "600rb"),
        ("seribu", "Rp1.000"),
    ],
)
def test_amounts_are_written_one_way(a: str, b: str) -> None:
    assert canonical_amounts(a).split() == canonical_amounts(b).split()
    assert canonical_amounts(a).split()[0].isdigit()


def test_plain_numbers_and_other_units_are_left_alone() -> None:
    assert canonical_amounts("2 minggu, 72 jam, tahun 2030, 100 GB").split() == [
        "2",
        "minggu,",
        "72",
        "jam,",
        "tahun",
        "2030,",
        "100",
        "gb",
    ]
    assert canonical_amounts("setengah jam") == "setengah jam"


def test_claim_and_post_are_normalised_the_same_way() -> None:
    enc = ClaimEncoder()
    post = enc.normalize("vaksin = chip yg bs lacak, 500rb/KTP & gratis")
    assert post == "vaksin adalah chip yang bisa lacak , 500000 per ktp dan gratis"
    assert "chip" in enc.tokens("Vaksin mengandung microchip") and "ponsel" in enc.tokens("HP kamu disadap")
    assert enc.tokens("ojo gelem booster") == enc.tokens("jangan mau booster")
    assert enc.normalize("durian + soda -> mati") == "durian dan soda menyebabkan mati"


def test_long_posts_are_also_read_sentence_by_sentence() -> None:
    short = "vaksin covid ada chipnya"
    assert text_windows(short) == []
    long = (
        "Td aku ketemu tetangga di warung. Katanya dia udh ambil. Pemerintah bagi2 duit 0,5 jt utk tiap "
        "pemegang KTP. Aku mau ke kelurahan abis ini."
    )
    wins = text_windows(long)
    assert "Pemerintah bagi2 duit 0,5 jt utk tiap pemegang KTP." in wins
    assert any(w.startswith("Katanya dia udh ambil. Pemerintah") for w in wins)
    very_long = " ".join(f"Ini kalimat nomor {i} dari cerita yang panjang." for i in range(200))
    assert 0 < len(text_windows(very_long)) <= MAX_WINDOWS  # the cost of a long post stays bounded


def test_parameters_saved_for_another_text_version_are_not_used(tmp_path: Path) -> None:
    class Fake:
        name = DEFAULT_PARAMS.encoder

        def encode(self, texts: list[str], prefix: str = "query: ") -> object:
            import numpy as np

            return np.ones((len(texts), 4), dtype=np.float32)

    idx = ClaimIndex.open(tmp_path / "c.sqlite", Fake())
    old = MatchParams(dense_weight=0.3, threshold=0.5367, platt_a=18.0, platt_b=-10.0, encoder=DEFAULT_PARAMS.encoder)
    idx.save_params(old)  # saved by a saring before the claim text version existed
    assert idx.params == DEFAULT_PARAMS
    current = MatchParams(
        dense_weight=0.5,
        threshold=0.7,
        platt_a=18.0,
        platt_b=-10.0,
        encoder=DEFAULT_PARAMS.encoder,
        text_version=CLAIM_TEXT_VERSION,
    )
    idx.save_params(current)
    assert idx.params == current
    assert DEFAULT_PARAMS.text_version == LEXICAL_PARAMS.text_version == CLAIM_TEXT_VERSION


def test_the_paraphrase_set_covers_the_registers() -> None:
    groups = read_paraphrases(REPO / "datasets" / "claims_paraphrases.jsonl")
    colloquial = [g for g in groups if g.register == "colloquial"]
    assert len(colloquial) >= 30
    assert {g.split for g in colloquial} == {"calibration", "test"}
    assert all(g.split == ("test" if int(g.id[1:]) % 3 == 0 else "calibration") for g in groups)
    texts = [t for g in colloquial for t in g.paraphrases]
    assert sum("=" in t for t in texts) >= 20 and sum("->" in t for t in texts) >= 15
    assert sum(len(t.split()) > 25 for t in texts) >= 25  # claims inside longer chatty posts
    debunks = [d for g in colloquial for d in g.debunks]
    assert len(debunks) >= len(colloquial)
    # the cue lists were not tuned on these; one held-out debunk ("... itu palsu, jangan diisi") has no cue
    assert sum(claim_stance(d) == "refutes" for d in debunks) >= 0.9 * len(debunks)


@pytest.mark.slow
def test_colloquial_rewordings_match_with_e5(tmp_path: Path) -> None:
    """The issue's case with the served set-up: e5, the calibrated defaults and the catalogue slang table."""
    from model.claims import default_embedder
    from model.claims.cli import _normalizer

    feed = tmp_path / "feed.jsonld"
    feed.write_text(json.dumps(FEED, ensure_ascii=False), encoding="utf-8")
    idx = ClaimIndex.open(tmp_path / "claims.sqlite", default_embedder(), normalizer=_normalizer())
    idx.import_file(feed)
    assert idx.params == DEFAULT_PARAMS
    for text, claim in [*COLLOQUIAL, *((FRIENDLY_OFFER.format(amount=a), BANSOS) for a in AMOUNTS)]:
        best = _best(idx, text)
        assert best["claim"] == claim and best["match"], (text, best)
    assert idx.match(NOT_THESE) == [[] for _ in NOT_THESE]
