"""`saring benchmark`: cross-validation on the settings of published work, so saring's numbers stand beside
them.

hs       Ibrohim & Budi (2019) HS label, binary, 5 folds. Reported metric: the one of the IndoBERTweet paper
         (Koto et al., EMNLP 2021; code indolem/IndoBERTweet, hate_speech_HS1/indobertweet.py):
         `sklearn.metrics.f1_score(gold, pred)` with its defaults, i.e. the F1 of the positive class (HS = 1),
         predictions = probability > 0.5, averaged over the five test folds. Published: IndoBERTweet 88.8,
         IndoBERT 86.8, mBERT 85.1. Their folds are pre-made ~70/10/20 train/dev/test files; ours are
         StratifiedKFold(5, shuffle, seed) test folds, with 10% of the data (stratified) held out of each
         training part as the dev set that calibrates the model and picks its thresholds.
pratiwi  Pratiwi et al. (2017) hoax vs valid news, 5 folds grouped by hoax topic (a topic never spans train
         and test: random folds leak the topic and overstate the score). Same metric, positive class = hoax.

Each fold trains a fresh model (`--kind baseline`: TF-IDF + logistic regression, seconds; `--kind
transformer`: the fine-tuned encoder with a recipe, long) on all labels the examples carry, scores the test
fold with model.scorer, and measures the benchmark label. These runs are benchmarks, not tests.
"""

from __future__ import annotations

import logging
import math
import platform
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TypedDict

import numpy as np
import typer

from model.calibration import choose_threshold
from model.examples import Example
from model.metrics import average_precision, precision_recall_f1, roc_auc
from model.normalize import Normalizer

logger = logging.getLogger(__name__)

