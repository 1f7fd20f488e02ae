"""Evaluation reports: report.json (every number), report.md, one self-contained report.html with plots,
and errors.md / errors.csv (the worst errors).

report.md and report.html are one context (`report_context`) rendered by two templates,
eval/templates/report.md.j2 and report.html.j2 (autoescaped); the plots are in eval/figures.py.

A report evaluates one or more models on the same examples, typically the model under review and the
lexical baseline beside it: PR curves, reliability diagrams, decision matrices, slices, functional tests
and errors are shown for each, side by side.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eval import figures
from eval.bootstrap import RESAMPLING
from eval.data import EvalData, one_class_notes
from eval.errors import errors_csv, errors_markdown, worst_errors
from eval.evaluator import RiskEvaluator, flag_block, predict
from eval.functional import CAPABILITIES, run_functional
from eval.hoax import hoax_evidence
from eval.html import Cell, Table, render
from eval.html import num as _f
from eval.modelcheck import untrained_note
from eval.ood import Suite, evaluate_suite, suite_context
from eval.shortcut import style_shortcut
from eval.slices import DIMENSION_TITLES, DIMENSIONS, compute_slices, slice_values
from model.examples import label_matrix
from model.labels import RISK_DESCRIPTIONS, RISKS
from model.modeldir import strict_json
from model.normalize import Normalizer
from model.resample import clusters_of, resampled_units
from model.splits import SPLIT_KEYS, split_settings

logger = logging.getLogger(__name__)

REPORT_VERSION = 2  # 2: models[].ood_suites{card: result} (key mean_function_accuracy) replaced models[].register_suite


# ---------------------------------------------------------------------------------------------------------
# Building the report
# ---------------------------------------------------------------------------------------------------------
def build_report(
    models: Sequence[tuple[str, Any]],
    data: EvalData,
    *,
    bootstrap: int = 1000,
    seed: int = 0,
    errors_k: int = 20,
    functional: bool = True,
    normalizer: Normalizer | None = None,
    claims: dict[str, Any] | None = None,
    suites: Sequence[Suite] | None = None,
) -> dict[str, Any]:
    """Evaluate each (role, model) on the data; return the report as a JSON-ready dict.

    `normalizer` decides the slang slice (default: the first model's normaliser). `claims` is the claim-matching
    evidence (eval.hoax.claim_matching_evidence), shown in the 'Hoax evidence' part; None: not measured. `suites`:
    the out-of-distribution suites (eval.ood.load_suites), each evaluated for every model; None: not run."""
    if not models:
        raise ValueError("no model to evaluate; pass at least one (role, model) pair")
    examples = data.examples
    norm = normalizer or getattr(models[0][1], "normalizer", None) or Normalizer()
    evaluator = RiskEvaluator(examples, bootstrap=bootstrap, seed=seed)
    labels = label_matrix(examples, RISKS).astype(np.float64)
    values = slice_values(examples, norm)
    texts = [e.text for e in examples]
    entries = []
    errors_by_model: dict[str, Any] = {}
    scored = []
    for role, model in models:
        probs = predict(model, texts)
        flags = [flag_block(model, r)[0] for r in RISKS]
        scored.append((role, probs, flags))
        full = evaluator.evaluate_full(model, examples, probs=probs)
        entry: dict[str, Any] = {
            "role": role,
            "evaluation": full,
            "slices": compute_slices(examples, probs, labels, flags, values=values),
        }
        errs = worst_errors(examples, probs, labels, flags, k=errors_k)
        errors_by_model[_label(role, full["model"])] = errs
        if functional:
            try:
                entry["functional"] = run_functional(model)
            except Exception as e:  # the functional suite must never hide the metrics
                logger.warning("functional tests failed to run for %s: %s", role, e)
                entry["functional"] = {"error": str(e)}
        if suites:
            entry["ood_suites"] = {s.name: evaluate_suite(model, s.examples) for s in suites}
        entries.append(entry)
    notes = [
        "Missing labels are excluded per risk, never counted as negatives.",
        "Precision, recall and F1 are at each model's flag threshold (score >= flag means flagged).",
        f"Intervals: {int(evaluator.level * 100)}% percentile bootstrap, {bootstrap} replicates, seed {seed}; "
        f"{resampled_units(len(examples), clusters_of(examples))} {RESAMPLING}.",
    ]
    for note in one_class_notes(examples):
        logger.warning("%s", note)
        notes.append(f"WARNING: {note}")
    for entry, (role, model) in zip(entries, models, strict=True):
        for warning in (split_check(data.manifest, entry["evaluation"]["model"]), untrained_note(role, model)):
            if warning:
                logger.warning("%s: %s", role, warning)
                notes.append(f"WARNING ({role}): {warning}")
    return {
        "report_version": REPORT_VERSION,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "primary_metric": RiskEvaluator.primary_metric,
        "data": data.summary(),
        "models": entries,
        "hoax_evidence": hoax_evidence(
            examples, scored, bootstrap=bootstrap, seed=seed, level=evaluator.level, claims=claims
        ),
        "errors": errors_by_model,
        "ood_suites": [{"name": s.name, "title": s.title, "n": len(s.examples)} for s in suites or ()],
        "style_shortcut": style_shortcut(
            data.train, [("data", data.description, examples)] + [(s.name, s.name, s.examples) for s in suites or ()]
        ),
        "notes": notes,
    }


def split_check(data_manifest: Any, identity: dict[str, Any]) -> str | None:
    """A warning when the catalogue split evaluated here was not made from the same inputs and settings as
    the split the model was trained on (model.splits.SPLIT_KEYS): its 'test' texts may then include the model's
    training texts. None when either side does not say (labelled files; a model trained before saring recorded it)."""
    evaluated, trained = split_settings(data_manifest), identity.get("split")
    if evaluated is None or not isinstance(trained, dict):
        return None
    diff = [k for k in SPLIT_KEYS if evaluated.get(k) != trained.get(k)]
    if not diff:
        return None
    if diff == ["seed"]:  # e.g. a baseline beside a model trained with another --seed
        fix = (
            f"evaluate it alone (`saring eval --model DIR`), which splits the catalogue with the seed it was split "
            f"with ({trained.get('seed')}; this split's is {evaluated.get('seed')})"
        )
    else:  # the catalogue, the shares or the normaliser changed since it was trained
        fix = "retrain it on the current catalogue, or evaluate it on labelled files it was not trained on"
    return (
        f"the catalogue split evaluated here differs from the one the model was trained on ({', '.join(diff)}); "
        f"its test texts may overlap the model's training texts, so these numbers may be optimistic. Fix: {fix}"
    )


def _label(role: str, ident: dict[str, Any]) -> str:
    return f"{role}: {ident.get('name')}"


def json_text(data: Any) -> str:
    """`data` as the strict, indented JSON the report files hold (NaN and infinity as null)."""
    return json.dumps(strict_json(data), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_files(out: str | Path, texts: dict[str, str]) -> dict[str, Path]:
    """Write the files {name: text} into `out` as one set: each to a temporary file beside its place first, then
    all renamed into place. A failure before the renames (a full disk, a permission) replaces none of them, so
    `out` never holds a new report.json beside an old report.html; the temporary files are removed."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, text in texts.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", dir=out)
            staged.append((name, Path(tmp_name)))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            os.chmod(tmp_name, 0o666 & ~_umask())  # mkstemp creates 0600; reports are read by others
        for name, tmp in staged:
            os.replace(tmp, out / name)
    except BaseException:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    return {name: out / name for name in texts}


