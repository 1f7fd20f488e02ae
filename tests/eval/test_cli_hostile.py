"""`saring eval` given an analyst's mistakes: every bad input ends in one clear error (what was expected, what was
found, how to fix it) with exit code 2, no traceback and no report file; nothing is silently ignored."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from eval.cli import app
from tests.eval.helpers import write_jsonl

FAST = ["--bootstrap", "20", "--no-suite"]
REPORT_FILES = {"report.json", "report.md", "report.html", "errors.md", "errors.csv"}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.fixture_texts import fixture_examples

    return write_jsonl(tmp_path_factory.mktemp("data") / "data.jsonl", fixture_examples())


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The model directories loaded while a test runs (every Scorer made), to show an error came before any."""
    import model.scorer

    loaded: list[Path] = []
    real = model.scorer.Scorer

    def counted(p: Path, *a: Any, **k: Any) -> Any:
        loaded.append(p)
        return real(p, *a, **k)

    monkeypatch.setattr(model.scorer, "Scorer", counted)
    return loaded


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def _refused(res: Result, *needles: str) -> None:
    """Exit code 2, one 'error:' line holding every needle, and no traceback."""
    out = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert "error:" in out and "Traceback" not in out, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    for n in needles:
        assert n in out, (n, res.output)


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _edit(path: Path, change: Callable[[Any], Any]) -> None:
    path.write_text(json.dumps(change(json.loads(path.read_text()))))


# ------------------------------------------------------------------------------------------------------------
# --model and the other model paths
# ------------------------------------------------------------------------------------------------------------
def test_a_model_path_that_is_a_file_is_called_a_file(tiny_baseline_dir: Path, tmp_path: Path, data: Path) -> None:
    a_file = tmp_path / "model.txt"
    a_file.write_text("x")
    out = tmp_path / "r"
    # before: "model directory model.txt does not exist. Fix: train one with `saring train ... --out model.txt`"
    _refused(_run("--model", str(a_file), "--data", str(data), "--out", str(out), *FAST), "found a file")
    # a file inside a model directory: the directory is named
    _refused(
        _run("--model", str(tiny_baseline_dir / "saring_model.json"), "--data", str(data), "--out", str(out), *FAST),
        f"it lies in the model directory {tiny_baseline_dir}",
    )
    # the baseline is checked before the model is loaded
    _refused(
        _run("--model", str(tiny_baseline_dir), "--baseline", str(a_file), "--data", str(data), "--out", str(out)),
        f"--baseline {a_file}: expected a model directory",
    )
    _refused(
        _run("--compare", str(tiny_baseline_dir), str(tiny_baseline_dir), "--old-run", str(a_file), "--out", str(out)),
        f"--old-run {a_file}: expected a model directory",
    )
    assert not out.exists()


CORRUPTIONS: list[tuple[str, Callable[[Any], Any], str]] = [
    # before: a bare AttributeError traceback
    ("calibration.json", lambda d: d | {"labels": [1, 2]}, "expected 'labels': an object"),
    ("calibration.json", lambda d: [], "expected a JSON object (the calibration of each label), found a JSON list"),
    # before: "error: could not convert string to float: 'x'" (no file named)
    ("calibration.json", lambda d: {**d, "labels": {**d["labels"], "hoax": {**d["labels"]["hoax"], "a": "x"}}}, "'x'"),
    # before: evaluated silently with an identity calibration for hoax
    ("calibration.json", lambda d: {**d, "labels": {k: v for k, v in d["labels"].items() if k != "hoax"}}, "['hoax']"),
    # before: evaluated silently, flagging nothing
    ("thresholds.json", lambda d: {**d, "risks": {**d["risks"], "hoax": {**d["risks"]["hoax"], "flag": 1.7}}}, "1.7"),
    # before: evaluated silently at a made-up flag 0.5
    ("thresholds.json", lambda d: {**d, "risks": {k: v for k, v in d["risks"].items() if k != "slander"}}, "slander"),
    ("thresholds.json", lambda d: {**d, "risks": None}, "found null"),
    ("thresholds.json", lambda d: {**d, "risks": {**d["risks"], "hoax": {**d["risks"]["hoax"], "x": 1}}}, "['x']"),
    ("normalizer.json", lambda d: {**d, "slang": [1]}, "expected 'slang'"),
    ("normalizer.json", lambda d: 5, "found a JSON int"),
    ("saring_model.json", lambda d: [], "found a JSON list"),
    ("data_manifest.json", lambda d: [], "(the data manifest), found a JSON list"),
    ("metrics.json", lambda d: [], "(the training metrics), found a JSON list"),
]


