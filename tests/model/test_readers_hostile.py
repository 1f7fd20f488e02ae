"""Analysts' messy files: every bad input gets a clear error (what was expected, what was found, how to fix it)
or a reported bad row; never a traceback, a silently dropped row or a silently ignored column. Every file here
is written by the test."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from model.examples import ColumnMap, DataError, read_labelled_file

runner = CliRunner()


def flat(output: str) -> str:
    """A command's output without the line breaks rich puts in long messages."""
    return " ".join(output.split())


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# -- CSV structure -------------------------------------------------------------------------------------
def test_ragged_csv_rows_are_reported_bad_rows_not_a_crash(tmp_path: Path) -> None:
    """An unquoted comma in a text (one field too many) crashed the reader with pandas' ParserError; a row with
    too few fields was padded with 'not annotated' and kept. Both are now bad rows that say how to fix them."""
    f = write(
        tmp_path / "r.csv",
        "text,slander,hoax\n"
        "bupati itu maling,1,0\n"
        "halo, apa kabar,0,0\n"  # an unquoted comma: 4 fields
        "teks pendek,1\n"  # 2 fields
        "trailing separators are harmless,1,0,,\n"
        '"dengan koma, dikutip",0,1\n',
    )
    res = read_labelled_file(f)
    assert [e.text for e in res.examples] == [
        "bupati itu maling",
        "trailing separators are harmless",
        "dengan koma, dikutip",
    ]
    reasons = {b.row: b.reason for b in res.bad_rows}
    assert set(reasons) == {2, 3}
    assert "expected 3 fields" in reasons[2] and "found 4" in reasons[2] and "double quotes" in reasons[2]
    assert "found 2" in reasons[3] and "line 4" in reasons[3]


def test_tsv_ragged_row_says_tab(tmp_path: Path) -> None:
    f = write(tmp_path / "r.tsv", "text\tslander\nsatu\t1\ndua\tx\t1\n")
    res = read_labelled_file(f)
    assert len(res.examples) == 1 and "a tab must be in double quotes" in res.bad_rows[0].reason


def test_unclosed_quote_names_the_line_instead_of_a_traceback(tmp_path: Path) -> None:
    f = write(tmp_path / "q.csv", 'text,slander\nbaik,0\n"tanpa penutup,1\nlain,0\n')
    with pytest.raises(DataError) as err:
        read_labelled_file(f)
    msg = str(err.value)
    assert "line 3" in msg and "malformed CSV" in msg and "Fix:" in msg


def test_quoted_newlines_crlf_bom_and_blank_lines_keep_every_row(tmp_path: Path) -> None:
    f = tmp_path / "n.csv"
    f.write_bytes(b'\xef\xbb\xbftext,slander\r\n"baris satu\r\nbaris dua",1\r\n\r\nbiasa,0\r\n')
    res = read_labelled_file(f)
    assert [(e.text, e.labels) for e in res.examples] == [
        ("baris satu\r\nbaris dua", {"slander": 1}),
        ("biasa", {"slander": 0}),
    ]
    assert not res.bad_rows


def test_header_only_with_trailing_blank_lines_and_gzip(tmp_path: Path) -> None:
    f = write(tmp_path / "h.csv", "text,slander\n\n\n")
    with pytest.raises(DataError, match="header but no rows"):
        read_labelled_file(f)
    g = tmp_path / "g.csv.gz"
    g.write_bytes(gzip.compress(b"\xef\xbb\xbftext,slander\nsatu,1\n"))
    assert [e.text for e in read_labelled_file(g).examples] == ["satu"]


def test_a_text_longer_than_the_csv_modules_field_limit(tmp_path: Path) -> None:
    long = "kata " * 40_000  # 200,000 characters: over the csv module's default 131,072
    f = write(tmp_path / "long.csv", f"text,slander\n{long},1\n")
    assert len(read_labelled_file(f).examples[0].text) == len(long)


# -- columns -------------------------------------------------------------------------------------------
def test_duplicate_column_names_in_use_are_an_error(tmp_path: Path) -> None:
    """pandas renamed a second 'slander' to 'slander.1' and ignored it: half the labels were lost unsaid."""
    f = write(tmp_path / "d.csv", "text,slander,slander\nsatu,1,0\n")
    with pytest.raises(DataError, match="'slander' 2 times") as err:
        read_labelled_file(f)
    assert "Fix: rename or delete" in str(err.value)
    g = write(tmp_path / "t.csv", "text,text,hoax\nsatu,dua,1\n")
    with pytest.raises(DataError, match="'text' 2 times"):
        read_labelled_file(g)
    # a repeated column that is not read is no one's business
    h = write(tmp_path / "ok.csv", "text,catatan,catatan,slander\nsatu,a,b,1\n")
    assert read_labelled_file(h).examples[0].labels == {"slander": 1}


