"""Copies in audits: one post published many times (a forwarded hoax, a copied insult, a campaign's text), counted
over the whole audit, and the flagged posts copied most, with how far they spread (accounts, platforms, months).

Two posts are copies when they have the same words in the same order, whatever their case, punctuation, emoji and
spacing (:func:`model.overlap.copy_key`). Each row's copy key is hashed to 64 bits, so counting needs 8 bytes per row
and 8 more per flagged row, whatever the texts' length (a million-row audit: about 16 MB); a second pass over the
results reads only the rows of the most-copied flagged texts, to say where they spread. A post is *flagged* when
any risk is flagged (decision review or block), as in the rest of the report.

Used by ``serving.audit.report``: :class:`CopyCounter` streams over the results parts like the report's other
accumulators, :func:`section_context` gives what the report templates render.
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from model.labels import DECISIONS, RISKS
from model.overlap import copy_key
from serving.audit.engagement import flagged_rows

KEY_COLUMN = "_copy_key"
MAX_ACCOUNTS_LISTED = 5
DEFINITION = (
    "copies are posts with the same words in the same order, whatever their case, punctuation, emoji and spacing; "
    "a post is flagged when any risk is flagged (review or block)"
)

NO_TEXT = (
    "left out: the results hold no texts (the audit ran with --drop-text), so copies cannot be counted; run the "
    "audit without --drop-text to count them"
)


def copy_keys(texts: Any) -> np.ndarray:
    """64-bit fingerprints of the texts' copy keys (a pandas Series of str or None; None and empty texts get the
    fingerprint of the empty key, and are never reported as copies)."""
    import pandas as pd

    keys = pd.Series([copy_key(t) if isinstance(t, str) else "" for t in texts], dtype=object)
    return pd.util.hash_pandas_object(keys, index=False).to_numpy(dtype=np.uint64)


@functools.cache
def empty_key() -> int:
    """The fingerprint of a post with no words (an empty text, only emoji or punctuation): never a copy."""
    return int(copy_keys([""])[0])


class CopyCounter:
    """Counts every row's copy key and every flagged row's, part by part; :meth:`finish` ranks the flagged texts
    copied most, and :meth:`spread` reads the results again for those texts only."""

    def __init__(self, top: int = 20) -> None:
        self.top = top
        self._by_part: dict[Path, np.ndarray] = {}  # every row's key, by part: counted once, read again by spread
        self._flagged: list[np.ndarray] = []
        self._keys = np.zeros(0, np.uint64)
        self._counts = np.zeros(0, np.int64)
        self.summary: dict[str, Any] = {}
        self.ranked: list[tuple[int, int, int]] = []  # (key, flagged copies, all copies), most copied first

    def update(self, df: Any, part: Path) -> np.ndarray:
        """Count the rows of results part `part`; returns their keys (the report also uses them to list distinct
        texts). The keys are kept for :meth:`spread`, so no text's words are worked out twice."""
        keys = copy_keys(df["text"])
        self._by_part[part] = keys
        self._flagged.append(keys[flagged_rows(df)])
        return keys

    def copies(self, keys: np.ndarray, no_words: int | None = None) -> np.ndarray:
        """How many rows of the whole audit share each of `keys` (after :meth:`finish`); `no_words`, if given, for
        the key of posts without words."""
        keys = np.asarray(keys, dtype=np.uint64)
        if not len(self._keys):
            return np.zeros(len(keys), np.int64)
        pos = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        out = np.where(self._keys[pos] == keys, self._counts[pos], 0)
        if no_words is not None:
            out[keys == empty_key()] = no_words
        return out

    def finish(self) -> None:
        every = np.concatenate(list(self._by_part.values())) if self._by_part else np.zeros(0, np.uint64)
        flagged = np.concatenate(self._flagged) if self._flagged else np.zeros(0, np.uint64)
        self._flagged = []
        self._keys, counts = np.unique(every, return_counts=True)
        self._counts = counts.astype(np.int64)
        real = self._keys != empty_key()
        fkeys, fcounts = np.unique(flagged, return_counts=True)
        freal = fkeys != empty_key()
        fall = self.copies(fkeys)
        copied = freal & (fcounts >= 2)
        order = np.lexsort((-fall[copied], -fcounts[copied]))[: self.top]
        self.ranked = [
            (int(k), int(f), int(a))
            for k, f, a in zip(fkeys[copied][order], fcounts[copied][order], fall[copied][order], strict=True)
        ]
        self.summary = {
            "rows": int(counts.sum()),
            "distinct_texts": int(real.sum()),
            "rows_with_copies": int(counts[real & (counts >= 2)].sum()),
            "flagged_rows": int(fcounts[freal].sum()),
            "flagged_distinct_texts": int(freal.sum()),
            "flagged_rows_with_copies": int(fcounts[copied].sum()),
        }

    def spread(self, parts: list[Path], columns: list[str]) -> list[dict[str, Any]]:
        """The most-copied flagged texts with their first row (in the results' order), the accounts, platforms and
        months they were posted in, and each risk's highest score and most severe decision among the copies."""
        import pyarrow.parquet as pq

        if not self.ranked:
            return []
        wanted = np.fromiter((k for k, _, _ in self.ranked), np.uint64, len(self.ranked))
        seen: dict[int, dict[str, Any]] = {}
        severity = {d: i for i, d in enumerate(DECISIONS)}
        for part in parts:
            keys = self._by_part.get(part)
            if keys is None:
                keys = copy_keys(pq.read_table(part, columns=["text"]).column("text").to_pylist())
            hit = np.isin(keys, wanted)
            if not hit.any():
                continue
            names = pq.ParquetFile(part).schema_arrow.names
            df = pq.read_table(part, columns=[c for c in columns if c in names]).to_pandas().loc[hit]
            # one group per listed text, in the results' order: a text's first copy is the first row of its group
            for key, grp in df.groupby(keys[hit], sort=False):
                s = seen.get(int(key))
                if s is None:
                    first = grp.iloc[0]
                    s = seen[int(key)] = {
                        "first": {c: first[c] for c in ("id", "source_file", "row", "text") if c in grp.columns},
                        "accounts": Counter(),
                        "platforms": set(),
                        "months": set(),
                        "scores": dict.fromkeys(RISKS, 0.0),
                        "decisions": dict.fromkeys(RISKS, 0),
                    }
                if "account" in grp.columns:
                    s["accounts"].update(v for v in grp["account"] if isinstance(v, str) and v)
                for col, bucket in (("platform", "platforms"), ("month", "months")):
                    if col in grp.columns:
                        s[bucket].update(v for v in grp[col].unique() if isinstance(v, str) and v)
                for r in RISKS:
                    s["scores"][r] = max(s["scores"][r], float(grp[f"score_{r}"].max()))
                    worst = grp[f"decision_{r}"].map(severity).max() if f"decision_{r}" in grp.columns else 0
                    s["decisions"][r] = max(s["decisions"][r], int(worst) if worst == worst else 0)
        out = []
        for key, f, a in self.ranked:
            s = seen[key]
            months = sorted(s["months"])
            first = {k: (v.item() if hasattr(v, "item") else v) for k, v in s["first"].items()}
            out.append(
                {
                    **first,
                    "copies": a,
                    "flagged_copies": f,
                    "accounts": len(s["accounts"]),
                    # the accounts that posted it most, with their copies
                    "top_accounts": [[a, n] for a, n in s["accounts"].most_common(MAX_ACCOUNTS_LISTED)],
                    "platforms": sorted(s["platforms"]),
                    "first_month": months[0] if months else None,
                    "last_month": months[-1] if months else None,
                    "scores": {r: round(v, 4) for r, v in s["scores"].items()},
                    "decisions": {r: DECISIONS[i] for r, i in s["decisions"].items()},
                }
            )
        return out


