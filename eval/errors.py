"""Error analysis: the worst false positives and false negatives per risk, in files analysts can read.

Worst false positives: texts labelled 0 for a risk with the highest scores at or above the flag threshold.
Worst false negatives: texts labelled 1 with the lowest scores below it. `errors.md` shows them grouped by
model and risk; `errors.csv` holds the same rows (full texts) for a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from model.examples import Example
from model.labels import RISKS
from model.modeldir import write_text_atomic

CSV_COLUMNS = ("model", "risk", "error", "rank", "score", "threshold", "label", "id", "source", "platform", "text")
MD_TEXT_CHARS = 300


def worst_errors(
    examples: Sequence[Example],
    probs: np.ndarray,
    labels: np.ndarray,
    flags: Sequence[float],
    k: int = 20,
) -> dict[str, dict[str, Any]]:
    """risk -> {"false_positives": [...], "false_negatives": [...], "counts": {...}}; at most k rows each,
    worst first; counts are the totals."""
    out: dict[str, dict[str, Any]] = {}
    for j, r in enumerate(RISKS):
        y, p, t = labels[:, j], probs[:, j], float(flags[j])
        fp = np.where((y == 0) & (p >= t))[0]
        fn = np.where((y == 1) & (p < t))[0]
        fp = fp[np.argsort(-p[fp], kind="mergesort")][:k]
        fn = fn[np.argsort(p[fn], kind="mergesort")][:k]

        def rows(idx: np.ndarray, label: int, t: float = t, p: np.ndarray = p) -> list[dict[str, Any]]:
            return [
                {
                    "id": examples[i].id,
                    "source": examples[i].source,
                    "platform": examples[i].platform,
                    "text": examples[i].text,
                    "score": float(p[i]),
                    "threshold": t,
                    "label": label,
                }
                for i in idx
            ]

        out[r] = {
            "false_positives": rows(fp, 0),
            "false_negatives": rows(fn, 1),
            "counts": {
                "false_positives": int(((y == 0) & (p >= t)).sum()),
                "false_negatives": int(((y == 1) & (p < t)).sum()),
            },
        }
    return out


def _md_cell(text: str, limit: int = MD_TEXT_CHARS) -> str:
    one = " ".join(str(text).split())
    if len(one) > limit:
        one = one[: limit - 1] + "…"
    return one.replace("|", "\\|")


def errors_markdown(errors_by_model: dict[str, dict[str, Any]]) -> str:
    lines = [
        "# Worst errors",
        "",
        "False positives: labelled 0 but scored at or above the flag threshold, highest score first. "
        "False negatives: labelled 1 but scored below it, lowest score first. Texts longer than "
        f"{MD_TEXT_CHARS} characters are cut here; errors.csv has them in full.",
        "",
    ]
    for model, errs in errors_by_model.items():
        lines += [f"## {model}", ""]
        for r in RISKS:
            e = errs.get(r)
            if e is None:
                continue
            counts = e.get("counts", {})
            for kind, title in (("false_positives", "false positives"), ("false_negatives", "false negatives")):
                rows = e[kind]
                lines.append(f"### {r}: {title} ({counts.get(kind, len(rows))} in all, worst {len(rows)} shown)")
                lines.append("")
                if not rows:
                    lines += ["none", ""]
                    continue
                lines += ["| # | score | source | id | text |", "| ---: | ---: | --- | --- | --- |"]
                for i, row in enumerate(rows, start=1):
                    lines.append(
                        f"| {i} | {row['score']:.3f} | {_md_cell(row['source'], 40)} | "
                        f"{_md_cell(row['id'], 40)} | {_md_cell(row['text'])} |"
                    )
                lines.append("")
    return "\n".join(lines) + "\n"


def errors_csv(errors_by_model: dict[str, dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for model, errs in errors_by_model.items():
        for r in RISKS:
            e = errs.get(r)
            if e is None:
                continue
            for kind in ("false_positives", "false_negatives"):
                for i, row in enumerate(e[kind], start=1):
                    w.writerow(
                        [
                            model,
                            r,
                            kind[:-1].replace("_", " "),
                            i,
                            f"{row['score']:.6f}",
                            f"{row['threshold']:.6f}",
                            row["label"],
                            row["id"],
                            row["source"],
                            row["platform"] or "",
                            row["text"],
                        ]
                    )
    return buf.getvalue()


def write_errors(out_dir: str | Path, errors_by_model: dict[str, dict[str, Any]]) -> tuple[Path, Path]:
    """Write errors.md and errors.csv into out_dir (each atomically); return their paths."""
    out = Path(out_dir)
    md, cs = out / "errors.md", out / "errors.csv"
    write_text_atomic(md, errors_markdown(errors_by_model))
    write_text_atomic(cs, errors_csv(errors_by_model))
    return md, cs
