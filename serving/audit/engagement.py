"""Engagement in audits: the public's response to posts (likes, comments, shares) and the kind of interaction
(push: the agency broadcasts; pull: citizens post or reply; co-design), related to saring's decisions.

Two halves:

* reading (used by ``serving.audit.score``): :func:`parse_count` turns a count cell into a whole number of 0
  or more, or a *bad value* with a code and a reason (the row is still scored; the count is left null and the
  problem is listed in the results' ``bad_values`` column and in the report, never dropped silently);
  :func:`normalize_interaction` reads the interaction type.
* the report section (used by ``serving.audit.report``): :class:`EngagementAccumulator` streams over the
  results parts like the rest of the report (memory grows with the number of interaction types, accounts
  and distinct count values, not with rows) and gives the share of flagged posts per interaction type
  (Wilson 95% intervals), the engagement of flagged vs unflagged posts as medians with bootstrap 95%
  intervals, the accounts whose flagged posts drew the most engagement, and the bad values;
  :func:`section_context` gives what the report templates (templates/audit/engagement.*.j2) render as
  Markdown and as HTML with matplotlib charts.

A post is *flagged* when any risk is flagged (decision review or block).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

COUNT_ROLES: tuple[str, ...] = ("likes", "comments", "shares")
ENGAGEMENT_ROLES: tuple[str, ...] = (*COUNT_ROLES, "author_type", "interaction")
ENGAGEMENT = "engagement"  # the sum of the mapped counts
INTERACTIONS: tuple[str, ...] = ("push", "pull", "co-design")
NOT_A_COUNT = "NOT_A_COUNT"
NEGATIVE_COUNT = "NEGATIVE_COUNT"
BAD_VALUE_CODES = {
    NOT_A_COUNT: "the cell is not a whole number (text, a fraction, true/false)",
    NEGATIVE_COUNT: "the count is below zero",
}
BOOTSTRAP_REPS = 1000
BOOTSTRAP_SEED = 0
SAMPLE_ROWS = 20
NONE_KEY = "(none)"

_INTERACTION_NAMES = {
    "push": "push",
    "broadcast": "push",
    "siaran": "push",
    "pull": "pull",
    "co-design": "co-design",
    "codesign": "co-design",
    "co design": "co-design",
    "co_design": "co-design",
    "co-creation": "co-design",
    "kolaborasi": "co-design",
}
# author_type values read as an interaction type when the input has no interaction column (or it is empty)
_AGENCY = frozenset(
    {
        "agency",
        "government",
        "gov",
        "official",
        "instansi",
        "pemerintah",
        "dinas",
        "humas",
        "kementerian",
        "pemda",
        "lembaga",
    }
)
_CITIZEN = frozenset({"citizen", "citizens", "public", "warga", "masyarakat", "publik", "netizen", "user"})

_PLAIN = re.compile(r"^[+]?\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:([.,  ])\d{3})(?:\1\d{3})*$")  # 1.234 / 1,234 / 1 234 567
_ABBREVIATED = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(k|rb|ribu|jt|juta)$", re.IGNORECASE)
_MULTIPLIER = {"k": 1_000, "rb": 1_000, "ribu": 1_000, "jt": 1_000_000, "juta": 1_000_000}


def _bad(code: str, found: str) -> tuple[None, tuple[str, str]]:
    return None, (code, f"{found}; expected a whole number of 0 or more (e.g. 12, 1.234, 1,2rb)")


def parse_count(value: Any) -> tuple[int | None, tuple[str, str] | None]:
    """(count, None) for a readable count, (None, None) for a missing one, (None, (code, reason)) for a bad
    one. Reads integers, integer-valued floats (12.0), thousands separators (1.234, 1,234) and the
    abbreviations K / rb / ribu (thousand) and jt / juta (million) as shown by platforms (1,2rb = 1200).
    The reason never echoes a text value (a count column may by mistake hold post text)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return _bad(NOT_A_COUNT, f"found {str(value).lower()}")
    if isinstance(value, int):
        return (value, None) if value >= 0 else _bad(NEGATIVE_COUNT, f"found {value}")
    if isinstance(value, float):
        if math.isnan(value):
            return None, None
        if math.isinf(value) or not value.is_integer():
            return _bad(NOT_A_COUNT, f"found the fraction {value:g}" if math.isfinite(value) else "found infinity")
        return (int(value), None) if value >= 0 else _bad(NEGATIVE_COUNT, f"found {value:g}")
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    s = str(value).strip()
    if not s:
        return None, None
    if _PLAIN.match(s):
        return int(s), None
    if _GROUPED.match(s):
        return int(re.sub(r"\D", "", s)), None
    m = _ABBREVIATED.match(s)
    if m:
        return round(float(m.group(1).replace(",", ".")) * _MULTIPLIER[m.group(2).lower()]), None
    try:
        x = float(s.replace(",", "."))
    except ValueError:
        return _bad(NOT_A_COUNT, f"found text of {len(s)} character(s)")
    if not math.isfinite(x):
        return _bad(NOT_A_COUNT, "found infinity or NaN")
    if x < 0:
        return _bad(NEGATIVE_COUNT, f"found {x:g}")
    if not x.is_integer():
        return _bad(NOT_A_COUNT, f"found the fraction {x:g}")
    return int(x), None


