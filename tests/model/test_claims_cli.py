"""`saring claims`: import, search, list, add, remove and calibrate from the command line (BM25 only, so no
encoder is loaded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from model.claims.cli import app

runner = CliRunner()

RECORDS = [
    {
        "@type": "ClaimReview",
        "claimReviewed": "Air rebusan daun sirsak menyembuhkan kanker dalam dua minggu",
        "reviewRating": {"alternateName": "HOAKS"},
        "author": {"name": "cekfakta.com"},
        "url": "https://cekfakta.com/sirsak",
        "datePublished": "2022-03-04",
    },
    {
        "claim": "Telur palsu berbahan plastik beredar di pasar tradisional",
        "rating": "SALAH",
        "publisher": "turnbackhoax.id",
        "date": "2019-01-10",
    },
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "claims.sqlite"


def run(*args: str) -> object:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_import_search_list_add_remove(tmp_path: Path, db: Path) -> None:
    f = tmp_path / "claims.json"
    f.write_text(json.dumps(RECORDS), encoding="utf-8")
    res = run("import", str(f), "--db", str(db), "--lexical")
    assert res.exit_code == 0, res.output
    assert "2 added" in res.output
    res = run("import", str(f), "--db", str(db), "--lexical", "--json")
    assert json.loads(res.output)["unchanged"] == 2

    res = run("search", "daun sirsak direbus bisa sembuhkan kanker", "--db", str(db), "--lexical", "--json")
    out = json.loads(res.output)
    assert out["results"][0]["publisher"] == "cekfakta.com" and out["results"][0]["similarity"] > 0

    res = run(
        "add",
        "--claim",
        "Sinyal 5G menyebabkan burung mati berjatuhan",
        "--rating",
        "Disinformasi",
        "--publisher",
        "Kominfo",
        "--db",
        str(db),
        "--lexical",
    )
    assert res.exit_code == 0 and "added" in res.output
    res = run("list", "--db", str(db), "--json")
    listed = json.loads(res.output)
    assert len(listed) == 3 and {c["verdict"] for c in listed} == {"false"}
    res = run("remove", listed[0]["id"], "--db", str(db))
    assert "1 claim(s) deleted" in res.output


def test_bad_records_fail_with_the_reasons_and_partial_imports_the_rest(tmp_path: Path, db: Path) -> None:
    f = tmp_path / "claims.csv"
    f.write_text(
        "judul,label,sumber\n"
        "Air rebusan daun sirsak menyembuhkan kanker,HOAKS,cekfakta.com\n"
        "Telur palsu beredar di pasar,AGAK LAIN,Mafindo\n",
        encoding="utf-8",
    )
    cols = ["--column", "claim=judul", "--column", "rating=label", "--column", "publisher=sumber"]
    res = run("import", str(f), *cols, "--db", str(db), "--lexical")
    assert res.exit_code == 1
    assert "row 2" in res.output and "AGAK LAIN" in res.output and "nothing was imported" in res.output
    res = run("list", "--db", str(db), "--json")
    assert json.loads(res.output) == []
    res = run("import", str(f), *cols, "--db", str(db), "--lexical", "--rating", "AGAK LAIN=misleading")
    assert res.exit_code == 0 and "2 added" in res.output
    res = run("import", str(f), *cols, "--db", str(db), "--lexical", "--partial", "--json")
    assert res.exit_code == 0


def test_import_rejects_a_bad_mapping(tmp_path: Path, db: Path) -> None:
    f = tmp_path / "claims.csv"
    f.write_text("judul,label\nAir sirsak sembuhkan kanker,HOAKS\n", encoding="utf-8")
    res = run("import", str(f), "--column", "claim", "--db", str(db), "--lexical")
    assert res.exit_code == 1 and "KEY=VALUE" in res.output
    res = run("import", str(f), "--column", "klaim=judul", "--db", str(db), "--lexical")
    assert res.exit_code == 1 and "unknown claim field" in res.output


def test_calibrate_prints_precision_and_recall(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    groups = [
        {
            "id": "a",
            "split": "calibration",
            "claim": "Vaksin COVID-19 mengandung chip pelacak",
            "paraphrases": ["vaksin covid ada chip pelacaknya", "chip pelacak ada di vaksin covid"],
            "negatives": ["vaksin covid menyebabkan mandul"],
        },
        {
            "id": "b",
            "split": "test",
            "claim": "Telur palsu dari plastik beredar di pasar",
            "paraphrases": ["telor palsu plastik di pasar", "awas telur plastik palsu beredar"],
            "negatives": ["harga telur naik di pasar"],
        },
    ]
    pairs.write_text("\n".join(json.dumps(g) for g in groups), encoding="utf-8")
    res = run("calibrate", "--pairs", str(pairs), "--lexical", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert set(out["results"]) == {"bm25"}
    assert 0.0 <= out["results"]["bm25"]["test"]["precision"] <= 1.0
    res = run("calibrate", "--pairs", str(pairs), "--lexical")
    assert "precision" in res.output and "bm25" in res.output