def write_report(report: dict[str, Any], out: str | Path) -> dict[str, Path]:
    """Write report.json, report.md, report.html, errors.md and errors.csv into `out`; return the paths. Every
    file is rendered before any is written, and they are written as one set (write_files)."""
    context = report_context(report, with_figures=True)
    texts = {
        "report.json": json_text(report),
        "report.md": render("report.md.j2", context),
        "report.html": render("report.html.j2", context),
        "errors.md": errors_markdown(report["errors"]),
        "errors.csv": errors_csv(report["errors"]),
    }
    written = write_files(out, texts)
    logger.info("report written to %s", out)
    return {
        "json": written["report.json"],
        "md": written["report.md"],
        "html": written["report.html"],
        "errors_md": written["errors.md"],
        "errors_csv": written["errors.csv"],
    }


HOAX_HEADERS = [
    "model",
    "n",
    "hoax / not",
    "flag thr",
    "precision [95% CI]",
    "recall [95% CI]",
    "F1 [95% CI]",
    "PR-AUC [95% CI]",
    "ROC-AUC [95% CI]",
    "false alarms [95% CI]",
]


def _with_ci(x: dict[str, Any], k: str) -> str:
    v = x.get(k)
    ci = _ci(x, k)
    return f"{_f(v)} {ci}".strip() if ci else _f(v)


