"""The claim memory: rating table, ClaimReview import (good and malformed), storage, retrieval, scores."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np
import pytest

from model.claims import (
    BM25,
    BUILTIN_SLANG,
    Claim,
    ClaimEncoder,
    ClaimImportError,
    ClaimIndex,
    ClaimStore,
    DateError,
    ImportDefaults,
    MatchParams,
    ParaphraseGroup,
    apply_claim_matches,
    calibrate,
    canonical_amounts,
    claim_from_feedback,
    claim_stance,
    light_stem,
    matching_pr,
    normalise_verdict,
    parse_claim_file,
    parse_date,
    read_paraphrases,
    refutation_cues,
)
from model.examples import DataError

REPO = Path(__file__).resolve().parents[2]


class NgramEmbedder:
    """A deterministic stand-in for e5: hashed character trigrams of the lower-cased text, L2-normalised.
    Rewordings that share words get high cosines, as with a real encoder (only cruder)."""

    name = "ngram-test"

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim
        self.calls = 0
        self.texts = 0

    def encode(self, texts: list[str], prefix: str = "query: ") -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            t = f" {t.lower()} "
            for j in range(len(t) - 2):
                h = int(hashlib.md5(t[j : j + 3].encode()).hexdigest()[:8], 16) % self.dim
                out[i, h] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


# Parameters for the n-gram stand-in (half dense, half lexical). Tests that check ranking use these, so
# they do not depend on the defaults calibrated for e5.
TEST_PARAMS = MatchParams(
    dense_weight=0.5, threshold=0.45, platt_a=12.0, platt_b=-6.0, claim_prefix="passage: ", encoder="ngram-test"
)

VAKSIN = {
    "@type": "ClaimReview",
    "claimReviewed": "Vaksin COVID-19 mengandung chip pelacak",
    "reviewRating": {"@type": "Rating", "alternateName": "[SALAH]", "ratingValue": 1, "bestRating": 5},
    "author": {"@type": "Organization", "name": "turnbackhoax.id"},
    "url": "https://turnbackhoax.id/2021/05/01/salah-vaksin-chip",
    "datePublished": "2021-05-01T10:00:00+07:00",
    "inLanguage": "id",
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "akun facebook"},
        "appearance": [{"@type": "CreativeWork", "url": "https://facebook.com/x/1"}],
    },
}
SIRSAK = {
    "claim": "Air rebusan daun sirsak menyembuhkan kanker dalam dua minggu",
    "rating": "HOAKS",
    "publisher": "cekfakta.com",
    "url": "https://cekfakta.com/sirsak",
    "date": "2022-03-04",
}
TELUR = {
    "claim": "Telur palsu berbahan plastik beredar di pasar tradisional",
    "rating": "Disinformasi",
    "publisher": "Kominfo",
    "date": "2019-01-10",
}
BERAS_TRUE = {
    "claim": "Pemerintah menyalurkan bantuan beras 10 kilogram untuk keluarga penerima manfaat",
    "rating": "BENAR",
    "publisher": "cekfakta.com",
}
MERAPI = {
    "claim": "Gunung Merapi akan meletus besar besok pagi sehingga warga Yogyakarta harus mengungsi",
    "rating": "Tidak Terbukti",
    "publisher": "tempo.co",
}


@pytest.fixture
def index(tmp_path: Path) -> ClaimIndex:
    idx = ClaimIndex.open(tmp_path / "claims.sqlite", NgramEmbedder(), params=TEST_PARAMS)
    idx.import_records([VAKSIN, SIRSAK, TELUR, BERAS_TRUE, MERAPI])
    return idx


# ---------------------------------------------------------------------------------------------------------
# rating table
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rating", "verdict"),
    [
        ("SALAH", "false"),
        ("[HOAKS]", "false"),
        ("Hoax", "false"),
        ("DISINFORMASI", "false"),
        ("MISINFORMASI", "false"),
        ("FITNAH", "false"),
        ("Keliru", "false"),
        ("[SALAH] Video lama diunggah ulang", "false"),
        ("Tidak benar", "false"),
        ("Pants on Fire", "false"),
        ("False", "false"),
        ("MENYESATKAN", "misleading"),
        ("Konten yang Menyesatkan", "misleading"),
        ("SATIRE", "misleading"),
        ("Satire/Parodi", "misleading"),
        ("KLARIFIKASI", "misleading"),
        ("Sebagian Benar", "misleading"),
        ("Missing context", "misleading"),
        ("Partly false", "misleading"),
        ("BENAR", "true"),
        ("FAKTA", "true"),
        ("Mostly True", "true"),
        ("TIDAK TERBUKTI", "unproven"),
        ("Belum terbukti", "unproven"),
        ("Unproven", "unproven"),
    ],
)
def test_rating_table_covers_indonesian_and_english(rating: str, verdict: str) -> None:
    assert normalise_verdict(rating) == verdict


def test_unknown_or_contradictory_rating_is_unresolved() -> None:
    assert normalise_verdict("AGAK LAIN") is None
    assert normalise_verdict("benar dan salah") is None
    assert normalise_verdict("AGAK LAIN", {"agak lain": "misleading"}) == "misleading"


# ---------------------------------------------------------------------------------------------------------
# import
# ---------------------------------------------------------------------------------------------------------
def test_jsonld_graph_import_maps_every_field(tmp_path: Path) -> None:
    doc = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "name": "artikel"}, VAKSIN]}
    f = tmp_path / "page.jsonld"
    f.write_text(json.dumps(doc), encoding="utf-8")
    claims, bad, skipped = parse_claim_file(f)
    assert bad == [] and skipped == 1 and len(claims) == 1
    c = claims[0]
    assert (c.claim, c.rating, c.verdict, c.publisher) == (
        VAKSIN["claimReviewed"],
        "[SALAH]",
        "false",
        "turnbackhoax.id",
    )
    assert (c.url, c.date, c.language, c.source) == (VAKSIN["url"], "2021-05-01", "id", "import:page.jsonld")
    assert c.meta["claimant"] == "akun facebook" and c.meta["appearance"] == ["https://facebook.com/x/1"]


def test_fact_check_tools_api_shape_gives_one_claim_per_review(tmp_path: Path) -> None:
    api = {
        "claims": [
            {
                "text": "Minum air es setelah makan menyebabkan kanker",
                "claimant": "pesan berantai",
                "claimDate": "2020-01-01T00:00:00Z",
                "claimReview": [
                    {
                        "publisher": {"name": "Kompas", "site": "kompas.com"},
                        "url": "https://kompas.com/a",
                        "title": "Hoaks air es",
                        "reviewDate": "2020-02-01T00:00:00Z",
                        "textualRating": "Hoaks",
                        "languageCode": "id",
                    },
                    {
                        "publisher": {"site": "liputan6.com"},
                        "url": "https://liputan6.com/b",
                        "textualRating": "Salah",
                        "languageCode": "id",
                    },
                ],
            }
        ],
        "nextPageToken": "abc",
    }
    f = tmp_path / "api.json"
    f.write_text(json.dumps(api), encoding="utf-8")
    claims, bad, _ = parse_claim_file(f)
    assert bad == []
    assert [(c.publisher, c.verdict, c.date) for c in claims] == [
        ("Kompas", "false", "2020-02-01"),
        ("liputan6.com", "false", None),
    ]
    assert claims[0].id != claims[1].id


def test_jsonl_and_csv_with_column_mapping(tmp_path: Path) -> None:
    jl = tmp_path / "claims.jsonl"
    jl.write_text("\n".join(json.dumps(r) for r in (VAKSIN, SIRSAK)) + "\n\n", encoding="utf-8")
    claims, bad, _ = parse_claim_file(jl)
    assert bad == [] and len(claims) == 2
    csv_file = tmp_path / "claims.csv"
    csv_file.write_text(
        "judul,label,sumber,tautan,tanggal\n"
        "Telur palsu berbahan plastik beredar di pasar,SALAH,Mafindo,https://turnbackhoax.id/t,"
        "2019-01-10\n",
        encoding="utf-8",
    )
    claims, bad, _ = parse_claim_file(
        csv_file,
        columns={"claim": "judul", "rating": "label", "publisher": "sumber", "url": "tautan", "date": "tanggal"},
    )
    assert bad == [] and claims[0].publisher == "Mafindo" and claims[0].verdict == "false"
    with pytest.raises(DataError, match="the columns are"):
        parse_claim_file(csv_file, columns={"claim": "isi"})


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2021-05-01", "2021-05-01"),
        ("2021-05-01T10:00:00+07:00", "2021-05-01"),
        ("2021", "2021"),
        ("2021-05", "2021-05"),
        ("2021/5/1", "2021-05-01"),
        ("4 Desember 2026", "2026-12-04"),
        ("Kamis, 3 Des 2026 10.30 WIB", "2026-12-03"),
        ("Sabtu, 04 Agustus 2018 | 14:05 WIB", "2018-08-04"),
        ("Jum'at, 1 Nopember 2019", "2019-11-01"),
        ("4 Desember 2026 pukul 10:30", "2026-12-04"),
        ("December 4, 2026", "2026-12-04"),
        ("Dec. 4th, 2026", "2026-12-04"),
        ("  ", None),
    ],
)
def test_review_dates_as_fact_checkers_write_them(written: str, read: str | None) -> None:
    assert parse_date(written) == read


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("04/12/2026", "order of day and month cannot be known"),
        ("12-04-2026", "order of day and month cannot be known"),
        ("31 April 2026", "not a date that exists"),
        ("2021-02-30", "not a date that exists"),
        ("4 Foo 2026", "not a date format saring reads"),
    ],
)
def test_review_dates_that_cannot_be_read_say_why(written: str, why: str) -> None:
    with pytest.raises(DateError, match=why):
        parse_date(written)


def test_an_ambiguous_date_in_an_import_names_the_record_and_the_fix(tmp_path: Path) -> None:
    f = tmp_path / "feed.json"
    f.write_text(json.dumps([{**TELUR, "date": "04/12/2026"}, {**SIRSAK, "date": "4 Desember 2026"}]), encoding="utf-8")
    idx = ClaimIndex.open(tmp_path / "c.sqlite", NgramEmbedder(), params=TEST_PARAMS)
    with pytest.raises(ClaimImportError) as info:
        idx.import_file(f)
    (bad,) = info.value.bad
    assert (bad.index, bad.field) == (1, "date") and "04/12/2026" in bad.found
    assert "cannot be known" in bad.reason and "4 Desember 2026" in bad.fix
    report = idx.import_file(f, partial=True)
    assert report.added == 1 and [c.date for c in idx.store.list_claims()] == ["2026-12-04"]


def test_malformed_records_are_reported_and_nothing_is_imported(tmp_path: Path) -> None:
    records = [
        VAKSIN,
        {**VAKSIN, "claimReviewed": "", "url": "https://x.id/1"},  # empty claim
        {**VAKSIN, "reviewRating": {"@type": "Rating", "ratingValue": 1}, "url": "https://x.id/2"},  # number only
        {**SIRSAK, "rating": "AGAK LAIN"},  # unknown rating
        {**TELUR, "date": "kemarin sore"},  # not a date
        {**TELUR, "url": "turnbackhoax.id/x"},  # not a URL
        {**BERAS_TRUE, "publisher": None},  # no publisher
        "just a string",  # not an object
        {**SIRSAK, "claim": "Air rebusan \ud800 sirsak menyembuhkan kanker"},  # a lone surrogate: not text
        {**TELUR, "publisher": "Kominfo\x00"},  # a NUL the API's claims route refuses too
    ]
    f = tmp_path / "feed.json"
    f.write_text(json.dumps(records), encoding="utf-8")
    idx = ClaimIndex.open(tmp_path / "c.sqlite", NgramEmbedder(), params=TEST_PARAMS)
    with pytest.raises(ClaimImportError) as info:
        idx.import_file(f)
    bad = {b.index: b for b in info.value.bad}
    assert sorted(bad) == [2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert bad[9].field == "claim" and "unpaired surrogate U+D800" in bad[9].reason
    assert bad[10].field == "publisher" and "control character U+0000" in bad[10].reason
    assert bad[2].field == "claimReviewed" and "missing or empty" in bad[2].reason
    assert bad[3].field == "reviewRating.alternateName" and "only a number" in bad[3].reason
    assert bad[4].field == "rating" and "--rating" in bad[4].fix and "AGAK LAIN" in bad[4].found
    assert bad[5].field == "date" and "YYYY-MM-DD" in bad[5].fix
    assert bad[6].field == "url" and bad[7].field == "publisher" and bad[8].field == "(record)"
    assert "nothing was imported" in str(info.value) and "--partial" in str(info.value)
    assert len(idx) == 0 and idx.store.count() == 0


def test_partial_import_keeps_the_good_records_and_reports_the_bad(tmp_path: Path) -> None:
    f = tmp_path / "feed.jsonl"
    f.write_text(
        "\n".join([json.dumps(VAKSIN), "{not json", json.dumps({**SIRSAK, "rating": "AGAK LAIN"}), json.dumps(TELUR)]),
        encoding="utf-8",
    )
    idx = ClaimIndex.open(tmp_path / "c.sqlite", NgramEmbedder(), params=TEST_PARAMS)
    report = idx.import_file(f, partial=True)
    assert (report.added, report.total) == (2, 4)
    assert [(b.unit, b.index, b.field) for b in report.bad] == [("line", 2, "(line)"), ("line", 3, "rating")]
    assert len(idx) == 2


def test_reimport_is_idempotent_and_updates_replace(tmp_path: Path) -> None:
    emb = NgramEmbedder()
    idx = ClaimIndex.open(tmp_path / "c.sqlite", emb, params=TEST_PARAMS)
    assert idx.import_records([VAKSIN, SIRSAK]).added == 2
    texts_embedded = emb.texts
    again = idx.import_records([VAKSIN, SIRSAK])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert emb.texts == texts_embedded  # unchanged claims are not embedded again
    changed = idx.import_records({**SIRSAK, "rating": "MENYESATKAN"})
    assert changed.updated == 1
    assert idx.get(changed.ids[0]).verdict == "misleading"  # type: ignore[union-attr]


def test_conflicting_records_with_one_id_are_refused(tmp_path: Path) -> None:
    idx = ClaimIndex.open(tmp_path / "c.sqlite", NgramEmbedder(), params=TEST_PARAMS)
    with pytest.raises(ClaimImportError, match="different content"):
        idx.import_records([{**SIRSAK, "id": "k1"}, {**TELUR, "id": "k1"}])
    report = idx.import_records([{**SIRSAK, "id": "k1"}, {**SIRSAK, "id": "k1"}])
    assert (report.added, report.duplicates) == (1, 1)


def test_file_level_errors_say_how_to_fix(tmp_path: Path) -> None:
    f = tmp_path / "lines.json"
    f.write_text(json.dumps(VAKSIN) + "\n" + json.dumps(SIRSAK) + "\n", encoding="utf-8")
    assert len(parse_claim_file(f)[0]) == 2  # .json holds JSON lines or one document (model.readers)
    with pytest.raises(DataError, match="--format jsonl"):
        parse_claim_file(f, "json")
    assert len(parse_claim_file(f, "jsonl")[0]) == 2
    with pytest.raises(DataError, match="--format"):
        parse_claim_file(tmp_path / "claims.xml")
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    with pytest.raises(DataError, match="no claims found"):
        ClaimIndex.open(tmp_path / "c.sqlite", None).import_file(empty)


def test_defaults_fill_publisher_and_language(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_text("claim,rating\nBeras plastik beredar di pasar,HOAKS\n", encoding="utf-8")
    claims, bad, _ = parse_claim_file(f, defaults=ImportDefaults(publisher="Mafindo", language="id"))
    assert bad == [] and (claims[0].publisher, claims[0].language) == ("Mafindo", "id")


# ---------------------------------------------------------------------------------------------------------
# storage
# ---------------------------------------------------------------------------------------------------------
def test_store_survives_a_restart_without_reembedding(index: ClaimIndex) -> None:
    before = index.match(["SEBARKAN!! vaksin covid ada chip pelacaknya, jgn mau disuntik"])
    emb = NgramEmbedder()
    reopened = ClaimIndex.open(index.path, emb, params=TEST_PARAMS)
    assert len(reopened) == 5
    assert emb.texts == 0  # the stored embeddings were used
    assert reopened.match(["SEBARKAN!! vaksin covid ada chip pelacaknya, jgn mau disuntik"]) == before
    assert before[0] and before[0][0]["publisher"] == "turnbackhoax.id"


def test_a_write_by_another_process_is_seen_within_the_staleness_window(index: ClaimIndex) -> None:
    now = [time.monotonic()]
    index._clock = lambda: now[0]
    other = ClaimIndex.open(index.path, NgramEmbedder(), params=TEST_PARAMS)
    text = "Kata BMKG nanti malam jam 2 ada gempa susulan yang lebih kuat"
    assert index.match([text]) == [[]]
    other.import_records(
        {
            "claim": "BMKG menyebut gempa susulan yang lebih besar akan terjadi nanti malam pukul 02.00",
            "rating": "HOAKS",
            "publisher": "BMKG",
        }
    )
    now[0] += index.max_staleness_s / 2  # reads within the window use the snapshot, without opening SQLite
    assert index.match([text]) == [[]]
    now[0] += index.max_staleness_s
    assert [m["publisher"] for m in index.match([text])[0]] == ["BMKG"]


def test_own_writes_are_seen_at_once_and_staleness_zero_checks_every_read(index: ClaimIndex) -> None:
    index._clock = lambda: 100.0  # the clock never moves: only the writes' own refresh can show them
    text = "Kata BMKG nanti malam jam 2 ada gempa susulan yang lebih kuat"
    claim = {"claim": "BMKG menyebut gempa susulan yang lebih besar akan terjadi nanti malam pukul 02.00"}
    index.import_records({**claim, "rating": "HOAKS", "publisher": "BMKG", "id": "own-1"})
    assert [m["publisher"] for m in index.match([text])[0]] == ["BMKG"]
    eager = ClaimIndex.open(index.path, NgramEmbedder(), params=TEST_PARAMS, max_staleness_s=0)
    eager._clock = lambda: 100.0
    assert index.remove(["own-1"]) == 1
    assert eager.match([text]) == [[]] and index.match([text]) == [[]]


def test_a_failed_embedding_leaves_the_store_unchanged(index: ClaimIndex) -> None:
    class Broken(NgramEmbedder):
        def encode(self, texts: list[str], prefix: str = "query: ") -> np.ndarray:
            raise RuntimeError("out of memory")

    broken = ClaimIndex.open(index.path, Broken(), params=TEST_PARAMS)
    with pytest.raises(RuntimeError):
        broken.import_records({"claim": "Sinyal 5G menyebabkan burung mati", "rating": "SALAH", "publisher": "x"})
    assert index.store.count() == 5


def test_another_encoder_reembeds_the_stored_claims(index: ClaimIndex) -> None:
    class Other(NgramEmbedder):
        name = "other-encoder"

    emb = Other(dim=128)
    reopened = ClaimIndex.open(index.path, emb, params=TEST_PARAMS)
    assert emb.texts == 5 and len(reopened) == 5
    assert reopened.match(["daun sirsak direbus trus airnya diminum, kanker ilang dlm 2 minggu"])[0]


def test_store_rejects_a_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="directory"):
        ClaimStore(tmp_path)


# ---------------------------------------------------------------------------------------------------------
# retrieval
# ---------------------------------------------------------------------------------------------------------
def test_retrieval_finds_a_rewording_and_rejects_a_same_topic_claim(index: ClaimIndex) -> None:
    reworded = "daun sirsak direbus trus airnya diminum, kanker ilang dlm 2 minggu. dokter gk mau kalian tau 😱"
    other_claim = "Daun sirsak beracun bagi ginjal kalau diminum setiap hari"
    unrelated = "Tim nasional menang dua gol tanpa balas tadi malam"
    found, rejected, nothing = index.match([reworded, other_claim, unrelated])
    assert [m["claim"] for m in found][:1] == [SIRSAK["claim"]]
    top = found[0]
    assert top["verdict"] == "false" and top["rating"] == "HOAKS" and top["url"] == SIRSAK["url"]
    assert top["similarity"] >= TEST_PARAMS.threshold and 0 < top["probability"] < 1 and top["stance"] == "repeats"
    assert rejected == [] and nothing == []
    # search ranks regardless of the threshold and says which are matches
    ranked = index.search(other_claim, top=3)
    assert ranked[0]["claim"] == SIRSAK["claim"] and ranked[0]["match"] is False
    assert [r["similarity"] for r in ranked] == sorted((r["similarity"] for r in ranked), reverse=True)


def test_matches_are_sorted_and_limited(index: ClaimIndex) -> None:
    res = index.match(["vaksin covid chip pelacak telur palsu plastik pasar daun sirsak kanker"], top=2, threshold=0.0)
    assert len(res[0]) == 2
    assert res[0][0]["similarity"] >= res[0][1]["similarity"]


def test_lexical_only_index_works_without_an_embedder(tmp_path: Path) -> None:
    idx = ClaimIndex.open(tmp_path / "c.sqlite", None)
    idx.import_records([SIRSAK, TELUR])
    found = idx.match(["Minum rebusan daun sirsak tiap hari, kanker bisa sembuh cuma dalam 2 minggu!"])[0]
    assert found and found[0]["claim"] == SIRSAK["claim"] and found[0]["dense"] == 0.0
    assert idx.match(["Harga telur ayam naik di pasar"]) == [[]]


def test_empty_store_returns_no_matches(tmp_path: Path) -> None:
    idx = ClaimIndex.open(tmp_path / "c.sqlite", NgramEmbedder(), params=TEST_PARAMS)
    assert idx.match(["apa saja", "dua"]) == [[], []]
    assert idx.match([]) == []
    assert idx.search("apa saja") == []


def test_list_claims_pages_newest_first_and_filters_by_verdict(tmp_path: Path) -> None:
    idx = ClaimIndex.open(tmp_path / "c.sqlite", None)
    idx.import_records([VAKSIN, SIRSAK, TELUR, BERAS_TRUE, MERAPI])
    listed = idx.list_claims()
    assert len(listed) == 5 and listed == idx.store.list_claims()
    assert [c.claim for c in listed[:3]] == [SIRSAK["claim"], VAKSIN["claimReviewed"], TELUR["claim"]]  # newest first
    assert [c.claim for c in idx.list_claims(limit=2, offset=1)] == [VAKSIN["claimReviewed"], TELUR["claim"]]
    assert [c.claim for c in idx.list_claims(verdict="true")] == [BERAS_TRUE["claim"]]
    assert not hasattr(ClaimIndex, "list") and not hasattr(ClaimStore, "list")  # no method shadows the builtin


def test_bm25_coverage_ignores_extra_query_words() -> None:
    bm = BM25([["vaksin", "chip", "lacak"], ["telur", "palsu", "plastik"]])
    cov = bm.coverage([["vaksin", "chip", "lacak", "sebar", "grup"], ["vaksin"], []])
    assert cov[0, 0] == pytest.approx(1.0) and cov[0, 1] == 0.0
    assert 0 < cov[1, 0] < 1 and cov[2].sum() == 0.0


def test_tokens_stem_slang_and_amounts() -> None:
    enc = ClaimEncoder()
    assert light_stem("menyembuhkan") == light_stem("sembuh") == "sembuh"
    assert light_stem("dibantah") == light_stem("membantah") == "bantah"
    for a, b in [("Rp 3,5 juta", "3,5jt"), ("RP3.500.000", "3,5 juta"), ("lima ratus ribu", "500rb")]:
        assert canonical_amounts(a).split() == canonical_amounts(b).split()
    assert enc.tokens("Bansos Rp 3,5 juta, gk usah bayar, covid-19") == [
        "bantu",
        "sosial",
        "3500000",
        "tidak",
        "usah",
        "bayar",
        "covid",
        "19",
    ]
    assert "gk" in BUILTIN_SLANG


# ---------------------------------------------------------------------------------------------------------
# effect on scores
# ---------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def scorer(tiny_baseline_dir: Path):
    from model.scorer import Scorer

    return Scorer(tiny_baseline_dir)


def test_a_strong_match_to_a_false_claim_raises_hoax_and_cites_it(index: ClaimIndex, scorer) -> None:
    text = "daun sirsak direbus trus airnya diminum, kanker ilang dlm 2 minggu. SEBARKAN!!"
    scored = scorer.score([text])[0]
    matches = index.match([text])[0]
    assert matches and matches[0]["verdict"] == "false"
    out = apply_claim_matches(scored, text, matches, scorer.thresholds)
    p = matches[0]["probability"]
    assert out.scores["hoax"] == pytest.approx(max(scored.scores["hoax"], p))
    assert out.decisions["hoax"] == scorer.thresholds["hoax"].decide(out.scores["hoax"])
    warn = next(w for w in out.warnings if w.code == "KNOWN_FALSE_CLAIM")
    assert "cekfakta.com" in warn.message and SIRSAK["url"] in warn.message and "HOAKS" in warn.message
    assert scored.warnings == [w for w in scored.warnings if w.code != "KNOWN_FALSE_CLAIM"]  # input untouched


def test_a_text_refuting_the_claim_is_not_raised(index: ClaimIndex, scorer) -> None:
    text = (
        "Cek fakta: kabar bahwa air rebusan daun sirsak menyembuhkan kanker dalam dua minggu adalah hoaks. "
        "Jangan percaya, faktanya belum ada uji klinis."
    )
    scored = scorer.score([text])[0]
    matches = index.match([text])[0]
    assert matches and matches[0]["claim"] == SIRSAK["claim"] and matches[0]["stance"] == "refutes"
    out = apply_claim_matches(scored, text, matches, scorer.thresholds)
    assert out.scores == scored.scores and out.decision == scored.decision
    warn = next(w for w in out.warnings if w.code == "REFUTES_KNOWN_CLAIM")
    assert "refute" in warn.message and "hoaks" in (warn.words or [])
    assert not any(w.code == "KNOWN_FALSE_CLAIM" for w in out.warnings)


def test_true_and_unproven_claims_do_not_raise(index: ClaimIndex, scorer) -> None:
    for text, code in [
        ("Pemerintah menyalurkan bantuan beras 10 kilogram untuk keluarga penerima manfaat bulan ini", None),
        ("Besok pagi Gunung Merapi akan meletus besar, warga Yogyakarta harus mengungsi", "UNPROVEN_CLAIM"),
    ]:
        scored = scorer.score([text])[0]
        matches = index.match([text])[0]
        assert matches, text
        out = apply_claim_matches(scored, text, matches, scorer.thresholds)
        assert out.scores == scored.scores
        codes = [w.code for w in out.warnings if w.code not in {w0.code for w0 in scored.warnings}]
        assert codes == ([code] if code else [])


def test_stance_cues_tell_repeating_refuting_and_asking_apart() -> None:
    assert refutation_cues("Ini BUKAN HOAX!!! vaksin ada chipnya, sebarkan") == []
    assert claim_stance("Ini BUKAN HOAX!!! vaksin ada chipnya, sebarkan") == "repeats"
    assert "tidak benar" in refutation_cues("Kabar vaksin berisi chip itu tdk benar, sudah dibantah")
    assert claim_stance("[HOAX] vaksin mengandung chip") == "refutes"
    assert claim_stance("vaksin ada chipnya, ini hoax gak sih? bener gak?") == "asks"
    assert claim_stance("Apa benar vaksin covid mengandung chip pelacak?") == "asks"
    assert claim_stance("Katanya vaksin ada chipnya, kok sinyalku masih jelek 😂 #becanda") == "jokes"
    assert claim_stance("Itu hoaks ya, vaksin tidak mengandung chip") == "refutes"


def test_a_marked_joke_is_not_raised(index: ClaimIndex, scorer) -> None:
    text = (
        "Katanya air rebusan daun sirsak menyembuhkan kanker dalam dua minggu. Pohon sirsak tetangga dijaga "
        "satpam 😂 #becanda"
    )
    scored = scorer.score([text])[0]
    matches = index.match([text])[0]
    assert matches and matches[0]["stance"] == "jokes"
    out = apply_claim_matches(scored, text, matches, scorer.thresholds)
    assert out.scores == scored.scores
    assert any(w.code == "JOKES_ABOUT_KNOWN_CLAIM" for w in out.warnings)


def test_a_question_about_the_claim_gets_the_verdict_not_a_raise(index: ClaimIndex, scorer) -> None:
    text = "Apa benar air rebusan daun sirsak menyembuhkan kanker dalam dua minggu? mohon infonya"
    scored = scorer.score([text])[0]
    matches = index.match([text])[0]
    assert matches and matches[0]["stance"] == "asks"
    out = apply_claim_matches(scored, text, matches, scorer.thresholds)
    assert out.scores == scored.scores
    assert "HOAKS" in next(w for w in out.warnings if w.code == "ASKS_ABOUT_KNOWN_CLAIM").message


def test_claim_from_feedback_round_trip(tmp_path: Path) -> None:
    text = "Telur palsu dari plastik sudah masuk pasar, jangan beli telur murah!!"
    c = claim_from_feedback(text, note="dikonfirmasi analis", model_version="m-1")
    assert (c.verdict, c.publisher, c.source) == ("false", "saring feedback", "feedback")
    assert c.meta == {"note": "dikonfirmasi analis", "model_version": "m-1"}
    assert claim_from_feedback(text).id == c.id
    idx = ClaimIndex.open(tmp_path / "c.sqlite", NgramEmbedder(), params=TEST_PARAMS)
    idx.add([c])
    assert idx.match(["awas telur palsu dari plastik masuk pasar, jgn beli telur murah"])[0][0]["claim_id"] == c.id
    with pytest.raises(ValueError, match="two words"):
        claim_from_feedback("hoaks")
    assert isinstance(c, Claim)


# ---------------------------------------------------------------------------------------------------------
# calibration
# ---------------------------------------------------------------------------------------------------------
def test_matching_pr_counts_wrong_claims_as_false_matches() -> None:
    best = np.array([0.9, 0.8, 0.7, 0.6])
    positive = np.array([True, True, True, False])
    correct = np.array([True, False, True, False])  # the second query matched the wrong claim
    r = matching_pr(best, correct, positive, 0.65)
    assert (r["tp"], r["fp"], r["precision"], r["recall"]) == (2, 1, 2 / 3, 2 / 3)
    assert r["precision_ci"][0] < 2 / 3 < r["precision_ci"][1]


def test_calibrate_chooses_parameters_on_calibration_groups() -> None:
    groups = [
        ParaphraseGroup(
            "a",
            "Vaksin COVID-19 mengandung chip pelacak",
            ["vaksin covid ada chip pelacaknya", "chip pelacak ada di vaksin covid"],
            ["vaksin covid menyebabkan mandul"],
            "calibration",
        ),
        ParaphraseGroup(
            "b",
            "Telur palsu dari plastik beredar di pasar",
            ["telor palsu plastik di pasar", "awas telur plastik palsu beredar di pasar"],
            ["harga telur naik di pasar"],
            "calibration",
        ),
        ParaphraseGroup(
            "c",
            "Air rebusan daun sirsak menyembuhkan kanker",
            ["rebusan daun sirsak sembuhkan kanker", "kanker sembuh dengan air daun sirsak"],
            ["daun sirsak beracun bagi ginjal"],
            "test",
        ),
    ]
    res = calibrate(NgramEmbedder(), groups, weights=[0.0, 0.5, 1.0])
    assert set(res["results"]) >= {"bm25", "dense", "combined"}
    params = res["params"]
    assert 0.0 <= params.dense_weight <= 1.0 and params.encoder == "ngram-test"
    assert params.claim_prefix in ("query: ", "passage: ")
    assert res["counts"]["rewordings"] == {"calibration": 4, "test": 2}
    lexical = calibrate(None, groups)
    assert set(lexical["results"]) == {"bm25"} and lexical["params"].dense_weight == 0.0


def test_the_paraphrase_set_is_well_formed() -> None:
    groups = read_paraphrases(REPO / "datasets" / "claims_paraphrases.jsonl")
    assert len(groups) >= 60
    assert all(len(g.paraphrases) >= 2 and len(g.negatives) >= 1 for g in groups)
    assert {g.split for g in groups} == {"calibration", "test"}
    texts = [t for g in groups for t in (g.claim, *g.paraphrases, *g.negatives)]
    assert len(set(texts)) == len(texts)


def test_works_with_the_real_embedder_class(tmp_path: Path) -> None:
    """The production Embedder on a tiny random BERT: the plumbing (prefixes, shapes, storage) works."""
    from model.encoder.embedder import Embedder
    from tests.tiny import make_tiny_encoder

    emb = Embedder(make_tiny_encoder(tmp_path / "tiny"), device="cpu")
    idx = ClaimIndex.open(tmp_path / "c.sqlite", emb, params=TEST_PARAMS)
    idx.import_records([SIRSAK, TELUR])
    res = idx.search("daun sirsak menyembuhkan kanker", top=2)
    assert len(res) == 2 and all(-1.0 <= r["dense"] <= 1.0 for r in res)
    assert ClaimIndex.open(tmp_path / "c.sqlite", emb, params=TEST_PARAMS).search("daun sirsak", top=1)


@pytest.mark.slow
def test_e5_matching_reaches_its_reported_precision() -> None:
    """With the real e5 encoder: the calibration reproduces, and precision on held-out groups is high."""
    from model.claims import default_embedder

    groups = read_paraphrases(REPO / "datasets" / "claims_paraphrases.jsonl")
    res = calibrate(default_embedder(), groups)
    test = res["results"]["combined"]["test"]
    assert test["precision"] >= 0.8 and test["recall"] >= 0.8


def test_store_written_before_sqlalchemy_still_opens(tmp_path: Path) -> None:
    """A claim store file written with the raw-sqlite3 schema (saring before the SQLAlchemy store) opens, reads
    and takes writes; a new store has the same tables and columns."""
    import sqlite3

    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.executescript("""
    CREATE TABLE IF NOT EXISTS claims (
        id TEXT PRIMARY KEY, claim TEXT NOT NULL, rating TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('false', 'misleading', 'true', 'unproven')),
        publisher TEXT NOT NULL, url TEXT, date TEXT, language TEXT, source TEXT NOT NULL DEFAULT '',
        meta TEXT NOT NULL DEFAULT '{}', added_at TEXT NOT NULL, updated_at TEXT NOT NULL, embedding BLOB,
        embed_key TEXT);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta VALUES ('schema_version', '1'), ('generation', '3');
    INSERT INTO claims VALUES ('old-1', 'Vaksin mengandung chip pelacak', 'SALAH', 'false', 'Mafindo', NULL,
        '2021-05-01', 'id', 'import:old.json', '{}', '2021-05-02T00:00:00Z', '2021-05-02T00:00:00Z', NULL, NULL);
    """)
    con.commit()
    con.close()

    store = ClaimStore(path)
    assert store.generation() == 3 and store.count() == 1
    assert store.get("old-1").claim == "Vaksin mengandung chip pelacak"
    idx = ClaimIndex(store, None)
    assert idx.match(["katanya vaksin mengandung chip pelacak"])[0][0]["claim_id"] == "old-1"
    report = idx.import_records([{**SIRSAK, "id": "new-1"}])
    assert report.added == 1 and store.generation() == 4 and len(idx) == 2
    assert idx.remove(["old-1"]) == 1 and store.generation() == 5

    def columns(db: Path) -> dict[str, list[tuple]]:
        c = sqlite3.connect(db)
        try:
            return {t: [r[1:] for r in c.execute(f"PRAGMA table_info({t})")] for t in ("claims", "meta")}
        finally:
            c.close()

    ClaimStore(tmp_path / "new.sqlite")
    assert columns(tmp_path / "new.sqlite") == columns(path)
    with pytest.raises(Exception, match="CHECK constraint"):
        c = sqlite3.connect(tmp_path / "new.sqlite")
        c.execute(
            "INSERT INTO claims (id, claim, rating, verdict, publisher, added_at, updated_at) "
            "VALUES ('x', 'a b', 'r', 'maybe', 'p', 't', 't')"
        )


def test_use_normalizer_reads_posts_and_claims_with_the_new_slang_table(tmp_path: Path) -> None:
    from model.normalize import Normalizer

    idx = ClaimIndex.open(tmp_path / "c.sqlite", None)
    idx.import_records([SIRSAK])
    post = "air rbsn dn sirsk nyembuhin kankr"
    assert idx.match([post]) == [[]]
    same = Normalizer(dict(idx.normalizer.slang))
    assert idx.use_normalizer(same) is False  # nothing to rebuild
    slang = {"sirsk": "sirsak", "kankr": "kanker", "rbsn": "rebusan", "dn": "daun", "nyembuhin": "menyembuhkan"}
    assert idx.use_normalizer(Normalizer(slang)) is True
    assert [m["claim_id"] for m in idx.match([post])[0]] == [idx.list_claims()[0].id]


def test_parquet_claims_read_as_their_csv_export(tmp_path: Path) -> None:
    # Parquet keeps types a CSV flattens: a review date as a timestamp, a number as a float, URLs as a list.
    # model.readers reads the table (the project's one Parquet reader); each value is the text a CSV export holds.
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "judul": ["Telur palsu berbahan plastik beredar di pasar", "Air rebusan daun sirsak sembuhkan kanker"],
            "label": ["SALAH", "HOAKS"],
            "publisher": ["Mafindo", "Mafindo"],
            "url": ["https://turnbackhoax.id/t", "https://turnbackhoax.id/s"],
            "tanggal": [dt.datetime(2019, 1, 10), None],
            "skor": [1.0, 2.0],
            "appearance": [["https://contoh.id/a", "https://contoh.id/b"], None],
        }
    )
    path = tmp_path / "claims.parquet"
    pq.write_table(table, path)
    claims, bad, _ = parse_claim_file(path, columns={"claim": "judul", "rating": "label", "date": "tanggal"})
    assert bad == [] and len(claims) == 2
    assert claims[0].date == "2019-01-10" and claims[1].date is None
    assert claims[0].meta["appearance"] == ["https://contoh.id/a", "https://contoh.id/b"]
    assert claims[0].origin == ("row", 1) and claims[0].verdict == "false"
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(DataError, match="expected an Apache Parquet table"):
        parse_claim_file(broken)
