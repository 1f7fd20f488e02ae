"""The report's style-shortcut check: the probe fitted on the training split, read on the data and the suites."""

from __future__ import annotations

from eval.data import EvalData
from eval.ood import Suite
from eval.report import build_report, write_report
from tests.eval.helpers import TableModel, ex


def _loud(i: int) -> str:
    return f"AWAS BERITA NOMOR {i} SEBARKAN SEKARANG JUGA!!!"


def _quiet(i: int) -> str:
    return f"info jadwal posyandu minggu ke {i}"


def test_the_report_reads_the_style_probe_beside_each_model(tmp_path) -> None:
    train = [ex(_loud(i), hoax=1) if i % 2 else ex(_quiet(i), hoax=0) for i in range(40)]
    data_texts = [_loud(100 + i) if i % 2 else _quiet(100 + i) for i in range(10)]
    data = EvalData([ex(t, hoax=int(t.startswith("AWAS"))) for t in data_texts], "catalogue test split", train=train)
    # the suite's hoaxes and valid posts look alike: style cannot tell them apart
    meta = {"function": "f", "register": "formal", "risk": "hoax"}
    suite_cases = [
        ex(f"kabar nomor {i} hari ini", hoax=i % 2, meta={**meta, "polarity": "positive" if i % 2 else "negative"})
        for i in range(8)
    ]
    model = TableModel({t: (0.9 if t.startswith("AWAS") else 0.1, 0.1, 0.1) for t in data_texts})
    model.scores.update({e.text: (0.7 if e.labels["hoax"] else 0.3, 0.1, 0.1) for e in suite_cases})
    rep = build_report(
        [("model", model)], data, bootstrap=0, functional=False, suites=[Suite("s_card", "alike posts", suite_cases)]
    )
    sec = rep["style_shortcut"]
    by_set = {s["name"]: s["risks"] for s in sec["sets"]}
    assert by_set["data"]["hoax"]["roc_auc"] == 1.0 and by_set["data"]["hoax"]["n"] == 10
    assert "s_card" not in by_set or by_set["s_card"]["hoax"]["roc_auc"] <= 0.75
    assert sec["trained_on"]["hoax"] == 40 and sec["strongest"]["hoax"]
    md = write_report(rep, tmp_path)["md"].read_text(encoding="utf-8")
    part = md.split("## Style shortcut")[1].split("## Errors")[0]
    assert "| catalogue test split | hoax | 10 | 5 | 1.000 | 1.000 |" in part
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h2>Style shortcut</h2>" in html and "style probe ROC-AUC" in html


def test_files_without_a_training_split_say_why_the_check_did_not_run(tmp_path) -> None:
    data = EvalData([ex("a", hoax=1), ex("b", hoax=0)], "my.csv")
    model = TableModel({"a": (0.9, 0.1, 0.1), "b": (0.1, 0.1, 0.1)})
    rep = build_report([("model", model)], data, bootstrap=0, functional=False)
    assert "saring data --data FILE style" in rep["style_shortcut"]["skipped"]
    md = write_report(rep, tmp_path)["md"].read_text(encoding="utf-8")
    assert "Not run: the style probe is fitted on the catalogue's training split" in md
