"""Scoring validation and test in the training step with the int8 copy the model is served with.

On a CPU without bf16 units the loop runs in fp32, and so did the validation pass at the budget's end and the test
split after it: 78-79 s each for the `default` recipe's 4,140 and 4,694 texts on 2 cores of an AMD EPYC with AVX2
alone, where the int8 copy takes 42-44 s (built in 10-13 s; sixty-second session). The ensemble step then scored both
splits again with that same int8 copy. With `scoring_precision` int8 (or auto, on such a CPU), every evaluation
builds an int8 copy of the weights it scores in a scratch folder (the copy serving uses: same export, same checks
against fp32), scores validation with it and keeps the copy of the best; after the loop that copy scores test, moves
into the shared int8 cache under the saved weights' sha256, and its logits of both splits go to the ensemble step,
which takes them instead of scoring the member again (`StepScores`). The time saved goes to the loop's budget.

Calibration and flags are then fitted on the logits of the copy that serves the model, not on fp32's (the two move
probabilities by about 0.01 on average, the int8 gate's own figure).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from model.int8 import Int8Unavailable, OnnxInt8, build_int8_lower, int8_cache_dir, load_int8
from model.modeldir import ModelDir, verified_sha256
from model.network import RiskClassifier, TransformerBackend, save_weights
from model.paths import cache_dir

logger = logging.getLogger(__name__)

# A scratch folder this old belongs to a training that was killed before it could remove it (SIGKILL, power loss):
# no training step runs a day, and a running one touches its folder at every evaluation.
STALE_SCRATCH_SECONDS = 24 * 3600


def remove_stale_scratch(root: Path) -> None:
    """Remove the scratch folders under the int8 cache `root` that killed trainings left (STALE_SCRATCH_SECONDS)."""
    now = time.time()
    for folder in root.glob(".training-*"):
        try:
            if now - folder.stat().st_mtime > STALE_SCRATCH_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
                logger.info("removed %s, left by a training that did not finish", folder)
        except OSError:  # removed meanwhile by another process
            continue


def scores_in_int8(setting: str, device: torch.device, loop_autocast: torch.dtype | None) -> bool:
    """Whether the training step scores validation and test with the int8 copy (TrainConfig.scoring_precision):
    "int8" on a CPU; "auto" on a CPU whose loop runs in fp32 (no bf16 units: there the int8 copy scores at 1.8-1.9x
    fp32); "loop" never. Never on a GPU, where int8 is not a path (the loop's precision scores there)."""
    if device.type != "cpu" or setting == "loop":
        return False
    return setting == "int8" or loop_autocast is None


@dataclass
class Int8Copy:
    """An int8 copy of the weights one evaluation scored: the backend that runs it, load_int8's record (its
    `sha256`, `weights_sha256`, the check against fp32) and the scratch folder that holds it."""

    backend: TransformerBackend
    info: dict[str, Any]
    folder: Path
    build_seconds: float


@dataclass
class StepScores:
    """The transformer's raw logits of validation and test (by split name: "validation", "test") as the training
    step scored them with its int8 copy (`int8_sha256`, the ONNX file's sha256, run on `threads` threads): the
    ensemble step takes them instead of scoring that member again when the member runs the same copy on as many
    threads (the same file, the same batches, the same row blocks: the same logits)."""

    int8_sha256: str | None = None
    threads: int = 0
    logits: dict[str, np.ndarray] = field(default_factory=dict)

    def for_member(self, backend: Any, split: str, n_texts: int) -> np.ndarray | None:
        """The logits of `split` when `backend` (a member's) runs the copy that scored them; None otherwise."""
        runner = getattr(backend, "int8", None)
        logits = self.logits.get(split)
        if self.int8_sha256 is None or runner is None or logits is None or len(logits) != n_texts:
            return None
        if getattr(backend, "int8_copy", None) != self.int8_sha256 or runner.threads != self.threads:
            return None
        return logits


class Int8Scratch:
    """Int8 copies of a network in training, built in a scratch folder beside the int8 cache (so that the copy kept
    moves into the cache by a rename), removed by `close`."""

    def __init__(self, make_backend: Callable[[], TransformerBackend], threads: int) -> None:
        """`make_backend()`: a TransformerBackend over the network (the trainer's batch size, prefix and length: those
        the model directory records, so that the served backend batches alike); `threads`: the int8 copy's."""
        self.make_backend = make_backend
        self.threads = threads
        self.failed: str | None = None  # why a copy could not be built: the step scores in the loop's precision
        self._n = 0
        self.root: Path | None = None  # the scratch folder; None when none could be made
        self._remove: weakref.finalize[Any, Any] | None = None
        root = cache_dir() / "int8"
        try:
            root.mkdir(parents=True, exist_ok=True)
            remove_stale_scratch(root)
            self.root = Path(tempfile.mkdtemp(prefix=".training-", dir=root))
        except OSError as e:  # a read-only or misnamed cache ($SARING_CACHE_DIR)
            self.failed = f"no scratch folder for int8 copies in {root} ({e})"
            logger.warning("%s; validation and test are scored in the loop's precision instead", self.failed)
            return
        # removed when the training step ends, or fails, or the process exits
        self._remove = weakref.finalize(self, shutil.rmtree, self.root, True)

    def copy_of(self, net: RiskClassifier, give_up: bool = True) -> Int8Copy | None:
        """An int8 copy of `net`'s current weights, checked against fp32 like the served one; None (with a warning,
        once, and None from then on unless `give_up` is False) when it cannot be built or fails the check."""
        if self.failed is not None or self.root is None:
            return None
        self._n += 1
        folder = self.root / f"copy-{self._n}"
        md = ModelDir(folder)
        t0 = time.perf_counter()
        try:
            folder.mkdir()
            save_weights(md, net)
            backend = self.make_backend()
            runner, info = load_int8(md, net, backend.tok, self.threads, folder=folder / "int8")
        except (Int8Unavailable, OSError) as e:  # OSError: the scratch folder is full or gone
            shutil.rmtree(folder, ignore_errors=True)
            if give_up:
                self.failed = str(e)
                logger.warning("%s; validation and test are scored in the loop's precision instead", e)
            else:
                logger.info("%s; the step budget's estimate takes the loop's precision", e)
            return None
        backend.int8, backend.int8_info = runner, info
        return Int8Copy(backend, info, folder, time.perf_counter() - t0)

    def lower_copy(self, net: RiskClassifier, layers: int) -> tuple[OnnxInt8, dict[str, Any]] | None:
        """An int8 copy of `net`'s embeddings and first `layers` layers (model.int8.build_int8_lower), for the loop's
        frozen part (TrainConfig.frozen_precision); None, with a warning, when it cannot be built or fails the check
        (the frozen part then runs in the loop's precision). Leaves `failed` alone: scoring may still build copies."""
        if self.root is None:
            logger.warning("%s; the frozen layers run in the loop's precision", self.failed)
            return None
        try:
            return build_int8_lower(net, self.make_backend().tok, layers, self.root / "lower", self.threads)
        except Int8Unavailable as e:
            logger.warning("%s; the frozen layers run in the loop's precision", e)
            return None

    def discard(self, copy: Int8Copy | None) -> None:
        if copy is not None:
            shutil.rmtree(copy.folder, ignore_errors=True)

    def keep(self, copy: Int8Copy, weights: Path) -> bool:
        """Move `copy` into the int8 cache for the saved `weights` file (where serving and the ensemble step look for
        it) when they are the weights it was built from; False (the cache left alone) when not, or when the cache
        already holds a copy of them."""
        sha = verified_sha256(weights)
        if sha != copy.info.get("weights_sha256"):
            logger.warning("the saved weights differ from those the int8 copy was built from; it is not cached")
            return False
        target = int8_cache_dir(sha)
        if target.exists():
            return False
        try:
            os.replace(copy.folder / "int8", target)
        except OSError as e:  # another process cached the same weights first, or the cache is read-only
            logger.info("the int8 copy was not moved into the cache (%s)", e)
            return False
        return True

    def close(self) -> None:
        if self._remove is not None:
            self._remove()
