from __future__ import annotations

from collections import Counter

import pytest
from rich.console import Console

from model.examples import Example
from model.normalize import Normalizer
from model.splits import SPLITS, manifest_rows, manifest_table, prepare

NORM = Normalizer({"gk": "tidak", "yg": "yang"})


def ex(
    text: str, source: str = "a", group: str | None = None, split: str | None = None, **labels: int | None
) -> Example:
    meta = {"file": f"{source}.csv", "sha256": source * 8}
    if split:
        meta["original_split"] = split
    return Example(text=text, labels=dict(labels), source=source, id=f"{source}:{text[:12]}", group=group, meta=meta)


def synthetic(n: int = 600) -> list[Example]:
    out = []
    for i in range(n):
        src = "a" if i % 3 else "b"
        out.append(ex(f"teks nomor {i} tentang hal {i % 7}", src, slander=int(i % 4 == 0), incitement=int(i % 5 == 0)))
    return out


def split_of(data, pred) -> set[str]:
    return {s for s, exs in data.items() for e in exs if pred(e)}


def test_no_normalised_text_and_no_group_crosses_splits() -> None:
    examples = synthetic()
    # variants that normalise to the same text: case, a URL, a mention, slang
    for i in range(0, 600, 10):
        examples.append(ex(f"TEKS NOMOR {i} TENTANG HAL {i % 7}", "b", slander=1))
    examples += [ex(f"@budi gk setuju {i} yg ini https://t.co/x", "a", slander=0) for i in range(20)]
    examples += [ex(f"USER tidak setuju {i} yang ini URL", "b", incitement=1) for i in range(20)]
    examples += [ex(f"artikel {i} topik {i % 6}", "news", group=f"topic{i % 6}", hoax=i % 2) for i in range(120)]
    data = prepare(examples, NORM, seed=7)
    where: dict[str, set[str]] = {}
    groups: dict[str, set[str]] = {}
    for split, exs in data.items():
        for e in exs:
            where.setdefault(NORM.normalize(e.text), set()).add(split)
            if e.group:
                groups.setdefault(e.group, set()).add(split)
    assert all(len(s) == 1 for s in where.values())
    assert len(groups) == 6 and all(len(s) == 1 for s in groups.values())
    manifest_groups = data.manifest["groups"]
    assert sum(len(v) for v in manifest_groups.values()) == 6
    assert sum(len(v) for v in manifest_groups.values()) == len(set().union(*map(set, manifest_groups.values())))


def test_duplicates_merged_and_conflicts_counted_with_the_tie_rule() -> None:
    examples = [
        ex("Dasar maling!", "a", slander=1, hate_speech=1),
        ex("dasar   MALING!", "a", slander=0, hate_speech=0),  # within-source tie
        ex("dasar maling!", "b", slander=1, defamation=1),  # across sources: majority 2 x 1 vs 1 x 0
        ex("beda teks", "a", slander=0, hate_speech=1),
        ex("beda teks", "a", slander=0, hate_speech=0),  # tie on an auxiliary label -> missing
        ex("sendirian", "b", slander=0),
    ]
    data = prepare(examples, NORM)
    merged = {NORM.normalize(e.text): e for _, exs in data.items() for e in exs}
    assert len(merged) == 3
    m = merged["dasar maling !"]
    assert m.labels == {"slander": 1, "hate_speech": None, "defamation": 1}
    assert m.meta["sources"] == ["a", "b"] and len(m.meta["merged_ids"]) == 3
    assert merged["beda teks"].labels == {"slander": 0, "hate_speech": None}
    man = data.manifest
    assert man["duplicates"]["within_source"] == {"a": 2}
    assert man["duplicates"]["across_sources_texts"] == 1
    assert man["duplicates"]["merged_away"] == 3
    assert man["conflicts"]["by_label"] == {"hate_speech": 2, "slander": 1}
    assert man["conflicts"]["ties_by_label"] == {"hate_speech": 2}
    assert man["conflicts"]["texts_with_conflict"] == {"within_source": 1, "across_sources": 1}


def test_tie_on_a_risk_gives_positive() -> None:
    data = prepare([ex("fitnah itu", "a", slander=1), ex("Fitnah itu", "b", slander=0)], NORM)
    (only,) = [e for _, exs in data.items() for e in exs]
    assert only.labels["slander"] == 1
    assert data.manifest["conflicts"]["ties_by_label"] == {"slander": 1}


