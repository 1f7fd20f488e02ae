"""int8 inference: the ONNX Runtime copy of the transformer is built once into the cache, recorded by
sha256, verified against fp32, and scores like fp32; fp32 stays available."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")

from tests.model.precision_fixtures import TEXTS


def _record(cache: Path) -> tuple[Path, dict]:
    (record,) = list((cache / "int8").glob("*/int8.json"))
    return record, json.loads(record.read_text())


def test_int8_is_default_verified_and_cached(tiny_transformer_dir: Path, cache: Path) -> None:
    from model.modeldir import file_sha256
    from model.scorer import Scorer

    before = sorted(p.name for p in tiny_transformer_dir.iterdir())
    s8 = Scorer(tiny_transformer_dir)
    assert s8.precision == "int8"
    s32 = Scorer(tiny_transformer_dir, precision="fp32")
    assert s32.precision == "fp32"
    p8, p32 = s8.predict_proba(TEXTS), s32.predict_proba(TEXTS)
    assert p8.shape == p32.shape == (len(TEXTS), len(s8.labels))
    assert np.abs(p8 - p32).max() < 0.05
    assert [r.windows for r in s8.score(TEXTS)] == [r.windows for r in s32.score(TEXTS)]
    # The model directory is untouched: the ONNX file is a cache output with its hash recorded.
    assert sorted(p.name for p in tiny_transformer_dir.iterdir()) == before
    record, meta = _record(cache)
    onnx = record.parent / meta["file"]
    assert file_sha256(onnx) == meta["sha256"]
    assert meta["weights_sha256"] == file_sha256(tiny_transformer_dir / "model.safetensors")
    assert s8.int8_copy == meta["sha256"] and s32.int8_copy is None  # what audits record
    # A second load reuses the file.
    mtime = onnx.stat().st_mtime_ns
    assert Scorer(tiny_transformer_dir).precision == "int8"
    assert onnx.stat().st_mtime_ns == mtime


def test_altered_cache_file_is_rebuilt(tiny_transformer_dir: Path, cache: Path) -> None:
    from model.modeldir import file_sha256
    from model.scorer import Scorer

    Scorer(tiny_transformer_dir)
    record, meta = _record(cache)
    (record.parent / meta["file"]).write_bytes(b"not a model")
    assert Scorer(tiny_transformer_dir).precision == "int8"
    _, meta2 = _record(cache)
    assert file_sha256(record.parent / meta2["file"]) == meta2["sha256"]


def _op_types(path: Path) -> set[str]:
    onnx = pytest.importorskip("onnx")
    return {n.op_type for n in onnx.load(str(path)).graph.node}


def test_int8_export_recipe(tiny_transformer_dir: Path, cache: Path) -> None:
    """Eager attention is exported from a copy (no SDPA NaN guards in the graph, the scoring network keeps its
    own attention), the MatMuls are quantised, and the session runs without the slow SkipLayerNorm fusion."""
    from model.int8 import INT8_DISABLED_FUSIONS, INT8_FORMAT
    from model.network import TransformerBackend
    from model.scorer import Scorer

    backend = Scorer(tiny_transformer_dir).backend
    assert isinstance(backend, TransformerBackend)
    assert backend.precision == "int8"
    _, meta = _record(cache)
    assert (meta["format"], meta["attention"]) == (INT8_FORMAT, "eager")
    ops = _op_types(cache / "int8" / meta["weights_sha256"][:32] / meta["file"])
    assert "MatMulInteger" in ops and "Softmax" in ops
    assert "IsNaN" not in ops
    assert backend.net.encoder.config._attn_implementation != "eager"
    assert backend.int8_info["disabled_fusions"] == list(INT8_DISABLED_FUSIONS) == ["SkipLayerNormFusion"]
    assert backend.int8_info["check"]["max_prob_diff"] < 0.05
    # MatMuls left in fp32 are recorded (none here: the tiny member moves the check texts too little to refine)
    assert meta["fp32_matmuls"] == []


def test_the_outlier_projection_stays_fp32_when_int8_moves_too_much(
    tiny_transformer_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layer whose feed-forward output sees the largest activation is found on the check texts; when every
    MatMul in int8 moves the check texts more than INT8_REFINE_MEAN_PROB_DIFF and leaving that projection in fp32
    moves them at least a tenth less, its MatMul stays unquantised; otherwise every weight MatMul is quantised."""
    import torch

    import model.int8 as int8
    from model.network import TransformerBackend
    from model.scorer import Scorer

    onnx = pytest.importorskip("onnx")
    backend = Scorer(tiny_transformer_dir, precision="fp32").backend
    assert isinstance(backend, TransformerBackend)
    layers = backend.net.encoder.get_submodule("encoder.layer")
    assert len(layers) >= 2
    target = len(layers) - 1 if int8.outlier_projections(backend.net, backend.tok) != [len(layers) - 1] else 0
    with torch.no_grad():  # an outlier: this layer's GELU outputs grow 60x
        layers[target].intermediate.dense.weight.mul_(60.0)
        layers[target].intermediate.dense.bias.mul_(60.0)
    assert int8.outlier_projections(backend.net, backend.tok) == [target]
    assert len(int8.outlier_projections(backend.net, backend.tok, keep=2)) == 2

    def graph(path: Path) -> dict[str, str]:
        return {n.name: n.op_type for n in onnx.load(str(path)).graph.node}

    moves = iter([0.05, 0.01])  # every MatMul int8, then with the outlier in fp32
    monkeypatch.setattr(int8, "compare_with_fp32", lambda *a, **k: {"mean_prob_diff": next(moves)})
    path, _, kept = int8._export_int8(backend.net, backend.tok, tmp_path / "refined", int8.int8_reduce_range())
    (name,) = kept
    assert f"/layer.{target}/output/dense/" in name
    nodes = graph(path)
    assert nodes[name] == "MatMul"  # still a float MatMul, fed by the fp32 weight
    assert sum(op == "MatMulInteger" for op in nodes.values()) >= 1  # the rest is quantised

    moves = iter([0.0144, 0.0117])  # a two-epoch default member (twenty-sixth session): 0.81, refined
    path, _, kept = int8._export_int8(backend.net, backend.tok, tmp_path / "two-epoch", int8.int8_reduce_range())
    assert kept == [name]

    moves = iter([0.05, 0.047])  # refining barely helps: keep every MatMul in int8
    path, _, kept = int8._export_int8(backend.net, backend.tok, tmp_path / "barely", int8.int8_reduce_range())
    assert kept == [] and name not in graph(path)
    monkeypatch.setattr(int8, "compare_with_fp32", lambda *a, **k: {"mean_prob_diff": 0.005})
    path, _, kept = int8._export_int8(
        backend.net, backend.tok, tmp_path / "close", int8.int8_reduce_range()
    )  # close enough: not refined
    assert kept == [] and name not in graph(path)


