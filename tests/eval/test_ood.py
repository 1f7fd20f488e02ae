"""The register-shift suite evaluator: per-function accuracy as HateCheck reports it."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from eval.html import render
from eval.ood import (
    MEAN_FUNCTION,
    PRIMARY,
    RegisterSuiteEvaluator,
    Suite,
    evaluate_suite,
    suite_context,
    suite_markdown,
    suite_names,
)
from tests.eval.helpers import TableModel, ex


def case(text: str, function: str, register: str, risk: str, polarity: str, **labels) -> object:
    return ex(text, meta={"function": function, "register": register, "risk": risk, "polarity": polarity}, **labels)


@pytest.fixture()
def suite():
    return [
        case("semua orang X harus diusir", "hate_threat", "colloquial", "incitement", "positive", hoax=0, incitement=1),
        case("orang X itu sampah", "hate_derogation", "formal", "incitement", "positive", hoax=0, incitement=1),
        case(
            "kalo lo bilang orang X sampah, lo yang salah",
            "counter_quote",
            "colloquial",
            "incitement",
            "negative",
            hoax=0,
            slander=0,
            incitement=0,
        ),
        case("gue suka makanan X", "group_positive", "alay", "incitement", "negative", hoax=0, slander=0, incitement=0),
    ]


def test_a_case_is_right_only_when_every_judged_risk_is_right(suite):
    model = TableModel(
        {
            suite[0].text: (0.1, 0.9, 0.8),  # right: slander is not judged, so its high score does not matter
            suite[1].text: (0.7, 0.1, 0.9),  # wrong: flagged as hoax
            suite[2].text: (0.1, 0.1, 0.6),  # wrong: counter-speech flagged
            suite[3].text: (0.1, 0.1, 0.1),  # right
        }
    )
    res = evaluate_suite(model, suite)
    assert res["right"] == 2 and res["n"] == 4
    assert res["functions"]["hate_threat"]["accuracy"] == 1.0
    assert res["functions"]["hate_derogation"]["accuracy"] == 0.0
    assert res["functions"]["counter_quote"]["accuracy"] == 0.0
    assert res[MEAN_FUNCTION] == pytest.approx(0.5)  # the mean over functions, each weighing the same
    assert res["registers"]["colloquial"] == {"n": 2, "right": 1, "accuracy": 0.5}
    inc = res["risks"]["incitement"]
    assert inc["recall_at_flag"] == 1.0 and inc["negatives_flagged"] == 0.5
    assert inc["roc_auc"] == pytest.approx(1.0)  # 0.8, 0.9 above 0.6, 0.1
    assert res["risks"]["hoax"]["negatives_flagged"] == pytest.approx(0.25)
    assert math.isnan(res["risks"]["slander"]["roc_auc"])  # no slander positive in the suite
    assert {e["id"] for e in res["errors"]} == {suite[1].id, suite[2].id}


def test_hate_of_either_kind_is_read_by_the_higher_score():
    posts = [
        case("lurah itu maling", "personal_hate", "formal", "slander", "positive", slander=1),  # incitement not judged
        case("orang X harus pergi", "group_hate", "formal", "incitement", "positive", incitement=1),
        case("jalan rusak lagi", "complaint", "formal", "slander", "negative", slander=0, incitement=0),
        case("makanan X enak", "group_positive", "formal", "incitement", "negative", slander=0, incitement=0),
        case("kalo lo bilang X", "counter", "formal", "incitement", "negative", incitement=0),  # slander unknown
    ]
    model = TableModel(
        {
            posts[0].text: (0.1, 0.8, 0.1),  # personal hate: high slander, low incitement
            posts[1].text: (0.1, 0.2, 0.7),  # group hate: high incitement
            posts[2].text: (0.1, 0.3, 0.1),
            posts[3].text: (0.1, 0.1, 0.75),  # a kind mention flagged for incitement, above the group hate
            posts[4].text: (0.1, 0.9, 0.05),  # not counted: it may insult someone, the case does not say
        }
    )
    hate = evaluate_suite(model, posts)["risks"]["slander_or_incitement"]
    assert hate["n"] == 4 and hate["positives"] == 2
    assert hate["roc_auc"] == pytest.approx(0.75)  # maxes 0.8, 0.7 vs 0.3, 0.75: three of four pairs ordered
    assert hate["recall_at_flag"] == 1.0 and hate["negatives_flagged"] == 0.5
    md = "\n".join(suite_markdown([("model", evaluate_suite(model, posts))]))
    assert "| slander_or_incitement | roc_auc | 0.750 |" in md


def test_evaluator_shape_and_markdown(suite):
    perfect = TableModel({s.text: ((0.9, 0.1, 0.9) if i < 2 else (0.1, 0.1, 0.1)) for i, s in enumerate(suite)})
    perfect.scores[suite[0].text] = (0.1, 0.1, 0.9)
    perfect.scores[suite[1].text] = (0.1, 0.1, 0.9)
    flat = RegisterSuiteEvaluator(suite)(perfect)
    assert RegisterSuiteEvaluator.primary_metric in flat and flat[PRIMARY] == 1.0
    assert all(isinstance(v, float) for v in flat.values())
    md = "\n".join(suite_markdown([("model", evaluate_suite(perfect, suite))]))
    assert "| hate_threat | incitement | positive | 1 | 1.00 |" in md


def test_a_group_swap_suite_is_reported_per_group_with_the_bias_aucs():
    """The same frames about each group: a group whose name alone raises its kind posts' scores has a low BPSN AUC
    (background positive, subgroup negative), one whose hate scores low a low BNSP AUC (Borkan et al. 2019)."""

    def swap(text: str, group: str, polarity: str) -> object:
        c = case(text, f"swap_{polarity}", "formal", "incitement", polarity, incitement=int(polarity == "positive"))
        c.meta["group"] = group
        return c

    posts = [
        swap(f"{frame} {g}", g, pol)
        for g in ("a", "b", "c")
        for frame, pol in (("kind", "negative"), ("hate", "positive"))
    ]
    posts.append(case("no group here", "plain", "formal", "incitement", "negative", incitement=0))  # not per group
    model = TableModel({p.text: (0.1, 0.1, 0.2) for p in posts})
    model.scores.update({"hate a": (0.1, 0.1, 0.9), "hate b": (0.1, 0.1, 0.9), "hate c": (0.1, 0.1, 0.55)})
    model.scores["kind a"] = (0.1, 0.1, 0.6)  # group a's kind post flagged (the flag is 0.5): its name is a cue
    res = evaluate_suite(model, posts)
    groups = res["groups"]
    assert set(groups) == {"a", "b", "c"} and groups["a"]["n"] == 2
    assert groups["a"]["negatives_flagged"] == 1.0 and groups["b"]["negatives_flagged"] == 0.0
    assert groups["a"]["bpsn_auc"] == pytest.approx(0.5)  # its kind post (0.6) above c's hate (0.55), below b's
    assert groups["b"]["bpsn_auc"] == 1.0 and groups["a"]["subgroup_auc"] == 1.0
    assert groups["c"]["bnsp_auc"] == pytest.approx(0.5)  # its hate (0.55) below a's kind post (0.6), above b's
    assert groups["c"]["recall_at_flag"] == 1.0
    md = "\n".join(suite_markdown([("model", res)]))
    rows = [line for line in md.splitlines() if line.startswith("| a |") or line.startswith("| c |")]
    assert rows[0] == "| a | 2 | 1.00 | 1.00 | 0.50 | 1.00 |"  # the lowest BPSN first
    html = render("suite.html.j2", {"suite": suite_context([("model", res)])})
    assert '<td class="text">a</td><td>2</td><td>1.00</td><td>1.00</td><td>0.50</td><td>1.00</td>' in html
    assert "groups" not in evaluate_suite(model, posts[-1:])  # a suite naming no group has no per-group table
    posts[0].meta["risk"] = "hate"  # not a risk: said, not a KeyError
    with pytest.raises(ValueError, match=r"have no risk among .*fix the suite's rows"):
        evaluate_suite(model, posts)


def _card(purpose: str, meta: tuple[str, ...]) -> SimpleNamespace:
    return SimpleNamespace(purpose=purpose, files=[SimpleNamespace(meta_columns=meta)])


def test_every_evaluation_card_with_functions_is_a_suite_register_suite_first():
    suite_meta = ("function", "risk", "polarity", "register")
    cards = {
        "a_posts": _card("evaluation", suite_meta),
        "saring_register_suite": _card("evaluation", suite_meta),
        "train_set": _card("training", suite_meta),  # trained on: never a suite
        "plain_eval": _card("evaluation", ("topic",)),  # no functions: an evaluation set, not a suite
    }
    assert suite_names(cards) == ["saring_register_suite", "a_posts"]


def test_the_report_shows_every_suite_with_only_the_risks_it_judges(suite, tmp_path):
    from eval.data import EvalData
    from eval.report import build_report, write_report

    posts = [
        case("vaksin itu berisi chip", "hoax_health", "formal", "hoax", "positive", hoax=1),
        case("jadwal vaksinasi di puskesmas hari sabtu", "official_notice", "formal", "hoax", "negative", hoax=0),
    ]
    model = TableModel(
        {
            **{s.text: (0.1, 0.1, 0.9 if i < 2 else 0.1) for i, s in enumerate(suite)},
            posts[0].text: (0.9, 0.1, 0.1),
            posts[1].text: (0.6, 0.1, 0.1),  # a valid post flagged as hoax
        }
    )
    data = EvalData([ex("x", hoax=0, slander=0, incitement=0), ex("y", hoax=1, slander=1, incitement=1)], "fixture")
    model.scores.update({"x": (0.1, 0.1, 0.1), "y": (0.9, 0.9, 0.9)})
    suites = [Suite("saring_register_suite", "register-shift suite", suite), Suite("posts_card", "posts set", posts)]
    rep = build_report([("model", model)], data, bootstrap=0, functional=False, suites=suites)
    res = rep["models"][0]["ood_suites"]
    assert list(res) == ["saring_register_suite", "posts_card"]
    assert res["posts_card"]["risks"]["hoax"]["negatives_flagged"] == 1.0
    assert res["posts_card"]["functions"]["official_notice"]["accuracy"] == 0.0
    assert res["saring_register_suite"]["right"] == 4
    md = write_report(rep, tmp_path)["md"].read_text(encoding="utf-8")
    assert "## Out of distribution: register-shift suite" in md and "## Out of distribution: posts set" in md
    posts_part = md.split("## Out of distribution: posts set")[1].split("## Errors")[0]
    assert "| hoax | negatives_flagged | 1.000 |" in posts_part
    assert "| slander |" not in posts_part  # the posts set judges hoax only: no NaN rows for the others
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "posts set" in html and "card `posts_card`" in html


def test_the_committed_suites_are_evaluation_cards_and_never_trained_on():
    from model.cards import load_cards
    from model.catalogue import load_catalogue

    cards = load_cards()
    names = suite_names(cards)
    assert names == [
        "saring_register_suite",
        "saring_circulated_posts",
        "saring_group_swap_suite",
        "saring_long_posts",
        "saring_outsider_claims_suite",
        "saring_outsider_functional_suite",
        "saring_outsider_hate_suite",
        "saring_outsider_rumour_suite",
    ]
    assert all(cards[n].purpose == "evaluation" for n in names)
    sources = {e.source for e in load_catalogue().examples}
    assert not sources & set(names)


def test_the_functional_suite_judges_all_three_risks_on_every_case_but_two():
    """The outsider functional suite is read as the hidden functional cases are (a case is right only when all three
    risks are): every case judges every risk, but for the two joking insults of a friend whose slander its card
    leaves unjudged, and each function's own risk, where judged, follows its polarity."""
    from eval.ood import load_suite
    from model.labels import RISKS

    cases = load_suite("saring_outsider_functional_suite")
    unjudged = {(e.id.rsplit(":", 1)[-1], r) for e in cases for r in RISKS if e.label(r) is None}
    assert unjudged == {("of-g0078", "slander"), ("of-g0081", "slander")}
    judged = [e for e in cases if e.label(e.meta["risk"]) is not None]
    assert len(judged) == 298 and all(e.label(e.meta["risk"]) == int(e.meta["polarity"] == "positive") for e in judged)


