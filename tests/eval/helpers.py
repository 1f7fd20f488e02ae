"""Small stand-ins for models and data used by the eval tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from model.calibration import Threshold
from model.examples import Example
from model.labels import RISKS


class TableModel:
    """A model whose scores are looked up by text: {text: (hoax, slander, incitement)}."""

    def __init__(
        self, scores: dict[str, tuple[float, float, float]], flag: float = 0.5, block: float = 0.9, name: str = "table"
    ) -> None:
        self.scores = scores
        self.thresholds = {r: Threshold(flag, block) for r in RISKS}
        self.name = name
        self.version = f"{name}-1"
        self.kind = "test"

    def risk_proba(self, texts: list[str]) -> np.ndarray:
        return np.array([self.scores[t] for t in texts], dtype=float).reshape(len(texts), 3)


def ex(
    text: str, hoax=None, slander=None, incitement=None, source: str = "s", platform: str | None = None, **kw
) -> Example:
    return Example(
        text=text,
        labels={"hoax": hoax, "slander": slander, "incitement": incitement},
        source=source,
        id=text[:20],
        platform=platform,
        **kw,
    )


def noisy_data(n: int = 200, seed: int = 0, noise: float = 0.25) -> tuple[list[Example], dict]:
    """Examples with all three labels and a score table that ranks them well (noise added)."""
    rng = np.random.default_rng(seed)
    examples, scores = [], {}
    for i in range(n):
        y = (rng.random(3) < 0.3).astype(int)
        s = np.clip(y * 0.6 + 0.2 + rng.normal(0, noise, 3), 0.001, 0.999)
        text = f"teks nomor {i}"
        examples.append(ex(text, *[int(v) for v in y], source="a" if i % 2 else "b"))
        scores[text] = tuple(float(v) for v in s)
    return examples, scores


def write_jsonl(path: Path, examples: list[Example]) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for e in examples:
            f.write(json.dumps(e.to_record(), ensure_ascii=False) + "\n")
    return path
