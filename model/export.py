"""`saring data export`: the prepared splits as a Hugging Face `DatasetDict` and Parquet files, with a dataset card.

The export folder holds:

- the `DatasetDict` (train / validation / test) written by `save_to_disk`: `datasets.load_from_disk(DIR)` opens it;
- `parquet/<split>.parquet`, one file per split, for pandas or any Parquet reader;
- `manifest.json`, the split manifest of model.splits (counts, duplicates, conflicts, input files and sha256);
- `README.md`, the dataset card: where the rows came from (sources, licences, citations), the split rule and the
  command that wrote it.

Every split has the same columns: text, source, split, the three risks, the auxiliary labels the examples carry
(1.0, 0.0 or null where the source did not annotate the label; null is never 0), the Example fields id,
parent_text, platform and group, and `meta`: the example's metadata that is JSON-safe, as a JSON object string.

The folder is built beside DIR and renamed into place (model.modeldir.staging_dir), so DIR is never half-written;
an existing non-empty DIR is replaced only when asked to.

Hugging Face `datasets` is imported here only, inside `export_prepared`: the project root has a catalogue folder
named `datasets/` and the import must stay out of module import time (docs/architecture.md).
"""

from __future__ import annotations

import importlib
import json
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import model.splits as splits_module
from model.cards import Card
from model.examples import DataError, Example
from model.labels import ALL_LABELS, RISKS
from model.modeldir import git_commit, staging_dir, strict_json
from model.splits import SPLITS, PreparedData

logger = logging.getLogger(__name__)

PARQUET_DIR = "parquet"
CARD_FILE = "README.md"
MANIFEST_FILE = "manifest.json"
FIELD_COLUMNS: tuple[str, ...] = ("id", "parent_text", "platform", "group")


class ExportError(DataError):
    """The export folder cannot be written as asked (a file is in the way, a folder is not empty)."""


@dataclass(frozen=True)
class ExportResult:
    out: Path
    rows: dict[str, int]
    columns: tuple[str, ...]


def check_destination(out: Path, overwrite: bool) -> None:
    """Refuse a path that is a file, and a non-empty folder unless `overwrite`."""
    if out.exists() and not out.is_dir():
        raise ExportError(
            "expected --out to name a folder (absent or empty), found a file",
            file=out,
            fix="choose a folder path for --out",
        )
    if out.is_dir() and not overwrite:
        entries = sum(1 for _ in out.iterdir())
        if entries:
            raise ExportError(
                f"expected an absent or empty folder, found a folder holding {entries} "
                f"{'entry' if entries == 1 else 'entries'}",
                file=out,
                fix="choose another --out, or pass --overwrite to replace it (the old folder is replaced only "
                "once the new export is complete)",
            )


def label_columns(prepared: PreparedData) -> tuple[str, ...]:
    """The three risks, then the auxiliary labels that at least one example carries (in model.labels order)."""
    carried = {name for _, exs in prepared.items() for ex in exs for name in ex.labels}
    aux = [n for n in ALL_LABELS if n in carried and n not in RISKS]
    return (*RISKS, *aux, *sorted(carried - set(ALL_LABELS)))


def columns_of(labels: tuple[str, ...]) -> tuple[str, ...]:
    return ("text", "source", "split", *labels, *FIELD_COLUMNS, "meta")


def _meta_json(meta: dict[str, Any], dropped: Counter[str]) -> str:
    """The JSON-safe part of `meta` (NaN as null), without `split` (a column of its own)."""
    kept: dict[str, Any] = {}
    for key, value in meta.items():
        if key == "split":
            continue
        safe = strict_json(value)
        try:
            json.dumps(safe, allow_nan=False)
        except (TypeError, ValueError):
            dropped[str(key)] += 1
            continue
        kept[str(key)] = safe
    return json.dumps(kept, ensure_ascii=False, sort_keys=True)


def split_columns(
    examples: list[Example], split: str, labels: tuple[str, ...], dropped: Counter[str]
) -> dict[str, list[Any]]:
    """One split as columns (name -> values), in `columns_of(labels)` order."""
    cols: dict[str, list[Any]] = {c: [] for c in columns_of(labels)}
    for ex in examples:
        cols["text"].append(ex.text)
        cols["source"].append(ex.source)
        cols["split"].append(split)
        for name in labels:
            value = ex.labels.get(name)
            cols[name].append(None if value is None else float(value))
        cols["id"].append(ex.id)
        cols["parent_text"].append(ex.parent_text)
        cols["platform"].append(ex.platform)
        cols["group"].append(ex.group)
        cols["meta"].append(_meta_json(ex.meta, dropped))
    return cols


