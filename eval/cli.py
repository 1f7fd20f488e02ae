"""`saring eval`: evaluation reports, and the comparison that gates a deployment.

    saring eval --model DIR [--baseline DIR] [--data catalogue|FILE ...] [--column field=col ...] --out REPORT_DIR
                [--claims-embedder] [--claims-paraphrases FILE]
    saring eval --compare OLD_DIR NEW_DIR [--old-run DIR ...] [--new-run DIR ...] [--data ...] --out DIR

Exit codes: 0 done; 1 (--compare) NEW is significantly worse than OLD on the primary metric or on an
out-of-distribution suite; 2 bad input.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from model.labels import RISKS

logger = logging.getLogger(__name__)

app = typer.Typer(
    name="eval",
    help="Evaluate a model (metrics, calibration, slices, errors, functional tests) or compare two models.",
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT = 2


def default_baseline(model_dir: Path) -> Path | None:
    """`<model dir parent>/baseline` when it exists and is not the model itself."""
    cand = model_dir.parent / "baseline"
    if cand.is_dir() and cand.resolve() != model_dir.resolve():
        return cand
    return None


def _fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def _load(path: Path) -> Any:
    from model.scorer import Scorer

    return Scorer(path)


ERRORS_DEFAULT = 20


@app.callback(invoke_without_command=True)
def eval_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the report (created if missing).")],
    model: Annotated[
        Path | None,
        typer.Option(
            "--model", "-m", help="Model directory to evaluate. Default: $SARING_MODEL_DIR, else models/default."
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="Baseline model directory evaluated alongside. Default: <model dir parent>/baseline if it exists."
        ),
    ] = None,
    no_baseline: Annotated[bool, typer.Option("--no-baseline", help="Evaluate the model alone.")] = False,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            help="'catalogue' (its test split, the default) or a labelled CSV/TSV/JSONL/Parquet file; "
            "repeat for several.",
        ),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column", "-c", help="Map a field to a column of your files, e.g. text=isi or slander=fitnah; repeatable."
        ),
    ] = None,
    encoding: Annotated[str, typer.Option(help="Encoding of CSV files (e.g. cp1252 for Excel exports).")] = "utf-8",
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option(
            "--compare",
            help="OLD_DIR NEW_DIR: compare two models on the same data and on the out-of-distribution suites; "
            "exits 1 when NEW is significantly worse on macro F1 or on any suite's mean accuracy over functions.",
            metavar="OLD_DIR NEW_DIR",
        ),
    ] = None,
    old_run: Annotated[
        list[Path] | None,
        typer.Option(
            "--old-run",
            help="With --compare: another training of OLD's recipe (another seed, e.g. `saring train --set seed=7`); "
            "repeatable. OLD is then the mean over its trainings and the spread between trainings widens every "
            "interval, so ordinary retraining noise does not fail the gate.",
        ),
    ] = None,
    new_run: Annotated[
        list[Path] | None,
        typer.Option("--new-run", help="With --compare: another training of NEW's recipe; repeatable (see --old-run)."),
    ] = None,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates for the 95% intervals.", min=0)] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    errors: Annotated[
        int, typer.Option(help="Worst false positives / negatives listed per risk.", min=0)
    ] = ERRORS_DEFAULT,
    functional: Annotated[bool, typer.Option(help="Run the functional test cases.")] = True,
    suite: Annotated[
        bool,
        typer.Option(
            help="Run the out-of-distribution suites: every evaluation card whose rows name a function, a risk "
            "and a polarity (saring_register_suite, saring_circulated_posts, saring_long_posts, the group-swap suite "
            "and the outsider suites; never trained on)."
        ),
    ] = True,
    claims_embedder: Annotated[
        bool,
        typer.Option(
            "--claims-embedder/--no-claims-embedder",
            help="Measure claim matching with the e5 encoder beside BM25 (slower; the encoder is prepared on first "
            "use). Default: BM25 only.",
        ),
    ] = False,
    claims_paraphrases: Annotated[
        Path | None,
        typer.Option(
            help="Paraphrase set for the claim-matching evidence. Default: datasets/claims_paraphrases.jsonl "
            "(the 'Hoax evidence' section says so when it is missing)."
        ),
    ] = None,
    precision: Annotated[
        str | None,
        typer.Option(
            help="Transformer inference precision: int8 (default when verified against fp32), bf16 (on CPUs "
            "with bf16 matrix units, else fp32) or fp32. Default: $SARING_PRECISION, else int8."
        ),
    ] = None,
) -> None:
    """Evaluate a model on the catalogue's test split or on labelled files and write report.json, report.md,
    report.html, errors.md and errors.csv. The baseline (default: <model dir parent>/baseline, if it exists)
    is evaluated alongside."""
    from model.examples import DataError
    from model.modeldir import ModelDirError

    try:
        if precision is not None:
            import os

            from model.network import resolve_precision

            os.environ["SARING_PRECISION"] = resolve_precision(precision)  # every model loaded below
        if compare is None and (old_run or new_run):
            raise _fail(
                "--old-run / --new-run name more trainings of the models compared; expected --compare OLD_DIR NEW_DIR "
                "with them. Fix: add --compare, or drop the runs."
            )
        if compare is not None:
            # options of a single model's report, which a comparison has no use for: refused, not ignored
            ignored = [
                name
                for name, given in (
                    ("--model", model is not None),
                    ("--baseline", baseline is not None),
                    ("--no-baseline", no_baseline),
                    ("--errors", errors != ERRORS_DEFAULT),
                    ("--no-functional", not functional),
                    ("--claims-embedder", claims_embedder),
                    ("--claims-paraphrases", claims_paraphrases is not None),
                )
                if given
            ]
            if ignored:
                raise _fail(
                    f"{', '.join(ignored)} found with --compare; they set up one model's report, and a comparison "
                    "scores the two models given to --compare (with their runs) on the data and the suites only. "
                    "Fix: drop them, or run `saring eval --model DIR` for a report"
                )
            code = _run_compare(
                compare[0],
                compare[1],
                data=data or [],
                column=column or [],
                encoding=encoding,
                out=out,
                bootstrap=bootstrap,
                seed=seed,
                suite=suite,
                old_runs=old_run or [],
                new_runs=new_run or [],
            )
            raise typer.Exit(code)
        _run_report(
            model,
            baseline,
            no_baseline,
            data or [],
            column or [],
            encoding,
            out,
            bootstrap,
            seed,
            errors,
            functional,
            claims_embedder,
            claims_paraphrases,
            suite,
        )
    except (DataError, ModelDirError, ValueError, FileNotFoundError) as e:
        raise _fail(str(e)) from e


def _claims_evidence(paraphrases: Path | None, use_embedder: bool, normalizer: Any) -> dict[str, Any]:
    """Claim-matching evidence for the report; a missing default paraphrase set is noted, not fatal."""
    from eval.hoax import claim_matching_evidence
    from model.claims import default_embedder, default_paraphrase_path

    path = paraphrases or default_paraphrase_path()
    if not path.is_file():
        if paraphrases is not None:
            raise FileNotFoundError(
                f"paraphrase set {path} does not exist; pass a JSON-lines file like "
                "datasets/claims_paraphrases.jsonl with --claims-paraphrases"
            )
        logger.warning("no paraphrase set at %s; the report will not measure claim matching", path)
        return {"measured": False, "note": f"not measured: no paraphrase set at {path}"}
    embedder = None
    if use_embedder:
        try:
            embedder = default_embedder()
        except Exception as e:
            raise ValueError(
                f"--claims-embedder: the e5 encoder could not be loaded ({e}); run without it "
                "(--no-claims-embedder) for BM25-only claim matching"
            ) from e
    return claim_matching_evidence(path, embedder, normalizer)


def _run_report(
    model: Path | None,
    baseline: Path | None,
    no_baseline: bool,
    data: list[str],
    column: list[str],
    encoding: str,
    out: Path,
    bootstrap: int,
    seed: int,
    errors: int,
    functional: bool,
    claims_embedder: bool = False,
    claims_paraphrases: Path | None = None,
    suite: bool = True,
) -> None:
    from rich.console import Console
    from rich.table import Table

    from eval.data import load_eval_data, split_seed_of
    from eval.report import build_report, write_report
    from model.paths import default_model_dir

    model_dir = model or default_model_dir()
    main = _load(model_dir)
    models: list[tuple[str, Any]] = [("model", main)]
    if not no_baseline:
        bdir = baseline or default_baseline(model_dir)
        if baseline is not None and not baseline.is_dir():
            raise FileNotFoundError(
                f"baseline directory {baseline} does not exist; pass a model directory "
                "written by `saring train` as its baseline (--baseline-out, default <out>/../baseline), or "
                "--no-baseline"
            )
        if bdir is not None:
            models.append(("baseline", _load(bdir)))
        elif main.kind != "baseline":
            logger.warning(
                "no baseline directory at %s; evaluating the model alone (pass --baseline DIR)",
                model_dir.parent / "baseline",
            )
    ed = load_eval_data(data, main.normalizer, column, encoding, split_seed_of(main))
    claims = _claims_evidence(claims_paraphrases, claims_embedder, main.normalizer)
    suites = None
    if suite:
        from eval.ood import load_suites

        suites = load_suites()
        if not suites:
            logger.warning("no out-of-distribution suite card in the catalogue; no suite is run")
    report = build_report(
        models,
        ed,
        bootstrap=bootstrap,
        seed=seed,
        errors_k=errors,
        functional=functional,
        claims=claims,
        suites=suites,
    )
    paths = write_report(report, out)

    console = Console()
    table = Table(title=f"{ed.description}: {len(ed.examples)} texts")
    for col in ("risk", "model", "n", "F1", "95% CI", "PR-AUC", "ECE"):
        table.add_column(col, justify="left" if col in ("risk", "model") else "right")
    for r in RISKS:
        for e in report["models"]:
            x = e["evaluation"]["risks"][r]
            if not x["n"]:
                continue
            ci = x.get("ci", {}).get("f1")
            table.add_row(
                r,
                e["role"],
                str(x["n"]),
                f"{x['f1']:.3f}",
                f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "",
                f"{x['pr_auc']:.3f}",
                f"{x['ece']:.3f}",
            )
    console.print(table)
    for e in report["models"]:
        line = f"{e['role']}: macro F1 {e['evaluation']['macro_f1']:.3f}"
        fu = e.get("functional", {})
        if "n" in fu:
            line += f"; functional tests {fu['passed']}/{fu['n']} passed"
        console.print(line)
        for name, rs in e.get("ood_suites", {}).items():
            console.print(f"  {name}: {suite_summary(rs)}")
    for line in hoax_summary(report):
        console.print(line)
    console.print(f"report: {paths['html']}")


def suite_summary(rs: dict[str, Any]) -> str:
    """One line on a suite's result: cases right, mean per-function accuracy, and each judged risk's measures."""
    from eval.ood import MEAN_FUNCTION

    parts = [f"{rs['right']}/{rs['n']} cases right, mean per-function accuracy {rs[MEAN_FUNCTION]:.3f}"]
    for r, x in rs["risks"].items():
        if x["n"]:
            parts.append(
                f"{r} ROC-AUC {x['roc_auc']:.3f}, recall {x['recall_at_flag']:.1%}, "
                f"{x['negatives_flagged']:.1%} of its negatives flagged"
            )
    return "; ".join(parts)


def hoax_summary(report: dict[str, Any]) -> list[str]:
    """One console line per hoax measure (the report's 'Hoax evidence' section has the details)."""
    ev = report.get("hoax_evidence") or {}
    lines = []
    for key, title in (("pratiwi", "hoax, news articles (Pratiwi)"), ("posts", "hoax, held-out post genres")):
        for role, x in ev.get(key, {}).get("models", {}).items():
            x = x.get("overall", x)
            ci = x.get("ci", {}).get("f1")
            lines.append(
                f"{title}, {role}: n={x['n']} F1 {x['f1']:.3f}"
                + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci and ci[0] == ci[0] else "")
                + f", ROC-AUC {x['roc_auc']:.3f}"
            )
    cm = ev.get("claim_matching", {})
    if cm.get("measured"):
        t = cm["settings"]["served"]["test"]
        lines.append(
            f"claim matching ({cm['method']}, served threshold): precision {t['precision']:.3f}, "
            f"recall {t['recall']:.3f} on {t['positives']} reworded claims"
        )
    return lines


