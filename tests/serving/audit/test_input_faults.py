"""Batch audits on damaged or unusual inputs: every fault is a reject with its line or a DataError saying where,
what and how to fix it, never rows silently run together or a raw traceback; and a resume refuses a model or
input that changed where the cheap checks cannot see it."""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from model.examples import DataError
from serving.audit import AuditConfig, AuditError, AuditEvent, read_rejects, read_results, run_audit
from serving.audit.inputs import expand_inputs
from serving.audit.ledger import PROGRESS_FILE, Ledger


def cfg(inputs: list[Path], model: Path, out: Path, **kw: Any) -> AuditConfig:
    base: dict[str, Any] = {"columns": {"text": "text", "id": "id"}, "chunk_rows": 2, "report": False}
    base.update(kw)
    return AuditConfig(inputs=[str(p) for p in inputs], model_dir=model, out_dir=out, **base)


def stop_after(n: int) -> Callable[[AuditEvent], None]:
    def hook(e: AuditEvent) -> None:
        if e.kind == "chunk" and e.chunks_done >= n:
            raise KeyboardInterrupt

    return hook


def saved_rows(out: Path) -> list[tuple[int, int]]:
    ledger = Ledger(out)
    ledger.load()
    return sorted((r["first_row"], r["last_row"]) for r in ledger.chunks.values())


