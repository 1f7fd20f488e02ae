"""`saring serve` refuses unsafe or broken setups with a clear message before starting anything."""

from __future__ import annotations

import os
import subprocess
import sys

from typer.testing import CliRunner

from serving import cli
from tests.serving.conftest import API_KEY, sha


def test_serve_refuses_public_host_without_keys(tiny_baseline_dir, monkeypatch):
    monkeypatch.delenv("SARING_API_KEY_HASHES", raising=False)
    started = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append((a, k)))
    res = CliRunner().invoke(cli.serve_app, ["--model", str(tiny_baseline_dir), "--host", "0.0.0.0"])
    assert res.exit_code == 2
    assert "SARING_API_KEY_HASHES" in res.output and "127.0.0.1" in res.output
    assert started == []


def test_serve_reports_a_missing_model(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append((a, k)))
    res = CliRunner().invoke(cli.serve_app, ["--model", str(tmp_path / "tidak-ada")])
    assert res.exit_code == 2 and "saring train" in res.output and started == []


def test_serve_passes_settings_to_uvicorn(tiny_baseline_dir, monkeypatch):
    calls = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setenv("SARING_API_KEY_HASHES", sha(API_KEY))
    for name in ("SARING_MODEL_DIR", "SARING_HOST", "SARING_PORT"):
        monkeypatch.setenv(name, "")  # recorded, so what `serve` writes into os.environ is undone afterwards
        monkeypatch.delenv(name)
    res = CliRunner().invoke(
        cli.serve_app, ["--model", str(tiny_baseline_dir), "--host", "0.0.0.0", "--port", "8123", "--workers", "2"]
    )
    assert res.exit_code == 0, res.output
    ((args, kw),) = calls
    assert args == ("serving.app:create_app_from_env",) and kw["factory"] is True
    assert kw["host"] == "0.0.0.0" and kw["port"] == 8123 and kw["workers"] == 2
    assert os.environ["SARING_MODEL_DIR"] == str(tiny_baseline_dir) and os.environ["SARING_PORT"] == "8123"


def test_python_m_serving_help():
    res = subprocess.run([sys.executable, "-m", "serving", "--help"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "--model" in res.stdout


def test_serve_explains_a_malformed_environment_variable(tiny_baseline_dir, monkeypatch):
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: None)
    monkeypatch.setenv("SARING_CHANNEL_POLICIES", "{bukan json")
    res = CliRunner().invoke(cli.serve_app, ["--model", str(tiny_baseline_dir)])
    assert res.exit_code == 2 and "channel_policies" in res.output and "JSON" in res.output
