from __future__ import annotations

import numpy as np
import pytest

from model.labels import RISKS
from model.operating import GRID, ThresholdUnreachable, operating_points, point_table, query


def _split(seed: int, n: int = 400) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    y = (rng.random((n, 3)) < 0.3).astype(np.float64)
    probs = np.clip(0.25 * y + 0.75 * rng.random((n, 3)), 0, 1)  # positives score higher, with overlap
    y[:5, 2] = np.nan  # labels not annotated are left out of that risk's table
    return probs, y, list(RISKS)


def test_point_table_counts_what_a_threshold_flags() -> None:
    t = point_table(np.array([0.1, 0.4, 0.6, 0.9, 0.95]), np.array([0, 0, 1, 1, np.nan]), (0.5, 0.95))
    assert (t.n, t.positives) == (4, 2)  # the unlabelled row is not counted
    assert t.precision == [1.0, None] and t.recall == [1.0, 0.0] and t.flagged == [0.5, 0.0] and t.flagged_n == [2, 0]


def test_query_picks_on_validation_and_reports_test_at_the_same_threshold() -> None:
    points = operating_points({"validation": _split(1), "test": _split(2)})
    a = query(points, "slander", min_precision=0.6)
    i = GRID.index(a["threshold"])
    val = points.splits["validation"]["slander"]
    assert a["validation"]["precision"] >= 0.6 and a["validation"]["recall"] == val.recall[i]
    # no threshold that reaches the precision has a higher recall
    assert all(
        (val.recall[k] or 0) <= a["validation"]["recall"]
        for k in range(len(GRID))
        if val.precision[k] is not None and val.precision[k] >= 0.6
    )
    assert a["test"] == points.splits["test"]["slander"].row(i)
    assert a["query"] == "maximum recall at precision >= 0.6"
    b = query(points, "slander", min_recall=0.9)
    assert b["validation"]["recall"] >= 0.9 and b["threshold"] <= a["threshold"]
    assert points.splits["validation"]["incitement"].n == 395


def test_unreachable_targets_say_the_best_there_is() -> None:
    flat = np.full((40, 3), 0.5), np.tile([[1.0], [0.0]], (20, 3)), list(RISKS)  # a model that cannot tell
    with pytest.raises(ThresholdUnreachable, match=r"reaches precision 0.9 for hoax .*highest precision .* is 0.500"):
        query(operating_points({"validation": flat}), "hoax", min_precision=0.9)
    points = operating_points({"validation": _split(3)})
    assert query(points, "hoax", min_precision=0.5)["test"] is None  # a model never tested: validation only
    few = np.array([[0.99, 0.1, 0.1]] * 5 + [[0.5, 0.1, 0.1]] * 60), np.array([[1.0, 0, 0]] * 5 + [[0.0, 0, 0]] * 60)
    with pytest.raises(ThresholdUnreachable, match=r"flag fewer than 20 texts \(5 at 0.51\)"):
        query(operating_points({"validation": (*few, list(RISKS))}), "hoax", min_precision=0.9)
    with pytest.raises(ValueError, match="give min_precision, min_recall or both"):
        query(points, "hoax")
    both = query(points, "hoax", min_precision=0.5, min_recall=0.3)
    assert both["query"] == "maximum recall at precision >= 0.5 and recall >= 0.3"
    assert both["threshold"] == query(points, "hoax", min_precision=0.5)["threshold"]  # its recall is already >= 0.3
    with pytest.raises(ThresholdUnreachable, match=r"no threshold reaches recall 1 at precision >= 0.6 .*highest"):
        query(points, "hoax", min_precision=0.6, min_recall=1.0)
    with pytest.raises(ValueError, match="unknown risk 'spam'"):
        query(points, "spam", min_precision=0.5)
