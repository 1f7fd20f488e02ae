"""`saring benchmark speed` runs every path in one process and prints the machine and the ratios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from model.network import batch_precision

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
            "--against",
            str(tiny_ensemble_dir),
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
    # what the CPU's cores did before the models loaded and after the last path, one thread against all of them
    for when in ("start", "end"):
        mm = got["machine"]["fp32_matmul"][when]
        assert mm["threads"] == max(1, got["machine"]["torch_threads"])
        assert mm["one_thread_gflops"] > 0 and mm["all_threads_gflops"] > 0
        assert mm["speedup"] == pytest.approx(mm["all_threads_gflops"] / mm["one_thread_gflops"], abs=0.02)
    printed = " ".join(res.output.split())  # rich wraps its lines at the terminal's width
    assert "fp32 matrix product" in printed and "at its end" in printed and "GFLOP/s" in printed
    assert got["int8_vs_fp32"]["decision_agreement"] > 0.8
    # the second model, timed beside this one in its precision (here the same model: the same decisions)
    against = got["against"]
    # in the batch path's precision, what audits run: bf16 on a CPU with AMX tiles (where it runs), else int8
    assert against["precision"] == (
        "bf16" if batch_precision() == "bf16" and "Scorer.score (ensemble), bf16" in paths else "int8"
    )
    assert against["rounds"] == 3
    assert against["this_texts_per_s"] > 0 and against["other_texts_per_s"] > 0
    assert against["other_vs_this"]["decision_agreement"] == 1.0
    assert "against " in res.output and "alternating rounds" in res.output


def test_the_matmul_ceiling_times_one_thread_and_all_and_gives_the_threads_back() -> None:
    import torch

    from training.speed import matmul_ceiling

    before = torch.get_num_threads()
    got = matmul_ceiling(2, size=96, seconds=0.02, rounds=2)
    assert torch.get_num_threads() == before
    assert got["size"] == 96 and got["threads"] == 2
    assert got["one_thread_gflops"] > 0 and got["all_threads_gflops"] > 0
    assert got["speedup"] == pytest.approx(got["all_threads_gflops"] / got["one_thread_gflops"], abs=0.02)
    # one thread asked for: one measurement, its own ratio
    one = matmul_ceiling(1, size=96, seconds=0.02, rounds=1)
    assert one["threads"] == 1 and one["speedup"] == 1.0
    assert one["one_thread_gflops"] == one["all_threads_gflops"]


def test_a_model_against_another_reports_both_speeds_and_how_far_apart_they_score(
    tiny_ensemble_dir: Path, tiny_transformer_dir: Path
) -> None:
    from model.scorer import Scorer
    from training.speed import run_against

    texts = ["Semua orang dari suku itu harus diusir dari kampung kita!", "Besok posyandu buka jam delapan pagi."] * 4
    this = Scorer(tiny_ensemble_dir, precision="fp32")
    same = run_against(this, tiny_ensemble_dir, texts, rounds=2)
    assert same["other_vs_this"] == {"max_abs_score_diff": 0.0, "mean_abs_score_diff": 0.0, "decision_agreement": 1.0}
    other = run_against(this, tiny_transformer_dir, texts, rounds=2)
    assert other["precision"] == "fp32" and other["model"] == str(tiny_transformer_dir)
    assert other["other_vs_this"]["max_abs_score_diff"] > 0  # the member alone does not score as the ensemble


def test_where_int8_runs_fp32_the_benchmark_has_no_rows_under_its_name(
    tiny_ensemble_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a GPU: the default (int8) runs fp32 there, and its rows were the fp32 rows again under another name.
    import model.network as network
    from model.int8 import Int8Unavailable
    from training.speed import run_speed

    def unavailable(*_: object, **__: object) -> None:
        raise Int8Unavailable("no int8 here")

    monkeypatch.setenv("SARING_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(network, "load_int8", unavailable)
    monkeypatch.setattr(network, "cpu_flags", lambda: {"avx2"})
    texts = ["Semua orang dari suku itu harus diusir dari kampung kita!", "Besok posyandu buka jam delapan pagi."]
    got = run_speed(tiny_ensemble_dir, texts * 5, repeats=1, latency_n=2, explain_n=2)
    assert got["int8_runs"] == "fp32" and got["int8_active"] is False
    assert not [k for k in got["paths"] if "int8" in k or "bf16" in k]
    assert set(got["latency"]) == {"fp32"} and "int8_vs_fp32" not in got and "bf16_vs_fp32" not in got
    assert set(got["explain"]) == {"n_flagged", "mean_words", "fp32_ms_per_text"}  # fp32 explained, nothing else


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
