"""The network: a pretrained transformer encoder, mean pooling, and one sigmoid output per label (the three
risks first, then the auxiliary original labels), plus its inference backend for the scorer.

Two size levers, both recorded in the model directory so the scorer rebuilds exactly what was trained:
- `num_layers`: keep only the first N encoder layers (6 of 12 roughly doubles speed on 2 cores).
- a pruned vocabulary: only the embedding rows of pieces seen in the catalogue are kept (about 40k of
  multilingual-e5's 250k), with `id_map` (original id -> row) stored beside the weights. The tokenizer is
  unchanged; a piece never seen maps to the unknown-token row. This shrinks the model about 3x.

Inference precision (`precision`, default `int8`, or $SARING_PRECISION): `fp32` runs the torch network as
trained; `int8` runs an ONNX Runtime copy of it with dynamically quantised MatMuls (int8 weights per
channel, uint8 activations: VNNI dot products on CPUs that have them), exported with the encoder's eager
attention (plain MatMul/Softmax, without the NaN guards of the SDPA export) and run without ONNX Runtime's
SkipLayerNormalization fusion (see INT8_DISABLED_FUSIONS); where quantising every MatMul moves the check texts
too much (the 12-layer default), the feed-forward projection with outlier activations stays fp32
(model.int8.outlier_projections). The ONNX file is a build output,
never part of the model directory: it is exported on first load into the cache directory
(`$SARING_CACHE_DIR/int8/<weights sha256>/`), its sha256 recorded beside it in `int8.json` and checked on
every load, and its logits are compared with the fp32 network's on every load; when ONNX Runtime is
missing or the comparison fails, the backend logs why and scores in bf16 where the CPU multiplies bf16 in
hardware, else fp32. Measured by `saring benchmark speed`; ONNX Runtime beat torch's own dynamic quantisation
about 1.5x at a smaller logit error on this CPU.

`bf16` runs on CPUs that multiply bf16 matrices in hardware (AMX-BF16 or AVX-512 BF16) or on a GPU that supports
it; elsewhere bf16 is emulated and slower than fp32, so the backend says so and scores in fp32. On a CPU it runs
OpenVINO's bf16 compilation of the same fp32 ONNX export (model/openvino_bf16.py, cached like the int8 copy; 1.2x
torch's bf16 in batches), and where OpenVINO is missing or its copy fails the check, the torch network with its
weights in bfloat16 (oneDNN's kernels; on a GPU always). Either is checked against the fp32 logits on load like
int8.
Why it exists: on such a CPU it moves probabilities about 20x less than int8 (mean 0.0009 against 0.0197 on raw
tweets, eleventh session) and, unlike int8, a text's scores barely move with the texts that share its batch: the
precision for audits that should reproduce fp32's decisions. Through torch its batch path ran at 0.8-1.2x int8's
speed; through OpenVINO at 1.1-1.3x at the scorer, and 1.45x per CPU second on two one-thread Dask workers
(twenty-seventh session). One short text at a time both are slower than int8, which stays the default.
"""

from __future__ import annotations

import copy
import logging
import os
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from model.int8 import Int8Unavailable, OnnxInt8, compare_with_fp32, gate_failure, load_int8
from model.modeldir import ModelDir
from model.openvino_bf16 import (
    OPENVINO_BATCH_ROWS,
    OPENVINO_BATCH_TOKENS,
    OpenVinoBf16,
    OpenVinoUnavailable,
    load_openvino_bf16,
)

if TYPE_CHECKING:
    from transformers import PreTrainedModel

logger = logging.getLogger(__name__)

PRECISIONS = ("int8", "bf16", "fp32")
DEFAULT_PRECISION = "int8"


def resolve_precision(precision: str | None = None) -> str:
    """`precision`, else $SARING_PRECISION, else int8; ValueError for anything but int8/bf16/fp32."""
    p = (precision or os.environ.get("SARING_PRECISION") or DEFAULT_PRECISION).strip().lower()
    if p not in PRECISIONS:
        raise ValueError(f"unknown precision {p!r}; expected one of {list(PRECISIONS)} (SARING_PRECISION, --precision)")
    return p


