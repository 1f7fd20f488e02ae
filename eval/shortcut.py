"""The style-shortcut check of a report: how far the labels of each evaluated set can be told from style alone.

model.style fits a logistic regression on non-lexical style features (length, capitals, "!", emoji, links...) of
the training split and reads its ROC-AUC on the evaluated data and on every out-of-distribution suite, beside each
model's own ROC-AUC there. Where the style probe is well above 0.5 a model can score well on that set by the style
its training data taught; where it is near 0.5 (or below) the set measures content. Measured on the catalogue
(thirty-fourth session, before the short-claim set joined it): hoax 0.79 on the test split and 0.92 / 0.84 on the
register and outsider claims suites (their claims are longer than their insults and questions), 0.54 on the
circulated posts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from model.examples import Example
from model.labels import RISKS
from model.style import feature_descriptions, fit_style_probe


def style_shortcut(
    train: Sequence[Example] | None, sets: Sequence[tuple[str, str, Sequence[Example]]]
) -> dict[str, Any]:
    """{"trained_on", "strongest", "sets": [{"name", "title", "risks": {risk: {"roc_auc", "n", "positives"}}}]} for
    `sets` ((name, title, examples) each: the report names a suite by its card), or {"skipped": why} without a
    training split to fit the probe on."""
    if not train:
        return {
            "skipped": "the style probe is fitted on the catalogue's training split, and this report evaluates files; "
            "`saring data --data FILE style` checks the style of your own labelled files"
        }
    probe = fit_style_probe(train)
    out_sets = []
    for name, title, examples in sets:
        risks = {r: v for r, v in probe.roc_auc(examples).items() if not math.isnan(v["roc_auc"])}
        if risks:
            out_sets.append({"name": name, "title": title, "risks": risks})
    return {
        "trained_on": probe.trained_on,
        "features": feature_descriptions(),
        "strongest": {r: probe.strongest(r) for r in RISKS},
        "sets": out_sets,
    }