def test_header_case_and_spaces_are_matched_not_ignored(tmp_path: Path) -> None:
    """'Text, Slander ,hoax' lost the slander column silently (the file still had hoax); an Excel header with
    capitals or spaces now reads as meant, and two candidates for one name are an error."""
    f = write(tmp_path / "c.csv", "Text, Slander ,hoax\nsatu,1,0\n")
    assert read_labelled_file(f).examples[0].labels == {"slander": 1, "hoax": 0}
    g = write(tmp_path / "two.csv", "text,Slander,SLANDER\nsatu,1,0\n")
    with pytest.raises(DataError, match="differ only in case"):
        read_labelled_file(g)


def test_a_label_column_misspelt_or_in_indonesian_is_an_error_with_the_mapping(tmp_path: Path) -> None:
    """A 'hoaks' column beside 'slander' was skipped without a word: the analyst's hoax labels were lost."""
    f = write(tmp_path / "h.csv", "text,hoaks,slander\nsatu,1,0\n")
    with pytest.raises(DataError, match="'hoaks' \\(like 'hoax'\\)") as err:
        read_labelled_file(f)
    assert "--column hoax=hoaks" in str(err.value)
    assert read_labelled_file(f, ColumnMap.parse(["hoax=hoaks"])).examples[0].labels == {"hoax": 1, "slander": 0}
    g = write(tmp_path / "t.csv", "text,slandr\nsatu,1\n")
    with pytest.raises(DataError, match="like 'slander'"):
        read_labelled_file(g)
    # a column of another kind is not a label: read the file, ignore it
    ok = write(tmp_path / "ok.csv", "text,slander,sumber,spam\nsatu,1,twitter,1\n")
    assert read_labelled_file(ok).examples[0].labels == {"slander": 1}


def test_header_hints_for_wrong_separator_and_missing_header(tmp_path: Path) -> None:
    f = write(tmp_path / "semi.csv", "text;slander\nsatu;1\n")
    with pytest.raises(DataError, match="separated by semicolons"):
        read_labelled_file(f)
    g = write(tmp_path / "tabs.csv", "text\tslander\nsatu\t1\n")
    with pytest.raises(DataError, match=r"separated by tabs.*\.tsv"):
        read_labelled_file(g)
    h = write(tmp_path / "nohead.csv", "bupati itu maling,1\nselamat pagi,0\n")
    with pytest.raises(DataError, match="looks like data, not a header"):
        read_labelled_file(h)


def test_column_mappings_are_checked(tmp_path: Path) -> None:
    for spec, expected in (
        ("textisi", "not of the form field=column"),
        ("hoaks=kolom", "use hoax=kolom"),
        ("text=", "expected a column name"),
    ):
        with pytest.raises(DataError, match=expected):
            ColumnMap.parse([spec])
    with pytest.raises(DataError, match="two different columns"):
        ColumnMap.parse(["slander=a", "slander=b"])
    assert ColumnMap.parse(["slander=a", "slander=a"]).labels == {"slander": "a"}
    # a field mapped by hand must be there; the default names need not be
    f = write(tmp_path / "g.csv", "text,slander\nsatu,1\n")
    with pytest.raises(DataError, match="expected a group column 'topik'"):
        read_labelled_file(f, ColumnMap.parse(["group=topik"]))
    assert read_labelled_file(f).examples[0].group is None


# -- cells ---------------------------------------------------------------------------------------------
def test_label_spellings(tmp_path: Path) -> None:
    cells = ["Ya", "Tidak", "yes", "no", "1.0", " 1 ", "TRUE", "", "NaN", "2", "-1", "0.5"]
    f = write(tmp_path / "l.csv", "text,slander,hoax\n" + "".join(f'teks {i},"{c}",0\n' for i, c in enumerate(cells)))
    res = read_labelled_file(f)
    assert [e.labels["slander"] for e in res.examples] == [1, 0, 1, 0, 1, 1, 1, None, None]
    bad = {b.row: b for b in res.bad_rows}
    assert set(bad) == {10, 11, 12} and all(b.column == "slander" for b in bad.values())
    assert "found '2'" in bad[10].reason and "ya, tidak" in bad[10].reason


def test_invisible_texts_are_empty_and_emoji_are_texts(tmp_path: Path) -> None:
    f = write(tmp_path / "e.csv", "text,slander\n\u200b\u200b,1\n\u00a0 ,0\n\U0001f621\U0001f621,1\n")
    res = read_labelled_file(f)
    assert [e.text for e in res.examples] == ["\U0001f621\U0001f621"]
    assert [(b.row, b.column) for b in res.bad_rows] == [(1, "text"), (2, "text")]
    assert "invisible" in res.bad_rows[0].reason