def cpu_info() -> dict[str, str]:
    """The first processor's fields in /proc/cpuinfo ("model name", "flags", ...); {} where there is none."""
    out: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, val = line.partition(":")
                if not key.strip():  # a blank line ends the first processor
                    break
                out.setdefault(key.strip(), val.strip())
    except OSError:
        pass
    return out


def cpu_flags() -> set[str]:
    """The CPU's feature flags from /proc/cpuinfo (empty where there is none, e.g. macOS)."""
    return set(cpu_info().get("flags", "").split())


def cpu_bf16_fast() -> bool:
    """Whether this CPU multiplies bf16 matrices in hardware (AMX-BF16 tiles or AVX-512 BF16 dot products),
    where oneDNN runs bf16 matrix products several times faster than fp32; elsewhere bf16 is emulated and slower."""
    return bool({"amx_bf16", "avx512_bf16"} & cpu_flags())


def cpu_bf16_tiles() -> bool:
    """Whether this CPU has AMX-BF16 matrix tiles, where OpenVINO's bf16 runs faster than the int8 copy; a CPU with
    AVX-512 BF16 dot products alone (cpu_bf16_fast) runs bf16 faster than fp32, slower than int8 (batch_precision)."""
    return "amx_bf16" in cpu_flags()


def bf16_fast(device: torch.device) -> bool:
    """Whether bf16 inference is fast on `device`: a CPU with bf16 matrix units (cpu_bf16_fast) or a CUDA GPU
    that supports bf16."""
    if device.type == "cuda":  # native bf16 (compute capability 8+), not the emulation older GPUs offer
        return bool(torch.cuda.is_bf16_supported(including_emulation=False))
    return device.type == "cpu" and cpu_bf16_fast()


def precision_instead_of_int8(device: torch.device) -> str:
    """What runs when int8 (the default) was asked for and cannot run on `device`: bf16 on a CPU with bf16
    matrix units (about as fast as int8 in batches there, and closer to fp32), fp32 everywhere else, a GPU
    included. On one H200 (twenty-fifth session, `saring benchmark speed`, two runs on two default-recipe models)
    bf16 was within 5% of fp32 in batches (transformer 3,365 vs 3,537 and 4,373 vs 4,171 texts/s) and slower one
    post at a time (p99 87 vs 14 and 54 vs 11 ms) and in explanations (41 vs 11 and 62 vs 11 ms per text): this
    encoder is too small for the GPU's bf16 units to pay. `--precision bf16` still asks for it."""
    return "bf16" if device.type == "cpu" and cpu_bf16_fast() else "fp32"


def batch_precision() -> str:
    """The precision for batch work (audits) when none is asked for: bf16 where the CPU has AMX-BF16 tiles and
    OpenVINO is installed, int8 elsewhere. On a Xeon with AMX OpenVINO's bf16 was the faster batch path (two
    one-thread Dask workers on 2 cores: 542-697 rows/s against int8's 407-452; in process 1.05-1.2x) and keeps
    fp32's decisions (99.5% of raw tweets against int8's 96%; twenty-seventh session). On an AMD EPYC with AVX-512
    BF16 but no AMX it is the slower one (`saring benchmark speed`, 2 cores, the default model: the ensemble 167
    texts/s in bf16 against 239 in int8; thirty-sixth session), so int8 stays there. Without OpenVINO, torch's bf16
    was slower than int8 on one-thread workers (twelfth session), so int8 stays too."""
    import importlib.util

    if cpu_bf16_tiles() and importlib.util.find_spec("openvino") is not None:
        return "bf16"
    return DEFAULT_PRECISION


def physical_cores() -> int:
    """Physical cores this process may run on (hyper-threads do not add matrix throughput)."""
    try:
        allowed = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        allowed = os.cpu_count() or 1
    cores: set[tuple[str, str]] = set()
    phys = core = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, val = line.partition(":")
                key = key.strip()
                if key == "physical id":
                    phys = val.strip()
                elif key == "core id":
                    core = val.strip()
                elif not key and core:
                    cores.add((phys, core))
                    core = ""
        if core:
            cores.add((phys, core))
    except OSError:
        pass
    return max(1, min(allowed, len(cores) or allowed))


_THREADS_SET = False


