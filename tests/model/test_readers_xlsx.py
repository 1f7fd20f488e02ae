"""Excel workbooks (.xlsx) as analysts and fact-checkers keep them: read_labelled_file and the claims importer,
on small workbooks written here with openpyxl (texts written for the tests). Audits refuse them:
tests/serving/audit/test_input_faults.py."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from model.claims import ImportDefaults, parse_claim_file
from model.examples import ColumnMap, DataError, read_labelled_file
from model.readers import read_rows, read_xlsx


def workbook(path: Path, *sheets: tuple[str, list[list[Any]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_a_labelled_workbook_reads_like_its_csv_export(tmp_path: Path) -> None:
    f = workbook(
        tmp_path / "label.xlsx",
        (
            "label",
            [
                [None],  # a blank first row: the header is the first row that holds anything
                ["isi", "hoax", "fitnah", None],
                ["Vaksin itu berisi chip pelacak, sebarkan!", 1, 0],
                [None, None, None],  # an empty row is skipped, not a bad row
                ["Jalan di depan kantor desa rusak parah", 0.0, True],  # 0.0 is 0, TRUE is true
                ["Bupati itu maling uang rakyat", 0, "1"],
                ["Pengumuman jadwal vaksin hari Senin", 0, None],  # an empty cell: not annotated
            ],
        ),
    )
    res = read_labelled_file(f, ColumnMap.parse(["text=isi", "slander=fitnah"]))
    assert not res.bad_rows
    assert [(e.text, e.labels) for e in res.examples] == [
        ("Vaksin itu berisi chip pelacak, sebarkan!", {"hoax": 1, "slander": 0}),
        ("Jalan di depan kantor desa rusak parah", {"hoax": 0, "slander": 1}),
        ("Bupati itu maling uang rakyat", {"hoax": 0, "slander": 1}),
        ("Pengumuman jadwal vaksin hari Senin", {"hoax": 0, "slander": None}),  # not annotated, never 0
    ]
    export = tmp_path / "label.csv"  # what Excel's "CSV UTF-8" writes for the same sheet
    export.write_text(
        "isi,hoax,fitnah\n"
        '"Vaksin itu berisi chip pelacak, sebarkan!",1,0\n'
        "Jalan di depan kantor desa rusak parah,0,TRUE\n"
        "Bupati itu maling uang rakyat,0,1\n"
        "Pengumuman jadwal vaksin hari Senin,0,\n",
        encoding="utf-8",
    )
    csv_res = read_labelled_file(export, ColumnMap.parse(["text=isi", "slander=fitnah"]))
    assert [(e.text, e.labels) for e in csv_res.examples] == [(e.text, e.labels) for e in res.examples]
    assert [e.id for e in res.examples] == ["label.xlsx:1", "label.xlsx:2", "label.xlsx:3", "label.xlsx:4"]


def test_cells_are_read_as_a_csv_export_holds_them(tmp_path: Path) -> None:
    f = workbook(
        tmp_path / "cells.xlsx",
        (
            "s",
            [
                ["text", "n", "when", "at"],
                ["a", 3, datetime.datetime(2026, 12, 4), datetime.datetime(2026, 12, 4, 10, 30)],
                ["b", 0.25, datetime.date(2019, 1, 10), "teks"],
            ],
        ),
    )
    header, rows = read_xlsx(f)
    assert header == ["text", "n", "when", "at"]
    assert [{k: v for k, v in r.items() if k != "__line__"} for r in rows] == [
        {"text": "a", "n": "3", "when": "2026-12-04", "at": "2026-12-04 10:30:00"},
        {"text": "b", "n": "0.25", "when": "2019-01-10", "at": "teks"},
    ]


def test_a_value_under_no_column_name_makes_its_row_bad_not_cut(tmp_path: Path) -> None:
    f = workbook(
        tmp_path / "extra.xlsx",
        ("s", [["text", "hoax"], ["Vaksin berisi chip", 1], ["Listrik padam besok", 0, None, "catatan analis"]]),
    )
    res = read_labelled_file(f)
    assert [e.text for e in res.examples] == ["Vaksin berisi chip"]
    (bad,) = res.bad_rows
    assert bad.row == 2 and "column D" in bad.reason and "sheet row 3" in bad.reason and "no name" in bad.reason


def test_rows_on_another_sheet_stop_the_read_with_the_sheets_named(tmp_path: Path) -> None:
    f = workbook(
        tmp_path / "two.xlsx",
        ("batch 1", [["text", "hoax"], ["Vaksin berisi chip", 1]]),
        ("kosong", []),  # an empty sheet is no problem
        ("batch 2", [["text", "hoax"], ["Air kelapa sembuhkan covid", 1]]),
    )
    with pytest.raises(DataError, match=r"sheet\(s\) \['batch 2'\] beside the first sheet 'batch 1'") as info:
        read_labelled_file(f)
    assert "first sheet" in str(info.value.fix)
    # the analysts' commands can name the sheet: the fix says how, with the workbook's sheets
    assert "--sheet" in str(info.value.fix) and "'batch 1', 'kosong', 'batch 2'" in str(info.value.fix)
    assert "--sheet 'batch 2'" in str(info.value.fix)  # the other sheet with values, quoted for the shell


def test_a_named_sheet_is_read_and_the_others_left(tmp_path: Path) -> None:
    f = workbook(
        tmp_path / "label.xlsx",
        ("Petunjuk", [["Isi kolom text dengan unggahan, lalu beri label 1 atau 0."]]),  # instructions, not rows
        ("Data", [["text", "hoax"], ["Vaksin berisi chip pelacak", 1], ["Jadwal vaksin hari Senin", 0]]),
        ("Kosong", []),
    )
    res = read_labelled_file(f, sheet="Data")
    assert [(e.text, e.labels) for e in res.examples] == [
        ("Vaksin berisi chip pelacak", {"hoax": 1}),
        ("Jadwal vaksin hari Senin", {"hoax": 0}),
    ]
    assert res.examples[0].meta["sheet"] == "Data"  # two sheets of one workbook share its sha256
    with pytest.raises(DataError, match=r"expected a sheet 'data', found the sheets \['Petunjuk', 'Data', 'Kosong'\]"):
        read_labelled_file(f, sheet="data")  # names as the tabs show them
    with pytest.raises(DataError, match="sheet 'Kosong' is empty"):
        read_labelled_file(f, sheet="Kosong")
    csv = tmp_path / "label.csv"
    csv.write_text("text,hoax\nVaksin berisi chip pelacak,1\n", encoding="utf-8")
    assert "sheet" not in read_labelled_file(csv, sheet="Data").examples[0].meta  # a CSV has no sheets


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (b"text,hoax\nVaksin berisi chip,1\n", "cannot be read as one"),  # CSV text named .xlsx
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "cannot be read as one"),  # an old .xls or a password
        (b"", "cannot be read as one"),
    ],
)
def test_a_file_that_is_not_a_workbook_says_so(tmp_path: Path, content: bytes, found: str) -> None:
    f = tmp_path / "x.xlsx"
    f.write_bytes(content)
    with pytest.raises(DataError, match=found) as info:
        read_rows(f)
    assert ".csv" in str(info.value.fix) and "Excel Workbook" in str(info.value.fix)


def test_an_empty_workbook_and_a_header_alone_are_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="first sheet 's' is empty"):
        read_labelled_file(workbook(tmp_path / "empty.xlsx", ("s", [[None, None]])))
    with pytest.raises(DataError, match="header but no rows"):
        read_labelled_file(workbook(tmp_path / "header.xlsx", ("s", [["text", "hoax"]])))


def test_a_gzipped_workbook_is_not_a_known_format(tmp_path: Path) -> None:
    f = tmp_path / "a.xlsx.gz"
    f.write_bytes(b"\x1f\x8b")
    with pytest.raises(DataError, match="cannot tell what the file holds"):
        read_rows(f)


def test_fact_checks_import_from_a_workbook_with_date_cells(tmp_path: Path) -> None:
    f = workbook(
        tmp_path / "mafindo.xlsx",
        (
            "cek fakta",
            [
                ["judul", "label", "tautan", "tanggal"],
                ["Telur palsu dari plastik", "SALAH", "https://turnbackhoax.id/t", datetime.date(2019, 1, 10)],
                ["Air rebusan daun sirsak sembuhkan kanker", "HOAKS", "https://turnbackhoax.id/s", "4 Desember 2026"],
                ["Beras plastik dijual di warung", "SALAH", "https://turnbackhoax.id/b", None, "lebih"],
            ],
        ),
    )
    claims, bad, _ = parse_claim_file(
        f,
        columns={"claim": "judul", "rating": "label", "url": "tautan", "date": "tanggal"},
        defaults=ImportDefaults(publisher="Mafindo"),
    )
    assert [(c.verdict, c.date) for c in claims] == [("false", "2019-01-10"), ("false", "2026-12-04")]
    (b,) = bad
    assert (b.index, b.field) == (3, "(row)") and "column E" in b.reason and "header row" in b.fix