def _share(v: Any, ci: Any) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    out = f"{v:.1%}"
    if ci and ci[0] is not None and math.isfinite(ci[0]):
        out += f" [{ci[0]:.1%}, {ci[1]:.1%}]"
    return out


def _hoax_row(first: str, x: dict[str, Any]) -> list[str]:
    return [
        first,
        str(x["n"]),
        f"{x['positives']} / {x['negatives']}",
        _f(x["threshold"]),
        _with_ci(x, "precision"),
        _with_ci(x, "recall"),
        _with_ci(x, "f1"),
        _with_ci(x, "pr_auc"),
        _with_ci(x, "roc_auc"),
        _share(x.get("false_alarm_rate"), x.get("ci", {}).get("false_alarm_rate")),
    ]


def hoax_blocks(report: dict[str, Any]) -> list[tuple[str, list[str], list[str], list[list[str]]]]:
    """The 'Hoax evidence' part as (heading, notes, table headers, table rows); empty for reports without it."""
    ev = report.get("hoax_evidence")
    if not ev:
        return []
    blocks: list[tuple[str, list[str], list[str], list[list[str]]]] = []
    pr = ev["pratiwi"]
    notes = [
        f"{pr['what']}: {pr['n']} labelled article(s)"
        + (f", topic(s): {', '.join(pr['topics'])}" if pr["topics"] else "")
        + "."
    ]
    if not pr["n"]:
        notes.append("No Pratiwi article in the evaluated data: evaluate on the catalogue's test split to measure it.")
    elif not pr["topics"]:
        notes.append("The articles carry no topic (group): whether their topics were held out of training is unknown.")
    elif len(pr["topics"]) <= 2:
        notes.append(
            f"Only {len(pr['topics'])} topic(s): the interval covers the sampling of articles within them, "
            "not how the model does on other topics."
        )
    rows = [_hoax_row(role, x) for role, x in pr["models"].items()]
    blocks.append(("1. News articles (Pratiwi 2017)", notes, HOAX_HEADERS if rows else [], rows))

    po = ev["posts"]
    notes = [
        f"{po['what']}: {po['n']} post(s)"
        + (f", genre(s): {', '.join(po['genres'])}" if po["genres"] else "")
        + ". Templated text is far more regular than real posts: a high score here is necessary, not sufficient."
    ]
    if po.get("excluded_training_rows"):
        notes.append(f"{po['excluded_training_rows']} post(s) from the set's training genres were left out.")
    if not po["n"]:
        notes.append(
            "No held-out post of saring_hoax_posts in the evaluated data: evaluate on the catalogue's test "
            "split to measure it."
        )
    rows = [_hoax_row(role, x["overall"]) for role, x in po["models"].items()]
    blocks.append(("2. Short posts, held-out genres (saring_hoax_posts)", notes, HOAX_HEADERS if rows else [], rows))
    rows = [_hoax_row(f"{g} — {role}", x["by_genre"][g]) for g in po["genres"] for role, x in po["models"].items()]
    if rows:
        blocks.append(("2a. Per held-out genre", [], ["genre — model"] + HOAX_HEADERS[1:], rows))
    kinds = sorted({k for x in po["models"].values() for k in x["by_kind"]})
    rows = [
        [
            k,
            x["by_kind"][k]["label"],
            role,
            str(x["by_kind"][k]["n"]),
            _share(x["by_kind"][k]["flagged"], x["by_kind"][k]["ci"]),
            x["by_kind"][k]["meaning"],
        ]
        for k in kinds
        for role, x in po["models"].items()
        if k in x["by_kind"]
    ]
    if rows:
        blocks.append(
            (
                "2b. Share flagged per kind of post",
                [
                    "For debunks, questions, jokes and the other non-hoax kinds this is the false-alarm rate; "
                    "for hoax posts it is the detection rate."
                ],
                ["kind", "label", "model", "n", "flagged [95% CI]", "meaning"],
                rows,
            )
        )

    cm = ev["claim_matching"]
    if not cm.get("measured"):
        blocks.append(("3. Claim matching", [f"Claim matching: {cm.get('note', 'not measured')}."], [], []))
    else:
        c = cm["counts"]
        notes = [
            f"{cm['what']}; {cm['method']}"
            + (f" ({cm['encoder']})" if cm.get("encoder") else "")
            + f"; {c['groups']['test']} held-out claim group(s), {c['rewordings']['test']} reworded "
            f"claim(s) and {c['hard_negatives']['test']} same-topic different claim(s); paraphrase set "
            f"{cm['file']} (sha256 {cm['sha256'][:12]}).",
            "A match is right when the reworded claim's best match is its own claim; precision counts every "
            "match above the threshold, hard negatives included. Wilson 95% intervals.",
        ]
        rows = []
        for name, title in (
            ("calibrated", f"threshold chosen on the calibration groups (precision >= {cm['min_precision']})"),
            (
                "served",
                # the library's defaults for the method measured: the API matches with BM25 + e5 whenever the
                # encoder loads, and with the parameters `saring claims calibrate --save` stored when there are any
                f"default threshold for {cm['method']} (what the API uses with this method unless "
                "`saring claims calibrate --save` stored others)",
            ),
        ):
            st = cm["settings"][name]
            t = st["test"]
            rows.append(
                [
                    title,
                    _f(st["threshold"]),
                    _f(st["dense_weight"], 2),
                    f"{_f(t['precision'])} {_pair(t.get('precision_ci'))}".strip(),
                    f"{_f(t['recall'])} {_pair(t.get('recall_ci'))}".strip(),
                    _f(t["f1"]),
                    _f(t.get("average_precision")),
                    _share(t.get("hard_negative_match_rate"), None),
                    f"{t['tp']} / {t['fp']}",
                ]
            )
        blocks.append(
            (
                "3. Claim matching",
                notes,
                [
                    "setting",
                    "threshold",
                    "dense weight",
                    "precision [95% CI]",
                    "recall [95% CI]",
                    "F1",
                    "average precision",
                    "hard negatives matched",
                    "right / wrong matches",
                ],
                rows,
            )
        )
    return blocks


