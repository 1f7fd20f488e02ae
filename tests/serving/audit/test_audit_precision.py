"""`saring audit --precision`: the scorer an audit uses, in-process and on Dask workers, runs in the precision
asked for (default $SARING_PRECISION, else int8), the ledger records it, and a resumed audit never mixes int8
and fp32 scores. Dask workers get their share of the cores before they load the model."""

from __future__ import annotations

import json
import logging
import os
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.labels import RISKS
from serving.audit import AuditError, AuditEvent, read_results, run_audit
from serving.audit.ledger import Ledger
from serving.audit.runners import agreed_int8_copy, agreed_runtime, prepare_worker, usable_cores
from tests.serving.audit.test_run import assert_exactly_once, by_id, config, make_rows, write_parquet

pytest.importorskip("onnxruntime")

SCORES = [f"score_{r}" for r in RISKS]
ROWS = make_rows(120)  # 3 chunks of 50 (config's chunk_rows)


@pytest.fixture(autouse=True)
def no_env_precision(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SARING_PRECISION", raising=False)


@pytest.fixture(autouse=True)
def fresh_audit_scorers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's audits load their Scorer, and so start their logit cache, afresh: texts another test scored
    would otherwise come from that test's batches."""
    import serving.audit.score as score

    monkeypatch.setattr(score, "_SCORERS", {})


@pytest.fixture()
def src(tmp_path: Path) -> Path:
    return write_parquet(tmp_path / "posts.parquet", ROWS)


def direct_scores(model: Path, precision: str) -> np.ndarray:
    """What the API's Scorer gives in `precision`, called on the audit's chunks in order and with the audit's logit
    cache (int8 activations are quantised per batch, so the same batches give the same numbers, and a text of an
    earlier chunk keeps the scores it got there)."""
    from model.scorer import Scorer
    from serving.audit.score import AUDIT_CACHE_SIZE

    s = Scorer(model, precision=precision, cache_size=AUDIT_CACHE_SIZE)
    out = []
    for start in range(0, len(ROWS), 50):
        part = ROWS[start : start + 50]
        out += [
            [r.scores[k] for k in RISKS] for r in s.score([x["isi"] for x in part], parents=[x["induk"] for x in part])
        ]
    return np.array(out)


def saved_precision(out: Path) -> str:
    ledger = Ledger(out)
    ledger.load()
    assert ledger.header is not None
    return str(ledger.header["model"]["precision"])


def stop_after_one_chunk(e: AuditEvent) -> None:
    if e.kind == "chunk":
        raise KeyboardInterrupt


def test_in_process_audit_scores_in_the_precision_asked_for(
    tiny_transformer_dir: Path, src: Path, tmp_path: Path
) -> None:
    s8 = run_audit(config([src], tiny_transformer_dir, tmp_path / "int8", precision="int8"))
    s32 = run_audit(config([src], tiny_transformer_dir, tmp_path / "fp32", precision="fp32"))
    assert (s8.precision, s32.precision) == ("int8", "fp32")
    r8, r32 = by_id(read_results(tmp_path / "int8")), by_id(read_results(tmp_path / "fp32"))
    np.testing.assert_array_equal(r8[SCORES].to_numpy(), direct_scores(tiny_transformer_dir, "int8"))
    np.testing.assert_array_equal(r32[SCORES].to_numpy(), direct_scores(tiny_transformer_dir, "fp32"))
    assert not np.array_equal(r8[SCORES].to_numpy(), r32[SCORES].to_numpy())  # really two precisions
    assert (saved_precision(tmp_path / "int8"), saved_precision(tmp_path / "fp32")) == ("int8", "fp32")
    assert json.loads((tmp_path / "fp32" / "summary.json").read_text())["precision"] == "fp32"
    # copies of a post in later chunks keep the scores of its first copy (the audit's logit cache): in int8 each
    # copy would otherwise take the quantisation of its own batch
    text_of = {x["post_id"]: x["isi"] for x in ROWS}
    texts = r8["id"].map(text_of)
    assert texts.notna().all() and texts.duplicated().any()
    spread = r8[SCORES].groupby(texts.to_numpy()).nunique()
    assert (spread == 1).all().all()


def test_a_bf16_audit_is_recorded_as_bf16_and_never_mixed_with_fp32(
    tiny_transformer_dir: Path, src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import model.network as network
    import serving.audit.score as score

    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: True)  # a CPU with bf16 matrix units
    out = tmp_path / "bf16"
    with pytest.raises(KeyboardInterrupt):
        run_audit(config([src], tiny_transformer_dir, out, precision="bf16"), on_event=stop_after_one_chunk)
    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: False)  # resumed on a machine without them
    monkeypatch.setattr(score, "_SCORERS", {})
    with pytest.raises(AuditError, match=r"scored in bf16, but the model runs in fp32 here"):
        run_audit(config([src], tiny_transformer_dir, out, precision="bf16"))
    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: True)
    monkeypatch.setattr(score, "_SCORERS", {})
    done = run_audit(config([src], tiny_transformer_dir, out, precision="bf16"))
    assert done.precision == "bf16" and saved_precision(out) == "bf16"
    res, _ = assert_exactly_once(out, [r["post_id"] for r in ROWS])
    np.testing.assert_allclose(by_id(res)[SCORES].to_numpy(), direct_scores(tiny_transformer_dir, "fp32"), atol=0.05)


