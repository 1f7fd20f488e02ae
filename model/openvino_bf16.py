"""bf16 inference of the transformer member through OpenVINO: the fp32 ONNX export compiled by OpenVINO's CPU
plugin with bf16 inference precision, run as one row block per thread, and the check against fp32 that every
load runs.

Why: on a CPU that multiplies bf16 in hardware (AMX-BF16, AVX-512 BF16) OpenVINO fuses the encoder's element-wise
work (Softmax, Gelu, LayerNorm, Add: 40% of ONNX Runtime's int8 time on this model) into its own kernels. Measured
on the twenty-sixth session's 12-layer default member (raw Ibrohim tweets, the scorer's length buckets, 2 idle cores
with AMX, interleaved rounds in one process): the network alone 435 rows/s against torch bf16's 351 and ONNX Runtime
int8's 333 (medians of seven rounds); the whole `Scorer.score` 1.13x int8 at 32 rows a batch and 1.20x at 128
(per-round ratios, medians of nine rounds; single rounds range 0.8-1.75x on this drifting machine). Since the
seventy-second session it compiles without OpenVINO's snippets (OpenVinoBf16._compiled): Gelu and LayerNorm still
run fused, while Softmax and the attention's transposes run as nodes of their own, and the attention's products move
onto the AMX tiles (1.16-1.18x `Scorer.score`). It moves probabilities as little as torch bf16 (mean 0.0005 from
fp32 on the ensemble's scores, decisions 99.5% the same; int8 0.009 and 96%). One short text at a time it is slower
than int8 (p50 17.7 against 9.6 ms; torch bf16 21.5), so the served default stays int8 and this is what `bf16` runs
on a CPU. OpenVINO's own int8 (NNCF, MIXED preset, with and without SmoothQuant) was no faster than this and moved
probabilities 0.018-0.046, so it is not used.

Like the int8 copy, the ONNX file is a build output, never part of the model directory: exported on first load
into `$SARING_CACHE_DIR/openvino/<weights sha256>/`, its sha256 recorded beside it in `openvino.json` and
checked on every load. Where OpenVINO is not installed or the copy fails the check, the backend says why and
runs torch's bf16.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from model.int8 import (
    balanced_blocks,
    cached_copy,
    compare_with_fp32,
    export_fp32_onnx,
    gate_failure,
    trim_padding,
    write_record,
)
from model.modeldir import ModelDir, file_sha256, verified_sha256

if TYPE_CHECKING:
    from model.network import RiskClassifier, Tokenized

logger = logging.getLogger(__name__)

OPENVINO_FORMAT = 1  # bump when the export changes: cached files are rebuilt
# The length buckets of the scorer when OpenVINO runs bf16 (at least these; see TransformerBackend.use_bf16).
OPENVINO_BATCH_ROWS = 128
OPENVINO_BATCH_TOKENS = 8192
# Batches of up to this many rows run on one stream over every thread (OpenVinoBf16._small_batch), checked once
# against the streams' logits: they differ by up to 0.04 where the streams pad blocks differently; 0.1 catches a
# compilation that computes something else.
SMALL_BATCH_ROWS = 4
SMALL_BATCH_TOLERANCE = 0.1


class OpenVinoUnavailable(RuntimeError):
    """The OpenVINO copy cannot be built or did not match the fp32 network; the backend runs torch's bf16."""


def openvino_cache_dir(weights_sha256: str) -> Path:
    from model.paths import cache_dir

    return cache_dir() / "openvino" / weights_sha256[:32]