def export_prepared(
    prepared: PreparedData,
    out: str | Path,
    *,
    cards: dict[str, Card],
    command: str,
    overwrite: bool = False,
) -> ExportResult:
    """Write `prepared` to `out` (see the module docstring). `cards` describe the catalogue sources in the card
    (sources without a card are analysts' files); `command` is the command line recorded in it."""
    # Lazily (see the module docstring), and by name: type checkers run from the project root resolve a plain
    # `import datasets` to the catalogue folder, not to Hugging Face's package.
    datasets = importlib.import_module("datasets")

    out = Path(out)
    check_destination(out, overwrite)
    labels = label_columns(prepared)
    value = {
        "text": "string",
        "source": "string",
        "split": "string",
        **dict.fromkeys(labels, "float32"),
        **dict.fromkeys(FIELD_COLUMNS, "string"),
        "meta": "string",
    }
    features = datasets.Features({name: datasets.Value(dtype) for name, dtype in value.items()})
    dropped: Counter[str] = Counter()
    dd = datasets.DatasetDict(
        {
            split: datasets.Dataset.from_dict(
                split_columns(exs, split, labels, dropped), features=features, split=datasets.NamedSplit(split)
            )
            for split, exs in prepared.items()
        }
    )
    if dropped:
        logger.warning(
            "metadata that is not JSON-safe was left out of the 'meta' column (key: rows): %s",
            dict(sorted(dropped.items())),
        )
    rows = {split: dd[split].num_rows for split in SPLITS}
    card = dataset_card(prepared, labels, cards, command, datasets_version=datasets.__version__)
    bars = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        with staging_dir(out) as tmp:
            # one shard per split: an empty split saved with no shard cannot be loaded back
            dd.save_to_disk(str(tmp), num_shards=dict.fromkeys(SPLITS, 1))
            (tmp / PARQUET_DIR).mkdir()
            for split in SPLITS:
                dd[split].to_parquet(str(tmp / PARQUET_DIR / f"{split}.parquet"))
            (tmp / MANIFEST_FILE).write_text(
                json.dumps(strict_json(prepared.manifest), ensure_ascii=False, indent=2, allow_nan=False) + "\n",
                encoding="utf-8",
            )
            (tmp / CARD_FILE).write_text(card, encoding="utf-8")
            check_destination(out, overwrite)  # nothing appeared at `out` while writing
    finally:
        if bars:
            datasets.enable_progress_bars()
    logger.info("exported %s rows to %s", rows, out)
    return ExportResult(out, rows, columns_of(labels))


# ---------------------------------------------------------------------------------------------------------
# The dataset card
# ---------------------------------------------------------------------------------------------------------
def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _saring_version() -> str:
    try:
        return metadata.version("saring")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _split_rule() -> str:
    """The body of model.splits' docstring: the rule `prepare` applies, written once."""
    doc = (splits_module.__doc__ or "").strip().split("\n", 1)
    return doc[1].strip() if len(doc) > 1 else ""


