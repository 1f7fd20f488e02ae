"""The audit report: how often each risk was flagged and each decision taken, by platform, account, kind and
month; the highest-scoring posts per risk (distinct texts, their copies counted); the flagged posts copied most
and how far they spread (serving.audit.copies); the share of replies that repeated risky content; and, when the
input has engagement columns, engagement related to the decisions (serving.audit.engagement).

Computed by streaming over the part files of ``OUT_DIR/results`` (per-part group sums and top-k, merged),
so memory grows with the number of groups, not with the number of rows (but for copies: 8-16 bytes a row).
Written as ``report.json``, ``report.md`` and one self-contained ``report.html`` with charts, both rendered from one
context (:func:`report_context`) by the Jinja2 templates in serving/templates/audit/ (HTML autoescaped).

Run on an existing audit folder: ``python -m serving.audit.report OUT_DIR``.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from eval.html import md_cell, template_environment
from model.labels import DECISIONS, RISKS
from model.modeldir import write_json_atomic
from serving.audit import copies as audit_copies
from serving.audit import engagement as audit_engagement
from serving.audit.score import TERM_MATCHES

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates" / "audit"

DIMENSIONS = ("platform", "account", "kind", "month")
NONE_KEY = "(none)"
REPEAT_CODE = "REPEATS_RISKY_PARENT"
REPLY_KINDS = frozenset({"reply", "replies", "comment", "komentar", "balasan", "balas", "reply_comment"})
SNIPPET_CHARS = 280
COUNTERS = (
    ["rows"] + [f"flag_{r}" for r in RISKS] + [f"block_{r}" for r in RISKS] + list(DECISIONS) + ["replies", "repeats"]
)


def _read_header(out: Path) -> dict[str, Any]:
    p = out / "_progress.jsonl"
    if not p.exists():
        return {}
    with open(p, encoding="utf-8") as fh:
        line = fh.readline()
    try:
        rec = json.loads(line)
    except ValueError:
        return {}
    return rec if rec.get("type") == "run" else {}


def _parts(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))


def _indicators(df: Any) -> Any:
    import numpy as np
    import pandas as pd

    ind = pd.DataFrame(index=df.index)
    ind["rows"] = 1
    for r in RISKS:
        ind[f"flag_{r}"] = df[f"flag_{r}"].astype(bool).astype("int64")
        ind[f"block_{r}"] = (df[f"decision_{r}"] == "block").astype("int64")
    for d in DECISIONS:
        ind[d] = (df["decision"] == d).astype("int64")
    if "parent_text" in df.columns:
        has_parent = df["parent_text"].notna() & (df["parent_text"].astype(str).str.strip() != "")
    else:
        has_parent = pd.Series(False, index=df.index)
    kind_reply = df["kind"].astype("string").str.strip().str.lower().isin(REPLY_KINDS).fillna(False)
    repeats = np.array([REPEAT_CODE in (w if w is not None else ()) for w in df["warnings"]], dtype=bool)
    ind["replies"] = (has_parent.to_numpy(dtype=bool) | kind_reply.to_numpy(dtype=bool) | repeats).astype("int64")
    ind["repeats"] = repeats.astype("int64")
    return ind


def _group_rows(acc: Any, sort: str = "rows") -> list[dict[str, Any]]:
    if acc is None:
        return []
    acc = acc.sort_index() if sort == "key" else acc.sort_values("rows", ascending=False, kind="stable")
    return [_stats(str(key), row) for key, row in acc.iterrows()]


def _rate(c: float, n: float) -> float | None:
    return round(float(c) / float(n), 6) if n else None


def _stats(key: str | None, row: Any) -> dict[str, Any]:
    n = int(row["rows"])
    out: dict[str, Any] = {"key": key} if key is not None else {}
    out["rows"] = n
    out["flagged"] = {r: {"count": int(row[f"flag_{r}"]), "rate": _rate(row[f"flag_{r}"], n)} for r in RISKS}
    out["blocked"] = {r: {"count": int(row[f"block_{r}"]), "rate": _rate(row[f"block_{r}"], n)} for r in RISKS}
    out["decisions"] = {d: {"count": int(row[d]), "rate": _rate(row[d], n)} for d in DECISIONS}
    out["replies"] = int(row["replies"])
    out["repeats_risky_parent"] = int(row["repeats"])
    out["repeat_share"] = _rate(row["repeats"], row["replies"])
    return out


def build_report(out_dir: str | Path, top: int = 20, max_groups: int = 200) -> dict[str, Any]:
    """Aggregate an audit's results folder into the report dictionary (what report.json holds)."""
    import pandas as pd
    import pyarrow.parquet as pq

    out = Path(out_dir)
    header = _read_header(out)
    mapped = (header.get("settings", {}) or {}).get("columns", {}) or {}
    dims = [d for d in DIMENSIONS if (d != "month" and mapped.get(d)) or (d == "month" and mapped.get("timestamp"))]
    if not header:
        dims = list(DIMENSIONS)
    acc: dict[str, Any] = dict.fromkeys(dims)
    overall = pd.Series(0, index=COUNTERS, dtype="int64")
    warnings: Counter[str] = Counter()
    terms: Counter[str] | None = None  # with term lists (results with the column term_matches): rows per term
    tops: dict[str, Any] = dict.fromkeys(RISKS)
    show = ["id", "source_file", "row", "platform", "account", "kind", "timestamp", "text", "decision"]
    engagement = audit_engagement.EngagementAccumulator(mapped, top=top)
    copies = audit_copies.CopyCounter(top=top)
    key = audit_copies.KEY_COLUMN
    parts = _parts(out / "results")
    has_text = False
    id_hashes: list[Any] = []  # 8 bytes a scored row: ids repeated across the whole audit (a file exported twice)
    for part in parts:
        names = pq.ParquetFile(part).schema_arrow.names
        want = [
            c
            for c in (
                *show,
                "parent_text",
                "month",
                "warnings",
                TERM_MATCHES,
                *[f"score_{r}" for r in RISKS],
                *[f"flag_{r}" for r in RISKS],
                *[f"decision_{r}" for r in RISKS],
                *audit_engagement.ENGAGEMENT_ROLES,
                "bad_values",
            )
            if c in names
        ]
        df = pq.read_table(part, columns=want).to_pandas()
        if df.empty:
            continue
        has_text = has_text or "text" in df.columns
        for c in ("platform", "account", "kind", "month", "text"):
            if c not in df.columns:
                df[c] = None
        ind = _indicators(df)
        if "id" in df.columns:
            id_hashes.append(pd.util.hash_pandas_object(df["id"].astype(str), index=False).to_numpy())
        engagement.update(df)
        df[key] = copies.update(df, part)
        overall = overall.add(ind.sum(), fill_value=0)
        for codes in df["warnings"]:
            if codes is not None:
                warnings.update(codes)
        if TERM_MATCHES in df.columns:
            terms = terms if terms is not None else Counter()
            for names in df[TERM_MATCHES]:
                if names is not None:
                    terms.update(names)
        for d in dims:
            keys = df[d].astype(object).where(df[d].notna(), NONE_KEY)
            g = ind.groupby(keys.to_numpy(), sort=False).sum()
            acc[d] = g if acc[d] is None else acc[d].add(g, fill_value=0)
        for r in RISKS:
            # distinct texts: a post copied a thousand times is one line of the table (with its copies counted)
            cand = _distinct_top(df, f"score_{r}", top)[
                [c for c in show if c in df.columns] + [f"score_{r}", f"decision_{r}", key]
            ]
            both = cand if tops[r] is None else pd.concat([tops[r], cand], ignore_index=True)
            tops[r] = _distinct_top(both, f"score_{r}", top).reset_index(drop=True)
    copies.finish()
    for r in RISKS:
        if tops[r] is not None:
            tops[r]["copies"] = copies.copies(tops[r][key].to_numpy(dtype="uint64"), no_words=1)
            tops[r] = tops[r].drop(columns=[key])

    rejects: Counter[str] = Counter()
    reject_sample: list[dict[str, Any]] = []
    for part in _parts(out / "rejects"):
        rj = pq.read_table(part).to_pandas()
        rejects.update(rj["code"].astype(str).tolist())
        if len(reject_sample) < 20:
            reject_sample.extend(_records(rj.head(20 - len(reject_sample))))

    n = int(overall["rows"])
    report: dict[str, Any] = {
        "title": "saring audit report",
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": {k: v for k, v in (header.get("model") or {}).items() if k in ("name", "version")},
        "inputs": [i.get("display") for i in header.get("inputs", [])],
        "columns": mapped,
        "rows": {
            "read": n + sum(rejects.values()),
            "scored": n,
            "rejected": sum(rejects.values()),
            "rejects_by_code": dict(rejects.most_common()),
            **_repeated_ids(id_hashes),
        },
        "overall": _stats(None, overall),
        "replies": {
            "replies": int(overall["replies"]),
            "repeats_risky_parent": int(overall["repeats"]),
            "share": _rate(overall["repeats"], overall["replies"]),
            "definition": "a reply is a row with a parent text (or kind reply/comment); it repeats risky "
            f"content when the scorer raised {REPEAT_CODE}: its parent was flagged and it "
            "restates runs of the parent's words",
        },
        "warnings": dict(warnings.most_common()),
        # None: no term lists (or an audit saved before term_matches); else rows per "list/term"
        "term_matches": dict(terms.most_common()) if terms is not None else None,
        "groups_total": {},
        "top_posts": {r: _records(tops[r]) if tops[r] is not None else [] for r in RISKS},
        "rejects_sample": reject_sample,
        "engagement": engagement.result(),
        "copies": {
            "definition": audit_copies.DEFINITION,
            "summary": copies.summary,
            "top": copies.spread(
                parts, [*show, "month", *[f"score_{r}" for r in RISKS], *[f"decision_{r}" for r in RISKS]]
            ),
        }
        if has_text
        else {"left_out": audit_copies.NO_TEXT}
        if n
        else None,
    }
    for d in DIMENSIONS:
        if d not in dims:
            report[f"by_{d}"] = None
            continue
        rows = _group_rows(acc[d], sort="key" if d == "month" else "rows")
        report["groups_total"][d] = len(rows)
        report[f"by_{d}"] = rows[:max_groups] if d == "account" else rows
    return report


