"""Bootstrap draws as weights, with examples that share a group drawn together (the cluster bootstrap).

A bootstrap resample is represented by a weight per example (how many times it was drawn), so that a metric is
computed for many resamples at once with matrix operations instead of a Python loop.

Examples written from one template, on one topic or in one family (Example.group: the card's group_column, which
also keeps them inside one split) are not independent: they are right or wrong together, and drawing them one by
one reads the data as more certain than it is. Given cluster ids (`cluster_ids`), a replicate draws the clusters
with replacement and every example carries its cluster's draw count (the cluster bootstrap; Davison & Hinkley 1997,
ch. 3.8). An example without a group is its own cluster, so data without groups gets the example bootstrap, draw for
draw.

Two users: evaluation's confidence intervals and paired comparisons (eval.bootstrap, eval.compare) and training's
choice of the flag threshold (model.calibration.plateau_flag), which averages F-beta over resamples of validation.
The weights depend only on (number of examples or the cluster ids, replicates, seed): results are deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

MAX_CELLS = 4_000_000  # weights held in memory at once (replicates x examples), ~32 MB of float64


def cluster_ids(groups: Sequence[str | None]) -> np.ndarray:
    """One cluster id per example (0, 1, ... in order of first appearance): examples sharing a group share an id,
    an example without a group (None) gets one of its own. All different: 0..n-1, the example bootstrap's draws."""
    ids: dict[str, int] = {}
    out = np.empty(len(groups), dtype=np.int64)
    for i, g in enumerate(groups):
        out[i] = ids.setdefault(g if g is not None else f"\0example {i}", len(ids))
    return out


def clusters_of(examples: Sequence[Any]) -> np.ndarray:
    """`cluster_ids` of examples' groups (Example.group)."""
    return cluster_ids([getattr(e, "group", None) for e in examples])


def resampled_units(n: int, clusters: np.ndarray | None) -> int:
    """How many units a replicate draws (what reports call clusters): the distinct cluster ids, or the n examples
    when there are no ids or a single cluster (see weight_chunks)."""
    k = 0 if clusters is None else len(np.unique(np.asarray(clusters)))
    return k if k >= 2 else n


def weight_chunks(
    n: int, replicates: int, seed: int | Sequence[int], clusters: np.ndarray | None = None
) -> Iterator[np.ndarray]:
    """Bootstrap weights (chunk, n): row b counts how often each example was drawn in replicate b. With
    `clusters` (an id per example) the clusters are drawn and each example gets its cluster's count; with a single
    cluster there is no spread between clusters to draw on, and the examples are drawn."""
    rng = np.random.default_rng(seed)
    if clusters is not None:
        if len(clusters) != n:
            raise ValueError(f"{len(clusters)} cluster ids found for {n} examples; expected one id per example")
        ids, clusters = np.unique(np.asarray(clusters), return_inverse=True)  # any ids (a subset's) -> 0..k-1
        if len(ids) < 2:  # one cluster: nothing to draw between, so its examples are drawn instead
            clusters = None
    k = n if clusters is None else int(clusters.max()) + 1
    chunk = max(1, min(replicates, MAX_CELLS // max(n, 1)))
    done = 0
    while done < replicates:
        b = min(chunk, replicates - done)
        idx = rng.integers(0, k, size=(b, k))
        flat = (idx + (np.arange(b) * k)[:, None]).ravel()
        counts = np.bincount(flat, minlength=b * k).reshape(b, k).astype(np.float64)
        yield counts if clusters is None else counts[:, clusters]
        done += b
