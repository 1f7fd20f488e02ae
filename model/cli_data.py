"""`saring data`: load the catalogue (and/or analysts' files), merge duplicates, split, and report.

Prints a table of examples per source, label and split (positive / negative / missing), then the bad rows
and the duplicates found; `--json` prints the manifest instead. `saring data export --out DIR` writes the same
prepared splits for Hugging Face `datasets` and Parquet readers (model.export).
"""

from __future__ import annotations

import json
import logging
import math
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from model.cards import Card, load_cards
from model.catalogue import load_catalogue, load_slang
from model.examples import BadRow, ColumnMap, DataError, Example, check_sheet, read_labelled_file
from model.export import check_destination, export_prepared
from model.logs import setup_logging
from model.normalize import Normalizer
from model.readers import check_encoding
from model.splits import SPLIT_SEED, PreparedData, manifest_table, prepare

logger = logging.getLogger(__name__)

app = typer.Typer(
    name="data",
    help="Load the dataset catalogue and/or labelled files, merge duplicates, split, and print the counts.",
    add_completion=False,
    pretty_exceptions_enable=False,
)

CATALOGUE = "catalogue"
DEFAULT_ENCODING = "utf-8"
SHOW_BAD = 20  # bad rows `saring data` lists unless told otherwise

DataOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--data",
        "-d",
        help="'catalogue' (every dataset card; the default), 'catalogue:NAME[,NAME]', or a labelled "
        "CSV/TSV/JSONL/Parquet/XLSX file; repeat to combine.",
    ),
]
ColumnOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--column",
        "-c",
        help="column mapping for --data files, field=column, e.g. text=isi or slander=fitnah; repeatable.",
    ),
]
ENCODING_HELP = "encoding of --data files, e.g. cp1252."
SHEET_HELP = "the sheet of the --data Excel workbooks that holds the rows, by name (default: the first)."
SEED_HELP = "seed of the split assignment."


@dataclass(frozen=True)
class _Inputs:
    """What to load and how to split it: the options of `saring data`, shared with its subcommands."""

    data: list[str]
    columns: list[str]
    encoding: str = DEFAULT_ENCODING
    seed: int = SPLIT_SEED
    sheet: str | None = None


def _load(
    data: list[str],
    columns: list[str],
    encoding: str,
    cards_read: dict[str, Card] | None = None,
    sheet: str | None = None,
) -> tuple[list[Example], list[BadRow]]:
    """Read every --data spec; the cards read for 'catalogue' specs are added to `cards_read` when given."""
    examples: list[Example] = []
    bad: list[BadRow] = []
    column_map = ColumnMap.parse(columns) if columns else None
    check_encoding(encoding)  # a typo fails before the catalogue is read
    check_sheet([d for d in data if d != CATALOGUE and not d.startswith(CATALOGUE + ":")], sheet)
    cards = None
    for spec in data:
        if spec == CATALOGUE or spec.startswith(CATALOGUE + ":"):
            cards = cards if cards is not None else load_cards()
            if cards_read is not None:
                cards_read.update(cards)
            names = spec.split(":", 1)[1].split(",") if ":" in spec else None
            res = load_catalogue(names, cards)
        else:
            path = Path(spec)
            res = read_labelled_file(path, column_map, encoding=encoding, sheet=sheet)  # each names its file, sha256
        examples += res.examples
        bad += res.bad_rows
    return examples, bad


def _summary_table(manifest: dict[str, Any]) -> Table:
    dup = manifest["duplicates"]
    con = manifest["conflicts"]
    table = Table(title="duplicates and conflicts (normalised text)")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("input examples", f"{dup['input_examples']:,}")
    table.add_row("unique normalised texts", f"{dup['unique_texts']:,}")
    for src, n in dup["within_source"].items():
        table.add_row(f"duplicates merged within {src}", f"{n:,}")
    for pair, n in dup["across_sources_pairs"].items():
        table.add_row(f"texts shared across sources ({pair})", f"{n:,}")
    for src, n in dup["removed_train_overlapping_test"].items():
        table.add_row(f"{src} train rows removed (text in its test split)", f"{n:,}")
    table.add_row("texts with conflicting labels, within a source", f"{con['texts_with_conflict']['within_source']:,}")
    table.add_row("texts with conflicting labels, across sources", f"{con['texts_with_conflict']['across_sources']:,}")
    for label, n in con["by_label"].items():
        table.add_row(f"  conflicts on {label} (ties: {con['ties_by_label'].get(label, 0)})", f"{n:,}")
    return table