def scoring_threads(threads: int | None = None) -> int:
    """The intra-op thread count a scorer on this CPU runs with (configure_threads sets it): `threads` or
    $SARING_THREADS when given, else torch's count capped at the physical cores. The int8 copy cuts a batch into this
    many row blocks, so logits computed elsewhere (the training step's) equal a scorer's only on as many threads."""
    wanted = threads or int(os.environ.get("SARING_THREADS") or 0)
    return wanted or min(torch.get_num_threads(), physical_cores())


def configure_threads(threads: int | None = None) -> int:
    """One process, no oversubscription: torch intra-op threads at most the physical cores (exactly `threads`
    or $SARING_THREADS when given; a lower count the host process chose is kept), inter-op threads 1, the
    tokenizer's own thread pool off (the scorer makes one tokenizer call per batch; parallel workers are
    processes, each given its share with SARING_THREADS). Returns the intra-op count, which ONNX Runtime uses
    too."""
    global _THREADS_SET
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    n = scoring_threads(threads)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    if not _THREADS_SET:
        _THREADS_SET = True
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # parallel work already ran in this process: the pool is fixed
            logger.debug("torch inter-op threads already fixed at %d", torch.get_num_interop_threads())
    return n


def _config(encoder: PreTrainedModel) -> Any:
    """The encoder's config, as Any: the per-architecture fields read here (hidden_size, vocab_size,
    num_hidden_layers) are set dynamically and not declared on transformers' PreTrainedConfig."""
    return encoder.config


def _layers(encoder: PreTrainedModel) -> nn.ModuleList:
    """The transformer layers of a BERT-like encoder (`encoder.encoder.layer`)."""
    layers = encoder.get_submodule("encoder.layer")
    if not isinstance(layers, nn.ModuleList):
        raise TypeError(
            f"expected a BERT-like encoder whose encoder.layer is a ModuleList, found {type(layers).__name__}"
        )
    return layers


def _word_embeddings(encoder: PreTrainedModel) -> nn.Embedding:
    emb = encoder.get_input_embeddings()
    if not isinstance(emb, nn.Embedding):
        raise TypeError(f"expected the encoder's input embeddings to be an nn.Embedding, found {type(emb).__name__}")
    return emb


