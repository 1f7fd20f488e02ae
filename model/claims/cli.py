"""`saring claims`: the memory of fact-checked claims (import, search, list, add, remove, calibrate).

Every command works on one SQLite claim store: `--db PATH`, else `$SARING_CLAIMS_DB`, else
`claims.sqlite` in the data directory (`$SARING_DATA_DIR`, else `$XDG_DATA_HOME/saring`, else
`~/.local/share/saring`: `model.paths.data_dir`). Commands that embed (import, add,
search, calibrate) load the e5 encoder (converted and cached on first use); `--lexical` skips it and matches
with BM25 only.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from model.claims import (
    FORMATS,
    VERDICTS,
    ClaimImportError,
    ClaimIndex,
    ImportDefaults,
    calibrate,
    default_embedder,
    default_paraphrase_path,
    read_paraphrases,
)
from model.examples import DataError
from model.normalize import Normalizer

OFFLINE_ENV = "SARING_OFFLINE"  # model.catalogue's switch that forbids downloads

logger = logging.getLogger(__name__)
# Tables are wide; when the output is not a terminal (a file, a pipe), do not wrap them at 80 columns.
console = Console() if sys.stdout.isatty() else Console(width=160)
err = Console(stderr=True)

app = typer.Typer(
    help="The memory of fact-checked claims: import ClaimReview files, search for rewordings, calibrate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Claim store (SQLite); default $SARING_CLAIMS_DB, else claims.sqlite in $SARING_DATA_DIR, "
        "$XDG_DATA_HOME/saring or ~/.local/share/saring (the first set).",
    ),
]
LexicalOpt = Annotated[bool, typer.Option("--lexical", help="Do not load the e5 encoder: BM25 matching only.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _fail(message: str) -> typer.Exit:
    # The message quotes the file's values (e.g. '[HOAKS]', keys '[@context, @graph]'): never read them as markup.
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, markup=True)
    return typer.Exit(1)


def _normalizer() -> Normalizer | None:
    """The catalogue's slang table when a local copy exists (the one models are trained with), else None."""
    previous = os.environ.get(OFFLINE_ENV)
    os.environ[OFFLINE_ENV] = "1"  # a local mirror or cached copy only: never download for this
    try:
        from model.catalogue import load_slang

        return load_slang()
    except Exception as e:
        logger.info("catalogue slang table unavailable (%s); using saring's built-in chat abbreviations", e)
        return None
    finally:
        if previous is None:
            os.environ.pop(OFFLINE_ENV, None)
        else:
            os.environ[OFFLINE_ENV] = previous


def _open(db: Path | None, lexical: bool) -> ClaimIndex:
    embedder = None if lexical else default_embedder()
    try:
        return ClaimIndex.open(db, embedder, normalizer=_normalizer())
    except DataError as e:
        raise _fail(str(e)) from e


