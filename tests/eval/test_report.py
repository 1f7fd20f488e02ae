"""The report files, written by `saring eval` on the tiny test model with the baseline beside it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app, default_baseline
from eval.functional import CAPABILITIES
from tests.eval.helpers import write_jsonl


@pytest.fixture(scope="module")
def report_dir(tiny_baseline_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.fixture_texts import fixture_examples

    root = tmp_path_factory.mktemp("eval")
    models = root / "models"
    shutil.copytree(tiny_baseline_dir, models / "default")
    shutil.copytree(tiny_baseline_dir, models / "baseline")
    examples = fixture_examples()
    for i, e in enumerate(examples):
        e.platform = None if i % 4 == 0 else ("twitter" if i % 2 else "facebook")
    data = write_jsonl(root / "test.jsonl", examples)
    out = root / "report"
    res = CliRunner().invoke(
        app,
        [
            "--model",
            str(models / "default"),
            "--data",
            str(data),
            "--out",
            str(out),
            "--bootstrap",
            "100",
            "--errors",
            "5",
        ],
    )
    assert res.exit_code == 0, res.output
    return out


def test_all_report_files_are_written(report_dir: Path) -> None:
    for name in ("report.json", "report.md", "report.html", "errors.md", "errors.csv"):
        assert (report_dir / name).stat().st_size > 0, name
    assert not list(report_dir.glob(".*"))  # no temp files left behind


def test_report_json_has_every_part_and_is_strict(report_dir: Path) -> None:
    def no_nan(x: str):
        raise AssertionError(f"non-standard JSON constant {x}")

    rep = json.loads((report_dir / "report.json").read_text(encoding="utf-8"), parse_constant=no_nan)
    assert [m["role"] for m in rep["models"]] == ["model", "baseline"]  # the baseline was found beside the model
    model = rep["models"][0]
    assert model["evaluation"]["model"]["version"].startswith("saring-baseline-")
    assert model["evaluation"]["model"]["training_data"] == {"fixture": {"licence": "test texts"}}
    assert len(rep["data"]["fingerprint"]) == 64 and len(rep["data"]["files"][0]["sha256"]) == 64
    for r in ("hoax", "slander", "incitement"):
        x = model["evaluation"]["risks"][r]
        assert {
            "precision",
            "recall",
            "f1",
            "pr_auc",
            "roc_auc",
            "brier",
            "ece",
            "ci",
            "reliability",
            "decisions",
            "threshold_table",
            "recall_at_precision",
            "precision_at_recall",
        } <= set(x)
    assert set(model["slices"]) == {"source", "platform", "length", "slang"}
    assert set(model["slices"]["platform"]) == {"twitter", "facebook"}
    assert set(model["functional"]["capabilities"]) == set(CAPABILITIES)
    assert rep["primary_metric"] == "macro_f1"


def test_html_is_self_contained_with_plots(report_dir: Path) -> None:
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") >= 8  # PR, reliability, decisions, 4 slices, functional
    assert not re.search(r"""(src|href)=["']https?://""", page)  # nothing fetched from elsewhere
    for heading in ("Precision and recall", "Calibration", "Decisions", "Slices", "Functional tests", "Worst errors"):
        assert f"<h2>{heading}</h2>" in page


def test_markdown_has_headline_and_functional_tables(report_dir: Path) -> None:
    md = (report_dir / "report.md").read_text(encoding="utf-8")
    assert "| risk | model | n | pos |" in md and "| slander | baseline |" in md
    assert "## Functional tests" in md and "| negation |" in md
    assert "highest recall at precision >= 0.9" in md
    # each model's flags with the validation plateau its training recorded
    stored = json.loads((report_dir.parent / "models" / "default" / "thresholds.json").read_text(encoding="utf-8"))
    hoax = stored["risks"]["hoax"]
    lo, hi = hoax["plateau"]
    units = hoax["resampled_units"]  # the default recipe resamples validation's texts
    assert "## Flags" in md
    plateau = f"{lo:.3f} – {hi:.3f} ({units:,} drawn per resample)"
    assert f"| hoax | model | {hoax['flag']:.3f} | {hoax['block']:.3f} | {plateau} |" in md
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert f"validation plateau {plateau}" in html


def test_default_baseline_is_beside_the_model(tmp_path: Path) -> None:
    (tmp_path / "default").mkdir()
    assert default_baseline(tmp_path / "default") is None
    (tmp_path / "baseline").mkdir()
    assert default_baseline(tmp_path / "default") == tmp_path / "baseline"
    assert default_baseline(tmp_path / "baseline") is None  # a baseline is not its own baseline


def test_help_names_the_default_baseline() -> None:
    res = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "240"})
    assert res.exit_code == 0
    flat = " ".join(re.sub(r"[│╭╮╰╯─]", " ", res.output).split())
    assert "<model dir parent>/baseline" in flat