app = typer.Typer(
    name="benchmark",
    help="Cross-validation benchmarks beside published results (Ibrohim HS, Pratiwi hoax).",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

F1_DEFINITION = (
    "F1 of the positive class at a 0.5 threshold on the model's (calibrated) probability, mean over the test "
    "folds: sklearn.metrics.f1_score(gold, pred) with its defaults, as in indolem/IndoBERTweet "
    "hate_speech_HS1/indobertweet.py (the IndoBERTweet paper's protocol)"
)
PUBLISHED = {
    "hs": {"IndoBERTweet": 88.8, "IndoBERT": 86.8, "mBERT": 85.1},
    "pratiwi": {},
}
PUBLISHED_NOTE = {
    "hs": "F1 x 100 on the HS label, 5-fold, IndoBERTweet paper (Koto et al., EMNLP 2021)",
    "pratiwi": "no published grouped-fold result; Pratiwi et al. (2017) report 82.6% accuracy of naive Bayes on "
    "a static split that shares topics between train and test",
}


class Task(TypedDict):
    """A published benchmark: the catalogue dataset, the label, whether folds keep groups whole, a title."""

    dataset: str
    label: str
    grouped: bool
    title: str


TASKS: dict[str, Task] = {
    "hs": {
        "dataset": "ibrohim2019_multilabel_hs",
        "label": "hate_speech",
        "grouped": False,
        "title": "Ibrohim & Budi 2019, HS (binary), 5-fold stratified",
    },
    "pratiwi": {
        "dataset": "pratiwi_hoax_news",
        "label": "hoax",
        "grouped": True,
        "title": "Pratiwi 2017 hoax vs valid, 5-fold grouped by hoax topic",
    },
}
KINDS = ("baseline", "transformer", "ensemble")


# ---------------------------------------------------------------------------------------------------------
# Folds
# ---------------------------------------------------------------------------------------------------------
def make_folds(
    y: np.ndarray,
    groups: Sequence[str | None] | None = None,
    k: int = 5,
    seed: int = 42,
    dev_fraction: float = 0.1,
) -> list[dict[str, np.ndarray]]:
    """k folds of {train, validation, test} index arrays. Each example is in exactly one test fold.

    Without groups: stratified folds, and a stratified dev set of `dev_fraction` of all data taken from
    each training part. With groups: folds that never split a group (stratified by label as far as the
    groups allow), and a dev set made of whole groups too."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, train_test_split

    y = np.asarray(y, dtype=np.int64)
    n = len(y)
    if k < 2:
        raise ValueError(f"folds must be at least 2, found {k}")
    if min(int(y.sum()), int(n - y.sum())) < k:
        raise ValueError(
            f"each class needs at least {k} examples for {k} folds; found {int(y.sum())} positive "
            f"and {int(n - y.sum())} negative"
        )
    idx = np.arange(n)
    dev_share = dev_fraction / (1 - 1 / k)  # of each training part
    folds = []
    if groups is None:
        outer = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(idx, y)
        for rest, test in outer:
            train, dev = train_test_split(rest, test_size=dev_share, stratify=y[rest], random_state=seed)
            folds.append({"train": np.sort(train), "validation": np.sort(dev), "test": np.sort(test)})
        return folds
    g = np.array([str(x) if x is not None else f"__single_{i}" for i, x in enumerate(groups)])
    n_groups = len(set(g))
    if n_groups < k + 1:
        raise ValueError(f"grouped folds need more than {k} groups, found {n_groups}")
    outer = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed).split(idx, y, g)
    for rest, test in outer:
        inner_k = max(2, min(round(1 / dev_share), len(set(g[rest]))))
        inner = StratifiedGroupKFold(n_splits=inner_k, shuffle=True, random_state=seed)
        tr, dv = next(inner.split(rest, y[rest], g[rest]))
        folds.append({"train": np.sort(rest[tr]), "validation": np.sort(rest[dv]), "test": np.sort(test)})
    return folds


# ---------------------------------------------------------------------------------------------------------
# One fold
# ---------------------------------------------------------------------------------------------------------
def fold_metrics(p: np.ndarray, y: np.ndarray, dev_threshold: float | None = None) -> dict[str, float]:
    """The benchmark's F1 (positive class at 0.5) and context figures."""
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.int64)
    pred = (p > 0.5).astype(np.int64)  # the published code: prediction = output > 0.5
    precision, recall, f1 = precision_recall_f1(pred, y)
    _, _, f1_neg = precision_recall_f1(1 - pred, 1 - y)
    out = {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "f1": f1,
        "precision": precision,
        "recall": recall,
        "f1_macro": (f1 + f1_neg) / 2,
        "accuracy": float((pred == y).mean()) if len(y) else float("nan"),
        "roc_auc": roc_auc(p, y),
        "pr_auc": average_precision(p, y),
    }
    if dev_threshold is not None:
        out["dev_threshold"] = float(dev_threshold)
        out["f1_at_dev_threshold"] = precision_recall_f1((p >= dev_threshold).astype(np.int64), y)[2]
    return out


def train_fold(
    kind: str,
    splits: dict[str, list[Example]],
    normalizer: Normalizer,
    out: Path,
    manifest: dict[str, Any],
    recipe: str = "default",
    overrides: Sequence[str] = (),
) -> None:
    """Train one model directory at `out` on the fold's splits."""
    from training.baseline import train_baseline
    from training.config import TrainConfig
    from training.trainer import train_transformer

    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {list(KINDS)}")
    # the recipe's flag settings reach every kind, as in `saring train`
    config = TrainConfig.from_recipe(recipe).with_overrides(list(overrides))
    if kind == "baseline":
        train_baseline(out, splits, normalizer, manifest, **config.baseline_options())
        return
    if kind == "transformer":
        train_transformer(config, splits, normalizer, manifest, out)
        return
    # ensemble, the kind `saring train` serves: both members on the fold's splits, mixed per label with weights
    # chosen on the fold's validation split
    from training.ensemble import build_ensemble
    from training.scoring import StepScores

    b_out, t_out = out.with_name(f"{out.name}.baseline"), out.with_name(f"{out.name}.transformer")
    train_baseline(b_out, splits, normalizer, manifest, **config.baseline_options())
    scores = StepScores()  # the member's int8 logits of validation and test, when its step scored them so
    train_transformer(config, splits, normalizer, manifest, t_out, scores=scores)
    build_ensemble(
        out,
        t_out,
        b_out,
        splits,
        normalizer,
        manifest,
        config.model_dump(),
        transformer_scores=scores,
        **config.ensemble_options(),
    )
    shutil.rmtree(b_out, ignore_errors=True)  # copied into `out`; build_ensemble removed the transformer's


