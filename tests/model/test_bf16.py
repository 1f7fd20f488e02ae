"""bf16 inference: the torch network with bf16 weights, checked against fp32 on load, used only where the
hardware multiplies bf16 (else fp32, saying why), and the fallback of an int8 copy that cannot be used. No ONNX
Runtime needed."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from tests.model.precision_fixtures import TEXTS


@pytest.mark.usefixtures("cache")
def test_bf16_where_the_cpu_has_bf16_units(tiny_transformer_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    import model.int8 as int8
    import model.network as network
    from model.scorer import Scorer

    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: True)  # torch runs bf16 on any CPU; only speed differs
    sbf, s32 = Scorer(tiny_transformer_dir, precision="bf16"), Scorer(tiny_transformer_dir, precision="fp32")
    assert sbf.precision == "bf16"
    b = sbf.backend
    assert isinstance(b, network.TransformerBackend)
    assert {p.dtype for p in b.net.parameters()} == {torch.bfloat16}
    assert b.bf16_info["check"]["mean_prob_diff"] <= int8.INT8_MEAN_PROB_DIFF
    got = sbf.predict_proba(TEXTS)
    assert got.dtype == np.float64 and np.abs(got - s32.predict_proba(TEXTS)).max() < 0.05
    # a text's scores barely move with the batch it is in (int8's row blocks quantise per block)
    alone = np.vstack([sbf.predict_proba([t]) for t in TEXTS])
    assert np.abs(alone - got).max() < 0.02


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