def test_a_file_without_one_good_row_is_an_error_not_an_empty_read(tmp_path: Path) -> None:
    """Every row lacking every label returned zero examples; beside the catalogue the file then added nothing,
    and `saring data` said only 'no examples were read'."""
    f = write(tmp_path / "n.csv", "text,slander,hoax\nsatu,,\ndua,,\n")
    with pytest.raises(DataError, match="no row could be read: all 2 row") as err:
        read_labelled_file(f)
    assert "every label is empty" in str(err.value) and "Fix:" in str(err.value)
    j = tmp_path / "n.jsonl"
    j.write_text('{"text": "satu"}\n{"text": "dua", "slander": null}\n', encoding="utf-8")
    with pytest.raises(DataError, match="no row could be read"):
        read_labelled_file(j)


# -- bytes and encodings -------------------------------------------------------------------------------
def test_files_that_are_not_text_say_what_they_are(tmp_path: Path) -> None:
    gz_named_csv = tmp_path / "a.csv"
    gz_named_csv.write_bytes(gzip.compress(b"text,slander\nsatu,1\n"))
    with pytest.raises(DataError, match="gzip-compressed.*add .gz"):
        read_labelled_file(gz_named_csv)
    xlsx_named_csv = tmp_path / "b.csv"
    xlsx_named_csv.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(DataError, match="ZIP archive.*CSV UTF-8"):
        read_labelled_file(xlsx_named_csv)
    utf16 = write(tmp_path / "c.csv", "text,slander\nsatu,1\n", encoding="utf-16")
    with pytest.raises(DataError, match="found UTF-16.*--encoding utf-16"):
        read_labelled_file(utf16)
    assert read_labelled_file(utf16, encoding="utf-16").examples[0].text == "satu"


def test_corrupt_gzip_and_parquet_are_errors_not_tracebacks(tmp_path: Path) -> None:
    """A .csv.gz that is not gzip raised gzip.BadGzipFile out of pandas; a damaged deflate stream raised
    zlib.error; a .parquet that is not Parquet raised pyarrow's ArrowInvalid."""
    not_gzip = tmp_path / "a.csv.gz"
    not_gzip.write_bytes(b"text,slander\nsatu,1\n")
    damaged = tmp_path / "b.jsonl.gz"
    damaged.write_bytes(gzip.compress(b'{"text": "satu", "slander": 1}\n' * 50)[:12] + b"\xff" * 40)
    for path in (not_gzip, damaged):
        with pytest.raises(DataError, match="cannot read the file.*Fix:"):
            read_labelled_file(path)
    not_parquet = write(tmp_path / "c.parquet", "text,slander\nsatu,1\n")
    with pytest.raises(DataError, match="expected an Apache Parquet table.*Fix:"):
        read_labelled_file(not_parquet)


def test_decode_errors_name_the_line_and_the_bytes_and_a_utf8_bom_beats_cp1252(tmp_path: Path) -> None:
    f = write(tmp_path / "l.csv", "text,slander\nbaik,0\ncaf\u00e9,1\n", encoding="latin-1")
    with pytest.raises(DataError, match=r"\(line 3\).*found b'\\xe9'.*--encoding cp1252"):
        read_labelled_file(f)
    bom = tmp_path / "bom.csv"  # UTF-8 saved with a byte-order mark, read with --encoding cp1252
    bom.write_bytes(b"\xef\xbb\xbftext,slander\nsatu,1\n")
    assert read_labelled_file(bom, encoding="cp1252").examples[0].text == "satu"


def test_unknown_encoding_is_a_data_error(tmp_path: Path) -> None:
    f = write(tmp_path / "a.csv", "text,slander\nsatu,1\n")
    with pytest.raises(DataError, match="unknown encoding 'utf8x'.*cp1252"):
        read_labelled_file(f, encoding="utf8x")


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "x.csv").mkdir()
    with pytest.raises(DataError, match="expected a file, found a folder"):
        read_labelled_file(tmp_path / "x.csv")


# -- JSON ----------------------------------------------------------------------------------------------
def test_json_array_errors_name_their_line_and_an_empty_array_says_so(tmp_path: Path) -> None:
    f = tmp_path / "a.json"
    f.write_text('[\n  {"text": "satu", "slander": 1},\n  {"text": "dua", "slander": 0},\n]\n', encoding="utf-8")
    with pytest.raises(DataError, match="starts with '\\[' .*line 4") as err:
        read_labelled_file(f)
    assert "comma after the last element" in str(err.value)
    arr = tmp_path / "rows.jsonl"  # an array in a .jsonl file is read as the array
    arr.write_text(json.dumps([{"text": "satu", "slander": 1}]), encoding="utf-8")
    assert [e.text for e in read_labelled_file(arr).examples] == ["satu"]
    empty = tmp_path / "e.json"
    empty.write_text("[]", encoding="utf-8")
    with pytest.raises(DataError, match="holds no JSON objects"):
        read_labelled_file(empty)


