from __future__ import annotations

import json
import shutil

import numpy as np
from typer.testing import CliRunner

from eval.cli import app
from eval.compare import BETTER, SAME, WORSE, compare_models, comparison_markdown, verdict
from eval.ood import Suite
from tests.eval.helpers import TableModel, ex, noisy_data, write_jsonl


def test_verdict_rules() -> None:
    assert verdict([0.01, 0.05]) == BETTER
    assert verdict([-0.05, -0.01]) == WORSE
    assert verdict([-0.01, 0.02]) == SAME
    assert verdict([0.01, 0.05], lower_is_better=True) == WORSE  # Brier / ECE went up
    assert verdict([float("nan"), float("nan")]) == SAME


def _worse_table(scores: dict, seed: int = 9) -> dict:
    rng = np.random.default_rng(seed)
    return {t: tuple(float(v) for v in rng.random(3)) for t in scores}  # random scores: no skill


def test_clearly_worse_new_model_fails_the_gate() -> None:
    examples, scores = noisy_data(300, seed=4)
    old, new = TableModel(scores, name="old"), TableModel(_worse_table(scores), name="new")
    res = compare_models(old, new, examples, replicates=300, seed=0)
    assert res["primary"]["verdict"] == WORSE and res["exit_code"] == 1
    assert res["primary"]["ci"][1] < 0 < res["primary"]["old"]
    assert all(res["risks"][r]["verdict"] == WORSE for r in ("hoax", "slander", "incitement"))
    # the other way round it is better and passes
    back = compare_models(new, old, examples, replicates=300, seed=0)
    assert back["primary"]["verdict"] == BETTER and back["exit_code"] == 0


def test_identical_models_show_no_difference() -> None:
    examples, scores = noisy_data(200, seed=5)
    res = compare_models(TableModel(scores), TableModel(scores), examples, replicates=200)
    assert res["primary"]["verdict"] == SAME and res["exit_code"] == 0
    assert res["primary"]["ci"] == [0.0, 0.0]


def test_cli_compare_exit_code_on_perturbed_tiny_model(tiny_baseline_dir, tmp_path) -> None:
    from tests.fixture_texts import fixture_examples

    data = write_jsonl(tmp_path / "data.jsonl", fixture_examples())
    new = tmp_path / "new"
    shutil.copytree(tiny_baseline_dir, new)
    th = json.loads((new / "thresholds.json").read_text())
    for t in th["risks"].values():  # a careless retrain: flags nearly nothing
        t["flag"], t["block"] = 0.995, 0.999
    (new / "thresholds.json").write_text(json.dumps(th))
    runner = CliRunner()
    out = tmp_path / "cmp"
    res = runner.invoke(
        app,
        ["--compare", str(tiny_baseline_dir), str(new), "--data", str(data), "--out", str(out), "--bootstrap", "200"],
    )
    assert res.exit_code == 1, res.output
    saved = json.loads((out / "comparison.json").read_text())
    assert saved["primary"]["verdict"] == WORSE
    assert (out / "comparison.md").read_text().count("worse") >= 1
    assert (out / "comparison.html").exists()
    same = runner.invoke(
        app,
        [
            "--compare",
            str(tiny_baseline_dir),
            str(tiny_baseline_dir),
            "--data",
            str(data),
            "--out",
            str(tmp_path / "same"),
            "--bootstrap",
            "100",
        ],
    )
    assert same.exit_code == 0, same.output


def _suite_and_models() -> tuple[Suite, TableModel, TableModel]:
    """40 hateful and 40 counter-speech cases; OLD gets every case right, NEW flags most counter-speech."""
    cases, old, new = [], {}, {}
    for i in range(40):
        hate = ex(f"hate {i}", meta={"function": "hate_derogation", "risk": "incitement"}, hoax=0, incitement=1)
        counter = ex(f"counter {i}", meta={"function": "counter_quote", "risk": "incitement"}, hoax=0, incitement=0)
        cases += [hate, counter]
        old[hate.text], old[counter.text] = (0.1, 0.1, 0.9), (0.1, 0.1, 0.1)
        new[hate.text], new[counter.text] = (0.1, 0.1, 0.9), (0.1, 0.1, 0.9 if i % 4 else 0.1)
    return Suite("toy_suite", "a toy suite", cases), TableModel(old, name="old"), TableModel(new, name="new")


