"""The audit report agrees with the results it summarises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.labels import DECISIONS, RISKS
from serving.audit import read_results, run_audit
from serving.audit.report import build_report, write_report
from tests.serving.audit.test_run import COLUMNS, config, make_rows, write_csv


@pytest.fixture(scope="module")
def audited(tiny_baseline_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("report")
    src = write_csv(d / "posts.csv", make_rows(260))
    run_audit(config([src], tiny_baseline_dir, d / "out", chunk_rows=60))
    return d / "out"


def test_report_rates_match_the_results(audited: Path) -> None:
    rep = build_report(audited, top=5)
    res = read_results(audited)
    assert rep["rows"]["scored"] == len(res) == 260 and rep["rows"]["rejected"] == 0
    for r in RISKS:
        assert rep["overall"]["flagged"][r]["count"] == int(res[f"flag_{r}"].sum())
        assert rep["overall"]["flagged"][r]["rate"] == pytest.approx(res[f"flag_{r}"].mean(), abs=1e-6)
    for d in DECISIONS:
        assert rep["overall"]["decisions"][d]["count"] == int((res["decision"] == d).sum())
    by_platform = {g["key"]: g for g in rep["by_platform"]}
    assert set(by_platform) == set(res["platform"])
    for key, grp in res.groupby("platform"):
        assert by_platform[key]["rows"] == len(grp)
        assert by_platform[key]["flagged"]["hoax"]["count"] == int(grp["flag_hoax"].sum())
    months = [g["key"] for g in rep["by_month"]]
    assert months == sorted(res["month"].unique())
    assert sum(g["rows"] for g in rep["by_account"]) == 260
    # replies: rows with a parent; repeating: those the scorer warned about
    replies = res["parent_text"].notna()
    repeats = res["warnings"].map(lambda w: "REPEATS_RISKY_PARENT" in w)
    assert rep["replies"]["replies"] == int(replies.sum())
    assert rep["replies"]["repeats_risky_parent"] == int(repeats.sum()) > 0
    assert rep["replies"]["share"] == pytest.approx(repeats.sum() / replies.sum(), abs=1e-6)
    for r in RISKS:
        top = rep["top_posts"][r]
        assert [p[f"score_{r}"] for p in top] == pytest.approx(sorted(res[f"score_{r}"], reverse=True)[:5])


def test_report_files_are_written(audited: Path) -> None:
    paths = write_report(audited, build_report(audited))
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["model"]["version"].startswith("saring-baseline-")
    md = paths["md"].read_text(encoding="utf-8")
    assert "## By platform" in md and "## Highest-scoring posts: slander" in md and "replies" in md
    page = paths["html"].read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") >= 4 and "Replies that repeated risky content" in page


def test_unmapped_roles_have_no_section(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "posts.csv", make_rows(30))
    out = tmp_path / "out"
    run_audit(config([src], tiny_baseline_dir, out, columns={"text": "isi", "id": "post_id"}, keep=[]))
    rep = build_report(out)
    assert rep["by_account"] is None and rep["by_month"] is None
    assert rep["by_platform"] is not None  # a column named 'platform' is mapped by its name
    assert COLUMNS["account"] not in rep["columns"].values()