def _parse_pairs(specs: list[str] | None, what: str, example: str, last: bool = False) -> dict[str, str]:
    """KEY=VALUE options into a dict; `last` splits at the last '=' (rating texts may contain one)."""
    out: dict[str, str] = {}
    for spec in specs or []:
        if "=" not in spec:
            raise _fail(f"{what} {spec!r} is not of the form KEY=VALUE, e.g. {example}")
        key, value = spec.rsplit("=", 1) if last else spec.split("=", 1)
        out[key.strip()] = value.strip()
    return out


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(help="ClaimReview JSON / JSON-LD, JSON lines, or CSV.", exists=True, dir_okay=False)
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", help=f"One of {', '.join(FORMATS)}; default: from the extension.")
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            help="CSV: field=column, e.g. claim=judul rating=label (fields: id, claim, rating, verdict, "
            "publisher, url, date, language, claimant, appearance).",
        ),
    ] = None,
    partial: Annotated[
        bool,
        typer.Option("--partial", help="Import the good records and report the bad ones (default: all or nothing)."),
    ] = False,
    publisher: Annotated[str | None, typer.Option(help="Publisher for records that name none.")] = None,
    language: Annotated[str, typer.Option(help="Language for records that name none.")] = "id",
    rating: Annotated[
        list[str] | None, typer.Option("--rating", help="Extra rating text -> verdict, e.g. 'AGAK BENAR=misleading'.")
    ] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the file.")] = "utf-8",
    db: DbOpt = None,
    lexical: LexicalOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Import fact-checked claims. A file with a bad record is refused as a whole (every bad record is listed
    with the fix) unless --partial."""
    columns = _parse_pairs(column, "--column", "claim=judul")
    rating_map = _parse_pairs(rating, "--rating", "'AGAK BENAR=misleading'", last=True)
    bad_verdicts = {k: v for k, v in rating_map.items() if v not in VERDICTS}
    if bad_verdicts:
        raise _fail(f"--rating maps to {sorted(set(bad_verdicts.values()))}; a verdict must be one of {list(VERDICTS)}")
    defaults = ImportDefaults(publisher=publisher, language=language, rating_map=rating_map)
    index = _open(db, lexical)
    try:
        report = index.import_file(file, fmt, columns=columns, defaults=defaults, partial=partial, encoding=encoding)
    except ClaimImportError as e:
        if as_json:
            console.print_json(json.dumps({"imported": False, "bad": [b.to_dict() for b in e.bad]}))
        raise _fail(str(e)) from e
    except DataError as e:
        raise _fail(str(e)) from e
    if as_json:
        console.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    console.print(
        f"{escape(str(file))}: {report.total} record(s): {report.added} added, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.duplicates} duplicate(s) in the file"
        + (f", {report.skipped} non-ClaimReview node(s) skipped" if report.skipped else "")
        + (f", {len(report.bad)} bad record(s) not imported (listed below)" if report.bad else "")
        + f". The store ({escape(str(index.path))}) holds {len(index)} claim(s).",
        highlight=False,
    )
    for b in report.bad:
        err.print(f"[yellow]not imported:[/yellow] {escape(str(b))}", highlight=False)


def _table(rows: list[dict[str, Any]], title: str) -> Table:
    t = Table(title=title, show_lines=False)
    for col in ("similarity", "verdict", "rating", "publisher", "date", "claim", "claim_id"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(
            f"{r['similarity']:.3f}" + (" *" if r.get("match") else ""),
            r["verdict"],
            escape(r["rating"]),
            escape(r["publisher"]),
            r.get("date") or "",
            escape(r["claim"]),
            escape(r["claim_id"]),
        )
    return t


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="A post or a claim, in any wording.")],
    top: Annotated[int, typer.Option(min=1, max=100, help="How many claims to show.")] = 5,
    db: DbOpt = None,
    lexical: LexicalOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """The nearest known claims, best first; '*' marks those above the match threshold."""
    index = _open(db, lexical)
    rows = index.search(text, top=top)
    if as_json:
        console.print_json(json.dumps({"threshold": index.params.threshold, "results": rows}, ensure_ascii=False))
        return
    if not rows:
        console.print(f"the claim store {index.path} is empty; import claims first (saring claims import FILE)")
        return
    console.print(_table(rows, f"nearest claims (match threshold {index.params.threshold:.3f})"))


@app.command("list")
def list_(
    limit: Annotated[int, typer.Option(min=1, help="How many claims.")] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    verdict: Annotated[str | None, typer.Option(help=f"Only this verdict ({', '.join(VERDICTS)}).")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The stored claims, newest review first."""
    if verdict is not None and verdict not in VERDICTS:
        raise _fail(f"--verdict {verdict!r}: expected one of {list(VERDICTS)}")
    from model.claims import ClaimStore

    try:
        store = ClaimStore(db)
    except DataError as e:
        raise _fail(str(e)) from e
    claims = store.list_claims(limit, offset, verdict)
    if as_json:
        console.print_json(json.dumps([c.to_dict() for c in claims], ensure_ascii=False))
        return
    t = Table(title=f"{store.count()} claim(s) in {store.path}")
    for col in ("id", "verdict", "rating", "publisher", "date", "claim"):
        t.add_column(col, overflow="fold")
    for c in claims:
        t.add_row(escape(c.id), c.verdict, escape(c.rating), escape(c.publisher), c.date or "", escape(c.claim))
    console.print(t)


@app.command()
def add(
    claim: Annotated[str, typer.Option(help="The claim as it circulated.")],
    publisher: Annotated[str, typer.Option(help="Who fact-checked it.")],
    rating: Annotated[str | None, typer.Option(help="The fact-checker's rating text, e.g. SALAH.")] = None,
    verdict: Annotated[
        str | None, typer.Option(help=f"Normalised verdict ({', '.join(VERDICTS)}); default: from the rating.")
    ] = None,
    url: Annotated[str | None, typer.Option(help="The review's address.")] = None,
    date: Annotated[str | None, typer.Option(help="Review date, YYYY-MM-DD.")] = None,
    language: Annotated[str, typer.Option()] = "id",
    claim_id: Annotated[
        str | None, typer.Option("--id", help="Stable id; default: derived from URL and claim.")
    ] = None,
    db: DbOpt = None,
    lexical: LexicalOpt = False,
) -> None:
    """Add (or update) one claim."""
    record = {
        "claim": claim,
        "rating": rating,
        "verdict": verdict,
        "publisher": publisher,
        "url": url,
        "date": date,
        "language": language,
        "id": claim_id,
    }
    index = _open(db, lexical)
    try:
        report = index.import_records(record, source="cli")
    except ClaimImportError as e:
        raise _fail("; ".join(str(b) for b in e.bad)) from e
    console.print(
        f"claim {report.ids[0]}: {'added' if report.added else 'updated' if report.updated else 'unchanged'}"
        f"; the store holds {len(index)} claim(s)",
        highlight=False,
    )