def test_a_model_worse_out_of_distribution_fails_the_gate_although_the_test_split_ties() -> None:
    suite, old_suite, new_suite = _suite_and_models()
    examples, scores = noisy_data(200, seed=6)
    old = TableModel({**scores, **old_suite.scores}, name="old")
    new = TableModel({**scores, **new_suite.scores}, name="new")
    res = compare_models(old, new, examples, replicates=300, seed=0, suites=[suite])
    assert res["primary"]["verdict"] == SAME  # same scores on the test data
    (s,) = res["suites"]
    # OLD right on both functions; NEW right on all hate and a quarter of the counter-speech
    assert s["old"] == 1.0 and s["new"] == (1.0 + 0.25) / 2 and s["right"] == {"old": 80, "new": 50}
    assert s["verdict"] == WORSE and s["ci"][1] < 0
    assert res["exit_code"] == 1 and res["gate"]["worse_on"] == ["toy_suite"]
    md = comparison_markdown(res | {"data": {"description": "toy", "fingerprint": "x"}})
    assert "toy_suite" in md and "significantly worse on toy_suite" in md
    # the other way round the suite is better and the gate passes; no suites: the data alone decides
    assert compare_models(new, old, examples, replicates=300, suites=[suite])["exit_code"] == 0
    assert compare_models(old, new, examples, replicates=300)["exit_code"] == 0


def test_identical_models_tie_on_a_suite() -> None:
    suite, model, _ = _suite_and_models()
    examples, scores = noisy_data(50, seed=7)
    m = TableModel({**scores, **model.scores})
    (s,) = compare_models(m, m, examples, replicates=100, suites=[suite])["suites"]
    assert s["verdict"] == SAME and s["ci"] == [0.0, 0.0] and s["diff"] == 0.0


def _templated_suite(grouped: bool, templates: int = 4) -> tuple[Suite, TableModel, TableModel]:
    """Two functions, each written from `templates` templates with 10 fills; NEW gets every fill of one
    counter-speech template wrong (one mistake of its author's, repeated ten times), OLD gets everything right."""
    cases, old, new = [], {}, {}
    for fn, hateful in (("hate_derogation", 1), ("counter_quote", 0)):
        for t in range(templates):
            for g in range(10):
                case = ex(
                    f"{fn} template {t} group {g}",
                    meta={"function": fn, "risk": "incitement"},
                    hoax=0,
                    incitement=hateful,
                    group=f"toy:{fn}.{t}" if grouped else None,
                )
                cases.append(case)
                old[case.text] = (0.1, 0.1, 0.9 if hateful else 0.1)
                wrong = fn == "counter_quote" and t == 0
                new[case.text] = (0.1, 0.1, 0.9 if hateful or wrong else 0.1)
    return Suite("toy_templated", "a templated toy suite", cases), TableModel(old), TableModel(new)


def test_cases_of_one_template_are_resampled_together_in_the_gate() -> None:
    examples, scores = noisy_data(60, seed=3)

    def gate(suite: Suite, old: TableModel, new: TableModel) -> dict:
        old, new = TableModel({**scores, **old.scores}, name="old"), TableModel({**scores, **new.scores}, name="new")
        return compare_models(old, new, examples, replicates=400, seed=1, suites=[suite])

    (flat,) = gate(*_templated_suite(grouped=False))["suites"]
    res = gate(*_templated_suite(grouped=True))
    (clustered,) = res["suites"]
    # the same cases and the same point figures: 10 of 40 counter-speech cases wrong, (1 + 0.75) / 2
    assert flat["new"] == clustered["new"] == 0.875 and flat["diff"] == clustered["diff"] == -0.125
    # as 40 independent cases the ten wrong ones look like a sure loss; as one wrong template of four, a
    # resample without it is likely ((3/4)^4 = 32% of them), so the interval reaches 0 and nothing is proven
    assert flat["verdict"] == WORSE and flat["clusters"] == 80
    assert clustered["verdict"] == SAME and clustered["ci"][1] == 0.0 and clustered["clusters"] == 8
    assert clustered["ci"][0] < flat["ci"][0] and res["exit_code"] == 0
    md = comparison_markdown(res | {"data": {"description": "toy", "fingerprint": "x"}})
    assert "| toy_templated | 80 | 2 | 8 |" in md


