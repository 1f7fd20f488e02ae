"""A model directory whose weights differ from the sha256 recorded by training never loads; a corrupt
safetensors header is a short message naming the file and the fix."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from model.modeldir import MODEL_JSON, WEIGHTS, ModelDir, ModelDirError, check_safetensors_header, file_sha256
from model.scorer import Scorer


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _corrupt_middle(path: Path, n: int = 5000) -> None:
    """Overwrite `n` bytes in the middle of the data (the header stays intact)."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(size // 2)
        f.write(bytes((i * 37 + 11) % 256 for i in range(min(n, size // 3))))


def test_training_records_the_weights_hash(tiny_baseline_dir: Path) -> None:
    info = json.loads((tiny_baseline_dir / MODEL_JSON).read_text())
    assert info["weights_sha256"] == {WEIGHTS: file_sha256(tiny_baseline_dir / WEIGHTS)}
    ModelDir(tiny_baseline_dir).check()  # an intact directory passes


def test_changed_weights_never_load(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    bad = _copy(tiny_baseline_dir, tmp_path / "bad")
    weights = bad / WEIGHTS
    expected = json.loads((bad / MODEL_JSON).read_text())["weights_sha256"][WEIGHTS]
    _corrupt_middle(weights)
    check_safetensors_header(weights)  # the header is intact: only the hash can tell
    found = file_sha256(weights)
    for load in (lambda: ModelDir(bad).check(), lambda: Scorer(bad)):
        with pytest.raises(ModelDirError) as info:
            load()
        msg = str(info.value)
        assert str(weights) in msg and expected in msg and found in msg
        assert "retrain" in msg and "restore" in msg


def test_corrupt_header_is_a_short_message(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    bad = _copy(tiny_baseline_dir, tmp_path / "bad")
    weights = bad / WEIGHTS
    data = bytearray(weights.read_bytes())
    data[8:40] = b"\xff" * 32  # the JSON header
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelDirError) as info:
        check_safetensors_header(weights)
    assert str(weights) in str(info.value) and "header" in str(info.value) and "retrain" in str(info.value)
    # Even without a recorded hash, the header is checked before any library parses the file.
    info_json = json.loads((bad / MODEL_JSON).read_text())
    del info_json["weights_sha256"]
    (bad / MODEL_JSON).write_text(json.dumps(info_json))
    with pytest.raises(ModelDirError, match="corrupt safetensors header"):
        Scorer(bad)


def test_unrecorded_or_missing_weights_are_refused(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    extra = _copy(tiny_baseline_dir, tmp_path / "extra")
    (extra / "sub").mkdir()
    shutil.copy(extra / WEIGHTS, extra / "sub" / WEIGHTS)
    with pytest.raises(ModelDirError, match="not recorded"):
        ModelDir(extra).check()
    info_json = json.loads((extra / MODEL_JSON).read_text())
    info_json["weights_sha256"]["gone/model.safetensors"] = "0" * 64
    (extra / MODEL_JSON).write_text(json.dumps(info_json))
    with pytest.raises(ModelDirError, match="missing"):
        ModelDir(extra).check()


def test_corrupt_json_is_a_model_dir_error(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    bad = _copy(tiny_baseline_dir, tmp_path / "bad")
    (bad / MODEL_JSON).write_text("{not json")
    with pytest.raises(ModelDirError, match="not valid JSON"):
        ModelDir(bad).check()


def test_an_ensemble_member_with_changed_weights_never_loads(tiny_ensemble_dir: Path, tmp_path: Path) -> None:
    bad = _copy(tiny_ensemble_dir, tmp_path / "ens")
    recorded = json.loads((bad / MODEL_JSON).read_text())["weights_sha256"]
    assert set(recorded) == {f"transformer/{WEIGHTS}", f"lexical/{WEIGHTS}"}
    Scorer(bad)  # intact
    member = bad / "lexical" / WEIGHTS
    _corrupt_middle(member)
    with pytest.raises(ModelDirError) as info:
        Scorer(bad)
    assert str(member) in str(info.value) and recorded[f"lexical/{WEIGHTS}"] in str(info.value)
    # The member alone refuses too: it carries its own record.
    with pytest.raises(ModelDirError):
        Scorer(bad / "lexical")


def test_hashing_cost_is_small(tmp_path: Path) -> None:
    """100 MB hash in well under a second (measured about 0.19 s on the 2-core development machine)."""
    big = tmp_path / "big"
    block = bytes(range(256)) * 4096  # 1 MiB
    with open(big, "wb") as f:
        for _ in range(100):
            f.write(block)
    start = time.perf_counter()
    file_sha256(big)
    assert time.perf_counter() - start < 5.0  # generous: the CI cores are shared
