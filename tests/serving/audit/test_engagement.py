"""Engagement in audits: likes, comments, shares, author type and interaction (push / pull / co-design) are
carried to the results and related to the decisions in the report; bad counts are reported, not dropped."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from serving.audit import AuditConfig, read_results, run_audit
from serving.audit.engagement import (
    NEGATIVE_COUNT,
    NOT_A_COUNT,
    interaction_of_author,
    median_comparison,
    normalize_interaction,
    parse_count,
    wilson,
)
from serving.audit.report import build_report, write_report
from tests.serving.audit.test_run import make_rows

INTERACTIONS = ["push", "Pull", "co-design", "pull", "siaran", "codesign"]
AUTHOR_TYPES = ["instansi", "warga", "warga", "influencer"]
BAD = {7: ("suka", "-3"), 19: ("bagikan", "banyak"), 31: ("komentar", "2.5")}  # row index -> (column, value)
FIELDS = [
    "post_id",
    "isi",
    "induk",
    "jenis",
    "platform",
    "akun",
    "waktu",
    "suka",
    "komentar",
    "bagikan",
    "interaksi",
    "tipe_penulis",
]
ENGAGEMENT_COLUMNS = {
    "likes": "suka",
    "comments": "komentar",
    "shares": "bagikan",
    "interaction": "interaksi",
    "author_type": "tipe_penulis",
}


def engagement_rows(n: int = 120) -> list[dict[str, Any]]:
    rows = []
    for i, r in enumerate(make_rows(n)):
        r.pop("url")
        r["suka"] = str((i * 37) % 500)
        r["komentar"] = f"{(i * 11) % 90}"
        r["bagikan"] = f"{(i * 5) % 40}"
        r["interaksi"] = INTERACTIONS[i % len(INTERACTIONS)] if i % 10 != 9 else ""
        r["tipe_penulis"] = AUTHOR_TYPES[i % len(AUTHOR_TYPES)]
        if i in BAD:
            col, value = BAD[i]
            r[col] = value
        rows.append(r)
    rows[3]["suka"] = "1.234"  # thousands separator
    rows[5]["bagikan"] = "1,2rb"  # as platforms display it
    rows[11]["komentar"] = ""  # missing: not a bad value
    return rows


def write_csv(path: Path, rows: list[dict[str, Any]], fields: list[str] = FIELDS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows([{k: ("" if v is None else v) for k, v in r.items()} for r in rows])
    return path


def config(src: Path, model: Path, out: Path, columns: dict[str, str], **kw: Any) -> AuditConfig:
    return AuditConfig(inputs=[str(src)], model_dir=model, out_dir=out, columns=columns, chunk_rows=40, **kw)


BASE_COLUMNS = {
    "text": "isi",
    "id": "post_id",
    "parent_text": "induk",
    "kind": "jenis",
    "account": "akun",
    "timestamp": "waktu",
}


@pytest.fixture(scope="module")
def audited(tiny_baseline_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    d = tmp_path_factory.mktemp("engagement")
    src = write_csv(d / "posts.csv", engagement_rows())
    summary = run_audit(config(src, tiny_baseline_dir, d / "out", {**BASE_COLUMNS, **ENGAGEMENT_COLUMNS}, top=5))
    return d / "out", summary


# ----------------------------------------------------------------------------------------------------------
def test_counts_are_read_as_platforms_write_them() -> None:
    assert parse_count("12") == (12, None) and parse_count(12) == (12, None) and parse_count(12.0) == (12, None)
    assert parse_count("1.234") == (1234, None) and parse_count("1,234,567") == (1234567, None)
    assert parse_count("1,2rb") == (1200, None) and parse_count("3K") == (3000, None)
    assert parse_count("2 jt") == (2_000_000, None) and parse_count(" 7 ") == (7, None)
    assert parse_count(None) == (None, None) and parse_count("") == (None, None)
    assert parse_count(float("nan")) == (None, None)
    for bad, code in [
        ("-3", NEGATIVE_COUNT),
        (-1, NEGATIVE_COUNT),
        ("banyak", NOT_A_COUNT),
        ("2.5", NOT_A_COUNT),
        (2.5, NOT_A_COUNT),
        (True, NOT_A_COUNT),
        ("inf", NOT_A_COUNT),
        ("1.5M", NOT_A_COUNT),
    ]:
        value, problem = parse_count(bad)
        assert value is None and problem is not None and problem[0] == code, bad
        assert "expected a whole number of 0 or more" in problem[1]
    # a reason never echoes text: a count column may hold post text by mistake
    assert "rahasia" not in parse_count("data rahasia warga")[1][1]  # type: ignore[index]


def test_interaction_types() -> None:
    assert [normalize_interaction(v) for v in ["PUSH", " pull ", "Co Design", "codesign", "broadcast", "lain"]] == [
        "push",
        "pull",
        "co-design",
        "co-design",
        "push",
        "lain",
    ]
    assert normalize_interaction("  ") is None and normalize_interaction(None) is None
    assert interaction_of_author("Instansi") == "push" and interaction_of_author("warga") == "pull"
    assert interaction_of_author("influencer") is None


def test_medians_and_bootstrap_intervals() -> None:
    rng = np.random.default_rng(1)
    a = rng.poisson(30, 301)
    b = rng.poisson(10, 200)
    res = median_comparison(Counter(a.tolist()), Counter(b.tolist()))
    assert res["flagged"]["median"] == np.median(a) and res["unflagged"]["median"] == np.median(b)  # even n too
    assert res["flagged"]["posts"] == 301 and res["unflagged"]["posts"] == 200
    lo, hi = res["flagged"]["ci95"]
    assert lo <= np.median(a) <= hi and hi - lo < 5
    assert res["difference"]["median"] == np.median(a) - np.median(b) and res["difference"]["ci95"][0] > 0
    assert median_comparison(Counter(a.tolist()), Counter(b.tolist())) == res  # seeded: the same report twice
    empty = median_comparison(Counter(a.tolist()), Counter())
    assert empty["unflagged"]["median"] is None and empty["difference"] is None
    k, n = 30, 100
    lo, hi = wilson(k, n)  # type: ignore[misc]
    assert lo < 0.3 < hi and wilson(0, 0) is None


def test_engagement_columns_are_carried_to_the_results(audited: tuple[Path, Any]) -> None:
    out, summary = audited
    res = read_results(out).set_index("id")
    assert res.loc["p0003", "likes"] == 1234 and res.loc["p0005", "shares"] == 1200
    assert pd.isna(res.loc["p0011", "comments"]) and len(res.loc["p0011", "bad_values"]) == 0  # missing, not bad
    assert res.loc["p0001", "interaction"] == "pull" and res.loc["p0004", "interaction"] == "push"  # siaran
    assert res.loc["p0005", "interaction"] == "co-design" and pd.isna(res.loc["p0009", "interaction"])
    assert res.loc["p0000", "author_type"] == "instansi"
    # bad counts: the row is scored, the count left empty, the problem named
    for i, (col, _) in BAD.items():
        row = res.loc[f"p{i:04d}"]
        role = {v: k for k, v in ENGAGEMENT_COLUMNS.items()}[col]
        assert pd.isna(row[role]) and row["decision"] in ("allow", "review", "block")
        assert len(row["bad_values"]) == 1 and row["bad_values"][0].startswith(f"{role} ")
    assert summary.bad_values_by_code == {NEGATIVE_COUNT: 1, NOT_A_COUNT: 2}
    assert summary.rejected == 0 and summary.scored == 120
    assert json.loads((out / "summary.json").read_text())["bad_values_by_code"][NOT_A_COUNT] == 2


def test_report_relates_engagement_to_decisions(audited: tuple[Path, Any]) -> None:
    out, _ = audited
    rep = build_report(out, top=5)
    res = read_results(out)
    eng = rep["engagement"]
    assert eng["available"] and eng["columns"]["likes"] == "suka" and eng["notes"] == []
    flagged = res["decision"] != "allow"
    # share of flagged posts per interaction type (rows without one take it from author_type)
    derived = res["interaction"].fillna(res["author_type"].map(interaction_of_author)).fillna("(none)")
    groups = {g["key"]: g for g in eng["interaction"]["groups"]}
    assert set(groups) == set(derived)
    for key, grp in flagged.groupby(derived):
        assert groups[key]["posts"] == len(grp) and groups[key]["flagged"] == int(grp.sum())
        lo, hi = groups[key]["ci95"]
        assert lo <= groups[key]["share"] <= hi
    assert [g["key"] for g in eng["interaction"]["groups"]][:3] == ["push", "pull", "co-design"]
    assert eng["interaction"]["derived_from_author_type"] == int(
        (res["interaction"].isna() & derived.isin(["push", "pull"])).sum()
    )
    # medians of flagged and unflagged posts, per count and in total
    total = res["likes"] + res["comments"] + res["shares"]
    for metric, series in [("engagement", total), ("likes", res["likes"]), ("shares", res["shares"])]:
        got = eng["engagement"][metric]
        for name, sel in (("flagged", flagged), ("unflagged", ~flagged)):
            vals = series[sel].dropna().astype(float)
            assert got[name]["posts"] == len(vals)
            assert got[name]["median"] == pytest.approx(float(np.median(vals)))
            lo, hi = got[name]["ci95"]
            assert lo <= got[name]["median"] <= hi
    assert (
        eng["engagement"]["engagement"]["flagged"]["posts"] + eng["engagement"]["engagement"]["unflagged"]["posts"]
        == int(total.notna().sum())
        == 120 - 4
    )  # 3 bad counts and one missing
    # the accounts whose flagged posts drew the most engagement
    f = res[flagged].assign(total=total[flagged])
    expected = f.groupby("account")["total"].sum().sort_values(ascending=False)
    top = eng["top_accounts"]
    assert len(top) == min(5, len(expected))
    assert [a["flagged_engagement"] for a in top] == [int(v) for v in expected.head(5)]
    assert top[0]["flagged_posts"] == int(flagged[res["account"] == top[0]["account"]].sum())
    # bad values are listed like rejects: file, row, id, column, code, reason
    bad = eng["bad_values"]
    assert bad["count"] == 3 and bad["by_code"] == {NEGATIVE_COUNT: 1, NOT_A_COUNT: 2}
    assert bad["by_column"] == {"suka": 1, "bagikan": 1, "komentar": 1}
    sample = {x["id"]: x for x in bad["sample"]}
    assert sample["p0007"]["column"] == "suka" and sample["p0007"]["code"] == NEGATIVE_COUNT
    assert sample["p0007"]["source_file"] == "posts.csv" and sample["p0007"]["row"] == 8
    assert "fraction 2.5" in sample["p0031"]["reason"]


def test_report_files_show_the_engagement_section(audited: tuple[Path, Any]) -> None:
    out, _ = audited
    rep = build_report(out, top=5)
    paths = write_report(out, rep)
    md = paths["md"].read_text(encoding="utf-8")
    assert "## Engagement" in md and "### Flagged posts per interaction type" in md
    assert "### Engagement of flagged and unflagged posts" in md and "### Accounts whose flagged posts" in md
    assert "### Bad engagement values" in md and "NEGATIVE_COUNT" in md
    page = paths["html"].read_text(encoding="utf-8")
    before = rep.copy()
    before["engagement"] = {"available": False, "note": "x"}
    from serving.audit.report import render_html

    assert page.count("data:image/png;base64,") - render_html(before).count("data:image/png;base64,") == 3
    assert "Accounts whose flagged posts drew the most engagement" in page
    assert json.loads(paths["json"].read_text())["engagement"]["bad_values"]["count"] == 3


def test_missing_columns_leave_the_section_out_with_a_reason(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "posts.csv", engagement_rows(30), fields=FIELDS[:7])
    run_audit(config(src, tiny_baseline_dir, tmp_path / "out", BASE_COLUMNS))
    rep = build_report(tmp_path / "out")
    assert rep["engagement"]["available"] is False and "no likes, comments, shares" in rep["engagement"]["note"]
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "Engagement section left out: the input has no likes, comments, shares, author_type or interaction" in md
    assert "### Flagged posts per interaction type" not in md
    res = read_results(tmp_path / "out")
    assert res["likes"].isna().all() and res["interaction"].isna().all()


def test_partial_columns_say_what_is_left_out(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    # likes only (found by its own name), no account and no interaction
    rows = [{"isi": r["isi"], "likes": r["suka"]} for r in engagement_rows(40)]
    src = write_csv(tmp_path / "posts.csv", rows, fields=["isi", "likes"])
    run_audit(config(src, tiny_baseline_dir, tmp_path / "out", {"text": "isi"}))
    eng = build_report(tmp_path / "out")["engagement"]
    assert eng["columns"] == {"likes": "likes"} and set(eng["engagement"]) == {"engagement", "likes"}
    assert eng["interaction"] is None and eng["top_accounts"] is None
    parts = [n["part"] for n in eng["notes"]]
    assert parts == [
        "share of flagged posts per interaction type",
        "accounts whose flagged posts drew the most engagement",
    ]
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "Left out: accounts whose flagged posts drew the most engagement: no account (or author) column" in md


def test_author_column_and_parquet_numbers(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = engagement_rows(30)
    table = pa.table(
        {
            "text": [r["isi"] for r in rows],
            "author": [r["akun"] for r in rows],
            "likes": pa.array([i * 3 if i != 4 else None for i in range(30)], pa.int64()),
            "shares": pa.array([float(i) if i != 6 else -2.0 for i in range(30)], pa.float64()),
            "interaction": [INTERACTIONS[i % 6] for i in range(30)],
        }
    )
    pq.write_table(table, tmp_path / "posts.parquet")
    summary = run_audit(
        AuditConfig(inputs=[str(tmp_path / "posts.parquet")], model_dir=tiny_baseline_dir, out_dir=tmp_path / "out")
    )
    assert summary.bad_values_by_code == {NEGATIVE_COUNT: 1}
    res = read_results(tmp_path / "out").set_index("id")
    assert res.loc["posts.parquet:2", "likes"] == 3 and pd.isna(res.loc["posts.parquet:5", "likes"])
    assert res.loc["posts.parquet:3", "shares"] == 2 and res.loc["posts.parquet:1", "account"] == rows[0]["akun"]
    eng = build_report(tmp_path / "out")["engagement"]
    assert eng["columns"]["account"] == "author" and eng["top_accounts"] is not None


def test_cli_maps_engagement_columns_and_reports_bad_values(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from serving.audit.cli import app

    src = write_csv(tmp_path / "posts.csv", engagement_rows(60))
    out = tmp_path / "out"
    args = [str(src), "--model", str(tiny_baseline_dir), "--out", str(out), "--csv"]
    for role, col in {**BASE_COLUMNS, **ENGAGEMENT_COLUMNS}.items():
        args += ["--column", f"{role}={col}"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "bad engagement values" in r.output and "NEGATIVE_COUNT" in r.output
    csv_rows = pd.read_csv(out / "results.csv", dtype=str, keep_default_na=False).set_index("id")
    assert csv_rows.loc["p0007", "bad_values"].startswith("likes NEGATIVE_COUNT: found -3")
    assert csv_rows.loc["p0003", "likes"] == "1234"
    assert "## Engagement" in (out / "report.md").read_text(encoding="utf-8")