def test_the_test_split_is_resampled_by_template_too() -> None:
    """40 templates of 10 texts; NEW flags every text of one non-hateful template. Read as 400 independent texts
    that is a sure loss of F1; read as one template of 40, a resample without it is likely ((39/40)^40 = 36%)."""

    def data(grouped: bool) -> tuple[list, TableModel, TableModel]:
        examples, old, new = [], {}, {}
        for t in range(40):
            for i in range(10):
                e = ex(f"template {t} text {i}", incitement=int(t < 20), group=f"toy:{t}" if grouped else None)
                examples.append(e)
                old[e.text] = (0.1, 0.1, 0.9 if t < 20 else 0.1)
                new[e.text] = (0.1, 0.1, 0.9 if t < 21 else 0.1)
        return examples, TableModel(old, name="old"), TableModel(new, name="new")

    examples, old, new = data(grouped=False)
    flat = compare_models(old, new, examples, replicates=400, seed=2)
    examples, old, new = data(grouped=True)
    clustered = compare_models(old, new, examples, replicates=400, seed=2)
    assert flat["primary"]["diff"] == clustered["primary"]["diff"] < 0
    assert flat["primary"]["verdict"] == WORSE and flat["bootstrap"]["clusters"] == 400
    assert clustered["primary"]["verdict"] == SAME and clustered["primary"]["ci"][1] == 0.0
    assert clustered["bootstrap"]["clusters"] == 40 and clustered["exit_code"] == 0
    assert "clusters resampled whole" in clustered["bootstrap"]["method"]
    md = comparison_markdown(clustered | {"data": {"description": "toy", "fingerprint": "x"}})
    assert "40 clusters of texts resampled whole" in md


def test_the_comparison_warns_when_a_model_was_trained_on_the_texts_compared_on() -> None:
    from model.normalize import Normalizer
    from model.splits import text_hash

    examples, scores = noisy_data(60, seed=8)
    norm = Normalizer({})
    old, new = TableModel(scores, name="old"), TableModel(scores, name="new")
    # OLD learnt from the first 20 of these texts and was calibrated on the next 5; NEW saw none of them
    old.normalizer = new.normalizer = norm  # type: ignore[attr-defined]
    old_hashes = {
        "train": sorted(text_hash(norm, e.text) for e in examples[:20]),
        "validation": sorted(text_hash(norm, e.text) for e in examples[20:25]),
    }
    old.text_fingerprints = lambda: old_hashes  # type: ignore[attr-defined]
    new.text_fingerprints = lambda: {"train": [text_hash(norm, "some other text")], "validation": []}  # type: ignore[attr-defined]
    res = compare_models(old, new, examples, replicates=50)
    assert res["overlap"]["old"] == {"checked": True, "n": 60, "train": 20, "validation": 5}
    assert res["overlap"]["new"] == {"checked": True, "n": 60, "train": 0, "validation": 0}
    (w,) = res["warnings"]
    assert w.startswith("OLD was trained on 20 and calibrated on 5 of the 60 texts")
    md = comparison_markdown(res | {"data": {"description": "toy", "fingerprint": "x"}})
    assert "Warning:** OLD was trained on 20" in md
    # a model without fingerprints is reported as unchecked, not as clean
    bare = compare_models(TableModel(scores), new, examples, replicates=50)
    assert bare["overlap"]["old"]["checked"] is False and "not checked" in bare["warnings"][0]


