"""Resuming an audit after an input that could not be read was fixed: the same command (or, when rows of the
damaged file were already saved, the same command with --replaced FILE) goes on, keeps every chunk saved from
the other files, and never mixes rows of the old and new versions of the fixed file."""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import serving.audit.run as run_module
from model.examples import DataError
from serving.audit import AuditConfig, AuditError, AuditEvent, read_rejects, read_results, run_audit
from serving.audit.ledger import Ledger


def cfg(inputs: list[Path], model: Path, out: Path, **kw: Any) -> AuditConfig:
    base: dict[str, Any] = {"columns": {"text": "text", "id": "id"}, "chunk_rows": 2, "report": False}
    base.update(kw)
    return AuditConfig(inputs=[str(p) for p in inputs], model_dir=model, out_dir=out, **base)


def stop_after(n: int) -> Callable[[AuditEvent], None]:
    def hook(e: AuditEvent) -> None:
        if e.kind == "chunk" and e.chunks_done >= n:
            raise KeyboardInterrupt

    return hook


def csv_rows(prefix: str, n: int, version: str) -> str:
    return "id,text\n" + "".join(f"{prefix}{i},berita versi {version} nomor {i}\n" for i in range(1, n + 1))


def ledger_of(out: Path) -> Ledger:
    ledger = Ledger(out)
    ledger.load()
    return ledger


def chunks_of(out: Path, file_index: int) -> list[tuple[int, int]]:
    return sorted((r["first_row"], r["last_row"]) for r in ledger_of(out).chunks.values() if r["file"] == file_index)


def part_stamps(out: Path, file_index: int) -> dict[str, tuple[int, int]]:
    """(inode, modification time) of the results parts of one input: a part written again gets new ones."""
    names = [r["results"] for r in ledger_of(out).chunks.values() if r["file"] == file_index]
    stamps = {}
    for name in names:
        st = (out / "results" / name).stat()
        stamps[name] = (st.st_ino, st.st_mtime_ns)
    return stamps


def assert_exactly_once(out: Path, expected_ids: list[str]) -> Any:
    res, rej = read_results(out), read_rejects(out)
    ids = list(res["id"]) + list(rej["id"])
    assert len(ids) == len(set(ids)), "a row was written twice"
    assert sorted(ids) == sorted(expected_ids), "a row was lost or invented"
    parts = sorted(p.name for p in (out / "results").glob("*.parquet"))
    assert parts == sorted(r["results"] for r in ledger_of(out).chunks.values()), "a part file no ledger line names"
    return res


