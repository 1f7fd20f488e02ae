"""Merge duplicates and assign train / validation / test splits that leak neither texts nor topics.

`prepare` works in four steps:

1. Every text is normalised (model.normalize); two examples with the same normalised text are duplicates,
   within a source or across sources.
2. A source's published test rows win over its training rows: when a normalised text occurs in a source's
   original test split (Example.meta["original_split"] == "test", e.g. Netifier), that source's training
   copies are removed (counted as `removed_train_overlapping_test`), so the published test set stays intact.
3. Duplicates are merged into one example. Labels are combined label by label over the copies that know
   the label (None never votes): the majority wins; a tie (e.g. one 1 and one 0) gives 1 for a risk
   (hoax, slander, incitement: a text that half its annotations call harmful belongs in the positive class
   of a screening model whose decisions have a review band) and None for an auxiliary label (unknown: the
   masked loss skips it). Every label on which copies disagree counts as a conflict.
4. Merged examples that share a group (a Pratiwi hoax topic, a post-form topic) form one unit; units are
   assigned whole to a split. Units holding a source's original test rows (Example.meta["original_split"],
   from any card) go to test; units holding original training rows go to train or validation only (so a
   published or held-out test set stays exactly that). The other units are assigned per stratum (source x
   positive risks x any other positive label), shuffled with `seed`, larger units first, each to the allowed
   split furthest below its target share (each stratum with its own generator: adding a source never moves
   another source's rows). When a stratum's forced test rows exceed the test share (e.g.
   whole held-out genres), the rest is shared between train and validation in their proportion, so
   validation is not left empty. The same input, seed and normaliser always give the same splits.

The manifest records the counts per split x source x label (1 / 0 / missing), the duplicates, conflicts and
removals, the groups per split, and the input files with their sha256.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rich.table import Table

from model.examples import Example, LabelValue
from model.labels import ALL_LABELS, RISKS
from model.normalize import Normalizer

logger = logging.getLogger(__name__)

SPLITS: tuple[str, ...] = ("train", "validation", "test")
# The seed `saring train` splits with unless given `--seed N` (`--set seed=N` seeds the training alone).
SPLIT_SEED = 42
# What makes a split: the same values in two data manifests (build_manifest) give the same train, validation and
# test texts; a model evaluated on a split made otherwise may have trained on that split's test texts.
SPLIT_KEYS: tuple[str, ...] = ("inputs", "seed", "fractions", "normalizer_version")


@dataclass
class PreparedData:
    train: list[Example]
    validation: list[Example]
    test: list[Example]
    manifest: dict[str, Any] = field(default_factory=dict)

    def split(self, name: str) -> list[Example]:
        if name not in SPLITS:
            raise KeyError(f"unknown split {name!r}; expected one of {list(SPLITS)}")
        return getattr(self, name)

    def items(self) -> Iterable[tuple[str, list[Example]]]:
        return ((s, self.split(s)) for s in SPLITS)


def _key(normalizer: Normalizer, text: str) -> str:
    key = normalizer.normalize(text)
    return key if key else " ".join(text.split()).lower()


def text_hash(normalizer: Normalizer, text: str) -> str:
    """A short fingerprint of a text as the splits see it (its normalised form): 16 hex characters of BLAKE2b.

    Data manifests list them for the training and validation splits, so that a comparison can tell whether a
    model was trained on the texts it is being compared on, without the manifest storing any text."""
    return hashlib.blake2b(_key(normalizer, text).encode("utf-8"), digest_size=8).hexdigest()


def _combine(name: str, values: list[LabelValue]) -> tuple[LabelValue, bool, bool]:
    """The combined value, whether the copies conflict, and whether it was a tie."""
    votes = [v for v in values if v is not None]
    if not votes:
        return None, False, False
    if len(set(votes)) == 1:
        return votes[0], False, False
    ones, zeros = votes.count(1), votes.count(0)
    if ones != zeros:
        return (1 if ones > zeros else 0), True, False
    return (1 if name in RISKS else None), True, True


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def prepare(
    examples: Sequence[Example],
    normalizer: Normalizer,
    seed: int = SPLIT_SEED,
    fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
) -> PreparedData:
    """Merge duplicates, assign splits and build the manifest (see the module docstring)."""
    if len(fractions) != 3 or any(f < 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-6:
        raise ValueError(
            f"fractions must be three non-negative shares of train, validation and test summing to 1, found {fractions}"
        )
    target = dict(zip(SPLITS, fractions, strict=True))

    # 1. normalised keys, in first-seen order
    by_key: dict[str, list[Example]] = {}
    for ex in examples:
        by_key.setdefault(_key(normalizer, ex.text), []).append(ex)

    # 2. a source's original test rows win over its training copies
    removed_train: Counter[str] = Counter()
    for key, members in by_key.items():
        test_sources = {m.source for m in members if m.meta.get("original_split") == "test"}
        if test_sources:
            drop = [m.source in test_sources and m.meta.get("original_split") == "train" for m in members]
            removed_train.update(m.source for m, d in zip(members, drop, strict=True) if d)
            by_key[key] = [m for m, d in zip(members, drop, strict=True) if not d]

    # 3. merge duplicates
    dup_within: Counter[str] = Counter()
    dup_across = 0
    cross_pairs: Counter[str] = Counter()
    conflicts: Counter[str] = Counter()
    ties: Counter[str] = Counter()
    conflict_groups = {"within_source": 0, "across_sources": 0}
    merged: list[Example] = []
    member_groups: list[set[str]] = []
    forced: list[str | None] = []
    train_only: list[bool] = []
    for key, members in by_key.items():
        first = members[0]
        per_source = Counter(m.source for m in members)
        for src, n in per_source.items():
            if n > 1:
                dup_within[src] += n - 1
        if len(per_source) > 1:
            dup_across += 1
            cross_pairs[" + ".join(sorted(per_source))] += 1
        labels: dict[str, LabelValue] = {}
        any_conflict = False
        names = list(dict.fromkeys(n for m in members for n in m.labels))
        for name in names:
            value, conflict, tie = _combine(name, [m.labels.get(name) for m in members])
            labels[name] = value
            if conflict:
                conflicts[name] += 1
                any_conflict = True
            if tie:
                ties[name] += 1
        if any_conflict:
            conflict_groups["across_sources" if len(per_source) > 1 else "within_source"] += 1
        meta = dict(first.meta)
        meta["normalized_text"] = key
        if len(members) > 1:
            meta["merged_ids"] = [m.id for m in members]
            meta["sources"] = sorted(per_source)
        groups = {m.group for m in members if m.group}
        merged.append(
            replace(
                first,
                labels=labels,
                platform=next((m.platform for m in members if m.platform), None),
                group=next((m.group for m in members if m.group), None),
                meta=meta,
            )
        )
        member_groups.append(groups)
        splits = {m.meta.get("original_split") for m in members}
        forced.append("test" if "test" in splits else None)
        train_only.append("test" not in splits and "train" in splits)

    # 4. units: merged examples linked by a shared group
    uf = _UnionFind(len(merged))
    first_with_group: dict[str, int] = {}
    for i, groups in enumerate(member_groups):
        for g in groups:
            if g in first_with_group:
                uf.union(i, first_with_group[g])
            else:
                first_with_group[g] = i
    units: dict[int, list[int]] = defaultdict(list)
    for i in range(len(merged)):
        units[uf.find(i)].append(i)

    strata: dict[tuple[str, tuple[str, ...], bool], list[int]] = defaultdict(list)
    for root, idx in units.items():
        pos_risks = tuple(r for r in RISKS if any(merged[i].labels.get(r) == 1 for i in idx))
        other_pos = any(v == 1 for i in idx for n, v in merged[i].labels.items() if n not in RISKS)
        strata[(merged[idx[0]].source, pos_risks, other_pos)].append(root)

    assignment: dict[int, str] = {}
    for stratum in sorted(strata, key=repr):
        # Each stratum shuffles with its own generator, seeded by the seed and the stratum itself: adding a
        # source (a new catalogue set, an analyst's file) then leaves every other source's splits exactly as they
        # were. With one generator shared in order, a new source reshuffled every stratum after it, so a model
        # trained before could hold today's test rows in its training data and look better in a comparison.
        rng = random.Random(f"{seed}:{stratum!r}")
        roots = strata[stratum]
        total = sum(len(units[r]) for r in roots)
        assigned = dict.fromkeys(SPLITS, 0)
        free = []
        for r in roots:
            if any(forced[i] for i in units[r]):
                assignment[r] = "test"
                assigned["test"] += len(units[r])
            else:
                free.append(r)
        goal = {s: target[s] * total for s in SPLITS}
        rest = target["train"] + target["validation"]
        if assigned["test"] > goal["test"] and rest > 0:  # held-out test rows beyond the test share
            goal["test"] = assigned["test"]
            for s in ("train", "validation"):
                goal[s] = (total - assigned["test"]) * target[s] / rest
        rng.shuffle(free)
        free.sort(key=lambda r: -len(units[r]))  # stable: larger units first, shuffled among equals
        for r in free:
            allowed = [
                s for s in SPLITS if not (s == "test" and any(train_only[i] for i in units[r])) and target[s] > 0
            ]
            best = max(allowed, key=lambda s: (goal[s] - assigned[s], -SPLITS.index(s)))
            assignment[r] = best
            assigned[best] += len(units[r])

    out: dict[str, list[Example]] = {s: [] for s in SPLITS}
    for i, ex in enumerate(merged):
        split = assignment[uf.find(i)]
        ex.meta["split"] = split
        out[split].append(ex)

    manifest = build_manifest(
        out,
        examples,
        normalizer,
        seed,
        fractions,
        duplicates={
            "input_examples": len(examples),
            "unique_texts": len(merged),
            "merged_away": len(examples) - len(merged) - sum(removed_train.values()),
            "within_source": dict(sorted(dup_within.items())),
            "across_sources_texts": dup_across,
            "across_sources_pairs": dict(sorted(cross_pairs.items())),
            "removed_train_overlapping_test": dict(sorted(removed_train.items())),
        },
        conflicts={
            "rule": "majority of known values; tie -> 1 for risks, -> missing for auxiliary labels",
            "texts_with_conflict": conflict_groups,
            "by_label": dict(sorted(conflicts.items())),
            "ties_by_label": dict(sorted(ties.items())),
        },
    )
    logger.info(
        "prepared %d unique texts from %d examples: %s", len(merged), len(examples), {s: len(v) for s, v in out.items()}
    )
    return PreparedData(out["train"], out["validation"], out["test"], manifest)


HASHED_SPLITS = ("train", "validation")


def split_settings(manifest: Any) -> dict[str, Any] | None:
    """The SPLIT_KEYS of a data manifest: how its split was made; None when it records no split seed (a model
    trained on no split, or a manifest from before saring recorded one)."""
    if not isinstance(manifest, dict) or manifest.get("seed") is None:
        return None
    return {k: manifest.get(k) for k in SPLIT_KEYS}


def build_manifest(
    splits: dict[str, list[Example]],
    inputs: Sequence[Example],
    normalizer: Normalizer,
    seed: int,
    fractions: tuple[float, float, float],
    duplicates: dict[str, Any],
    conflicts: dict[str, Any],
) -> dict[str, Any]:
    counts: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
    examples: dict[str, dict[str, int]] = {}
    groups: dict[str, list[str]] = {}
    for split, exs in splits.items():
        per_source: dict[str, dict[str, dict[str, int]]] = {}
        for ex in exs:
            table = per_source.setdefault(ex.source, {n: {"1": 0, "0": 0, "missing": 0} for n in ALL_LABELS})
            for name in ALL_LABELS:
                v = ex.labels.get(name)
                table[name]["missing" if v is None else str(v)] += 1
        counts[split] = dict(sorted(per_source.items()))
        examples[split] = dict(sorted(Counter(ex.source for ex in exs).items()))
        groups[split] = sorted({ex.group for ex in exs if ex.group})
    files = sorted(
        {
            (ex.source, str(ex.meta.get("file")), str(ex.meta.get("sha256")), str(ex.meta.get("sheet") or ""))
            for ex in inputs
            if ex.meta.get("file")
        }
    )
    return {
        "seed": seed,
        "fractions": dict(zip(SPLITS, fractions, strict=True)),
        "normalizer_version": normalizer.version,
        "slang_entries": len(normalizer.slang),
        # a workbook's sheet where one was named: two sheets of one file share its sha256
        "inputs": [{"source": s, "file": f, "sha256": h, **({"sheet": sh} if sh else {})} for s, f, h, sh in files],
        "examples": examples,
        "counts": counts,
        "groups": groups,
        "duplicates": duplicates,
        "conflicts": conflicts,
        # What the model learnt from (train) and was calibrated on (validation), as text fingerprints: read by
        # `saring eval --compare` to warn when a model is compared on texts it was trained on.
        "text_hashes": {s: sorted({text_hash(normalizer, ex.text) for ex in splits[s]}) for s in HASHED_SPLITS},
    }


def manifest_rows(manifest: dict[str, Any], all_labels: bool = False) -> list[dict[str, Any]]:
    """One row per source x label: {source, label, <split>: {"1", "0", "missing"}, ...}.

    Labels a source never annotated (missing in every split) are left out unless `all_labels`.
    """
    counts = manifest["counts"]
    sources = sorted({src for split in counts.values() for src in split})
    rows = []
    for src in sources:
        for name in ALL_LABELS:
            cells = {s: counts.get(s, {}).get(src, {}).get(name, {"1": 0, "0": 0, "missing": 0}) for s in SPLITS}
            known = sum(c["1"] + c["0"] for c in cells.values())
            if known == 0 and not all_labels:
                continue
            rows.append({"source": src, "label": name, **cells})
    return rows


def manifest_table(manifest: dict[str, Any], all_labels: bool = False) -> Table:
    """A rich table: examples per source, then each label's 1 / 0 / missing counts per split."""
    table = Table(title="examples per source, label and split (positive / negative / missing)", show_lines=False)
    table.add_column("source", style="bold")
    table.add_column("label")
    for s in SPLITS:
        table.add_column(s, justify="right")
    table.add_column("total", justify="right")
    examples = manifest["examples"]
    rows = manifest_rows(manifest, all_labels)
    last = None
    for row in rows:
        src = row["source"]
        if src != last:
            if last is not None:
                table.add_section()
            n = [examples.get(s, {}).get(src, 0) for s in SPLITS]
            table.add_row(src, "[italic]examples[/italic]", *(f"{x:,}" for x in n), f"{sum(n):,}")
            last = src
        cells = [row[s] for s in SPLITS]
        tot = {k: sum(c[k] for c in cells) for k in ("1", "0", "missing")}
        table.add_row("", row["label"], *(_fmt(c) for c in cells), _fmt(tot))
    table.add_section()
    totals = [sum(examples.get(s, {}).values()) for s in SPLITS]
    table.add_row("all", "[italic]examples[/italic]", *(f"{x:,}" for x in totals), f"{sum(totals):,}")
    return table


def _fmt(c: dict[str, int]) -> str:
    return f"{c['1']:,} / {c['0']:,} / {c['missing']:,}"