def test_training_records_the_fingerprints_of_train_and_validation_only() -> None:
    from model.normalize import Normalizer
    from model.splits import prepare, text_hash

    examples, _ = noisy_data(120, seed=9)
    norm = Normalizer({})
    data = prepare(examples, norm, seed=1)
    hashes = data.manifest["text_hashes"]
    assert set(hashes) == {"train", "validation"}
    for split in ("train", "validation"):
        assert hashes[split] == sorted({text_hash(norm, e.text) for e in dict(data.items())[split]})
    assert not {text_hash(norm, e.text) for e in dict(data.items())["test"]} & set(hashes["train"])


def test_a_flag_that_moved_is_told_apart_from_a_worse_ranking() -> None:
    from model.calibration import Threshold

    examples, scores = noisy_data(300, seed=4)
    old, new = TableModel(scores, name="old"), TableModel(scores, name="new")
    new.thresholds["hoax"] = Threshold(0.95, 0.97, flag_range=[0.4, 0.96])  # same scores, a flag far up the curve
    res = compare_models(old, new, examples, replicates=300, seed=0)
    assert res["risks"]["hoax"]["verdict"] == WORSE
    notes = [w for w in res["warnings"] if "the flag moved, not the ranking" in w]
    assert len(notes) == 1 and notes[0].startswith("hoax: F1 is worse at NEW's flag 0.950 (OLD's 0.500")
    assert "[0.40, 0.96]" in notes[0] and "channel policy" in notes[0]
    # a model that records its validation plateau is described by it
    new.thresholds["hoax"] = Threshold(0.95, 0.97, flag_range=[0.4, 0.96], plateau=[0.9, 0.99])
    res = compare_models(old, new, examples, replicates=300, seed=0)
    notes = [w for w in res["warnings"] if "the flag moved, not the ranking" in w]
    assert len(notes) == 1 and "could not tell flags in [0.90, 0.99] apart from the best" in notes[0]
    # at the same flag, scores pushed up by a monotone map (the same ranking): the note says the scores moved
    shifted = TableModel({k: (v[0] ** 0.5, v[1], v[2]) for k, v in scores.items()}, name="new")
    res = compare_models(old, shifted, examples, replicates=300, seed=0)
    assert res["risks"]["hoax"]["verdict"] == WORSE
    notes = [w for w in res["warnings"] if w.startswith("hoax: F1 is worse")]
    assert len(notes) == 1 and "the flag is nearly the same, so NEW's scores around it moved" in notes[0]
    assert "the flag moved" not in notes[0]
    # a model that ranks worse gets no such note: its PR-AUC is worse too
    worse = compare_models(old, TableModel(_worse_table(scores), name="new"), examples, replicates=300, seed=0)
    assert not [w for w in worse["warnings"] if "not the ranking" in w]


def test_a_flag_chosen_for_f_beta_is_compared_on_its_own_objective_too() -> None:
    """Hoax's flag is chosen by F0.5: a NEW flag higher up the curve can lose F1 and gain F0.5. The comparison
    has an fbeta row at NEW's beta for both sides, the flag note says which way that objective went, and a beta
    that differs between the sides is named."""
    from model.calibration import Threshold

    examples, scores = noisy_data(300, seed=4)
    old, new = TableModel(scores, name="old"), TableModel(scores, name="new")
    old.thresholds["hoax"] = Threshold(0.5, 0.97, objective="best_fbeta", beta=0.5)
    new.thresholds["hoax"] = Threshold(0.8, 0.97, objective="best_fbeta", beta=0.5)
    res = compare_models(old, new, examples, replicates=300, seed=0)
    hoax = res["risks"]["hoax"]
    assert hoax["beta"] == 0.5 and res["risks"]["slander"]["beta"] == 1.0
    fb, f1 = hoax["metrics"]["fbeta"], hoax["metrics"]["f1"]
    assert fb["new"] - fb["old"] > f1["new"] - f1["old"]  # the higher flag favours precision, F0.5 weighs it
    slander = res["risks"]["slander"]["metrics"]
    assert slander["fbeta"]["diff"] == slander["f1"]["diff"]  # beta 1: the same measure
    assert f1["verdict"] == WORSE and fb["verdict"] != WORSE and fb["new"] > fb["old"]
    (note,) = [w for w in res["warnings"] if w.startswith("hoax: F1 is worse")]
    assert "F0.5, the objective NEW's flag was chosen by, is no significant difference (0.766 -> 0.816)" in note
    assert not [w for w in res["warnings"] if "chosen by F0.5, and flags compared" in w]
    md = comparison_markdown({**res, "data": {"description": "test", "fingerprint": "x"}})
    assert "| hoax | fbeta (F0.5, the flag's objective) |" in md
    assert "| slander | fbeta (F1, the flag's objective) |" in md
    # OLD's flag chosen by F1: the fbeta rows measure both at NEW's F0.5, and a warning says so
    old.thresholds["hoax"] = Threshold(0.5, 0.97)
    res = compare_models(old, new, examples, replicates=300, seed=0)
    (note,) = [w for w in res["warnings"] if "chosen by F0.5, and flags compared" in w]
    assert note.startswith("hoax: NEW's flag was chosen by F0.5, and flags compared with it by F1") and "Fix:" in note
    assert res["risks"]["hoax"]["metrics"]["fbeta"]["old"] == fb["old"]


