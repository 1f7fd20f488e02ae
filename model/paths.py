"""Where saring finds its data, caches and models. Every default can be overridden by an environment
variable, so the same code runs from a checkout, in CI and in the Docker image."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def catalogue_dir() -> Path:
    """The dataset cards: `$SARING_CATALOGUE_DIR`, else `datasets/` in the project root."""
    return Path(os.environ.get("SARING_CATALOGUE_DIR") or PROJECT_ROOT / "datasets")


def data_mirror() -> Path | None:
    """A local mirror of the catalogue's files: `$SARING_DATA_MIRROR`, else `../shared/datasets` beside
    the project when it exists, else None (files are then downloaded from their pinned source)."""
    env = os.environ.get("SARING_DATA_MIRROR")
    if env:
        return Path(env)
    default = PROJECT_ROOT.parent / "shared" / "datasets"
    return default if default.is_dir() else None


def cache_dir() -> Path:
    """Downloads, the converted base encoder and other rebuildable files: `$SARING_CACHE_DIR`, else
    `~/.cache/saring`. Never inside the repository."""
    return Path(os.environ.get("SARING_CACHE_DIR") or Path.home() / ".cache" / "saring")


def default_model_dir() -> Path:
    """`$SARING_MODEL_DIR`, else `models/default` in the project root (git-ignored)."""
    return Path(os.environ.get("SARING_MODEL_DIR") or PROJECT_ROOT / "models" / "default")


def data_dir() -> Path:
    """Durable data that cannot be rebuilt (feedback, stored items, the claim store): `$SARING_DATA_DIR`,
    else `$XDG_DATA_HOME/saring`, else `~/.local/share/saring`. Never the cache."""
    env = os.environ.get("SARING_DATA_DIR")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "saring"
