"""Every start-up failure of `saring serve` is a short message with the fix and a non-zero exit; the
traceback only with SARING_LOG_LEVEL=DEBUG."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from model.modeldir import MODEL_JSON, WEIGHTS
from serving import cli


def _serve(monkeypatch, *args: str, **env: str):
    started: list[object] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append((a, k)))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    res = CliRunner().invoke(cli.serve_app, list(args))
    return res, started


def _assert_short(res, *needles: str) -> None:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    flat = " ".join(res.output.split())  # the console wraps long lines
    for n in needles:
        assert n in flat, res.output


@pytest.fixture
def model_copy(tiny_baseline_dir: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(tiny_baseline_dir, tmp_path / "model"))


def test_missing_model_dir(monkeypatch, tmp_path):
    res, started = _serve(monkeypatch, "--model", str(tmp_path / "nope"), SARING_DATA_DIR=str(tmp_path / "d"))
    _assert_short(res, "does not exist", "saring train")
    assert started == []


def test_partial_model_dir(monkeypatch, model_copy, tmp_path):
    (model_copy / "thresholds.json").unlink()
    res, started = _serve(monkeypatch, "--model", str(model_copy), SARING_DATA_DIR=str(tmp_path / "d"))
    _assert_short(res, "thresholds.json", "retrain")
    assert started == []


def test_corrupt_weights(monkeypatch, model_copy, tmp_path):
    w = model_copy / WEIGHTS
    data = bytearray(w.read_bytes())
    data[len(data) // 2] ^= 0xFF
    w.write_bytes(bytes(data))
    expected = json.loads((model_copy / MODEL_JSON).read_text())["weights_sha256"][WEIGHTS]
    res, started = _serve(monkeypatch, "--model", str(model_copy), SARING_DATA_DIR=str(tmp_path / "d"))
    _assert_short(res, "sha256", expected, "retrain", "restore")
    assert started == []


def test_corrupt_model_json(monkeypatch, model_copy, tmp_path):
    (model_copy / MODEL_JSON).write_text("{kaput")
    res, _ = _serve(monkeypatch, "--model", str(model_copy), SARING_DATA_DIR=str(tmp_path / "d"))
    _assert_short(res, MODEL_JSON, "not valid JSON")


def test_bad_settings(monkeypatch, tiny_baseline_dir, tmp_path):
    res, started = _serve(
        monkeypatch, "--model", str(tiny_baseline_dir), SARING_MAX_ITEMS="banyak", SARING_DATA_DIR=str(tmp_path / "d")
    )
    _assert_short(res, "max_items")
    assert started == []


def test_unwritable_data_dir(monkeypatch, tiny_baseline_dir, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    res, started = _serve(monkeypatch, "--model", str(tiny_baseline_dir), SARING_DATA_DIR=str(blocker / "data"))
    _assert_short(res, "not writable", "SARING_DATA_DIR")
    assert started == []


def test_debug_shows_the_traceback(monkeypatch, tmp_path, capsys):
    res, _ = _serve(
        monkeypatch, "--model", str(tmp_path / "nope"), SARING_LOG_LEVEL="DEBUG", SARING_DATA_DIR=str(tmp_path / "d")
    )
    assert res.exit_code == 2
    assert "Traceback" in res.output + capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("debug", [False, True])
def test_a_model_that_fails_inside_the_server_is_one_line(model_copy, tmp_path, debug):
    """The pre-checks pass (the files are there and the weights intact) but loading fails in the server's
    lifespan: uvicorn exits non-zero with saring's one-line reason, not Starlette's traceback."""
    (model_copy / "baseline_vocab.json").write_text("{rusak")
    env = {**os.environ, "SARING_DATA_DIR": str(tmp_path / "d"), "SARING_LOG_LEVEL": "DEBUG" if debug else "INFO"}
    proc = subprocess.run(
        [sys.executable, "-m", "serving", "--model", str(model_copy), "--port", str(_free_port())],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "baseline_vocab.json" in out and "retrain" in out
    assert ("Traceback" in out) == debug, out
