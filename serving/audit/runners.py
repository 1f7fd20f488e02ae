"""Where an audit's chunks are scored: in this process, or on a Dask distributed cluster (a local one of N
worker processes, or an existing one). Both take raw chunks in (`submit`) and give scored frames back
(`next_done`); the driver (serving.audit.run) writes every part file and ledger line itself, so the
exactly-once bookkeeping is the same for both.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from pathlib import Path
from typing import Any

from serving.audit.inputs import AuditColumns, RawChunk
from serving.audit.ledger import AuditError
from serving.audit.score import get_scorer, score_frame, worker_model_identity

logger = logging.getLogger(__name__)


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers set), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def worker_env(workers: int) -> dict[str, str]:
    """The environment of a local cluster's worker processes, so that N workers on C cores run C threads of
    math in all, not N x C: one Dask task at a time per worker (threads_per_worker=1), C // N intra-op threads
    each for the kernel (SARING_THREADS), torch and OpenMP/MKL/OpenBLAS, and no tokenizer thread pool (the
    scorer makes one tokenizer call per batch; the workers are the parallelism). Dask itself would pin
    OMP_NUM_THREADS=1, which leaves a lone worker on one core."""
    cores = usable_cores()
    if workers > cores:
        logger.warning("%d workers on %d core(s): each gets one thread and they share the cores; use --workers "
                       "%d or fewer", workers, cores, cores)
    share = str(max(1, cores // max(1, workers)))
    env = {k: share for k in ("SARING_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                              "RAYON_NUM_THREADS")}
    env["TOKENIZERS_PARALLELISM"] = "false"
    return env


class InProcessRunner:
    """Scores each chunk in this process as it is submitted."""

    capacity = 1

    def __init__(self, model_dir: Path, columns: AuditColumns, drop_text: bool) -> None:
        self.scorer = get_scorer(model_dir)
        self.columns = columns
        self.drop_text = drop_text
        self.done: deque[tuple[RawChunk, Any]] = deque()
        self.mode = "in-process"

    def submit(self, raw: RawChunk) -> None:
        frame, raw.frame = raw.frame, None
        self.done.append((raw, score_frame(frame, self.scorer, self.columns, drop_text=self.drop_text)))

    def next_done(self) -> tuple[RawChunk, Any]:
        return self.done.popleft()

    def close(self) -> None:
        self.done.clear()


class DaskRunner:
    """Sends chunks to a Dask distributed cluster; each worker loads the model once (serving.audit.score
    keeps it in a per-process cache). At most `capacity` chunks are in flight, which bounds memory."""

    def __init__(self, model_dir: Path, columns: AuditColumns, drop_text: bool, identity: tuple[str, str],
                 scheduler: str | None, workers: int) -> None:
        from distributed import Client, LocalCluster, as_completed

        self.cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="30s")
                self.mode = f"Dask cluster at {scheduler}"
            else:
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            host="127.0.0.1", dashboard_address=None,
                                            silence_logs=logging.WARNING, env=worker_env(workers))
                self.client = Client(self.cluster)
                self.mode = f"local Dask cluster, {workers} worker process(es)"
        except OSError as e:
            raise AuditError(f"cannot reach the Dask scheduler {scheduler} ({e}). Fix: check the address and "
                             "that `dask scheduler` runs there, or leave out --scheduler") from e
        self.model_dir = str(Path(model_dir).resolve())
        self.columns = columns
        self.drop_text = drop_text
        try:
            loaded = self.client.run(worker_model_identity, self.model_dir)
        except Exception as e:
            self.close()
            raise AuditError(f"a Dask worker could not load the model from {self.model_dir} ({e}). Fix: every "
                             "worker must see the model directory at the same path (a shared folder) and have "
                             "saring installed") from e
        wrong = {w: tuple(v) for w, v in loaded.items() if tuple(v) != identity}
        if wrong:
            self.close()
            raise AuditError(f"Dask workers loaded another model than {identity[0]} {identity[1]}: {wrong}. Fix: "
                             "make the same model directory visible to every worker")
        threads = sum(self.client.nthreads().values()) or 1
        self.capacity = max(2, 2 * threads)
        self.pending: dict[str, tuple[RawChunk, Any]] = {}
        self.ac = as_completed()
        logger.info("%s: %d worker thread(s); model loaded on every worker", self.mode, threads)

    def submit(self, raw: RawChunk) -> None:
        frame, raw.frame = raw.frame, None
        data = self.client.scatter(frame, hash=False)
        fut = self.client.submit(score_frame, data, self.model_dir, self.columns, drop_text=self.drop_text,
                                 pure=False)
        self.pending[fut.key] = (raw, fut)
        self.ac.add(fut)

    def next_done(self) -> tuple[RawChunk, Any]:
        fut = next(self.ac)
        raw, _ = self.pending.pop(fut.key)
        return raw, fut.result()

    def close(self) -> None:
        try:
            for _, fut in getattr(self, "pending", {}).values():
                fut.cancel()
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
