"""`saring benchmark speed` runs every path in one process and prints the machine and the ratios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("onnxruntime")


def test_speed_benchmark_on_a_texts_file(
    tiny_ensemble_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fixture_texts import fixture_examples
    from training.benchmark import app

    monkeypatch.setenv("SARING_CACHE_DIR", str(tmp_path / "cache"))
    texts = tmp_path / "texts.txt"
    texts.write_text("\n".join(e.text.replace("\n", " ") for e in fixture_examples()[:40]), encoding="utf-8")
    out = tmp_path / "speed.json"
    res = CliRunner().invoke(
        app,
        [
            "speed",
            "--model",
            str(tiny_ensemble_dir),
            "--texts",
            str(texts),
            "--n",
            "30",
            "--repeats",
            "1",
            "--latency-n",
            "5",
            "--explain-n",
            "3",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "machine:" in res.output and "anchor" in res.output and "p99" in res.output
    got = json.loads(out.read_text())
    assert got["int8_active"] is True
    assert got["n_texts"] == 30
    paths = got["paths"]
    assert {
        "naive HF loop, batch 1, fp32 (anchor)",
        "transformer member, batch path, int8",
        "Scorer.score (ensemble), fp32",
        "Scorer.score (ensemble), int8",
    } <= set(paths)
    assert got["ratios"]["naive HF loop, batch 1, fp32 (anchor)"] == 1.0
    assert got["machine"]["torch_threads"] >= 1
    assert got["int8_vs_fp32"]["decision_agreement"] > 0.8


def test_naive_loop_feeds_the_network_on_its_own_device() -> None:
    # On a lent GPU the anchor handed the tokenizer's CPU tensors to a CUDA network and failed.
    from types import SimpleNamespace

    import torch

    from training.speed import naive_loop

    seen: list[torch.device] = []

    def tokenizer(text: str, **_: object) -> dict[str, torch.Tensor]:
        n = len(text.split())
        return {"input_ids": torch.ones(1, n, dtype=torch.long), "attention_mask": torch.ones(1, n, dtype=torch.long)}

    def net(ids: torch.Tensor, mask: torch.Tensor) -> None:
        seen.extend([ids.device, mask.device])

    backend = SimpleNamespace(
        tok=SimpleNamespace(tokenizer=tokenizer, prefix="query: "),
        net=net,
        device=torch.device("meta"),
        max_length=16,
    )
    naive_loop(SimpleNamespace(backend=backend), ["satu dua", "tiga"])
    assert seen == [torch.device("meta")] * 4