def _repeated_ids(hashes: list[Any]) -> dict[str, int]:
    """How many ids of scored rows occur more than once (`repeated_ids`), and the rows beyond each id's first
    (`repeated_id_rows`): a post exported twice, or two files that overlap, count twice in every total. Ids are
    compared by a 64-bit hash (a false repeat is about one in 10^7 at a million ids)."""
    import numpy as np

    if not hashes:
        return {"repeated_ids": 0, "repeated_id_rows": 0}
    _, counts = np.unique(np.concatenate(hashes), return_counts=True)
    more = counts[counts > 1]
    return {"repeated_ids": int(more.size), "repeated_id_rows": int((more - 1).sum())}


def _distinct_top(df: Any, column: str, top: int) -> Any:
    """The `top` rows with the highest `column`, one per copy key (the first of its copies with that score); posts
    without words (emoji, punctuation) are not copies of one another."""
    ranked = df.sort_values(column, ascending=False, kind="stable")
    keys = ranked[audit_copies.KEY_COLUMN]
    return ranked[~keys.duplicated(keep="first") | (keys == audit_copies.empty_key())].head(top)


def _records(df: Any) -> list[dict[str, Any]]:
    import math

    out = []
    for rec in df.to_dict("records"):
        clean: dict[str, Any] = {}
        for k, v in rec.items():
            if isinstance(v, float) and math.isnan(v):
                v = None
            elif hasattr(v, "item"):
                v = v.item()
            if k == "text" and isinstance(v, str) and len(v) > SNIPPET_CHARS:
                v = v[: SNIPPET_CHARS - 1] + "…"
            clean[k] = v
        out.append(clean)
    return out