def _trainings(scores: dict, powers: list[float]) -> list[TableModel]:
    """Trainings of one recipe that differ only in where their scores sit around the flag: each maps every score
    through s ** power (the same ranking, a different F1 at the flag), as retraining with another seed does."""
    return [
        TableModel({t: tuple(float(v) ** g for v in s) for t, s in scores.items()}, name=f"run{i}")
        for i, g in enumerate(powers)
    ]


def test_training_spread_pools_the_trainings_of_both_sides() -> None:
    from eval.compare import training_spread

    assert training_spread([0.7], [0.6]) == {"sd": 0.0, "df": 0, "se": 0.0}  # one training each: nothing known
    s = training_spread([0.70, 0.72, 0.74], [0.60])
    assert s["df"] == 2 and np.isclose(s["sd"], 0.02) and np.isclose(s["se"], 0.02 * np.sqrt(1 / 3 + 1))
    s = training_spread([0.70, 0.74], [0.60, 0.64])  # deviations +-0.02 on each side, 2 degrees of freedom
    assert s["df"] == 2 and np.isclose(s["sd"], np.sqrt(4 * 0.02**2 / 2)) and np.isclose(s["se"], s["sd"])


def test_retraining_noise_does_not_fail_the_gate_when_the_trainings_are_given() -> None:
    examples, scores = noisy_data(400, seed=11)
    runs = _trainings(scores, [0.7, 0.85, 1.0, 1.2, 1.45, 1.7])
    f1 = [compare_models(runs[0], m, examples, replicates=50)["primary"]["new"] for m in runs]
    lucky, unlucky = int(np.argmax(f1)), int(np.argmin(f1))
    others = [m for i, m in enumerate(runs) if i not in (lucky, unlucky)]
    # one lucky OLD against one unlucky NEW of the same recipe: the paired bootstrap calls it worse
    plain = compare_models(runs[lucky], runs[unlucky], examples, replicates=300, seed=0)
    assert plain["primary"]["verdict"] == WORSE and plain["exit_code"] == 1
    # the same two with two more trainings on each side: the spread between trainings says it is noise
    res = compare_models(
        runs[lucky], runs[unlucky], examples, replicates=300, seed=0, old_runs=others[:2], new_runs=others[2:]
    )
    assert res["primary"]["verdict"] == SAME and res["exit_code"] == 0
    sp = res["primary"]["spread"]
    assert sp["df"] == 4 and sp["sd"] > 0 and len(sp["old_runs"]) == len(sp["new_runs"]) == 3
    assert np.isclose(res["primary"]["old"], np.mean(sp["old_runs"]))
    width = [x["primary"]["ci"][1] - x["primary"]["ci"][0] for x in (plain, res)]
    assert width[1] > width[0]  # wider than the paired bootstrap alone
    assert [r["name"] for r in res["runs"]["old"]] == [runs[lucky].name, *(m.name for m in others[:2])]
    assert "spread between trainings" in res["bootstrap"]["method"]
    md = comparison_markdown(res | {"data": {"description": "toy", "fingerprint": "x"}})
    assert "trainings: OLD 3" in md and "SD between trainings" in md
    # a recipe that is really worse still fails with its trainings given
    bad = [TableModel(_worse_table(scores, seed=s), name=f"bad{s}") for s in range(3)]
    worse = compare_models(runs[2], bad[0], examples, replicates=300, seed=0, old_runs=runs[3:5], new_runs=bad[1:])
    assert worse["primary"]["verdict"] == WORSE and worse["exit_code"] == 1