def _fail(e: Exception | str) -> typer.Exit:
    Console(stderr=True).print(f"[bold red]error:[/bold red] {e}", markup=True, highlight=False)
    return typer.Exit(2)


def _prepare(inputs: _Inputs, cards_read: dict[str, Card] | None = None) -> tuple[PreparedData, list[BadRow]]:
    """Load, merge duplicates and split: the one path behind `saring data` and `saring data export`."""
    try:
        examples, bad = _load(inputs.data or [CATALOGUE], inputs.columns, inputs.encoding, cards_read, inputs.sheet)
    except (DataError, ValueError) as e:
        raise _fail(e) from e
    if not examples:
        found = f"{len(bad)} bad row(s), e.g. {bad[0]}" if bad else "nothing"
        raise _fail(f"expected labelled examples, found {found}. Fix: check --data (and --column), or correct the rows")
    try:
        normalizer = load_slang()
    except DataError as e:
        logger.warning(
            "slang dictionary unavailable, normalising without it (duplicates that differ only "
            "in slang will not be merged): %s",
            e,
        )
        normalizer = Normalizer()
    return prepare(examples, normalizer, seed=inputs.seed), bad


@app.callback(invoke_without_command=True)
def data(
    ctx: typer.Context,
    data: DataOpt = None,
    column: ColumnOpt = None,
    encoding: Annotated[str, typer.Option("--encoding", help=ENCODING_HELP)] = DEFAULT_ENCODING,
    sheet: Annotated[str | None, typer.Option("--sheet", help=SHEET_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the manifest and bad rows as JSON.")] = False,
    seed: Annotated[int, typer.Option("--seed", help=SEED_HELP)] = SPLIT_SEED,
    show_bad: Annotated[int, typer.Option("--show-bad", help="how many bad rows to list.")] = SHOW_BAD,
) -> None:
    """Examples per source, label and split; then the bad rows and the duplicates found."""
    setup_logging(stderr=True)  # when run on its own (not under `saring`): warnings and info on stderr
    inputs = _Inputs(data or [], column or [], encoding, seed, sheet)
    if ctx.invoked_subcommand is not None:
        report_only = [name for name, given in (("--json", as_json), ("--show-bad", show_bad != SHOW_BAD)) if given]
        if report_only:
            raise _fail(
                f"{' and '.join(report_only)} shape the report of `saring data`; expected neither before "
                f"'{ctx.invoked_subcommand}', found {' and '.join(report_only)}. Fix: drop {' and '.join(report_only)}"
            )
        ctx.obj = inputs  # the subcommand loads and splits with these (and its own) options
        return
    prepared, bad = _prepare(inputs)
    manifest = prepared.manifest
    if as_json:
        payload = dict(manifest)
        payload["bad_rows"] = [{"file": b.file, "row": b.row, "column": b.column, "reason": b.reason} for b in bad]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return

    console = Console()
    if not console.is_terminal:
        console = Console(width=150)
    console.print(manifest_table(manifest))
    groups = manifest["groups"]
    if any(groups.values()):
        console.print("[bold]groups per split[/bold] (a group never crosses splits)")
        for split, names in groups.items():
            console.print(f"  {split}: {len(names)} group(s): {', '.join(names)}", highlight=False)
    console.print(f"[bold]bad rows:[/bold] {len(bad)}")
    for b in bad[:show_bad]:
        console.print(f"  {b}", highlight=False, markup=False)
    if len(bad) > show_bad:
        console.print(f"  ... and {len(bad) - show_bad} more (--show-bad N to list more)")
    console.print(_summary_table(manifest))
    console.print(f"conflict rule: {manifest['conflicts']['rule']}", highlight=False)
    console.print(
        "input files: " + ", ".join(f"{i['source']}:{i['file']} ({i['sha256'][:12]})" for i in manifest["inputs"]),
        highlight=False,
    )


@app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="the folder to write (absent or empty).")],
    data: DataOpt = None,
    column: ColumnOpt = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help=ENCODING_HELP + f" Default: as given before 'export', else {DEFAULT_ENCODING}.",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", help=SEED_HELP + f" Default: as given before 'export', else {SPLIT_SEED}.", show_default=False
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help=SHEET_HELP + " Default: as given before 'export'.", show_default=False),
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option("--overwrite", help="replace an existing non-empty --out (only once the new export is complete)."),
    ] = False,
) -> None:
    """Write the prepared splits for Hugging Face `datasets` (load_from_disk) and Parquet, with a dataset card."""
    parent = ctx.obj if isinstance(ctx.obj, _Inputs) else _Inputs([], [])
    inputs = _Inputs(
        data=[*parent.data, *(data or [])] or [CATALOGUE],
        columns=[*parent.columns, *(column or [])],
        encoding=encoding or parent.encoding,
        seed=parent.seed if seed is None else seed,
        sheet=sheet if sheet is not None else parent.sheet,
    )
    try:
        check_destination(out, overwrite)  # before reading any data
    except DataError as e:
        raise _fail(e) from e
    cards: dict[str, Card] = {}
    prepared, bad = _prepare(inputs, cards)
    command = ["saring", "data", "export"]
    for spec in inputs.data:
        command += ["--data", spec]
    for spec in inputs.columns:
        command += ["--column", spec]
    if inputs.encoding != DEFAULT_ENCODING:
        command += ["--encoding", inputs.encoding]
    if inputs.sheet is not None:
        command += ["--sheet", inputs.sheet]
    command += ["--seed", str(inputs.seed), "--out", str(out)]
    try:
        result = export_prepared(prepared, out, cards=cards, command=shlex.join(command), overwrite=overwrite)
    except DataError as e:
        raise _fail(e) from e
    except OSError as e:
        raise _fail(
            f"{out}: could not write the export ({e}); nothing was left half-written there. Fix: check "
            "the permissions and free space of its parent folder"
        ) from e
    left_out = f"; {len(bad)} bad row(s) left out, `saring data` lists them" if bad else ""
    Console().print(
        f"wrote {out}: " + ", ".join(f"{s} {n:,}" for s, n in result.rows.items()) + f" rows{left_out}", highlight=False
    )