class RiskClassifier(nn.Module):
    id_map: torch.Tensor  # a buffer (register_buffer below)

    def __init__(
        self, encoder: PreTrainedModel, n_labels: int, dropout: float = 0.1, id_map: torch.Tensor | None = None
    ) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = _config(encoder).hidden_size
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, n_labels)
        # Original token id -> embedding row, when the vocabulary was pruned (a buffer: saved, not trained).
        self.register_buffer(
            "id_map", id_map if id_map is not None else torch.zeros(0, dtype=torch.long), persistent=True
        )

    def train(self, mode: bool = True) -> RiskClassifier:
        """As `nn.Module.train`, except that blocks with nothing to learn (the embeddings and the lower layers
        that `train_top_layers` freezes) stay in eval mode, without dropout: they are a fixed feature extractor,
        so the trained layers learn from the same features they will see when scoring, and the dropout masks
        of frozen layers (the costliest element-wise work on a CPU) are not drawn. Measured on 2 cores, the
        12-layer network with the top 6 trained, bf16 autocast: 1.23-1.35x the steps per second on batches of 32
        tweets, 1.2x the examples in the `default` recipe's 9-minute loop (docs/quality.md, "The whole epoch, and frozen
        layers without dropout")."""
        super().train(mode)
        if mode:
            for block in (*self.encoder.children(), *_layers(self.encoder)):
                params = list(block.parameters())
                if params and not any(p.requires_grad for p in params):
                    block.eval()
        return self

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        if self.id_map.numel():
            input_ids = self.id_map[input_ids]
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self._pool_and_head(out.last_hidden_state, attention_mask)

    def _pool_and_head(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)  # mean pooling, as e5 was trained
        return self.head(self.dropout(pooled))

    def fixed_layers(self) -> int:
        """How many of the encoder's first layers are fixed feature extractors: the embeddings and each of these
        layers have no trainable parameter (so `train` keeps them in eval mode, without dropout, and what they give
        for a text never changes). 0 when the embeddings train, or the first layer does."""
        if any(p.requires_grad for p in self.encoder.get_submodule("embeddings").parameters()):
            return 0
        n = 0
        for layer in _layers(self.encoder):
            if any(p.requires_grad for p in layer.parameters()):
                break
            n += 1
        return n

    # `forward` in two halves, for a training loop that computes the frozen lower layers once per text
    # (training/frozen.py): hidden_after(ids, mask, k) then forward_from(hidden, mask, k) gives forward's logits.
    def _layer_mask(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> Any:
        from transformers.masking_utils import create_bidirectional_mask

        # the padding mask as the encoder's own forward builds it for its attention implementation
        return create_bidirectional_mask(
            config=_config(self.encoder), inputs_embeds=hidden, attention_mask=attention_mask
        )

    def hidden_after(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, n_layers: int) -> torch.Tensor:
        """The hidden states after the embeddings and the first `n_layers` layers (batch, tokens, hidden)."""
        if self.id_map.numel():
            input_ids = self.id_map[input_ids]
        hidden = self.encoder.get_submodule("embeddings")(input_ids=input_ids)
        layer_mask = self._layer_mask(hidden, attention_mask)
        for layer in list(_layers(self.encoder))[:n_layers]:
            hidden = layer(hidden, layer_mask)
        return hidden

    def forward_from(self, hidden: torch.Tensor, attention_mask: torch.Tensor, first_layer: int) -> torch.Tensor:
        """The logits from the hidden states that enter layer `first_layer` (what `hidden_after` returns for it).
        The states at padded positions do not matter: attention and pooling never read them."""
        layer_mask = self._layer_mask(hidden, attention_mask)
        for layer in list(_layers(self.encoder))[first_layer:]:
            hidden = layer(hidden, layer_mask)
        return self._pool_and_head(hidden, attention_mask)


def truncate_layers(encoder: PreTrainedModel, num_layers: int | None) -> None:
    """Keep the first `num_layers` transformer layers (in place)."""
    layers = _layers(encoder)
    if num_layers is None or num_layers >= len(layers):
        return
    if num_layers < 1:
        raise ValueError(f"num_layers must be >= 1, found {num_layers}")
    encoder.get_submodule("encoder").layer = nn.ModuleList(list(layers)[:num_layers])
    _config(encoder).num_hidden_layers = num_layers


def prune_vocabulary(encoder: PreTrainedModel, keep_ids: list[int], unk_id: int) -> torch.Tensor:
    """Cut the word-embedding table to `keep_ids` (in place); return the id_map original id -> new row."""
    emb = _word_embeddings(encoder)
    old_vocab = emb.weight.shape[0]
    keep = sorted(set(keep_ids) | {unk_id})
    id_map = torch.full((old_vocab,), keep.index(unk_id), dtype=torch.long)
    id_map[torch.tensor(keep)] = torch.arange(len(keep))
    new = nn.Embedding(len(keep), emb.weight.shape[1], padding_idx=None)
    with torch.no_grad():
        new.weight.copy_(emb.weight[torch.tensor(keep)])
    new.weight.requires_grad = emb.weight.requires_grad
    encoder.set_input_embeddings(new)
    _config(encoder).vocab_size = len(keep)
    return id_map


def window_ids(ids: list[int], head: list[int], tail: list[int], max_length: int) -> list[list[int]]:
    """Split a token sequence (without special tokens) into overlapping windows that fit max_length with
    the special tokens; windows overlap by a quarter so no phrase is only ever seen cut in half."""
    body = max_length - len(head) - len(tail)
    if body < 4:
        raise ValueError(f"max_length {max_length} leaves no room for text")
    if len(ids) <= body:
        return [head + ids + tail]
    stride = max(1, body - body // 4)
    out = []
    for start in range(0, len(ids), stride):
        out.append(head + ids[start : start + body] + tail)
        if start + body >= len(ids):
            break
    return out


class Tokenized:
    """Tokenizer wrapper shared by training and scoring: prefix, special tokens, windows."""

    def __init__(self, tokenizer: Any, prefix: str, max_length: int) -> None:
        self.tokenizer = tokenizer
        # Whole texts are tokenised and then cut into windows here; the tokenizer's own length warning
        # ("sequence length is longer than ... 512") would only mislead.
        tokenizer.model_max_length = 10**9
        self.prefix = prefix
        self.max_length = max_length
        specials = tokenizer("", add_special_tokens=True)["input_ids"]
        self.head, self.tail = specials[:1], specials[1:]
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    def ids(self, texts: list[str]) -> list[list[int]]:
        enc = self.tokenizer([self.prefix + t for t in texts], add_special_tokens=False)["input_ids"]
        return list(enc)

    def truncated(self, texts: list[str]) -> list[list[int]]:
        """For training: the first window only."""
        body = self.max_length - len(self.head) - len(self.tail)
        return [self.head + ids[:body] + self.tail for ids in self.ids(texts)]

    def windows(self, texts: list[str]) -> list[list[list[int]]]:
        return [window_ids(ids, self.head, self.tail, self.max_length) for ids in self.ids(texts)]

    def pad_numpy(self, batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        width = max(len(x) for x in batch)
        ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for i, x in enumerate(batch):
            ids[i, : len(x)] = x
            mask[i, : len(x)] = 1
        return ids, mask

    def pad(self, batch: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        width = max(len(x) for x in batch)
        ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for i, x in enumerate(batch):
            ids[i, : len(x)] = torch.tensor(x, dtype=torch.long)
            mask[i, : len(x)] = 1
        return ids, mask


def pick_device(device: str | None = None) -> torch.device:
    if device:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def save_weights(md: ModelDir, net: RiskClassifier) -> None:
    """The network's weights (safetensors) into the model directory: the same weights write the same bytes, so the
    file's sha256 (which names the int8 copy's cache folder) is a function of the weights alone."""
    from safetensors.torch import save_file

    state = {k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}
    save_file(state, str(md.weights))


def save_network(md: ModelDir, net: RiskClassifier, tokenizer: Any) -> None:
    """Weights (safetensors), encoder config (JSON) and tokenizer files into the model directory."""
    save_weights(md, net)
    md.write_json(md.encoder_config.name, net.encoder.config.to_dict())
    tokenizer.save_pretrained(str(md.tokenizer_dir))
    # transformers may write helper files that are not JSON (e.g. a sentencepiece model); keep JSON only.
    for p in md.tokenizer_dir.iterdir():
        if p.suffix != ".json":
            p.unlink()


def load_network(md: ModelDir, n_labels: int, device: torch.device) -> tuple[RiskClassifier, Any]:
    from safetensors.torch import load_file
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    cfg_dict = md.read_json(md.encoder_config.name)
    model_type = cfg_dict.get("model_type", "bert")
    config = AutoConfig.for_model(model_type, **{k: v for k, v in cfg_dict.items() if k != "model_type"})
    encoder = AutoModel.from_config(config)
    state = load_file(str(md.weights))
    id_map = state.get("id_map")
    net = RiskClassifier(encoder, n_labels, id_map=id_map)
    missing, unexpected = net.load_state_dict(state, strict=False)
    # Position ids and similar non-persistent buffers may be absent; real weights must not be.
    real_missing = [k for k in missing if not k.endswith("position_ids")]
    if real_missing or unexpected:
        raise ValueError(
            f"{md.weights}: weights do not match the network (missing {real_missing[:5]}, "
            f"unexpected {unexpected[:5]}); the model directory is corrupt or from another version"
        )
    tokenizer = AutoTokenizer.from_pretrained(str(md.tokenizer_dir))
    net.to(device).eval()
    return net, tokenizer


class TransformerBackend:
    """Raw logits for normalised texts: one tokenizer call per batch, length-sorted batches capped by rows
    and by padded tokens, overlapping windows for long texts (the highest window logit per label wins), in
    fp32 (torch, inference_mode) or int8 (ONNX Runtime, see the module docstring)."""

    def __init__(
        self,
        net: RiskClassifier,
        tokenizer: Any,
        labels: list[str],
        max_length: int,
        prefix: str,
        device: torch.device,
        batch_size: int = 32,
        int8: OnnxInt8 | None = None,
        max_batch_tokens: int = 2048,
    ) -> None:
        self.net = net
        self.tok = Tokenized(tokenizer, prefix, max_length)
        self.labels = labels
        self.max_length = max_length
        self.device = device
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.int8 = int8
        self.int8_info: dict[str, Any] = {}
        self.bf16 = False  # bf16 runs: OpenVINO's copy (self.ov) or the torch network's bf16 weights (use_bf16)
        self.bf16_info: dict[str, Any] = {}
        self.ov: OpenVinoBf16 | None = None
        self.threads = 1

    @property
    def precision(self) -> str:
        if self.int8 is not None:
            return "int8"
        return "bf16" if self.bf16 else "fp32"

    @property
    def int8_copy(self) -> str | None:
        """The sha256 of the int8 file that runs (None when int8 does not): two builds of one model's int8 copy
        by different saring or ONNX Runtime versions can differ in hundredths, so audits record which ran."""
        return str(self.int8_info["sha256"]) if self.int8 is not None and "sha256" in self.int8_info else None

    @property
    def runtime(self) -> str:
        """The library that runs the network, with its version ("onnxruntime 1.32.0" for int8, "openvino 2026.4.1-..."
        for bf16 through OpenVINO, "torch 2.13.0" otherwise). Where OpenVINO is missing, bf16 runs on torch; the
        two agree within thousandths, and audits record which scored each chunk."""
        if self.int8 is not None:
            return f"onnxruntime {self.int8_info.get('onnxruntime', '?')}"
        if self.ov is not None:
            return f"openvino {self.bf16_info.get('openvino', '?')}"
        return f"torch {torch.__version__}"

    @classmethod
    def load(cls, md: ModelDir, device: str | None = None, precision: str | None = None) -> TransformerBackend:
        info = md.info()
        dev = pick_device(device)
        wanted = resolve_precision(precision)
        threads = configure_threads() if dev.type == "cpu" else torch.get_num_threads()
        labels = list(info["labels"])
        net, tokenizer = load_network(md, len(labels), dev)
        backend = cls(
            net,
            tokenizer,
            labels,
            int(info["max_length"]),
            info.get("text_prefix", ""),
            dev,
            int(info.get("batch_size", 32)),
        )
        backend.threads = threads
        why = ""  # why int8 is not what runs, when it was asked for
        if wanted == "int8" and dev.type != "cpu":
            why, wanted = f"int8 is a CPU path, not for {dev}", precision_instead_of_int8(dev)
        elif wanted == "int8":
            try:
                backend.int8, backend.int8_info = load_int8(md, net, backend.tok, threads)
                logger.info(
                    "%s: int8 (ONNX Runtime, %d threads), check against fp32: %s",
                    md.path,
                    threads,
                    backend.int8_info["check"],
                )
            except Int8Unavailable as e:
                # bf16 is about as fast as int8 in batches where the hardware has bf16 units, and closer to fp32
                why, wanted = str(e), precision_instead_of_int8(dev)
        if wanted == "bf16" and not bf16_fast(dev):
            why = (
                f"bf16 requested, but {dev} has no bf16 matrix units (AMX-BF16 or AVX-512 BF16 on a CPU, "
                "compute capability 8 on a GPU): bf16 would be emulated and slower than fp32"
            )
        elif wanted == "bf16":
            try:
                backend.use_bf16(md)
            except (ValueError, RuntimeError) as e:
                why = f"{why}; {e}" if why else str(e)
        if why:  # one message, naming what finally runs
            logger.warning("%s: %s; scoring in %s", md.path, why, backend.precision)
        elif backend.bf16:
            logger.info(
                "%s: bf16 (%s), check against fp32: %s",
                md.path,
                backend.bf16_info.get("runtime", "torch"),
                backend.bf16_info["check"],
            )
        return backend

    def use_bf16(self, md: ModelDir | None = None) -> None:
        """Score in bf16. On a CPU, and given the model directory, through OpenVINO's bf16 copy of the network
        (model/openvino_bf16.py: 1.2x torch's bf16 in batches, and faster one text at a time); where OpenVINO is
        missing or its copy fails the check, and on a GPU, by casting the torch network's weights to bfloat16
        after checking its logits against fp32 on the check texts (the gates of int8: a sanity check against a
        broken cast, not a tolerance; the fp32 weights are not kept). Raises ValueError, leaving the network in
        fp32, when that check fails."""
        if md is not None and self.device.type == "cpu":
            try:
                self.ov, info = load_openvino_bf16(md, self.net, self.tok, self.threads)
                self.bf16, self.bf16_info = True, info
                # AMX tiles pay off on taller matrices: batches of up to 128 rows and 8,192 padded tokens ran
                # 1.17x ONNX Runtime's int8 at 32 rows (OpenVINO at 32 rows: 1.00x; median per-round ratio of nine
                # interleaved rounds, 800 tweets, 2 cores, twenty-seventh session). bf16 quantises nothing per
                # batch, so a text's scores do not depend on the batch size.
                self.batch_size = max(self.batch_size, OPENVINO_BATCH_ROWS)
                self.max_batch_tokens = max(self.max_batch_tokens, OPENVINO_BATCH_TOKENS)
                return
            except OpenVinoUnavailable as e:
                logger.warning("%s: %s; bf16 through torch instead", md.path, e)
        bf = copy.deepcopy(self.net).to(torch.bfloat16)

        def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
            with torch.inference_mode():
                t_ids, t_mask = torch.from_numpy(ids).to(self.device), torch.from_numpy(mask).to(self.device)
                return bf(t_ids, t_mask).float().cpu().numpy()

        check = compare_with_fp32(self.net, run, self.tok)
        failed = gate_failure(check)
        if failed:
            raise ValueError(f"the bf16 network disagrees with fp32 on the check texts ({failed})")
        self.net, self.bf16, self.bf16_info = bf, True, {"runtime": "torch", "check": check}

    def batches(self, lengths: list[int]) -> list[list[int]]:
        """Indices into `lengths`, shortest first, cut into batches of at most `batch_size` rows and
        `max_batch_tokens` padded tokens (length buckets: a long window never pads a batch of short ones)."""
        order = sorted(range(len(lengths)), key=lengths.__getitem__)
        out: list[list[int]] = []
        cur: list[int] = []
        for k in order:
            if cur and (len(cur) >= self.batch_size or (len(cur) + 1) * lengths[k] > self.max_batch_tokens):
                out.append(cur)
                cur = []
            cur.append(k)
        if cur:
            out.append(cur)
        return out

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self.int8 is not None:
            return self.int8(ids, mask)
        if self.ov is not None:
            return self.ov(ids, mask)
        with torch.inference_mode():
            t_ids, t_mask = torch.from_numpy(ids).to(self.device), torch.from_numpy(mask).to(self.device)
            return self.net(t_ids, t_mask).float().cpu().numpy()

    def _run(self, rows: list[list[int]]) -> np.ndarray:
        """Logits (rows, labels) of token-id rows, in length-sorted batches."""
        out = np.empty((len(rows), len(self.labels)), dtype=np.float32)
        for idx in self.batches([len(w) for w in rows]):
            ids, mask = self.tok.pad_numpy([rows[k] for k in idx])
            out[idx] = self.forward(ids, mask)
        return out

    def padded_tokens(self, texts: list[str]) -> int:
        """The token positions, padding included, that scoring `texts` runs through the network in this backend's
        batches: what a scoring pass costs, up to the machine's speed (a sample of texts pads differently from the
        whole set, and a set's long texts run as several windows)."""
        if not texts:
            return 0
        rows = [len(w) for ws in self.tok.windows(texts) for w in ws]
        return sum(len(idx) * max(rows[k] for k in idx) for idx in self.batches(rows))

    def first_window_logits(self, texts: list[str]) -> np.ndarray:
        """Logits (texts, labels) of each text's first window only: what a training loop shows a network (a
        distilled student learns these from its teacher, training/distill.py)."""
        return self._run(self.tok.truncated(texts))

    def logits(self, texts: list[str]) -> tuple[np.ndarray, list[int]]:
        windows = self.tok.windows(texts)  # one tokenizer call for the whole batch
        flat = [w for ws in windows for w in ws]
        owner = np.repeat(np.arange(len(texts)), [len(ws) for ws in windows])
        out = self._run(flat)
        if len(flat) == len(texts):  # no text was windowed: rows are texts
            return out, [1] * len(texts)
        result = np.full((len(texts), len(self.labels)), -np.inf, dtype=np.float32)
        np.maximum.at(result, owner, out)
        return result, [len(ws) for ws in windows]
