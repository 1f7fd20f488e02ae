"""Bootstrap weights: examples drawn one by one, or whole clusters (texts of one template, topic or family)."""

from __future__ import annotations

import numpy as np
import pytest

from model.examples import Example
from model.resample import cluster_ids, clusters_of, resampled_units, weight_chunks


def test_weight_chunks_cover_the_replicates() -> None:
    chunks = list(weight_chunks(10, 25, seed=0))
    w = np.concatenate(chunks)
    assert w.shape == (25, 10) and np.all(w.sum(axis=1) == 10)


def test_examples_of_one_cluster_are_drawn_together() -> None:
    ids = cluster_ids(["t1", None, "t1", "t2", None, "t2", "t2"])
    assert ids.tolist() == [0, 1, 0, 2, 3, 2, 2]  # a text without a group is a cluster of its own
    w = np.concatenate(list(weight_chunks(7, 50, seed=3, clusters=ids)))
    assert w.shape == (50, 7)
    assert np.array_equal(w[:, 0], w[:, 2]) and np.array_equal(w[:, 3], w[:, 5]) and np.array_equal(w[:, 3], w[:, 6])
    # four clusters drawn four times per replicate: the counts per cluster sum to 4
    assert np.all(w[:, [0, 1, 3, 4]].sum(axis=1) == 4)
    # every text its own cluster: the example bootstrap, draw for draw
    plain = np.concatenate(list(weight_chunks(7, 50, seed=3)))
    assert np.array_equal(plain, np.concatenate(list(weight_chunks(7, 50, seed=3, clusters=cluster_ids([None] * 7)))))
    with pytest.raises(ValueError, match="one id per example"):
        next(weight_chunks(7, 5, seed=0, clusters=ids[:3]))
    # a subset's ids need not run 0..k-1: two clusters here, not eight
    sub = np.concatenate(list(weight_chunks(3, 50, seed=4, clusters=np.array([7, 3, 7]))))
    assert np.array_equal(sub[:, 0], sub[:, 2]) and np.all(sub[:, [0, 1]].sum(axis=1) == 2)
    # one cluster: no spread between clusters to draw on (every replicate would be the data), so texts are drawn
    one = np.concatenate(list(weight_chunks(3, 50, seed=4, clusters=np.array([2, 2, 2]))))
    assert np.array_equal(one, np.concatenate(list(weight_chunks(3, 50, seed=4))))
    # and reports count what is drawn: the clusters, or the texts when there is one cluster or none
    assert resampled_units(7, ids) == 4 and resampled_units(3, np.array([2, 2, 2])) == 3
    assert resampled_units(3, None) == 3


def test_clusters_of_examples_follow_their_groups() -> None:
    ex = [
        Example(text=t, labels={"hoax": 0}, source="fixture", group=g)
        for t, g in [("a", "f1"), ("b", None), ("c", "f1")]
    ]
    assert clusters_of(ex).tolist() == [0, 1, 0]