@pytest.mark.usefixtures("cache")
def test_int8_row_blocks_keep_order_and_drop_padding(tiny_transformer_dir: Path) -> None:
    """With 2 threads a batch runs as 2 row blocks, each exactly what one thread gives on that block; columns
    that are padding in every row change nothing."""
    from model.int8 import OnnxInt8, balanced_blocks
    from model.network import TransformerBackend
    from model.scorer import Scorer

    backend = Scorer(tiny_transformer_dir).backend
    assert isinstance(backend, TransformerBackend) and backend.int8 is not None
    one, two = OnnxInt8(backend.int8.path, 1), OnnxInt8(backend.int8.path, 2)
    batch = [w for ws in backend.tok.windows(TEXTS + ["mantap gan", "ok"]) for w in ws]
    ids, mask = backend.tok.pad_numpy(batch)
    got = two(ids, mask)
    assert got.shape == (len(ids), len(backend.labels))
    expected = np.empty_like(got)
    for idx in balanced_blocks(mask.sum(axis=1), 2):
        expected[idx] = one(ids[idx], mask[idx])
    np.testing.assert_array_equal(got, expected)  # rows back in input order, each block as one thread scores it
    wide_ids = np.pad(ids, ((0, 0), (0, 7)), constant_values=backend.tok.pad_id)
    np.testing.assert_array_equal(one(wide_ids, np.pad(mask, ((0, 0), (0, 7)))), one(ids, mask))
    np.testing.assert_array_equal(two(ids[:1], mask[:1]), one(ids[:1], mask[:1]))