# ----------------------------------------------------------------------------------------------------
def test_an_unclosed_quote_stops_the_audit_instead_of_swallowing_rows(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "posts.csv"
    src.write_text(
        'id,text\n1,"berita ok"\n2,"kutipan rusak\n3,berita tiga\n4,berita empat\n5,"berita lima"\n6,"berita enam"\n'
    )
    with pytest.raises(DataError, match=r"posts.csv: a quote opened at line 3 is never closed.*Fix: fix the quoting"):
        run_audit(cfg([src], tiny_baseline_dir, tmp_path / "out", chunk_rows=1))
    assert saved_rows(tmp_path / "out") == [(1, 1)]  # the row read before it is saved
    src.write_text('id,text\n1,"berita ok"\n2,"kutipan rusak\n3,berita tiga\n')
    with pytest.raises(DataError, match=r"line 3 is never closed.*the file ends \(line 4\)"):
        run_audit(cfg([src], tiny_baseline_dir, tmp_path / "out2"))


def test_a_bad_quote_within_one_line_is_a_reject_and_reading_goes_on(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "posts.csv"
    src.write_text('id,text\n1,"berita" satu\n2,berita dua\n')
    summary = run_audit(cfg([src], tiny_baseline_dir, tmp_path / "out"))
    assert summary.rows_read == 2 and summary.scored == 1
    rej = read_rejects(tmp_path / "out")
    assert rej["code"].tolist() == ["MALFORMED_ROW"] and rej["row"].tolist() == [1]
    assert "line 2 is not valid CSV" in rej["reason"][0]


def test_quoted_cells_with_line_breaks_and_tabs_still_read(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    csv_src = tmp_path / "a.csv"
    csv_src.write_bytes(b'id,text\r\n1,"baris satu\r\nbaris dua"\r\n2,"kata ""kutipan"", koma"\r\n3,biasa\r\n')
    tsv_src = tmp_path / "b.tsv"
    tsv_src.write_bytes(b'id\ttext\n4\t"sel\tdengan tab\ndan baris"\n5\tbiasa\n')  # as pandas writes TSV
    summary = run_audit(cfg([csv_src, tsv_src], tiny_baseline_dir, tmp_path / "out"))
    assert summary.rows_read == 5 and summary.rejected == 0
    texts = dict(zip(*(read_results(tmp_path / "out")[c] for c in ("id", "text")), strict=True))
    assert texts == {
        "1": "baris satu\r\nbaris dua",
        "2": 'kata "kutipan", koma',
        "3": "biasa",
        "4": "sel\tdengan tab\ndan baris",
        "5": "biasa",
    }


def test_lone_surrogates_from_json_escapes_are_rejects_with_the_right_reason(
    tiny_baseline_dir: Path, tmp_path: Path
) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_text(
        '{"id": "x\\ud83d", "text": "teks biasa"}\n{"id": "y", "text": "teks \\ud83d biasa"}\n'
        '{"id": "z", "text": "teks biasa"}\n'
    )
    summary = run_audit(cfg([src], tiny_baseline_dir, tmp_path / "out"))
    assert summary.rows_read == 3 and summary.scored == 1
    rej = read_rejects(tmp_path / "out").set_index("id")
    assert rej.loc["x\\ud83d", "column"] == "id" and rej.loc["y", "column"] == "text"
    reason = rej.loc["y", "reason"]
    assert "lone surrogate \\ud83d at character 5" in reason and "--encoding" not in reason


def test_a_damaged_gzip_or_parquet_file_is_a_data_error(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from typer.testing import CliRunner

    from serving.audit.cli import app

    lines = "".join(f"{i},berita nomor {i} {os.urandom(16).hex()}\n" for i in range(1, 401))
    whole = gzip.compress(("id,text\n" + lines).encode())
    src = tmp_path / "posts.csv.gz"
    src.write_bytes(whole[: len(whole) // 2])
    out = tmp_path / "out"
    args = [str(src), "--model", str(tiny_baseline_dir), "--out", str(out), "--chunk-rows", "50", "--no-report"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2, r.output
    assert "posts.csv.gz" in r.output and "cut short" in r.output and "gzip -t" in r.output
    assert "Aborted" not in r.output
    saved = saved_rows(out)
    assert saved and saved == [(1 + 50 * k, 50 * (k + 1)) for k in range(len(saved))]  # saved, in order
    advice = f"then run the same command again with --replaced {src}: the {saved[-1][1]} row(s) saved from this file"
    assert advice in r.output.replace("\n", " ")  # what to do once the file is fixed (tests/.../test_fixed_inputs)
    last_read = int(re.search(r"after row (\d+)", r.output.replace("\n", " ")).group(1))  # type: ignore[union-attr]
    assert saved[-1][1] <= last_read < saved[-1][1] + 50  # every whole chunk read before the damage is saved

    rows = [{"id": str(i), "text": f"berita nomor {i}"} for i in range(12)]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "p.parquet", row_group_size=4)
    col = pq.ParquetFile(tmp_path / "p.parquet").metadata.row_group(2).column(1)
    data = bytearray((tmp_path / "p.parquet").read_bytes())
    start = col.dictionary_page_offset or col.data_page_offset
    data[start : start + col.total_compressed_size] = b"\xff" * col.total_compressed_size
    (tmp_path / "p.parquet").write_bytes(bytes(data))
    with pytest.raises(DataError, match=r"p.parquet: .*Parquet file is damaged.*after row 8"):
        run_audit(cfg([tmp_path / "p.parquet"], tiny_baseline_dir, tmp_path / "out2", chunk_rows=4))
    assert saved_rows(tmp_path / "out2") == [(1, 4), (5, 8)]


def test_a_byte_order_mark_before_json_lines_is_not_a_reject(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "berita satu"}\n{"id": "b", "text": "berita dua"}\n')
    summary = run_audit(cfg([src], tiny_baseline_dir, tmp_path / "out"))
    assert summary.rows_read == 2 and summary.scored == 2


def test_a_json_array_is_refused_with_the_conversion(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "posts.json"
    src.write_text('[\n  {"id": "a", "text": "berita satu"},\n  {"id": "b", "text": "berita dua"}\n]\n')
    with pytest.raises(DataError, match=r"posts.json: expected JSON lines .* found a JSON array.*jq -c '\.\[\]'"):
        run_audit(cfg([src], tiny_baseline_dir, tmp_path / "out"))


def test_resume_refuses_a_model_whose_thresholds_changed(
    tiny_baseline_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model = tmp_path / "model"
    shutil.copytree(tiny_baseline_dir, model)
    src = tmp_path / "posts.csv"
    src.write_text("id,text\n" + "".join(f"{i},berita nomor {i}\n" for i in range(1, 7)))
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_audit(cfg([src], model, out), on_event=stop_after(1))
    thresholds = json.loads((model / "thresholds.json").read_text())
    (model / "thresholds.json").write_text(json.dumps(thresholds, indent=1))  # other bytes: another file
    with pytest.raises(AuditError, match=r"model: thresholds.json of .* changed.*new --out"):
        run_audit(cfg([src], model, out))
    # a ledger written before the digests were recorded resumes, with a warning
    ledger = (out / PROGRESS_FILE).read_text().splitlines()
    head = json.loads(ledger[0])
    del head["model"]["decision_sha256"]
    (out / PROGRESS_FILE).write_text("\n".join([json.dumps(head), *ledger[1:]]) + "\n")
    with caplog.at_level(logging.WARNING, logger="serving.audit.run"):
        summary = run_audit(cfg([src], model, out))
    assert summary.complete and summary.rows_before == 2 and summary.rows_read == 6
    assert "does not record digests of the model's calibration, thresholds" in caplog.text


def test_resume_hashes_an_input_with_a_new_modification_time(
    tiny_baseline_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import serving.audit.ledger as ledger_module

    monkeypatch.setattr(ledger_module, "FINGERPRINT_BYTES", 16)  # the first and last 16 bytes, not MiB
    src = tmp_path / "posts.csv"
    src.write_text("id,text\n" + "".join(f"{i},berita nomor {i}\n" for i in range(1, 7)))
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_audit(cfg([src], tiny_baseline_dir, out), on_event=stop_after(1))
    st = src.stat()
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched, not changed
    with caplog.at_level(logging.WARNING, logger="serving.audit.run"):
        with pytest.raises(KeyboardInterrupt):
            run_audit(cfg([src], tiny_baseline_dir, out), on_event=stop_after(1))
    assert "new modification time but the same content (the whole file was hashed)" in caplog.text
    src.write_text(src.read_text().replace("nomor 3", "nomor 8"))  # same size, first and last bytes
    with pytest.raises(AuditError, match=r"posts.csv changed: its content differs \(same size"):
        run_audit(cfg([src], tiny_baseline_dir, out))


def test_audits_refuse_a_workbook_and_say_how_to_convert_it(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["text"])
    book.active.append(["Selamat pagi warga"])
    f = tmp_path / "posts.xlsx"
    book.save(f)
    with pytest.raises(DataError, match="found an Excel workbook") as info:
        expand_inputs([f])
    assert "CSV UTF-8" in str(info.value.fix)
    with pytest.raises(DataError, match="found an Excel workbook"):
        expand_inputs([str(tmp_path / "*.xlsx")])
    (tmp_path / "posts.csv").write_text("text\nSelamat pagi warga\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="serving.audit.inputs"):
        assert expand_inputs([tmp_path]) == [(tmp_path / "posts.csv").resolve()]
    assert "posts.xlsx" in caplog.text and "not audited" in caplog.text
