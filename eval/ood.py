"""Out-of-distribution evaluation: functional suites, scored per function as HateCheck reports it.

Every evaluation-only catalogue card (`purpose = "evaluation"`) whose rows name a `function`, a `risk` and a
`polarity` is a suite, and `saring eval` runs them all (`ood_suites`): the register-shift suite
(`saring_register_suite`, first), the circulated-posts set (`saring_circulated_posts`: hoaxes and valid
posts in the style of 2018-2019 WhatsApp, Facebook and Twitter, by a separate author), the long posts
(`saring_long_posts`) and two suites by authors who never saw saring's data (`saring_outsider_hate_suite`:
group hate in Jakarta colloquial, the issue's hidden set's shape; `saring_outsider_claims_suite`: hoax and
slander with their hard negatives; `saring_outsider_rumour_suite`: hoaxes and valid posts as they circulated in
2016-2024; `saring_outsider_functional_suite`: everyday posts in ten functions, each judged on all three risks), and
the group-swap suite (`saring_group_swap_suite`: the same kind and hateful
frames filled with 34 groups; a suite whose cases carry a `group` column is also reported per group, see
`group_bias`). The register suite is:
Indonesian cases written by the team blind to the training data, in four registers (formal, colloquial gue/lu,
alay, regional code-mixing), each with the expected value of every risk it judges (1, 0, or missing = not
judged), a `function` (e.g. hate_derogation, counter_quote, hoax_neg_announcement), the `risk` the function is
about and its `polarity` (positive: should be flagged; negative: a hard negative that must not be).

A case is **right** when, for every risk it judges, the model's flag (score >= the model's flag threshold)
equals the expected value. The primary metric is the mean of the per-function accuracies (each function
weighs the same, whatever its size); beside it: accuracy per register, per risk ROC-AUC on the cases that judge
it, recall of the positives at the flag, the share of hard negatives flagged, and the share of cases that claim
nothing (hoax = 0) flagged as hoax; and the same measures for hate speech of either kind
(`slander_or_incitement`: the higher of the two scores, flagged when either is; a case is hate when a risk it
judges is 1, not hate when it judges both 0), which is how a set labelled "hate speech, personal or group" (the
long-posts set) is read.

`RegisterSuiteEvaluator(examples)(model) -> dict[str, float]` has the sentence-transformers evaluator shape;
`evaluate_suite(model, examples)` returns the full breakdown for reports.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from eval import metrics as M
from eval.evaluator import flag_block, predict
from model.examples import Example, label_matrix
from model.labels import RISKS

logger = logging.getLogger(__name__)

SUITE_CARD = "saring_register_suite"
PRIMARY = "register_suite_function_accuracy"  # the evaluator's key; in every suite's result: MEAN_FUNCTION
MEAN_FUNCTION = "mean_function_accuracy"
SUITE_COLUMNS = frozenset({"function", "risk", "polarity"})
# The measure of "hate speech, personal or group": max(slander, incitement); see evaluate_suite.
HATE_EITHER = "slander_or_incitement"
# A suite whose cases name the group they are about in this column (the group-swap suite: one frame filled with
# many groups) is also reported per group (group_bias).
GROUP_COLUMN = "group"


@dataclass(frozen=True)
class Suite:
    """One out-of-distribution suite: its card's name and title, and its cases."""

    name: str
    title: str
    examples: Sequence[Example]


def suite_names(cards: dict[str, Any]) -> list[str]:
    """The evaluation cards that are functional suites (their rows carry function, risk and polarity): the
    register-shift suite first, then the others by name."""
    names = [
        name
        for name, card in cards.items()
        if card.purpose == "evaluation" and any(SUITE_COLUMNS <= set(f.meta_columns or ()) for f in card.files)
    ]
    return sorted(names, key=lambda n: (n != SUITE_CARD, n))


def load_suites(cards: dict[str, Any] | None = None) -> list[Suite]:
    """Every out-of-distribution suite in the catalogue (see `suite_names`), loaded and sha256-checked."""
    from model.cards import load_cards

    cards = cards if cards is not None else load_cards()
    return [Suite(name, str(cards[name].title), load_suite(name, cards)) for name in suite_names(cards)]


