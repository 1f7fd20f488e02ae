"""Evaluation reports: report.json (every number), report.md, one self-contained report.html with plots,
and errors.md / errors.csv (the worst errors).

A report evaluates one or more models on the same examples, typically the model under review and the
lexical baseline beside it: PR curves, reliability diagrams, decision matrices, slices, functional tests
and errors are shown for each, side by side.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eval import html as H
from eval.data import EvalData
from eval.errors import worst_errors, write_errors
from eval.evaluator import RiskEvaluator, flag_block, predict
from eval.functional import CAPABILITIES, run_functional
from eval.hoax import hoax_evidence
from eval.ood import PRIMARY as PRIMARY_SUITE
from eval.ood import evaluate_suite, suite_markdown
from eval.slices import DIMENSION_TITLES, DIMENSIONS, compute_slices, slice_values
from model.examples import Example, label_matrix
from model.labels import RISK_DESCRIPTIONS, RISKS
from model.modeldir import write_json_atomic as write_json
from model.modeldir import write_text_atomic
from model.normalize import Normalizer

logger = logging.getLogger(__name__)

REPORT_VERSION = 1
COLORS = ("#1f6feb", "#e8730c", "#2da44e", "#8250df")
STYLES = ("-", "--", "-.", ":")
HEADLINE = ("precision", "recall", "f1", "pr_auc", "roc_auc", "brier", "ece")


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
    suite: Sequence[Example] | None = None,
) -> dict[str, Any]:
    """Evaluate each (role, model) on the data; return the report as a JSON-ready dict.

    `normalizer` decides the slang slice (default: the first model's normaliser). `claims` is the claim-matching
    evidence (eval.hoax.claim_matching_evidence), shown in the 'Hoax evidence' part; None: not measured. `suite`:
    the register-shift suite's cases (eval.ood), evaluated for every model; None: not run."""
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
        entry: dict[str, Any] = {"role": role, "evaluation": full,
                                 "slices": compute_slices(examples, probs, labels, flags, values=values)}
        errs = worst_errors(examples, probs, labels, flags, k=errors_k)
        errors_by_model[_label(role, full["model"])] = errs
        if functional:
            try:
                entry["functional"] = run_functional(model)
            except Exception as e:  # the functional suite must never hide the metrics
                logger.warning("functional tests failed to run for %s: %s", role, e)
                entry["functional"] = {"error": str(e)}
        if suite:
            entry["register_suite"] = evaluate_suite(model, suite)
        entries.append(entry)
    notes = [
        "Missing labels are excluded per risk, never counted as negatives.",
        "Precision, recall and F1 are at each model's flag threshold (score >= flag means flagged).",
        f"Intervals: {int(evaluator.level * 100)}% percentile bootstrap over examples, {bootstrap} replicates, "
        f"seed {seed}.",
    ]
    for entry in entries:
        warning = split_check(data.manifest, entry["evaluation"]["model"])
        if warning:
            logger.warning("%s: %s", entry["role"], warning)
            notes.append(f"WARNING ({entry['role']}): {warning}")
    return {
        "report_version": REPORT_VERSION,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "primary_metric": RiskEvaluator.primary_metric,
        "data": data.summary(),
        "models": entries,
        "hoax_evidence": hoax_evidence(examples, scored, bootstrap=bootstrap, seed=seed, level=evaluator.level,
                                       claims=claims),
        "errors": errors_by_model,
        "notes": notes,
    }


def split_check(data_manifest: Any, identity: dict[str, Any]) -> str | None:
    """A warning when the catalogue split evaluated here was not made from the same inputs and settings as
    the split the model was trained on: its 'test' texts may then include the model's training texts."""
    trained = identity.get("training_data")
    if not isinstance(data_manifest, dict) or not isinstance(trained, dict) or "inputs" not in trained:
        return None
    keys = ("inputs", "seed", "fractions", "normalizer_version")
    diff = [k for k in keys if data_manifest.get(k) != trained.get(k)]
    if not diff:
        return None
    return (f"the catalogue split evaluated here differs from the one the model was trained on ({', '.join(diff)}); "
            "its test texts may overlap the model's training texts, so these numbers may be optimistic")


def _label(role: str, ident: dict[str, Any]) -> str:
    return f"{role}: {ident.get('name')}"


def write_report(report: dict[str, Any], out: str | Path) -> dict[str, Path]:
    """Write report.json, report.md, report.html, errors.md and errors.csv into `out`; return the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "report.json", "md": out / "report.md", "html": out / "report.html"}
    write_json(paths["json"], report)
    write_text_atomic(paths["md"], report_markdown(report))
    write_text_atomic(paths["html"], report_html(report))
    paths["errors_md"], paths["errors_csv"] = write_errors(out, report["errors"])
    logger.info("report written to %s", out)
    return paths


# ---------------------------------------------------------------------------------------------------------
# Formatting helpers
# ---------------------------------------------------------------------------------------------------------
def _f(v: Any, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def _ci(entry: dict[str, Any], k: str) -> str:
    ci = entry.get("ci", {}).get(k)
    if not ci or ci[0] is None or (isinstance(ci[0], float) and not math.isfinite(ci[0])):
        return ""
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def _model_name(entry: dict[str, Any]) -> str:
    m = entry["evaluation"]["model"]
    return f"{entry['role']}: {m.get('name')}"


# ---------------------------------------------------------------------------------------------------------
# Hoax evidence (shared by Markdown and HTML): blocks of (heading, notes, headers, rows), plain text cells
# ---------------------------------------------------------------------------------------------------------
HOAX_HEADERS = ["model", "n", "hoax / not", "flag thr", "precision [95% CI]", "recall [95% CI]", "F1 [95% CI]",
                "PR-AUC [95% CI]", "ROC-AUC [95% CI]", "false alarms [95% CI]"]


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
    return [first, str(x["n"]), f"{x['positives']} / {x['negatives']}", _f(x["threshold"]),
            _with_ci(x, "precision"), _with_ci(x, "recall"), _with_ci(x, "f1"), _with_ci(x, "pr_auc"),
            _with_ci(x, "roc_auc"),
            _share(x.get("false_alarm_rate"), x.get("ci", {}).get("false_alarm_rate"))]


def hoax_blocks(report: dict[str, Any]) -> list[tuple[str, list[str], list[str], list[list[str]]]]:
    """The 'Hoax evidence' part as (heading, notes, table headers, table rows); empty for reports without it."""
    ev = report.get("hoax_evidence")
    if not ev:
        return []
    blocks: list[tuple[str, list[str], list[str], list[list[str]]]] = []
    pr = ev["pratiwi"]
    notes = [f"{pr['what']}: {pr['n']} labelled article(s)" + (f", topic(s): {', '.join(pr['topics'])}"
                                                                 if pr["topics"] else "") + "."]
    if not pr["n"]:
        notes.append("No Pratiwi article in the evaluated data: evaluate on the catalogue's test split to measure it.")
    elif not pr["topics"]:
        notes.append("The articles carry no topic (group): whether their topics were held out of training is unknown.")
    elif len(pr["topics"]) <= 2:
        notes.append(f"Only {len(pr['topics'])} topic(s): the interval covers the sampling of articles within them, "
                     "not how the model does on other topics.")
    rows = [_hoax_row(role, x) for role, x in pr["models"].items()]
    blocks.append(("1. News articles (Pratiwi 2017)", notes, HOAX_HEADERS if rows else [], rows))

    po = ev["posts"]
    notes = [f"{po['what']}: {po['n']} post(s)" + (f", genre(s): {', '.join(po['genres'])}" if po["genres"] else "")
             + ". Templated text is far more regular than real posts: a high score here is necessary, not sufficient."]
    if po.get("excluded_training_rows"):
        notes.append(f"{po['excluded_training_rows']} post(s) from the set's training genres were left out.")
    if not po["n"]:
        notes.append("No held-out post of saring_hoax_posts in the evaluated data: evaluate on the catalogue's test "
                     "split to measure it.")
    rows = [_hoax_row(role, x["overall"]) for role, x in po["models"].items()]
    blocks.append(("2. Short posts, held-out genres (saring_hoax_posts)", notes, HOAX_HEADERS if rows else [], rows))
    rows = [_hoax_row(f"{g} — {role}", x["by_genre"][g]) for g in po["genres"] for role, x in po["models"].items()]
    if rows:
        blocks.append(("2a. Per held-out genre", [], ["genre — model"] + HOAX_HEADERS[1:], rows))
    kinds = sorted({k for x in po["models"].values() for k in x["by_kind"]})
    rows = [[k, x["by_kind"][k]["label"], role, str(x["by_kind"][k]["n"]),
             _share(x["by_kind"][k]["flagged"], x["by_kind"][k]["ci"]), x["by_kind"][k]["meaning"]]
            for k in kinds for role, x in po["models"].items() if k in x["by_kind"]]
    if rows:
        blocks.append(("2b. Share flagged per kind of post",
                       ["For debunks, questions, jokes and the other non-hoax kinds this is the false-alarm rate; "
                        "for hoax posts it is the detection rate."],
                       ["kind", "label", "model", "n", "flagged [95% CI]", "meaning"], rows))

    cm = ev["claim_matching"]
    if not cm.get("measured"):
        blocks.append(("3. Claim matching", [f"Claim matching: {cm.get('note', 'not measured')}."], [], []))
    else:
        c = cm["counts"]
        notes = [f"{cm['what']}; {cm['method']}" + (f" ({cm['encoder']})" if cm.get("encoder") else "")
                 + f"; {c['groups']['test']} held-out claim group(s), {c['rewordings']['test']} reworded "
                 f"claim(s) and {c['hard_negatives']['test']} same-topic different claim(s); paraphrase set "
                 f"{cm['file']} (sha256 {cm['sha256'][:12]}).",
                 "A match is right when the reworded claim's best match is its own claim; precision counts every "
                 "match above the threshold, hard negatives included. Wilson 95% intervals."]
        rows = []
        for name, title in (("calibrated", f"threshold chosen on the calibration groups (precision >= "
                                           f"{cm['min_precision']})"),
                            ("served", "threshold saring serves")):
            st = cm["settings"][name]
            t = st["test"]
            rows.append([title, _f(st["threshold"]), _f(st["dense_weight"], 2),
                         f"{_f(t['precision'])} {_pair(t.get('precision_ci'))}".strip(),
                         f"{_f(t['recall'])} {_pair(t.get('recall_ci'))}".strip(), _f(t["f1"]),
                         _f(t.get("average_precision")), _share(t.get("hard_negative_match_rate"), None),
                         f"{t['tp']} / {t['fp']}"])
        blocks.append(("3. Claim matching", notes, ["setting", "threshold", "dense weight", "precision [95% CI]",
                                                    "recall [95% CI]", "F1", "average precision",
                                                    "hard negatives matched", "right / wrong matches"], rows))
    return blocks


def _pair(ci: Any) -> str:
    if not ci or ci[0] is None or (isinstance(ci[0], float) and not math.isfinite(ci[0])):
        return ""
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def _hoax_markdown(report: dict[str, Any]) -> list[str]:
    blocks = hoax_blocks(report)
    if not blocks:
        return []
    lines = ["## Hoax evidence", "", "Three separate measures, never pooled: " +
             report["hoax_evidence"]["intervals"] + ".", ""]
    for title, notes, headers, rows in blocks:
        lines += [f"### {title}", ""] + ([f"- {n}" for n in notes] + [""] if notes else [])
        if rows:
            lines += ["| " + " | ".join(headers) + " |",
                      "| --- |" + " ---: |" * (len(headers) - 1)]
            lines += ["| " + " | ".join(r) + " |" for r in rows]
            lines.append("")
    return lines


def _hoax_html(report: dict[str, Any]) -> str:
    blocks = hoax_blocks(report)
    if not blocks:
        return "<p class='note'>This report has no hoax evidence.</p>"
    out = [f"<p class='note'>Three separate measures, never pooled: {_esc(report['hoax_evidence']['intervals'])}."
           "</p>"]
    for title, notes, headers, rows in blocks:
        out.append(f"<h3>{_esc(title)}</h3>" + "".join(f"<p class='note'>{_esc(n)}</p>" for n in notes))
        if rows:
            out.append(H.raw_table(headers, [[_esc(c) for c in r] for r in rows], text_columns=[0]))
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------------------
def report_markdown(report: dict[str, Any]) -> str:
    d = report["data"]
    lines = ["# saring evaluation report", "", f"Created {report['created']}.", "", "## Data", "",
             f"- {d['description']}: {d['n']} texts; fingerprint `{d['fingerprint'][:16]}`",
             "- sources: " + ", ".join(f"{k} ({v})" for k, v in d["sources"].items()),
             "- labelled: " + ", ".join(f"{r} {v['n']} ({v['positives']} positive)" for r, v in d["labelled"].items())]
    for f in d.get("files", []):
        lines.append(f"- file {f['path']} sha256 `{f['sha256']}`")
    lines += ["", "## Models", "", "| role | name | version | kind |", "| --- | --- | --- | --- |"]
    for e in report["models"]:
        m = e["evaluation"]["model"]
        lines.append(f"| {e['role']} | {m.get('name')} | {m.get('version')} | {m.get('kind')} |")
    lines += ["", "## Headline", "", "Macro F1 over the risks with labels (primary metric):", ""]
    for e in report["models"]:
        ev = e["evaluation"]
        ci = ev.get("macro_f1_ci")
        lines.append(f"- {_model_name(e)}: **{_f(ev['macro_f1'])}**" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci and
                                                                          ci[0] is not None else ""))
    lines += ["", "| risk | model | n | pos | flag thr | precision | recall | F1 [95% CI] | PR-AUC [95% CI] | "
              "ROC-AUC | Brier | ECE |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |"]
    for r in RISKS:
        for e in report["models"]:
            x = e["evaluation"]["risks"][r]
            if not x["n"]:
                lines.append(f"| {r} | {e['role']} | 0 | – | – | – | – | no labels | – | – | – | – |")
                continue
            lines.append(f"| {r} | {e['role']} | {x['n']} | {x['positives']} | {_f(x['threshold'])} | "
                         f"{_f(x['precision'])} | {_f(x['recall'])} | {_f(x['f1'])} {_ci(x, 'f1')} | "
                         f"{_f(x['pr_auc'])} {_ci(x, 'pr_auc')} | {_f(x['roc_auc'])} | {_f(x['brier'])} | "
                         f"{_f(x['ece'])} |")
    lines += [""] + _hoax_markdown(report)
    lines += ["## Decisions against the label", "",
              "| risk | model | label | allow | review | block |", "| --- | --- | --- | ---: | ---: | ---: |"]
    for r in RISKS:
        for e in report["models"]:
            x = e["evaluation"]["risks"][r]
            if not x["n"]:
                continue
            for lab in ("positive", "negative"):
                c = x["decisions"][lab]
                lines.append(f"| {r} | {e['role']} | {lab} | {c['allow']} | {c['review']} | {c['block']} |")
    lines += ["", "## Threshold queries", "", "| risk | model | query | threshold | precision | recall |",
              "| --- | --- | --- | ---: | ---: | ---: |"]
    for r in RISKS:
        for e in report["models"]:
            x = e["evaluation"]["risks"][r]
            if not x["n"]:
                continue
            for t, a in x["recall_at_precision"].items():
                q = f"highest recall at precision >= {t}"
                lines.append(f"| {r} | {e['role']} | {q} | " + (f"{a['threshold']:.3f} | {a['precision']:.3f} | "
                             f"{a['recall']:.3f} |" if a else "not reachable | – | – |"))
            for t, a in x["precision_at_recall"].items():
                q = f"highest precision at recall >= {t}"
                lines.append(f"| {r} | {e['role']} | {q} | " + (f"{a['threshold']:.3f} | {a['precision']:.3f} | "
                             f"{a['recall']:.3f} |" if a else "not reachable | – | – |"))
    lines += ["", "## Slices (F1 at the flag threshold)", ""]
    for dim in DIMENSIONS:
        lines += [f"### {DIMENSION_TITLES[dim]}", ""]
        first = report["models"][0]["slices"][dim]
        if not first:
            lines += ["no example has this information", ""]
            continue
        head = "| slice | texts | " + " | ".join(f"{r} F1 ({e['role']})" for r in RISKS for e in report["models"])
        lines += [head + " |", "| --- | ---: |" + " ---: |" * (len(RISKS) * len(report["models"]))]
        for value, s in first.items():
            cells = []
            for r in RISKS:
                for e in report["models"]:
                    m = e["slices"][dim][value]["risks"].get(r)
                    cells.append(f"{_f(m['f1'])} (n={m['n']})" if m else "–")
            small = " (small)" if s["small"] else ""
            lines.append(f"| {value}{small} | {s['n']} | " + " | ".join(cells) + " |")
        lines.append("")
    if any("functional" in e for e in report["models"]):
        lines += ["## Functional tests (pass rate per capability)", "",
                  "| capability | " + " | ".join(e["role"] for e in report["models"]) + " |",
                  "| --- |" + " ---: |" * len(report["models"])]
        for cap in CAPABILITIES:
            cells = []
            for e in report["models"]:
                c = e.get("functional", {}).get("capabilities", {}).get(cap)
                cells.append(f"{c['passed']}/{c['n']} ({c['pass_rate']:.0%})" if c else "–")
            lines.append(f"| {cap} | " + " | ".join(cells) + " |")
        cells = []
        for e in report["models"]:
            fu = e.get("functional", {})
            cells.append(f"{fu['passed']}/{fu['n']} ({fu['pass_rate']:.0%})" if "n" in fu else "–")
        lines.append("| **all** | " + " | ".join(cells) + " |")
        lines.append("")
    suites = [(e["role"], e["register_suite"]) for e in report["models"] if "register_suite" in e]
    if suites:
        lines += ["## Out of distribution: register-shift suite", "", SUITE_NOTE, ""] + suite_markdown(suites) + [""]
    lines += ["## Errors", "", "The worst false positives and false negatives per risk are in `errors.md` and "
              "`errors.csv`.", "", "## Notes", ""] + [f"- {n}" for n in report["notes"]]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------
# HTML and plots
# ---------------------------------------------------------------------------------------------------------
def _fig_pr(report: dict[str, Any]) -> str:
    fig, axes = H.new_figure(13.5, 3.9)
    fig.clf()
    axes = fig.subplots(1, len(RISKS))
    for ax, r in zip(axes, RISKS, strict=True):
        any_curve = False
        for i, e in enumerate(report["models"]):
            x = e["evaluation"]["risks"][r]
            c = x["pr_curve"]
            if not c["recall"]:
                continue
            any_curve = True
            col = COLORS[i % len(COLORS)]
            ax.plot([0.0] + c["recall"], [c["precision"][0]] + c["precision"], color=col, lw=1.6,
                    ls=STYLES[i % len(STYLES)],
                    label=f"{e['role']} (AP {_f(x['pr_auc'], 2)})", drawstyle="steps-post")
            ax.plot([x["recall"]], [x["precision"]], "o", color=col, ms=7, mec="white")
        if any_curve:
            base = report["models"][0]["evaluation"]["risks"][r]
            ax.axhline(base["positives"] / max(base["n"], 1), color="#9aa5b1", ls=":", lw=1)
            ax.legend(loc="lower left", fontsize=8)
        else:
            ax.text(0.5, 0.5, "no labels", ha="center", va="center", color="#7b8794", transform=ax.transAxes)
        ax.set(title=r, xlabel="recall", ylabel="precision", xlim=(0, 1.02), ylim=(0, 1.03))
        ax.grid(alpha=0.3)
    fig.suptitle("Precision-recall curves (dot: the flag threshold; dotted line: positive rate)", fontsize=10)
    fig.tight_layout()
    return H.img(H.figure_to_data_uri(fig), "precision-recall curves")


def _fig_reliability(report: dict[str, Any]) -> str:
    fig, _ = H.new_figure(13.5, 3.9)
    fig.clf()
    axes = fig.subplots(1, len(RISKS))
    for ax, r in zip(axes, RISKS, strict=True):
        ax.plot([0, 1], [0, 1], color="#9aa5b1", ls="--", lw=1)
        drawn = False
        for i, e in enumerate(report["models"]):
            x = e["evaluation"]["risks"][r]
            bins = [b for b in x["reliability"] if b["count"]]
            if not bins:
                continue
            drawn = True
            col = COLORS[i % len(COLORS)]
            ms = [b["mean_score"] for b in bins]
            pr = [b["positive_rate"] for b in bins]
            sizes = [12 + 120 * b["count"] / max(x["n"], 1) for b in bins]
            ax.plot(ms, pr, color=col, lw=1.4, ls=STYLES[i % len(STYLES)], label=f"{e['role']} (ECE {_f(x['ece'], 3)})")
            ax.scatter(ms, pr, s=sizes, color=col, alpha=0.7, edgecolors="white", linewidths=0.5)
        if drawn:
            ax.legend(loc="upper left", fontsize=8)
        else:
            ax.text(0.5, 0.5, "no labels", ha="center", va="center", color="#7b8794", transform=ax.transAxes)
        ax.set(title=r, xlabel="mean score in bin", ylabel="observed positive rate", xlim=(0, 1), ylim=(0, 1))
        ax.grid(alpha=0.3)
    fig.suptitle("Reliability diagrams (on the diagonal = calibrated; dot size = share of texts)", fontsize=10)
    fig.tight_layout()
    return H.img(H.figure_to_data_uri(fig), "reliability diagrams")


def _fig_decisions(report: dict[str, Any]) -> str:
    models = report["models"]
    fig, _ = H.new_figure(3.6 * len(RISKS), 2.1 * len(models) + 0.6)
    fig.clf()
    axes = np.atleast_2d(fig.subplots(len(models), len(RISKS), squeeze=False))
    for i, e in enumerate(models):
        for j, r in enumerate(RISKS):
            ax = axes[i, j]
            x = e["evaluation"]["risks"][r]
            ax.set_title(f"{r} — {e['role']}", fontsize=9)
            if not x["n"]:
                ax.axis("off")
                ax.text(0.5, 0.5, "no labels", ha="center", va="center", color="#7b8794", transform=ax.transAxes)
                continue
            m = np.array([[x["decisions"][lab][d] for d in ("allow", "review", "block")]
                          for lab in ("positive", "negative")], dtype=float)
            share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
            ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto")
            for a in range(2):
                for b in range(3):
                    ax.text(b, a, f"{int(m[a, b])}\n{share[a, b]:.0%}", ha="center", va="center", fontsize=8,
                            color="white" if share[a, b] > 0.6 else "#1f2933")
            ax.set_xticks(range(3), ["allow", "review", "block"], fontsize=8)
            ax.set_yticks(range(2), ["label 1", "label 0"], fontsize=8)
    fig.suptitle("Decisions against the label (count and share of the row)", fontsize=10)
    fig.tight_layout()
    return H.img(H.figure_to_data_uri(fig), "decision matrices")


def _fig_slices(report: dict[str, Any], dim: str) -> str:
    models = report["models"]
    slices = models[0]["slices"][dim]
    if not slices:
        return "<p class='note'>No example has this information.</p>"
    values = list(slices)
    fig, _ = H.new_figure(13.5, max(2.2, 0.42 * len(values) * len(models) + 1.2))
    fig.clf()
    axes = fig.subplots(1, len(RISKS), sharey=True)
    height = 0.8 / len(models)
    ypos = np.arange(len(values))
    for ax, r in zip(axes, RISKS, strict=True):
        for i, e in enumerate(models):
            f1 = []
            for v in values:
                m = e["slices"][dim][v]["risks"].get(r)
                f1.append(m["f1"] if m else np.nan)
            ax.barh(ypos + i * height - 0.4 + height / 2, np.nan_to_num(f1, nan=0.0), height=height * 0.92,
                    color=COLORS[i % len(COLORS)], label=e["role"])
            for y, val in zip(ypos + i * height - 0.4 + height / 2, f1, strict=True):
                ax.text((0 if np.isnan(val) else val) + 0.01, y, "no labels" if np.isnan(val) else f"{val:.2f}",
                        va="center", fontsize=7, color="#52606d")
        ax.set_title(r, fontsize=10)
        ax.set_xlim(0, 1.12)
        ax.set_xlabel("F1 at the flag threshold", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    labels = []
    for v in values:
        s = slices[v]
        labels.append(f"{v}\n(n={s['n']}{', small' if s['small'] else ''})")
    axes[0].set_yticks(ypos, labels, fontsize=8)
    axes[0].invert_yaxis()
    handles, names = axes[0].get_legend_handles_labels()
    fig.suptitle(f"F1 by {DIMENSION_TITLES[dim]}", fontsize=10)
    fig.tight_layout()
    fig.legend(handles, names, loc="upper right", ncol=len(models), fontsize=8, frameon=False)
    return H.img(H.figure_to_data_uri(fig), f"F1 by {DIMENSION_TITLES[dim]}")


def _fig_functional(report: dict[str, Any]) -> str:
    models = [e for e in report["models"] if "capabilities" in e.get("functional", {})]
    if not models:
        return ""
    caps = [c for c in CAPABILITIES if any(c in e["functional"]["capabilities"] for e in models)]
    fig, _ = H.new_figure(8.0, 0.24 * len(caps) * len(models) + 1.3)
    fig.clf()
    ax = fig.subplots()
    height = 0.8 / len(models)
    ypos = np.arange(len(caps))
    for i, e in enumerate(models):
        rates = [e["functional"]["capabilities"].get(c, {}).get("pass_rate", np.nan) for c in caps]
        y = ypos + i * height - 0.4 + height / 2
        ax.barh(y, np.nan_to_num(rates), height=height * 0.92, color=COLORS[i % len(COLORS)], label=e["role"])
        for yy, c in zip(y, caps, strict=True):
            cc = e["functional"]["capabilities"].get(c)
            if cc:
                ax.text(cc["pass_rate"] + 0.01, yy, f"{cc['passed']}/{cc['n']}", va="center", fontsize=7,
                        color="#52606d")
    ax.set_yticks(ypos, caps, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.1)
    ax.set_xlabel("share of cases passed")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("Functional tests: pass rate per capability", fontsize=10)
    fig.tight_layout()
    return H.img(H.figure_to_data_uri(fig), "functional test pass rates")


def _esc(v: Any) -> str:
    return html.escape(str(v))


def _headline_html(report: dict[str, Any]) -> str:
    rows = []
    for e in report["models"]:
        ev = e["evaluation"]
        ci = ev.get("macro_f1_ci")
        cell = f"<b>{_f(ev['macro_f1'])}</b>"
        if ci and ci[0] is not None:
            cell += f"<br><span class='ci'>[{ci[0]:.3f}, {ci[1]:.3f}]</span>"
        rows.append([_esc(e["role"]), _esc(ev["model"].get("name")), _esc(ev["model"].get("version")),
                     _esc(ev["model"].get("kind")), cell])
    out = H.raw_table(["role", "name", "version", "kind", "macro F1 (primary)"], rows, text_columns=[1, 2, 3])
    rows = []
    for r in RISKS:
        for e in report["models"]:
            x = e["evaluation"]["risks"][r]
            if not x["n"]:
                rows.append([_esc(r), _esc(e["role"]), "0"] + ["–"] * 9)
                continue
            rows.append([_esc(r), _esc(e["role"]), str(x["n"]), str(x["positives"]), _f(x["threshold"]),
                         _f(x["precision"]), _f(x["recall"]),
                         f"<b>{_f(x['f1'])}</b><br><span class='ci'>{_ci(x, 'f1')}</span>",
                         f"{_f(x['pr_auc'])}<br><span class='ci'>{_ci(x, 'pr_auc')}</span>",
                         _f(x["roc_auc"]), _f(x["brier"]),
                         f"{_f(x['ece'])}<br><span class='ci'>{_ci(x, 'ece')}</span>"])
    out += H.raw_table(["risk", "model", "n", "positives", "flag threshold", "precision", "recall",
                        "F1 [95% CI]", "PR-AUC [95% CI]", "ROC-AUC", "Brier", "ECE [95% CI]"], rows, text_columns=[1])
    return out


def _threshold_html(report: dict[str, Any]) -> str:
    parts = []
    for r in RISKS:
        for e in report["models"]:
            x = e["evaluation"]["risks"][r]
            if not x["n"]:
                continue
            q = []
            for kind, label in (("recall_at_precision", "highest recall at precision ≥ {}"),
                                ("precision_at_recall", "highest precision at recall ≥ {}")):
                for t, a in x[kind].items():
                    vals = [_f(a["threshold"]), _f(a["precision"]), _f(a["recall"])] if a else ["not reachable",
                                                                                              "–", "–"]
                    q.append([label.format(t)] + vals)
            grid = [[_f(row["threshold"], 2), _f(row["precision"]), _f(row["recall"]), _f(row["f1"]),
                     f"{row['flagged']:.1%}" if row["flagged"] == row["flagged"] else "–"]
                    for row in x["threshold_table"]]
            inner = (H.raw_table(["query", "threshold", "precision", "recall"], q, text_columns=[0])
                     + H.raw_table(["threshold", "precision", "recall", "F1", "texts flagged"], grid))
            parts.append(H.details(f"{r} — {e['role']}: threshold queries and table", inner))
    return "".join(parts)


def _functional_html(report: dict[str, Any]) -> str:
    models = [e for e in report["models"] if "capabilities" in e.get("functional", {})]
    if not models:
        errs = [e.get("functional", {}).get("error") for e in report["models"]]
        msg = "; ".join(str(x) for x in errs if x) or "functional tests were not run"
        return f"<p class='note'>{_esc(msg)}</p>"
    rows = []
    for cap, desc in CAPABILITIES.items():
        cells = []
        for e in models:
            c = e["functional"]["capabilities"].get(cap)
            cells.append(f"{c['passed']}/{c['n']} ({c['pass_rate']:.0%})" if c else "–")
        rows.append([_esc(cap), _esc(desc)] + cells)
    rows.append(["<b>all</b>", ""] + [f"<b>{e['functional']['passed']}/{e['functional']['n']} "
                                       f"({e['functional']['pass_rate']:.0%})</b>" for e in models])
    out = _fig_functional(report)
    out += H.raw_table(["capability", "what it checks"] + [e["role"] for e in models], rows, text_columns=[1])
    for e in models:
        failed = [c for c in e["functional"]["cases"] if not c["passed"]]
        frows = []
        for c in failed:
            checks = "<br>".join(f"{'✔' if ch['passed'] else '✘'} {_esc(ch['check'])} "
                                 f"<span class='ci'>{_esc(ch['detail'])}</span>" for ch in c["checks"])
            text = _esc(c["text"][:220] + ("…" if len(c["text"]) > 220 else ""))
            if c.get("parent"):
                text = f"<span class='ci'>reply to: {_esc(c['parent'][:160])}</span><br>{text}"
            frows.append([_esc(c["id"]), text, checks])
        parts = H.raw_table(["case", "text", "checks"], frows, text_columns=[1, 2]) if frows else "<p>none</p>"
        out += H.details(f"{e['role']}: {len(failed)} failing case(s)", parts)
    return out


SUITE_NOTE = ("Cases written by the team blind to the training data (card `saring_register_suite`, never trained "
              "on), in four registers. A case is right when every risk it judges is flagged exactly when expected; "
              "the primary figure is the mean accuracy over functions, as HateCheck reports it.")


def _suite_html(report: dict[str, Any]) -> str:
    suites = [(e["role"], e["register_suite"]) for e in report["models"] if "register_suite" in e]
    if not suites:
        return "<p class='note'>the register-shift suite was not run (no suite card, or --no-suite)</p>"
    roles = [r for r, _ in suites]
    first = suites[0][1]
    rows = [[_esc(fn), _esc(str(x["risk"])), _esc(str(x["polarity"])), str(x["n"])]
            + [_f(res["functions"].get(fn, {}).get("accuracy", float("nan")), 2) for _, res in suites]
            for fn, x in first["functions"].items()]
    rows.append(["<b>mean per function</b>", "", "", ""] + [f"<b>{_f(res[PRIMARY_SUITE])}</b>" for _, res in suites])
    rows.append(["<b>right on all risks</b>", "", "", str(first["n"])]
                + [f"<b>{_f(res['all_right_rate'])}</b>" for _, res in suites])
    out = f"<p class='note'>{_esc(SUITE_NOTE)}</p>"
    out += H.raw_table(["function", "risk", "polarity", "n"] + roles, rows, text_columns=[0, 1, 2])
    reg_rows = [[_esc(reg), str(x["n"])] + [_f(res["registers"].get(reg, {}).get("accuracy", float("nan")), 2)
                                            for _, res in suites] for reg, x in first["registers"].items()]
    out += H.raw_table(["register", "n"] + roles, reg_rows, text_columns=[0])
    risk_rows = [[_esc(r), _esc(k)] + [_f(res["risks"][r][k]) for _, res in suites]
                 for r in RISKS for k in ("roc_auc", "recall_at_flag", "negatives_flagged")]
    out += H.raw_table(["risk", "measure"] + roles, risk_rows, text_columns=[0, 1])
    for role, res in suites:
        erows = [[_esc(str(x["function"])), _esc(str(x["register"])), _esc(x["text"][:220]),
                  _esc(", ".join(f"{r}={v}" for r, v in x["expected"].items() if v is not None)),
                  _esc(", ".join(f"{r} {v:.2f}" for r, v in x["scores"].items()))] for x in res["errors"][:60]]
        inner = H.raw_table(["function", "register", "text", "expected", "scores"], erows, text_columns=[0, 1, 2, 3, 4])
        out += H.details(f"{role}: {res['n'] - res['right']} case(s) wrong (first 60)", inner)
    return out


def _errors_html(report: dict[str, Any], k: int = 5) -> str:
    out = ["<p class='note'>The worst few per risk; the full lists are in <code>errors.md</code> and "
           "<code>errors.csv</code> beside this report.</p>"]
    for model, errs in report["errors"].items():
        for r in RISKS:
            e = errs.get(r)
            if not e:
                continue
            for kind, title in (("false_positives", "false positives"), ("false_negatives", "false negatives")):
                rows = [[_f(x["score"]), _esc(x["source"]), _esc(x["text"][:260] + ("…" if len(x["text"]) > 260
                                                                                     else ""))]
                        for x in e[kind][:k]]
                n = e.get("counts", {}).get(kind, len(e[kind]))
                inner = H.raw_table(["score", "source", "text"], rows, text_columns=[1, 2]) if rows else "<p>none</p>"
                out.append(H.details(f"{model} — {r}: {title} ({n})", inner))
    return "".join(out)


def _data_html(report: dict[str, Any]) -> str:
    d = report["data"]
    items = [f"<li>{_esc(d['description'])}: <b>{d['n']}</b> texts; fingerprint <code>{_esc(d['fingerprint'][:16])}"
             "</code></li>",
             "<li>sources: " + ", ".join(f"{_esc(k)} ({v})" for k, v in d["sources"].items()) + "</li>",
             "<li>labelled: " + ", ".join(f"{_esc(r)} {v['n']} ({v['positives']} positive)"
                                          for r, v in d["labelled"].items()) + "</li>"]
    for f in d.get("files", []):
        items.append(f"<li>file {_esc(f['path'])} sha256 <code>{_esc(f['sha256'][:16])}…</code></li>")
    if d.get("bad_rows"):
        items.append(f"<li class='warn'>{d['bad_rows']} bad row(s) skipped while reading</li>")
    return "<ul>" + "".join(items) + "</ul>"


def report_html(report: dict[str, Any]) -> str:
    risks_help = "".join(f"<li><b>{_esc(r)}</b>: {_esc(d)}</li>" for r, d in RISK_DESCRIPTIONS.items())
    intro = ("<p class='note'>Scores are calibrated probabilities. A text is <i>flagged</i> for a risk when its "
             "score reaches the model's flag threshold (decision <i>review</i>), and <i>blocked</i> above the block "
             "threshold. Texts without a label for a risk are left out of that risk's numbers. Bracketed ranges are "
             "95% bootstrap intervals.</p><ul>" + risks_help + "</ul>")
    sections = [
        ("Summary", intro + _headline_html(report)),
        ("Data", _data_html(report)),
        ("Hoax evidence", _hoax_html(report)),
        ("Precision and recall", _fig_pr(report) + _threshold_html(report)),
        ("Calibration", _fig_reliability(report)),
        ("Decisions", _fig_decisions(report)),
        ("Slices", "".join(f"<h3>{_esc(DIMENSION_TITLES[d])}</h3>" + _fig_slices(report, d) for d in DIMENSIONS)),
        ("Functional tests", _functional_html(report)),
        ("Out of distribution", _suite_html(report)),
        ("Worst errors", _errors_html(report)),
        ("Notes", "<ul>" + "".join(f"<li>{_esc(n)}</li>" for n in report["notes"]) + "</ul>"),
    ]
    names = ", ".join(_model_name(e) for e in report["models"])
    return H.page("saring evaluation report", sections, subtitle=f"{names} — created {report['created']}")