def _run_compare(
    old_dir: Path,
    new_dir: Path,
    data: list[str],
    column: list[str],
    encoding: str,
    out: Path,
    bootstrap: int,
    seed: int,
    suite: bool = True,
    old_runs: list[Path] | None = None,
    new_runs: list[Path] | None = None,
) -> int:
    from rich.console import Console
    from rich.table import Table

    from eval.compare import compare_models, comparison_html, comparison_markdown
    from eval.data import load_eval_data, split_seed_of
    from eval.ood import load_suites
    from model.modeldir import write_json_atomic as write_json
    from model.modeldir import write_text_atomic

    old, new = _load(old_dir), _load(new_dir)
    more_old, more_new = [_load(d) for d in old_runs or []], [_load(d) for d in new_runs or []]
    ed = load_eval_data(data, new.normalizer, column, encoding, split_seed_of(new))
    suites = load_suites() if suite else []
    if suite and not suites:
        logger.warning("no out-of-distribution suite card in the catalogue; the models are compared on the data only")
    result = compare_models(
        old,
        new,
        ed.examples,
        replicates=bootstrap,
        seed=seed,
        suites=suites,
        old_runs=more_old,
        new_runs=more_new,
    )
    result["data"] = ed.summary()
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "comparison.json", result)
    md = comparison_markdown(result)
    write_text_atomic(out / "comparison.md", md)
    write_text_atomic(out / "comparison.html", comparison_html(result))
    p = result["primary"]
    console = Console()
    k_old, k_new = len(result["runs"]["old"]), len(result["runs"]["new"])
    title = f"NEW - OLD on {ed.description} ({len(ed.examples)} texts)"
    if k_old + k_new > 2:
        title += f"; OLD the mean of {k_old} training(s), NEW of {k_new}, intervals include the spread between them"
    table = Table(title=title)
    for col in ("risk", "metric", "OLD", "NEW", "NEW - OLD", "95% interval", "verdict"):
        table.add_column(col, justify="left" if col in ("risk", "metric", "verdict") else "right")
    for r, e in result["risks"].items():
        for k in ("f1", "pr_auc", "ece"):
            m = e["metrics"][k]
            table.add_row(
                r,
                k,
                f"{m['old']:.3f}",
                f"{m['new']:.3f}",
                f"{m['diff']:+.3f}",
                f"[{m['ci'][0]:+.3f}, {m['ci'][1]:+.3f}]",
                m["verdict"],
            )
    table.add_row(
        "all",
        "macro_f1",
        f"{p['old']:.3f}",
        f"{p['new']:.3f}",
        f"{p['diff']:+.3f}",
        f"[{p['ci'][0]:+.3f}, {p['ci'][1]:+.3f}]",
        p["verdict"],
    )
    for x in result["suites"]:
        table.add_row(
            x["name"],
            "mean over functions",
            f"{x['old']:.3f}",
            f"{x['new']:.3f}",
            f"{x['diff']:+.3f}",
            f"[{x['ci'][0]:+.3f}, {x['ci'][1]:+.3f}]",
            x["verdict"],
        )
    console.print(table)
    for w in result["warnings"]:
        console.print(f"[yellow]warning:[/] {w}")
    console.print(f"comparison: {out / 'comparison.md'} and {out / 'comparison.html'}")
    if result["exit_code"]:
        typer.secho(
            f"NEW is significantly worse than OLD on {', '.join(result['gate']['worse_on'])}: failing the gate "
            "(exit code 1)",
            fg=typer.colors.RED,
            err=True,
        )
    return int(result["exit_code"])
