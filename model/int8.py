"""int8 inference of the transformer member: the ONNX export, its dynamic quantisation, the cached copy and the
ONNX Runtime runner, and the check against fp32 that every load runs (see model/network.py's docstring).

The int8 copy is a build output, never part of the model directory: it is exported on first load into
`$SARING_CACHE_DIR/int8/<weights sha256>/`, its sha256 recorded beside it in `int8.json` and checked on every
load, and its logits are compared with the fp32 network's on every load; when ONNX Runtime is missing or the
comparison fails, the backend logs why and scores in bf16 where the hardware multiplies bf16, else fp32.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from model.modeldir import ModelDir, file_sha256, verified_sha256

if TYPE_CHECKING:
    from model.network import RiskClassifier, Tokenized

logger = logging.getLogger(__name__)

INT8_FORMAT = 5  # bump when the export or quantisation recipe changes: cached files are rebuilt
# ONNX Runtime graph fusions switched off in the int8 session. Measured on the 6-layer e5-small member (ONNX
# Runtime 1.32, 2-core AVX-512 VNNI, 400 tweets, profiled): the fused SkipLayerNormalization kernel took ~40 ms
# per node and pass against ~8 ms for the LayerNormalization + Add it replaces; without it the forward pass
# needs ~15% less CPU. onnxruntime.transformers.optimizer's offline fusions (Attention, QAttention or
# MultiHeadAttention, BiasGelu, SkipLayerNorm) made the int8 graph 1.05x to 1.6x slower than this recipe on
# this model (issue 12), so the export is not fused beforehand. Static quantisation (quantize_static, MinMax on
# 512 training texts, QDQ or QOperator) was 0.79-0.82x this recipe's throughput and moved probabilities 3.5x as
# much against fp32 (mean 0.049 vs 0.014 on 1,500 test texts), so quantisation stays dynamic.
INT8_DISABLED_FUSIONS = ("SkipLayerNormFusion",)
# The int8 copy is accepted when, on the check texts, no probability moves more than this and the mean move
# stays below INT8_MEAN_PROB_DIFF. A sanity gate against a broken export (those move probabilities by tenths),
# not the accuracy evidence: that is `saring eval --precision int8` vs `--precision fp32`. The first trained
# default ensemble measured max 0.098, mean 0.0096 here, and -0.0/-0.2/-0.4 F1 points (hoax/slander/
# incitement) on the test split with the same register-suite total; the second (register posts oversampled)
# max 0.168, mean 0.0101: a single check text near 0.5 can move that far, so the max gate is loose and the mean
# gate does the work. The tenth session's default ensemble moved one text by 0.267 when the copy ran on one thread
# (activations are quantised per row block, so the blocks change with the threads; 0.196 on two, 0.218 on three;
# mean 0.012 throughout): under the old max gate of 0.25 every one-thread process (a Dask worker of a 2-worker
# audit on 2 cores) refused int8 and ran fp32, at 34% of the in-process audit speed. A broken export moves the
# mean by tenths; the max gate only catches a copy that flips a text outright.
# x86 CPUs whose 8-bit dot products accumulate in 32 bits (AVX-512 VNNI, AVX-VNNI, AMX). Elsewhere on x86 (AVX2
# alone, e.g. AMD EPYC Zen 2/3) ONNX Runtime's uint8 x int8 kernel adds each pair of products in 16 bits with
# saturation (VPMADDUBSW), which full-range int8 weights can overflow: there the weights are quantised to 7 bits
# (`reduce_range`, ONNX Runtime's advice for such CPUs). Measured on 2 cores of an AMD EPYC with AVX2 alone (sixty-first
# session): the test suite's tiny model moved fp32's probabilities by 0.039 on average with 8-bit weights (over the
# 0.02 gate, so it ran fp32) and passed with 7-bit ones.
INT8_DOT_FLAGS = frozenset({"avx512_vnni", "avx_vnni", "amx_int8"})
INT8_MAX_PROB_DIFF = 0.4
INT8_MEAN_PROB_DIFF = 0.02
# Above this mean move on the check texts (one thread), the export tries again with the feed-forward output
# projection that carries the largest activations left in fp32 (`outlier_projections`) and keeps that copy when
# it moves them at least a tenth less (a fifth until the twenty-sixth session). Measured in the thirteenth
# session (every MatMul int8 -> outlier in fp32): two 6-layer members 0.0098 -> 0.0091 and 0.0090 -> 0.0084 (not
# worth the speed: that one fp32 MatMul cost the 6-layer member 454 vs 580 texts/s, medians of four interleaved
# rounds); two 12-layer default members 0.0159 -> 0.0088 and 0.0155 -> 0.0084 (no measurable speed cost there:
# 261 vs 243 texts/s), where on 400 raw tweets the served ensemble's decisions agreed with fp32 on 97.5% ->
# 99.25% of texts. In the twenty-sixth session the two-epoch 12-layer members sat near the old bounds (trigger
# 0.012, gain 0.8): 0.0109 (not tried), 0.0144 -> 0.0117 (0.81: refused), 0.0154 -> 0.0102 (kept). The two served
# all in int8 lost about 3 points of incitement recall against fp32 on both hate suites (outsider 0.898 / 0.901
# vs 0.926 / 0.935, register 0.873 / 0.883 vs 0.909 / 0.920) and agreed with fp32's decisions on 94% of the 400
# tweets (one measured); with layer 4's projection in fp32 they served like fp32 (0.926 / 0.935 and 0.911 /
# 0.906; decisions 96.25% and 97.25% the same) at 0.95x and 1.02x the all-int8 speed (400 tweets, medians of five
# interleaved rounds). Hence the bounds below; the 6-layer members (0.0090-0.0098, gain 0.93) stay all int8.
INT8_REFINE_MEAN_PROB_DIFF = 0.010
INT8_REFINE_GAIN = 0.9  # the refined copy must move the check texts by at most this share of the first one's move
# Texts the int8 copy is compared on (fp32 vs int8 logits): short and long, benign and risky registers.
CHECK_TEXTS = [
    "pemerintah membantah kabar bahwa vaksin mengandung chip pelacak",
    "harga beras naik tajam menjelang lebaran di pasar tradisional",
    "dasar bodoh kamu tidak tahu apa apa soal politik",
    "gk usah sok tau deh jgn sebar berita bohong bgt",
    "tolong viralkan agar semua orang tahu kebenarannya, pemerintah menyembunyikan fakta ini dari rakyat",
    "ajakan menyerang kelompok lain tidak bisa dibenarkan",
    "mantap gan makasih infonya sangat bermanfaat",
    "anjir parah banget sih ini beneran apa hoax ya",
    "usir saja mereka dari kampung ini, dasar kafir tidak tahu diri",
    "video itu hasil suntingan dan sudah dibantah oleh kepolisian",
    "ok",
    "klarifikasi resmi dari kementerian komunikasi dan informatika tentang pesan berantai yang beredar di grup "
    "whatsapp minggu ini: pesan itu tidak benar, jangan disebarkan, dan laporkan akun yang menyebarkannya",
    "cebong kampret sama saja, semua penipu",
    "gempa bumi mengguncang wilayah pesisir dan tidak berpotensi tsunami",
    "bunuh saja semua pengkhianat bangsa itu",
    "resep nasi goreng kampung yang enak dan mudah dibuat di rumah",
]


class Int8Unavailable(RuntimeError):
    """The int8 copy cannot be built or did not match the fp32 network; the backend scores in fp32."""


class OnnxInt8:
    """The network as a dynamically quantised ONNX graph run by ONNX Runtime: `(ids, mask) -> logits`.

    With `threads` > 1 a batch is cut into `threads` row blocks run at once, each on one ONNX Runtime thread
    (the session's own pool is not used), rather than each operator split over `threads` pool threads: this
    graph is many small operators on short rows, and per-operator hand-offs cost more than they gained.
    Measured on the 6-layer e5-small member, 2 cores, 400 tweets: 1.1x the batch throughput of a 2-thread
    session (spinning on or off), and a single text (one row, one thread) no slower. Activations are quantised
    per tensor, so a block's scale comes from its own rows; each block is also cut to its own longest row.
    Blocks are balanced by cost (rows x longest row, `balanced_blocks`), not by row count: measured in one
    process, interleaved, 2 cores, on the same padded batches: micro-batches of 8 tweets 24.1 -> 19.7 ms, 400
    tweets in length buckets 602 -> 649 texts/s (medians)."""

    def __init__(self, path: Path, threads: int) -> None:
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # One thread per run: no pool, so nothing spins between batches while the same cores normalise,
        # tokenise and run the TF-IDF member.
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.path = path
        self.threads = max(1, threads)
        self.session = ort.InferenceSession(
            str(path), so, providers=["CPUExecutionProvider"], disabled_optimizers=list(INT8_DISABLED_FUSIONS)
        )
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        ids, mask = trim_padding(ids, mask)
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        blocks = min(self.threads, len(ids))
        if blocks < 2:
            return self._run(ids, mask)
        if self._pool is None or self._pool_pid != os.getpid():  # a forked child gets a pool of its own
            self._pool = ThreadPoolExecutor(self.threads - 1, thread_name_prefix="saring-int8")
            self._pool_pid = os.getpid()
        parts = balanced_blocks(mask.sum(axis=1), blocks)
        rest = [self._pool.submit(self._run, ids[idx], mask[idx]) for idx in parts[1:]]
        first = self._run(ids[parts[0]], mask[parts[0]])
        if first.ndim == 3:  # hidden states (rows, tokens, hidden): each block is as wide as its own longest row
            out = np.zeros((len(ids), ids.shape[1], first.shape[2]), dtype=first.dtype)
            out[parts[0], : first.shape[1]] = first
            for idx, f in zip(parts[1:], rest, strict=True):
                block = f.result()
                out[idx, : block.shape[1]] = block
            return out
        out = np.empty((len(ids), first.shape[1]), dtype=first.dtype)
        out[parts[0]] = first
        for idx, f in zip(parts[1:], rest, strict=True):
            out[idx] = f.result()
        return out


def balanced_blocks(lengths: np.ndarray, blocks: int) -> list[np.ndarray]:
    """Row indices cut into at most `blocks` groups of similar cost, each group of rows of similar length.

    A block costs about rows x its longest row (each block is cut to its own longest row). Rows are ordered by
    length and cut into contiguous runs so that the costliest run is as cheap as possible: the rows of a
    small batch of mixed lengths (the API's micro-batches) then no longer leave one thread with the short
    half and the other with the long half (measured, 8 tweets: the long block took 1.75x the short one)."""
    order = np.argsort(lengths, kind="stable")
    widths = np.maximum(np.asarray(lengths)[order], 1)
    n = len(order)
    if n == 0 or blocks < 2:
        return [order] if n else []

    def cuts(limit: int) -> list[int] | None:
        """Block starts, taking rows from the longest end while a block's rows x width stays within `limit`."""
        starts: list[int] = []
        end = n
        while end > 0:
            take = max(1, min(end, int(limit // widths[end - 1])))
            end -= take
            starts.append(end)
            if len(starts) > blocks:
                return None
        return starts

    lo, hi = int(widths[-1]), int(widths[-1]) * n  # one longest row alone .. every row at the longest width
    while lo < hi:
        mid = (lo + hi) // 2
        if cuts(mid) is None:
            lo = mid + 1
        else:
            hi = mid
    starts = sorted(cuts(lo) or [0])
    bounds = [*starts, n]
    return [order[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]


def int8_cache_dir(weights_sha256: str) -> Path:
    from model.paths import cache_dir

    return cache_dir() / "int8" / weights_sha256[:32]


class _DropMessage(logging.Filter):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        return self.text not in record.getMessage()


def _eager_attention(net: RiskClassifier) -> RiskClassifier:
    """A copy of `net` whose encoder runs eager attention; the shared network is left as it is. Exported, eager
    attention is MatMul, Add(mask), Softmax, MatMul; the SDPA export adds IsNaN/Where guards to every layer,
    which cost ONNX Runtime about a tenth of the int8 forward time."""
    eager = copy.deepcopy(net).cpu().eval()
    eager.encoder.set_attn_implementation("eager")
    return eager


class _LowerLayers(torch.nn.Module):
    """`net`'s embeddings and first `layers` layers as a module of their own, for export: (ids, mask) -> the hidden
    states entering layer `layers` (RiskClassifier.hidden_after)."""

    def __init__(self, net: RiskClassifier, layers: int) -> None:
        super().__init__()
        self.net = net
        self.layers = layers

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.net.hidden_after(input_ids, attention_mask, self.layers)


def _onnx_export(net: torch.nn.Module, ids: torch.Tensor, mask: torch.Tensor, path: Path) -> None:
    hidden = isinstance(net, _LowerLayers)  # its output keeps the token axis
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            net,
            (ids, mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["hidden" if hidden else "logits"],
            opset_version=17,
            dynamo=False,
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                **({"hidden": {0: "batch", 1: "tokens"}} if hidden else {"logits": {0: "batch"}}),
            },
        )


def export_fp32_onnx(net: RiskClassifier, tok: Tokenized, path: Path, lower_layers: int | None = None) -> str:
    """Export the fp32 network to ONNX at `path` with eager attention (the encoder's own attention when that
    export fails) and dynamic batch and token axes; return the attention that was exported. The int8 copy
    quantises this graph and the OpenVINO bf16 copy (model/openvino_bf16.py) compiles it. `lower_layers`: export
    only the embeddings and that many layers, giving hidden states (the training loop's frozen part)."""
    ids, mask = tok.pad([w for ws in tok.windows(CHECK_TEXTS[:4]) for w in ws])

    def part(n: RiskClassifier) -> torch.nn.Module:
        return n if lower_layers is None else _LowerLayers(n, lower_layers)

    try:
        _onnx_export(part(_eager_attention(net)), ids, mask, path)
        return "eager"
    except Exception as e:  # an encoder without eager attention, an exporter error on that graph
        attention = str(getattr(getattr(net.encoder, "config", None), "_attn_implementation", None) or "default")
        logger.warning(
            "exporting the ONNX copy with eager attention failed (%s: %s); exporting the encoder's own "
            "%s attention instead (same results, about a tenth slower)",
            type(e).__name__,
            e,
            attention,
        )
        path.unlink(missing_ok=True)
        _onnx_export(part(net.cpu()), ids, mask, path)
        return attention


def outlier_projections(net: RiskClassifier, tok: Tokenized, keep: int = 1) -> list[int]:
    """The layers whose feed-forward output projection (`layer.N.output.dense`, the MatMul after GELU) sees the
    largest absolute activation on the check texts, largest first, at most `keep`: the ones to leave in fp32.

    Why: dynamic quantisation gives an activation tensor one scale per row block, so a tensor with a few huge
    outlier dimensions is quantised coarsely everywhere else. In e5-small those outliers sit in the feed-forward
    outputs of a few layers (as in BERT: Bondarenko et al., 2021), and one dominates. Measured on the thirteenth
    session's 12-layer default member (lower 6 layers as pretrained), 400 raw tweets, mean change of a probability
    against fp32: every MatMul int8 0.037; layer 4's projection (peak input 58.6, the largest; the next 33.3) in
    fp32 0.015, at no measurable speed cost (243 vs 261 texts/s, medians of four interleaved rounds); every
    layer's projection in fp32 0.009 but 0.66x the speed; any other single layer's 0.035-0.038.
    [] when the encoder is not BERT-like (no `output.dense` per layer)."""
    try:
        layers = net.encoder.get_submodule("encoder.layer")
    except AttributeError:  # not a BERT-like encoder: nothing to name, every MatMul is quantised
        return []
    if not isinstance(layers, torch.nn.ModuleList):
        return []
    ids, mask = tok.pad_numpy([w for ws in tok.windows(CHECK_TEXTS) for w in ws])
    device = next(net.parameters()).device
    valid = torch.from_numpy(mask).bool().to(device)  # real tokens only: padding rows carry no signal
    peaks: dict[int, float] = {}
    hooks = []
    try:
        for k, layer in enumerate(layers):
            proj = getattr(getattr(layer, "output", None), "dense", None)
            if not isinstance(proj, torch.nn.Linear):
                return []

            def hook(_mod: torch.nn.Module, inp: tuple[torch.Tensor, ...], k: int = k) -> None:
                peaks[k] = float(inp[0][valid].abs().max())

            hooks.append(proj.register_forward_pre_hook(hook))
        with torch.inference_mode():
            net(torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device))
    finally:
        for h in hooks:
            h.remove()
    return sorted(peaks, key=peaks.__getitem__, reverse=True)[:keep]


def _fp32_matmuls(onnx_path: Path, layers: list[int]) -> list[str]:
    """Names of the exported graph's MatMul nodes of those layers' feed-forward output projections."""
    import onnx

    wanted = tuple(f"/layer.{k}/output/dense/" for k in layers)
    graph = onnx.load(str(onnx_path), load_external_data=False).graph
    return [n.name for n in graph.node if n.op_type == "MatMul" and any(w in n.name for w in wanted)]


def int8_reduce_range() -> bool:
    """Whether int8 weights are quantised to 7 bits on this CPU: an x86 CPU without 32-bit-accumulating 8-bit dot
    products (INT8_DOT_FLAGS), where ONNX Runtime's kernel saturates in 16 bits; False on other architectures."""
    from model.network import cpu_flags  # model.network imports this module: read at call time

    flags = cpu_flags()
    return "sse2" in flags and not (INT8_DOT_FLAGS & flags)


def _named_by_hash(q: Path, folder: Path) -> Path:
    final = folder / f"model.int8.{file_sha256(q)[:16]}.onnx"
    os.replace(q, final)
    return final


def lower_logits(net: RiskClassifier, lower: OnnxInt8, layers: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """`net`'s logits with its embeddings and first `layers` layers run by `lower` (an int8 copy of them) and the
    rest in torch: what the training loop computes when its frozen part runs in int8, for the check against fp32."""

    def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        device = next(net.parameters()).device
        hidden = torch.from_numpy(lower(ids, mask)).to(device)
        with torch.inference_mode():
            return net.forward_from(hidden, torch.from_numpy(mask).to(device), layers).float().cpu().numpy()

    return run


def _export_int8(
    net: RiskClassifier, tok: Tokenized, folder: Path, reduce_range: bool, lower_layers: int | None = None
) -> tuple[Path, str, list[str]]:
    """Export the fp32 network to ONNX (eager attention; the encoder's own attention when that export fails)
    and quantise its MatMuls dynamically (int8 weights per channel), leaving the feed-forward output projection
    with the largest activations (`outlier_projections`) in fp32 where that brings the copy closer to fp32 (see
    INT8_REFINE_MEAN_PROB_DIFF); return the int8 file, named by its own sha256 prefix so concurrent builders never
    mix files, the attention that was exported and the MatMuls left in fp32. `lower_layers`: the copy holds only
    the embeddings and that many layers, giving hidden states (`build_int8_lower`)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".build-{os.getpid()}-{time.monotonic_ns()}"
    tmp.mkdir()
    try:
        fp32 = tmp / "model.fp32.onnx"
        attention = export_fp32_onnx(net, tok, fp32, lower_layers)
        hint = _DropMessage("pre-processing before quantization")  # onnxruntime's advice for static quantisation
        logging.getLogger().addFilter(hint)
        try:

            def quantise(dst: Path, keep: list[str]) -> None:
                """Every MatMul but `keep` quantised dynamically: int8 weights per channel (7 bits if reduce_range)."""
                quantize_dynamic(
                    str(fp32),
                    str(dst),
                    weight_type=QuantType.QInt8,
                    per_channel=True,
                    op_types_to_quantize=["MatMul"],
                    nodes_to_exclude=keep,
                    reduce_range=reduce_range,
                )

            q, keep_fp32 = tmp / "model.int8.onnx", []
            if lower_layers is not None:
                # The lower layers alone: the outlier projection, when it lies among them, stays in fp32 at once.
                # Measured on e5-small's first 6 layers (256 raw tweets, 2 cores with AVX2 alone): the hidden states'
                # relative error 0.25 with every MatMul int8, 0.14 with layer 4's projection in fp32, at the same
                # speed (112-116 against 118-135 ms a batch of 32).
                keep_fp32 = _fp32_matmuls(fp32, outlier_projections(net, tok))
                quantise(q, keep_fp32)
                return _named_by_hash(q, folder), attention, keep_fp32
            quantise(q, [])
            # Only where every MatMul in int8 moves the check texts noticeably (a deeper network accumulates
            # more error), leave the outlier projection in fp32 (see INT8_REFINE_MEAN_PROB_DIFF).
            mean_move = compare_with_fp32(net, OnnxInt8(q, 1), tok)["mean_prob_diff"]
            keep = _fp32_matmuls(fp32, outlier_projections(net, tok)) if mean_move > INT8_REFINE_MEAN_PROB_DIFF else []
            if keep:
                q2 = tmp / "model.int8.refined.onnx"
                quantise(q2, keep)
                refined = compare_with_fp32(net, OnnxInt8(q2, 1), tok)["mean_prob_diff"]
                logger.info(
                    "int8: every MatMul quantised moves the check texts by %.4f on average; with %s in fp32 %.4f",
                    mean_move,
                    keep,
                    refined,
                )
                if refined < INT8_REFINE_GAIN * mean_move:
                    q, keep_fp32 = q2, keep
        finally:
            logging.getLogger().removeFilter(hint)
        return _named_by_hash(q, folder), attention, keep_fp32
    finally:
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()


def cached_copy(record_path: Path, expected: dict[str, Any]) -> tuple[Path | None, dict[str, Any]]:
    """The cached file that the JSON record at `record_path` names, when the record holds every `expected` value
    and the file's sha256 is the recorded one; else (None, {}) and the caller rebuilds it (a stale or altered copy
    is logged). Shared by the int8 and the OpenVINO copies."""
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        cand = record_path.parent / str(record["file"])
        if (
            all(record.get(k) == v for k, v in expected.items())
            and cand.is_file()
            and file_sha256(cand) == record.get("sha256")
        ):
            return cand, record
        logger.info("the cached copy in %s is stale or altered; rebuilding it", record_path.parent)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None, {}


def write_record(record_path: Path, record: dict[str, Any]) -> None:
    """Write a cached copy's JSON record whole (a temporary file, then renamed): a reader never sees half."""
    tmp = record_path.parent / f".{record_path.name}.{os.getpid()}"
    tmp.write_text(json.dumps(record, indent=2), encoding="utf-8")
    os.replace(tmp, record_path)


def load_int8(
    md: ModelDir, net: RiskClassifier, tok: Tokenized, threads: int, folder: Path | None = None
) -> tuple[OnnxInt8, dict[str, Any]]:
    """The cached int8 copy of `net` (built on first use), checked by sha256 and against the fp32 logits.
    `folder`: where the copy is looked for and built, instead of the cache folder of its weights (the training
    step builds copies of weights it may discard in a scratch folder, and moves the one it keeps into the cache).

    Raises Int8Unavailable (with the reason) when ONNX Runtime is missing or the copy disagrees."""
    try:
        import onnxruntime as ort
    except ImportError as e:
        raise Int8Unavailable("onnxruntime is not installed (pip install onnxruntime onnx)") from e
    weights = verified_sha256(md.weights)
    folder = int8_cache_dir(weights) if folder is None else folder
    record_path = folder / "int8.json"
    reduce_range = int8_reduce_range()
    # a copy built on a CPU of the other kind (a shared cache) is rebuilt: its weights' range is the other one
    path, record = cached_copy(
        record_path,
        {
            "format": INT8_FORMAT,
            "weights_sha256": weights,
            "onnxruntime": ort.__version__,
            "reduce_range": reduce_range,
        },
    )
    if path is None:
        t0 = time.perf_counter()
        try:
            path, attention, keep_fp32 = _export_int8(net, tok, folder, reduce_range)
            record = {
                "format": INT8_FORMAT,
                "file": path.name,
                "sha256": file_sha256(path),
                "weights_sha256": weights,
                "source": str(md.weights),
                "onnxruntime": ort.__version__,
                "torch": torch.__version__,
                "attention": attention,
                "quantization": "dynamic, MatMul weights int8 per channel"
                + (" in 7 bits (reduce_range: no VNNI)" if reduce_range else "")
                + ", activations uint8",
                "reduce_range": reduce_range,
                "fp32_matmuls": keep_fp32,  # the outlier feed-forward projection(s) left unquantised
                "build_seconds": round(time.perf_counter() - t0, 1),
            }
            write_record(record_path, record)
        except Exception as e:  # a read-only cache, a missing `onnx` package, an exporter error
            raise Int8Unavailable(f"building the int8 model in {folder} failed ({type(e).__name__}: {e})") from e
        logger.info(
            "built the int8 model %s in %.1f s (sha256 %s)", path, record["build_seconds"], record["sha256"][:16]
        )
    runner = OnnxInt8(path, threads)
    check = compare_with_fp32(net, runner, tok)
    failed = gate_failure(check)
    if failed:
        raise Int8Unavailable(f"the int8 model disagrees with fp32 on the check texts ({failed})")
    return runner, {**record, "disabled_fusions": list(INT8_DISABLED_FUSIONS), "check": check}


def build_int8_lower(
    net: RiskClassifier, tok: Tokenized, layers: int, folder: Path, threads: int
) -> tuple[OnnxInt8, dict[str, Any]]:
    """An int8 copy of `net`'s embeddings and first `layers` layers, built in `folder` (ids, mask -> the hidden
    states entering layer `layers`, float32, zeros past each row's block width): the training loop's frozen part
    (training/frozen.py), which never changes while the layers above it train. Checked like the served copy: the
    logits `net` gives from its states (`lower_logits`) against fp32's on the check texts, through the same gates.

    Raises Int8Unavailable (with the reason) when ONNX Runtime is missing, the export fails or the check does."""
    try:
        import onnxruntime as ort
    except ImportError as e:
        raise Int8Unavailable("onnxruntime is not installed (pip install onnxruntime onnx)") from e
    reduce_range = int8_reduce_range()
    t0 = time.perf_counter()
    try:
        path, attention, keep_fp32 = _export_int8(net, tok, folder, reduce_range, lower_layers=layers)
    except Exception as e:  # a full scratch folder, a missing `onnx` package, an exporter error
        raise Int8Unavailable(
            f"building the int8 copy of the lower layers in {folder} failed ({type(e).__name__}: {e})"
        ) from e
    runner = OnnxInt8(path, threads)
    check = compare_with_fp32(net, lower_logits(net, runner, layers), tok)
    failed = gate_failure(check)
    if failed:
        raise Int8Unavailable(f"the int8 copy of the lower layers disagrees with fp32 on the check texts ({failed})")
    info = {
        "layers": layers,
        "file": path.name,
        "sha256": file_sha256(path),
        "onnxruntime": ort.__version__,
        "attention": attention,
        "reduce_range": reduce_range,
        "fp32_matmuls": keep_fp32,
        "build_seconds": round(time.perf_counter() - t0, 1),
        "check": check,
    }
    return runner, info


def gate_failure(check: dict[str, float]) -> str | None:
    """Why a copy's `compare_with_fp32` result fails the gates (INT8_MAX_PROB_DIFF, INT8_MEAN_PROB_DIFF, read at
    call time so that tests and operators may set them), or None when it passes. The int8 copy, OpenVINO's bf16
    copy and torch's bf16 weights all pass the same gates."""
    if check["max_prob_diff"] > INT8_MAX_PROB_DIFF or check["mean_prob_diff"] > INT8_MEAN_PROB_DIFF:
        return (
            f"max probability change {check['max_prob_diff']:.3f} > {INT8_MAX_PROB_DIFF} or mean "
            f"{check['mean_prob_diff']:.4f} > {INT8_MEAN_PROB_DIFF}"
        )
    return None


def trim_padding(ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`ids` and `mask` without their trailing all-padding columns (a row block's own longest row)."""
    used = np.flatnonzero(mask.any(axis=0))
    width = int(used[-1]) + 1 if len(used) else mask.shape[1]
    return ids[:, :width], mask[:, :width]


def compare_with_fp32(
    net: RiskClassifier, runner: Callable[[np.ndarray, np.ndarray], np.ndarray], tok: Tokenized
) -> dict[str, float]:
    """fp32 `net` vs `runner` (the int8 copy, or the bf16 network) on CHECK_TEXTS: the largest and mean change of
    any sigmoid output, and of any logit."""
    batch = [w for ws in tok.windows(CHECK_TEXTS) for w in ws]
    ids, mask = tok.pad_numpy(batch)
    device = next(net.parameters()).device
    with torch.inference_mode():
        ref = net(torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device)).float().cpu().numpy()
    got = runner(ids, mask)
    dp = np.abs(1 / (1 + np.exp(-ref)) - 1 / (1 + np.exp(-got)))
    return {
        "max_prob_diff": round(float(dp.max()), 5),
        "mean_prob_diff": round(float(dp.mean()), 6),
        "max_logit_diff": round(float(np.abs(ref - got).max()), 5),
        "n_texts": len(CHECK_TEXTS),
    }