# ----------------------------------------------------------------------------------------------------
def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _group_table(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    headers = ["group", "rows"] + [f"{r} flagged" for r in RISKS] + [f"{d}" for d in DECISIONS] + ["replies repeating"]
    body = []
    for g in rows:
        body.append(
            [g.get("key", "all"), g["rows"]]
            + [_pct(g["flagged"][r]["rate"]) for r in RISKS]
            + [_pct(g["decisions"][d]["rate"]) for d in DECISIONS]
            + [f"{g['repeats_risky_parent']}/{g['replies']}" if g["replies"] else "–"]
        )
    return headers, body


def _top_rows(posts: list[dict[str, Any]], risk: str) -> tuple[list[str], list[list[Any]]]:
    headers = ["#", "score", "decision", "copies", "id", "platform", "account", "time", "text"]
    rows = [
        [
            i + 1,
            f"{p.get(f'score_{risk}', 0):.3f}",
            p.get(f"decision_{risk}"),
            p.get("copies") or 1,
            p.get("id"),
            p.get("platform") or "",
            p.get("account") or "",
            p.get("timestamp") or "",
            p.get("text") or "",
        ]
        for i, p in enumerate(posts)
    ]
    return headers, rows


SECTIONS = (("platform", "By platform"), ("account", "By account"), ("kind", "By kind of post"), ("month", "By month"))


def _bar_chart(rows: list[dict[str, Any]], title: str, limit: int = 12) -> list[dict[str, str]]:
    import numpy as np

    from eval.html import figure_to_data_uri, new_figure

    rows = rows[:limit]
    fig, ax = new_figure(max(5.0, 0.6 * len(rows) + 3), 3.6)
    x = np.arange(len(rows))
    width = 0.8 / len(RISKS)
    for j, r in enumerate(RISKS):
        ax.bar(x + j * width - 0.4 + width / 2, [100 * (g["flagged"][r]["rate"] or 0) for g in rows], width, label=r)
    ax.set_xticks(x, [str(g["key"])[:18] for g in rows], rotation=30, ha="right")
    ax.set_ylabel("% of posts flagged")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return [{"uri": figure_to_data_uri(fig), "alt": title}]


def _decision_chart(rows: list[dict[str, Any]], title: str, limit: int = 12) -> list[dict[str, str]]:
    import numpy as np

    from eval.html import figure_to_data_uri, new_figure

    rows = rows[:limit]
    fig, ax = new_figure(max(5.0, 0.6 * len(rows) + 3), 3.6)
    x = np.arange(len(rows))
    bottom = np.zeros(len(rows))
    colours = {"allow": "#9fb3c8", "review": "#f0b429", "block": "#d64545"}
    for d in DECISIONS:
        vals = np.array([100 * (g["decisions"][d]["rate"] or 0) for g in rows])
        ax.bar(x, vals, 0.6, bottom=bottom, label=d, color=colours.get(d))
        bottom += vals
    ax.set_xticks(x, [str(g["key"])[:18] for g in rows], rotation=30, ha="right")
    ax.set_ylabel("% of posts")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return [{"uri": figure_to_data_uri(fig), "alt": title}]


def _month_chart(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    from eval.html import figure_to_data_uri, new_figure

    rows = [g for g in rows if g["key"] != NONE_KEY]
    if not rows:
        return []
    fig, ax = new_figure(7.0, 3.6)
    keys = list(range(len(rows)))
    ax2 = ax.twinx()
    ax2.bar(keys, [g["rows"] for g in rows], color="#e4e7eb", label="posts")
    ax2.set_ylabel("posts")
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    for r in RISKS:
        ax.plot(keys, [100 * (g["flagged"][r]["rate"] or 0) for g in rows], marker="o", label=r)
    ax.set_ylabel("% flagged")
    ax.set_ylim(bottom=0)
    ax.set_title("Flagged posts by month")
    step = max(1, len(rows) // 18)
    ax.set_xticks(keys[::step], [g["key"] for g in rows][::step], rotation=45, ha="right")
    ax.legend(fontsize=8, loc="upper left")
    return [{"uri": figure_to_data_uri(fig), "alt": "Flagged posts by month"}]


def _table(headers: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"headers": headers, "rows": rows}


def report_context(report: dict[str, Any], with_charts: bool = False) -> dict[str, Any]:
    """What the report shows, the one context both templates (templates/audit/report.{html,md}.j2) render;
    charts (PNG data URIs, matplotlib) only `with_charts`, for the HTML page."""
    m = report.get("model", {})
    r = report["rows"]
    groups = []
    for dim, title in SECTIONS:
        rows = report.get(f"by_{dim}")
        if rows is None:
            continue
        charts: list[dict[str, str]] = []
        if rows and with_charts:
            if dim == "month":
                charts = _month_chart(rows)
            else:
                charts = _bar_chart(rows, f"Flagged posts {title.lower()}") + _decision_chart(
                    rows, f"Decisions {title.lower()}"
                )
        total = report["groups_total"].get(dim, len(rows))
        note = (
            f"The {len(rows)} accounts with the most posts, of {total}."
            if dim == "account" and total > len(rows)
            else None
        )
        groups.append({"title": title, "note": note, "charts": charts, "table": _table(*_group_table(rows))})
    top = []
    for risk in RISKS:
        posts = report["top_posts"].get(risk) or []
        top.append({"risk": risk, "table": _table(*_top_rows(posts, risk)) if posts else None})
    return {
        "title": report["title"],
        "subtitle": f"Model {m.get('name', '?')} version {m.get('version', '?')}; generated {report['generated']}",
        # reports written before repeated ids were counted hold no such keys
        "rows": {
            "repeated_ids": 0,
            "repeated_id_rows": 0,
            **r,
            "rejects_by_code": ", ".join(f"{k} {v}" for k, v in r["rejects_by_code"].items()),
        },
        "overall": _table(*_group_table([{**report["overall"], "key": "all"}])),
        "groups": groups,
        "replies": report["replies"],
        "top": top,
        "engagement": audit_engagement.section_context(report.get("engagement"), with_charts),
        "copies": audit_copies.section_context(report.get("copies"), SNIPPET_CHARS),
        "warnings": _table(["code", "rows"], [[k, v] for k, v in report["warnings"].items()])
        if report["warnings"]
        else None,
        "term_matches": _term_table(report.get("term_matches")),
        "rejects": _table(
            ["file", "row", "id", "code", "reason"],
            [
                [x.get("source_file"), x.get("row"), x.get("id"), x.get("code"), x.get("reason")]
                for x in report["rejects_sample"]
            ],
        )
        if report["rejects_sample"]
        else None,
    }


def _term_table(counts: dict[str, int] | None) -> dict[str, Any] | None:
    """The listed terms found (rows per term), or None without term lists; an empty table when none was found."""
    if counts is None:
        return None
    rows = [[*(name.split("/", 1) if "/" in name else ["", name]), n] for name, n in counts.items()]
    return _table(["list", "term", "rows"], rows)


def _cell(value: Any) -> str:
    """An HTML table cell's text (escaped by the template): floats to 3 decimals, NaN as a dash."""
    if isinstance(value, float):
        return "–" if value != value else f"{value:.3f}"
    return str(value)


@functools.cache
def _templates() -> Environment:
    """HTML templates autoescape (every value from the data is escaped); Markdown ones do not."""
    env = template_environment(TEMPLATES_DIR)
    env.filters.update(cell=_cell, md_cell=md_cell, pct=_pct, thousands=lambda n: f"{n:,}")
    return env


def render_markdown(report: dict[str, Any]) -> str:
    text = _templates().get_template("report.md.j2").render(report_context(report))
    return text.rstrip("\n") + "\n"


def render_html(report: dict[str, Any]) -> str:
    from eval.html import PAGE_CSS

    context = report_context(report, with_charts=True)
    return _templates().get_template("report.html.j2").render(context, css=Markup(PAGE_CSS))


def _write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_report(out_dir: str | Path, report: dict[str, Any]) -> dict[str, Path]:
    """Write report.json, report.md and report.html into the audit folder (each atomically)."""
    out = Path(out_dir)
    paths = {"json": out / "report.json", "md": out / "report.md", "html": out / "report.html"}
    write_json_atomic(paths["json"], report)
    _write_text_atomic(paths["md"], render_markdown(report))
    _write_text_atomic(paths["html"], render_html(report))
    return paths


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not (Path(args[0]) / "results").is_dir():
        sys.stderr.write("usage: python -m serving.audit.report OUT_DIR  (a folder written by `saring audit`)\n")
        return 2
    paths = write_report(args[0], build_report(args[0]))
    sys.stdout.write("\n".join(str(p) for p in paths.values()) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
