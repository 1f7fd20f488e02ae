"""The shape of a model directory's small JSON files, checked before anything loads.

ModelDir.check says that a directory is complete and its weights are the ones recorded; these checks vet the
small JSON files beside them (calibration, thresholds, normaliser, ensemble spec, metrics, manifest). Unchecked,
a damaged or hand-edited file fails deep inside the loader with a bare `AttributeError`, or worse, loads: a risk
missing from thresholds.json is flagged at a made-up 0.5, a flag of 1.7 flags nothing, and the API, an audit or
a report serves numbers of a model that was never trained that way. model.scorer.Scorer runs check_model_files
on every load (the API's start-up and `/admin/reload`, audits, `saring eval`), so each such file is refused with
its path, what was expected, what was found and how to fix it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from pathlib import Path
from typing import Any

from model.calibration import Platt, Threshold
from model.labels import RISKS
from model.modeldir import (
    CALIBRATION_JSON,
    ENSEMBLE_JSON,
    MANIFEST_JSON,
    METRICS_JSON,
    MODEL_JSON,
    NORMALIZER_JSON,
    THRESHOLDS_JSON,
    ModelDirError,
)

logger = logging.getLogger(__name__)

FIX = "Fix: retrain (`saring train --out DIR`) or restore the model directory from a backup."


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _kind(x: Any) -> str:
    return "null" if x is None else type(x).__name__


def _read(path: Path) -> Any:
    """A JSON file of the directory; None when it is missing (Scorer says what a missing required file means)."""
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelDirError(f"{path}: not valid JSON ({e}); the model directory is corrupt. {FIX}") from None
    except OSError as e:
        raise ModelDirError(f"{path}: cannot be read ({e.strerror or e}). Fix: check its permissions.") from None


def _bad(path: Path, expected: str, found: Any) -> ModelDirError:
    return ModelDirError(f"{path}: expected {expected}, found {found}; the model directory is corrupt. {FIX}")


def _object(path: Path, data: Any, what: str) -> dict[str, Any]:
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


def check_calibration(path: Path) -> None:
    data = _object(path, _read(path), "the calibration of each label")
    for name, p in _per_risk(path, data, "labels", "the Platt parameters a and b").items():
        _known_fields(path, f"labels.{name}", p, Platt)
        for field in ("a", "b", "c"):
            if field in p and not _number(p[field]):
                raise _bad(path, f"'labels.{name}.{field}': a finite number", repr(p[field]))
        for field in ("a", "b"):
            if field not in p:
                raise _bad(path, f"'labels.{name}.{field}': a finite number", "none")


def check_thresholds(path: Path) -> None:
    data = _object(path, _read(path), "the flag and block thresholds of each risk")
    for name, t in _per_risk(path, data, "risks", "the thresholds flag and block").items():
        _known_fields(path, f"risks.{name}", t, Threshold)
        for field in ("flag", "block"):
            v = t.get(field)
            if not _number(v) or not 0.0 <= v <= 1.0:
                raise _bad(path, f"'risks.{name}.{field}': a score between 0 and 1", repr(v))
        if t["block"] < t["flag"]:
            raise _bad(path, f"'risks.{name}': flag <= block", f"flag {t['flag']!r} above block {t['block']!r}")


def check_normalizer(path: Path) -> None:
    data = _object(path, _read(path), "the normaliser's version and slang table")
    slang = data.get("slang", {})
    if not isinstance(slang, dict):
        raise _bad(path, "'slang': an object {slang word: formal word}", _kind(slang))
    bad = next(((k, v) for k, v in slang.items() if not isinstance(v, str)), None)
    if bad is not None:
        raise _bad(path, "'slang': text for every word", f"{_kind(bad[1])} for one of its {len(slang)} words")


def check_ensemble(path: Path) -> list[str]:
    """The members the ensemble spec names."""
    data = _object(path, _read(path), "the ensemble's members, labels and weights")
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
    return list(members)


def check_model_files(path: Path) -> None:
    """Refuse a model directory whose small JSON files have the wrong shape (see the module docstring). Files
    that are missing are left to Scorer, which says which a directory of its kind needs."""
    info = _read(path / MODEL_JSON)
    if info is None:
        return
    info = _object(path / MODEL_JSON, info, "the model's kind, name and version")
    for name, check in (
        (CALIBRATION_JSON, check_calibration),
        (THRESHOLDS_JSON, check_thresholds),
        (NORMALIZER_JSON, check_normalizer),
    ):
        if (path / name).exists():
            check(path / name)
    for name, what in ((METRICS_JSON, "the training metrics"), (MANIFEST_JSON, "the data manifest")):
        data = _read(path / name)
        if data is not None:
            _object(path / name, data, what)
    if info.get("kind") == "ensemble" and (path / ENSEMBLE_JSON).exists():
        for member in check_ensemble(path / ENSEMBLE_JSON):
            if (path / member).is_dir():
                check_model_files(path / member)


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