def test_a_key_named_twice_in_a_json_object_is_an_error_not_a_silent_last_value(tmp_path: Path) -> None:
    # before: {"hoax": 1, "hoax": 0} was read as hoax 0, the first value dropped with no word said
    lines = tmp_path / "rows.jsonl"
    lines.write_text('{"text": "satu", "hoax": 0}\n{"text": "dua", "hoax": 1, "hoax": 0}\n', encoding="utf-8")
    with pytest.raises(DataError, match="the key 'hoax' appears twice in one object \\(first 1, then 0\\)") as err:
        read_labelled_file(lines)
    assert "row 2" in str(err.value) and "keep one of the two values" in str(err.value)
    lines.write_text('{"text": "satu", "hoax": 1, "hoax": 0}\n{"text": "dua", "hoax": 0}\n', encoding="utf-8")
    with pytest.raises(DataError, match="row 1"):  # on the first line too, where the file could be one document
        read_labelled_file(lines)
    doc = tmp_path / "rows.json"  # one document: the same refusal
    doc.write_text('[\n {"text": "satu", "text": "dua", "slander": 1}\n]\n', encoding="utf-8")
    with pytest.raises(DataError, match="the key 'text' appears twice"):
        read_labelled_file(doc)


# -- parquet -------------------------------------------------------------------------------------------
def test_parquet_rows_are_numbered_and_label_types_read(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    f = tmp_path / "p.parquet"
    pq.write_table(pa.table({"Text": ["satu", "dua", "tiga"], "slander": pa.array([1.0, float("nan"), 2.0])}), f)
    res = read_labelled_file(f)
    assert [(e.text, e.labels) for e in res.examples] == [("satu", {"slander": 1})]
    assert [b.row for b in res.bad_rows] == [2, 3]


# -- the commands --------------------------------------------------------------------------------------
@pytest.fixture
def no_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "catalogue"
    empty.mkdir()
    monkeypatch.setenv("SARING_CATALOGUE_DIR", str(empty))
    monkeypatch.setenv("SARING_DATA_MIRROR", str(empty))
    monkeypatch.setenv("SARING_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SARING_OFFLINE", "1")


def test_saring_data_reports_unreadable_files_without_a_traceback(tmp_path: Path, no_catalogue: None) -> None:
    from model.cli_data import app

    not_gzip = tmp_path / "a.csv.gz"
    not_gzip.write_bytes(b"text,slander\nsatu,1\n")
    ragged = write(tmp_path / "r.csv", "text,slander\nsatu,1\nhalo, apa kabar,0\n")
    result = runner.invoke(app, ["--data", str(not_gzip)])
    assert result.exit_code == 2 and result.exception is not None and "cannot read the file" in flat(result.output)
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["--data", str(ragged)])
    assert result.exit_code == 0, result.output
    assert "bad rows: 1" in result.output and "expected 2 fields" in flat(result.output)
    result = runner.invoke(app, ["--encoding", "klingon", "--data", str(ragged)])
    assert result.exit_code == 2 and "unknown encoding" in flat(result.output)


def test_saring_data_export_of_a_file_without_good_rows_writes_nothing(tmp_path: Path, no_catalogue: None) -> None:
    from model.cli_data import app

    f = write(tmp_path / "n.csv", "text,slander\nsatu,\n")
    out = tmp_path / "export"
    result = runner.invoke(app, ["--data", str(f), "export", "--out", str(out)])
    assert result.exit_code == 2 and "no row could be read" in flat(result.output)
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--column", "textisi"], "not of the form field=column"),
        (["--column", "spam=x"], "unknown field 'spam'"),
        (["--data", "catalogue:tweets"], "does not take a part of the catalogue"),
        (["--encoding", "klingon"], "unknown encoding"),
    ],
)
def test_saring_train_fails_on_bad_options_before_reading_data(
    tmp_path: Path, no_catalogue: None, args: list[str], expected: str
) -> None:
    """`--column textisi` to `saring train` ended in a ValueError traceback (after the catalogue was read)."""
    from training.cli import app

    f = write(tmp_path / "a.csv", "text,slander\nsatu,1\n")
    data = [] if "--data" in args else ["--data", str(f)]
    result = runner.invoke(app, ["--recipe", "tiny", *data, *args, "--out", str(tmp_path / "m")])
    assert result.exit_code == 2, result.output
    assert "data error" in result.output and expected in flat(result.output)
    assert not (tmp_path / "m").exists()
