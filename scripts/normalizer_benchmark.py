"""Time the text normaliser's versions on the same texts in one process: milliseconds per text, cold (an empty
word cache) and warm (every word cached), medians over interleaved rounds, and version 2 as a ratio of 1.

    python scripts/normalizer_benchmark.py --model models/default
    python scripts/normalizer_benchmark.py --model DIR --texts 4000 --rounds 5

Texts are the first --texts raw tweets of the Ibrohim card (from the data mirror, or downloaded and
verified); the slang table and, for version 2, the known words come from the model's normalizer.json (a model
trained before version 2 has no words: version 2 then reads masked words against the slang table alone).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from model.catalogue import load_dataset  # noqa: E402
from model.modeldir import ModelDir  # noqa: E402
from model.normalize import SUPPORTED_VERSIONS, Normalizer  # noqa: E402


def _per_text_ms(normalizer: Normalizer, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        normalizer.normalize(text)
    return (time.perf_counter() - start) / len(texts) * 1e3


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="a model directory (its normalizer.json is used)")
    parser.add_argument("--texts", type=int, default=4000, help="how many raw Ibrohim tweets (default 4000)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; medians are shown (default 5)")
    args = parser.parse_args(argv)
    saved = Normalizer.from_json(ModelDir(args.model).normalizer)
    texts = [e.text for e in load_dataset("ibrohim2019_multilabel_hs").examples][: args.texts]
    times: dict[str, list[tuple[float, float]]] = {v: [] for v in SUPPORTED_VERSIONS}
    for _ in range(args.rounds):
        for version in SUPPORTED_VERSIONS:
            normalizer = Normalizer(saved.slang, version=version, words=saved.words)
            cold = _per_text_ms(normalizer, texts)
            times[version].append((cold, _per_text_ms(normalizer, texts)))
    print(f"{len(texts)} raw tweets, {args.rounds} interleaved rounds, medians (model normaliser {saved.version})")
    print(f"{'version':>8} {'cold ms/text':>13} {'warm ms/text':>13} {'warm x version 1':>17}")
    warm_1 = statistics.median(w for _, w in times["1"])
    for version, rounds in times.items():
        cold = statistics.median(c for c, _ in rounds)
        warm = statistics.median(w for _, w in rounds)
        print(f"{version:>8} {cold:13.4f} {warm:13.4f} {warm / warm_1:17.2f}")
    normalizer = Normalizer(saved.slang, words=saved.words)
    start = time.perf_counter()
    normalizer.normalize("dasar h*m*")
    first = (time.perf_counter() - start) * 1e3
    start = time.perf_counter()
    normalizer.normalize("dasar k*f*r")
    print(
        f"version 2, first masked word in a process (builds the word index): {first:.1f} ms; "
        f"a later new one: {(time.perf_counter() - start) * 1e3:.2f} ms"
    )


if __name__ == "__main__":
    main()
