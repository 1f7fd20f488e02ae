"""The shape of a model directory's small JSON files, checked on the data their loaders read.

ModelDir.check says that a directory is complete and its weights are the ones recorded; these checks vet the
small JSON files beside them. Unchecked, a damaged or hand-edited file fails deep inside the loader with a bare
`AttributeError`, or worse, loads: a risk missing from thresholds.json is flagged at a made-up 0.5, a flag of 1.7
flags nothing, and the API, an audit or a report serves numbers of a model that was never trained that way.
model.scorer.Scorer checks calibration, thresholds, metrics, manifest and operating points as it reads them, and
model.ensemble checks the ensemble spec (each file read once); normalizer.json is checked by its own reader,
Normalizer.from_json. Each such file is refused with its path, what was expected, what was found and how to fix
it, wherever the model loads: the API's start-up and `/admin/reload`, audits, `saring eval`.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from model.calibration import Platt, Threshold
from model.labels import RISKS
from model.modeldir import MODEL_JSON, ModelDirError
from model.operating import OperatingPoints
from model.problems import field_problem

logger = logging.getLogger(__name__)

FIX = "Fix: retrain (`saring train --out DIR`) or restore the model directory from a backup."


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _kind(x: Any) -> str:
    return "null" if x is None else type(x).__name__


def _bad(path: Path, expected: str, found: Any) -> ModelDirError:
    return ModelDirError(f"{path}: expected {expected}, found {found}; the model directory is corrupt. {FIX}")


def expect_object(path: Path, data: Any, what: str) -> dict[str, Any]:
    """`data` read from `path` when it is a JSON object; ModelDirError saying what it should hold otherwise."""
    if not isinstance(data, dict):
        raise _bad(path, f"a JSON object ({what})", f"a JSON {_kind(data)}")
    return data


def _per_risk(path: Path, data: dict[str, Any], key: str, what: str) -> dict[str, Any]:
    table = data.get(key)
    if not isinstance(table, dict):
        raise _bad(path, f"'{key}': an object with {what} per risk", f"{_kind(table)}")
    missing = [r for r in RISKS if r not in table]
    if missing:
        raise _bad(path, f"'{key}' for every risk {list(RISKS)}", f"none for {missing}")
    for name, entry in table.items():
        if not isinstance(entry, dict):
            raise _bad(path, f"'{key}.{name}': an object ({what})", _kind(entry))
    return table


def _known_fields(path: Path, where: str, entry: dict[str, Any], cls: type) -> None:
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(entry) - known)
    if unknown:
        raise _bad(path, f"'{where}' with the fields {sorted(known)}", f"also {unknown}")


def check_operating_points(path: Path, data: Any) -> OperatingPoints:
    """operating_points.json's parsed `data`: every risk's precision, recall and flagged share on one grid."""
    expect_object(path, data, "the operating points")
    try:
        return OperatingPoints.model_validate(data)
    except ValidationError as e:
        found = f"{len(e.errors())} problem(s): " + "; ".join(field_problem(err) for err in e.errors()[:3])
        raise _bad(path, "every risk's precision, recall and flagged share on one threshold grid", found) from None


def check_calibration(path: Path, data: Any) -> None:
    """calibration.json's parsed `data` (read from `path`): Platt parameters for every risk."""
    data = expect_object(path, data, "the calibration of each label")
    for name, p in _per_risk(path, data, "labels", "the Platt parameters a and b").items():
        _known_fields(path, f"labels.{name}", p, Platt)
        for field in ("a", "b", "c"):
            if field in p and not _number(p[field]):
                raise _bad(path, f"'labels.{name}.{field}': a finite number", repr(p[field]))
        for field in ("a", "b"):
            if field not in p:
                raise _bad(path, f"'labels.{name}.{field}': a finite number", "none")


def check_thresholds(path: Path, data: Any) -> None:
    """thresholds.json's parsed `data`: a flag and a block between 0 and 1, flag <= block, for every risk."""
    data = expect_object(path, data, "the flag and block thresholds of each risk")
    for name, t in _per_risk(path, data, "risks", "the thresholds flag and block").items():
        _known_fields(path, f"risks.{name}", t, Threshold)
        for field in ("flag", "block"):
            v = t.get(field)
            if not _number(v) or not 0.0 <= v <= 1.0:
                raise _bad(path, f"'risks.{name}.{field}': a score between 0 and 1", repr(v))
        if t["block"] < t["flag"]:
            raise _bad(path, f"'risks.{name}': flag <= block", f"flag {t['flag']!r} above block {t['block']!r}")


def check_ensemble(path: Path, data: Any) -> None:
    """ensemble.json's parsed `data`: members, labels naming every risk, and one weight per member and label."""
    data = expect_object(path, data, "the ensemble's members, labels and weights")
    members, labels, weights = data.get("members"), data.get("labels"), data.get("weights")
    if not isinstance(members, list) or not members or not all(isinstance(m, str) and m for m in members):
        raise _bad(path, "'members': a list of member directory names", repr(members))
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise _bad(path, "'labels': a list of label names", repr(labels))
    missing = [r for r in RISKS if r not in labels]
    if missing:
        raise _bad(path, f"'labels' naming every risk {list(RISKS)}", f"none for {missing}")
    if not isinstance(weights, dict):
        raise _bad(path, "'weights': an object {label: one weight per member}", _kind(weights))
    for name in labels:
        w = weights.get(name)
        if not isinstance(w, list) or len(w) != len(members) or not all(_number(x) for x in w):
            raise _bad(path, f"'weights.{name}': {len(members)} numbers (one per member)", repr(w))


def check_model_path(path: Path, option: str) -> None:
    """Refuse a path that cannot be a model directory, before anything is loaded."""
    if path.is_dir() or not path.exists():
        return  # Scorer says what a missing directory means
    hint = ""
    if path.name == MODEL_JSON or (path.parent / MODEL_JSON).exists():
        hint = f" (it lies in the model directory {path.parent}: pass that)"
    raise ModelDirError(
        f"{option} {path}: expected a model directory (a folder with {MODEL_JSON}), found a file{hint}. "
        "Fix: pass the folder `saring train --out` wrote."
    )