def section_context(copies: dict[str, Any] | None, snippet: int = 280) -> dict[str, Any] | None:
    """The report's "Most-copied flagged posts" section: a sentence of totals and one table."""
    if not copies:
        return None
    if "left_out" in copies:
        return {"left_out": copies["left_out"]}
    s = copies["summary"]
    headers = ["#", "copies flagged / all", "accounts", "platforms", "months", "risks flagged (highest score)"]
    headers += ["first id", "text"]
    rows = []
    for i, p in enumerate(copies["top"]):
        risks = ", ".join(f"{r} {p['scores'][r]:.2f}" for r in RISKS if p["decisions"][r] != DECISIONS[0]) or "–"
        months = p["first_month"] if p["first_month"] == p["last_month"] else f"{p['first_month']} – {p['last_month']}"
        text = p.get("text") or ""
        rows.append(
            [
                i + 1,
                f"{p['flagged_copies']} / {p['copies']}",
                p["accounts"] if p["top_accounts"] else "–",
                ", ".join(p["platforms"]) or "–",
                months or "–",
                risks,
                p.get("id") or "",
                text if len(text) <= snippet else text[: snippet - 1] + "…",
            ]
        )
    sentence = (
        f"{s['flagged_rows']:,} posts were flagged, {s['flagged_distinct_texts']:,} distinct texts; "
        f"{s['flagged_rows_with_copies']:,} of them are copies of a text flagged more than once. Of all "
        f"{s['rows']:,} posts, {s['rows_with_copies']:,} have a copy in this audit."
    )
    return {
        "left_out": None,
        "summary": s,
        "sentence": sentence,
        "definition": copies["definition"][:1].upper() + copies["definition"][1:],
        "table": {"headers": headers, "rows": rows} if rows else None,
    }
