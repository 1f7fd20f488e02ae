"""The report's 'Hoax evidence' section on the tiny model: news articles, held-out post genres (overall, per
genre, per kind) and claim matching, each with its interval. Every text here is written for the tests."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.data import EvalData
from eval.hoax import claim_matching_evidence
from eval.report import build_report, write_report
from model.examples import Example
from model.scorer import Scorer

POSTS = [  # (text, hoax, genre, kind)
    ("SEBARKAN!! gempa besar besok malam jam 2, BMKG sudah konfirmasi, segera mengungsi", 1, "bencana", "hoax_post"),
    ("ada tsunami susulan setinggi 20 meter nanti sore kata orang dalam, sebarkan", 1, "bencana", "hoax_post"),
    ("gunung akan meletus minggu depan, warga diminta pergi malam ini juga!!", 1, "bencana", "hoax_post"),
    ("BMKG menegaskan gempa tidak bisa diprediksi, pesan berantai soal gempa besok itu hoaks", 0, "bencana", "debunk"),
    ("benarkah ada tsunami susulan nanti sore? ada yang tahu sumbernya?", 0, "bencana", "question"),
    ("(candaan) gempa besok katanya cuma terjadi di hati mantan #becanda", 0, "bencana", "joke"),
    ("hujan deras sore ini, warga diminta waspada genangan di jalan utama", 0, "bencana", "news"),
    ("penculik anak pakai mobil ambulans berkeliaran di sekolah, sebarkan ke grup!!", 1, "kriminal", "hoax_post"),
    ("awas permen berisi obat bius dibagikan ke anak sekolah, sudah banyak korban", 1, "kriminal", "hoax_post"),
    ("sindikat organ culik warga di pasar malam, jangan keluar rumah", 1, "kriminal", "hoax_post"),
    ("polisi memastikan kabar penculikan pakai ambulans itu tidak benar, jangan disebar", 0, "kriminal", "debunk"),
    ("kata grup sebelah ada penculik di sekolah, ini beneran atau hoaks ya?", 0, "kriminal", "question"),
    ("becanda ya: penculik paling ditakuti adalah yang menculik cemilan saya #becanda", 0, "kriminal", "joke"),
    ("anak saya pulang sekolah dijemput neneknya seperti biasa, aman", 0, "kriminal", "personal"),
]
TRAIN_POST = ("daun sirsak direbus menyembuhkan kanker dalam tiga hari, dokter diam saja", 1, "kesehatan", "hoax_post")
ARTICLES = [  # (text, hoax)
    ("Beredar kabar bahwa masjid dikepung aparat saat aksi damai, namun foto itu diambil tahun lalu.", 1),
    ("Pesan berantai menyebut massa aksi dibubarkan paksa; kepolisian menyatakan acara berjalan tertib.", 1),
    ("Foto kerumunan yang disebut aksi hari ini ternyata foto acara lain di kota berbeda.", 1),
    ("Ribuan orang mengikuti aksi damai di pusat kota, panitia menyediakan air minum dan petugas kebersihan.", 0),
    ("Aksi berakhir siang hari, peserta membersihkan sampah sebelum pulang, kata koordinator lapangan.", 0),
    ("Pemerintah kota mengalihkan arus lalu lintas di sekitar lokasi aksi sejak pagi.", 0),
]


def _examples() -> list[Example]:
    out = []
    for i, (text, hoax, genre, kind) in enumerate(POSTS + [TRAIN_POST]):
        split = "train" if (text, hoax, genre, kind) == TRAIN_POST else "test"
        out.append(
            Example(
                text=text,
                labels={"hoax": hoax},
                source="saring_hoax_posts",
                id=f"p{i}",
                platform="whatsapp",
                group=f"saring_hoax_posts:topic{i % 4}",
                meta={"genre": genre, "kind": kind, "original_split": split},
            )
        )
    for i, (text, hoax) in enumerate(ARTICLES):
        out.append(
            Example(
                text=text,
                labels={"hoax": hoax},
                source="pratiwi_hoax_news",
                id=f"a{i}",
                group="pratiwi_hoax_news:05_aksi",
                meta={"original_split": None},
            )
        )
    out.append(Example(text="dasar bupati maling uang rakyat", labels={"slander": 1}, source="other", id="o1"))
    return out


def _paraphrases(path: Path) -> Path:
    groups = []
    for i, (claim, para, neg) in enumerate(
        [
            (
                "Gempa besar akan terjadi besok malam.",
                "besok malam bakal ada gempa gede!!",
                "Gempa kemarin merusak jalan.",
            ),
            (
                "Vaksin mengandung chip pelacak.",
                "di dalam vaksin ada chip buat ngelacak kita",
                "Vaksin harus disimpan dingin.",
            ),
            (
                "Penculik anak memakai mobil ambulans.",
                "ada penculik anak naik ambulans",
                "Ambulans gratis untuk warga.",
            ),
            (
                "Rekening diblokir jika tidak diperbarui.",
                "rekening kalian diblokir kalau gak update",
                "Bank buka hari Sabtu.",
            ),
        ]
    ):
        groups.append(
            {
                "id": f"g{i}",
                "topic": "t",
                "split": "calibration" if i % 2 else "test",
                "claim": claim,
                "paraphrases": [para],
                "negatives": [neg],
            }
        )
    path.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in groups), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def report(tiny_baseline_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    scorer = Scorer(tiny_baseline_dir)
    root = tmp_path_factory.mktemp("hoax")
    claims = claim_matching_evidence(_paraphrases(root / "para.jsonl"), normalizer=scorer.normalizer)
    rep = build_report(
        [("model", scorer)], EvalData(_examples(), "fixture"), bootstrap=50, functional=False, claims=claims
    )
    write_report(rep, root / "report")
    return rep, root / "report"


def _has_ci(x: dict, keys: tuple[str, ...]) -> None:
    for k in keys:
        lo, hi = x["ci"][k]
        assert math.isfinite(lo) and lo <= x[k] + 1e-9 and x[k] - 1e-9 <= hi, (k, x[k], lo, hi)


def test_hoax_evidence_has_three_separate_measures_with_intervals(report: tuple[dict, Path]) -> None:
    ev = report[0]["hoax_evidence"]
    pr = ev["pratiwi"]
    assert pr["n"] == 6 and pr["topics"] == ["pratiwi_hoax_news:05_aksi"]
    _has_ci(pr["models"]["model"], ("f1", "roc_auc", "false_alarm_rate"))
    posts = ev["posts"]
    assert posts["n"] == len(POSTS) and posts["excluded_training_rows"] == 1  # the training-genre post is left out
    assert posts["genres"] == ["bencana", "kriminal"]
    entry = posts["models"]["model"]
    assert entry["overall"]["positives"] == 6 and entry["overall"]["negatives"] == 8
    _has_ci(entry["overall"], ("precision", "recall", "f1", "pr_auc", "roc_auc", "false_alarm_rate"))
    assert set(entry["by_genre"]) == {"bencana", "kriminal"} and entry["by_genre"]["bencana"]["n"] == 7
    kinds = entry["by_kind"]
    assert set(kinds) == {"hoax_post", "debunk", "question", "joke", "news", "personal"}
    assert kinds["debunk"]["label"] == "not hoax" and kinds["debunk"]["meaning"] == "false-alarm rate"
    assert kinds["hoax_post"]["meaning"] == "detection rate"
    # the false-alarm rate per kind is the share of those non-hoax posts at or above the flag threshold
    assert 0.0 <= kinds["joke"]["flagged"] <= 1.0 and len(kinds["joke"]["ci"]) == 2
    cm = ev["claim_matching"]
    assert cm["measured"] and cm["method"] == "BM25 only (lexical)"
    for setting in ("calibrated", "served"):
        t = cm["settings"][setting]["test"]
        assert t["positives"] == 2 and len(t["precision_ci"]) == 2 and len(t["recall_ci"]) == 2


def test_hoax_evidence_in_every_report_file(report: tuple[dict, Path]) -> None:
    out = report[1]
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert rep["hoax_evidence"]["posts"]["models"]["model"]["overall"]["ci"]["f1"]
    md = (out / "report.md").read_text(encoding="utf-8")
    section = md.split("## Hoax evidence", 1)[1].split("\n## ", 1)[0]
    for title in (
        "1. News articles (Pratiwi 2017)",
        "2. Short posts, held-out genres",
        "2a. Per held-out genre",
        "2b. Share flagged per kind of post",
        "3. Claim matching",
    ):
        assert title in section, title
    assert "false alarms [95% CI]" in section and "| debunk | not hoax | model |" in section
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Hoax evidence" in html and "Share flagged per kind of post" in html and "Wilson 95% intervals" in html


def test_cli_refuses_a_missing_paraphrase_set(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    from tests.eval.helpers import write_jsonl

    data = write_jsonl(tmp_path / "d.jsonl", _examples())
    res = CliRunner().invoke(
        app,
        [
            "--model",
            str(tiny_baseline_dir),
            "--no-baseline",
            "--data",
            str(data),
            "--out",
            str(tmp_path / "r"),
            "--bootstrap",
            "20",
            "--no-functional",
            "--claims-paraphrases",
            str(tmp_path / "none.jsonl"),
        ],
    )
    assert res.exit_code == 2 and "paraphrase set" in res.output