def test_suites_are_compared_over_the_trainings_of_each_side() -> None:
    suite, old_suite, new_suite = _suite_and_models()
    examples, scores = noisy_data(100, seed=6)
    olds = [TableModel({**scores, **old_suite.scores}, name=f"old{i}") for i in range(2)]
    news = [TableModel({**scores, **new_suite.scores}, name=f"new{i}") for i in range(2)]
    res = compare_models(
        olds[0], news[0], examples, replicates=200, suites=[suite], old_runs=olds[1:], new_runs=news[1:]
    )
    (s,) = res["suites"]
    # identical trainings: no spread, so the suite's verdict is the paired bootstrap's, and still worse
    assert s["spread"]["sd"] == 0.0 and s["spread"]["df"] == 2 and s["verdict"] == WORSE
    assert s["right"] == {"old": 80, "new": 50} and res["exit_code"] == 1


def test_the_same_training_twice_is_refused_and_other_recipes_are_named() -> None:
    import pytest

    from eval.compare import run_checks

    examples, scores = noisy_data(50, seed=3)
    a = TableModel(scores, name="a")
    with pytest.raises(ValueError, match="more than once"):
        compare_models(
            a, TableModel(scores, name="b"), examples, replicates=10, old_runs=[TableModel(scores, name="a")]
        )
    with pytest.raises(ValueError, match="OLD's and NEW's apart"):  # one training on both sides
        compare_models(
            a, TableModel(scores, name="b"), examples, replicates=10, new_runs=[TableModel(scores, name="a")]
        )

    class Dir:
        def __init__(self, config: dict, manifest: dict) -> None:
            self.files = {"training_config.json": config, "data_manifest.json": manifest}

        def read_json(self, name: str, default: object = None) -> object:
            return self.files.get(name, default)

    runs = [TableModel(scores, name=f"r{i}") for i in range(3)]
    for m, (lr, seed) in zip(runs, [(1e-4, 42), (1e-4, 7), (3e-4, 13)], strict=True):
        m.dir = Dir({"lr": lr, "seed": seed, "epochs": 1}, {"seed": 42, "sources": ["a"]})  # type: ignore[attr-defined]
    others = [TableModel(scores, name=f"n{i}") for i in range(3)]
    assert run_checks(runs[:2], others) == []  # only the seed differs; 3 degrees of freedom
    (w,) = run_checks(runs, others[:2])
    assert w.startswith("OLD's 3 trainings differ in lr (beyond the seed)") and "--set seed=N" in w
    runs[2].dir = Dir({"lr": 1e-4, "seed": 7, "epochs": 1}, {"seed": 42, "sources": ["a"]})  # type: ignore[attr-defined]
    (w,) = run_checks(runs, others[:2])
    assert "repeat a seed ([42, 7, 7])" in w
    # an older model records no loop precision and no mixed_precision: it ran fp32, like an "off" training now
    runs[2].dir = Dir({"lr": 1e-4, "seed": 13, "epochs": 1, "mixed_precision": "off"}, {"seed": 42, "sources": ["a"]})  # type: ignore[attr-defined]
    assert run_checks(runs, others[:2]) == []
    (w,) = run_checks(runs[:2], others[:1])
    assert w.startswith("only 2 OLD and 1 NEW trainings (1 degree of freedom")
    # `saring train --seed N` moves the split with the seed: said once, with the flag that keeps the split
    for m, split_seed in zip([*runs, *others], [42, 42, 42, 42, 7, 3], strict=True):
        m.manifest = {"seed": split_seed, "inputs": [], "fractions": {}, "normalizer_version": "1"}  # type: ignore[attr-defined]
    (w,) = run_checks(runs, others)
    assert w.startswith("the trainings were split with different seeds (3, 7, 42)")
    assert "`saring train --set seed=N`" in w


