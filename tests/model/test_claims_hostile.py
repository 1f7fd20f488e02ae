"""Hostile claim files: every bad input is refused with what was expected, what was found and the fix; no
traceback, no half-written store, no record dropped without a reason (BM25 only, so no encoder is loaded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from model.claims import ClaimImportError, ClaimIndex, parse_claim_file
from model.claims.cli import app
from model.examples import DataError

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args), catch_exceptions=False)


def _review(claim: str, rating: str = "SALAH", **extra: object) -> dict[str, object]:
    return {
        "@type": "ClaimReview",
        "claimReviewed": claim,
        "reviewRating": {"alternateName": rating},
        "author": {"name": "cekfakta.com"},
        **extra,
    }


def test_graph_holding_a_single_node_is_read(tmp_path: Path) -> None:
    f = tmp_path / "one.jsonld"
    f.write_text(
        json.dumps({"@context": "https://schema.org", "@graph": _review("Vaksin mengandung chip pelacak")}),
        encoding="utf-8",
    )
    claims, bad, _ = parse_claim_file(f, "json")
    assert not bad and [c.claim for c in claims] == ["Vaksin mengandung chip pelacak"]


def test_conflicting_ids_are_reported_at_their_position_in_the_file(tmp_path: Path) -> None:
    f = tmp_path / "dup.json"
    records = [
        {"id": "a", "claim": "", "rating": "SALAH", "publisher": "A"},  # bad: shifts the valid claims' numbering
        {"id": "k1", "claim": "Vaksin mengandung chip pelacak", "rating": "SALAH", "publisher": "A"},
        {"id": "k1", "claim": "Vaksin tidak mengandung chip", "rating": "BENAR", "publisher": "A"},
    ]
    f.write_text(json.dumps(records), encoding="utf-8")
    index = ClaimIndex.open(tmp_path / "c.sqlite", None)
    with pytest.raises(ClaimImportError) as e:
        index.import_file(f)
    conflict = [b for b in e.value.bad if b.field == "id"]
    assert [(b.unit, b.index) for b in conflict] == [("record", 3)]
    assert "record 2 " in conflict[0].reason
    assert len(index) == 0

    jl = tmp_path / "dup.jsonl"
    jl.write_text("\n".join(json.dumps(r) for r in records[1:]).replace("\n", "\n\n"), encoding="utf-8")
    with pytest.raises(ClaimImportError) as e:
        index.import_file(jl)
    assert [(b.unit, b.index) for b in e.value.bad] == [("line", 3)] and "line 1 " in e.value.bad[0].reason

    csv_file = tmp_path / "dup.csv"
    csv_file.write_text(
        "id,claim,rating,publisher\nk1,Vaksin mengandung chip,SALAH,A\nk1,Vaksin tanpa chip,BENAR,A\n",
        encoding="utf-8",
    )
    with pytest.raises(ClaimImportError) as e:
        index.import_file(csv_file)
    assert [(b.unit, b.index) for b in e.value.bad] == [("row", 2)] and "row 1 " in e.value.bad[0].reason


def test_claim_origin_is_not_part_of_the_record(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_text("claim,rating,publisher\nVaksin mengandung chip,SALAH,A\n", encoding="utf-8")
    claims, _, _ = parse_claim_file(f)
    assert claims[0].origin == ("row", 1) and "origin" not in claims[0].to_dict()


def test_csv_value_over_the_csv_size_limit_is_a_bad_record_not_a_traceback(tmp_path: Path) -> None:
    """A value longer than the csv module's default limit (131,072 characters) raised `_csv.Error`; the shared
    reader (model.readers.delimited_rows) reads it, and the claim's own length check refuses the record."""
    f = tmp_path / "huge.csv"
    f.write_text('claim,rating,publisher\n"' + "kata " * 30000 + '",SALAH,A\n', encoding="utf-8")
    claims, bad, _ = parse_claim_file(f)
    assert not claims and [(b.unit, b.index, b.field) for b in bad] == [("row", 1, "claim")]
    assert "longer than 2000 characters" in bad[0].reason
    res = run("import", str(f), "--db", str(tmp_path / "c.sqlite"), "--lexical")
    assert res.exit_code == 1 and "Traceback" not in res.output and "row 1" in res.output


def test_csv_quote_never_closed_is_refused_not_swallowed(tmp_path: Path) -> None:
    f = tmp_path / "open.csv"
    f.write_text(
        'claim,rating,publisher\n"Vaksin, mengandung chip,SALAH,A\nAir kelapa obat covid,HOAKS,B\n', encoding="utf-8"
    )
    with pytest.raises(DataError, match="record that starts on line 2") as e:
        parse_claim_file(f)
    assert "double quotes" in e.value.fix
    # multi-line quoted values and quotes inside a value are still fine
    ok = tmp_path / "ok.csv"
    ok.write_text(
        'claim,rating,publisher\n"Vaksin mengandung\nchip pelacak",SALAH,A\nDia bilang "halo" ke semua,HOAKS,B\n',
        encoding="utf-8",
    )
    claims, bad, _ = parse_claim_file(ok)
    assert not bad and len(claims) == 2