def test_precision_defaults_to_the_environment_and_is_checked(
    tiny_transformer_dir: Path, tiny_baseline_dir: Path, src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SARING_PRECISION", "fp32")
    assert run_audit(config([src], tiny_transformer_dir, tmp_path / "env")).precision == "fp32"
    monkeypatch.delenv("SARING_PRECISION")
    import model.network as network

    # nothing asked: bf16 where the CPU has AMX-BF16 tiles (OpenVINO is a dependency), else int8
    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: False)
    monkeypatch.setattr(network, "cpu_bf16_tiles", lambda: False)
    assert run_audit(config([src], tiny_transformer_dir, tmp_path / "default")).precision == "int8"
    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: True)
    monkeypatch.setattr(network, "cpu_bf16_tiles", lambda: True)
    assert run_audit(config([src], tiny_transformer_dir, tmp_path / "default_bf16")).precision == "bf16"
    with pytest.raises(AuditError, match=r"unknown precision 'int4'.*int8"):
        run_audit(config([src], tiny_transformer_dir, tmp_path / "bad", precision="int4"))
    # a model without a transformer has nothing to quantise: fp32 whatever is asked, and resuming ignores it
    out = tmp_path / "baseline"
    with pytest.raises(KeyboardInterrupt):
        run_audit(config([src], tiny_baseline_dir, out, precision="int8"), on_event=stop_after_one_chunk)
    summary = run_audit(config([src], tiny_baseline_dir, out, precision="fp32"))
    assert summary.precision == "fp32" and summary.rows_before == 50 and summary.complete


def test_resuming_in_another_precision_is_refused(tiny_transformer_dir: Path, src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_audit(config([src], tiny_transformer_dir, out, precision="int8"), on_event=stop_after_one_chunk)
    with pytest.raises(AuditError, match=r"(?s)precision: the saved results were scored in int8.*--precision int8"):
        run_audit(config([src], tiny_transformer_dir, out, precision="fp32"))
    summary = run_audit(config([src], tiny_transformer_dir, out, precision="int8"))
    assert summary.rows_before == 50 and summary.complete and summary.precision == "int8"
    res, _ = assert_exactly_once(out, [r["post_id"] for r in ROWS])
    np.testing.assert_array_equal(by_id(res)[SCORES].to_numpy(), direct_scores(tiny_transformer_dir, "int8"))


def test_a_resume_with_nothing_asked_goes_on_in_the_saved_precision(
    tiny_transformer_dir: Path, src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import model.network as network

    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: True)  # this machine's default would be bf16
    monkeypatch.setattr(network, "cpu_bf16_tiles", lambda: True)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_audit(config([src], tiny_transformer_dir, out, precision="int8"), on_event=stop_after_one_chunk)
    summary = run_audit(config([src], tiny_transformer_dir, out))  # the original command without --precision
    assert summary.precision == "int8" and summary.rows_before == 50 and summary.complete
    assert saved_precision(out) == "int8"
    assert_exactly_once(out, [r["post_id"] for r in ROWS])
    np.testing.assert_array_equal(
        by_id(read_results(out))[SCORES].to_numpy(), direct_scores(tiny_transformer_dir, "int8")
    )
    # asked for explicitly, another precision is still refused
    with pytest.raises(AuditError, match="leave both unset to resume in the saved precision"):
        run_audit(config([src], tiny_transformer_dir, out, precision="fp32"))


def test_the_audit_default_precision(monkeypatch: pytest.MonkeyPatch) -> None:
    import model.network as network
    from serving.audit.run import audit_precision

    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: True)
    monkeypatch.setattr(network, "cpu_bf16_tiles", lambda: True)  # AMX: OpenVINO's bf16 is the faster batch path
    assert audit_precision(None, None) == (False, "bf16")
    assert audit_precision(None, "tcp://elsewhere:8786") == (False, "int8")  # the workers' CPUs are not known
    assert audit_precision("fp32", None) == (True, "fp32")
    monkeypatch.setenv("SARING_PRECISION", "int8")
    assert audit_precision(None, None) == (True, "int8")
    monkeypatch.delenv("SARING_PRECISION")
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "openvino" else find_spec(name, *a)
    )
    assert audit_precision(None, None) == (False, "int8")  # torch's bf16 was slower than int8 on Dask workers
    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setattr(network, "cpu_bf16_tiles", lambda: False)  # AVX-512 BF16 alone: bf16 slower than int8 there
    assert audit_precision(None, None) == (False, "int8")
    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: False)
    assert audit_precision(None, None) == (False, "int8")
    with pytest.raises(ValueError, match="unknown precision"):
        audit_precision("int4", None)