@pytest.mark.parametrize(("name", "change", "found"), CORRUPTIONS)
def test_a_damaged_model_file_is_refused_with_the_file_and_what_it_should_hold(
    tiny_baseline_dir: Path, tmp_path: Path, data: Path, name: str, change: Callable[[Any], Any], found: str
) -> None:
    model = _copy(tiny_baseline_dir, tmp_path / "m")
    _edit(model / name, change)
    out = tmp_path / "r"
    res = _run("--model", str(model), "--data", str(data), "--out", str(out), *FAST)
    _refused(res, str(model / name), "expected", found, "Fix:")
    assert not out.exists()


def test_a_truncated_normalizer_names_its_file(tiny_baseline_dir: Path, tmp_path: Path, data: Path) -> None:
    model = _copy(tiny_baseline_dir, tmp_path / "m")
    p = model / "normalizer.json"
    p.write_text(p.read_text()[:30])
    # before: "error: Unterminated string starting at: line 4 column 8" (no file, no fix)
    _refused(_run("--model", str(model), "--data", str(data), "--out", str(tmp_path / "r"), *FAST), str(p), "Fix:")


def test_a_damaged_ensemble_spec_is_refused(tiny_baseline_dir: Path, tmp_path: Path, data: Path) -> None:
    from model.modelcheck import check_ensemble
    from model.modeldir import ModelDirError
    from model.scorer import Scorer

    ens = tmp_path / "ens"
    _copy(tiny_baseline_dir, ens / "lexical")
    for name in ("calibration.json", "thresholds.json", "normalizer.json", "saring_model.json"):
        shutil.copy(tiny_baseline_dir / name, ens / name)
    _edit(ens / "saring_model.json", lambda d: d | {"kind": "ensemble"})
    spec = {"members": ["lexical"], "labels": ["hoax", "slander", "incitement"], "weights": {"hoax": [1.0]}}
    (ens / "ensemble.json").write_text(json.dumps(spec))
    # before: a KeyError traceback from the first text scored
    with pytest.raises(ModelDirError, match=r"'weights.slander': 1 numbers \(one per member\), found None"):
        check_ensemble(ens / "ensemble.json", json.loads((ens / "ensemble.json").read_text()))
    _edit(ens / "ensemble.json", lambda d: d | {"weights": {r: [1.0] for r in d["labels"]}})
    _edit(ens / "lexical" / "thresholds.json", lambda d: {**d, "risks": {**d["risks"], "hoax": {"flag": -1}}})
    with pytest.raises(ModelDirError, match="lexical/thresholds.json: expected 'risks.hoax.flag'"):
        Scorer(ens / "lexical")  # each member is checked as it loads