def test_cli_compare_with_runs(tiny_baseline_dir, tmp_path) -> None:
    from model.normalize import Normalizer
    from tests.fixture_texts import fixture_examples, fixture_splits
    from training.baseline import train_baseline

    data = write_jsonl(tmp_path / "data.jsonl", fixture_examples())
    normalizer = Normalizer({"gk": "tidak", "bgt": "banget", "jgn": "jangan", "yg": "yang"})
    for k in (2, 3):  # more trainings of the recipe: the same settings, k - 1 training texts fewer
        splits = fixture_splits()
        splits["train"] = splits["train"][k - 1 :]
        train_baseline(tmp_path / f"run{k}", splits, normalizer, {"sources": {"fixture": {"licence": "test texts"}}})
    run, new = tmp_path / "run2", tmp_path / "run3"
    runner = CliRunner()
    base = ["--data", str(data), "--bootstrap", "100", "--no-suite"]
    res = runner.invoke(
        app,
        [
            "--compare",
            str(tiny_baseline_dir),
            str(new),
            "--old-run",
            str(run),
            "--out",
            str(tmp_path / "c"),
            *base,
        ],
    )
    assert res.exit_code == 0, res.output
    saved = json.loads((tmp_path / "c" / "comparison.json").read_text())
    assert len(saved["runs"]["old"]) == 2 and saved["primary"]["spread"]["df"] == 1
    assert "mean of 2 training(s)" in res.output.replace("\n", " ")
    twice = runner.invoke(
        app, ["--compare", str(tiny_baseline_dir), str(run), "--new-run", str(run), "--out", str(tmp_path / "d"), *base]
    )
    assert "1 degree of freedom" in (tmp_path / "c" / "comparison.md").read_text()
    assert twice.exit_code == 2 and "more than once" in twice.output
    alone = runner.invoke(app, ["--model", str(tiny_baseline_dir), "--new-run", str(run), "--out", str(tmp_path / "e")])
    assert alone.exit_code == 2 and "expected --compare OLD_DIR NEW_DIR" in alone.output
    # a report's options with --compare are refused, not silently ignored
    pair = ["--compare", str(tiny_baseline_dir), str(run), "--out", str(tmp_path / "f"), *base]
    mixed = runner.invoke(app, [*pair, "--model", str(new), "--errors", "5", "--no-functional"])
    assert mixed.exit_code == 2 and "--model, --errors, --no-functional found with --compare" in mixed.output
    assert not (tmp_path / "f").exists()


def test_runs_without_bootstrap_and_bad_scores_are_reported_not_crashed() -> None:
    from eval.compare import compare_scores, comparison_html

    suite, old_suite, new_suite = _suite_and_models()
    examples, scores = noisy_data(60, seed=6)
    olds = [TableModel({**scores, **old_suite.scores}, name=f"old{i}") for i in range(2)]
    news = [TableModel({**scores, **new_suite.scores}, name=f"new{i}") for i in range(2)]
    res = compare_models(olds[0], news[0], examples, replicates=0, suites=[suite], old_runs=olds[1:], new_runs=news[1:])
    (s,) = res["suites"]
    assert s["verdict"] == SAME and s["spread"]["df"] == 2 and np.isnan(s["ci"][0])
    page = res | {"data": {"description": "toy", "fingerprint": "x"}}
    assert "SD between trainings" in comparison_markdown(page) and "SD between trainings" in comparison_html(page)
    # scores of the wrong shape or NaN name the training and the fix
    y = np.zeros((4, 3))
    good = np.full((4, 3), 0.5)
    import pytest

    with pytest.raises(ValueError, match=r"NEW training 2: scores of shape \(3, 3\) found, expected \(4, 3\)"):
        compare_scores(good, [good, good[:3]], y, [0.5] * 3, [[0.5] * 3] * 2, replicates=10)
    bad = good.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="OLD training 1: 1 scores are NaN or infinite"):
        compare_scores(bad, good, y, [0.5] * 3, [0.5] * 3, replicates=10)
    with pytest.raises(ValueError, match="at least one training per side"):
        compare_scores([], good, y, [], [0.5] * 3, replicates=10)


