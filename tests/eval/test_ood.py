"""The register-shift suite evaluator: per-function accuracy as HateCheck reports it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eval.ood import PRIMARY, RegisterSuiteEvaluator, evaluate_suite, suite_markdown
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
    assert res[PRIMARY] == pytest.approx(0.5)  # the mean over functions, each weighing the same
    assert res["registers"]["colloquial"] == {"n": 2, "right": 1, "accuracy": 0.5}
    inc = res["risks"]["incitement"]
    assert inc["recall_at_flag"] == 1.0 and inc["negatives_flagged"] == 0.5
    assert inc["roc_auc"] == pytest.approx(1.0)  # 0.8, 0.9 above 0.6, 0.1
    assert res["risks"]["hoax"]["negatives_flagged"] == pytest.approx(0.25)
    assert math.isnan(res["risks"]["slander"]["roc_auc"])  # no slander positive in the suite
    assert {e["id"] for e in res["errors"]} == {suite[1].id, suite[2].id}


def test_evaluator_shape_and_markdown(suite):
    perfect = TableModel({s.text: ((0.9, 0.1, 0.9) if i < 2 else (0.1, 0.1, 0.1)) for i, s in enumerate(suite)})
    perfect.scores[suite[0].text] = (0.1, 0.1, 0.9)
    perfect.scores[suite[1].text] = (0.1, 0.1, 0.9)
    flat = RegisterSuiteEvaluator(suite)(perfect)
    assert RegisterSuiteEvaluator.primary_metric in flat and flat[PRIMARY] == 1.0
    assert all(isinstance(v, float) for v in flat.values())
    md = "\n".join(suite_markdown([("model", evaluate_suite(perfect, suite))]))
    assert "| hate_threat | incitement | positive | 1 | 1.00 |" in md


def test_the_committed_suite_is_an_evaluation_card_and_never_trained_on():
    from model.cards import load_cards
    from model.catalogue import load_catalogue

    cards = load_cards()
    assert cards["saring_register_suite"].purpose == "evaluation"
    sources = {e.source for e in load_catalogue().examples}
    assert "saring_register_suite" not in sources


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
