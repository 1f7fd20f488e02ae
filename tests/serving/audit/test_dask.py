"""The same audit on a local Dask cluster (127.0.0.1 only) gives the same output as in-process."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from serving.audit import AuditEvent, read_results, run_audit
from serving.audit.ledger import Ledger
from tests.serving.audit.test_run import assert_exactly_once, by_id, config, make_rows, write_parquet


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    # worker threads in this process, talking TCP on 127.0.0.1 as remote workers would (the data really is
    # serialised); starts in about a second. The CLI's --workers uses processes.
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, host="127.0.0.1", protocol="tcp", dashboard_address=None
    ) as c:
        yield c


def test_dask_cluster_gives_the_in_process_output(tiny_baseline_dir: Path, tmp_path: Path, cluster) -> None:
    rows = make_rows(300)
    src = write_parquet(tmp_path / "posts.parquet", rows)
    local = run_audit(config([src], tiny_baseline_dir, tmp_path / "local"))
    dist = run_audit(config([src], tiny_baseline_dir, tmp_path / "dask", scheduler=cluster.scheduler_address))
    assert dist.mode.startswith("Dask cluster") and local.mode == "in-process"
    assert (dist.rows_read, dist.scored, dist.flagged, dist.decisions) == (
        local.rows_read,
        local.scored,
        local.flagged,
        local.decisions,
    )
    ids = [r["post_id"] for r in rows]
    a, _ = assert_exactly_once(tmp_path / "local", ids)
    b, _ = assert_exactly_once(tmp_path / "dask", ids)
    pd.testing.assert_frame_equal(by_id(a), by_id(b))
    # the same part files: chunks are the unit of work whichever order the workers finish in
    assert sorted(p.name for p in (tmp_path / "local" / "results").iterdir()) == sorted(
        p.name for p in (tmp_path / "dask" / "results").iterdir()
    )


def test_dask_run_interrupted_resumes_in_process(tiny_baseline_dir: Path, tmp_path: Path, cluster) -> None:
    rows = make_rows(300)
    src = write_parquet(tmp_path / "posts.parquet", rows)
    out = tmp_path / "out"

    def stop(e: AuditEvent) -> None:
        if e.kind == "chunk" and e.chunks_done >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_audit(config([src], tiny_baseline_dir, out, scheduler=cluster.scheduler_address), on_event=stop)
    ledger = Ledger(out)
    ledger.load()
    assert len(ledger.chunks) == 2
    summary = run_audit(config([src], tiny_baseline_dir, out))  # the same ledger, whichever executor
    assert summary.rows_before == 100 and summary.complete
    assert_exactly_once(out, [r["post_id"] for r in rows])
    assert len(read_results(out)) == 300


@pytest.mark.slow
def test_local_cluster_of_processes(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    rows = make_rows(200)
    src = write_parquet(tmp_path / "posts.parquet", rows)
    summary = run_audit(config([src], tiny_baseline_dir, tmp_path / "out", workers=2))
    assert summary.mode.startswith("local Dask cluster, 2")
    assert_exactly_once(tmp_path / "out", [r["post_id"] for r in rows])


def test_dask_workers_apply_the_term_lists(tiny_baseline_dir: Path, tmp_path: Path, cluster) -> None:
    rows = make_rows(60)
    rows[5]["isi"], rows[5]["induk"], rows[5]["jenis"] = "dasar KAMPRET semua", None, "post"
    src = write_parquet(tmp_path / "posts.parquet", rows)
    terms = tmp_path / "istilah.csv"
    terms.write_text("term,risk,decision\nkampret,incitement,block\n", encoding="utf-8")
    run_audit(config([src], tiny_baseline_dir, tmp_path / "local", term_lists=terms))
    run_audit(
        config([src], tiny_baseline_dir, tmp_path / "dask", term_lists=terms, scheduler=cluster.scheduler_address)
    )
    a, b = by_id(read_results(tmp_path / "local")), by_id(read_results(tmp_path / "dask"))
    pd.testing.assert_frame_equal(a, b)
    assert a.set_index("id").loc["p0005", "decision_incitement"] == "block"