class OpenVinoBf16:
    """The fp32 ONNX graph compiled by OpenVINO for the CPU in bf16: `(ids, mask) -> logits`.

    One stream of one thread per core: a batch is cut into `threads` row blocks balanced by cost (as the int8
    runner does, `balanced_blocks`), each run on its own stream and cut to its own longest row; a batch of up to
    SMALL_BATCH_ROWS rows runs on a second compilation, one stream on every thread (`_small_batch`). Requests are
    reused under a lock, so concurrent callers take turns (the scorer's callers already do: the API's
    micro-batcher has one worker). In a forked child the compiled models are rebuilt."""

    def __init__(self, path: Path, threads: int) -> None:
        self.path = path
        self.threads = max(1, threads)
        self._lock = threading.Lock()
        self._pid = 0
        self._compile()

    def _compile(self) -> None:
        self.compiled = self._compiled("THROUGHPUT", streams=self.threads)
        self.requests = [self.compiled.create_infer_request() for _ in range(self.threads)]
        self.small: Any = None  # the LATENCY compilation for small batches, built on first use (_small_batch)
        self.small_state = "unused" if self.threads > 1 else "one thread"
        self._pid = os.getpid()

    def _compiled(self, hint: str, streams: int) -> Any:
        """The ONNX file compiled for the CPU in bf16 with `hint` (THROUGHPUT, LATENCY) and `streams` streams over
        `threads` threads.

        Both compile without OpenVINO's "snippets". Those fuse each layer's attention (MatMul, Softmax, MatMul) into
        one kernel, which here ran with AVX-512 bf16 instructions, not on the AMX tiles the other matrix products
        use: 21-32% of the network's time in OpenVINO's own profile. Without them the attention runs as oneDNN's
        separate products, on the tiles in the same profile. Measured on 2 cores of a Xeon with AMX (seventy-second
        session, the default model, raw tweets, interleaved rounds in one process): the network alone 1.22x on the
        batches `Scorer.score` sends (median per-round ratio of five rounds, 800 tweets); `Scorer.score` in bf16 476
        -> 556 and 492 -> 576 texts/s (1.16x and 1.18x, medians of seven rounds in two runs, 400 tweets); logits as
        close to fp32's as before. Level (1.02x) where oneDNN was held to AVX-512 BF16 (ONEDNN_MAX_CPU_ISA), a CPU
        without tiles. One post at a time the fused kernel was a little faster (p50 7.3-7.7 against 8.1-8.4 ms, p99
        12.7-13.9 against 13.7-13.9 ms, the same two runs), but a small-batch compilation that keeps it gives a row
        logits up to 0.09 away from the streams' (mean 0.027, 200 tweets), where the same kernels give the streams'
        logits exactly and SMALL_BATCH_TOLERANCE drops a compilation at 0.1: so both compile alike."""
        import openvino as ov

        core = ov.Core()
        return core.compile_model(
            core.read_model(str(self.path)),
            "CPU",
            {
                "INFERENCE_PRECISION_HINT": "bf16",
                "PERFORMANCE_HINT": hint,
                "NUM_STREAMS": streams,
                "INFERENCE_NUM_THREADS": self.threads,
                # OpenVINO pins its stream threads to cores by default, each process from the machine's first
                # core: two one-thread Dask workers on 2 cores then shared one core (audit benchmark, bf16: 52%
                # of Scorer.score pinned, 144% not). In one process pinning gained nothing measurable (1.04x,
                # median per-round ratio of nine interleaved rounds, 800 tweets), so threads are never pinned.
                "ENABLE_CPU_PINNING": False,
                "SNIPPETS_MODE": "DISABLE",
            },
        )

    def _small_batch(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray | None:
        """Up to SMALL_BATCH_ROWS rows on every thread at once, or None where that is not available (one thread;
        the compilation failed).

        A stream runs on one thread, so a post scored alone (the API's single texts, a console check) used half of 2
        cores, and a long one, cut into windows, ran its 2-3 windows as blocks of one row each. OpenVINO's LATENCY
        compilation runs them as one block on both threads: `Scorer.score` one raw tweet at a time (400, 12% of them
        over one 64-token window; fiftieth session's default model, 2 idle cores of a Xeon with AMX) p50 7.3-7.8 ->
        6.7-6.9 ms and p99 20-26 -> 12-14 ms; network calls alone, per batch size, median of three interleaved rounds:
        1.63x at 1 row, 1.18x at 2, 1.07x at 4, 0.94x at 8 (hence 4). It is a second compiled copy of the network (about
        240 MB resident), so it is built only when a small batch first comes (the API's start-up canary, 1.6 s before
        the server is ready), never in audits' large batches. One row gives the streams' logits exactly; 2-4 rows,
        padded here to the longest of them where the streams pad each block to its own, within 0.04 (the same order as a
        text's logits move between batches of the streams). Its first answer is checked against the streams' and the
        compilation is dropped, with a warning, if they differ by more than SMALL_BATCH_TOLERANCE."""
        if self.small_state in ("one thread", "failed"):
            return None
        if self.small is None:
            try:
                compiled = self._compiled("LATENCY", streams=1)
                request = compiled.create_infer_request()
                request.infer(self._inputs(ids, mask))
                got = np.array(request.get_output_tensor(0).data, dtype=np.float32)
            except Exception as e:  # a CPU plugin that refuses the configuration: the streams run small batches
                logger.warning(
                    "OpenVINO's small-batch compilation failed (%s: %s); small batches run on the streams",
                    type(e).__name__,
                    e,
                )
                self.small_state = "failed"
                return None
            expected = self._streams(ids, mask)
            gap = float(np.abs(got - expected).max())
            if gap > SMALL_BATCH_TOLERANCE:
                logger.warning(
                    "OpenVINO's small-batch compilation gave logits %.4g away from the streams' (at most %g "
                    "expected); small batches run on the streams",
                    gap,
                    SMALL_BATCH_TOLERANCE,
                )
                self.small_state = "failed"
                return expected
            self.small, self.small_state = request, "on"
            return got
        self.small.infer(self._inputs(ids, mask))
        return np.array(self.small.get_output_tensor(0).data, dtype=np.float32)

    @staticmethod
    def _inputs(ids: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
        ids, mask = trim_padding(ids, mask)
        return {"input_ids": np.ascontiguousarray(ids), "attention_mask": np.ascontiguousarray(mask)}

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        with self._lock:
            if self._pid != os.getpid():
                self._compile()
            if len(ids) <= SMALL_BATCH_ROWS:
                small = self._small_batch(ids, mask)
                if small is not None:
                    return small
            return self._streams(ids, mask)

    def _streams(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The rows cut into one block per stream, run at once (the caller holds the lock)."""
        blocks = min(self.threads, len(ids))
        parts = balanced_blocks(mask.sum(axis=1), blocks) if blocks > 1 else [np.arange(len(ids))]
        used = self.requests[: len(parts)]
        for req, idx in zip(used, parts, strict=True):
            req.start_async(self._inputs(ids[idx], mask[idx]))
        out: np.ndarray | None = None
        for req, idx in zip(used, parts, strict=True):
            req.wait()
            got = req.get_output_tensor(0).data
            if out is None:
                out = np.empty((len(ids), got.shape[1]), dtype=np.float32)
            out[idx] = got
        assert out is not None
        return out


def load_openvino_bf16(
    md: ModelDir, net: RiskClassifier, tok: Tokenized, threads: int
) -> tuple[OpenVinoBf16, dict[str, Any]]:
    """The cached OpenVINO bf16 copy of `net` (its ONNX export built on first use), checked by sha256 and against
    the fp32 logits with the int8 gates. Raises OpenVinoUnavailable (with the reason) when OpenVINO is missing,
    the build fails or the copy disagrees."""
    try:
        import openvino as ov
    except ImportError as e:
        raise OpenVinoUnavailable("openvino is not installed (pip install openvino)") from e
    weights = verified_sha256(md.weights)
    folder = openvino_cache_dir(weights)
    record_path = folder / "openvino.json"
    path, record = cached_copy(record_path, {"format": OPENVINO_FORMAT, "weights_sha256": weights})
    if path is None:
        t0 = time.perf_counter()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".build-{os.getpid()}-{time.monotonic_ns()}.onnx"
            try:
                attention = export_fp32_onnx(net, tok, tmp)
                path = folder / f"model.fp32.{file_sha256(tmp)[:16]}.onnx"  # named by content: builders never mix
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
            record = {
                "format": OPENVINO_FORMAT,
                "file": path.name,
                "sha256": file_sha256(path),
                "weights_sha256": weights,
                "source": str(md.weights),
                "attention": attention,
                "build_seconds": round(time.perf_counter() - t0, 1),
            }
            write_record(record_path, record)
        except Exception as e:  # a read-only cache, an exporter error
            raise OpenVinoUnavailable(f"building the OpenVINO copy in {folder} failed ({type(e).__name__}: {e})") from e
        logger.info("exported the OpenVINO copy %s in %.1f s", path, record["build_seconds"])
    try:
        runner = OpenVinoBf16(path, threads)
        check = compare_with_fp32(net, runner, tok)
    except Exception as e:  # OpenVINO cannot read or compile the graph on this CPU
        raise OpenVinoUnavailable(f"OpenVINO could not run {path} ({type(e).__name__}: {e})") from e
    failed = gate_failure(check)
    if failed:
        raise OpenVinoUnavailable(f"the OpenVINO bf16 copy disagrees with fp32 on the check texts ({failed})")
    return runner, {**record, "runtime": "openvino", "openvino": ov.__version__, "check": check}