def dataset_card(
    prepared: PreparedData, labels: tuple[str, ...], cards: dict[str, Card], command: str, *, datasets_version: str
) -> str:
    """README.md of the export: how to open it, the columns, the split rule, and every source with its licence."""
    manifest = prepared.manifest
    per_source: dict[str, Counter[str]] = {}
    merged_from: set[str] = set()
    for split, exs in prepared.items():
        for ex in exs:
            per_source.setdefault(ex.source, Counter())[split] += 1
            merged_from.update(ex.meta.get("sources") or ())
    sources = sorted(set(per_source) | merged_from)
    files: dict[str, list[dict[str, str]]] = {}
    for item in manifest.get("inputs", []):
        files.setdefault(item["source"], []).append(item)
    card_sources = [s for s in sources if s in cards]
    licences = sorted({cards[s].licence.id.lower() for s in card_sources})
    if len(card_sources) < len(sources):
        licences.append("unknown")
    fractions = manifest.get("fractions", {})

    lines = ["---", "language:", "- id", "license:"]
    lines += [f"- {lic}" for lic in licences] or ["- unknown"]
    lines += ["configs:", "- config_name: default", "  data_files:"]
    for split in SPLITS:
        if prepared.split(split):  # load_dataset refuses a split with no data
            lines += [f"  - split: {split}", f"    path: {PARQUET_DIR}/{split}.parquet"]
    lines += ["---", "", "# saring: prepared train / validation / test splits", ""]
    lines += [
        f"Written by `saring data export` (saring {_saring_version()}, commit {git_commit() or 'unknown'}, "
        f"Hugging Face datasets {datasets_version}) on {datetime.now(UTC).strftime('%Y-%m-%d %H:%M:%S UTC')} with:",
        "",
        "```bash",
        command,
        "```",
        "",
        'Open it with `datasets.load_from_disk("<this folder>")` (a `DatasetDict` with train, validation and '
        f'test), `datasets.load_dataset("<this folder>")` (its Parquet files, the splits that have rows), or '
        f"read `{PARQUET_DIR}/<split>.parquet` with pandas or any Parquet reader. `{MANIFEST_FILE}` is "
        "the split manifest: counts per split, source and label, duplicates merged, label conflicts, and the "
        "input files with their sha256 (as `saring data --json`, without the bad rows).",
        "",
        "## Rows",
        "",
        "| source | " + " | ".join(SPLITS) + " | total |",
        "| --- | " + " | ".join("---:" for _ in SPLITS) + " | ---: |",
    ]
    for src in sorted(per_source):
        n = [per_source[src][s] for s in SPLITS]
        lines.append(f"| {src} | " + " | ".join(f"{x:,}" for x in n) + f" | {sum(n):,} |")
    totals = [len(prepared.split(s)) for s in SPLITS]
    lines.append("| all | " + " | ".join(f"{x:,}" for x in totals) + f" | {sum(totals):,} |")
    aux = [n for n in labels if n not in RISKS]
    lines += [
        "",
        "## Columns",
        "",
        "- `text`: the text as the source has it (saring's normalised form, used to find duplicates, is "
        "`meta.normalized_text`).",
        "- `source`: the catalogue dataset (card name), or `file:<name>` for an analyst's file. A text found in "
        "several sources is one row: `source` is the first source read, `meta.sources` lists them all.",
        "- `split`: train, validation or test.",
        f"- the risks `{'`, `'.join(RISKS)}`"
        + (f" and the auxiliary labels `{'`, `'.join(aux)}`" if aux else "")
        + ": 1.0, 0.0, or null where the source did not annotate the label. Null means unknown, never 0.",
        "- `id`, `parent_text`, `platform`, `group`: as saring's `Example` (group: examples sharing one never "
        "cross splits).",
        "- `meta`: a JSON object string with the example's JSON-safe metadata (file, sha256, row, original_split, "
        "merged_ids, weak labels, card metadata columns, ...).",
        "",
        "## Split rule",
        "",
        f"Seed {manifest.get('seed')}; target shares "
        + ", ".join(f"{s} {fractions.get(s)}" for s in SPLITS)
        + f"; normaliser version {manifest.get('normalizer_version')} with {manifest.get('slang_entries')} slang "
        f"entries; conflict rule: {manifest.get('conflicts', {}).get('rule')}.",
        "",
        _split_rule(),
        "",
        "## Sources and licences",
        "",
        "Each row is under its source's licence (a merged row under every source in `meta.sources`); this "
        "export as a whole is bound by all of them.",
    ]
    non_commercial = [s for s in card_sources if not cards[s].licence.commercial_use]
    share_alike = [s for s in card_sources if cards[s].licence.share_alike]
    if non_commercial:
        lines.append(f"Not for commercial use: {', '.join(non_commercial)}.")
    if share_alike:
        lines.append(f"Share-alike: {', '.join(share_alike)}.")
    for src in sources:
        counts = per_source.get(src, Counter())
        lines += [
            "",
            f"### {src}" + (f": {cards[src].title}" if src in cards else ""),
            "",
            "- rows: "
            + ", ".join(f"{s} {counts[s]:,}" for s in SPLITS)
            + ("" if src in per_source else " (its texts were merged into rows of other sources)"),
        ]
        if src in cards:
            lines += _card_lines(cards[src])
        else:
            lines.append(
                "- origin: an analyst's labelled file; its licence is not recorded by saring: the file's "
                "owner decides how it may be shared."
            )
        for item in files.get(src, []):
            lines.append(f"- file: `{item['file']}` (sha256 {item['sha256']})")
    return "\n".join(lines) + "\n"


def _card_lines(card: Card) -> list[str]:
    lic = card.licence
    origin = (
        f"- origin: written by the saring team, committed in datasets/{card.name}/"
        if card.local
        else f"- origin: https://github.com/{card.repository} at commit {card.commit}"
    )
    out = [origin]
    if card.homepage:
        out.append(f"- homepage: {card.homepage}")
    if card.path is not None:
        out.append(f"- dataset card: {card.path.name} in saring's catalogue")
    out.append(
        f"- licence: {lic.id} (commercial use: {_yes(lic.commercial_use)}; share-alike: "
        f"{_yes(lic.share_alike)}). Basis: {' '.join(lic.basis.split())}"
    )
    if lic.notes.strip():
        out.append(f"- licence notes: {' '.join(lic.notes.split())}")
    out.append(f"- citation: {' '.join(card.citation.split())}")
    return out
