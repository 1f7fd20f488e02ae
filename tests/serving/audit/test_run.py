"""Batch audits: inputs in three formats, rejects with reasons, exactly-once output across interruptions."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from model.examples import DataError
from model.labels import DECISIONS, RISKS
from serving.audit import AuditConfig, AuditError, AuditEvent, read_rejects, read_results, run_audit
from serving.audit.inputs import expand_inputs, parse_column_specs
from serving.audit.ledger import Ledger
from serving.audit.run import _exclusive
from serving.audit.score import month_of, score_frame
from tests.fixture_texts import HOAX, INCITEMENT, NEUTRAL, SLANDER

ROOT = Path(__file__).resolve().parents[3]
TEXTS = HOAX + SLANDER + INCITEMENT + NEUTRAL
PLATFORMS = ["x", "facebook", "instagram", "tiktok"]
COLUMNS = {
    "text": "isi",
    "id": "post_id",
    "parent_text": "induk",
    "kind": "jenis",
    "account": "akun",
    "timestamp": "waktu",
}  # platform is found by its own name
FIELDS = ["post_id", "isi", "induk", "jenis", "platform", "akun", "waktu", "url"]


def make_rows(n: int = 300, start: int = 0) -> list[dict[str, Any]]:
    """Posts and replies built from the fixture texts, with ids, platforms, accounts and times. Every 8th
    row is a reply that restates its parent."""
    rows = []
    for i in range(start, start + n):
        text, parent, kind = TEXTS[(i * 7) % len(TEXTS)], None, "post"
        if i % 4 == 3:
            parent, kind = TEXTS[(i * 5) % len(TEXTS)], "reply"
            if i % 8 == 7:
                text = "tidak benar bahwa " + parent
        rows.append(
            {
                "post_id": f"p{i:04d}",
                "isi": text,
                "induk": parent,
                "jenis": kind,
                "platform": PLATFORMS[(i // 3) % 4],
                "akun": f"akun{i % 9}",
                "waktu": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} 08:{i % 60:02d}:00",
                "url": f"https://contoh.id/{i}",
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        w.writeheader()
        w.writerows([{k: ("" if v is None else v) for k, v in r.items()} for r in rows])
    return path


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def write_parquet(path: Path, rows: list[dict[str, Any]], row_group_size: int = 37) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=row_group_size)
    return path


def config(inputs: list[Path | str], model: Path, out: Path, **kw: Any) -> AuditConfig:
    base: dict[str, Any] = {"columns": dict(COLUMNS), "keep": ["url"], "chunk_rows": 50, "report": False}
    base.update(kw)
    return AuditConfig(inputs=[str(p) for p in inputs], model_dir=model, out_dir=out, **base)


def assert_exactly_once(out: Path, expected_ids: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    res, rej = read_results(out), read_rejects(out)
    ids = list(res["id"]) + list(rej["id"])
    assert len(ids) == len(set(ids)), "a row was written twice"
    assert sorted(ids) == sorted(expected_ids), "a row was lost or invented"
    return res, rej


def by_id(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values("id").reset_index(drop=True)


@pytest.fixture(scope="module")
def reference(tiny_baseline_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """An uninterrupted in-process audit of 300 rows (6 chunks), to compare other runs with."""
    d = tmp_path_factory.mktemp("reference")
    src = write_csv(d / "posts.csv", make_rows())
    run_audit(config([src], tiny_baseline_dir, d / "out"))
    return src, by_id(read_results(d / "out"))


# ----------------------------------------------------------------------------------------------------
def test_score_frame_keeps_one_row_per_input_with_reasons(tiny_baseline_dir: Path) -> None:
    df = pd.DataFrame(
        {
            "isi": [
                "dasar walikota goblok dan maling uang rakyat",
                "",
                None,
                "caf\udce9 murah",
                5,
                "tidak benar bahwa bupati itu maling uang rakyat",
            ],
            "post_id": ["a", "b", "c", "d", "e", None],
            "induk": [None, None, None, None, None, "bupati itu maling uang rakyat, dasar koruptor tidak tahu malu"],
            "waktu": ["2024-03-05T23:00:00+07:00", None, None, None, None, "1709251200"],
        },
        dtype=object,
    )
    out = score_frame(
        df, tiny_baseline_dir, {"text": "isi", "id": "post_id", "parent_text": "induk", "timestamp": "waktu"}
    )
    assert len(out) == len(df) and list(out.index) == list(df.index)
    assert out["reject_code"].tolist() == [None, "EMPTY_TEXT", "MISSING_TEXT", "UNDECODABLE", "NOT_TEXT", None]
    assert "0xe9" in out.loc[3, "reject_reason"] and "--encoding" in out.loc[3, "reject_reason"]
    scored = out[out["reject_code"].isna()]
    for r in RISKS:
        assert scored[f"score_{r}"].between(0, 1).all()
        assert (scored[f"flag_{r}"] == (scored[f"decision_{r}"] != "allow")).all()
    assert set(scored["decision"]) <= set(DECISIONS)
    assert out[out["reject_code"].notna()][[f"score_{r}" for r in RISKS]].isna().all().all()
    assert out.loc[0, "month"] == "2024-03" and out.loc[5, "month"] == "2024-03"
    assert out.loc[5, "id"] == "5"  # no id and no source row: the frame's index
    # the same scores as the API's scorer
    from model.scorer import Scorer

    direct = Scorer(tiny_baseline_dir).score([df.loc[0, "isi"]])[0]
    assert out.loc[0, "score_slander"] == pytest.approx(direct.scores["slander"])


def test_score_frame_works_batch_by_batch_like_spark_or_ray(tiny_baseline_dir: Path) -> None:
    from serving.audit.score import get_scorer, output_ddl

    rows = make_rows(40)
    df = pd.DataFrame(
        {"isi": [r["isi"] for r in rows], "nomor": range(40), "induk": [r["induk"] for r in rows]}
    )  # pandas' own dtypes: str with NaN, int64
    cols = {"text": "isi", "id": "nomor", "parent_text": "induk"}
    whole = score_frame(df, tiny_baseline_dir, cols)
    batches = pd.concat([score_frame(df.iloc[i : i + 7], tiny_baseline_dir, cols) for i in range(0, 40, 7)])
    pd.testing.assert_frame_equal(whole, batches)
    assert whole["id"].tolist() == [str(i) for i in range(40)] and whole["reject_code"].isna().all()
    assert list(whole.columns) == [c.split("`")[1] for c in output_ddl().split(", ")]
    assert get_scorer(tiny_baseline_dir) is get_scorer(str(tiny_baseline_dir))  # loaded once per process


def test_month_of_reads_common_forms() -> None:
    assert month_of("2024-03-31T23:30:00+07:00") == "2024-03"  # local month as written
    assert month_of("1709251200") == "2024-03"  # epoch seconds, UTC
    assert month_of("1709251200000") == "2024-03"  # epoch milliseconds
    assert month_of("05/03/2024") == "2024-03"  # day first, as written in Indonesia
    assert month_of("kemarin sore") is None and month_of("") is None and month_of(None) is None


def test_csv_jsonl_parquet_give_the_same_results(
    tiny_baseline_dir: Path, tmp_path: Path, reference: tuple[Path, pd.DataFrame]
) -> None:
    rows = make_rows()
    ref = reference[1]
    for writer, name in ((write_jsonl, "posts.jsonl"), (write_parquet, "posts.parquet")):
        src = writer(tmp_path / name, rows)
        summary = run_audit(config([src], tiny_baseline_dir, tmp_path / name.replace(".", "_")))
        assert summary.complete and summary.rows_read == 300 and summary.scored == 300 and summary.rejected == 0
        got = by_id(read_results(tmp_path / name.replace(".", "_")))
        assert got["id"].tolist() == ref["id"].tolist()
        assert (got["source_file"] == name).all()
        np.testing.assert_allclose(got[[f"score_{r}" for r in RISKS]], ref[[f"score_{r}" for r in RISKS]])
        for c in ("decision", "row", "platform", "account", "kind", "month", "url", "parent_text"):
            assert got[c].tolist() == ref[c].tolist(), c
    assert ref["model_version"].nunique() == 1 and ref["url"].notna().all()
    assert ref["warnings"].map(lambda w: "REPEATS_RISKY_PARENT" in w).any()


def test_parquet_chunks_cross_row_groups_exactly_once(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    rows = make_rows(173)
    src = write_parquet(tmp_path / "p.parquet", rows, row_group_size=23)
    out = tmp_path / "out"
    summary = run_audit(config([src], tiny_baseline_dir, out, chunk_rows=40))
    assert summary.chunks == 5
    res, _ = assert_exactly_once(out, [r["post_id"] for r in rows])
    assert sorted(res["row"]) == list(range(1, 174))
    assert by_id(res)["text"].tolist() == [r["isi"] for r in rows]


def test_several_files_by_glob_without_id_column_get_row_keys(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    write_csv(tmp_path / "in" / "jan.csv", make_rows(70))
    write_csv(tmp_path / "in" / "feb.csv", make_rows(45, start=70))
    cols = {k: v for k, v in COLUMNS.items() if k != "id"}
    out = tmp_path / "out"
    run_audit(config([tmp_path / "in" / "*.csv"], tiny_baseline_dir, out, columns=cols))
    expected = [f"jan.csv:{i}" for i in range(1, 71)] + [f"feb.csv:{i}" for i in range(1, 46)]
    assert_exactly_once(out, expected)


def test_rejects_carry_their_reasons(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "posts.csv", make_rows(60))
    with open(src, "ab") as f:
        f.write(b"q1,,,post,x,akun1,2024-01-01,u\n")  # empty text
        f.write(b"q2,harga caf\xe9 di pasar naik lagi minggu ini,,post,x,akun1,2024-01-02,u\n")  # cp1252 byte
        f.write(b"q3,terlalu,banyak,kolom,di,baris,ini,sekali,lagi\n")  # 9 fields for 8
    jl = tmp_path / "more.jsonl"
    jl.write_text(
        '{"post_id": "j1", "isi": "jadwal vaksinasi besok pagi"}\n{not json\n\n[1, 2]\n{"post_id": "j5"}\n'
        '{"post_id": "j6", "isi": "satu", "isi": "dua"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    cols = {"text": "isi", "id": "post_id"}
    summary = run_audit(config([src, jl], tiny_baseline_dir, out, columns=cols, keep=[]))
    assert summary.rejected == 7 and summary.rows_read == 60 + 3 + 5
    rej = read_rejects(out).set_index("id")
    assert rej.loc["q1", "code"] == "EMPTY_TEXT" and rej.loc["q1", "column"] == "isi"
    assert rej.loc["q2", "code"] == "UNDECODABLE" and "0xe9" in rej.loc["q2", "reason"]
    assert rej.loc["posts.csv:63", "code"] == "MALFORMED_ROW" and "found 9" in rej.loc["posts.csv:63", "reason"]
    assert rej.loc["more.jsonl:2", "code"] == "NOT_JSON" and rej.loc["more.jsonl:2", "row"] == 2
    assert rej.loc["more.jsonl:4", "code"] == "NOT_OBJECT"  # the blank line 3 is not a row
    assert rej.loc["j5", "code"] == "MISSING_TEXT"
    # before: scored as "dua", the text "satu" dropped silently
    assert (
        rej.loc["more.jsonl:6", "code"] == "DUPLICATE_KEY"
        and "'isi' appears twice" in rej.loc["more.jsonl:6", "reason"]
    )
    assert summary.rejects_by_code == {
        "EMPTY_TEXT": 1,
        "UNDECODABLE": 1,
        "MALFORMED_ROW": 1,
        "NOT_JSON": 1,
        "NOT_OBJECT": 1,
        "MISSING_TEXT": 1,
        "DUPLICATE_KEY": 1,
    }
    # with the right encoding the cp1252 row is scored, not rejected
    again = run_audit(config([src], tiny_baseline_dir, out, columns=cols, keep=[], encoding="cp1252", restart=True))
    assert again.rejected == 2
    res = read_results(out).set_index("id")
    assert res.loc["q2", "text"].startswith("harga café")


def test_bad_column_mapping_names_the_columns_found(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "posts.csv", make_rows(5))
    with pytest.raises(DataError) as e:
        run_audit(config([src], tiny_baseline_dir, tmp_path / "out", columns={"text": "konten"}))
    msg = str(e.value)
    assert "konten" in msg and "'isi'" in msg and "'post_id'" in msg and "--column text=" in msg
    with pytest.raises(DataError, match="url_asli"):
        run_audit(config([src], tiny_baseline_dir, tmp_path / "out", keep=["url_asli"]))
    with pytest.raises(DataError, match="collide"):
        run_audit(config([src], tiny_baseline_dir, tmp_path / "out", keep=["platform"]))
    with pytest.raises(DataError, match="unknown role"):
        parse_column_specs(["teks=isi"])
    with pytest.raises(DataError, match="no file matches"):
        expand_inputs([str(tmp_path / "*.parquet")])


def test_interrupted_run_resumes_without_loss_or_duplicates(
    tiny_baseline_dir: Path, tmp_path: Path, reference: tuple[Path, pd.DataFrame]
) -> None:
    src, ref = reference
    out = tmp_path / "out"

    def stop_after(n: int) -> Callable[[AuditEvent], None]:
        def hook(e: AuditEvent) -> None:
            if e.kind == "chunk" and e.chunks_done >= n:
                raise KeyboardInterrupt

        return hook

    with pytest.raises(KeyboardInterrupt):
        run_audit(config([src], tiny_baseline_dir, out), on_event=stop_after(2))
    ledger = Ledger(out)
    ledger.load()
    assert len(ledger.chunks) == 2 and ledger.complete is None
    events: list[AuditEvent] = []
    summary = run_audit(config([src], tiny_baseline_dir, out), on_event=events.append)
    assert summary.rows_before == 100 and summary.rows_this_run == 200 and summary.complete
    assert events[0].kind == "start" and events[0].rows_before == 100 and events[-1].rows_done == 200
    res, _ = assert_exactly_once(out, ref["id"].tolist())
    pd.testing.assert_frame_equal(by_id(res), ref)
    # a third run has nothing left to do
    assert run_audit(config([src], tiny_baseline_dir, out)).rows_this_run == 0


def test_crash_between_part_file_and_ledger_line(
    tiny_baseline_dir: Path, tmp_path: Path, reference: tuple[Path, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, ref = reference
    out = tmp_path / "out"
    real_append = Ledger.append
    calls = {"n": 0}

    def crash_on_third_chunk(self: Ledger, record: dict[str, Any]) -> None:
        if record.get("type") == "chunk":
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError("simulated crash after the part file, before the ledger line")
        real_append(self, record)

    monkeypatch.setattr(Ledger, "append", crash_on_third_chunk)
    with pytest.raises(OSError, match="simulated"):
        run_audit(config([src], tiny_baseline_dir, out))
    monkeypatch.setattr(Ledger, "append", real_append)
    parts = sorted(p.name for p in (out / "results").glob("*.parquet"))
    assert len(parts) == 3  # the third part file exists, but no ledger line vouches for it
    (out / "results" / ".part-00000-posts-000004.parquet.123.tmp").write_bytes(b"half a file")
    with open(out / "_progress.jsonl", "a", encoding="utf-8") as f:
        f.write('{"type": "chunk", "file": 0, "chunk": 2, "first_')  # killed while appending
    summary = run_audit(config([src], tiny_baseline_dir, out))
    assert summary.rows_before == 100 and summary.complete
    res, _ = assert_exactly_once(out, ref["id"].tolist())
    pd.testing.assert_frame_equal(by_id(res), ref)
    assert not list((out / "results").glob(".*"))


def test_kill_9_then_rerun_saves_every_row_once(
    tiny_baseline_dir: Path, tmp_path: Path, reference: tuple[Path, pd.DataFrame]
) -> None:
    src, ref = reference
    out = tmp_path / "out"
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from serving.audit import AuditConfig, run_audit\n"
        f"cols = {COLUMNS!r}\n"
        "cfg = AuditConfig(inputs=[sys.argv[1]], model_dir=Path(sys.argv[2]), out_dir=Path(sys.argv[3]),\n"
        "                  columns=cols, keep=['url'], chunk_rows=50, report=False)\n"
        "def hook(e):\n"
        "    if e.kind == 'chunk' and e.chunks_done >= 3:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "run_audit(cfg, on_event=hook)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", script, str(src), str(tiny_baseline_dir), str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    summary = run_audit(config([src], tiny_baseline_dir, out))
    assert summary.rows_before == 150 and summary.rows_this_run == 150
    res, _ = assert_exactly_once(out, ref["id"].tolist())
    pd.testing.assert_frame_equal(by_id(res), ref)


def test_refuses_to_resume_after_changes_unless_restart(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    import shutil

    src = write_csv(tmp_path / "posts.csv", make_rows(80))
    out = tmp_path / "out"
    run_audit(config([src], tiny_baseline_dir, out))
    with open(src, "a", encoding="utf-8") as f:
        f.write("p9999,harga cabai naik lagi,,post,x,akun1,2024-05-01,u\n")
    with pytest.raises(AuditError, match=r"(?s)posts.csv changed: size.*of it were saved.*--replaced .*--restart"):
        run_audit(config([src], tiny_baseline_dir, out))
    summary = run_audit(config([src], tiny_baseline_dir, out, replaced=[str(src)]))  # this file's rows scored anew
    assert summary.rows_read == 81 and summary.rows_before == 0 and summary.rows_this_run == 81
    assert_exactly_once(out, [r["post_id"] for r in make_rows(80)] + ["p9999"])
    summary = run_audit(config([src], tiny_baseline_dir, out, restart=True))
    assert summary.rows_read == 81 and summary.rows_before == 0

    other = tmp_path / "other_model"
    shutil.copytree(tiny_baseline_dir, other)
    info = json.loads((other / "saring_model.json").read_text())
    info["version"] = "saring-baseline-retrained"
    (other / "saring_model.json").write_text(json.dumps(info))
    with pytest.raises(AuditError, match="saring-baseline-retrained"):
        run_audit(config([src], other, out))
    with pytest.raises(AuditError, match="chunk_rows"):
        run_audit(config([src], tiny_baseline_dir, out, chunk_rows=30))


def test_a_second_audit_into_the_same_folder_is_refused(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "posts.csv", make_rows(10))
    out = tmp_path / "out"
    out.mkdir()
    with _exclusive(out), pytest.raises(AuditError, match="another audit"):
        run_audit(config([src], tiny_baseline_dir, out))


def test_cli_runs_an_audit_with_summary_csv_and_report(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from serving.audit.cli import app

    src = write_csv(tmp_path / "posts.csv", make_rows(120))
    out = tmp_path / "out"
    args = [
        str(src),
        "--model",
        str(tiny_baseline_dir),
        "--out",
        str(out),
        "--chunk-rows",
        "50",
        "--csv",
        "--no-report",
        "-k",
        "url",
    ] + [a for role, col in COLUMNS.items() for a in ("--column", f"{role}={col}")]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "rows read" in r.output and "120" in r.output and "rows/s" in r.output
    csv_rows = pd.read_csv(out / "results.csv")
    assert len(csv_rows) == 120 and set(csv_rows["id"]) == {f"p{i:04d}" for i in range(120)}
    assert json.loads((out / "summary.json").read_text())["scored"] == 120
    assert not (out / "report.html").exists()  # --no-report; the report has its own tests
    bad = CliRunner().invoke(
        app, [str(src), "--model", str(tiny_baseline_dir), "--out", str(tmp_path / "o2"), "--column", "text=konten"]
    )
    assert bad.exit_code == 2
    assert "konten" in bad.output and "post_id" in bad.output
