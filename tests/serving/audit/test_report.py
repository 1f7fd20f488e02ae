"""The audit report agrees with the results it summarises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.labels import DECISIONS, RISKS
from model.overlap import copy_key
from serving.audit import read_results, run_audit
from serving.audit.copies import NO_TEXT, copy_keys, empty_key
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
    # the highest-scoring posts are distinct texts (the fixture posts each text many times), copies counted
    keys = res["text"].map(copy_key)
    for r in RISKS:
        top = rep["top_posts"][r]
        best = res.assign(key=keys).groupby("key")[f"score_{r}"].max().sort_values(ascending=False)
        assert [p[f"score_{r}"] for p in top] == pytest.approx(best.head(5).tolist())
        assert len({copy_key(p["text"]) for p in top}) == len(top) == 5
        assert [p["copies"] for p in top] == [int((keys == copy_key(p["text"])).sum()) for p in top]
    # ... and without that, some risk's five highest rows would repeat a text
    assert any(keys[res[f"score_{r}"].nlargest(5).index].duplicated().any() for r in RISKS)


def test_the_most_copied_flagged_posts_match_the_results(audited: Path) -> None:
    rep = build_report(audited, top=4)
    res = read_results(audited)
    res["key"] = res["text"].map(copy_key)
    res["flagged"] = res[[f"flag_{r}" for r in RISKS]].any(axis=1)
    summary = rep["copies"]["summary"]
    assert summary["rows"] == len(res) and summary["distinct_texts"] == res["key"].nunique()
    counts = res["key"].value_counts()
    assert summary["rows_with_copies"] == int(counts[counts >= 2].sum())
    flagged = res[res["flagged"]]
    fcounts = flagged["key"].value_counts()
    assert summary["flagged_rows"] == len(flagged) and summary["flagged_distinct_texts"] == len(fcounts)
    assert summary["flagged_rows_with_copies"] == int(fcounts[fcounts >= 2].sum())
    top = rep["copies"]["top"]
    assert len(top) == 4
    assert [p["flagged_copies"] for p in top] == sorted(fcounts[fcounts >= 2].tolist(), reverse=True)[:4]
    for p in top:
        rows = res[res["key"] == copy_key(p["text"])]
        assert p["copies"] == len(rows) and p["flagged_copies"] == int(rows["flagged"].sum())
        assert p["id"] == rows["id"].iloc[0]  # the first copy in the results' order
        assert p["accounts"] == rows["account"].nunique() and p["platforms"] == sorted(rows["platform"].unique())
        assert (p["first_month"], p["last_month"]) == (rows["month"].min(), rows["month"].max())
        for r in RISKS:
            assert p["scores"][r] == pytest.approx(rows[f"score_{r}"].max(), abs=1e-4)
            assert (p["decisions"][r] != "allow") == bool(rows[f"flag_{r}"].any())


def test_copies_ignore_case_punctuation_emoji_and_spacing() -> None:
    a = "AWAS!!! Vaksin   mengandung chip 5G 😱😱 sebarkan!"
    b = "awas vaksin mengandung chip 5g, sebarkan"
    assert copy_key(a) == copy_key(b) == "awas vaksin mengandung chip 5g sebarkan"
    assert copy_key("vaksin mengandung chip 5g") != copy_key(b)  # fewer words: not a copy
    assert copy_key("😱😱 !!!") == ""  # no words: never counted as a copy of another post
    ka, kb, kc, kempty = copy_keys([a, b, "lain", None])
    assert ka == kb != kc and kempty == empty_key()


def test_report_files_are_written(audited: Path) -> None:
    paths = write_report(audited, build_report(audited))
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["model"]["version"].startswith("saring-baseline-")
    md = paths["md"].read_text(encoding="utf-8")
    assert "## By platform" in md and "## Highest-scoring posts: slander" in md and "replies" in md
    assert "## Most-copied flagged posts" in md and "copies flagged / all" in md
    page = paths["html"].read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") >= 4 and "Replies that repeated risky content" in page
    assert "<h2>Most-copied flagged posts</h2>" in page


def test_unmapped_roles_have_no_section(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "posts.csv", make_rows(30))
    out = tmp_path / "out"
    run_audit(config([src], tiny_baseline_dir, out, columns={"text": "isi", "id": "post_id"}, keep=[]))
    rep = build_report(out)
    assert rep["by_account"] is None and rep["by_month"] is None
    assert rep["by_platform"] is not None  # a column named 'platform' is mapped by its name
    assert COLUMNS["account"] not in rep["columns"].values()


def test_without_texts_the_copies_section_says_why(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "posts.csv", make_rows(40))
    out = tmp_path / "out"
    run_audit(config([src], tiny_baseline_dir, out, drop_text=True))
    rep = build_report(out)
    assert rep["copies"] == {"left_out": NO_TEXT} and all(p["copies"] == 1 for p in rep["top_posts"]["hoax"])
    paths = write_report(out, rep)
    assert "--drop-text" in paths["md"].read_text(encoding="utf-8")
    assert "--drop-text" in paths["html"].read_text(encoding="utf-8")


def test_ids_repeated_across_inputs_are_counted_and_said(
    tiny_baseline_dir: Path, tmp_path: Path, audited: Path
) -> None:
    """A file exported twice (or two overlapping exports) counts its posts twice in every total: the report says
    how many ids repeat, instead of nothing."""
    assert (build_report(audited)["rows"]["repeated_ids"], build_report(audited)["rows"]["repeated_id_rows"]) == (0, 0)
    rows = make_rows(30)
    a, b = write_csv(tmp_path / "a.csv", rows), write_csv(tmp_path / "b.csv", rows[:12])  # b repeats 12 of a's posts
    out = tmp_path / "out"
    run_audit(config([a, b], tiny_baseline_dir, out, columns={"text": "isi", "id": "post_id"}, keep=[]))
    rep = build_report(out)
    assert rep["rows"]["scored"] == 42
    assert (rep["rows"]["repeated_ids"], rep["rows"]["repeated_id_rows"]) == (12, 12)
    paths = write_report(out, rep)
    assert "12 id(s) occur more than once" in paths["md"].read_text(encoding="utf-8")
    assert "12 id(s) occur more than once" in paths["html"].read_text(encoding="utf-8")