def test_csv_row_with_more_values_than_columns_is_a_bad_row(tmp_path: Path) -> None:
    f = tmp_path / "ragged.csv"
    f.write_text(
        "claim,rating,publisher\nVaksin, katanya, mengandung chip,SALAH,A\n\nAir kelapa obat covid,HOAKS,B\n",
        encoding="utf-8",
    )
    claims, bad, _ = parse_claim_file(f)
    assert [c.claim for c in claims] == ["Air kelapa obat covid"]  # the blank line is not a row
    assert [(b.unit, b.index, b.field) for b in bad] == [("row", 1, "(row)")]
    assert "expected 3 fields" in bad[0].reason and "found 5" in bad[0].reason and "quote" in bad[0].fix


def test_csv_blank_lines_before_the_header_are_skipped(tmp_path: Path) -> None:
    f = tmp_path / "lead.csv"
    f.write_text("\n\nclaim,rating,publisher\nVaksin mengandung chip,SALAH,A\n", encoding="utf-8")
    claims, bad, _ = parse_claim_file(f)
    assert not bad and [c.claim for c in claims] == ["Vaksin mengandung chip"]


def test_csv_with_a_header_alone_says_so(tmp_path: Path) -> None:
    # before: "no claims found. Fix: expected ClaimReview objects (claimReviewed, reviewRating...) ...", worded for JSON
    f = tmp_path / "header.csv"
    f.write_text("claim,rating,publisher\n\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"a header row \['claim', 'rating', 'publisher'\] and no rows under it"):
        parse_claim_file(f)


def test_a_key_named_twice_is_a_bad_record_in_lines_and_an_error_in_a_document(tmp_path: Path) -> None:
    # before: the last claimReviewed won silently
    twice = '{"@type": "ClaimReview", "claimReviewed": "Vaksin mengandung chip", "claimReviewed": "Vaksin aman", ' + (
        '"reviewRating": {"alternateName": "SALAH"}, "author": {"name": "cekfakta.com"}}'
    )
    lines = tmp_path / "c.jsonl"
    lines.write_text(json.dumps(_review("Air kelapa menyembuhkan covid")) + "\n" + twice + "\n", encoding="utf-8")
    claims, bad, _ = parse_claim_file(lines)
    assert [c.claim for c in claims] == ["Air kelapa menyembuhkan covid"]
    assert [(b.index, b.field) for b in bad] == [(2, "claimReviewed")] and "appears twice" in bad[0].reason
    first = tmp_path / "first.json"  # JSON lines in a .json file, the first line the bad one: still a bad record
    first.write_text(twice + "\n" + json.dumps(_review("Air kelapa menyembuhkan covid")) + "\n", encoding="utf-8")
    claims, bad, _ = parse_claim_file(first)
    assert len(claims) == 1 and [(b.index, b.field) for b in bad] == [(1, "claimReviewed")]
    doc = tmp_path / "c.json"
    doc.write_text("[" + twice + "]", encoding="utf-8")
    with pytest.raises(DataError, match="the key 'claimReviewed' appears twice"):
        parse_claim_file(doc)


def test_csv_with_another_separator_says_so(tmp_path: Path) -> None:
    f = tmp_path / "semi.csv"
    f.write_text("judul;label;sumber\nVaksin mengandung chip;SALAH;A\n", encoding="utf-8")
    with pytest.raises(DataError, match="another separator"):
        parse_claim_file(f)


def test_cli_errors_keep_bracketed_text(tmp_path: Path) -> None:
    """Values quoted in messages ('[@context, @graph]', '[salah]') must not be eaten as rich markup."""
    f = tmp_path / "bad.json"
    f.write_text(
        json.dumps([{"@context": "x", "@graph": 5}, _review("Berita ini aneh sekali", "[agak lucu]")]),
        encoding="utf-8",
    )
    db = str(tmp_path / "c.sqlite")
    res = run("import", str(f), "--db", db, "--lexical")
    assert res.exit_code == 1
    out = " ".join(res.output.split())
    assert "[@context, @graph]" in out and "[agak lucu]" in out
    res = run("import", str(f), "--db", db, "--lexical", "--partial")
    out = " ".join(res.output.split())
    assert res.exit_code == 0 and "2 bad record(s) not imported" in out
    assert "[@context, @graph]" in out


def test_partial_import_counts_bad_records_in_the_summary(tmp_path: Path) -> None:
    f = tmp_path / "mixed.json"
    f.write_text(
        json.dumps([_review("Vaksin mengandung chip pelacak"), _review("Bumi itu datar", "omong kosong besar")]),
        encoding="utf-8",
    )
    db = str(tmp_path / "c.sqlite")
    res = run("import", str(f), "--db", db, "--lexical", "--partial")
    out = " ".join(res.output.split())
    assert res.exit_code == 0 and "1 added" in out and "1 bad record(s) not imported" in out
    res = run("import", str(f), "--db", db, "--lexical", "--partial")  # idempotent
    out = " ".join(res.output.split())
    assert "0 added" in out and "1 unchanged" in out and "holds 1 claim(s)" in out


def test_list_shows_bracketed_claims(tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite")
    f = tmp_path / "c.json"
    f.write_text(json.dumps([_review("[salah] Vaksin mengandung chip pelacak")]), encoding="utf-8")
    assert run("import", str(f), "--db", db, "--lexical").exit_code == 0
    res = run("list", "--db", db)
    assert "[salah]" in res.output
