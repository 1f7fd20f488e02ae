"""Operating points: what a threshold does, measured, so that a client can ask for one by its precision or recall.

Users of moderation services are told to "pick a precision target and read recall off a curve"; they want the
service to do it (Wikimedia ORES answers "maximum recall @ precision >= 0.9" from its model's statistics). Training
records, per risk, precision, recall and the share of texts flagged at every threshold of one fixed grid, on the
validation split (where the model's own thresholds were chosen) and on the test split (never used for a choice).
A query picks its threshold on validation and reports what the test split measured at that same threshold: the
honest estimate of what the choice does on posts like the training data. Posts unlike them may differ (see
docs/quality.md, "Out of distribution first").

A text is flagged when its calibrated score is >= the threshold, as `Threshold.decide` flags it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from model.labels import RISKS
from model.metrics import masked, threshold_table

# Thresholds every table is measured at: hundredths, and finer near 1 where precision-targeted flags of
# well-separated risks sit. One grid for every split, so that a validation threshold has its test row.
GRID: tuple[float, ...] = (*(round(k / 100, 2) for k in range(1, 100)), 0.995, 0.999)
# A precision measured on fewer flagged validation texts is not promised: on the default model of 2026-12-04,
# "precision 1.0" for incitement came from the 4 texts flagged at 0.999 (the test split flagged 1 there). With 20
# texts all right, the 95% Wilson interval of the precision still reaches down to 0.84.
MIN_FLAGGED = 20
_EPS = 1e-12  # precision and recall are rounded to 6 decimals in the tables: a target is met up to float noise


class PointTable(BaseModel):
    """One risk on one split: at GRID[i], precision[i] (None where nothing is flagged), recall[i], flagged[i]."""

    model_config = ConfigDict(extra="forbid")

    n: int = Field(ge=0, description="texts of the split with this risk's label known")
    positives: int = Field(ge=0)
    threshold: list[float]
    precision: list[float | None]
    recall: list[float | None]
    flagged: list[float | None] = Field(description="share of the split's texts flagged")
    flagged_n: list[int]

    @model_validator(mode="after")
    def _same_lengths(self) -> PointTable:
        lengths = {len(v) for v in (self.threshold, self.precision, self.recall, self.flagged, self.flagged_n)}
        if len(lengths) != 1:
            raise ValueError(f"threshold, precision, recall, flagged and flagged_n differ in length: {sorted(lengths)}")
        return self

    def row(self, i: int) -> dict[str, Any]:
        return {
            "precision": self.precision[i],
            "recall": self.recall[i],
            "flagged": self.flagged[i],
            "flagged_n": self.flagged_n[i],
            "n": self.n,
            "positives": self.positives,
        }


class OperatingPoints(BaseModel):
    """Every risk's tables, by split (validation always; test when the model was tested)."""

    model_config = ConfigDict(extra="forbid")

    grid: list[float]
    splits: dict[str, dict[str, PointTable]]

    @model_validator(mode="after")
    def _complete(self) -> OperatingPoints:
        if "validation" not in self.splits:
            raise ValueError(f"no validation split (the splits present: {sorted(self.splits)})")
        for split, tables in self.splits.items():
            missing = [r for r in RISKS if r not in tables]
            if missing:
                raise ValueError(f"split {split!r} has no table for {missing}")
            for risk, table in tables.items():
                if table.threshold != self.grid:
                    raise ValueError(f"split {split!r}, risk {risk!r}: thresholds differ from the grid")
        return self


class ThresholdUnreachable(ValueError):
    """No threshold of the grid meets the query on validation; the message says the best there is."""


def point_table(probs: np.ndarray, y: np.ndarray, grid: tuple[float, ...] = GRID) -> PointTable:
    """Precision, recall and flagged share of scores `probs` against 0/1 labels `y` (NaN: unknown, left out), from
    model.metrics' threshold table; precision is None where nothing is flagged, recall where nothing is positive."""
    p, lab = masked(probs, y)
    rows = threshold_table(p, lab, list(grid))
    positives = int(lab.sum())
    return PointTable(
        n=len(lab),
        positives=positives,
        threshold=list(grid),
        precision=[round(r["precision"], 6) if r["flagged_n"] else None for r in rows],
        recall=[round(r["recall"], 6) if positives else None for r in rows],
        flagged=[round(r["flagged"], 6) if len(lab) else None for r in rows],
        flagged_n=[r["flagged_n"] for r in rows],
    )