def run_benchmark(
    examples: Sequence[Example],
    label: str,
    *,
    kind: str = "baseline",
    grouped: bool = False,
    folds: int = 5,
    seed: int = 42,
    normalizer: Normalizer | None = None,
    recipe: str = "default",
    overrides: Sequence[str] = (),
    workdir: str | Path | None = None,
    keep_models: bool = False,
    task: str = "custom",
    all_labels: bool = False,
) -> dict[str, Any]:
    """Cross-validate `kind` on the examples labelled for `label`; return the per-fold and mean figures.

    By default each fold's model learns `label` only (the single-task setting of the published results);
    with `all_labels` it learns every label the examples carry (multi-task)."""
    from model.scorer import Scorer

    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {list(KINDS)}")
    norm = normalizer or Normalizer()
    data = [e for e in examples if e.labels.get(label) is not None]
    if not all_labels:
        data = [replace(e, labels={label: e.labels[label]}) for e in data]
    if not data:
        raise ValueError(f"no example carries the label {label!r}; check the dataset and the label name")
    y = np.array([int(e.labels[label]) for e in data], dtype=np.int64)  # type: ignore[arg-type]
    groups = [e.group for e in data] if grouped else None
    if grouped and all(g is None for g in groups or []):
        raise ValueError(f"grouped folds were asked for, but no example of {label!r} has a group")
    fold_idx = make_folds(y, groups, folds, seed)
    tmp_root = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="saring-benchmark-"))
    tmp_root.mkdir(parents=True, exist_ok=True)
    results = []
    t_all = time.perf_counter()
    try:
        for i, f in enumerate(fold_idx):
            t0 = time.perf_counter()
            splits = {name: [data[j] for j in f[name]] for name in ("train", "validation", "test")}
            out = tmp_root / f"fold{i}"
            manifest = {
                "benchmark": task,
                "label": label,
                "fold": i,
                "folds": folds,
                "seed": seed,
                "sizes": {k: len(v) for k, v in splits.items()},
            }
            train_fold(kind, splits, norm, out, manifest, recipe, overrides)
            train_s = time.perf_counter() - t0
            scorer = Scorer(out)
            if label not in scorer.labels:
                raise ValueError(f"the trained model has no output for {label!r} (its labels: {scorer.labels})")
            j = scorer.labels.index(label)
            p_test = scorer.predict_proba([e.text for e in splits["test"]])[:, j]
            p_dev = scorer.predict_proba([e.text for e in splits["validation"]])[:, j]
            y_dev = y[f["validation"]]
            dev_thr = choose_threshold(p_dev, y_dev).flag
            m: dict[str, Any] = fold_metrics(p_test, y[f["test"]], dev_thr)
            m.update(
                {
                    "fold": i,
                    "train": len(splits["train"]),
                    "validation": len(splits["validation"]),
                    "train_seconds": round(train_s, 2),
                    "seconds": round(time.perf_counter() - t0, 2),
                }
            )
            if grouped:
                m["test_groups"] = sorted({str(data[j].group) for j in f["test"]})
            results.append(m)
            logger.info(
                "fold %d/%d: F1 %.4f (dev-threshold F1 %.4f, ROC-AUC %.4f) in %.1f s",
                i + 1,
                folds,
                m["f1"],
                m["f1_at_dev_threshold"],
                m["roc_auc"],
                m["seconds"],
            )
            if not keep_models:
                shutil.rmtree(out, ignore_errors=True)
    finally:
        if not keep_models and workdir is None:
            shutil.rmtree(tmp_root, ignore_errors=True)
    summary = {}
    for key in ("f1", "precision", "recall", "f1_macro", "accuracy", "roc_auc", "pr_auc", "f1_at_dev_threshold"):
        vals = np.array([r[key] for r in results], dtype=np.float64)
        summary[key] = {
            "mean": float(np.nanmean(vals)),
            "std": float(np.nanstd(vals, ddof=1)) if len(vals) > 1 else float("nan"),
        }
    return {
        "task": task,
        "label": label,
        "kind": kind,
        "recipe": recipe if kind != "baseline" else None,
        "overrides": list(overrides),
        "labels_trained": "all labels the examples carry" if all_labels else [label],
        "examples": len(data),
        "positives": int(y.sum()),
        "folds": folds,
        "grouped": grouped,
        "seed": seed,
        "metric": F1_DEFINITION,
        "summary": summary,
        "per_fold": results,
        "seconds": round(time.perf_counter() - t_all, 1),
        "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine()},
    }


