"""The on-disk model directory: the one format that training writes and serving, eval and audits read.

This module is the only place that knows the file names. A model directory holds JSON and safetensors only
(no pickle). Layout:

    saring_model.json       format version, kind (transformer|baseline|ensemble), name, version id (from
                            the weights' digest), label order, max length, normaliser version, text
                            prefix, created, git commit, library versions, and the sha256 of every
                            weights file (weights_sha256; checked on load by ModelDir.verify_weights)
    calibration.json        per-label Platt parameters (probability = sigmoid(a * logit + b), plus a length
                            term for texts longer than a post where validation supports one)
    thresholds.json         per-risk decision thresholds: flag (review) and block, with the objective
    metrics.json            validation and test metrics
    operating_points.json   per risk, precision, recall and the share flagged at each threshold of one grid, on
                            validation and test (threshold queries: model.operating); absent in models trained
                            before 2026-12-04
    data_manifest.json      the cards, file hashes and split counts the model was trained on
    training_config.json    the full training configuration
    normalizer.json         the normaliser's version and resources (slang table; since version 2 the training
                            texts' words that masked words are read against), so serving needs no data mirror
    model.safetensors       weights (transformer: encoder + heads; baseline: coefficient matrices)
    encoder_config.json     the encoder's Hugging Face config (transformer)
    tokenizer/              the tokenizer files (transformer)
    baseline_vocab.json     the TF-IDF vocabularies and settings (baseline)
    ensemble.json           members and per-label weights (ensemble); each member is a complete model
                            directory in a subfolder (transformer/, lexical/), calibrated on its own
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

MODEL_JSON = "saring_model.json"
CALIBRATION_JSON = "calibration.json"
THRESHOLDS_JSON = "thresholds.json"
METRICS_JSON = "metrics.json"
OPERATING_POINTS_JSON = "operating_points.json"
MANIFEST_JSON = "data_manifest.json"
TRAINING_CONFIG_JSON = "training_config.json"
NORMALIZER_JSON = "normalizer.json"
WEIGHTS = "model.safetensors"
ENCODER_CONFIG_JSON = "encoder_config.json"
TOKENIZER_DIR = "tokenizer"
BASELINE_VOCAB_JSON = "baseline_vocab.json"
ENSEMBLE_JSON = "ensemble.json"

FORMAT_VERSION = 1
KINDS = ("transformer", "baseline", "ensemble")
REQUIRED_BY_KIND = {
    "transformer": [WEIGHTS, ENCODER_CONFIG_JSON],
    "baseline": [WEIGHTS, BASELINE_VOCAB_JSON],
    "ensemble": [ENSEMBLE_JSON],
}


class ModelDirError(ValueError):
    """A model directory that cannot be used, with what is wrong and how to fix it."""


class ModelDir:
    """Paths and JSON helpers for one model directory."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"ModelDir({str(self.path)!r})"

    # file paths -----------------------------------------------------------------------------------
    @property
    def model_json(self) -> Path:
        return self.path / MODEL_JSON

    @property
    def weights(self) -> Path:
        return self.path / WEIGHTS

    @property
    def tokenizer_dir(self) -> Path:
        return self.path / TOKENIZER_DIR

    @property
    def encoder_config(self) -> Path:
        return self.path / ENCODER_CONFIG_JSON

    @property
    def normalizer(self) -> Path:
        return self.path / NORMALIZER_JSON

    @property
    def baseline_vocab(self) -> Path:
        return self.path / BASELINE_VOCAB_JSON

    @property
    def ensemble(self) -> Path:
        return self.path / ENSEMBLE_JSON

    def weight_files(self) -> list[Path]:
        """Every weights file of the model, members included (for the version digest)."""
        return sorted(self.path.rglob(WEIGHTS))

    # json -------------------------------------------------------------------------------------------
    def read_json(self, name: str, default: Any = None) -> Any:
        p = self.path / name
        if not p.exists():
            if default is not None:
                return default
            raise ModelDirError(
                f"{self.path}: {name} is missing; expected a complete saring model directory. "
                f"Fix: point --model at a directory written by `saring train`, or retrain."
            )
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ModelDirError(
                f"{p}: not valid JSON ({e}); the model directory is corrupt. Fix: retrain "
                "(`saring train --out DIR`) or restore the directory from a backup."
            ) from None

    def write_json(self, name: str, data: Any) -> None:
        write_json_atomic(self.path / name, data)

    def info(self) -> dict[str, Any]:
        info = self.read_json(MODEL_JSON)
        if not isinstance(info, dict):
            raise ModelDirError(
                f"{self.model_json}: expected a JSON object (the model's kind, name and version), found a JSON "
                f"{'null' if info is None else type(info).__name__}; the model directory is corrupt. Fix: retrain "
                "(`saring train --out DIR`) or restore the model directory from a backup."
            )
        return info

    def check(self) -> dict[str, Any]:
        """Validate that this is a loadable saring model directory; return its info."""
        if not self.path.is_dir():
            raise ModelDirError(
                f"model directory {self.path} does not exist. Fix: train one with "
                f"`saring train --recipe default --out {self.path}` or pass --model / SARING_MODEL_DIR."
            )
        info = self.info()
        kind = info.get("kind")
        if kind not in KINDS:
            raise ModelDirError(f"{self.model_json}: kind {kind!r} found, expected one of {KINDS}")
        if info.get("format_version") != FORMAT_VERSION:
            raise ModelDirError(
                f"{self.model_json}: format_version {info.get('format_version')!r} found, this saring reads "
                f"{FORMAT_VERSION}; retrain the model with this version of saring"
            )
        for p in self.path.rglob("*"):
            if p.is_file() and p.suffix.lower() in {".pkl", ".pickle", ".bin", ".pt", ".pth", ".joblib", ".ckpt"}:
                raise ModelDirError(
                    f"{p}: model directories hold only safetensors and JSON; refusing a file that may be a "
                    "pickle. Fix: remove it, or retrain with saring."
                )
        required = [MODEL_JSON, CALIBRATION_JSON, THRESHOLDS_JSON, NORMALIZER_JSON, *REQUIRED_BY_KIND[kind]]
        missing = [n for n in required if not (self.path / n).exists()]
        if missing:
            raise ModelDirError(f"{self.path}: missing {missing}; the directory is incomplete. Fix: retrain.")
        self.verify_weights(info)
        return info

    def verify_weights(self, info: dict[str, Any] | None = None) -> None:
        """Check every weights file against the sha256 that training recorded in saring_model.json
        (`weights_sha256`, members' files included for an ensemble), and that each safetensors header
        parses. Raises ModelDirError naming the file, the expected and found hashes and the fix.

        Cost: one sequential read and SHA-256 of each file (about 0.15 s per 100 MB on this machine's CPU,
        see docs/api.md); a file already verified in this process with the same size, inode and change time
        is not hashed again (an ensemble's members are checked by the ensemble and when they load)."""
        info = self.info() if info is None else info
        recorded = info.get("weights_sha256")
        present = {str(p.relative_to(self.path)): p for p in self.weight_files()}
        if recorded is None:
            logger.warning(
                "%s records no weights_sha256: the weights cannot be verified. Retrain the model "
                "with this version of saring to record them",
                self.model_json,
            )
            recorded = {}
        elif not isinstance(recorded, dict):
            raise ModelDirError(
                f"{self.model_json}: weights_sha256 is a {type(recorded).__name__}, expected an "
                "object {file: sha256}. Fix: retrain, or restore the directory from a backup."
            )
        else:
            missing = sorted(set(recorded) - set(present))
            if missing:
                raise ModelDirError(
                    f"{self.path}: weights {missing} recorded in {MODEL_JSON} are missing; the "
                    "directory is incomplete. Fix: retrain, or restore it from a backup."
                )
            unrecorded = sorted(set(present) - set(recorded))
            if unrecorded:
                raise ModelDirError(
                    f"{self.path}: weights {unrecorded} are not recorded in {MODEL_JSON} "
                    "(weights_sha256); they were not written by training with this model. Fix: "
                    "remove them, retrain, or restore the directory from a backup."
                )
        for rel, path in sorted(present.items()):
            expected = recorded.get(rel)
            if expected is not None:
                found = verified_sha256(path)
                if found != str(expected).lower():
                    raise ModelDirError(
                        f"{path}: the weights are corrupt or were changed after training: sha256 {found} found, "
                        f"{expected} expected (recorded in {self.model_json}). Fix: retrain "
                        "(`saring train --out DIR`) or restore the model directory from a backup; a changed "
                        "model never serves."
                    )
            check_safetensors_header(path)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write a file through a temp file beside it and a rename, so readers never see half a file. The
    result is readable by others (mkstemp creates 0600; a server may run as another user)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def strict_json(obj: Any) -> Any:
    """NaN and infinity -> None and numpy scalars -> Python numbers, so the output is strict JSON."""
    import math

    import numpy as np

    if isinstance(obj, float | np.floating):
        v = float(obj)
        return v if math.isfinite(v) else None
    if isinstance(obj, np.integer | np.bool_):
        return obj.item()
    if isinstance(obj, dict):
        return {str(k): strict_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [strict_json(v) for v in obj]
    return obj


def write_json_atomic(path: str | Path, data: Any) -> Path:
    text = json.dumps(strict_json(data), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    return write_text_atomic(path, text)


@contextmanager
def staging_dir(final: str | Path) -> Iterator[Path]:
    """Build a directory beside `final` and move it into place only when the block succeeds, so a crash
    never leaves a half-written model where serving would look for one. An existing `final` is replaced."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging.", dir=final.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp creates 0700; the model must be readable by a server user
        if final.exists():
            old = final.with_name(f".{final.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def check_safetensors_header(path: str | Path) -> None:
    """Parse the header of a safetensors file (8-byte little-endian length, then JSON) and check that
    every tensor's byte range lies inside the file; ModelDirError naming the file and the fix otherwise."""
    path = Path(path)
    fix = "Fix: retrain (`saring train --out DIR`) or restore the model directory from a backup."
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise ModelDirError(
                f"{path}: not a safetensors file ({size} bytes, expected an 8-byte header length first). {fix}"
            )
        n = int.from_bytes(head, "little")
        if n <= 0 or n > min(size - 8, 100 * 1024 * 1024):
            raise ModelDirError(
                f"{path}: corrupt safetensors header (declares {n} header bytes in a file of {size} bytes). {fix}"
            )
        raw = f.read(n)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelDirError(f"{path}: corrupt safetensors header (not JSON: {e}). {fix}") from None
    if not isinstance(header, dict):
        raise ModelDirError(
            f"{path}: corrupt safetensors header (a JSON {type(header).__name__}, expected an object). {fix}"
        )
    data_size = size - 8 - n
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        offsets = meta.get("data_offsets") if isinstance(meta, dict) else None
        if (
            not isinstance(offsets, list)
            or len(offsets) != 2
            or not all(isinstance(o, int) for o in offsets)
            or not 0 <= offsets[0] <= offsets[1] <= data_size
        ):
            raise ModelDirError(
                f"{path}: corrupt safetensors header (tensor {name!r} has data offsets {offsets}, "
                f"expected [begin, end] within the {data_size} data bytes). {fix}"
            )


_VERIFIED: dict[tuple[str, int, int, int, int], str] = {}
_VERIFIED_LOCK = threading.Lock()


def verified_sha256(path: Path) -> str:
    """file_sha256 with a per-process memo keyed on (path, size, inode, mtime, ctime): any write to the file
    (or a change of its times) changes ctime, so a changed file is always hashed again."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)
    with _VERIFIED_LOCK:
        known = _VERIFIED.get(key)
    if known is not None:
        return known
    digest = file_sha256(path)
    with _VERIFIED_LOCK:
        if len(_VERIFIED) > 1024:
            _VERIFIED.clear()
        _VERIFIED[key] = digest
    return digest


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions of the libraries that write a model, recorded in it (like sentence-transformers does)."""
    import platform
    from importlib import metadata

    out = {"python": platform.python_version()}
    for pkg in ("saring", "torch", "transformers", "tokenizers", "safetensors", "scikit-learn", "numpy"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            continue
    return out


def git_commit() -> str | None:
    import subprocess

    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True, timeout=5
    ).stdout.strip()
    return out.stdout.strip() + ("-dirty" if dirty else "")
