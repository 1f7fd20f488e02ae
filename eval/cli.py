"""`saring eval`: evaluation reports, and the comparison that gates a deployment.

    saring eval --model DIR [--baseline DIR] [--data catalogue|FILE ...] [--column field=col ...] --out REPORT_DIR
                [--claims-embedder] [--claims-paraphrases FILE]
    saring eval --compare OLD_DIR NEW_DIR [--old-run DIR ...] [--new-run DIR ...] [--data ...] --out DIR

Exit codes: 0 done; 1 (--compare) NEW is significantly worse than OLD on the primary metric or on an
out-of-distribution suite; 2 bad input.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from model.labels import RISKS
from model.modeldir import MODEL_JSON

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


def _load(path: Path, option: str = "--model") -> Any:
    from eval.modelcheck import load_model

    return load_model(path, option)


ERRORS_DEFAULT = 20
# Fewer replicates than this make a "95% interval" out of one or two resamples (with one, an interval that need
# not even hold the estimate); 0 turns intervals off, which a comparison cannot do without, since its verdicts
# and the gate are the intervals. Checked here, not in eval.compare, whose callers may want point figures alone.
MIN_REPLICATES = 20


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def check_out(out: Path, model_dirs: list[Path]) -> None:
    """Refuse an --out the report cannot be written to, before any model is loaded: a file, a path through a
    file, a folder that cannot be written, or a model directory (the report, whose error lists quote the
    evaluated texts, would be deployed with the model)."""
    if out.exists() and not out.is_dir():
        raise ValueError(
            f"--out {out}: expected a directory for the report, found a file. Fix: pass a new or existing "
            "folder, e.g. --out reports/NAME"
        )
    for d in model_dirs:
        if _same_dir(out, d) or any(_same_dir(p, d) for p in out.resolve().parents):
            raise ValueError(
                f"--out {out}: expected a folder outside the model directories, found one inside {d}; the report "
                "(its error lists quote evaluated texts) would travel with the model. Fix: pass another folder, "
                "e.g. --out reports/NAME"
            )
    if (out / MODEL_JSON).exists():
        raise ValueError(
            f"--out {out}: expected a folder for the report, found a model directory (it holds {MODEL_JSON}). "
            "Fix: pass another folder, e.g. --out reports/NAME"
        )
    existing = out.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ValueError(
            f"--out {out}: expected a directory path, found the file {existing} on the way. Fix: pass a folder "
            "that is not under a file"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(
            f"--out {out}: the folder {existing} cannot be written by this user. Fix: pass a folder you can write "
            "to, or change its permissions"
        )


def _write_failed(out: Path, e: OSError) -> ValueError:
    return ValueError(
        f"--out {out}: the report could not be written ({e.strerror or e}); no file of it was replaced. "
        "Fix: free space or fix the folder's permissions, or pass another --out, and run again"
    )


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
            help="'catalogue' (its test split, the default) or a labelled CSV/TSV/JSONL/Parquet/XLSX file; "
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
    sheet: Annotated[
        str | None,
        typer.Option(help="The sheet of your Excel workbooks that holds the rows, by name (default: the first)."),
    ] = None,
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
    bootstrap: Annotated[
        int,
        typer.Option(
            help="Bootstrap replicates for the 95% intervals: 20 or more, or 0 for none (not with --compare, whose "
            "verdicts are the intervals).",
            min=0,
        ),
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.", min=0)] = 0,
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
    from model.examples import DataError, check_sheet
    from model.modeldir import ModelDirError

    try:
        if precision is not None:
            from model.network import resolve_precision

            if not precision.strip():
                raise _fail(
                    "--precision found empty; expected int8, bf16 or fp32. Fix: name one, or leave the option out "
                    "for the default ($SARING_PRECISION, else int8)"
                )

            os.environ["SARING_PRECISION"] = resolve_precision(precision)  # every model loaded below
        if compare is None and (old_run or new_run):
            raise _fail(
                "--old-run / --new-run name more trainings of the models compared; expected --compare OLD_DIR NEW_DIR "
                "with them. Fix: add --compare, or drop the runs."
            )
        files = [d for d in data or [] if d != "catalogue"]
        if not files and (column or encoding != "utf-8" or sheet is not None):
            given = ", ".join(
                n
                for n, g in (("--column", column), ("--encoding", encoding != "utf-8"), ("--sheet", sheet is not None))
                if g
            )
            raise _fail(
                f"{given} found with no labelled file; --column, --encoding and --sheet describe the files given "
                "with --data FILE, and the catalogue's test split has its own columns. Fix: add --data FILE, or drop "
                "them"
            )
        try:
            check_sheet(files, sheet)
        except DataError as e:
            raise _fail(str(e)) from e
        if 0 < bootstrap < MIN_REPLICATES:
            raise _fail(
                f"--bootstrap {bootstrap}: a 95% interval needs at least {MIN_REPLICATES} replicates (1000 by "
                f"default); found {bootstrap}. Fix: pass --bootstrap {MIN_REPLICATES} or more, or 0 for no intervals"
            )
        if compare is not None and bootstrap == 0:
            raise _fail(
                "--bootstrap 0 found with --compare; a comparison's verdicts and its gate are bootstrap intervals, "
                f"and without them every difference would read 'no significant difference' and the gate would pass. "
                f"Fix: pass --bootstrap {MIN_REPLICATES} or more (1000 by default)"
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
            check_out(out, [compare[0], compare[1], *(old_run or []), *(new_run or [])])
            code = _run_compare(
                compare[0],
                compare[1],
                data=data or [],
                column=column or [],
                encoding=encoding,
                sheet=sheet,
                out=out,
                bootstrap=bootstrap,
                seed=seed,
                suite=suite,
                old_runs=old_run or [],
                new_runs=new_run or [],
            )
            raise typer.Exit(code)
        if baseline is not None and no_baseline:
            raise _fail(
                "--baseline and --no-baseline found together; expected one of them. Fix: drop --no-baseline to "
                "evaluate the baseline alongside, or drop --baseline to evaluate the model alone"
            )
        from model.paths import default_model_dir

        model_dir = model or default_model_dir()
        if baseline is not None and _same_dir(baseline, model_dir):
            raise _fail(
                f"--baseline {baseline} is the model evaluated (--model {model_dir}); expected another model to "
                "compare it with. Fix: pass the baseline directory `saring train` wrote, or --no-baseline"
            )
        check_out(out, [p for p in (model_dir, baseline or default_baseline(model_dir)) if p is not None])
        _run_report(
            model_dir,
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
            sheet,
        )
    except (DataError, ModelDirError, ValueError, FileNotFoundError) as e:
        raise _fail(str(e)) from e
    except OSError as e:  # a file that could not be read (permissions, a folder where a file was expected)
        where = f" ({e.filename})" if getattr(e, "filename", None) else ""
        raise _fail(
            f"could not read or write a file{where}: {e.strerror or e}. Fix: check the path and its permissions"
        ) from e


def _claims_evidence(paraphrases: Path | None, use_embedder: bool, normalizer: Any) -> dict[str, Any]:
    """Claim-matching evidence for the report; a missing default paraphrase set is noted, not fatal."""
    from eval.hoax import claim_matching_evidence
    from model.claims import default_embedder, default_paraphrase_path

    path = paraphrases or default_paraphrase_path()
    if paraphrases is not None and path.is_dir():
        raise FileNotFoundError(
            f"--claims-paraphrases {path}: expected a JSON-lines file, found a folder. Fix: pass a file like "
            "datasets/claims_paraphrases.jsonl"
        )
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
    sheet: str | None = None,
) -> None:
    from rich.console import Console
    from rich.table import Table

    from eval.data import assemble_eval_data, read_eval_files, split_seed_of
    from eval.report import build_report, write_report
    from model.modelcheck import check_model_path
    from model.paths import default_model_dir

    model_dir = model or default_model_dir()
    if baseline is not None and not no_baseline:
        check_model_path(baseline, "--baseline")  # before the model loads: a typo should not cost a load
        if not baseline.is_dir():
            raise FileNotFoundError(
                f"baseline directory {baseline} does not exist; pass a model directory "
                "written by `saring train` as its baseline (--baseline-out, default <out>/../baseline), or "
                "--no-baseline"
            )
    files = read_eval_files(data, column, encoding, sheet)  # before the model loads: a misspelt column costs no load
    main = _load(model_dir)
    models: list[tuple[str, Any]] = [("model", main)]
    if not no_baseline:
        bdir = baseline or default_baseline(model_dir)
        if bdir is not None:
            models.append(("baseline", _load(bdir, "--baseline")))
        elif main.kind != "baseline":
            logger.warning(
                "no baseline directory at %s; evaluating the model alone (pass --baseline DIR)",
                model_dir.parent / "baseline",
            )
    ed = assemble_eval_data(files, data, main.normalizer, split_seed_of(main))
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
    try:
        paths = write_report(report, out)
    except OSError as err:
        raise _write_failed(out, err) from err

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
    sheet: str | None = None,
    old_runs: list[Path] | None = None,
    new_runs: list[Path] | None = None,
) -> int:
    from rich.console import Console
    from rich.table import Table

    from eval.compare import compare_models, comparison_html, comparison_markdown
    from eval.data import assemble_eval_data, read_eval_files, split_seed_of
    from eval.ood import load_suites
    from eval.report import json_text, write_files
    from model.modelcheck import check_model_path

    for d, option in (
        [(old_dir, "--compare OLD_DIR"), (new_dir, "--compare NEW_DIR")]
        + [(d, "--old-run") for d in old_runs or []]
        + [(d, "--new-run") for d in new_runs or []]
    ):
        check_model_path(d, option)  # every path before the first load
    files = read_eval_files(data, column, encoding, sheet)  # and the analysts' files
    old, new = _load(old_dir, "--compare OLD_DIR"), _load(new_dir, "--compare NEW_DIR")
    more_old = [_load(d, "--old-run") for d in old_runs or []]
    more_new = [_load(d, "--new-run") for d in new_runs or []]
    ed = assemble_eval_data(files, data, new.normalizer, split_seed_of(new))
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
    # rendered before anything is written, and written together: a failure leaves the previous comparison whole
    texts = {
        "comparison.json": json_text(result),
        "comparison.md": comparison_markdown(result),
        "comparison.html": comparison_html(result),
    }
    try:
        write_files(out, texts)
    except OSError as err:
        raise _write_failed(out, err) from err
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