@app.command()
def remove(
    ids: Annotated[list[str], typer.Argument(help="Claim ids to delete.")],
    db: DbOpt = None,
) -> None:
    """Delete claims by id."""
    from model.claims import ClaimStore

    n = ClaimStore(db).delete(ids)
    console.print(f"{n} claim(s) deleted")


@app.command("calibrate")
def calibrate_(
    pairs: Annotated[
        Path | None, typer.Option(help="Paraphrase set (JSON lines); default datasets/claims_paraphrases.jsonl.")
    ] = None,
    min_precision: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Precision the threshold must reach on the calibration groups.")
    ] = 0.9,
    save: Annotated[
        bool,
        typer.Option(
            "--save", help="Store the chosen parameters in the claim store (used for this encoder from then on)."
        ),
    ] = False,
    db: DbOpt = None,
    lexical: LexicalOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Choose the dense weight, the claim prefix and the match threshold on the paraphrase set's calibration
    groups; print precision and recall on its held-out test groups for BM25 only, dense only and combined."""
    path = pairs or default_paraphrase_path()
    try:
        groups = read_paraphrases(path)
    except DataError as e:
        raise _fail(str(e)) from e
    embedder = None if lexical else default_embedder()
    normalizer = _normalizer()
    res = calibrate(embedder, groups, normalizer=normalizer, min_precision=min_precision)
    params = res["params"]
    if as_json:
        out = {
            "params": json.loads(params.to_json()),
            "results": res["results"],
            "counts": res["counts"],
            "slang": "catalogue" if normalizer is not None else "built-in",
        }
        console.print_json(json.dumps(out, ensure_ascii=False))
    else:
        c = res["counts"]
        console.print(
            f"{path}: {c['groups']['calibration']} calibration / {c['groups']['test']} test claim groups; "
            f"test queries: {c['rewordings']['test']} rewordings, {c['hard_negatives']['test']} hard "
            f"negatives. Slang table: {'catalogue' if normalizer is not None else 'built-in'}.",
            highlight=False,
        )
        t = Table(
            title=f"top-1 claim matching on the held-out groups (threshold: recall at precision >= "
            f"{min_precision} on calibration)"
        )
        for col in (
            "method",
            "claim prefix",
            "dense weight",
            "threshold",
            "precision [95% CI]",
            "recall [95% CI]",
            "F1",
            "AP",
            "hard neg. matched",
        ):
            t.add_column(col)
        for name, r in res["results"].items():
            te = r["test"]
            t.add_row(
                escape(name),
                str(r.get("claim_prefix") or "-"),
                f"{r['dense_weight']:.2f}",
                f"{r['threshold']:.3f}",
                f"{te['precision']:.3f} [{te['precision_ci'][0]:.2f}, {te['precision_ci'][1]:.2f}]",
                f"{te['recall']:.3f} [{te['recall_ci'][0]:.2f}, {te['recall_ci'][1]:.2f}]",
                f"{te['f1']:.3f}",
                f"{te['average_precision']:.3f}",
                f"{te['hard_negative_match_rate']:.3f}",
            )
        console.print(t)
        reg = Table(title="held-out groups by register, and debunks (texts that name a claim to refute it)")
        for col in (
            "method",
            "register",
            "precision [95% CI]",
            "recall [95% CI]",
            "rewordings",
            "hard neg. matched",
            "debunks matched / refutes / raised (test)",
        ):
            reg.add_column(col)
        for name in ("bm25", "combined"):
            r = res["results"].get(name)
            if r is None:
                continue
            d = r.get("debunks", {}).get("test")
            for register, te in r.get("test_by_register", {}).items():
                reg.add_row(
                    name,
                    register,
                    f"{te['precision']:.3f} [{te['precision_ci'][0]:.2f}, {te['precision_ci'][1]:.2f}]",
                    f"{te['recall']:.3f} [{te['recall_ci'][0]:.2f}, {te['recall_ci'][1]:.2f}]",
                    str(te["positives"]),
                    f"{te['hard_negative_match_rate']:.3f}",
                    f"{d['matched']} / {d['refutes']} / {d['raised']} of {d['n']}" if d else "-",
                )
        console.print(reg)
        console.print(f"chosen: {params.to_json()}", highlight=False)
    if save:
        index = ClaimIndex.open(db, embedder, normalizer=normalizer)
        index.save_params(params)
        console.print(f"saved to {index.path}")