def normalize_interaction(value: str | None) -> str | None:
    """push / pull / co-design for the known spellings; other values as written (trimmed, lower case)."""
    if value is None or not value.strip():
        return None
    key = " ".join(value.strip().lower().split())
    return _INTERACTION_NAMES.get(key, _INTERACTION_NAMES.get(key.replace(" ", "-"), key))


def interaction_of_author(author_type: str | None) -> str | None:
    """The interaction an author type implies: an agency's post is a push, a citizen's a pull; else None."""
    if author_type is None:
        return None
    key = author_type.strip().lower()
    if key in _AGENCY:
        return "push"
    if key in _CITIZEN:
        return "pull"
    return None


def format_bad_value(role: str, code: str, reason: str) -> str:
    """One entry of the results' `bad_values` column: 'ROLE CODE: reason'."""
    return f"{role} {code}: {reason}"


def parse_bad_value(entry: str) -> tuple[str, str, str]:
    head, _, reason = entry.partition(": ")
    role, _, code = head.partition(" ")
    return role, code, reason


# ----------------------------------------------------------------------------------------------------
# statistics


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float] | None:
    """The Wilson score 95% interval of a proportion k/n."""
    if n <= 0:
        return None
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _sorted_counts(counter: Counter[int]) -> tuple[Any, Any]:
    import numpy as np

    values = np.array(sorted(counter), dtype=np.float64)
    counts = np.array([counter[int(v)] for v in values], dtype=np.int64)
    return values, counts


def _weighted_medians(values: Any, counts: Any) -> Any:
    """Medians of samples given as counts per sorted value; `counts` is (k,) or (reps, k)."""
    import numpy as np

    counts = np.atleast_2d(counts)
    cum = np.cumsum(counts, axis=1)
    n = cum[:, -1]
    lo_rank, hi_rank = (n - 1) // 2, n // 2  # 0-based ranks of the middle value(s)
    lo = np.array([np.searchsorted(c, r, side="right") for c, r in zip(cum, lo_rank, strict=True)])
    hi = np.array([np.searchsorted(c, r, side="right") for c, r in zip(cum, hi_rank, strict=True)])
    return (values[lo] + values[hi]) / 2.0