def test_missing_labels_stay_missing() -> None:
    examples = [ex("hoaks vaksin chip", "news", hoax=1), ex("bupati maling", "tweets", slander=1, incitement=None)]
    data = prepare(examples, NORM)
    by_text = {e.text: e for _, exs in data.items() for e in exs}
    assert by_text["hoaks vaksin chip"].label("slander") is None
    assert by_text["bupati maling"].label("hoax") is None and by_text["bupati maling"].label("incitement") is None
    counts = data.manifest["counts"]
    total_missing = sum(counts[s].get("news", {}).get("slander", {}).get("missing", 0) for s in SPLITS)
    assert total_missing == 1


def test_original_test_split_is_honoured() -> None:
    examples = [ex(f"latih {i}", "net", split="train", slander=i % 2) for i in range(200)]
    examples += [ex(f"uji {i}", "net", split="test", slander=i % 2) for i in range(30)]
    examples += [ex("uji 3", "net", split="train", slander=0), ex("UJI 4", "net", split="train", slander=1)]
    examples += [ex("uji 5", "other", slander=1)]  # another source's copy merges, it is not removed
    data = prepare(examples, NORM)
    test_texts = {e.text for e in data.test}
    assert {f"uji {i}" for i in range(30)} <= test_texts
    assert not any(e.text.startswith("latih") for e in data.test)
    assert data.manifest["duplicates"]["removed_train_overlapping_test"] == {"net": 2}
    uji3 = next(e for e in data.test if e.text == "uji 3")
    assert uji3.labels["slander"] == 1  # the train copy (0) was removed, not outvoted
    uji5 = next(e for e in data.test if e.text == "uji 5")
    assert uji5.meta["sources"] == ["net", "other"]
    assert len(data.validation) > 0


def test_deterministic_and_close_to_the_fractions() -> None:
    examples = synthetic(1000)
    a = prepare(examples, NORM, seed=42)
    b = prepare(examples, NORM, seed=42)
    c = prepare(examples, NORM, seed=1)
    ids = lambda d: {s: [e.id for e in exs] for s, exs in d.items()}  # noqa: E731
    assert ids(a) == ids(b) and ids(a) != ids(c)
    sizes = Counter({s: len(exs) for s, exs in a.items()})
    assert abs(sizes["train"] - 800) <= 15 and abs(sizes["validation"] - 100) <= 15
    # stratified: each split holds slander positives of both sources
    for split, exs in a.items():
        for src in ("a", "b"):
            assert any(e.source == src and e.labels["slander"] == 1 for e in exs), (split, src)
    with pytest.raises(ValueError, match="fractions"):
        prepare(examples, NORM, fractions=(0.5, 0.1, 0.1))


def test_manifest_counts_and_table() -> None:
    examples = synthetic(300)
    data = prepare(examples, NORM)
    man = data.manifest
    assert sum(sum(v.values()) for v in man["examples"].values()) == 300
    for split, exs in data.items():
        for src, n in man["examples"][split].items():
            c = man["counts"][split][src]["slander"]
            assert c["1"] + c["0"] + c["missing"] == n
            assert c["1"] == sum(1 for e in exs if e.source == src and e.labels.get("slander") == 1)
    assert {i["source"] for i in man["inputs"]} == {"a", "b"}
    rows = manifest_rows(man)
    assert {r["label"] for r in rows} == {"slander", "incitement"}
    console = Console(width=160, record=True)
    console.print(manifest_table(man))
    out = console.export_text()
    assert "slander" in out and "validation" in out and "examples" in out


def test_adding_a_source_leaves_the_other_sources_splits_as_they_were() -> None:
    """A new source (here one that sorts first and one that sorts last) must not move any other source's row:
    else a model trained before the addition could hold today's test rows in its training data."""
    base = synthetic()
    before = {e.text: e.meta["split"] for _, exs in prepare(base, NORM, seed=7).items() for e in exs}
    for name in ("0_first", "zz_last"):
        extra = [ex(f"kiriman baru {name} {i}", name, slander=int(i % 2 == 0)) for i in range(90)]
        after = {e.text: e.meta["split"] for _, exs in prepare(base + extra, NORM, seed=7).items() for e in exs}
        assert {t: after[t] for t in before} == before