def test_bad_data_file_exits_2(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("isi\nhalo\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["--model", str(tiny_baseline_dir), "--data", str(bad), "--out", str(tmp_path / "r")])
    assert res.exit_code == 2
    assert "expected a text column 'text'" in res.output


def test_split_check_warns_when_the_split_differs() -> None:
    from eval.report import split_check

    m = {
        "inputs": [{"file": "a.csv", "sha256": "x"}],
        "seed": 42,
        "fractions": {"test": 0.1},
        "normalizer_version": "1",
    }
    assert split_check(m, {"split": dict(m)}) is None
    warning = split_check(m, {"split": {**m, "inputs": [{"file": "a.csv", "sha256": "y"}]}})
    assert warning is not None and "inputs" in warning and "overlap" in warning and "retrain it" in warning
    warning = split_check(m, {"split": {**m, "seed": 7}})
    assert warning is not None and "(seed)" in warning and "with the seed it was split with (7" in warning
    assert split_check(None, {"split": m}) is None  # labelled files: nothing to compare
    assert split_check(m, {"name": "older"}) is None  # a model that records no split


def test_a_model_records_how_it_was_split_and_a_report_checks_it() -> None:
    """model_identity carries the model's split settings (its data manifest's), which split_check reads: a
    model card's `data` holds the sources only, so a check on it never fired for a trained model."""
    from eval.data import EvalData
    from eval.evaluator import model_identity
    from eval.report import build_report
    from tests.eval.helpers import TableModel, noisy_data

    examples, scores = noisy_data(60, seed=2)
    m = {"inputs": [], "seed": 7, "fractions": {"test": 0.1}, "normalizer_version": "1", "examples": {}}
    model = TableModel(scores)
    model.manifest = {**m, "sources": ["a"]}  # type: ignore[attr-defined]
    assert model_identity(model)["split"] == {k: m[k] for k in ("inputs", "seed", "fractions", "normalizer_version")}
    assert "split" not in model_identity(TableModel(scores))
    data = EvalData(examples, "catalogue test split", manifest={**m, "seed": 42})
    report = build_report([("model", model)], data, bootstrap=0, functional=False)
    (note,) = [n for n in report["notes"] if n.startswith("WARNING")]
    assert "differs from the one the model was trained on (seed)" in note
    same = build_report([("model", model)], EvalData(examples, "same", manifest=m), bootstrap=0, functional=False)
    assert not [n for n in same["notes"] if n.startswith("WARNING")]


def test_texts_from_the_data_are_escaped_in_the_html(report_dir: Path) -> None:
    """A text quoted in an error case or a failing functional case is shown as text, never run as markup."""
    from eval.report import report_html

    rep = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    attack = "<script>alert('x')</script> dasar <b>maling</b> & penipu"
    errors = next(iter(rep["errors"].values()))
    risk = next(r for r in errors if errors[r]["false_positives"] or errors[r]["false_negatives"])
    kind = "false_positives" if errors[risk]["false_positives"] else "false_negatives"
    errors[risk][kind][0]["text"] = attack
    failing = next(c for c in rep["models"][0]["functional"]["cases"] if not c["passed"])
    failing["text"] = attack
    failing["parent"] = "<script>parent()</script>"
    page = report_html(rep)
    assert "<script>" not in page and "<b>maling</b>" not in page
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; dasar &lt;b&gt;maling&lt;/b&gt; &amp; penipu"
    assert page.count(escaped) == 2
    assert "reply to: &lt;script&gt;parent()&lt;/script&gt;" in page
    assert page.count("data:image/png;base64,") >= 8  # the figures survive a report read back from report.json


def test_a_model_trained_with_another_split_seed_is_evaluated_on_its_own_test_split(
    tmp_path: Path, tiny_encoder_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`saring train --seed 7` then `saring eval`: the report is on the seed-7 test split, which the model never
    trained on, says so, and warns of nothing; the seed-42 split would hold texts it trained on."""
    from eval.compare import trained_on
    from eval.data import load_eval_data, split_seed_of
    from model.examples import ReadResult
    from model.scorer import Scorer
    from tests.fixture_texts import fixture_examples
    from training.cli import app as train_app

    monkeypatch.setenv("SARING_CATALOGUE_DIR", str(tmp_path / "no-catalogue"))
    monkeypatch.setattr("model.catalogue.load_catalogue", lambda *a, **k: ReadResult(fixture_examples(), []))
    out = tmp_path / "models" / "seven"
    args = ["--recipe", "tiny", "--base-model", str(tiny_encoder_dir), "--out", str(out), "--seed", "7"]
    trained = CliRunner().invoke(train_app, [*args, "--no-baseline", "--set", "epochs=1"])
    assert trained.exit_code == 0, trained.output
    res = CliRunner().invoke(
        app, ["--model", str(out), "--no-baseline", "--bootstrap", "0", "--no-suite", "--out", str(tmp_path / "r")]
    )
    assert res.exit_code == 0, res.output
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["data"]["description"] == "catalogue test split (split seed 7)"
    assert report["data"]["manifest"]["seed"] == 7
    assert not [n for n in report["notes"] if n.startswith("WARNING")]
    # the texts evaluated are none the model trained or calibrated on; the seed-42 split's are not so clean
    scorer = Scorer(out)
    evaluated = load_eval_data(["catalogue"], scorer.normalizer, split_seed=split_seed_of(scorer)).examples
    assert report["data"]["n"] == len(evaluated)
    assert trained_on(scorer, evaluated) == {"checked": True, "n": len(evaluated), "train": 0, "validation": 0}
    other = trained_on(scorer, load_eval_data(["catalogue"], scorer.normalizer).examples)
    assert other["train"] + other["validation"] > 0
