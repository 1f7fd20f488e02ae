"""bf16 inference: the torch network with bf16 weights, checked against fp32 on load, used only where the
hardware multiplies bf16 (else fp32, saying why), and the fallback of an int8 copy that cannot be used. No ONNX
Runtime needed."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from tests.model.precision_fixtures import TEXTS


def test_bf16_runs_openvino_where_the_cpu_has_bf16_units(
    tiny_transformer_dir: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    import model.int8 as int8
    import model.network as network
    from model.modeldir import file_sha256
    from model.openvino_bf16 import OPENVINO_BATCH_ROWS, OPENVINO_BATCH_TOKENS
    from model.scorer import Scorer

    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: True)  # OpenVINO runs bf16 on any CPU; only speed differs
    sbf, s32 = Scorer(tiny_transformer_dir, precision="bf16"), Scorer(tiny_transformer_dir, precision="fp32")
    assert sbf.precision == "bf16"
    b = sbf.backend
    assert isinstance(b, network.TransformerBackend) and b.ov is not None
    assert b.bf16_info["runtime"] == "openvino" and b.bf16_info["openvino"]
    assert {p.dtype for p in b.net.parameters()} == {torch.float32}  # the torch network is left as trained
    assert b.batch_size >= OPENVINO_BATCH_ROWS and b.max_batch_tokens >= OPENVINO_BATCH_TOKENS  # taller batches
    assert b.bf16_info["check"]["mean_prob_diff"] <= int8.INT8_MEAN_PROB_DIFF
    # the ONNX copy is a build output in the cache, named in openvino.json with its sha256
    (record_path,) = (cache / "openvino").glob("*/openvino.json")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    onnx = record_path.parent / record["file"]
    assert record["sha256"] == file_sha256(onnx) and record["attention"] == "eager"
    assert not list(tiny_transformer_dir.glob("*.onnx"))
    got = sbf.predict_proba(TEXTS)
    assert got.dtype == np.float64 and np.abs(got - s32.predict_proba(TEXTS)).max() < 0.05
    # a text's scores barely move with the batch it is in (int8's row blocks quantise per block)
    alone = np.vstack([sbf.predict_proba([t]) for t in TEXTS])
    assert np.abs(alone - got).max() < 0.02
    # an altered copy is rebuilt, not run
    onnx.write_bytes(onnx.read_bytes()[:-10])
    again = Scorer(tiny_transformer_dir, precision="bf16")
    assert again.backend.bf16_info["runtime"] == "openvino"
    assert file_sha256(record_path.parent / again.backend.bf16_info["file"]) == again.backend.bf16_info["sha256"]
    assert np.abs(again.predict_proba(TEXTS) - got).max() < 1e-6


@pytest.mark.usefixtures("cache")
def test_bf16_without_openvino_casts_the_torch_network_and_says_why(
    tiny_transformer_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import torch

    import model.int8 as int8
    import model.network as network
    from model.openvino_bf16 import OpenVinoUnavailable
    from model.scorer import Scorer

    def no_openvino(*args: object, **kwargs: object) -> None:
        raise OpenVinoUnavailable("openvino is not installed (pip install openvino)")

    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: True)
    monkeypatch.setattr(network, "load_openvino_bf16", no_openvino)
    with caplog.at_level(logging.WARNING):
        sbf = Scorer(tiny_transformer_dir, precision="bf16")
    s32 = Scorer(tiny_transformer_dir, precision="fp32")
    assert sbf.precision == "bf16"
    assert "openvino is not installed (pip install openvino); bf16 through torch instead" in caplog.text
    b = sbf.backend
    assert isinstance(b, network.TransformerBackend) and b.ov is None and b.bf16_info["runtime"] == "torch"
    assert (b.batch_size, b.max_batch_tokens) == (s32.backend.batch_size, s32.backend.max_batch_tokens)
    assert {p.dtype for p in b.net.parameters()} == {torch.bfloat16}
    assert b.bf16_info["check"]["mean_prob_diff"] <= int8.INT8_MEAN_PROB_DIFF
    got = sbf.predict_proba(TEXTS)
    assert np.abs(got - s32.predict_proba(TEXTS)).max() < 0.05
    alone = np.vstack([sbf.predict_proba([t]) for t in TEXTS])
    assert np.abs(alone - got).max() < 0.02


def test_openvino_row_blocks_keep_order_and_drop_padding(tiny_transformer_dir: Path, cache: Path) -> None:
    import model.network as network
    from model.modeldir import ModelDir
    from model.openvino_bf16 import load_openvino_bf16
    from model.scorer import Scorer

    b = Scorer(tiny_transformer_dir, precision="fp32").backend
    assert isinstance(b, network.TransformerBackend)
    one, _ = load_openvino_bf16(ModelDir(tiny_transformer_dir), b.net, b.tok, 1)
    two, _ = load_openvino_bf16(ModelDir(tiny_transformer_dir), b.net, b.tok, 2)
    ids, mask = b.tok.pad_numpy([w for ws in b.tok.windows(TEXTS) for w in ws])
    wide_ids = np.pad(ids, ((0, 0), (0, 7)), constant_values=0)  # padding columns change nothing
    wide_mask = np.pad(mask, ((0, 0), (0, 7)), constant_values=0)
    # never pinned: one-thread Dask workers pinned by OpenVINO all start from the same core
    assert two.compiled.get_property("ENABLE_CPU_PINNING") is False
    ref = one(ids, mask)
    assert ref.shape == (len(ids), len(b.labels))
    for got in (
        two(ids, mask),
        two(wide_ids, wide_mask),
        np.vstack([two(ids[k : k + 1], mask[k : k + 1]) for k in range(len(ids))]),
    ):
        assert np.abs(got - ref).max() < 0.05


def test_small_batches_run_on_every_thread_close_to_the_streams(
    tiny_transformer_dir: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import model.network as network
    import model.openvino_bf16 as ovb
    from model.modeldir import ModelDir
    from model.scorer import Scorer

    b = Scorer(tiny_transformer_dir, precision="fp32").backend
    assert isinstance(b, network.TransformerBackend)
    one, _ = ovb.load_openvino_bf16(ModelDir(tiny_transformer_dir), b.net, b.tok, 1)
    two, _ = ovb.load_openvino_bf16(ModelDir(tiny_transformer_dir), b.net, b.tok, 2)
    ids, mask = b.tok.pad_numpy([w for ws in b.tok.windows(TEXTS) for w in ws])
    assert len(ids) > ovb.SMALL_BATCH_ROWS
    batch = two(ids, mask)
    assert (one.small_state, two.small_state, two.small) == ("one thread", "unused", None)  # not built for batches
    rows = np.vstack([two(ids[k : k + 1], mask[k : k + 1]) for k in range(len(ids))])
    assert two.small_state == "on" and two.small.get_compiled_model().get_property("NUM_STREAMS") == 1
    # one row: the streams' logits (one row is one block); a small batch: within bf16's padding differences
    streams = np.vstack([two._streams(ids[k : k + 1], mask[k : k + 1]) for k in range(len(ids))])
    assert np.abs(rows - streams).max() < 1e-3
    k = ovb.SMALL_BATCH_ROWS
    assert np.abs(two(ids[:k], mask[:k]) - two._streams(ids[:k], mask[:k])).max() < 0.05
    assert np.abs(rows - batch).max() < 0.05
    assert one(ids[:1], mask[:1]).shape == (1, len(b.labels)) and one.small is None  # one thread: nothing to gain

    # a compilation that answers otherwise is dropped, with a warning, and the streams run small batches
    monkeypatch.setattr(ovb, "SMALL_BATCH_TOLERANCE", -1.0)
    three, _ = ovb.load_openvino_bf16(ModelDir(tiny_transformer_dir), b.net, b.tok, 2)
    with caplog.at_level(logging.WARNING, logger="model.openvino_bf16"):
        first = three(ids[:1], mask[:1])
    assert three.small_state == "failed" and three.small is None
    assert "small batches run on the streams" in caplog.text
    assert np.abs(first - streams[:1]).max() == 0.0
    assert np.abs(three(ids[1:2], mask[1:2]) - streams[1:2]).max() == 0.0

    # a CPU plugin that refuses the one-stream compilation: a warning, and the streams run small batches
    four, _ = ovb.load_openvino_bf16(ModelDir(tiny_transformer_dir), b.net, b.tok, 2)
    streams_only = four._compiled

    def refuse(hint: str, streams: int) -> object:
        if hint == "LATENCY":
            raise RuntimeError("configuration not supported")
        return streams_only(hint, streams)

    monkeypatch.setattr(four, "_compiled", refuse)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="model.openvino_bf16"):
        got = four(ids[:1], mask[:1])
    assert four.small_state == "failed" and "configuration not supported" in caplog.text
    assert np.abs(got - streams[:1]).max() == 0.0


@pytest.mark.usefixtures("cache")
def test_bf16_without_bf16_units_scores_fp32_and_says_why(
    tiny_transformer_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import model.network as network
    from model.scorer import Scorer

    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: False)
    with caplog.at_level(logging.WARNING):
        s = Scorer(tiny_transformer_dir, precision="bf16")
    assert s.precision == "fp32"
    assert "no bf16 matrix units" in caplog.text and "emulated" in caplog.text


@pytest.mark.usefixtures("cache")
def test_unavailable_int8_falls_back_to_bf16_where_it_is_fast(
    tiny_transformer_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import model.network as network
    from model.int8 import Int8Unavailable
    from model.scorer import Scorer

    def no_int8(*args: object, **kwargs: object) -> None:
        raise Int8Unavailable("onnxruntime is not installed (pip install onnxruntime onnx)")

    monkeypatch.setattr(network, "load_int8", no_int8)
    for fast, expected in ((True, "bf16"), (False, "fp32")):
        monkeypatch.setattr(network, "cpu_bf16_fast", lambda fast=fast: fast)
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            s = Scorer(tiny_transformer_dir)
        assert s.precision == expected
        assert f"onnxruntime is not installed (pip install onnxruntime onnx); scoring in {expected}" in caplog.text


@pytest.mark.usefixtures("cache")
def test_ensemble_reports_its_members_bf16(tiny_ensemble_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import model.network as network
    from model.scorer import Scorer

    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: True)
    assert Scorer(tiny_ensemble_dir, precision="bf16").precision == "bf16"


@pytest.mark.usefixtures("cache")
def test_a_failing_bf16_check_scores_fp32_with_one_warning(
    tiny_transformer_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import model.int8 as int8
    import model.network as network
    from model.scorer import Scorer

    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: True)
    monkeypatch.setattr(int8, "INT8_MAX_PROB_DIFF", -1.0)  # the gates are read when the check runs
    with caplog.at_level(logging.WARNING):
        s = Scorer(tiny_transformer_dir, precision="bf16")
    assert s.precision == "fp32"
    (msg,) = [r.getMessage() for r in caplog.records if "bf16 network disagrees" in r.getMessage()]
    assert msg.endswith("scoring in fp32")


def test_int8_falls_back_to_bf16_only_on_a_cpu_with_bf16_units(monkeypatch: pytest.MonkeyPatch) -> None:
    # On a lent H200 bf16 was no faster than fp32 for this encoder and slower one post at a time: where int8
    # cannot run, a GPU gets fp32; a CPU gets bf16 only where it multiplies bf16 in hardware.
    import torch

    import model.network as network

    monkeypatch.setattr(network, "cpu_flags", lambda: {"avx512_vnni", "amx_bf16"})
    assert network.precision_instead_of_int8(torch.device("cpu")) == "bf16"
    assert network.precision_instead_of_int8(torch.device("cuda")) == "fp32"
    monkeypatch.setattr(network, "cpu_flags", lambda: {"avx2"})
    assert network.precision_instead_of_int8(torch.device("cpu")) == "fp32"


def test_both_compilations_run_without_snippets(
    tiny_transformer_dir: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attention runs as oneDNN's products on the AMX tiles (OpenVINO's fused attention kernel did not use them:
    1.16x `Scorer.score` in bf16), in the streams and in the small-batch compilation alike (that one row gets the
    streams' logits is test_small_batches_run_on_every_thread_close_to_the_streams)."""
    import openvino as ov

    import model.network as network
    import model.openvino_bf16 as ovb
    from model.modeldir import ModelDir
    from model.scorer import Scorer

    seen: list[tuple[str, dict[str, object]]] = []

    class Recording(ov.Core):  # type: ignore[misc]
        def compile_model(self, model: object, device: str, config: dict[str, object]) -> object:  # type: ignore[override]
            seen.append((str(config["PERFORMANCE_HINT"]), dict(config)))
            return super().compile_model(model, device, config)

    monkeypatch.setattr(ov, "Core", Recording)
    b = Scorer(tiny_transformer_dir, precision="fp32").backend
    assert isinstance(b, network.TransformerBackend)
    two, _ = ovb.load_openvino_bf16(ModelDir(tiny_transformer_dir), b.net, b.tok, 2)
    ids, mask = b.tok.pad_numpy([w for ws in b.tok.windows(TEXTS) for w in ws])
    two(ids[:1], mask[:1])  # builds the small-batch compilation
    assert two.small_state == "on"
    configs = dict(seen)
    assert set(configs) == {"THROUGHPUT", "LATENCY"}
    for config in configs.values():
        assert config["SNIPPETS_MODE"] == "DISABLE" and config["INFERENCE_PRECISION_HINT"] == "bf16"
