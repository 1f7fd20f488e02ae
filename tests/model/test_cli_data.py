from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from model.cli_data import app
from model.paths import PROJECT_ROOT
from tests.model.catalogue_fixtures import make_catalogue

runner = CliRunner()


def test_cli_table_from_catalogue_and_extra_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch)
    extra = tmp_path / "mine.csv"
    extra.write_text("isi,fitnah\nbupati itu maling,1\nDASAR BUPATI MALING UANG RAKYAT,1\n,0\n", encoding="utf-8")
    result = runner.invoke(
        app, ["--data", "catalogue", "--data", str(extra), "--column", "text=isi", "--column", "slander=fitnah"]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "tweets" in out and "file:mine.csv" in out and "slander" in out
    assert "bad rows: 3" in out  # two from the card's file, one from mine.csv
    assert "texts shared across sources" in out


def test_cli_json_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch)
    result = runner.invoke(app, ["--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert sum(sum(v.values()) for v in payload["examples"].values()) == 4
    assert len(payload["bad_rows"]) == 2
    assert payload["inputs"][0]["source"] == "tweets"


def test_cli_reports_data_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch)
    result = runner.invoke(app, ["--data", str(tmp_path / "absent.csv")])
    assert result.exit_code == 2
    assert "file not found" in result.output


def test_cli_reads_the_sheet_named_and_refuses_a_sheet_without_a_workbook(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Petunjuk"
    book.active.append(["Tulis unggahan di kolom isi dan label 1 atau 0 di kolom fitnah."])
    data = book.create_sheet("Label Maret")
    for row in (["isi", "fitnah"], ["bupati itu maling uang rakyat", 1], ["jalan desa rusak parah", 0]):
        data.append(row)
    wb = tmp_path / "label.xlsx"
    book.save(wb)
    cols = ["--column", "text=isi", "--column", "slander=fitnah"]

    def flat(res: Result) -> str:  # the terminal wraps long errors
        return " ".join(res.output.split())

    res = runner.invoke(app, ["--data", str(wb), *cols])
    assert res.exit_code == 2 and "--sheet 'Label Maret'" in flat(res) and "'Petunjuk', 'Label Maret'" in flat(res)
    res = runner.invoke(app, ["--data", str(wb), *cols, "--sheet", "Label Maret", "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload["inputs"][0]["sheet"] == "Label Maret" and sum(payload["examples"]["train"].values()) >= 1
    assert sum(sum(v.values()) for v in payload["examples"].values()) == 2
    csv = tmp_path / "label.csv"
    csv.write_text("isi,fitnah\nbupati itu maling,1\n", encoding="utf-8")
    res = runner.invoke(app, ["--data", str(csv), *cols, "--sheet", "Label Maret"])
    assert res.exit_code == 2 and "no --data file is one" in flat(res) and "leave --sheet out" in flat(res)
    res = runner.invoke(app, ["--data", str(wb), *cols, "--sheet", " "])
    assert res.exit_code == 2 and "--sheet is empty" in flat(res)
    out = tmp_path / "export"
    res = runner.invoke(app, ["--data", str(wb), *cols, "--sheet", "Label Maret", "export", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "--sheet 'Label Maret'" in (out / "README.md").read_text(encoding="utf-8")  # the command that made it


def test_import_datasets_is_hugging_face_from_the_project_root() -> None:
    # datasets/ holds the cards and no Python: it must not shadow Hugging Face's package.
    assert not (PROJECT_ROOT / "datasets" / "__init__.py").exists()
    code = "import datasets; assert hasattr(datasets, 'Dataset'), datasets.__path__; print(datasets.__file__)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "site-packages" in proc.stdout


def test_cli_style_probe_reads_a_planted_shortcut_in_analysts_files(tmp_path: Path) -> None:
    """Hoaxes in capitals with '!!!', valid posts quiet: `saring data style` reports the shortcut on every split."""
    rows = ["isi,hoax"]
    for i in range(300):
        rows.append(f"AWAS VIRAL PESAN NOMOR {i} SEBARKAN!!!,1" if i % 2 else f"jadwal posyandu pekan {i} di balai,0")
    mine = tmp_path / "mine.csv"
    mine.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["--data", str(mine), "--column", "text=isi", "style"])
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") >= 4}
    assert "1.000" in lines["test"] and "1.000" in lines["validation"]
    assert "hoax: strongest standardised weights" in result.output


def test_cli_style_probe_says_what_it_needs(tmp_path: Path) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_text("isi,hoax\nsatu,1\n", encoding="utf-8")
    result = runner.invoke(app, ["--data", str(mine), "--column", "text=isi", "style"])
    assert result.exit_code == 2
    assert "needs positive and negative training texts" in result.output and "hoax: " in result.output