def test_loops_that_a_time_budget_ended_at_different_lengths_are_said() -> None:
    from eval.compare import _loops_line, loop_notes, loop_record

    def notes(olds: list, news: list) -> list[str]:
        return loop_notes({"old": [loop_record(m) for m in olds], "new": [loop_record(m) for m in news]})

    class Dir:
        def __init__(self, updates: int | None, budget: float | None, seed: int) -> None:
            info = {"epochs_seen": round((updates or 0) / 1860, 2), "examples_per_second": 30.0}
            if updates is not None:
                info["updates"] = updates
            self.files = {
                "training_config.json": {"seed": seed, "time_budget_minutes": budget},
                "transformer/saring_model.json": info,  # an ensemble: the loop is the transformer member's
                "saring_model.json": {"kind": "ensemble"},
            }

        def read_json(self, name: str, default: object = None) -> object:
            return self.files.get(name, default)

    def side(updates: list[int | None], budget: float | None = 10.0) -> list[TableModel]:
        examples, scores = noisy_data(20, seed=1)
        out = []
        for i, u in enumerate(updates):
            m = TableModel(scores, name=f"m{i}")
            m.dir = Dir(u, budget, seed=i)  # type: ignore[attr-defined]
            out.append(m)
        return out

    assert loop_record(side([511])[0]) == {
        "updates": 511,
        "epochs_seen": 0.27,
        "examples_per_second": 30.0,
        "budget": True,
    }
    # the sixty-sixth session's gate: 712 and 511 against 575 and 670, means 2% apart: nothing to say
    assert notes(side([712, 511]), side([575, 670])) == []
    (w,) = notes(side([538, 600]), side([700, 720]))
    assert "NEW's ran 700, 720 updates (mean 710) against OLD's 538, 600 updates (mean 569): 25% more" in w
    assert "--set max_steps=N --set time_budget_minutes=none --set step_budget_minutes=none" in w
    (w,) = notes(side([700]), side([600]))
    assert "NEW's ran 600 updates against OLD's 700 updates: 14% fewer" in w
    # the steps or the epochs decided (no time budget), or a model records no loop: nothing said
    assert notes(side([500], budget=None), side([700], budget=None)) == []
    assert notes(side([500, None]), side([700, 720])) == []
    assert notes([TableModel(noisy_data(5, seed=1)[1])], side([700])) == []
    assert _loops_line({"old": [loop_record(m) for m in side([712, 511])], "new": [None]}) == ""
    # a damaged record (updates not a count) reads as no loop, not as a crash
    assert loop_record(side([True])[0]) is None
    line = _loops_line({"old": [loop_record(m) for m in side([712, 511])], "new": [loop_record(side([670])[0])]})
    assert line == "OLD 712, 511 updates (0.38, 0.27 of an epoch); NEW 670 updates (0.36 of an epoch)"
    # through the gate itself: comparison.json keeps the records, the report shows the line and the warning
    examples, scores = noisy_data(60, seed=2)
    trainings = _trainings(scores, [1.0, 1.1, 0.9, 1.2])  # four distinct trainings
    for i, (m, u) in enumerate(zip(trainings, [538, 600, 700, 720], strict=True)):
        m.dir = Dir(u, 10.0, seed=i)  # type: ignore[attr-defined]
    olds, news = trainings[:2], trainings[2:]
    result = compare_models(olds[0], news[0], examples, replicates=20, old_runs=olds[1:], new_runs=news[1:])
    assert [r["updates"] for r in result["loops"]["new"]] == [700, 720]
    assert any("25% more" in w for w in result["warnings"])
    md = comparison_markdown(result)
    assert "- training loops: OLD 538, 600 updates (0.29, 0.32 of an epoch); NEW 700, 720 updates" in md
    assert json.loads(json.dumps(result))["loops"]["old"][0]["budget"] is True  # what comparison.json writes