def load_suite(name: str = SUITE_CARD, cards: dict[str, Any] | None = None) -> list[Example]:
    """The suite's cases from its catalogue card (sha256-checked). Raises DataError when it is missing."""
    from model.cards import load_cards
    from model.catalogue import load_dataset

    cards = cards if cards is not None else load_cards()
    if name in cards and cards[name].purpose != "evaluation":
        raise ValueError(
            f"card {name!r} has purpose {cards[name].purpose!r}; an out-of-distribution suite must be "
            'an evaluation card (purpose = "evaluation") so that no model is ever trained on it'
        )
    res = load_dataset(name, cards)
    if res.bad_rows:
        raise ValueError(
            f"suite {name!r} has {len(res.bad_rows)} bad row(s), first: {res.bad_rows[0]}; fix the "
            "suite's file or its card"
        )
    return res.examples


def evaluation_case_texts(cards: dict[str, Any] | None = None) -> list[str]:
    """The text of every evaluation case committed in the project: the rows of every evaluation card with a local
    source (suites and evaluation sets alike; remote ones are not read, so that a check never needs the network)
    and the hand-written functional cases (eval.functional). Training posts must not be near copies of these
    (model.overlap)."""
    from eval.functional import load_cases
    from model.cards import load_cards
    from model.catalogue import load_dataset

    cards = cards if cards is not None else load_cards()
    texts = [
        e.text
        for name, card in sorted(cards.items())
        if card.purpose == "evaluation" and card.source.local and card.examples_files
        for e in load_dataset(name, cards).examples
    ]
    return texts + [case.text for case in load_cases()]