def test_cache_of_an_older_recipe_is_rebuilt(tiny_transformer_dir: Path, cache: Path) -> None:
    from model.scorer import Scorer

    Scorer(tiny_transformer_dir)
    record, meta = _record(cache)
    record.write_text(json.dumps({**meta, "format": meta["format"] - 1, "attention": "sdpa"}))
    onnx = record.parent / meta["file"]
    mtime = onnx.stat().st_mtime_ns
    assert Scorer(tiny_transformer_dir).precision == "int8"
    _, meta2 = _record(cache)
    assert (meta2["format"], meta2["attention"]) == (meta["format"], "eager")
    assert (record.parent / meta2["file"]).stat().st_mtime_ns != mtime or meta2["file"] != meta["file"]


def test_failed_eager_export_falls_back_to_the_default_attention(
    tiny_transformer_dir: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from transformers import PreTrainedModel

    from model.scorer import Scorer

    def no_eager(self: PreTrainedModel, attn_implementation: str | dict, **_: object) -> None:
        raise ValueError(f"{type(self).__name__} does not support attn_implementation={attn_implementation!r}")

    monkeypatch.setattr(PreTrainedModel, "set_attn_implementation", no_eager)
    with caplog.at_level(logging.WARNING):
        s8 = Scorer(tiny_transformer_dir)
    assert s8.precision == "int8"
    assert "eager attention failed (ValueError" in caplog.text
    _, meta = _record(cache)
    assert meta["attention"] not in ("eager", "")
    s32 = Scorer(tiny_transformer_dir, precision="fp32")
    assert np.abs(s8.predict_proba(TEXTS) - s32.predict_proba(TEXTS)).max() < 0.05


@pytest.mark.usefixtures("cache")
def test_env_var_and_bad_precision(tiny_transformer_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from model.scorer import Scorer

    monkeypatch.setenv("SARING_PRECISION", "fp32")
    assert Scorer(tiny_transformer_dir).precision == "fp32"
    assert Scorer(tiny_transformer_dir, precision="int8").precision == "int8"
    with pytest.raises(ValueError, match="precision"):
        Scorer(tiny_transformer_dir, precision="int4")


@pytest.mark.usefixtures("cache")
def test_disagreeing_int8_falls_back_to_fp32(
    tiny_transformer_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import model.int8 as int8
    import model.network as network
    from model.scorer import Scorer

    monkeypatch.setattr(int8, "INT8_MAX_PROB_DIFF", -1.0)
    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: False)  # else bf16 is the fallback (test below)
    with caplog.at_level(logging.WARNING):
        s = Scorer(tiny_transformer_dir)
    assert s.precision == "fp32"
    assert "disagrees with fp32" in caplog.text


@pytest.mark.usefixtures("cache")
def test_ensemble_members_follow_precision(tiny_ensemble_dir: Path) -> None:
    from model.scorer import Scorer

    s8, s32 = Scorer(tiny_ensemble_dir), Scorer(tiny_ensemble_dir, precision="fp32")
    assert (s8.precision, s32.precision) == ("int8", "fp32")
    assert np.abs(s8.risk_proba(TEXTS) - s32.risk_proba(TEXTS)).max() < 0.05
    member = Scorer(tiny_ensemble_dir / "transformer")  # the ensemble names its transformer member's int8 file
    assert s8.int8_copy is not None and s8.int8_copy == member.int8_copy and s32.int8_copy is None


@pytest.mark.usefixtures("cache")
def test_length_buckets_cap_rows_and_tokens(tiny_transformer_dir: Path) -> None:
    from model.network import TransformerBackend
    from model.scorer import Scorer

    b = Scorer(tiny_transformer_dir, precision="fp32").backend
    assert isinstance(b, TransformerBackend)
    b.batch_size, b.max_batch_tokens = 4, 100
    lengths = [10, 50, 12, 11, 60, 9, 13, 14, 15]
    batches = b.batches(lengths)
    assert sorted(k for x in batches for k in x) == list(range(len(lengths)))
    for x in batches:
        assert len(x) <= 4 and (len(x) == 1 or len(x) * max(lengths[k] for k in x) <= 100)
    assert [lengths[k] for x in batches for k in x] == sorted(lengths)


@pytest.mark.usefixtures("cache")
def test_padded_tokens_count_what_the_network_runs_through(tiny_transformer_dir: Path) -> None:
    """padded_tokens, which the training step's time estimate scales by, is the size of every batch the forward pass
    gets: windows of long texts and the padding of each length bucket included."""
    from model.network import TransformerBackend
    from model.scorer import Scorer

    b = Scorer(tiny_transformer_dir, precision="fp32").backend
    assert isinstance(b, TransformerBackend)
    b.batch_size = 3
    texts = [*TEXTS, " ".join(["kata"] * 400), "ya", "ini teks yang agak panjang sedikit dari yang lain"]
    seen: list[int] = []
    forward = b.forward

    def recording(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        seen.append(ids.size)
        return forward(ids, mask)

    b.forward = recording  # type: ignore[method-assign]
    _, windows = b.logits(texts)
    assert max(windows) > 1  # the long text runs as several windows, and they count
    assert b.padded_tokens(texts) == sum(seen) > sum(len(w) for ws in b.tok.windows(texts) for w in ws)
    assert b.padded_tokens([]) == 0


def test_configure_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from model.network import configure_threads, physical_cores

    before = torch.get_num_threads()
    try:
        monkeypatch.delenv("SARING_THREADS", raising=False)
        torch.set_num_threads(physical_cores() + 7)
        assert configure_threads() == physical_cores() == torch.get_num_threads()  # oversubscription cut
        torch.set_num_threads(1)
        assert configure_threads() == 1  # a lower count chosen by the host process is kept
        monkeypatch.setenv("SARING_THREADS", "3")
        assert configure_threads() == 3 == torch.get_num_threads()
    finally:
        torch.set_num_threads(before)


def test_unwritable_cache_falls_back_to_fp32(
    tiny_transformer_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import model.network as network
    from model.scorer import Scorer

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SARING_CACHE_DIR", str(blocker))
    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: False)  # else bf16 is the fallback
    s = Scorer(tiny_transformer_dir)
    assert s.precision == "fp32"
    assert len(s.score(TEXTS)) == len(TEXTS)


def test_balanced_blocks_cover_every_row_once_and_even_out_the_cost() -> None:
    from model.int8 import balanced_blocks

    rng = np.random.default_rng(0)
    for lengths in (
        [20, 25, 30, 31, 40, 50, 60, 64],
        [10] * 8,
        [64, 5, 5, 5, 5, 5, 5, 5],
        [3, 7],
        rng.integers(5, 64, 64),
    ):
        lengths = np.asarray(lengths)
        parts = balanced_blocks(lengths, 2)
        assert sorted(np.concatenate(parts).tolist()) == list(range(len(lengths)))
        cost = max(len(p) * lengths[p].max() for p in parts)
        halves = np.array_split(np.sort(lengths), 2)  # the old cut: half the rows each, by length
        assert cost <= max(len(h) * h.max() for h in halves)
    assert [len(p) for p in balanced_blocks(np.array([10] * 8), 2)] == [4, 4]
    # a long row among short ones gets a block of its own instead of half the batch at its width
    assert sorted(len(p) for p in balanced_blocks(np.array([64, 5, 5, 5, 5, 5, 5, 5]), 2)) == [1, 7]
    assert len(balanced_blocks(np.array([12, 30, 7]), 4)) <= 3
    assert balanced_blocks(np.array([], dtype=int), 2) == []
    assert [p.tolist() for p in balanced_blocks(np.array([9, 4]), 1)] == [[1, 0]]


def test_cpu_info_reads_the_first_processor_and_its_flags(monkeypatch):
    import io

    import model.network as network

    text = (
        "processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: fpu avx512_vnni amx_bf16\n\n"
        "processor\t: 1\nmodel name\t: Other CPU\nflags\t\t: fpu\n"
    )
    monkeypatch.setattr(network, "open", lambda *a, **k: io.StringIO(text), raising=False)
    assert network.cpu_info()["model name"] == "Test CPU"
    assert network.cpu_flags() == {"fpu", "avx512_vnni", "amx_bf16"} and network.cpu_bf16_fast()
    assert network.cpu_bf16_tiles()
    # AVX-512 BF16 without AMX (an AMD EPYC): bf16 is fast against fp32, but batch work stays in int8
    amd = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx512_vnni avx512_bf16\n"
    monkeypatch.setattr(network, "open", lambda *a, **k: io.StringIO(amd), raising=False)
    assert network.cpu_bf16_fast() and not network.cpu_bf16_tiles() and network.batch_precision() == "int8"

    def missing(*a, **k):
        raise OSError("no /proc here")

    monkeypatch.setattr(network, "open", missing, raising=False)
    assert network.cpu_info() == {} and network.cpu_flags() == set() and not network.cpu_bf16_fast()


def test_outlier_projections_name_nothing_for_an_encoder_that_is_not_bert_like(tiny_transformer_dir: Path) -> None:
    """An encoder without `encoder.layer[N].output.dense` gets no fp32 MatMul (every MatMul quantised), not a crash."""
    import torch

    from model.int8 import outlier_projections
    from model.network import TransformerBackend
    from model.scorer import Scorer

    backend = Scorer(tiny_transformer_dir, precision="fp32").backend
    assert isinstance(backend, TransformerBackend)
    net = backend.net
    layers = net.encoder.get_submodule("encoder.layer")
    layers[0].output.dense = torch.nn.Identity()  # a layer shaped differently
    assert outlier_projections(net, backend.tok) == []
    del net.encoder.encoder  # no encoder.layer at all
    assert outlier_projections(net, backend.tok) == []


def test_int8_weights_take_7_bits_on_an_x86_cpu_without_vnni(
    tiny_transformer_dir: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without 8-bit dot products that accumulate in 32 bits (AVX2 alone), ONNX Runtime's kernel saturates in 16 bits:
    the weights are quantised to 7 bits there, the record says which, and a copy of the other kind is rebuilt."""
    from model import int8, network
    from model.scorer import Scorer

    assert not int8.INT8_DOT_FLAGS & {"avx2", "fma", "sse2"}
    kinds = {
        "avx2 alone": ({"sse2", "avx2", "fma"}, True),
        "avx-512 vnni": ({"sse2", "avx2", "avx512f", "avx512_vnni"}, False),
        "avx-vnni": ({"sse2", "avx2", "avx_vnni"}, False),
        "not x86": ({"fp", "asimd", "asimddp"}, False),
        "unknown": (set(), False),
    }
    for name, (flags, expected) in kinds.items():
        monkeypatch.setattr(network, "cpu_flags", lambda flags=flags: set(flags))
        assert int8.int8_reduce_range() is expected, name

    built = {}
    for name in ("avx2 alone", "avx-512 vnni"):
        flags = kinds[name][0]
        monkeypatch.setattr(network, "cpu_flags", lambda flags=flags: set(flags))
        # (8-bit weights on a CPU that really lacks VNNI may fail the check against fp32 and run fp32: the copy and
        # its record are written either way)
        Scorer(tiny_transformer_dir)
        _, meta = _record(cache)
        assert meta["reduce_range"] is kinds[name][1]
        assert ("7 bits" in meta["quantization"]) is kinds[name][1]
        built[name] = meta["sha256"]
    assert built["avx2 alone"] != built["avx-512 vnni"]  # rebuilt for the other kind, not reused