def _pair(ci: Any) -> str:
    if not ci or ci[0] is None or (isinstance(ci[0], float) and not math.isfinite(ci[0])):
        return ""
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]"


# ---------------------------------------------------------------------------------------------------------
# The context both templates render
# ---------------------------------------------------------------------------------------------------------
def _ci(entry: dict[str, Any], k: str) -> str:
    ci = entry.get("ci", {}).get(k)
    if not ci or ci[0] is None or (isinstance(ci[0], float) and not math.isfinite(ci[0])):
        return ""
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def _model_name(entry: dict[str, Any]) -> str:
    m = entry["evaluation"]["model"]
    return f"{entry['role']}: {m.get('name')}"


def _clip(text: str, n: int) -> str:
    return text[:n] + ("…" if len(text) > n else "")


def _headline(report: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    models = []
    for e in report["models"]:
        ev = e["evaluation"]
        ci = ev.get("macro_f1_ci")
        models.append(
            {
                "role": e["role"],
                "label": _model_name(e),
                "name": ev["model"].get("name"),
                "version": ev["model"].get("version"),
                "kind": ev["model"].get("kind"),
                "macro_f1": Cell(
                    _f(ev["macro_f1"]), f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci and ci[0] is not None else "", bold=True
                ),
            }
        )
    rows = []
    for r in RISKS:
        for e in report["models"]:
            x = e["evaluation"]["risks"][r]
            row: dict[str, Any] = {"risk": r, "role": e["role"], "labelled": bool(x["n"]), "n": x["n"]}
            if x["n"]:
                row.update(
                    positives=x["positives"],
                    threshold=_f(x["threshold"]),
                    precision=_f(x["precision"]),
                    recall=_f(x["recall"]),
                    f1=Cell(_f(x["f1"]), _ci(x, "f1"), bold=True),
                    # F-beta at the beta the flag was chosen by: the flag's own objective (F1 where beta is 1);
                    # reports written before it have no fbeta
                    fbeta=Cell(f"{_f(x['fbeta'])} (F{x['beta']:g})", _ci(x, "fbeta"))
                    if "fbeta" in x
                    else Cell("–", ""),
                    pr_auc=Cell(_f(x["pr_auc"]), _ci(x, "pr_auc")),
                    roc_auc=_f(x["roc_auc"]),
                    brier=_f(x["brier"]),
                    ece=Cell(_f(x["ece"]), _ci(x, "ece")),
                )
            rows.append(row)
    return models, rows


def _thresholds(report: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for r in RISKS:
        for e in report["models"]:
            x = e["evaluation"]["risks"][r]
            if not x["n"]:
                continue
            queries = []
            for kind, (best, given) in (
                ("recall_at_precision", ("recall", "precision")),
                ("precision_at_recall", ("precision", "recall")),
            ):
                for target, a in x[kind].items():
                    queries.append(
                        {
                            "best": best,
                            "given": given,
                            "target": target,
                            "reachable": bool(a),
                            "threshold": _f(a["threshold"]) if a else "not reachable",
                            "precision": _f(a["precision"]) if a else "–",
                            "recall": _f(a["recall"]) if a else "–",
                        }
                    )
            grid = [
                [
                    _f(row["threshold"], 2),
                    _f(row["precision"]),
                    _f(row["recall"]),
                    _f(row["f1"]),
                    f"{row['flagged']:.1%}" if row["flagged"] == row["flagged"] else "–",
                ]
                for row in x["threshold_table"]
            ]
            decisions = [{"label": lab, **x["decisions"][lab]} for lab in ("positive", "negative")]
            th = e["evaluation"].get("model", {}).get("thresholds", {}).get(r, {})
            plateau, units = th.get("plateau"), th.get("plateau_clusters")
            out.append(
                {
                    "risk": r,
                    "role": e["role"],
                    "flag": _f(th.get("flag")),
                    "block": _f(th.get("block")),
                    "plateau": (f"{plateau[0]:.3f} – {plateau[1]:.3f}" if plateau else "not recorded")
                    + (f" ({units:,} drawn per resample)" if plateau and units else ""),
                    "queries": queries,
                    "decisions": decisions,
                    "grid": Table(["threshold", "precision", "recall", "F1", "texts flagged"], grid),
                }
            )
    return out


def _slices(report: dict[str, Any], with_figures: bool) -> list[dict[str, Any]]:
    models = report["models"]
    out = []
    for dim in DIMENSIONS:
        first = models[0]["slices"][dim]
        rows = []
        for value, s in first.items():
            cells = []
            for r in RISKS:
                for e in models:
                    m = e["slices"][dim][value]["risks"].get(r)
                    cells.append(f"{_f(m['f1'])} (n={m['n']})" if m else "–")
            rows.append({"value": value, "small": s["small"], "n": s["n"], "cells": cells})
        out.append(
            {
                "dim": dim,
                "title": DIMENSION_TITLES[dim],
                "rows": rows,
                "columns": [f"{r} F1 ({e['role']})" for r in RISKS for e in models],
                "figure": figures.slices_figure(report, dim) if with_figures and first else None,
            }
        )
    return out


def _pass(x: dict[str, Any] | None) -> str:
    return f"{x['passed']}/{x['n']} ({x['pass_rate']:.0%})" if x and "n" in x else "–"


def _functional(report: dict[str, Any], with_figures: bool) -> dict[str, Any]:
    runs = []
    for e in report["models"]:
        fu = e.get("functional", {})
        caps = fu.get("capabilities")
        failing = []
        for c in fu.get("cases", []) if caps is not None else []:
            if c["passed"]:
                continue
            failing.append(
                {
                    "id": c["id"],
                    "text": _clip(c["text"], 220),
                    "parent": c["parent"][:160] if c.get("parent") else "",
                    "checks": c["checks"],
                }
            )
        runs.append(
            {
                "role": e["role"],
                "present": "functional" in e,
                "ran": caps is not None,
                "error": fu.get("error"),
                "cells": [_pass((caps or {}).get(cap)) for cap in CAPABILITIES],
                "all": _pass(fu),
                "failing": failing,
            }
        )
    figure = figures.functional_figure(report) if with_figures else None
    return {
        "runs": runs,
        "capabilities": list(CAPABILITIES.items()),
        "figure": figure,
        "error": "; ".join(str(r["error"]) for r in runs if r["error"]) or "functional tests were not run",
    }


def _worst_errors(report: dict[str, Any], k: int = 5) -> list[dict[str, Any]]:
    out = []
    for model, errs in report["errors"].items():
        for r in RISKS:
            e = errs.get(r)
            if not e:
                continue
            for kind, title in (("false_positives", "false positives"), ("false_negatives", "false negatives")):
                rows = [[_f(x["score"]), x["source"], _clip(x["text"], 260)] for x in e[kind][:k]]
                n = e.get("counts", {}).get(kind, len(e[kind]))
                out.append(
                    {
                        "title": f"{model} — {r}: {title} ({n})",
                        "table": Table(["score", "source", "text"], rows, (1, 2)) if rows else None,
                    }
                )
    return out


def _style(report: dict[str, Any]) -> dict[str, Any] | None:
    """The style-shortcut table: per evaluated set and risk, the style probe's ROC-AUC beside each model's."""
    sec = report.get("style_shortcut")
    if not sec:
        return None  # a report written before the check
    if "skipped" in sec:
        return {"skipped": sec["skipped"]}
    roles = [e["role"] for e in report["models"]]
    rows = []
    for s in sec["sets"]:
        for r, v in s["risks"].items():
            by_model = []
            for e in report["models"]:
                if s["name"] == "data":
                    res = e["evaluation"]["risks"].get(r, {})
                else:
                    res = e.get("ood_suites", {}).get(s["name"], {}).get("risks", {}).get(r, {})
                by_model.append(_f(res.get("roc_auc")))
            rows.append([s["title"], r, f"{v['n']:,}", f"{v['positives']:,}", _f(v["roc_auc"]), *by_model])
    strongest = [
        f"{r}: " + ", ".join(f"{name} {w:+.2f}" for name, w in feats) for r, feats in sec["strongest"].items() if feats
    ]
    return {
        "skipped": None,
        "table": Table(["set", "risk", "n", "positives", "style probe ROC-AUC", *roles], rows, (0,)),
        "strongest": strongest,
        "features": sec["features"],
        "trained_on": sec["trained_on"],
    }


def report_context(report: dict[str, Any], *, with_figures: bool = False) -> dict[str, Any]:
    """Everything report.md.j2 and report.html.j2 show, as plain values (the templates escape and lay out);
    `with_figures`: also render the plots (data URIs) that only the HTML shows."""
    models, risk_rows = _headline(report)
    suites = [
        suite_context(
            [(e["role"], e["ood_suites"][s["name"]]) for e in report["models"] if s["name"] in e.get("ood_suites", {})],
            s["name"],
            s["title"],
        )
        for s in report.get("ood_suites", [])
    ]
    ev = report.get("hoax_evidence")
    return {
        "title": "saring evaluation report",
        "subtitle": f"{', '.join(m['label'] for m in models)} — created {report['created']}",
        "created": report["created"],
        "risk_descriptions": RISK_DESCRIPTIONS,
        "data": report["data"],
        "models": models,
        "risk_rows": risk_rows,
        "hoax": {"intervals": ev["intervals"], "blocks": hoax_blocks(report)} if ev else None,
        "thresholds": _thresholds(report),
        "slices": _slices(report, with_figures),
        "functional": _functional(report, with_figures),
        "suites": suites,
        "style": _style(report),
        "worst_errors": _worst_errors(report),
        "notes": report["notes"],
        "figures": {
            "pr": figures.pr_figure(report),
            "reliability": figures.reliability_figure(report),
            "decisions": figures.decisions_figure(report),
        }
        if with_figures
        else None,
    }


def report_markdown(report: dict[str, Any]) -> str:
    """report.md: the tables, no plots."""
    return render("report.md.j2", report_context(report))


def report_html(report: dict[str, Any]) -> str:
    """report.html: one self-contained page with the plots embedded."""
    return render("report.html.j2", report_context(report, with_figures=True))
