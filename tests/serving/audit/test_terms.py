"""`saring audit --term-list`: listed terms raise decisions in audits as in the API, and a resume keeps the lists."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from serving.audit import AuditError, read_results, run_audit
from serving.audit import run as audit_run
from serving.audit.cli import app as audit_cli
from serving.audit.ledger import Ledger
from serving.audit.run import AuditEvent, write_results_csv
from tests.serving.audit.test_run import assert_exactly_once, config, make_rows, write_csv

TERMS = "term,risk,decision,list\nkampret,incitement,block,julukan\n"


def _rows() -> list[dict[str, object]]:
    rows = make_rows(40)
    rows[3]["isi"] = "dasar KAMPRET semua, pergi sana"
    rows[3]["induk"], rows[3]["jenis"] = None, "post"
    return rows


def test_listed_terms_raise_decisions_in_an_audit(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "posts.csv", _rows())
    terms = tmp_path / "istilah.csv"
    terms.write_text(TERMS, encoding="utf-8")
    run_audit(config([src], tiny_baseline_dir, tmp_path / "plain"))
    run_audit(config([src], tiny_baseline_dir, tmp_path / "listed", term_lists=terms))
    plain = read_results(tmp_path / "plain").set_index("id")
    listed = read_results(tmp_path / "listed").set_index("id")
    assert listed.loc["p0003", "decision_incitement"] == "block" and listed.loc["p0003", "decision"] == "block"
    assert "TERM_LIST_MATCH" in list(listed.loc["p0003", "warnings"])
    assert listed.loc["p0003", "score_incitement"] == plain.loc["p0003", "score_incitement"]  # scores unchanged
    others = listed.drop(index="p0003")
    assert (others["decision"] == plain.drop(index="p0003")["decision"]).all()
    assert not any("TERM_LIST_MATCH" in list(w) for w in others["warnings"])


def test_an_audit_names_the_listed_terms_each_row_holds(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    rows = _rows()
    rows[5]["isi"] = "kampret dan CEBONG sama saja, dasar kampret"
    rows[5]["induk"], rows[5]["jenis"] = None, "post"
    src = write_csv(tmp_path / "posts.csv", rows)
    terms = tmp_path / "istilah.csv"
    terms.write_text(TERMS + "cebong,incitement,review,julukan\nkampret,slander,review,pantau\n", encoding="utf-8")
    out = tmp_path / "listed"
    summary = run_audit(config([src], tiny_baseline_dir, out, term_lists=terms, report=True))
    listed = read_results(out).set_index("id")
    assert list(listed.loc["p0003", "term_matches"]) == ["julukan/kampret", "pantau/kampret"]
    # each term once per row, where it is first found in the text (two lists' entries of one word in file order)
    assert list(listed.loc["p0005", "term_matches"]) == ["julukan/kampret", "pantau/kampret", "julukan/cebong"]
    assert all(len(t) == 0 for t in listed.drop(index=["p0003", "p0005"])["term_matches"])
    assert summary.term_matches == {"julukan/kampret": 2, "pantau/kampret": 2, "julukan/cebong": 1}
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["term_matches"] == summary.term_matches
    assert "Listed terms found" in (out / "report.md").read_text(encoding="utf-8")
    csv = pd.read_csv(write_results_csv(out, _ledger(out)), dtype=str).set_index("id")
    assert csv.loc["p0005", "term_matches"] == "julukan/kampret;pantau/kampret;julukan/cebong"
    # without term lists there is no such column, and the report has no such section
    run_audit(config([src], tiny_baseline_dir, tmp_path / "plain", report=True))
    assert "term_matches" not in read_results(tmp_path / "plain").columns
    plain_report = json.loads((tmp_path / "plain" / "report.json").read_text(encoding="utf-8"))
    assert plain_report["term_matches"] is None
    assert "Listed terms found" not in (tmp_path / "plain" / "report.md").read_text(encoding="utf-8")


def test_a_run_saved_before_term_matches_resumes_with_its_own_columns(
    tiny_baseline_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run started by a saring whose results had no term_matches (output schema 2) goes on without the column,
    so that its folder still reads as one dataset, every row once."""
    src = write_csv(tmp_path / "posts.csv", _rows())
    terms = tmp_path / "istilah.csv"
    terms.write_text(TERMS, encoding="utf-8")
    out = tmp_path / "out"

    def stop_after_first(e: AuditEvent) -> None:
        if e.kind == "chunk":
            raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(audit_run, "OUTPUT_SCHEMA_VERSION", 2)
        with pytest.raises(KeyboardInterrupt):
            run_audit(config([src], tiny_baseline_dir, out, term_lists=terms, chunk_rows=10), on_event=stop_after_first)
    summary = run_audit(config([src], tiny_baseline_dir, out, term_lists=terms, chunk_rows=10))
    assert summary.rows_before == 10 and summary.complete and summary.term_matches == {}
    res, _ = assert_exactly_once(out, [str(r["post_id"]) for r in _rows()])
    assert "term_matches" not in res.columns
    assert "TERM_LIST_MATCH" in list(res.set_index("id").loc["p0003", "warnings"])


def _ledger(out: Path) -> Ledger:
    ledger = Ledger(out)
    ledger.load()
    return ledger


def test_a_resume_with_other_term_lists_or_none_is_refused(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "posts.csv", _rows())
    terms = tmp_path / "istilah.csv"
    terms.write_text(TERMS, encoding="utf-8")
    out = tmp_path / "out"
    run_audit(config([src], tiny_baseline_dir, out, term_lists=terms))
    run_audit(config([src], tiny_baseline_dir, out, term_lists=terms))  # the same lists: resumes (nothing to do)
    with pytest.raises(AuditError, match="setting term_lists"):
        run_audit(config([src], tiny_baseline_dir, out))
    terms.write_text(TERMS + "cebong,incitement,review,julukan\n", encoding="utf-8")
    with pytest.raises(AuditError, match="setting term_lists"):
        run_audit(config([src], tiny_baseline_dir, out, term_lists=terms))


def test_the_cli_names_a_bad_term_list(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "posts.csv", _rows())
    terms = tmp_path / "istilah.csv"
    terms.write_text("term,risk\nkampret,hate\n", encoding="utf-8")
    args = [str(src), "--out", str(tmp_path / "out"), "--model", str(tiny_baseline_dir), "--term-list", str(terms)]
    res = CliRunner().invoke(audit_cli, [*args, "--column", "text=isi", "--column", "id=post_id"])
    assert res.exit_code == 2 and "'risk' is 'hate'" in res.output
    assert not (tmp_path / "out" / "results").exists()
