"""The data an evaluation runs on: the catalogue's test split, or analysts' labelled files.

Every evaluation records what it ran on: the files and their sha256 (or the catalogue's manifest), and a
fingerprint of the examples themselves (ids, texts and labels), so two reports can be checked to have used
the same data.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.examples import BadRow, ColumnMap, DataError, Example, read_labelled_file
from model.labels import RISKS
from model.modeldir import file_sha256
from model.normalize import Normalizer
from model.splits import SPLIT_SEED, prepare, split_settings

logger = logging.getLogger(__name__)

CATALOGUE = "catalogue"


@dataclass
class EvalData:
    examples: list[Example]
    description: str
    files: list[dict[str, Any]] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    bad_rows: list[BadRow] = field(default_factory=list)
    # the training split the evaluated data was split from (the catalogue's), for the report's style probe
    # (eval.shortcut); None for analysts' files, whose training data the report does not know
    train: list[Example] | None = None

    def summary(self) -> dict[str, Any]:
        """What a report records about the data."""
        labelled = {}
        for r in RISKS:
            vals = [v for e in self.examples if (v := e.labels.get(r)) is not None]
            labelled[r] = {"n": len(vals), "positives": int(sum(vals))}
        return {
            "description": self.description,
            "n": len(self.examples),
            "fingerprint": fingerprint(self.examples),
            "sources": dict(Counter(e.source for e in self.examples).most_common()),
            "platforms": dict(Counter(e.platform or "unknown" for e in self.examples).most_common()),
            "labelled": labelled,
            "files": self.files,
            "manifest": self.manifest,
            "bad_rows": len(self.bad_rows),
        }


def one_class_notes(examples: Sequence[Example]) -> list[str]:
    """A sentence for each risk the data labels with one class only: its F1, recall and PR-AUC say nothing
    there (F1 and recall read 0 without positives) but still count in the macro average."""
    out = []
    for r in RISKS:
        vals = [v for e in examples if (v := e.labels.get(r)) is not None]
        pos = int(sum(vals))
        if vals and pos in (0, len(vals)):
            cls, other = ("negatives", "positive") if pos == 0 else ("positives", "negative")
            out.append(
                f"{r}: the data labels {len(vals)} texts, all {cls}; with no {other} its F1, recall and PR-AUC are "
                "undefined (shown as 0 or nan) and still count in macro F1. Fix: add labelled "
                f"{other}s for {r}, or leave its column empty where a text was not judged for it"
            )
    return out


def fingerprint(examples: Sequence[Example]) -> str:
    """sha256 over the examples' ids, texts and risk labels, in order."""
    h = hashlib.sha256()
    for e in examples:
        rec = [e.id, e.text, [e.labels.get(r) for r in RISKS]]
        h.update(json.dumps(rec, ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def _jsonable(obj: Any) -> Any:
    """A manifest made JSON-safe (dataclasses, paths and sets turned into plain values)."""
    import dataclasses

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return _jsonable(dataclasses.asdict(obj))
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    return str(obj)


def split_seed_of(model: Any) -> int:
    """The seed the model's training data was split with (its data manifest's), SPLIT_SEED when it records none:
    evaluated on the catalogue split with another seed, the model would be scored on texts it trained on."""
    split = split_settings(getattr(model, "manifest", None))
    return int(split["seed"]) if split is not None else SPLIT_SEED


def load_catalogue_test(normalizer: Normalizer, seed: int = SPLIT_SEED) -> EvalData:
    """The test split of the catalogue, as training makes it (model.splits.prepare) with the split seed `seed`."""
    from model.catalogue import load_catalogue  # imported here: the catalogue reads files on first use

    res = load_catalogue()
    prepared = prepare(res.examples, normalizer, seed=seed)
    try:
        test = list(prepared.split("test"))
    except (AttributeError, KeyError) as e:
        raise DataError(
            "model.splits.prepare returned no 'test' split",
            fix="check the catalogue, or pass labelled files with --data FILE",
        ) from e
    manifest = getattr(prepared, "manifest", None)
    if isinstance(manifest, dict):  # the text fingerprints are for comparisons (eval.compare), not for reports
        manifest = {k: v for k, v in manifest.items() if k != "text_hashes"}
    return EvalData(
        test,
        "catalogue test split" + (f" (split seed {seed})" if seed != SPLIT_SEED else ""),
        manifest=_jsonable(manifest),
        bad_rows=list(res.bad_rows),
        train=list(prepared.split("train")),
    )


def read_eval_files(
    specs: Sequence[str], columns: Sequence[str] = (), encoding: str = "utf-8", sheet: str | None = None
) -> list[EvalData | None]:
    """Read the analysts' files among `specs` ('catalogue' and/or paths of labelled files: CSV, TSV, JSONL, Parquet)
    before any model is loaded: a misspelt column or a missing file is refused in a second, not after a model load.
    Returns one part per spec in order, None where the catalogue's test split goes (assemble_eval_data makes it:
    it needs the evaluated model's normaliser and split seed)."""
    specs = list(specs) or [CATALOGUE]
    cmap = ColumnMap.parse(columns)
    parts: list[EvalData | None] = []
    seen: dict[str, str] = {}  # resolved path or "catalogue" -> the spec that named it
    for spec in specs:
        key = CATALOGUE if spec == CATALOGUE else str(Path(spec).resolve())
        if key in seen:
            raise DataError(
                f"--data {spec} found twice (as {seen[key]!r} and {spec!r}); every text would be counted twice and "
                "the intervals would be too narrow",
                fix="give each file once",
            )
        seen[key] = spec
        if spec == CATALOGUE:
            parts.append(None)
            continue
        path = Path(spec)
        if not path.exists() and spec.strip().lower() == CATALOGUE:
            raise DataError(
                f"no file {spec!r}; expected a labelled file or the word '{CATALOGUE}' (lower case) for the "
                "catalogue's test split",
                fix=f"pass --data {CATALOGUE}",
            )
        res = read_labelled_file(path, cmap, encoding=encoding, sheet=sheet)
        if res.bad_rows:
            for b in res.bad_rows[:5]:
                logger.warning("skipped %s", b)
        meta = res.examples[0].meta if res.examples else {}
        parts.append(
            EvalData(
                res.examples,
                str(path),
                files=[
                    {
                        "path": str(path),
                        # the reader hashed the file already (each example names it): not read a second time
                        "sha256": meta.get("sha256") or file_sha256(path),
                        "rows": len(res.examples) + len(res.bad_rows),
                        "bad_rows": len(res.bad_rows),
                        **({"sheet": meta["sheet"]} if "sheet" in meta else {}),  # two sheets share the sha256
                    }
                ],
                bad_rows=res.bad_rows,
            )
        )
    if CATALOGUE not in seen:  # files alone: everything an evaluation needs is known now
        _check_labelled([e for p in parts if p is not None for e in p.examples], specs)
    return parts


def assemble_eval_data(
    parts: Sequence[EvalData | None],
    specs: Sequence[str],
    normalizer: Normalizer,
    split_seed: int = SPLIT_SEED,
) -> EvalData:
    """The evaluation data from read_eval_files' parts, with the catalogue's test split made where a part is None
    (with `split_seed`: the evaluated model's (split_seed_of), so that it is the split the model was tested on in
    training)."""
    filled = [p if p is not None else load_catalogue_test(normalizer, split_seed) for p in parts]
    examples = [e for p in filled for e in p.examples]
    _check_labelled(examples, list(specs) or [CATALOGUE])
    manifests = [p.manifest for p in filled if p.manifest is not None]
    return EvalData(
        examples,
        " + ".join(p.description for p in filled),
        [f for p in filled for f in p.files],
        manifests[0] if len(manifests) == 1 else (manifests or None),  # type: ignore[arg-type]
        [b for p in filled for b in p.bad_rows],
        train=next((p.train for p in filled if p.train is not None), None),
    )


def load_eval_data(
    specs: Sequence[str],
    normalizer: Normalizer,
    columns: Sequence[str] = (),
    encoding: str = "utf-8",
    split_seed: int = SPLIT_SEED,
) -> EvalData:
    """`specs`: 'catalogue' and/or paths of labelled files (CSV, TSV, JSONL, Parquet), read and assembled in one
    call (the CLI reads the files before it loads a model, then assembles)."""
    return assemble_eval_data(read_eval_files(specs, columns, encoding), specs, normalizer, split_seed)


def _check_labelled(examples: Sequence[Example], specs: Sequence[str]) -> None:
    """Refuse data with no examples, or none labelled for any risk: nothing could be measured."""
    if not examples:
        raise DataError(
            f"no usable labelled examples in {list(specs)}",
            fix="check the files' label columns (1/0/empty) or map them with --column",
        )
    if not any(e.labels.get(r) is not None for e in examples for r in RISKS):
        raise DataError(
            f"none of the {len(examples)} examples has a label for the risks {list(RISKS)}",
            fix="add a column named after a risk (hoax, slander, incitement) or map one, e.g. --column slander=fitnah",
        )
