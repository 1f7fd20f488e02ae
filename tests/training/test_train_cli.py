from __future__ import annotations

import csv

from typer.testing import CliRunner

from model.modeldir import TRAINING_CONFIG_JSON, ModelDir
from model.scorer import Scorer
from tests.fixture_texts import fixture_examples
from training.cli import app


def _write_labels(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["isi", "hoax", "fitnah", "incitement"])
        w.writerows(rows)


def test_train_cli_on_analyst_file_writes_ensemble_and_baseline(tmp_path, tiny_encoder_dir, monkeypatch):
    monkeypatch.setenv("SARING_CATALOGUE_DIR", str(tmp_path / "no-catalogue"))  # no slang table: still trains
    data = tmp_path / "labels.csv"
    rows = [[e.text, e.labels["hoax"], e.labels["slander"], e.labels["incitement"]] for e in fixture_examples()]
    rows += [[f"{e.text} ya", e.labels["hoax"], "", e.labels["incitement"]] for e in fixture_examples()[:20]]
    _write_labels(data, rows)
    out = tmp_path / "models" / "mine"
    result = CliRunner().invoke(
        app,
        [
            "--recipe",
            "tiny",
            "--data",
            str(data),
            "--column",
            "text=isi",
            "--column",
            "slander=fitnah",
            "--base-model",
            str(tiny_encoder_dir),
            "--out",
            str(out),
            "--set",
            "ensemble=true",
            "--set",
            "epochs=2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Test split" in result.output and "baseline" in result.output
    assert ModelDir(out).check()["kind"] == "ensemble"
    assert ModelDir(tmp_path / "models" / "baseline").check()["kind"] == "baseline"
    assert Scorer(out).score(["dasar bupati maling"])[0].decision in ("allow", "review", "block")
    # every kind's card says what its hoax labels rest on, the baseline's too (it once said null)
    evidence = Scorer(out).card()["hoax_evidence"]
    assert isinstance(evidence, dict) and evidence
    assert Scorer(tmp_path / "models" / "baseline").card()["hoax_evidence"] == evidence
    # idempotent: a second run with --if-missing trains nothing
    again = CliRunner().invoke(app, ["--recipe", "tiny", "--data", str(data), "--out", str(out), "--if-missing"])
    assert again.exit_code == 0 and "already present" in again.output


def test_train_cli_without_the_baseline_writes_a_transformer_that_records_no_ensemble(
    tmp_path, tiny_encoder_dir, monkeypatch
):
    """--no-baseline: the transformer alone at --out, its recorded config saying no ensemble was built (the step
    budget's estimate of the work after the loop reads the same setting)."""
    monkeypatch.setenv("SARING_CATALOGUE_DIR", str(tmp_path / "no-catalogue"))
    data = tmp_path / "labels.csv"
    _write_labels(
        data, [[e.text, e.labels["hoax"], e.labels["slander"], e.labels["incitement"]] for e in fixture_examples()]
    )
    out = tmp_path / "models" / "alone"
    args = ["--recipe", "tiny", "--data", str(data), "--column", "text=isi", "--column", "slander=fitnah"]
    args += ["--base-model", str(tiny_encoder_dir), "--out", str(out), "--set", "ensemble=true", "--no-baseline"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    md = ModelDir(out)
    assert md.check()["kind"] == "transformer"
    assert md.read_json(TRAINING_CONFIG_JSON)["ensemble"] is False
    assert not (tmp_path / "models" / "baseline").exists()


def test_train_cli_reports_bad_file_clearly(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("judul,label\nhalo,1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--recipe", "tiny", "--data", str(bad), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "text column" in result.output and "judul" in result.output


def test_train_cli_reads_the_named_sheet_of_a_workbook(tmp_path, monkeypatch):
    from openpyxl import Workbook

    from training.cli import load_training_data

    monkeypatch.setenv("SARING_CATALOGUE_DIR", str(tmp_path / "no-catalogue"))
    book = Workbook()
    book.active.title = "Petunjuk"
    book.active.append(["Isi kolom isi dengan unggahan dan beri label 1 atau 0."])
    sheet = book.create_sheet("Data")
    sheet.append(["isi", "hoax", "fitnah", "incitement"])
    for e in fixture_examples():
        sheet.append([e.text, e.labels["hoax"], e.labels["slander"], e.labels["incitement"]])
    wb = tmp_path / "label.xlsx"
    book.save(wb)
    # without --sheet the read stops and names the sheet to pass; nothing is trained
    result = CliRunner().invoke(app, ["--recipe", "tiny", "--data", str(wb), "--out", str(tmp_path / "m")])
    flat = " ".join(result.output.split())
    assert result.exit_code == 2 and "--sheet Data" in flat and not (tmp_path / "m").exists()
    _, prepared, bad = load_training_data([str(wb)], ["text=isi", "slander=fitnah"], "utf-8", sheet="Data")
    assert not bad and sum(len(exs) for _, exs in prepared.items()) == len(fixture_examples())
    assert [(i["file"], i["sheet"]) for i in prepared.manifest["inputs"]] == [(str(wb), "Data")]
    result = CliRunner().invoke(
        app, ["--recipe", "tiny", "--data", "catalogue", "--sheet", "Data", "--out", str(tmp_path / "m")]
    )
    assert result.exit_code == 2 and "no --data file is one" in " ".join(result.output.split())