# ---------------------------------------------------------------------------------------------------------
# Leave one source out
# ---------------------------------------------------------------------------------------------------------
def _source_metrics(scorer: Any, examples: Sequence[Example]) -> dict[str, dict[str, float]]:
    """Per risk, on the examples labelled for it: ROC-AUC, PR-AUC, and F1 at the model's flag threshold."""
    from eval.evaluator import flag_block
    from model.examples import label_matrix
    from model.labels import RISKS

    if not examples:
        return {}
    probs = np.asarray(scorer.risk_proba([e.text for e in examples]), dtype=np.float64)
    y = label_matrix(list(examples), RISKS)
    out = {}
    for j, r in enumerate(RISKS):
        k = ~np.isnan(y[:, j])
        if not k.any() or len(np.unique(y[k, j])) < 2:
            continue
        yj, pj = y[k, j].astype(np.int64), probs[k, j]
        flag = flag_block(scorer, r)[0]
        out[r] = {
            "n": int(k.sum()),
            "positives": int(yj.sum()),
            "roc_auc": roc_auc(pj, yj),
            "pr_auc": average_precision(pj, yj),
            "f1_at_flag": precision_recall_f1((pj >= flag).astype(np.int64), yj)[2],
        }
    return out


def run_loso(
    splits: dict[str, list[Example]],
    normalizer: Normalizer,
    *,
    kind: str = "baseline",
    sources: Sequence[str] | None = None,
    recipe: str = "default",
    overrides: Sequence[str] = (),
    workdir: str | Path | None = None,
) -> dict[str, Any]:
    """Leave-one-source-out: for each source, a model trained without it (train/validation of the other
    sources) is tested on that source's test split, beside a model trained on every source (the
    in-distribution reference) on the same examples. The gap is what a new source would cost."""
    from model.scorer import Scorer

    all_sources = sorted({e.source for v in splits.values() for e in v})
    wanted = list(sources) if sources else all_sources
    unknown = [s for s in wanted if s not in all_sources]
    if unknown:
        raise ValueError(f"unknown source(s) {unknown}; the data has {all_sources}")
    root = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="saring-loso-"))
    root.mkdir(parents=True, exist_ok=True)
    t_all = time.perf_counter()

    def touches(e: Example, source: str) -> bool:  # merged duplicates carry every source they came from
        return e.source == source or source in e.meta.get("sources", ())

    results: dict[str, Any] = {}
    try:
        ref_dir = root / "all-sources"
        train_fold(kind, splits, normalizer, ref_dir, {"benchmark": "loso", "held_out": None}, recipe, overrides)
        reference = Scorer(ref_dir)
        for source in wanted:
            t0 = time.perf_counter()
            held = [e for e in splits.get("test", []) if touches(e, source)]
            rest = {k: [e for e in v if not touches(e, source)] for k, v in splits.items()}
            out = root / f"without-{source}"
            train_fold(kind, rest, normalizer, out, {"benchmark": "loso", "held_out": source}, recipe, overrides)
            without = Scorer(out)
            results[source] = {
                "test_examples": len(held),
                "in_distribution": _source_metrics(reference, held),
                "held_out": _source_metrics(without, held),
                "seconds": round(time.perf_counter() - t0, 1),
            }
            logger.info(
                "leave out %s: %s", source, {r: round(m["roc_auc"], 3) for r, m in results[source]["held_out"].items()}
            )
            shutil.rmtree(out, ignore_errors=True)
    finally:
        if workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    return {
        "task": "loso",
        "kind": kind,
        "recipe": recipe if kind != "baseline" else None,
        "sources": results,
        "seconds": round(time.perf_counter() - t_all, 1),
        "note": "test split of each source; 'held_out' = trained without that source, 'in_distribution' = "
        "trained on all sources; F1 at each model's own validation-chosen flag threshold",
    }


