"""Checks on the real mirrored data; skipped when no mirror is present (the files are never copied here)."""

from __future__ import annotations

from collections import Counter

import pytest

from model.cards import load_cards
from model.catalogue import fetch_file, load_catalogue, load_dataset, load_slang, sha256_of
from model.labels import RISKS
from model.paths import data_mirror

mirror = data_mirror()
pytestmark = pytest.mark.skipif(
    mirror is None or not (mirror / "netifier").is_dir(), reason="no local data mirror (SARING_DATA_MIRROR)"
)


@pytest.fixture(scope="module")
def cards():
    return load_cards()


def test_cards_validate_and_every_mirrored_file_matches(cards) -> None:
    assert set(cards) == {
        "ibrohim2019_multilabel_hs",
        "netifier",
        "pratiwi_hoax_news",
        "id_abusive_news_comments",
        "saring_hoax_posts",
        "saring_register_posts",
        "saring_event_posts",
        "saring_group_posts",
        "saring_negation_posts",
        "saring_slander_posts",
        "saring_mention_posts",
        "saring_long_training_posts",
        "saring_threat_posts",
        "saring_slur_posts",
        "saring_chat_claim_posts",
        "saring_group_talk_posts",
        "saring_person_insult_posts",
        "saring_group_exclusion_posts",
        "saring_person_news_posts",
        "saring_opinion_posts",
        "saring_group_opinion_posts",
        "saring_group_question_posts",
        "saring_short_claim_posts",
        "saring_negated_hate_posts",
        "saring_rumour_posts",
        "saring_group_place_posts",
        "saring_register_suite",
        "saring_circulated_posts",
        "saring_long_posts",
        "saring_outsider_hate_suite",
        "saring_outsider_claims_suite",
        "saring_outsider_rumour_suite",
        "saring_outsider_functional_suite",
        "saring_group_swap_suite",
    }
    for card in cards.values():
        for f in card.files:
            path = fetch_file(card, f)
            assert sha256_of(path) == f.sha256
        for rule in card.mapping:
            assert rule.reason.strip(), (card.name, rule.target)


def test_real_datasets_load_with_expected_counts(cards) -> None:
    expected = {
        "ibrohim2019_multilabel_hs": 13169,
        "netifier": 7773,
        "pratiwi_hoax_news": 600,
        "id_abusive_news_comments": 3184,
        "saring_hoax_posts": 1109,
        "saring_register_posts": 4839,
        "saring_event_posts": 600,
        "saring_group_posts": 960,
        "saring_negation_posts": 520,
        "saring_slander_posts": 900,
        "saring_mention_posts": 749,
        "saring_threat_posts": 560,
        "saring_slur_posts": 480,
        "saring_chat_claim_posts": 477,
        "saring_group_talk_posts": 600,
        "saring_person_insult_posts": 520,
        "saring_group_exclusion_posts": 589,
        "saring_person_news_posts": 576,
        "saring_opinion_posts": 480,
        "saring_group_opinion_posts": 500,
        "saring_group_question_posts": 200,
        "saring_short_claim_posts": 320,
        "saring_negated_hate_posts": 400,
        "saring_rumour_posts": 480,
        "saring_group_place_posts": 300,
        "saring_long_training_posts": 1895,  # 256 posts read as windows around and between the marked sentences
        "saring_register_suite": 2313,
        "saring_circulated_posts": 400,
        "saring_long_posts": 320,
        "saring_outsider_hate_suite": 609,
        "saring_outsider_claims_suite": 566,
        "saring_outsider_rumour_suite": 320,
        "saring_outsider_functional_suite": 300,
        "saring_group_swap_suite": 952,
    }
    for name, n in expected.items():
        res = load_dataset(name, cards)
        assert len(res.examples) == n and not res.bad_rows, name
        annotated = set(cards[name].labels)
        for e in res.examples[:50]:
            for risk in RISKS:
                if risk not in annotated:
                    assert e.labels.get(risk) is None
    net = load_dataset("netifier", cards).examples
    assert Counter(e.meta["original_split"] for e in net) == {"train": 6995, "test": 778}
    assert Counter(e.platform for e in net) == {"twitter": 3374, "instagram": 2653, "kaskus": 1746}
    pratiwi = load_dataset("pratiwi_hoax_news", cards).examples
    assert Counter(e.group for e in pratiwi).most_common()[0][1] == 50
    assert len({e.group for e in pratiwi}) == 12 and all(e.meta["topic_method"] == "keywords" for e in pratiwi)
    assert Counter(e.labels["hoax"] for e in pratiwi) == {0: 372, 1: 228}


def test_slang_resource(cards) -> None:
    norm = load_slang(cards)
    assert len(norm.slang) > 15000
    assert norm.normalize("jgn gitu").startswith("jangan")


@pytest.mark.slow
def test_real_catalogue_splits_leak_nothing(cards) -> None:
    from model.splits import prepare

    data = prepare(load_catalogue(cards=cards).examples, load_slang(cards))
    seen: dict[str, str] = {}
    groups: dict[str, str] = {}
    for split, exs in data.items():
        for e in exs:
            assert seen.setdefault(e.meta["normalized_text"], split) == split
            if e.group:
                assert groups.setdefault(e.group, split) == split
    posts_test = {e.meta["genre"] for e in data.test if e.source == "saring_hoax_posts"}
    assert posts_test == {"disaster_prediction", "crime_panic"}
    assert all(
        e.meta["genre"] not in posts_test for e in data.train + data.validation if e.source == "saring_hoax_posts"
    )
    net_test = {e.id for e in data.test if e.source == "netifier"}
    assert all(e.meta.get("original_split") != "train" for e in data.test)
    assert len(net_test) > 700