def test_a_loader_failure_names_the_directory(
    tiny_baseline_dir: Path, tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import model.scorer

    def broken(*a: Any, **k: Any) -> None:
        raise AttributeError("'list' object has no attribute 'items'")

    monkeypatch.setattr(model.scorer, "Scorer", broken)
    res = _run("--model", str(tiny_baseline_dir), "--data", str(data), "--out", str(tmp_path / "r"), *FAST)
    _refused(res, f"{tiny_baseline_dir}: the model directory could not be loaded (AttributeError", "Fix:")


# ------------------------------------------------------------------------------------------------------------
# --out
# ------------------------------------------------------------------------------------------------------------
def test_an_out_that_is_a_file_or_under_one_is_refused_before_anything_loads(
    tiny_baseline_dir: Path, tmp_path: Path, data: Path, loads: list[Path]
) -> None:
    a_file = tmp_path / "report.txt"
    a_file.write_text("keep me")
    # before: FileExistsError / NotADirectoryError tracebacks after the whole evaluation
    _refused(_run("--model", str(tiny_baseline_dir), "--data", str(data), "--out", str(a_file), *FAST), "found a file")
    _refused(
        _run("--model", str(tiny_baseline_dir), "--data", str(data), "--out", str(a_file / "sub"), *FAST),
        f"found the file {a_file} on the way",
    )
    _refused(
        _run("--compare", str(tiny_baseline_dir), str(tiny_baseline_dir), "--data", str(data), "--out", str(a_file)),
        "found a file",
    )
    assert a_file.read_text() == "keep me" and not loads


def test_a_bad_data_file_is_refused_before_anything_loads(
    tiny_baseline_dir: Path, tmp_path: Path, loads: list[Path]
) -> None:
    # an analyst's file with its labels under Indonesian names, not mapped with --column
    unmapped = tmp_path / "fitnah.jsonl"
    unmapped.write_text("".join(json.dumps({"text": f"teks ke-{i}", "fitnah": i % 2}) + "\n" for i in range(6)))
    out = tmp_path / "r"
    # before: refused only after the model (and, for --compare, both models) had loaded
    for args in (
        ["--model", str(tiny_baseline_dir), *FAST],
        ["--compare", str(tiny_baseline_dir), str(tiny_baseline_dir)],
    ):
        _refused(_run(*args, "--data", str(unmapped), "--out", str(out)), "fitnah", "--column slander=fitnah")
        _refused(_run(*args, "--data", str(tmp_path / "missing.csv"), "--out", str(out)), "missing.csv")
    assert not loads and not out.exists()


def test_an_out_inside_a_model_directory_is_refused(tiny_baseline_dir: Path, tmp_path: Path, data: Path) -> None:
    model = _copy(tiny_baseline_dir, tmp_path / "models" / "m")
    before = sorted(p.name for p in model.iterdir())
    # before: report.* and errors.csv (which quotes evaluated texts) were written into the model directory
    for out in (model, model / "reports"):
        _refused(
            _run("--model", str(model), "--data", str(data), "--out", str(out), *FAST),
            "expected a folder outside the model directories",
        )
    _refused(
        _run("--compare", str(tiny_baseline_dir), str(model), "--data", str(data), "--out", str(model), *FAST),
        "outside the model directories",
    )
    assert sorted(p.name for p in model.iterdir()) == before
    # a path that only passes through the model directory's name is fine
    ok = _run("--model", str(model), "--data", str(data), "--out", str(model / ".." / "r"), *FAST, "--no-functional")
    assert ok.exit_code == 0, ok.output


def test_an_unwritable_out_is_refused_before_anything_loads(
    tiny_baseline_dir: Path, tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import eval.cli

    real = os.access  # the tests may run as root, whom no permission stops: tmp_path is made read-only here
    monkeypatch.setattr(eval.cli.os, "access", lambda p, mode: Path(p) != tmp_path and real(p, mode))
    res = _run("--model", str(tiny_baseline_dir), "--data", str(data), "--out", str(tmp_path / "ro" / "r"), *FAST)
    _refused(res, f"the folder {tmp_path} cannot be written by this user")


def _report(tiny_baseline_dir: Path, data: Path, out: Path) -> Result:
    return _run("--model", str(tiny_baseline_dir), "--data", str(data), "--out", str(out), *FAST, "--no-functional")


def test_a_failed_write_keeps_the_previous_report_whole(
    tiny_baseline_dir: Path, tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import eval.report

    out = tmp_path / "r"
    assert _report(tiny_baseline_dir, data, out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(before) == REPORT_FILES

    # the disk fills up on the third file: before, report.json and report.md were new beside an old report.html
    real = eval.report.tempfile.mkstemp
    calls = []

    def full(*a: Any, **k: Any) -> tuple[int, str]:
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(*a, **k)

    monkeypatch.setattr(eval.report.tempfile, "mkstemp", full)
    _refused(_report(tiny_baseline_dir, data, out), "the report could not be written (No space left on device)")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no file replaced, no temporary file left

    # a page that fails to render writes nothing at all
    monkeypatch.undo()
    report = json.loads((out / "report.json").read_text())
    monkeypatch.setattr(eval.report, "render", lambda t, c: (_ for _ in ()).throw(RuntimeError(t)))
    with pytest.raises(RuntimeError):
        eval.report.write_report(report | {"created": "changed"}, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


# ------------------------------------------------------------------------------------------------------------
# options
# ------------------------------------------------------------------------------------------------------------
def test_too_few_bootstrap_replicates_and_a_gate_without_intervals_are_refused(
    tiny_baseline_dir: Path, tmp_path: Path, data: Path
) -> None:
    out = tmp_path / "r"
    m = str(tiny_baseline_dir)
    # before: --bootstrap 1 printed a "95% CI" [0.824, 0.824] that did not hold the F1 of 0.811
    _refused(_run("--model", m, "--data", str(data), "--out", str(out), "--bootstrap", "1"), "at least 20 replicates")
    # before: every verdict read 'no significant difference' and the gate passed a much worse NEW (exit 0)
    _refused(
        _run("--compare", m, m, "--data", str(data), "--out", str(out), "--bootstrap", "0"),
        "--bootstrap 0 found with --compare",
        "the gate would pass",
    )
    assert not out.exists()


def test_a_negative_seed_and_an_empty_precision_are_refused(
    tiny_baseline_dir: Path, tmp_path: Path, data: Path
) -> None:
    base = ["--model", str(tiny_baseline_dir), "--data", str(data), "--out", str(tmp_path / "r"), *FAST]
    # before: "error: expected non-negative integer" (numpy's words) after every model had scored the data
    res = _run(*base, "--seed", "-1")
    assert res.exit_code == 2 and "--seed" in res.output and "Traceback" not in res.output
    # before: silently the default precision
    _refused(_run(*base, "--precision", " "), "--precision found empty; expected int8, bf16 or fp32")


def test_baseline_options_that_contradict_are_refused(tiny_baseline_dir: Path, tmp_path: Path, data: Path) -> None:
    other = _copy(tiny_baseline_dir, tmp_path / "other")
    base = ["--data", str(data), "--out", str(tmp_path / "r"), *FAST]
    # before: --baseline silently ignored
    _refused(
        _run("--model", str(tiny_baseline_dir), "--baseline", str(other), "--no-baseline", *base),
        "--baseline and --no-baseline found together",
    )
    # before: the model evaluated twice, once as its own baseline
    _refused(
        _run("--model", str(tiny_baseline_dir), "--baseline", f"{tiny_baseline_dir}/", *base),
        "is the model evaluated",
    )


# ------------------------------------------------------------------------------------------------------------
# --data
# ------------------------------------------------------------------------------------------------------------
def test_data_options_that_would_be_ignored_or_double_counted_are_refused(
    tiny_baseline_dir: Path, tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(data.parent)
    base = ["--model", str(tiny_baseline_dir), "--out", str(tmp_path / "r"), *FAST]
    # before: silently ignored (the catalogue's test split has its own columns and encoding)
    _refused(_run(*base, "--column", "text=isi"), "--column found with no labelled file")
    _refused(_run(*base, "--data", "catalogue", "--encoding", "cp1252"), "--encoding found with no labelled file")
    _refused(_run(*base, "--sheet", "Data"), "--sheet found with no labelled file")
    # a sheet named for files that are not workbooks: before, there was no --sheet
    _refused(_run(*base, "--data", str(data), "--sheet", "Data"), "no --data file is one")
    # before: every text counted twice, intervals too narrow
    _refused(_run(*base, "--data", str(data), "--data", f"./{data.name}"), "found twice")
    # before: "Catalogue: file not found. Fix: check the path"
    _refused(_run(*base, "--data", "Catalogue"), "the word 'catalogue' (lower case)")
    # a folder given as the paraphrase set: before, "does not exist"
    _refused(_run(*base, "--data", str(data), "--claims-paraphrases", str(tmp_path)), "found a folder")
    assert not (tmp_path / "r").exists()


# ------------------------------------------------------------------------------------------------------------
# what is evaluated: said, not hidden
# ------------------------------------------------------------------------------------------------------------
def test_a_model_not_trained_on_a_risk_and_a_comparison_with_itself_are_named(
    tiny_baseline_dir: Path, tmp_path: Path, data: Path
) -> None:
    # a model whose training had no incitement labels (training.artifacts writes this objective then)
    blind = _copy(tiny_baseline_dir, tmp_path / "blind")
    _edit(
        blind / "thresholds.json",
        lambda d: {
            **d,
            "risks": {
                **d["risks"],
                "incitement": {"flag": 0.5, "block": 0.9, "objective": "default (no validation labels)"},
            },
        },
    )
    res = _run(
        "--compare", str(tiny_baseline_dir), str(blind), "--data", str(data), "--out", str(tmp_path / "c"), *FAST
    )
    assert res.exit_code in (0, 1), res.output
    saved = json.loads((tmp_path / "c" / "comparison.json").read_text())
    assert any(w.startswith("NEW (") and "no validation labels for incitement" in w for w in saved["warnings"])
    rep = _report(blind, data, tmp_path / "r")
    assert rep.exit_code == 0, rep.output
    assert "no validation labels for incitement" in (tmp_path / "r" / "report.md").read_text()
    # the same directory twice: a legitimate self-check, but said
    same = _run("--compare", str(tiny_baseline_dir), str(tiny_baseline_dir), "--data", str(data), "--out",
                str(tmp_path / "s"), *FAST)  # fmt: skip
    assert same.exit_code == 0, same.output
    assert "OLD and NEW are the same training" in " ".join(same.output.split())


def test_a_risk_labelled_with_one_class_only_is_named(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "clean.csv").write_text("text,slander\nhalo apa kabar,0\nterima kasih pak,0\n")
    res = _report(tiny_baseline_dir, tmp_path / "clean.csv", tmp_path / "r")
    assert res.exit_code == 0, res.output
    # before: "macro F1 0.000" with no word on why
    assert "slander: the data labels 2 texts, all negatives" in (tmp_path / "r" / "report.md").read_text()
