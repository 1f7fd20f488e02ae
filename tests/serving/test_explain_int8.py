"""Explanations over the int8 transformer: every occluded variant of the batch goes through a few batched
forward passes, and the spans point at words of the original text."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

pytest.importorskip("onnxruntime")


def test_occlusion_variants_in_few_forward_passes(
    tiny_ensemble_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from model.labels import RISKS
    from model.scorer import Scorer
    from serving import explain as occlusion
    from serving.engine import BatchRunner, ModelHolder, PolicyBook, WorkItem
    from training.speed import transformer_member

    monkeypatch.setenv("SARING_CACHE_DIR", str(tmp_path / "cache"))
    scorer = Scorer(tiny_ensemble_dir, precision="int8")
    assert scorer.precision == "int8"
    # Flag everything so that every text is explained.
    for r in RISKS:
        monkeypatch.setattr(scorer.thresholds[r], "flag", 0.0)
    backend = transformer_member(scorer).backend
    calls: list[int] = []
    forward = backend.forward

    def counting(ids, mask):  # type: ignore[no-untyped-def]
        calls.append(len(ids))
        return forward(ids, mask)

    monkeypatch.setattr(backend, "forward", counting)
    texts = [
        "dasar bodoh kamu tidak tahu apa apa soal politik",
        "tolong viralkan agar semua orang tahu kebenarannya sebelum dihapus",
    ]
    holder = ModelHolder()
    holder.scorer = scorer
    outs, _ = BatchRunner(holder, PolicyBook({}))([WorkItem(t, explain=True) for t in texts])
    n_variants = sum(len(occlusion.plan(t, 256).words) for t in texts)
    # Removing either "apa" of "apa apa" leaves the same text, which the scorer runs once (Scorer.distinct_logits).
    n_distinct = len(
        {scorer.normalizer.normalize(v) for t in texts for v in occlusion.variants(occlusion.plan(t, 256))}
    )
    assert n_distinct == n_variants - 1
    assert sum(calls) == len(texts) + n_distinct  # the scoring pass, then every distinct variant once
    assert len(calls) <= 1 + math.ceil(n_variants / backend.batch_size) + 1
    for t, o in zip(texts, outs, strict=True):
        for span in o.spans:
            assert t[span["begin"] : span["end"]] == span["word"]