def cases_right(probs: np.ndarray, y: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Per case: is every risk it judges (y not NaN) flagged (probs >= flags) exactly when expected?"""
    correct = np.where(~np.isnan(y), (probs >= flags) == (y == 1), True)
    return np.asarray(correct.all(axis=1))  # an array even when numpy's stubs allow a scalar


def function_groups(examples: Sequence[Example]) -> dict[str, np.ndarray]:
    """Case indices per function (sorted by function name)."""
    by: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        by[str(e.meta.get("function", "unknown"))].append(i)
    return {fn: np.asarray(idx) for fn, idx in sorted(by.items())}


def _ranking(y: np.ndarray, p: np.ndarray, flagged: np.ndarray) -> dict[str, Any]:
    """Cases, positives, ROC-AUC, recall at the flag and negatives flagged of one risk (y 1/0, scores, flags)."""
    pos, neg = y == 1, y == 0
    return {
        "n": len(y),
        "positives": int(pos.sum()),
        "roc_auc": M.roc_auc(p, y) if pos.any() and neg.any() else float("nan"),
        "recall_at_flag": float(flagged[pos].mean()) if pos.any() else float("nan"),
        "negatives_flagged": float(flagged[neg].mean()) if neg.any() else float("nan"),
    }


def evaluate_suite(model: Any, examples: Sequence[Example]) -> dict[str, Any]:
    """Per-function, per-register and per-risk results of `model` on the suite's cases."""
    examples = list(examples)
    if not examples:
        raise ValueError("the out-of-distribution suite is empty; expected its cases from the suite card")
    probs = predict(model, [e.text for e in examples])  # the model normalises, as it does when serving
    y = label_matrix(examples, RISKS)
    flags = np.array([flag_block(model, r)[0] for r in RISKS])
    flagged = probs >= flags
    judged = ~np.isnan(y)
    right = cases_right(probs, y, flags)

    def rate(mask: np.ndarray) -> dict[str, Any]:
        n = int(mask.sum())
        return {"n": n, "right": int(right[mask].sum()), "accuracy": float(right[mask].mean()) if n else float("nan")}

    meta = [e.meta for e in examples]
    functions: dict[str, dict[str, Any]] = {}
    for fn, idx in function_groups(examples).items():
        mask = np.zeros(len(examples), bool)
        mask[idx] = True
        functions[fn] = {**rate(mask), "risk": meta[idx[0]].get("risk"), "polarity": meta[idx[0]].get("polarity")}
    registers: dict[str, dict[str, Any]] = {}
    for reg in sorted({str(m.get("register", "unknown")) for m in meta}):
        registers[reg] = rate(np.array([str(m.get("register", "unknown")) == reg for m in meta]))

    risks: dict[str, dict[str, Any]] = {}
    for j, r in enumerate(RISKS):
        k = judged[:, j]
        risks[r] = {**_ranking(y[k, j], probs[k, j], flagged[k, j]), "flag_threshold": float(flags[j])}
    # Hate speech of either kind, as a set labelled "hate speech, personal or group" is read: by the higher of the
    # two scores. A case counts as hate when either risk it judges is 1 and as not hate when it judges both 0
    # (a group-hate case need not say whether it also insults a person).
    si = [RISKS.index("slander"), RISKS.index("incitement")]
    hate = (y[:, si] == 1).any(axis=1)
    counted = hate | (y[:, si] == 0).all(axis=1)
    if counted.any():
        risks[HATE_EITHER] = _ranking(
            hate[counted].astype(float), probs[counted][:, si].max(axis=1), flagged[counted][:, si].any(axis=1)
        )
    macro = float(np.mean([f["accuracy"] for f in functions.values()]))
    groups = group_bias(examples, probs, flags, right) if any(GROUP_COLUMN in m for m in meta) else None
    errors = []
    for i in np.flatnonzero(~right)[:400]:
        errors.append(
            {
                "id": examples[i].id,
                "function": meta[i].get("function"),
                "register": meta[i].get("register"),
                "text": examples[i].text,
                "expected": {r: (None if np.isnan(y[i, j]) else int(y[i, j])) for j, r in enumerate(RISKS)},
                "scores": {r: round(float(probs[i, j]), 4) for j, r in enumerate(RISKS)},
            }
        )
    result = {
        "n": len(examples),
        "right": int(right.sum()),
        "all_right_rate": float(right.mean()),
        MEAN_FUNCTION: macro,
        "functions": functions,
        "registers": registers,
        "risks": risks,
        "errors": errors,
    }
    if groups is not None:
        result["groups"] = groups
    logger.info(
        "out-of-distribution suite: %d of %d cases right, mean per-function accuracy %.3f",
        result["right"],
        result["n"],
        macro,
    )
    return result


def group_bias(
    examples: Sequence[Example], probs: np.ndarray, flags: np.ndarray, right: np.ndarray
) -> dict[str, dict[str, Any]]:
    """Per group named in the cases' `group` column: how the model treats the same frames about that group.

    Each case is scored on its own risk (its `risk` column) and is positive when its polarity is. Beside the share of
    the group's cases right, its hard negatives flagged and its positives flagged, the three AUCs of Borkan et al.
    (2019, "Nuanced Metrics for Measuring Unintended Bias with Real Data for Text Classification"): `subgroup_auc`
    (the group's cases alone), `bpsn_auc` (background positive, subgroup negative: the other groups' positives
    against this group's negatives; low when the group's name alone raises the score, i.e. its kind posts look
    hateful) and `bnsp_auc` (background negative, subgroup positive: low when hate against this group scores
    lower than kind posts about others)."""
    risk_of = {r: j for j, r in enumerate(RISKS)}
    rows = [(i, risk_of.get(str(e.meta.get("risk")), -1)) for i, e in enumerate(examples) if e.meta.get(GROUP_COLUMN)]
    if bad := [examples[i].id for i, j in rows if j < 0]:
        raise ValueError(
            f"{len(bad)} case(s) naming a group have no risk among {list(RISKS)} in their `risk` column (first: "
            f"{bad[0]}); a group-swap case is scored on its own risk: fix the suite's rows or its card"
        )
    if not rows:
        return {}
    idx = np.array([i for i, _ in rows])
    col = np.array([j for _, j in rows])
    score = probs[idx, col]
    flagged = score >= flags[col]
    positive = np.array([examples[i].meta.get("polarity") == "positive" for i in idx])
    group = np.array([str(examples[i].meta[GROUP_COLUMN]) for i in idx])
    ok = right[idx]

    def auc(mask: np.ndarray) -> float:
        y = positive[mask]
        return M.roc_auc(score[mask], y.astype(float)) if y.any() and not y.all() else float("nan")

    out: dict[str, dict[str, Any]] = {}
    for g in sorted(set(group)):
        sub = group == g
        out[g] = {
            "n": int(sub.sum()),
            "accuracy": float(ok[sub].mean()),
            "negatives_flagged": float(flagged[sub & ~positive].mean()) if (sub & ~positive).any() else float("nan"),
            "recall_at_flag": float(flagged[sub & positive].mean()) if (sub & positive).any() else float("nan"),
            "subgroup_auc": auc(sub),
            "bpsn_auc": auc((~sub & positive) | (sub & ~positive)),
            "bnsp_auc": auc((~sub & ~positive) | (sub & positive)),
        }
    return out


def flatten_suite(result: dict[str, Any]) -> dict[str, float]:
    """The evaluator-shaped summary: primary metric first, then per-risk and per-function figures."""
    flat: dict[str, float] = {PRIMARY: result[MEAN_FUNCTION], "register_suite_all_right": result["all_right_rate"]}
    for r, x in result["risks"].items():
        for k in ("roc_auc", "recall_at_flag", "negatives_flagged"):
            flat[f"register_suite_{r}_{k}"] = x[k]
    for fn, x in result["functions"].items():
        flat[f"register_suite_fn_{fn}"] = x["accuracy"]
    for reg, x in result["registers"].items():
        flat[f"register_suite_register_{reg}"] = x["accuracy"]
    return flat


class RegisterSuiteEvaluator:
    """`evaluator(model) -> dict[str, float]` on the register-shift suite (primary: `primary_metric`)."""

    primary_metric = PRIMARY

    def __init__(self, examples: Sequence[Example] | None = None) -> None:
        self.examples = list(examples) if examples is not None else load_suite()

    def __call__(self, model: Any) -> dict[str, float]:
        return flatten_suite(evaluate_suite(model, self.examples))


SUITE_NOTE = (
    "Cases written by the team blind to the training data (card `saring_register_suite`, never trained "
    "on), in four registers. A case is right when every risk it judges is flagged exactly when expected; "
    "the primary figure is the mean accuracy over functions, as HateCheck reports it."
)


def suite_note(name: str, title: str) -> str:
    """What the report says above a suite's tables."""
    if name == SUITE_CARD:
        return SUITE_NOTE
    return (
        f"{title} (card `{name}`, evaluation only, never trained on). A case is right when every risk it "
        "judges is flagged exactly when expected; per function (kind of post), per register and per risk."
    )


def suite_context(
    entries: list[tuple[str, dict[str, Any]]], name: str = SUITE_CARD, title: str = "register-shift suite"
) -> dict[str, Any]:
    """A suite's tables comparing models (role, result), for eval/templates/suite.*.j2: functions (in the first
    model's order), registers, the measures of the risks it judges, and each model's wrong cases (the first
    60)."""
    first = entries[0][1]
    nan = float("nan")
    return {
        "name": name,
        "title": title,
        "note": suite_note(name, title),
        "roles": [r for r, _ in entries],
        "n": first["n"],
        "functions": [
            {
                "name": fn,
                "risk": x["risk"],
                "polarity": x["polarity"],
                "n": x["n"],
                "accuracy": [res["functions"].get(fn, {}).get("accuracy", nan) for _, res in entries],
            }
            for fn, x in first["functions"].items()
        ],
        "mean_per_function": [res[MEAN_FUNCTION] for _, res in entries],
        "all_right_rate": [res["all_right_rate"] for _, res in entries],
        "registers": [
            {
                "name": reg,
                "n": x["n"],
                "accuracy": [res["registers"].get(reg, {}).get("accuracy", nan) for _, res in entries],
            }
            for reg, x in first["registers"].items()
        ],
        "risks": [
            {"risk": r, "measure": k, "by_model": [res["risks"].get(r, {}).get(k, nan) for _, res in entries]}
            for r in (*RISKS, HATE_EITHER)
            if first["risks"].get(r, {}).get("n")
            for k in ("roc_auc", "recall_at_flag", "negatives_flagged")
        ],
        "wrong": [
            {
                "role": role,
                "count": res["n"] - res["right"],
                "cases": [
                    {
                        "function": str(x["function"]),
                        "register": str(x["register"]),
                        "text": x["text"][:220],
                        "expected": ", ".join(f"{r}={v}" for r, v in x["expected"].items() if v is not None),
                        "scores": ", ".join(f"{r} {v:.2f}" for r, v in x["scores"].items()),
                    }
                    for x in res["errors"][:60]
                ],
            }
            for role, res in entries
        ],
        "groups": _group_rows(entries),
    }


GROUP_MEASURES = ("negatives_flagged", "recall_at_flag", "bpsn_auc", "bnsp_auc")


def _group_rows(entries: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The per-group table of a group-swap suite (empty for other suites): the first model's worst groups first
    (lowest BPSN AUC: the group whose name alone most raises the score of its kind posts)."""
    first = entries[0][1].get("groups") or {}
    nan = float("nan")
    order = sorted(first, key=lambda g: (np.nan_to_num(first[g]["bpsn_auc"], nan=2.0), g))
    return [
        {
            "name": g,
            "n": first[g]["n"],
            "by_model": [
                [(res.get("groups") or {}).get(g, {}).get(k, nan) for k in GROUP_MEASURES] for _, res in entries
            ],
        }
        for g in order
    ]


def suite_markdown(
    entries: list[tuple[str, dict[str, Any]]], name: str = SUITE_CARD, title: str = "register-shift suite"
) -> list[str]:
    """Markdown tables comparing models (role, result) on a suite: functions, registers, risks."""
    if not entries:
        return []
    from eval.html import render

    return render("suite.md.j2", {"suite": suite_context(entries, name, title)}).rstrip("\n").split("\n")