def operating_points(splits: dict[str, tuple[np.ndarray, np.ndarray, list[str]]]) -> OperatingPoints:
    """{split: (probs (n, labels), y (n, labels), labels)} -> every risk's tables on the grid."""
    return OperatingPoints(
        grid=list(GRID),
        splits={
            split: {r: point_table(probs[:, labels.index(r)], y[:, labels.index(r)]) for r in RISKS}
            for split, (probs, y, labels) in splits.items()
        },
    )


def query(
    points: OperatingPoints, risk: str, min_precision: float | None = None, min_recall: float | None = None
) -> dict[str, Any]:
    """The threshold that meets the targets on validation, and what it does there and on test.

    min_precision: the highest recall among thresholds whose precision is >= it ("maximum recall @ precision");
    min_recall: the highest precision among thresholds whose recall is >= it; both: the highest recall among
    thresholds that meet both. Ties go to the higher threshold (fewer texts flagged). A precision counts only where
    at least MIN_FLAGGED validation texts are flagged. Raises ThresholdUnreachable, naming the best the split
    offers, when none qualifies.
    """
    if risk not in RISKS:
        raise ValueError(f"unknown risk {risk!r}; expected one of {list(RISKS)}")
    if min_precision is None and min_recall is None:
        raise ValueError("give min_precision, min_recall or both")
    val = points.splits["validation"][risk]
    where = f"for {risk} on the validation split ({val.n} texts, {val.positives} positives)"
    candidates = list(range(len(points.grid)))
    targets = []
    if min_precision is not None:
        candidates = _precise(points, val, min_precision, where)
        targets.append(f"precision >= {min_precision:g}")
    if min_recall is not None:
        recalls = {i: r for i in candidates if (r := val.recall[i]) is not None}
        kept = [i for i, r in recalls.items() if r >= min_recall - _EPS]
        if not kept:
            best = max(recalls.values(), default=None)
            highest = "nothing is ever flagged" if best is None else f"the highest recall is {best:.3f}"
            at = f"at precision >= {min_precision:g} " if min_precision is not None else ""
            raise ThresholdUnreachable(
                f"no threshold reaches recall {min_recall:g} {at}{where}: {highest}. Ask for a lower "
                + ("precision or recall" if min_precision is not None else "recall")
            )
        candidates = kept
        targets.append(f"recall >= {min_recall:g}")
    gain = val.recall if min_precision is not None else val.precision
    top = max(gain[i] or 0.0 for i in candidates)
    i = max(i for i in candidates if (gain[i] or 0.0) == top)  # the highest threshold among the best
    test = points.splits.get("test", {}).get(risk)
    return {
        "risk": risk,
        "query": f"maximum {'recall' if min_precision is not None else 'precision'} at {' and '.join(targets)}",
        "threshold": points.grid[i],
        "validation": val.row(i),
        "test": test.row(i) if test is not None else None,
    }


def _precise(points: OperatingPoints, val: PointTable, target: float, where: str) -> list[int]:
    """Grid indices whose validation precision is >= target with at least MIN_FLAGGED texts flagged."""
    measured = {i: p for i, p in enumerate(val.precision) if p is not None}
    ok = [i for i, p in measured.items() if p >= target - _EPS and val.flagged_n[i] >= MIN_FLAGGED]
    if ok:
        return ok
    thin = [i for i, p in measured.items() if p >= target - _EPS]
    if thin:  # reached only where too few texts are flagged to measure it
        i = thin[0]
        raise ThresholdUnreachable(
            f"precision {target:g} is reached {where} only at thresholds that flag fewer than {MIN_FLAGGED} texts "
            f"({val.flagged_n[i]} at {points.grid[i]:g}): too few to measure a precision. Ask for a lower precision"
        )
    enough = [p for i, p in measured.items() if val.flagged_n[i] >= MIN_FLAGGED]
    best = max(enough or measured.values(), default=None)
    reach = "nothing is ever flagged" if best is None else f"the highest precision on its grid is {best:.3f}"
    raise ThresholdUnreachable(f"no threshold reaches precision {target:g} {where}: {reach}. Ask for a lower precision")
