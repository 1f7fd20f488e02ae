"""Where an audit's chunks are scored: in this process, or on a Dask distributed cluster (a local one of N
worker processes, or an existing one). Both take raw chunks in (`submit`) and give scored frames back
(`next_done`); the driver (serving.audit.run) writes every part file and ledger line itself, so the
exactly-once bookkeeping is the same for both.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

from serving.audit.inputs import AuditColumns, RawChunk
from serving.audit.ledger import AuditError
from serving.audit.score import get_scorer, score_frame

if TYPE_CHECKING:
    from model.terms import TermEntry

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
        logger.warning(
            "%d workers on %d core(s): each gets one thread and they share the cores; use --workers %d or fewer",
            workers,
            cores,
            cores,
        )
    share = str(max(1, cores // max(1, workers)))
    env = {
        k: share
        for k in ("SARING_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RAYON_NUM_THREADS")
    }
    env["TOKENIZERS_PARALLELISM"] = "false"
    return env


def prepare_worker(
    model_dir: str,
    precision: str,
    dask_threads_on_host: dict[str, int],
    driver: tuple[str, int],
    dask_worker: Any = None,
) -> dict[str, Any]:
    """Run on each Dask worker at the start (`Client.run`): give the worker its share of its machine's cores
    when nobody chose one, load the model in `precision` into the process's cache, and say what runs.

    The share is the machine's usable cores divided by the Dask threads of all workers on it (so that N
    workers x T threads x S intra-op threads = the cores). It goes to SARING_THREADS before the model is
    loaded (the kernel, torch and ONNX Runtime read it there). A worker started with SARING_THREADS keeps it,
    as does a local cluster's (serving.audit.runners.worker_env), and a worker that is a thread of the
    driver's own process changes nothing there."""
    from distributed.comm import get_address_host

    host = get_address_host(dask_worker.address) if dask_worker is not None else socket.gethostname()
    in_driver = (socket.gethostname(), os.getpid()) == tuple(driver)
    if not in_driver:
        if not os.environ.get("SARING_THREADS"):
            share = max(1, usable_cores() // max(1, dask_threads_on_host.get(host, 1)))
            os.environ["SARING_THREADS"] = str(share)
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    s = get_scorer(model_dir, precision)
    torch = sys.modules.get("torch")
    # a transformer's forward passes use torch's intra-op count (ONNX Runtime is given the same); the TF-IDF
    # baseline alone runs on one thread
    threads = torch.get_num_threads() if torch is not None and s.kind != "baseline" else 1
    return {
        "name": s.name,
        "version": s.version,
        "precision": s.precision,
        "int8_copy": s.int8_copy,
        "runtime": s.runtime,
        "host": host,
        "cores": usable_cores(),
        "intra_op_threads": threads,
        "in_driver": in_driver,
    }


def agreed_int8_copy(loaded: dict[str, dict[str, Any]]) -> str | None:
    """The int8 file (sha256) that every worker loaded, None where none runs int8; AuditError when workers
    loaded different copies (another saring or onnxruntime version quantised the same weights differently)."""
    copies = {v.get("int8_copy") for v in loaded.values()}
    if len(copies) > 1:
        each = {w: (v.get("int8_copy") or "none")[:16] for w, v in loaded.items()}
        raise AuditError(
            f"Dask workers run different int8 copies of the model (sha256 prefixes {each}): their saring or "
            "onnxruntime versions differ, and the copies' scores differ in hundredths; one audit must not mix "
            "them. Fix: install the same saring and onnxruntime on every worker, or pass --precision fp32"
        )
    return copies.pop() if copies else None


def agreed_runtime(loaded: dict[str, dict[str, Any]]) -> str | None:
    """The library (and version) that runs the transformer on every worker; AuditError when workers differ (one
    without OpenVINO runs bf16 on torch): a chunk's ledger line names the one library that scored it."""
    runtimes = {v.get("runtime") for v in loaded.values()}
    if len(runtimes) > 1:
        each = {w: v.get("runtime") or "none" for w, v in loaded.items()}
        raise AuditError(
            f"Dask workers run the transformer on different libraries or versions ({each}); one run records one "
            "per chunk. Fix: install the same saring, openvino, onnxruntime and torch on every worker (pip "
            "install saring's pinned versions), or pass --precision fp32"
        )
    return runtimes.pop() if runtimes else None


class InProcessRunner:
    """Scores each chunk in this process as it is submitted."""

    capacity = 1

    def __init__(
        self,
        model_dir: Path,
        columns: AuditColumns,
        drop_text: bool,
        precision: str | None = None,
        terms: list[TermEntry] | None = None,
    ) -> None:
        self.scorer = get_scorer(model_dir, precision)
        self.terms = terms
        self.precision = self.scorer.precision
        self.int8_copy = self.scorer.int8_copy
        self.runtime = self.scorer.runtime
        self.columns = columns
        self.drop_text = drop_text
        self.done: deque[tuple[RawChunk, Any]] = deque()
        self.mode = "in-process"

    def submit(self, raw: RawChunk) -> None:
        frame, raw.frame = raw.frame, None
        self.done.append(
            (raw, score_frame(frame, self.scorer, self.columns, drop_text=self.drop_text, terms=self.terms))
        )

    def next_done(self) -> tuple[RawChunk, Any]:
        return self.done.popleft()

    def close(self) -> None:
        self.done.clear()


class DaskRunner:
    """Sends chunks to a Dask distributed cluster; each worker loads the model once (serving.audit.score
    keeps it in a per-process cache), in the precision the driver asks for. At most `capacity` chunks are in
    flight, which bounds memory."""

    def __init__(
        self,
        model_dir: Path,
        columns: AuditColumns,
        drop_text: bool,
        identity: tuple[str, str],
        scheduler: str | None,
        workers: int,
        precision: str | None = None,
        terms: list[TermEntry] | None = None,
    ) -> None:
        from distributed import Client, LocalCluster, as_completed
        from distributed.comm import get_address_host

        from model.network import resolve_precision

        self.requested_precision = resolve_precision(precision)
        self.cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="30s")
                self.mode = f"Dask cluster at {scheduler}"
            else:
                self.cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.WARNING,
                    env=worker_env(workers),
                )
                self.client = Client(self.cluster)
                self.mode = f"local Dask cluster, {workers} worker process(es)"
        except OSError as e:
            raise AuditError(
                f"cannot reach the Dask scheduler {scheduler} ({e}). Fix: check the address and "
                "that `dask scheduler` runs there, or leave out --scheduler"
            ) from e
        self.model_dir = str(Path(model_dir).resolve())
        self.columns = columns
        self.drop_text = drop_text
        self.terms = terms
        nthreads = self.client.nthreads()
        on_host: dict[str, int] = {}
        for addr, k in nthreads.items():
            on_host[get_address_host(addr)] = on_host.get(get_address_host(addr), 0) + k
        try:
            loaded = self.client.run(
                prepare_worker, self.model_dir, self.requested_precision, on_host, (socket.gethostname(), os.getpid())
            )
        except Exception as e:
            self.close()
            raise AuditError(
                f"a Dask worker could not load the model from {self.model_dir} ({e}). Fix: every "
                "worker must see the model directory at the same path (a shared folder) and have "
                "saring installed"
            ) from e
        wrong = {w: (v["name"], v["version"]) for w, v in loaded.items() if (v["name"], v["version"]) != identity}
        if wrong:
            self.close()
            raise AuditError(
                f"Dask workers loaded another model than {identity[0]} {identity[1]}: {wrong}. Fix: "
                "make the same model directory visible to every worker"
            )
        precisions = {v["precision"] for v in loaded.values()}
        if len(precisions) > 1:
            self.close()
            each = {w: v["precision"] for w, v in loaded.items()}
            raise AuditError(
                f"Dask workers score in different precisions ({each}): "
                f"{self.requested_precision} could not be used on some (their logs say why: an int8 copy that "
                "cannot be used falls back to bf16 on CPUs with bf16 matrix units and to fp32 elsewhere); one audit "
                "must not mix them. Fix: pass --precision fp32 (every machine runs it), or install the same "
                "onnxruntime on every worker"
            )
        self.precision = precisions.pop() if precisions else self.requested_precision
        try:
            self.int8_copy = agreed_int8_copy(loaded)
            self.runtime = agreed_runtime(loaded)
        except AuditError:
            self.close()
            raise
        self._check_threads(loaded, nthreads)
        threads = sum(nthreads.values()) or 1
        self.capacity = max(2, 2 * threads)
        self.pending: dict[Any, tuple[RawChunk, Any]] = {}  # by the future's key
        self.ac = as_completed()
        logger.info("%s: %d worker thread(s); model loaded on every worker (%s)", self.mode, threads, self.precision)

    @staticmethod
    def _check_threads(loaded: dict[str, dict[str, Any]], nthreads: dict[str, int]) -> None:
        """Log each worker's thread settings; warn where a machine runs more threads of math than it has cores."""
        per_host: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for w, v in loaded.items():
            per_host.setdefault(v["host"], []).append((w, v))
            logger.info(
                "worker %s: %s, %d Dask thread(s) x %d intra-op thread(s) on %d core(s)",
                w,
                v["precision"],
                nthreads.get(w, 1),
                v["intra_op_threads"],
                v["cores"],
            )
        for host, ws in per_host.items():
            if any(v["in_driver"] for _, v in ws):
                continue  # worker threads of this very process share its own thread settings
            total = sum(nthreads.get(w, 1) * v["intra_op_threads"] for w, v in ws)
            cores = max(v["cores"] for _, v in ws)
            if total > cores:
                logger.warning(
                    "%s: %d worker(s) run %d threads of math on %d core(s), which slows every one of "
                    "them. Fix: start its workers with --nthreads 1 and SARING_THREADS=%d (cores / "
                    "workers) or fewer",
                    host,
                    len(ws),
                    total,
                    cores,
                    max(1, cores // len(ws)),
                )

    def submit(self, raw: RawChunk) -> None:
        frame, raw.frame = raw.frame, None
        data = self.client.scatter(frame, hash=False)
        fut = self.client.submit(
            score_frame,
            data,
            self.model_dir,
            self.columns,
            drop_text=self.drop_text,
            precision=self.requested_precision,
            terms=self.terms,
            pure=False,
        )
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