# ---------------------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------------------
def _print(result: dict[str, Any], task: str) -> None:
    from rich.console import Console
    from rich.table import Table

    s = result["summary"]
    console = Console()
    name = f"saring {result['kind']}" + (f" ({result['recipe']})" if result.get("recipe") else "")
    table = Table(title=TASKS[task]["title"], caption=f"F1 = {F1_DEFINITION}")
    for col in ("model", "F1 x 100", "± sd", "macro F1", "ROC-AUC", "F1 at dev threshold", "run time"):
        table.add_column(col, justify="left" if col == "model" else "right")
    table.add_row(
        name,
        f"{100 * s['f1']['mean']:.1f}",
        f"{100 * s['f1']['std']:.1f}",
        f"{100 * s['f1_macro']['mean']:.1f}",
        f"{s['roc_auc']['mean']:.3f}",
        f"{100 * s['f1_at_dev_threshold']['mean']:.1f}",
        f"{result['seconds']:.0f} s",
    )
    for model, f1 in PUBLISHED[task].items():
        table.add_row(f"{model} (published)", f"{f1:.1f}", "", "", "", "", "")
    console.print(table)
    console.print(f"published: {PUBLISHED_NOTE[task]}")


def _write(result: dict[str, Any], out: Path | None) -> None:
    if out is None:
        return
    from model.modeldir import write_json_atomic as write_json

    write_json(out, result)
    logger.info("benchmark result written to %s", out)


def _load(task: str, limit: int | None, seed: int) -> tuple[list[Example], Normalizer]:
    from model.catalogue import load_dataset, load_slang

    res = load_dataset(TASKS[task]["dataset"])
    examples = res.examples
    if limit and limit < len(examples):
        rng = np.random.default_rng(seed)
        examples = [examples[i] for i in sorted(rng.choice(len(examples), size=limit, replace=False))]
    return examples, load_slang()


