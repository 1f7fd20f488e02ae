"""`saring data export`: the prepared splits for Hugging Face `datasets` and Parquet. Offline: a tiny catalogue
(tests/model/catalogue_fixtures.py) and analyst files written here; every text is written for the tests."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import datasets
from model.cli_data import app
from model.examples import Example
from model.export import export_prepared
from model.labels import RISKS
from model.paths import PROJECT_ROOT
from model.splits import SPLITS, PreparedData
from tests.model.catalogue_fixtures import make_catalogue

runner = CliRunner()


def _analyst_file(tmp: Path) -> Path:
    """30 rows: hoax known everywhere, slander known on some rows only, one text shared with the tweets card."""
    rows = [{"isi": "DASAR BUPATI MALING UANG RAKYAT", "hoaks": "0", "slander": "1", "platform": "facebook"}]
    for i in range(29):
        rows.append(
            {
                "isi": f"laporan warga nomor {i} soal jalan rusak",
                "hoaks": "1" if i % 3 == 0 else "0",
                "slander": "" if i % 2 else "0",
                "platform": "whatsapp",
            }
        )
    path = tmp / "laporan.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _manifest(args: list[str]) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_export_round_trip_datasets_and_parquet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch)
    extra = _analyst_file(tmp_path)
    inputs = ["--data", "catalogue", "--data", str(extra), "--column", "text=isi", "--column", "hoax=hoaks"]
    out = tmp_path / "export"
    # the loading options may come before `export` (as for `saring data`) or after it
    result = runner.invoke(app, [*inputs[:2], "export", *inputs[2:], "--out", str(out)])
    assert result.exit_code == 0, result.output
    manifest = _manifest(inputs)

    dd = datasets.load_from_disk(str(out))
    assert isinstance(dd, datasets.DatasetDict) and list(dd) == list(SPLITS)
    frames = {s: pd.read_parquet(out / "parquet" / f"{s}.parquet") for s in SPLITS}
    for split in SPLITS:
        expected = sum(manifest["examples"][split].values())
        assert expected > 0, f"the fixture should fill {split}"
        assert dd[split].num_rows == len(frames[split]) == expected  # no row lost, none added
        from_disk = dd[split].to_pandas()
        assert list(from_disk.columns) == list(frames[split].columns)
        pd.testing.assert_frame_equal(from_disk, frames[split])  # the same rows in both forms
        assert set(frames[split]["split"]) == {split}
    assert sum(len(f) for f in frames.values()) == manifest["duplicates"]["unique_texts"]
    # the card's `configs` point load_dataset at the Parquet files
    parquet = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "hf_cache"))
    assert {s: parquet[s].num_rows for s in parquet} == {s: dd[s].num_rows for s in SPLITS}

    df = pd.concat(frames.values(), ignore_index=True)
    cols = list(df.columns)
    assert cols[:6] == ["text", "source", "split", *RISKS]
    assert "hate_speech" in cols and cols[-5:] == ["id", "parent_text", "platform", "group", "meta"]
    for name in [*RISKS, "hate_speech"]:
        assert dd["train"].features[name] == datasets.Value("float32")
        assert set(df[name].dropna()) <= {0.0, 1.0}
    # null where a source did not annotate: the tweets card has no hoax, the analyst file no hate_speech
    tweets, mine = df[df.source == "tweets"], df[df.source == "file:laporan.jsonl"]
    assert len(tweets) == 4 and len(mine) == 29  # the shared text is one row, under the first source read
    shared_text = "dasar bupati maling uang rakyat"
    assert tweets[tweets.text != shared_text]["hoax"].isna().all() and mine["hate_speech"].isna().all()
    assert mine["slander"].isna().sum() == 14 and mine["hoax"].notna().all()
    assert any(v is None for v in dd["train"]["hoax"])  # load_from_disk gives None, not 0

    shared = df[df.text == shared_text].iloc[0]
    meta = json.loads(shared["meta"])
    assert meta["sources"] == ["file:laporan.jsonl", "tweets"] and meta["original_split"] == "train"
    # labels merged across the two sources: hoax known from the analyst file only, hate_speech from tweets only
    assert (shared["slander"], shared["hoax"], shared["hate_speech"]) == (1.0, 0.0, 1.0)
    row = mine[mine.text == "laporan warga nomor 3 soal jalan rusak"].iloc[0]
    assert row["hoax"] == 1.0 and math.isnan(row["slander"]) and row["platform"] == "whatsapp"
    assert json.loads(row["meta"])["file"] == str(extra)

    card = (out / "README.md").read_text(encoding="utf-8")
    assert "### tweets: test card" in card and "CC-BY-4.0" in card and "example/test-data" in card
    assert "### file:laporan.jsonl" in card and "licence is not recorded" in card
    assert f"--data {extra}" in card and "--column hoax=hoaks" in card and "--seed 42" in card
    assert "Split rule" in card and "path: parquet/validation.parquet" in card
    assert f"file: `{extra}`" in card
    assert "slangs" not in card  # a resource-only card gives no rows
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["examples"] == manifest["examples"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".export")) == []  # no staging left


def test_export_refuses_a_non_empty_folder_unless_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch)
    out = tmp_path / "export"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    result = runner.invoke(app, ["export", "--out", str(out)])
    assert result.exit_code == 2
    assert "expected an absent or empty folder" in result.output and "--overwrite" in result.output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]

    file_out = tmp_path / "a_file"
    file_out.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["export", "--out", str(file_out), "--overwrite"])
    assert result.exit_code == 2 and "found a file" in result.output

    result = runner.invoke(app, ["export", "--out", str(out), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert not (out / "notes.txt").exists() and "2 bad row(s) left out" in result.output
    assert sum(datasets.load_from_disk(str(out))[s].num_rows for s in SPLITS) == 4
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".export")] == []


def test_export_rejects_json_before_the_subcommand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch)
    result = runner.invoke(app, ["--json", "export", "--out", str(tmp_path / "export")])
    assert result.exit_code == 2 and "drop --json" in result.output
    assert not (tmp_path / "export").exists()
    result = runner.invoke(app, ["--show-bad", "5", "export", "--out", str(tmp_path / "export")])
    assert result.exit_code == 2 and "drop --show-bad" in result.output  # it lists nothing there: refused
    assert not (tmp_path / "export").exists()


def test_export_keeps_an_empty_split_and_only_json_safe_metadata(tmp_path: Path) -> None:
    train = [
        Example(
            "satu",
            {"slander": 1},
            "file:a.csv",
            id="a:1",
            meta={"row": 1, "score": float("nan"), "tags": {"x"}, "split": "train"},
        ),
        Example("dua", {"slander": 0, "abusive": None}, "file:a.csv", id="a:2", meta={"row": 2}),
    ]
    test = [Example("tiga", {"hoax": 1}, "file:b.csv", id="b:1")]
    prepared = PreparedData(train, [], test, manifest={"seed": 1, "inputs": []})
    result = export_prepared(prepared, tmp_path / "out", cards={}, command="saring data export --out out")
    assert result.rows == {"train": 2, "validation": 0, "test": 1}
    assert "abusive" in result.columns  # carried (even when unknown everywhere), so the column exists

    dd = datasets.load_from_disk(str(tmp_path / "out"))
    assert dd["validation"].num_rows == 0 and dd["validation"].features == dd["train"].features
    assert pd.read_parquet(tmp_path / "out" / "parquet" / "validation.parquet").empty
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "path: parquet/test.parquet" in card and "parquet/validation.parquet" not in card.split("---")[1]
    assert dd["train"]["abusive"] == [None, None] and dd["test"]["slander"] == [None]
    assert json.loads(dd["train"]["meta"][0]) == {"row": 1, "score": None}  # NaN -> null; a set is dropped


def test_importing_the_cli_does_not_import_hugging_face_datasets() -> None:
    code = "import sys, model.cli_data; assert 'datasets' not in sys.modules, sys.modules['datasets']"
    proc = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
