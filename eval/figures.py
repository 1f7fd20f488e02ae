"""The evaluation report's plots: precision-recall curves, reliability diagrams, decision matrices, F1 by
slice and functional-test pass rates, one PNG data URI each (eval.html.Figure), one series per model."""

from __future__ import annotations

from typing import Any

import numpy as np

from eval.functional import CAPABILITIES
from eval.html import Figure, figure_to_data_uri, new_figure, num
from eval.slices import DIMENSION_TITLES
from model.labels import RISKS

COLORS = ("#1f6feb", "#e8730c", "#2da44e", "#8250df")
STYLES = ("-", "--", "-.", ":")


def pr_figure(report: dict[str, Any]) -> Figure:
    fig, axes = new_figure(13.5, 3.9)
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
            ax.plot(
                [0.0] + c["recall"],
                [c["precision"][0]] + c["precision"],
                color=col,
                lw=1.6,
                ls=STYLES[i % len(STYLES)],
                label=f"{e['role']} (AP {num(x['pr_auc'], 2)})",
                drawstyle="steps-post",
            )
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
    return Figure(figure_to_data_uri(fig), "precision-recall curves")


def reliability_figure(report: dict[str, Any]) -> Figure:
    fig, _ = new_figure(13.5, 3.9)
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
            ax.plot(
                ms, pr, color=col, lw=1.4, ls=STYLES[i % len(STYLES)], label=f"{e['role']} (ECE {num(x['ece'], 3)})"
            )
            ax.scatter(ms, pr, s=sizes, color=col, alpha=0.7, edgecolors="white", linewidths=0.5)
        if drawn:
            ax.legend(loc="upper left", fontsize=8)
        else:
            ax.text(0.5, 0.5, "no labels", ha="center", va="center", color="#7b8794", transform=ax.transAxes)
        ax.set(title=r, xlabel="mean score in bin", ylabel="observed positive rate", xlim=(0, 1), ylim=(0, 1))
        ax.grid(alpha=0.3)
    fig.suptitle("Reliability diagrams (on the diagonal = calibrated; dot size = share of texts)", fontsize=10)
    fig.tight_layout()
    return Figure(figure_to_data_uri(fig), "reliability diagrams")


def decisions_figure(report: dict[str, Any]) -> Figure:
    models = report["models"]
    fig, _ = new_figure(3.6 * len(RISKS), 2.1 * len(models) + 0.6)
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
            m = np.array(
                [[x["decisions"][lab][d] for d in ("allow", "review", "block")] for lab in ("positive", "negative")],
                dtype=float,
            )
            share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
            ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto")
            for a in range(2):
                for b in range(3):
                    ax.text(
                        b,
                        a,
                        f"{int(m[a, b])}\n{share[a, b]:.0%}",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white" if share[a, b] > 0.6 else "#1f2933",
                    )
            ax.set_xticks(range(3), ["allow", "review", "block"], fontsize=8)
            ax.set_yticks(range(2), ["label 1", "label 0"], fontsize=8)
    fig.suptitle("Decisions against the label (count and share of the row)", fontsize=10)
    fig.tight_layout()
    return Figure(figure_to_data_uri(fig), "decision matrices")


def slices_figure(report: dict[str, Any], dim: str) -> Figure | None:
    models = report["models"]
    slices = models[0]["slices"][dim]
    if not slices:
        return None
    values = list(slices)
    fig, _ = new_figure(13.5, max(2.2, 0.42 * len(values) * len(models) + 1.2))
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
            ax.barh(
                ypos + i * height - 0.4 + height / 2,
                np.nan_to_num(f1, nan=0.0),
                height=height * 0.92,
                color=COLORS[i % len(COLORS)],
                label=e["role"],
            )
            for y, val in zip(ypos + i * height - 0.4 + height / 2, f1, strict=True):
                ax.text(
                    (0 if np.isnan(val) else val) + 0.01,
                    y,
                    "no labels" if np.isnan(val) else f"{val:.2f}",
                    va="center",
                    fontsize=7,
                    color="#52606d",
                )
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
    return Figure(figure_to_data_uri(fig), f"F1 by {DIMENSION_TITLES[dim]}")


def functional_figure(report: dict[str, Any]) -> Figure | None:
    models = [e for e in report["models"] if "capabilities" in e.get("functional", {})]
    if not models:
        return None
    caps = [c for c in CAPABILITIES if any(c in e["functional"]["capabilities"] for e in models)]
    fig, _ = new_figure(8.0, 0.24 * len(caps) * len(models) + 1.3)
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
                ax.text(
                    cc["pass_rate"] + 0.01, yy, f"{cc['passed']}/{cc['n']}", va="center", fontsize=7, color="#52606d"
                )
    ax.set_yticks(ypos, caps, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.1)
    ax.set_xlabel("share of cases passed")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("Functional tests: pass rate per capability", fontsize=10)
    fig.tight_layout()
    return Figure(figure_to_data_uri(fig), "functional test pass rates")