# ----------------------------------------------------------------------------------------------------
def test_a_file_fixed_before_any_of_its_rows_were_saved_resumes_with_the_same_command(
    tiny_baseline_dir: Path, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(csv_rows("a", 6, "asli"))
    b.write_text('id,text\nb1,"kutipan rusak\nb2,berita dua\nb3,berita tiga\n')  # a quote never closed
    out = tmp_path / "out"
    with pytest.raises(DataError) as err:
        run_audit(cfg([a, b], tiny_baseline_dir, out))
    message = str(err.value)
    assert "b.csv: a quote opened at line 2 is never closed" in message
    assert "run the same command again" in message and "--restart" not in message
    assert "6 row(s) saved from the other input file(s) stay saved" in message
    assert chunks_of(out, 0) == [(1, 2), (3, 4), (5, 6)] and chunks_of(out, 1) == []
    kept = part_stamps(out, 0)

    b.write_text(csv_rows("b", 5, "baru"))  # fixed: another size, other content
    summary = run_audit(cfg([a, b], tiny_baseline_dir, out))
    assert summary.complete and summary.rows_before == 6 and summary.rows_this_run == 5 and summary.rows_read == 11
    res = assert_exactly_once(out, [f"a{i}" for i in range(1, 7)] + [f"b{i}" for i in range(1, 6)])
    assert part_stamps(out, 0) == kept, "a chunk of the unchanged file was scored again"
    assert all("versi baru" in t for t in res.loc[res["source_file"] == "b.csv", "text"])
    assert ledger_of(out).header["inputs"][1]["size"] == b.stat().st_size  # type: ignore[index]
    again = run_audit(cfg([a, b], tiny_baseline_dir, out))  # the finished audit is recognised as such
    assert again.complete and again.rows_this_run == 0 and again.rows_read == 11


def test_a_damaged_file_with_saved_rows_is_refused_until_replaced_then_rescored_alone(
    tiny_baseline_dir: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from serving.audit.cli import app

    noise = [os.urandom(16).hex() for _ in range(400)]  # incompressible, so half the gzip holds whole chunks

    def gz_rows(version: str) -> bytes:
        body = "".join(f"b{i},berita versi {version} nomor {i} {noise[i - 1]}\n" for i in range(1, 401))
        return gzip.compress(("id,text\n" + body).encode())

    a, b = tmp_path / "a.csv", tmp_path / "b.csv.gz"
    a.write_text(csv_rows("a", 120, "asli"))
    damaged = gz_rows("lama")
    b.write_bytes(damaged[: len(damaged) // 2])
    out = tmp_path / "out"
    with pytest.raises(DataError) as err:
        run_audit(cfg([a, b], tiny_baseline_dir, out, chunk_rows=50))
    message = str(err.value)
    old_chunks = chunks_of(out, 1)
    assert old_chunks and old_chunks == [(1 + 50 * k, 50 * (k + 1)) for k in range(len(old_chunks))]
    saved_b = old_chunks[-1][1]
    assert "gzip file is damaged or cut short" in message
    assert f"run the same command again with --replaced {b}" in message
    assert f"the {saved_b} row(s) saved from this file" in message and "120 row(s) saved from the other" in message
    kept = part_stamps(out, 0)
    assert len(kept) == 3

    b.write_bytes(gz_rows("baru"))  # the file exported again, whole
    with pytest.raises(AuditError) as refused:  # the same command: its saved rows came from the damaged version
        run_audit(cfg([a, b], tiny_baseline_dir, out, chunk_rows=50))
    text = str(refused.value)
    assert f"input {b} changed: size {len(damaged) // 2} -> {b.stat().st_size} bytes" in text
    assert f"rows 1-{saved_b} of it were saved" in text and f"--replaced {b}" in text and "--restart" in text
    assert chunks_of(out, 1) == old_chunks  # refusing changed nothing

    with pytest.raises(KeyboardInterrupt):  # replaced, then interrupted after one chunk of the new version
        run_audit(cfg([a, b], tiny_baseline_dir, out, chunk_rows=50, replaced=[str(b)]), on_event=stop_after(1))
    assert chunks_of(out, 1) == [(1, 50)]  # the damaged version's chunks are gone, one of the new one saved
    assert part_stamps(out, 0) == kept

    # the same command again, --replaced still on it: the new version is recorded, so nothing more is discarded
    args = [str(a), str(b), "--model", str(tiny_baseline_dir), "--out", str(out), "--chunk-rows", "50"]
    r = CliRunner().invoke(app, [*args, "--column", "id=id", "--no-report", "--replaced", str(b)])
    assert r.exit_code == 0, r.output
    ledger = ledger_of(out)
    assert ledger.complete is not None
    assert sum(int(c["rows"]) for c in ledger.chunks.values()) == 520
    res = assert_exactly_once(out, [f"a{i}" for i in range(1, 121)] + [f"b{i}" for i in range(1, 401)])
    b_texts = res.loc[res["source_file"] == "b.csv.gz", "text"]
    assert len(b_texts) == 400 and all("versi baru" in t for t in b_texts), "rows of the damaged version were kept"
    assert part_stamps(out, 0) == kept, "a chunk of the unchanged file was scored again"


def test_replacing_a_file_of_a_finished_audit_survives_a_crash_before_the_old_parts_are_deleted(
    tiny_baseline_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(csv_rows("a", 4, "asli"))
    b.write_text(csv_rows("b", 4, "lama"))
    out = tmp_path / "out"
    assert run_audit(cfg([a, b], tiny_baseline_dir, out)).complete
    kept = part_stamps(out, 0)
    old_parts = set(part_stamps(out, 1))
    b.write_text(csv_rows("b", 5, "baru"))
    with pytest.raises(AuditError, match=r"(?s)input .*b.csv changed: size .*restore .*--replaced .*--restart"):
        run_audit(cfg([a, b], tiny_baseline_dir, out))

    def crash(out_dir: Path, ledger: Ledger) -> None:
        raise KeyboardInterrupt  # killed right after the ledger was rewritten

    monkeypatch.setattr(run_module, "_clean_orphans", crash)
    with pytest.raises(KeyboardInterrupt):
        run_audit(cfg([a, b], tiny_baseline_dir, out, replaced=[str(b)]))
    monkeypatch.undo()
    ledger = ledger_of(out)
    assert ledger.complete is None and chunks_of(out, 1) == []
    assert all((out / "results" / p).exists() for p in old_parts)  # still on disk, but no ledger line names them

    summary = run_audit(cfg([a, b], tiny_baseline_dir, out, replaced=[str(b)]))
    assert summary.complete and summary.rows_before == 4 and summary.rows_this_run == 5 and summary.rows_read == 9
    res = assert_exactly_once(out, [f"a{i}" for i in range(1, 5)] + [f"b{i}" for i in range(1, 6)])
    assert sorted(res.loc[res["source_file"] == "b.csv", "text"]) == [
        f"berita versi baru nomor {i}" for i in range(1, 6)
    ]
    assert part_stamps(out, 0) == kept


def test_replaced_must_name_an_input(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text(csv_rows("a", 2, "asli"))
    with pytest.raises(AuditError, match=r"--replaced .*other.csv is not one of the inputs.*a.csv"):
        run_audit(cfg([a], tiny_baseline_dir, tmp_path / "out", replaced=[str(tmp_path / "other.csv")]))


def test_a_file_damaged_at_its_header_after_rows_of_it_were_saved_is_advised_to_be_replaced(
    tiny_baseline_dir: Path, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(csv_rows("a", 2, "asli"))
    b.write_text(csv_rows("b", 6, "lama"))
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_audit(cfg([a, b], tiny_baseline_dir, out), on_event=stop_after(2))  # a, then rows 1-2 of b
    assert chunks_of(out, 1) == [(1, 2)]
    b.write_text('"id,text\nb1,berita\n')  # overwritten by a broken export: the header cannot be read
    with pytest.raises(DataError) as err:
        run_audit(cfg([a, b], tiny_baseline_dir, out))
    message = str(err.value)
    assert "b.csv: expected a header row of valid CSV" in message
    assert f"then run the same command again with --replaced {b}: the 2 row(s) saved from this file (rows 1-2)" in (
        message
    )
    b.write_text(csv_rows("b", 3, "baru"))
    summary = run_audit(cfg([a, b], tiny_baseline_dir, out, replaced=[str(b)]))
    assert summary.complete and summary.rows_before == 2 and summary.rows_this_run == 3
    res = assert_exactly_once(out, ["a1", "a2", "b1", "b2", "b3"])
    assert sorted(res.loc[res["source_file"] == "b.csv", "text"]) == [f"berita versi baru nomor {i}" for i in (1, 2, 3)]
