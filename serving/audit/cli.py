"""`saring audit INPUT... --model DIR --out OUT_DIR`: score past posts in bulk, resumably."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from model.examples import DataError
from model.labels import DECISIONS, RISKS
from model.modeldir import ModelDirError
from serving.audit.inputs import ROLES, parse_column_specs
from serving.audit.run import DEFAULT_CHUNK_ROWS, AuditConfig, AuditError, AuditEvent, AuditSummary, run_audit

logger = logging.getLogger(__name__)

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Score past posts in bulk (CSV, JSON lines, Parquet), resumably, with a report.",
)

EPILOG = (
    "Examples:\n\n"
    "  saring audit posts/*.csv --model models/default --out audit-2024 --column text=isi --column id=post_id\n\n"
    "  saring audit data/ --out audit --workers 2            (a local Dask cluster of 2 processes)\n\n"
    "  saring audit s3-mirror/*.parquet --out audit --scheduler tcp://10.0.0.5:8786\n\n"
    "Run the same command again after an interruption: saved chunks are skipped. After fixing an input the "
    "audit could not read, run it again too (add --replaced FILE when the error says so)."
)


class _Progress:
    """A rich progress bar in rows, with rows/s and ETA."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            Task,
            TaskID,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class RowsPerSecond(ProgressColumn):
            def render(self, task: Task) -> Text:
                speed = task.finished_speed or task.speed
                return Text("– rows/s" if speed is None else f"{speed:,.0f} rows/s", style="progress.data.speed")

        self.progress = Progress(
            TextColumn("[bold]scoring"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("rows"),
            RowsPerSecond(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TimeElapsedColumn(),
            transient=False,
        )
        self.task: TaskID | None = None
        self.running = False

    def __call__(self, e: AuditEvent) -> None:
        if e.kind == "start":
            self.progress.start()
            self.running = True
            self.task = self.progress.add_task("scoring", total=max(e.rows_total, 1))
            if e.rows_before:
                self.progress.console.print(f"resuming: {e.rows_before:,} rows were saved by an earlier run")
        elif self.task is not None and e.kind == "chunk":
            self.progress.update(self.task, completed=e.rows_done, total=max(e.rows_total, e.rows_done, 1))
        elif self.task is not None and e.kind == "end":
            self.progress.update(self.task, completed=e.rows_done, total=max(e.rows_done, 1))
            self.stop()

    def stop(self) -> None:
        if self.running:
            self.progress.stop()
            self.running = False


def print_summary(s: AuditSummary) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"audit of {s.files} file(s) with {s.model_name} {s.model_version}", show_header=False)
    t.add_column("what")
    t.add_column("value", justify="right")
    t.add_row("rows read", f"{s.rows_read:,}")
    t.add_row("scored", f"{s.scored:,}")
    codes = ", ".join(f"{k} {v:,}" for k, v in sorted(s.rejects_by_code.items()))
    t.add_row("rejected", f"{s.rejected:,}" + (f" ({codes})" if s.rejected else ""))
    if s.bad_values_by_code:
        bad = ", ".join(f"{k} {v:,}" for k, v in sorted(s.bad_values_by_code.items()))
        t.add_row(
            "bad engagement values",
            f"{sum(s.bad_values_by_code.values()):,} ({bad}; rows scored, counts left empty; see the report)",
        )
    for r in RISKS:
        n = s.flagged.get(r, 0)
        t.add_row(f"flagged {r}", f"{n:,} ({100 * n / s.scored:.1f}%)" if s.scored else "0")
    for d in DECISIONS:
        n = s.decisions.get(d, 0)
        t.add_row(f"decision {d}", f"{n:,} ({100 * n / s.scored:.1f}%)" if s.scored else "0")
    if s.term_matches:
        shown = list(s.term_matches.items())[:5]
        more = f"; {len(s.term_matches) - 5} more in summary.json" if len(s.term_matches) > 5 else ""
        t.add_row("listed terms (rows)", ", ".join(f"{k} {v:,}" for k, v in shown) + more)
    if s.rows_before:
        t.add_row("saved by earlier runs", f"{s.rows_before:,}")
    t.add_row("rows this run", f"{s.rows_this_run:,}")
    if s.precision:
        # the int8 file's sha256 prefix: two saring versions may quantise one model differently (docs/audit.md)
        t.add_row("precision", f"{s.precision}, file {s.int8_copy[:12]}" if s.int8_copy else s.precision)
    if s.rows_by_runtime:
        t.add_row("run by", "; ".join(f"{k} ({v:,} rows)" for k, v in sorted(s.rows_by_runtime.items())))
    t.add_row("time", f"{s.seconds:,.1f} s in all, {s.scoring_seconds:,.1f} s scoring ({s.mode})")
    t.add_row("rows/s (scoring)", f"{s.rows_per_second:,.0f}")
    console = Console()
    console.print(t)
    for k, v in s.outputs.items():
        console.print(f"  {k}: {v}")


@app.callback(
    invoke_without_command=True,
    epilog=EPILOG,
    subcommand_metavar="",
    context_settings={"allow_interspersed_args": True},
)
def audit(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT", show_default=False, help="CSV/TSV, JSON lines or Parquet files, globs or folders"
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="output folder (results/, rejects/, report.*)")],
    model: Annotated[
        Path | None,
        typer.Option("--model", "-m", help="model directory (default: $SARING_MODEL_DIR, else models/default)"),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            "-c",
            help=f"role=column, for roles {', '.join(ROLES)}; a role not given uses the column of "
            "its own name when every file has one",
        ),
    ] = None,
    keep_column: Annotated[
        list[str] | None, typer.Option("--keep-column", "-k", help="an input column to carry to the output")
    ] = None,
    encoding: Annotated[str, typer.Option(help="text encoding of CSV / JSON lines files")] = "utf-8",
    chunk_rows: Annotated[
        int, typer.Option(help="rows per chunk: the unit of work and of checkpoints")
    ] = DEFAULT_CHUNK_ROWS,
    csv: Annotated[bool, typer.Option("--csv", help="also write results.csv")] = False,
    drop_text: Annotated[bool, typer.Option("--drop-text", help="leave texts out of the results")] = False,
    restart: Annotated[bool, typer.Option("--restart", help="discard saved results in --out and start over")] = False,
    replaced: Annotated[
        list[str] | None,
        typer.Option(
            "--replaced",
            metavar="FILE",
            help="an input fixed or exported again since some of its rows were saved: discard only its saved rows "
            "and score it again from its start; the rows saved from the other inputs are kept (repeatable; no "
            "effect on a file unchanged since its rows were saved)",
        ),
    ] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. tcp://HOST:8786")] = None,
    workers: Annotated[
        int, typer.Option(help="start a local Dask cluster of N single-thread processes (0: score in this process)")
    ] = 0,
    precision: Annotated[
        str | None,
        typer.Option(
            help="transformer inference: int8 (ONNX Runtime, verified against fp32; the API's default), bf16 (on "
            "CPUs with bf16 matrix units: fp32's decisions; through OpenVINO the fastest on CPUs with AMX tiles, "
            "most of all with --workers, and slower than int8 with AVX-512 BF16 alone) or fp32. Default: "
            "$SARING_PRECISION; on a resume, the saved results' precision; else bf16 where the CPU has AMX-BF16 "
            "tiles and OpenVINO is installed (not with --scheduler), int8 elsewhere. Dask workers load the model in "
            "it too"
        ),
    ] = None,
    term_list: Annotated[
        Path | None,
        typer.Option(
            "--term-list",
            help="a term-list file (columns term, risk, decision, list, note; as SARING_TERM_LISTS for the API): "
            "rows holding a listed term get at least its decision, TERM_LIST_MATCH in warnings and the terms in "
            "the column term_matches",
        ),
    ] = None,
    report: Annotated[bool, typer.Option("--report/--no-report", help="write report.json/.md/.html")] = True,
    top: Annotated[int, typer.Option(help="highest-scoring posts per risk in the report")] = 20,
) -> None:
    """Score past posts in bulk and write Parquet results, rejects and a report.

    Every input row ends up exactly once in results/ or rejects/, even if the run is killed and started again
    with the same command.
    """
    from model.paths import default_model_dir

    progress = _Progress()
    try:
        config = AuditConfig(
            inputs=list(inputs),
            model_dir=model or default_model_dir(),
            out_dir=out,
            columns=parse_column_specs(column or []),
            keep=list(keep_column or []),
            encoding=encoding,
            chunk_rows=chunk_rows,
            write_csv=csv,
            drop_text=drop_text,
            restart=restart,
            replaced=list(replaced or []),
            scheduler=scheduler,
            workers=workers,
            precision=precision,
            report=report,
            top=top,
            term_lists=term_list,
        )
        summary = run_audit(config, on_event=progress)
    except (DataError, AuditError, ModelDirError) as e:
        progress.stop()
        typer.secho(f"error: {e}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from e
    except KeyboardInterrupt:
        progress.stop()
        typer.secho(
            "interrupted: the chunks saved so far are kept; run the same command again to resume",
            fg=typer.colors.YELLOW,
            err=True,
        )
        raise typer.Exit(130) from None
    progress.stop()
    print_summary(summary)