def test_weak_labels_train_but_never_evaluate():
    from model.examples import label_matrix, training_targets

    tweet = ex("dasar kau bodoh", slander=1, incitement=0)
    tweet.meta["weak"] = {"hoax": [0, 0.2]}
    post = ex("vaksin berisi chip", hoax=1)
    post.meta["weak"] = {"hoax": [0, 0.2]}  # an annotated label always wins over a weak one
    y, w = training_targets([tweet, post], ["hoax", "slander", "incitement"])
    assert y[0, 0] == 0 and w[0, 0] == pytest.approx(0.2)
    assert y[1, 0] == 1 and w[1, 0] == 1
    assert np.isnan(y[1, 1]) and w[1, 1] == 0
    assert np.isnan(label_matrix([tweet], ["hoax"])[0, 0])  # evaluation keeps it missing


def test_weak_label_declarations_are_validated(tmp_path):
    from pathlib import Path

    from model.cards import parse_card
    from model.examples import DataError

    src = Path("datasets/netifier.toml").read_text(encoding="utf-8")
    assert parse_card(Path("datasets/netifier.toml")).weak[0].target == "hoax"
    bad = tmp_path / "netifier.toml"
    bad.write_text(
        src.replace("weight = 0.2", "weight = 1.5").replace("[weak_labels.hoax]", "[weak_labels.hoax]\n")
        + '\n[weak_labels.nonsense]\nvalue = 0\nweight = 0.1\nreason = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError) as e:
        parse_card(bad)
    assert "weight must be in (0, 1]" in str(e.value) and "unknown label 'nonsense'" in str(e.value)