def test_int8_falling_back_to_fp32_is_recorded_and_never_mixed(
    tiny_transformer_dir: Path, src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import model.int8 as int8
    import serving.audit.score as score

    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_audit(config([src], tiny_transformer_dir, out, precision="int8"), on_event=stop_after_one_chunk)
    monkeypatch.setattr(int8, "INT8_MAX_PROB_DIFF", -1.0)  # the int8 copy now fails its check on load
    monkeypatch.setattr(score, "_SCORERS", {})  # and the model is loaded again
    with pytest.raises(AuditError, match=r"scored in int8, but the model runs in fp32 here"):
        run_audit(config([src], tiny_transformer_dir, out, precision="int8"))
    fresh = run_audit(config([src], tiny_transformer_dir, tmp_path / "fresh", precision="int8"))
    assert fresh.precision == "fp32" and saved_precision(tmp_path / "fresh") == "fp32"


def test_resuming_with_another_int8_copy_is_refused(
    tiny_transformer_dir: Path,
    src: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A saring upgrade between two runs of one audit rebuilds the int8 copy under the same model version and
    precision name; its scores differ in hundredths, so the resume is refused (and an old ledger that does not
    record its copy resumes with a warning)."""
    import model.int8 as int8
    import serving.audit.score as score

    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_audit(config([src], tiny_transformer_dir, out, precision="int8"), on_event=stop_after_one_chunk)
    ledger = Ledger(out)
    ledger.load()
    first = (ledger.header or {})["model"]["int8_copy"]
    assert isinstance(first, str) and len(first) == 64

    # another quantisation recipe (as a later saring would have): a new format number rebuilds the cached copy,
    # and this one keeps a projection in fp32, so the file differs
    monkeypatch.setattr(int8, "INT8_FORMAT", int8.INT8_FORMAT + 100)
    monkeypatch.setattr(int8, "INT8_REFINE_MEAN_PROB_DIFF", -1.0)
    monkeypatch.setattr(int8, "INT8_REFINE_GAIN", 1e9)
    monkeypatch.setattr(score, "_SCORERS", {})
    with pytest.raises(AuditError, match=rf"(?s)scored by the int8 copy {first[:16]}.*another saring.*--restart"):
        run_audit(config([src], tiny_transformer_dir, out, precision="int8"))
    fresh = run_audit(config([src], tiny_transformer_dir, tmp_path / "fresh", precision="int8"))
    assert fresh.int8_copy is not None and fresh.int8_copy != first

    # a ledger written before saring recorded the copy: resumed, with a warning naming the copy used now
    lines = (out / "_progress.jsonl").read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[0])
    del head["model"]["int8_copy"]
    (out / "_progress.jsonl").write_text("\n".join([json.dumps(head), *lines[1:]]) + "\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        done = run_audit(config([src], tiny_transformer_dir, out, precision="int8"))
    assert done.complete and done.rows_before == 50
    assert f"scored by the int8 copy {fresh.int8_copy[:16]}" in caplog.text
    assert_exactly_once(out, [r["post_id"] for r in ROWS])


def test_each_chunk_records_the_library_that_scored_it(
    tiny_transformer_dir: Path,
    src: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """bf16 runs through OpenVINO, or through torch where OpenVINO is missing; the two agree within thousandths,
    so a resume by the other is allowed, but it is said (a warning) and recorded (each chunk's ledger line, the
    summary's rows per library)."""
    import openvino
    import torch

    import model.network as network
    import serving.audit.score as score
    from model.openvino_bf16 import OpenVinoUnavailable

    monkeypatch.setattr(network, "cpu_bf16_fast", lambda: True)  # a CPU with bf16 matrix units
    out = tmp_path / "bf16"
    with pytest.raises(KeyboardInterrupt):
        run_audit(config([src], tiny_transformer_dir, out, precision="bf16"), on_event=stop_after_one_chunk)
    ledger = Ledger(out)
    ledger.load()
    assert [r["runtime"] for r in ledger.chunks.values()] == [f"openvino {openvino.__version__}"]

    def no_openvino(*_a: object, **_k: object) -> None:
        raise OpenVinoUnavailable("openvino is not installed (a test)")

    monkeypatch.setattr(network, "load_openvino_bf16", no_openvino)
    monkeypatch.setattr(score, "_SCORERS", {})
    with caplog.at_level(logging.WARNING):
        done = run_audit(config([src], tiny_transformer_dir, out, precision="bf16"))
    torch_bf16 = f"torch {torch.__version__}"
    assert done.complete and done.precision == "bf16"
    assert done.rows_by_runtime == {f"openvino {openvino.__version__}": 50, torch_bf16: 70}
    assert f"the rest is scored by {torch_bf16}" in caplog.text
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows_by_runtime"] == done.rows_by_runtime
    assert_exactly_once(out, [r["post_id"] for r in ROWS])

    # int8 names ONNX Runtime; a run that starts and ends in one library warns about nothing
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        s8 = run_audit(config([src], tiny_transformer_dir, tmp_path / "int8", precision="int8"))
    import onnxruntime

    assert s8.rows_by_runtime == {f"onnxruntime {onnxruntime.__version__}": 120}
    assert "the rest is scored by" not in caplog.text


def test_dask_workers_must_agree_on_the_library_that_runs_the_transformer() -> None:
    ov, pt = "openvino 2025.2.0", "torch 2.13.0"
    assert agreed_runtime({"w1": {"runtime": ov}, "w2": {"runtime": ov}}) == ov
    assert agreed_runtime({"w1": {"runtime": None}}) is None  # a model without a transformer
    with pytest.raises(AuditError, match=r"(?s)different libraries.*'w2': 'torch 2.13.0'.*same saring, openvino"):
        agreed_runtime({"w1": {"runtime": ov}, "w2": {"runtime": pt}})


def test_dask_workers_must_agree_on_the_int8_copy() -> None:
    a, b = "a" * 64, "b" * 64
    assert agreed_int8_copy({"w1": {"int8_copy": a}, "w2": {"int8_copy": a}}) == a
    assert agreed_int8_copy({"w1": {"int8_copy": None}, "w2": {"int8_copy": None}}) is None
    with pytest.raises(AuditError, match=r"(?s)different int8 copies.*'w1': 'aaaaaaaaaaaaaaaa'.*same saring"):
        agreed_int8_copy({"w1": {"int8_copy": a}, "w2": {"int8_copy": b}})
    with pytest.raises(AuditError, match="'w2': 'none'"):  # one worker fell back from int8 to another precision
        agreed_int8_copy({"w1": {"int8_copy": a}, "w2": {"int8_copy": None}})


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, host="127.0.0.1", protocol="tcp", dashboard_address=None
    ) as c:
        yield c


def test_dask_workers_load_the_model_in_the_precision_asked_for(
    tiny_transformer_dir: Path, src: Path, tmp_path: Path, cluster
) -> None:
    local = run_audit(config([src], tiny_transformer_dir, tmp_path / "local", precision="fp32"))
    dist = run_audit(
        config([src], tiny_transformer_dir, tmp_path / "dask", precision="fp32", scheduler=cluster.scheduler_address)
    )
    assert dist.mode.startswith("Dask cluster") and (local.precision, dist.precision) == ("fp32", "fp32")
    a, b = by_id(read_results(tmp_path / "local")), by_id(read_results(tmp_path / "dask"))
    pd.testing.assert_frame_equal(a, b)  # int8 (the default without --precision) would give other scores
    assert not np.array_equal(b[SCORES].to_numpy(), direct_scores(tiny_transformer_dir, "int8"))
    assert saved_precision(tmp_path / "dask") == "fp32"


class _Worker:
    address = "tcp://10.1.2.3:4567"


def test_a_worker_gets_its_share_of_the_cores_before_loading(
    tiny_baseline_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k in ("SARING_THREADS", "TOKENIZERS_PARALLELISM"):
        monkeypatch.setenv(k, "x")  # recorded, so that the test's changes are undone
        monkeypatch.delenv(k)
    elsewhere = ("another-machine", 1)
    info = prepare_worker(str(tiny_baseline_dir), "int8", {"10.1.2.3": 2}, elsewhere, dask_worker=_Worker())
    assert os.environ["SARING_THREADS"] == str(max(1, usable_cores() // 2))  # 2 Dask threads on its machine
    assert os.environ["TOKENIZERS_PARALLELISM"] == "false"
    assert (info["host"], info["precision"], info["in_driver"]) == ("10.1.2.3", "fp32", False)
    assert info["runtime"] is None  # no transformer: nothing to record
    monkeypatch.setenv("SARING_THREADS", "7")  # an operator's choice is kept
    prepare_worker(str(tiny_baseline_dir), "int8", {"10.1.2.3": 2}, elsewhere, dask_worker=_Worker())
    assert os.environ["SARING_THREADS"] == "7"
    monkeypatch.delenv("SARING_THREADS")  # a worker thread of the driver's own process changes nothing there
    info = prepare_worker(
        str(tiny_baseline_dir), "int8", {"10.1.2.3": 2}, (socket.gethostname(), os.getpid()), dask_worker=_Worker()
    )
    assert info["in_driver"] and "SARING_THREADS" not in os.environ


@pytest.mark.slow
def test_local_cluster_workers_get_precision_and_threads(
    tiny_transformer_dir: Path, src: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    run_audit(config([src], tiny_transformer_dir, tmp_path / "local", precision="fp32"))
    with caplog.at_level(logging.INFO, logger="serving.audit.runners"):
        summary = run_audit(config([src], tiny_transformer_dir, tmp_path / "dask", precision="fp32", workers=2))
    assert summary.mode.startswith("local Dask cluster, 2") and summary.precision == "fp32"
    pd.testing.assert_frame_equal(by_id(read_results(tmp_path / "local")), by_id(read_results(tmp_path / "dask")))
    share = max(1, usable_cores() // 2)
    workers = [r.getMessage() for r in caplog.records if r.getMessage().startswith("worker ")]
    assert len(workers) == 2
    assert all(f"fp32, 1 Dask thread(s) x {share} intra-op thread(s)" in m for m in workers), workers


def test_cli_precision_option(tiny_transformer_dir: Path, src: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from serving.audit.cli import app
    from tests.serving.audit.test_run import COLUMNS

    cols = [a for role, col in COLUMNS.items() for a in ("--column", f"{role}={col}")]
    r = CliRunner().invoke(
        app,
        [
            str(src),
            "--model",
            str(tiny_transformer_dir),
            "--out",
            str(tmp_path / "out"),
            "--no-report",
            "--precision",
            "fp32",
            *cols,
        ],
    )
    assert r.exit_code == 0, r.output
    assert "precision" in r.output and "fp32" in r.output
    assert "run by" in r.output and "torch" in r.output  # the library that scored the rows
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["precision"] == "fp32"
    assert saved_precision(tmp_path / "out") == "fp32"
    bad = CliRunner().invoke(
        app,
        [str(src), "--model", str(tiny_transformer_dir), "--out", str(tmp_path / "o2"), "--precision", "int4", *cols],
    )
    assert bad.exit_code == 2 and "unknown precision 'int4'" in bad.output
    r8 = CliRunner().invoke(
        app,
        [
            str(src),
            "--model",
            str(tiny_transformer_dir),
            "--out",
            str(tmp_path / "o8"),
            "--no-report",
            "--precision",
            "int8",
            *cols,
        ],
    )
    assert r8.exit_code == 0, r8.output
    copy = json.loads((tmp_path / "o8" / "summary.json").read_text())["int8_copy"]
    assert len(copy) == 64 and f"int8, file {copy[:12]}" in r8.output  # which int8 file scored the rows
