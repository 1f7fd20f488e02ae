"""`saring audit --term-list`: listed terms raise decisions in audits as in the API, and a resume keeps the lists."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from serving.audit import AuditError, read_results, run_audit
from serving.audit.cli import app as audit_cli
from tests.serving.audit.test_run import config, make_rows, write_csv

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