def _run(
    task: str,
    kind: str,
    recipe: str,
    overrides: list[str],
    folds: int,
    seed: int,
    limit: int | None,
    out: Path | None,
    keep: Path | None,
    all_labels: bool,
) -> None:
    from model.examples import DataError

    try:
        examples, normalizer = _load(task, limit, seed)
        t = TASKS[task]
        result = run_benchmark(
            examples,
            t["label"],
            kind=kind,
            grouped=t["grouped"],
            folds=folds,
            seed=seed,
            normalizer=normalizer,
            recipe=recipe,
            overrides=overrides,
            workdir=keep,
            keep_models=keep is not None,
            task=task,
            all_labels=all_labels,
        )
    except (DataError, ValueError) as e:
        typer.secho(f"error: {e}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from e
    result["dataset"] = t["dataset"]
    result["published"] = PUBLISHED[task]
    result["published_note"] = PUBLISHED_NOTE[task]
    if limit:
        result["limit"] = limit
    _print(result, task)
    _write(result, out)
    if math.isnan(result["summary"]["f1"]["mean"]):
        raise typer.Exit(1)


KindOpt = Annotated[
    str,
    typer.Option(
        help="baseline (TF-IDF + logistic regression, seconds a fold), transformer (a recipe of `saring train`, "
        "long) or ensemble (both, mixed as `saring train` serves them; as long as transformer)."
    ),
]
RecipeOpt = Annotated[
    str,
    typer.Option(help="Training recipe: its flag settings for every kind, its network for transformer or ensemble."),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a training config field, e.g. epochs=2 (a mapping is merged into the recipe's); the "
        "baseline and the ensemble take their flag settings from it as `saring train` does.",
    ),
]
FoldsOpt = Annotated[int, typer.Option(help="Number of folds.", min=2)]
SeedOpt = Annotated[
    int, typer.Option(help="Seed of the folds (loso: of the catalogue's split, as `saring train --seed`).")
]
LimitOpt = Annotated[int | None, typer.Option(help="Use a random sample of N examples (a quick check).", min=10)]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write the result as JSON to this file.")]
AllOpt = Annotated[
    bool,
    typer.Option(
        "--all-labels", help="Train on every label of the dataset (multi-task), not only the benchmark label."
    ),
]
KeepOpt = Annotated[Path | None, typer.Option(help="Keep each fold's model directory under this directory.")]


@app.command("hs")
def hs(
    kind: KindOpt = "baseline",
    recipe: RecipeOpt = "default",
    set_: SetOpt = None,
    folds: FoldsOpt = 5,
    seed: SeedOpt = 42,
    limit: LimitOpt = None,
    out: OutOpt = None,
    keep: KeepOpt = None,
    all_labels: AllOpt = False,
) -> None:
    """Ibrohim & Budi HS label, 5-fold: F1 of the positive class at 0.5 beside IndoBERTweet 88.8, IndoBERT 86.8,
    mBERT 85.1."""
    _check_kind(kind)
    _run("hs", kind, recipe, set_ or [], folds, seed, limit, out, keep, all_labels)


@app.command("pratiwi")
def pratiwi(
    kind: KindOpt = "baseline",
    recipe: RecipeOpt = "default",
    set_: SetOpt = None,
    folds: FoldsOpt = 5,
    seed: SeedOpt = 42,
    limit: LimitOpt = None,
    out: OutOpt = None,
    keep: KeepOpt = None,
    all_labels: AllOpt = False,
) -> None:
    """Pratiwi hoax vs valid news, folds grouped by hoax topic."""
    _check_kind(kind)
    _run("pratiwi", kind, recipe, set_ or [], folds, seed, limit, out, keep, all_labels)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        typer.secho(f"error: --kind must be one of {list(KINDS)}, found {kind!r}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)


@app.command("loso")
def loso(
    kind: KindOpt = "baseline",
    recipe: RecipeOpt = "default",
    set_: SetOpt = None,
    source: Annotated[list[str] | None, typer.Option(help="Sources to leave out (default: every one).")] = None,
    seed: SeedOpt = 42,
    out: OutOpt = None,
) -> None:
    """Leave one source out: each source's test split scored by a model trained without that source, beside a
    model trained on all of them."""
    from rich.console import Console
    from rich.table import Table

    from model.examples import DataError
    from training.cli import load_training_data

    _check_kind(kind)
    try:
        normalizer, prepared, _ = load_training_data(["catalogue"], [], "utf-8", seed)
        result = run_loso(
            dict(prepared.items()), normalizer, kind=kind, sources=source, recipe=recipe, overrides=set_ or []
        )
    except (DataError, ValueError) as e:
        typer.secho(f"error: {e}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from e
    table = Table(title=f"Leave one source out ({kind}): each source's test split", caption=result["note"])
    for col in ("source", "risk", "n", "ROC-AUC all", "ROC-AUC without", "F1 all", "F1 without"):
        table.add_column(col, justify="left" if col in ("source", "risk") else "right")
    for src, x in result["sources"].items():
        for r, m in x["held_out"].items():
            ref = x["in_distribution"].get(r, {})
            table.add_row(
                src,
                r,
                str(m["n"]),
                f"{ref.get('roc_auc', float('nan')):.3f}",
                f"{m['roc_auc']:.3f}",
                f"{ref.get('f1_at_flag', float('nan')):.3f}",
                f"{m['f1_at_flag']:.3f}",
            )
    Console().print(table)
    _write(result, out)


# `saring benchmark speed`: inference speed, naive loop vs fp32 vs int8 (training/speed.py).
from training.speed import speed_command  # noqa: E402

app.command("speed")(speed_command)