@app.command("style")
def style(ctx: typer.Context) -> None:
    """How far the labels can be told from style alone (length, capitals, '!', emoji, links; no word is a feature):
    a logistic regression per risk fitted on the training split, its ROC-AUC on each split and on each source of
    the test split. Near 0.5: the labels are not in the style; well above it: a model can learn the style instead of
    the concept (model.style)."""
    from model.labels import RISKS
    from model.style import feature_descriptions, fit_style_probe

    inputs = ctx.obj if isinstance(ctx.obj, _Inputs) else _Inputs([], [])
    prepared, _ = _prepare(inputs)
    splits = dict(prepared.items())
    try:
        probe = fit_style_probe(splits["train"])
    except ValueError as e:
        raise _fail(f"{e}. Fix: pass labelled files with --data before 'style'") from e
    if all(c is None for c in probe.coef.values()):
        found = ", ".join(f"{r}: {n} labelled" for r, n in probe.trained_on.items())
        raise _fail(
            f"the style probe needs positive and negative training texts of at least one risk; the training split "
            f"has both classes for none ({found}). Fix: pass more labelled rows, with both 1 and 0 for a risk"
        )
    rows: list[tuple[str, list[Example]]] = [
        ("train (the probe's own data)", splits["train"]),
        ("validation", splits["validation"]),
        ("test", splits["test"]),
    ]
    for source in sorted({e.source for e in splits["test"]}):
        rows.append((f"  test: {source}", [e for e in splits["test"] if e.source == source]))
    table = Table(title="style-only probe: ROC-AUC (labelled texts)")
    table.add_column("set")
    for r in RISKS:
        table.add_column(r, justify="right")
    for name, examples in rows:
        res = probe.roc_auc(examples)
        cells = ["–" if math.isnan(v["roc_auc"]) else f"{v['roc_auc']:.3f} ({v['n']:,})" for v in res.values()]
        table.add_row(name, *cells)
    console = Console()
    if not console.is_terminal:
        console = Console(width=150)
    console.print(table)
    for r in RISKS:
        feats = probe.strongest(r)
        if feats:
            console.print(
                f"{r}: strongest standardised weights " + ", ".join(f"{n} {w:+.2f}" for n, w in feats), highlight=False
            )
    console.print("features: " + ", ".join(feature_descriptions()), highlight=False)