def _bootstrap_medians(counter: Counter[int], reps: int, rng: Any) -> tuple[float, Any]:
    """(the median, `reps` bootstrap medians): resampling n values with replacement is a multinomial draw
    over the distinct values, so no row is kept in memory."""
    import numpy as np

    values, counts = _sorted_counts(counter)
    n = int(counts.sum())
    median = float(_weighted_medians(values, counts)[0])
    p = counts / n
    per_batch = max(1, 2_000_000 // max(1, len(values)))
    out = []
    done = 0
    while done < reps:
        b = min(per_batch, reps - done)
        out.append(_weighted_medians(values, rng.multinomial(n, p, size=b)))
        done += b
    return median, np.concatenate(out)


def _interval(samples: Any) -> list[float]:
    import numpy as np

    lo, hi = np.percentile(samples, [2.5, 97.5])
    return [round(float(lo), 3), round(float(hi), 3)]


def median_comparison(
    flagged: Counter[int], unflagged: Counter[int], reps: int = BOOTSTRAP_REPS, seed: int = BOOTSTRAP_SEED
) -> dict[str, Any]:
    """Medians of flagged and unflagged posts with percentile-bootstrap 95% intervals, and the difference
    (flagged - unflagged) with its interval (the two groups resampled independently)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    out: dict[str, Any] = {}
    boots = {}
    for name, counter in (("flagged", flagged), ("unflagged", unflagged)):
        n = sum(counter.values())
        if n == 0:
            out[name] = {"posts": 0, "median": None, "ci95": None}
            continue
        median, boot = _bootstrap_medians(counter, reps, rng)
        boots[name] = boot
        out[name] = {"posts": n, "median": round(median, 3), "ci95": _interval(boot)}
    if len(boots) == 2:
        diff = boots["flagged"] - boots["unflagged"]
        out["difference"] = {
            "median": round(out["flagged"]["median"] - out["unflagged"]["median"], 3),
            "ci95": _interval(diff),
        }
    else:
        out["difference"] = None
    return out


# ----------------------------------------------------------------------------------------------------
# the accumulator


def flagged_rows(df: Any) -> Any:
    """Which rows of a results part are flagged: any risk flagged, i.e. the row's decision is review or block (the
    one definition the report's sections share)."""
    return (df["decision"].astype("string") != "allow").fillna(False).to_numpy(dtype=bool)


class EngagementAccumulator:
    """Streams over results parts (pandas DataFrames) and builds the report's engagement section."""

    def __init__(self, mapped: dict[str, Any], top: int = 20) -> None:
        self.mapped = {r: mapped.get(r) for r in (*ENGAGEMENT_ROLES, "account")}
        self.counts = [r for r in COUNT_ROLES if self.mapped[r]]
        self.top = top
        self.rows = 0
        self.by_interaction: dict[str, list[int]] = {}  # key -> [rows, flagged]
        self.by_author_type: dict[str, list[int]] = {}
        self.risk_by_interaction: dict[str, Counter[str]] = {}
        self.values: dict[str, dict[bool, Counter[int]]] = {
            m: {True: Counter(), False: Counter()} for m in ([ENGAGEMENT, *self.counts] if self.counts else [])
        }
        self.accounts: Any = None  # DataFrame indexed by account
        self.derived = 0  # rows whose interaction came from author_type
        self.bad_by_code: Counter[str] = Counter()
        self.bad_by_column: Counter[str] = Counter()
        self.bad_sample: list[dict[str, Any]] = []

    @property
    def available(self) -> bool:
        return any(self.mapped[r] for r in ENGAGEMENT_ROLES)

    def update(self, df: Any) -> None:
        import numpy as np
        import pandas as pd

        if df.empty:
            return
        self.rows += len(df)
        flagged = flagged_rows(df)
        if self.mapped["interaction"] or self.mapped["author_type"]:
            inter = (
                df["interaction"].astype(object)
                if "interaction" in df.columns
                else pd.Series(None, index=df.index, dtype=object)
            )
            inter = inter.where(inter.notna(), None)
            authors = (
                df["author_type"].astype(object)
                if "author_type" in df.columns
                else pd.Series(None, index=df.index, dtype=object)
            )
            keys = []
            for i, a in zip(inter.tolist(), authors.tolist(), strict=True):
                if i is None and a is not None and (d := interaction_of_author(a)) is not None:
                    self.derived += 1
                    i = d
                keys.append(i if i is not None else NONE_KEY)
            self._count(self.by_interaction, keys, flagged)
            risks = self._risks(df)
            if risks:
                flags = pd.DataFrame({r: df[f"flag_{r}"].fillna(False).astype(bool).astype("int64") for r in risks})
                for key, row in flags.groupby(np.asarray(keys, dtype=object), sort=False).sum().iterrows():
                    self.risk_by_interaction.setdefault(str(key), Counter()).update(
                        {r: int(v) for r, v in row.items() if v}
                    )
            if self.mapped["author_type"]:
                self._count(self.by_author_type, [a if a is not None else NONE_KEY for a in authors.tolist()], flagged)
        if self.counts:
            cols = {
                r: pd.to_numeric(df[r], errors="coerce") if r in df.columns else pd.Series(np.nan, index=df.index)
                for r in self.counts
            }
            total = sum(cols.values())  # NaN where any mapped count is missing or bad
            for metric, series in [(ENGAGEMENT, total), *cols.items()]:
                arr = series.to_numpy(dtype=float)
                ok = ~np.isnan(arr)
                for flag in (True, False):
                    sel = ok & (flagged == flag)
                    vals, cnts = np.unique(arr[sel].astype(np.int64), return_counts=True)
                    self.values[metric][flag].update(dict(zip(vals.tolist(), cnts.tolist(), strict=True)))
            if self.mapped["account"] and "account" in df.columns:
                acc = pd.DataFrame({"posts": 1, "flagged_posts": flagged.astype(np.int64)}, index=df.index)
                for metric, series in [(ENGAGEMENT, total), *cols.items()]:
                    acc[metric] = series.where(pd.Series(flagged, index=df.index), np.nan).fillna(0.0)
                keys = df["account"].astype(object).where(df["account"].notna(), NONE_KEY)
                g = acc.groupby(keys.to_numpy(), sort=False).sum()
                self.accounts = g if self.accounts is None else self.accounts.add(g, fill_value=0)
        if "bad_values" in df.columns:
            for row_id, src, rownum, entries in zip(
                df["id"],
                df.get("source_file", [None] * len(df)),
                df.get("row", [None] * len(df)),
                df["bad_values"],
                strict=True,
            ):
                if entries is None:
                    continue
                for entry in entries:
                    role, code, reason = parse_bad_value(entry)
                    column = self.mapped.get(role) or role
                    self.bad_by_code[code] += 1
                    self.bad_by_column[column] += 1
                    if len(self.bad_sample) < SAMPLE_ROWS:
                        self.bad_sample.append(
                            {
                                "source_file": src,
                                "row": None if rownum is None else int(rownum),
                                "id": row_id,
                                "column": column,
                                "code": code,
                                "reason": reason,
                            }
                        )

    @staticmethod
    def _risks(df: Any) -> list[str]:
        from model.labels import RISKS

        return [r for r in RISKS if f"flag_{r}" in df.columns]

    @staticmethod
    def _count(acc: dict[str, list[int]], keys: list[str], flagged: Any) -> None:
        for key, f in zip(keys, flagged.tolist(), strict=True):
            slot = acc.setdefault(key, [0, 0])
            slot[0] += 1
            slot[1] += int(f)

    def _groups(self, acc: dict[str, list[int]], risks: dict[str, Counter[str]] | None = None) -> list[dict[str, Any]]:
        order = {k: i for i, k in enumerate(INTERACTIONS)}
        rows = []
        for key in sorted(acc, key=lambda k: (order.get(k, len(order)), k == NONE_KEY, -acc[k][0], k)):
            n, k = acc[key]
            ci = wilson(k, n)
            row: dict[str, Any] = {
                "key": key,
                "posts": n,
                "flagged": k,
                "share": round(k / n, 6) if n else None,
                "ci95": [round(ci[0], 6), round(ci[1], 6)] if ci else None,
            }
            if risks is not None:
                row["flagged_by_risk"] = dict(risks.get(key, Counter()))
            rows.append(row)
        return rows

    def result(self) -> dict[str, Any]:
        mapped = {r: c for r, c in self.mapped.items() if c}
        if not self.available:
            return {
                "available": False,
                "columns": {},
                "note": "left out: the input has no likes, comments, shares, author_type or interaction column; "
                "map them with --column likes=COLUMN (and comments=, shares=, interaction=, author_type=) "
                "to relate engagement to the decisions",
            }
        out: dict[str, Any] = {
            "available": True,
            "columns": mapped,
            "posts": self.rows,
            "notes": [],
            "definition": "A post is flagged when any risk is flagged (decision review or block); "
            f"engagement is the sum of the mapped counts ({' + '.join(self.counts)})"
            if self.counts
            else "A post is flagged when any risk is flagged",
        }
        if self.mapped["interaction"] or self.mapped["author_type"]:
            source = (
                "the interaction column"
                + (", else author_type (agency: push, citizen: pull)" if self.mapped["author_type"] else "")
                if self.mapped["interaction"]
                else "author_type (agency: push, citizen: pull)"
            )
            out["interaction"] = {
                "source": source,
                "derived_from_author_type": self.derived,
                "groups": self._groups(self.by_interaction, self.risk_by_interaction),
            }
            out["author_type"] = self._groups(self.by_author_type) if self.mapped["author_type"] else None
        else:
            out["interaction"] = out["author_type"] = None
            out["notes"].append(
                {
                    "part": "share of flagged posts per interaction type",
                    "why": "no interaction or author_type column (map one with --column "
                    "interaction=COLUMN; values push, pull, co-design)",
                }
            )
        if self.counts:
            out["engagement"] = {m: median_comparison(v[True], v[False]) for m, v in self.values.items()}
            out["bootstrap"] = {"reps": BOOTSTRAP_REPS, "seed": BOOTSTRAP_SEED, "interval": "percentile, 95%"}
        else:
            out["engagement"] = None
            out["notes"].append(
                {
                    "part": "engagement of flagged vs unflagged posts",
                    "why": "no likes, comments or shares column (map them with --column likes=COLUMN ...)",
                }
            )
        if self.counts and self.mapped["account"]:
            top = []
            if self.accounts is not None:
                acc = self.accounts[self.accounts["flagged_posts"] > 0]
                acc = acc.sort_values([ENGAGEMENT, "flagged_posts"], ascending=False, kind="stable").head(self.top)
                for key, row in acc.iterrows():
                    top.append(
                        {
                            "account": str(key),
                            "posts": int(row["posts"]),
                            "flagged_posts": int(row["flagged_posts"]),
                            **{f"flagged_{m}": int(row[m]) for m in (ENGAGEMENT, *self.counts)},
                        }
                    )
            out["top_accounts"] = top
        else:
            out["top_accounts"] = None
            why = "no account (or author) column" if self.counts else "no likes, comments or shares column"
            out["notes"].append({"part": "accounts whose flagged posts drew the most engagement", "why": why})
        out["bad_values"] = {
            "count": sum(self.bad_by_code.values()),
            "by_code": dict(self.bad_by_code.most_common()),
            "by_column": dict(self.bad_by_column.most_common()),
            "sample": self.bad_sample,
            "handling": "the row is scored and kept; the bad count is left empty (null) and the "
            "row is left out of the statistics of that count and of engagement",
        }
        return out


# ----------------------------------------------------------------------------------------------------
# rendering


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _ci_pct(ci: list[float] | None) -> str:
    return "–" if not ci else f"[{100 * ci[0]:.1f}%, {100 * ci[1]:.1f}%]"


def _num(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.1f}"


def _ci(ci: list[float] | None) -> str:
    return "–" if not ci else f"[{_num(ci[0])}, {_num(ci[1])}]"


def tables(eng: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(title, headers, rows) of each table of the section."""
    out: list[tuple[str, list[str], list[list[Any]]]] = []
    inter = eng.get("interaction")
    if inter:
        out.append(
            (
                "Flagged posts per interaction type",
                ["interaction", "posts", "flagged", "share flagged", "95% interval"],
                [[g["key"], g["posts"], g["flagged"], _pct(g["share"]), _ci_pct(g["ci95"])] for g in inter["groups"]],
            )
        )
    if eng.get("author_type"):
        out.append(
            (
                "Flagged posts per author type",
                ["author type", "posts", "flagged", "share flagged", "95% interval"],
                [
                    [g["key"], g["posts"], g["flagged"], _pct(g["share"]), _ci_pct(g["ci95"])]
                    for g in eng["author_type"]
                ],
            )
        )
    if eng.get("engagement"):
        rows = []
        for metric, c in eng["engagement"].items():
            f, u, d = c["flagged"], c["unflagged"], c.get("difference")
            rows.append(
                [
                    metric,
                    f["posts"],
                    _num(f["median"]),
                    _ci(f["ci95"]),
                    u["posts"],
                    _num(u["median"]),
                    _ci(u["ci95"]),
                    _num(d["median"]) if d else "–",
                    _ci(d["ci95"]) if d else "–",
                ]
            )
        out.append(
            (
                "Engagement of flagged and unflagged posts (medians, bootstrap 95% intervals)",
                [
                    "metric",
                    "flagged posts",
                    "median",
                    "95% interval",
                    "unflagged posts",
                    "median",
                    "95% interval",
                    "difference",
                    "95% interval",
                ],
                rows,
            )
        )
    if eng.get("top_accounts") is not None:
        metrics = [
            k
            for k in (eng["top_accounts"][0] if eng["top_accounts"] else {})
            if k.startswith("flagged_") and k != "flagged_posts"
        ]
        out.append(
            (
                "Accounts whose flagged posts drew the most engagement",
                ["account", "posts", "flagged posts", *[m.replace("flagged_", "") + " on flagged" for m in metrics]],
                [[a["account"], a["posts"], a["flagged_posts"], *[a[m] for m in metrics]] for a in eng["top_accounts"]],
            )
        )
    bad = eng.get("bad_values") or {}
    if bad.get("count"):
        out.append(
            (
                f"Bad engagement values ({bad['count']}; first {len(bad['sample'])})",
                ["file", "row", "id", "column", "code", "reason"],
                [[x["source_file"], x["row"], x["id"], x["column"], x["code"], x["reason"]] for x in bad["sample"]],
            )
        )
    return out


def section_context(eng: dict[str, Any] | None, with_charts: bool = False) -> dict[str, Any]:
    """What the report templates (templates/audit/engagement.{html,md}.j2) show of the section: the same for
    HTML and Markdown; charts (PNG data URIs) only `with_charts`."""
    if not eng or not eng.get("available"):
        return {"available": False, "note": (eng or {}).get("note", "left out: no engagement data")}
    bad = eng["bad_values"]
    return {
        "available": True,
        "columns": ", ".join(f"{r} → {c}" for r, c in eng["columns"].items()),
        "definition": eng["definition"],
        "notes": eng["notes"],
        "interaction_source": eng["interaction"]["source"] if eng.get("interaction") else None,
        "bad": {
            "count": bad["count"],
            "by_code": ", ".join(f"{k} {v}" for k, v in bad["by_code"].items()),
            "handling": bad["handling"],
        }
        if bad["count"]
        else None,
        "charts": _charts(eng) if with_charts else [],
        "tables": [{"title": title, "headers": headers, "rows": rows} for title, headers, rows in tables(eng)],
    }


def _charts(eng: dict[str, Any]) -> list[dict[str, str]]:
    """The section's charts as {"uri": PNG data URI, "alt": text}."""
    import numpy as np

    from eval.html import figure_to_data_uri, new_figure

    out: list[dict[str, str]] = []
    inter = eng.get("interaction")
    if inter and inter["groups"]:
        groups = inter["groups"][:12]
        fig, ax = new_figure(max(4.5, 0.9 * len(groups) + 2.5), 3.4)
        shares = np.array([100 * (g["share"] or 0) for g in groups])
        lo = shares - np.array([100 * g["ci95"][0] if g["ci95"] else s for g, s in zip(groups, shares, strict=True)])
        hi = np.array([100 * g["ci95"][1] if g["ci95"] else s for g, s in zip(groups, shares, strict=True)]) - shares
        ax.bar(range(len(groups)), shares, 0.6, yerr=[lo, hi], capsize=4, color="#f0b429")
        ax.set_xticks(range(len(groups)), [g["key"][:18] for g in groups], rotation=20, ha="right")
        ax.set_ylabel("% of posts flagged")
        ax.set_title("Flagged posts per interaction type (95% intervals)")
        out.append({"uri": figure_to_data_uri(fig), "alt": "Flagged posts per interaction type"})
    if eng.get("engagement"):
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt

        metrics = list(eng["engagement"])
        fig, axes = plt.subplots(1, len(metrics), figsize=(max(5.0, 2.4 * len(metrics)), 3.4), squeeze=False)
        for ax, metric in zip(axes[0], metrics, strict=True):
            c = eng["engagement"][metric]
            meds: list[float] = []
            errs: list[list[float]] = [[], []]
            for name in ("flagged", "unflagged"):
                m, ci = c[name]["median"], c[name]["ci95"]
                meds.append(m or 0)
                errs[0].append((m - ci[0]) if ci else 0)
                errs[1].append((ci[1] - m) if ci else 0)
            ax.bar([0, 1], meds, 0.6, yerr=errs, capsize=4, color=["#d64545", "#9fb3c8"])
            ax.set_xticks([0, 1], ["flagged", "unflagged"])
            ax.set_title(f"median {metric}", fontsize=9)
        fig.suptitle("Engagement of flagged vs unflagged posts (bootstrap 95% intervals)", fontsize=10)
        fig.tight_layout()
        out.append({"uri": figure_to_data_uri(fig), "alt": "Engagement of flagged vs unflagged posts"})
    top = eng.get("top_accounts")
    if top:
        rows = top[:12][::-1]
        fig, ax = new_figure(6.5, max(2.5, 0.35 * len(rows) + 1.2))
        ax.barh(range(len(rows)), [a[f"flagged_{ENGAGEMENT}"] for a in rows], color="#d64545")
        ax.set_yticks(range(len(rows)), [a["account"][:24] for a in rows])
        ax.set_xlabel("engagement on flagged posts")
        ax.set_title("Accounts whose flagged posts drew the most engagement")
        out.append({"uri": figure_to_data_uri(fig), "alt": "Accounts whose flagged posts drew the most engagement"})
    return out
