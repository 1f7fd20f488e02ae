"""`saring data`: load the catalogue (and/or analysts' files), merge duplicates, split, and report.

Prints a table of examples per source, label and split (positive / negative / missing), then the bad rows
and the duplicates found; `--json` prints the manifest instead.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from model.cards import load_cards
from model.catalogue import load_catalogue, load_slang, sha256_of
from model.examples import BadRow, ColumnMap, DataError, Example, read_labelled_file
from model.logs import setup_logging
from model.normalize import Normalizer
from model.splits import manifest_table, prepare

logger = logging.getLogger(__name__)

app = typer.Typer(
    name="data",
    help="Load the dataset catalogue and/or labelled files, merge duplicates, split, and print the counts.",
    add_completion=False,
    pretty_exceptions_enable=False,
)

CATALOGUE = "catalogue"


def _load(data: list[str], columns: list[str], encoding: str) -> tuple[list[Example], list[BadRow]]:
    examples: list[Example] = []
    bad: list[BadRow] = []
    column_map = ColumnMap.parse(columns) if columns else None
    cards = None
    for spec in data:
        if spec == CATALOGUE or spec.startswith(CATALOGUE + ":"):
            cards = cards if cards is not None else load_cards()
            names = spec.split(":", 1)[1].split(",") if ":" in spec else None
            res = load_catalogue(names, cards)
        else:
            path = Path(spec)
            res = read_labelled_file(path, column_map, encoding=encoding)
            digest = sha256_of(path)
            for ex in res.examples:
                ex.meta.setdefault("file", str(path))
                ex.meta.setdefault("sha256", digest)
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
    table.add_row("texts with conflicting labels, within a source",
                  f"{con['texts_with_conflict']['within_source']:,}")
    table.add_row("texts with conflicting labels, across sources",
                  f"{con['texts_with_conflict']['across_sources']:,}")
    for label, n in con["by_label"].items():
        table.add_row(f"  conflicts on {label} (ties: {con['ties_by_label'].get(label, 0)})", f"{n:,}")
    return table


@app.callback(invoke_without_command=True)
def data(
    data: Annotated[list[str] | None, typer.Option(
        "--data", "-d",
        help="'catalogue' (every dataset card; the default), 'catalogue:NAME[,NAME]', or a labelled "
             "CSV/TSV/JSONL/Parquet file; repeat to combine.",
    )] = None,
    column: Annotated[list[str] | None, typer.Option(
        "--column", "-c",
        help="column mapping for --data files, field=column, e.g. text=isi or slander=fitnah; repeatable.",
    )] = None,
    encoding: Annotated[str, typer.Option("--encoding", help="encoding of --data files, e.g. cp1252.")] = "utf-8",
    as_json: Annotated[bool, typer.Option("--json", help="print the manifest and bad rows as JSON.")] = False,
    seed: Annotated[int, typer.Option("--seed", help="seed of the split assignment.")] = 42,
    show_bad: Annotated[int, typer.Option("--show-bad", help="how many bad rows to list.")] = 20,
) -> None:
    """Examples per source, label and split; then the bad rows and the duplicates found."""
    setup_logging(stderr=True)  # when run on its own (not under `saring`): warnings and info on stderr
    try:
        examples, bad = _load(data or [CATALOGUE], column or [], encoding)
    except (DataError, ValueError) as e:
        Console(stderr=True).print(f"[bold red]error:[/bold red] {e}", markup=True, highlight=False)
        raise typer.Exit(2) from e
    if not examples:
        Console(stderr=True).print("[bold red]error:[/bold red] no examples were read; check --data")
        raise typer.Exit(2)
    try:
        normalizer = load_slang()
    except DataError as e:
        logger.warning("slang dictionary unavailable, normalising without it (duplicates that differ only "
                       "in slang will not be merged): %s", e)
        normalizer = Normalizer()
    prepared = prepare(examples, normalizer, seed=seed)
    manifest = prepared.manifest
    if as_json:
        payload = dict(manifest)
        payload["bad_rows"] = [
            {"file": b.file, "row": b.row, "column": b.column, "reason": b.reason} for b in bad
        ]
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
    console.print("input files: " + ", ".join(f"{i['source']}:{i['file']} ({i['sha256'][:12]})"
                                               for i in manifest["inputs"]), highlight=False)
