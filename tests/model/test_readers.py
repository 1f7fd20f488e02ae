"""read_labelled_file on small files written here: good and bad CSV, JSONL and Parquet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.examples import ColumnMap, DataError, read_labelled_file


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_good_csv_with_column_mapping(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "a.csv", "isi,fitnah,sumber\nbupati itu maling,1,twitter\nselamat pagi,0,\n")
    res = read_labelled_file(f, ColumnMap.parse(["text=isi", "slander=fitnah", "platform=sumber"]))
    assert not res.bad_rows
    first, second = res.examples
    assert first.labels == {"slander": 1} and first.platform == "twitter" and second.platform is None
    assert first.source == "file:a.csv" and first.id == "a.csv:1"
    assert first.label("hoax") is None and first.label("incitement") is None  # missing, never 0


def test_an_analysts_file_is_named_in_the_data_manifest(tmp_path: Path) -> None:
    """Each example names its file and sha256, so that `saring train --data FILE` records the file among the
    split's inputs (and a report can tell a split made with it from the catalogue's alone)."""
    from model.modeldir import file_sha256
    from model.normalize import Normalizer
    from model.splits import prepare

    p = tmp_path / "labels.csv"
    p.write_text("text,slander\n" + "".join(f"dasar pejabat nomor {i} maling,1\n" for i in range(12)), encoding="utf-8")
    res = read_labelled_file(p)
    assert {(e.meta["file"], e.meta["sha256"]) for e in res.examples} == {(str(p), file_sha256(p))}
    assert len({id(e.meta) for e in res.examples}) == len(res.examples)  # each its own: splits write into them
    manifest = prepare(res.examples, Normalizer()).manifest
    assert manifest["inputs"] == [{"source": "file:labels.csv", "file": str(p), "sha256": file_sha256(p)}]


def test_bad_rows_are_reported_not_dropped(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "b.csv", "text,slander,hoax\n,1,0\nteks baik,2,0\nteks ok,ya,\nteks kosong,,\n")
    res = read_labelled_file(f)
    assert [e.text for e in res.examples] == ["teks ok"]
    assert res.examples[0].labels == {"slander": 1, "hoax": None}
    reasons = {b.row: b.reason for b in res.bad_rows}
    assert "text is empty" in reasons[1]
    assert "'2'" in reasons[2] and res.bad_rows[1].column == "slander"
    assert "every label is empty" in reasons[4]


def test_missing_columns(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", "isi,slander\nhalo,0\n")
    with pytest.raises(DataError, match="expected a text column 'text'"):
        read_labelled_file(f)
    g = write_csv(tmp_path / "d.csv", "text,label\nhalo,0\n")
    with pytest.raises(DataError, match="no label column found"):
        read_labelled_file(g)
    with pytest.raises(DataError, match="not in the file"):
        read_labelled_file(g, ColumnMap.parse(["slander=fitnah"]))


def test_cp1252_bytes_read_as_utf8_name_the_encoding(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "e.csv", "text,slander\nkafe \u201cbejat\u201d itu,1\n", encoding="cp1252")
    with pytest.raises(DataError) as err:
        read_labelled_file(f)
    assert "utf-8" in str(err.value) and "--encoding cp1252" in str(err.value)
    res = read_labelled_file(f, encoding="cp1252")
    assert res.examples[0].text == "kafe \u201cbejat\u201d itu"


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        read_labelled_file(empty)
    header = write_csv(tmp_path / "h.csv", "text,slander\n")
    with pytest.raises(DataError, match="no rows"):
        read_labelled_file(header)


def test_jsonl_good_and_bad(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    rows = [{"text": "hoaks vaksin chip", "hoax": 1}, {"text": "  ", "hoax": 0}, {"text": "x", "hoax": "mungkin"}]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    res = read_labelled_file(f)
    assert [e.labels for e in res.examples] == [{"hoax": 1}]
    assert [b.row for b in res.bad_rows] == [2, 3]
    broken = tmp_path / "b.jsonl"
    broken.write_text('{"text": "a", "hoax": 1}\n{not json\n', encoding="utf-8")
    with pytest.raises(DataError, match="row 2"):
        read_labelled_file(broken)


def test_parquet(tmp_path: Path) -> None:
    import pyarrow as pa  # pinned dependencies: never skipped
    import pyarrow.parquet as pq

    table = pa.table({"text": ["usir mereka", None, "damai"], "incitement": [1, 0, None], "slander": [0, 0, 0]})
    f = tmp_path / "a.parquet"
    pq.write_table(table, f)
    res = read_labelled_file(f)
    assert [(e.text, e.labels) for e in res.examples] == [
        ("usir mereka", {"incitement": 1, "slander": 0}),
        ("damai", {"incitement": None, "slander": 0}),
    ]
    assert [b.row for b in res.bad_rows] == [2]


# -- one table of suffixes (model.readers) --------------------------------------------------------------
def test_suffix_table_is_the_same_for_every_reader(tmp_path: Path) -> None:
    import gzip

    from model.claims import parse_claim_file
    from model.readers import SUFFIXES, format_of

    assert format_of("a.json") == format_of("a.jsonl") == format_of("a.ndjson") == ("jsonl", False)
    assert format_of("a.jsonl.gz") == format_of("a.json.gz") == ("jsonl", True)
    assert format_of("a.csv.gz") == ("csv", True) and format_of("a.parquet.gz") is None
    assert format_of("a.xlsx") == ("xlsx", False) and format_of("a.xlsx.gz") is None
    assert format_of("a.xml") is None and set(SUFFIXES.values()) == {"csv", "tsv", "jsonl", "parquet", "xlsx"}

    rows = [{"text": "bupati itu maling", "slander": 1}, {"text": "selamat pagi", "slander": 0}]
    lines = "".join(json.dumps(r) + "\n" for r in rows)
    document = json.dumps(rows, indent=2)
    (tmp_path / "lines.json").write_text(lines, encoding="utf-8")
    (tmp_path / "doc.json").write_text(document, encoding="utf-8")
    (tmp_path / "lines.jsonl.gz").write_bytes(gzip.compress(lines.encode("utf-8")))
    for name in ("lines.json", "doc.json", "lines.jsonl.gz"):
        res = read_labelled_file(tmp_path / name)
        assert [e.text for e in res.examples] == ["bupati itu maling", "selamat pagi"], name

    claims = [
        {"claim": "Vaksin mengandung chip pelacak", "rating": "SALAH", "publisher": "Mafindo"},
        {"claim": "Air kelapa menyembuhkan covid", "rating": "Hoaks", "publisher": "Kompas"},
    ]
    claim_lines = "".join(json.dumps(c) + "\n" for c in claims)
    (tmp_path / "claims.json").write_text(claim_lines, encoding="utf-8")
    (tmp_path / "claims_doc.json").write_text(json.dumps(claims, indent=2), encoding="utf-8")
    (tmp_path / "claims.jsonl.gz").write_bytes(gzip.compress(claim_lines.encode("utf-8")))
    for name in ("claims.json", "claims_doc.json", "claims.jsonl.gz"):
        good, bad, _ = parse_claim_file(tmp_path / name)
        assert [c.claim for c in good] == [c["claim"] for c in claims] and not bad, name


def test_unknown_suffix_names_the_table(tmp_path: Path) -> None:
    f = tmp_path / "data.xml"
    f.write_text("<x/>", encoding="utf-8")
    with pytest.raises(DataError, match=r"\.jsonl") as e:
        read_labelled_file(f)
    assert "data.xml" in str(e.value) and "Fix:" in str(e.value)
