"""The hand-written team sets: event, group, negation, slander, group-talk, person-insult, group-exclusion,
person-news, opinion, group-opinion, group-question, short-claim and negated-hate posts (training), circulated posts
(evaluation), and any candidate set measured and not adopted (datasets/candidates/, which the catalogue does not
read).
The committed files have the shape their cards promise, and no training or candidate post is a near copy of an
evaluation case."""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eval.ood import evaluation_case_texts
from model.cards import load_cards
from model.overlap import NEAR_COPY, NearCopyIndex, words

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO / "datasets"


CANDIDATES = DATASETS / "candidates"


def _rows(name: str, file: str, where: Path = DATASETS) -> list[dict]:
    return [json.loads(line) for line in (where / name / file).read_text(encoding="utf-8").splitlines()]


def _card(name: str, where: Path = DATASETS) -> dict:
    return tomllib.loads((where / f"{name}.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "label_key", "hoax_kinds"),
    [
        ("saring_event_posts", "kind", r"hoax_.*"),
        ("saring_circulated_posts", "function", r"hoax_.*"),
        ("saring_chat_claim_posts", "kind", r"claim_in_chat|claim_forward"),
    ],
)
def test_rows_match_the_card_and_kinds_match_labels(name: str, label_key: str, hoax_kinds: str) -> None:
    rows = _rows(name, "posts.jsonl")
    card = _card(name)
    assert len(rows) == card["files"][0]["rows"]
    assert len({r["id"] for r in rows}) == len(rows) and len({r["text"] for r in rows}) == len(rows)
    counts = card["original_labels"][label_key]["counts"]
    assert Counter(r[label_key] for r in rows) == counts
    for r in rows:  # a hoax kind is a hoax, every other kind is not
        assert r["hoax"] == int(re.fullmatch(hoax_kinds, r[label_key]) is not None), r["id"]
        assert r["text"].strip() and r["register"] and r["platform"]


GROUP_HATE_KINDS = {
    "derogation",
    "dehumanisation",
    "threat",
    "slur",
    "hate_question",
    "hate_opinion",
    "implicit",
    "obfuscated",
}


def _family_rows_matching_their_card(name: str, where: Path = DATASETS) -> list[dict]:
    """A hand-written family set's rows, after checking them against its card: row count, family column, unique
    ids and texts, and the card's counts of kinds and registers."""
    rows = _rows(name, "posts.jsonl", where)
    card = _card(name, where)
    assert len(rows) == card["files"][0]["rows"] and card["files"][0]["group_column"] == "family"
    assert len({r["id"] for r in rows}) == len(rows) and len({r["text"] for r in rows}) == len(rows)
    assert Counter(r["kind"] for r in rows) == card["original_labels"]["kind"]["counts"]
    assert Counter(r["register"] for r in rows) == card["original_labels"]["register"]["counts"]
    if "variety" in card["files"][0]["meta_columns"]:  # a regional post names its variety, no other post does
        assert all(bool(r["variety"]) == (r["register"] == "regional") for r in rows), name
    return rows


def _labels_per(rows: list[dict], column: str, label: str) -> dict[str, list[Any]]:
    """Each value of `column` (a family, a group, a register) with the `label` (or any other column) of every row
    that has it."""
    labels: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        labels[r[column]].append(r[label])
    return labels


def _each_author_wrote_every_kind(rows: list[dict], authors: tuple[str, ...]) -> None:
    """Every author (an id prefix) wrote every kind of the set, and each family is one author's, so no kind is one
    author's style."""
    kinds = {r["kind"] for r in rows}
    for author in authors:
        mine = [r for r in rows if r["id"].startswith(author)]
        assert {r["kind"] for r in mine} == kinds, author
        assert all(r["family"].startswith(author) for r in mine), author


# Profanity posts that insult a person (a footballer, a referee, a friend in jest), relabelled slander 1 by the
# team in the twenty-sixth session as the person-insult set labels such insults (the cards say so).
PERSON_INSULTS_RELABELLED = {
    "saring_group_posts": {"sgp-0020", "sgp-0088", "sgp-0381", "sgp-0389", "sgp-0553", "sgp-0712"},
    "saring_negation_posts": {"snp-0017", "snp-0246", "snp-0315", "snp-0351", "snp-0422", "snp-0465"},
}


@pytest.mark.parametrize("name", ["saring_group_posts", "saring_negation_posts"])
def test_group_posts_match_the_card_with_no_hoax_and_slander_only_on_insults_of_persons(name: str) -> None:
    rows = _family_rows_matching_their_card(name)
    relabelled = [r for r in rows if r["id"][:8] in PERSON_INSULTS_RELABELLED[name]]
    assert len(relabelled) == 6 and all(r["kind"] == "profanity_nontarget" for r in relabelled)
    for r in rows:
        assert r["incitement"] == int(r["kind"] in GROUP_HATE_KINDS), r["id"]
        assert r["hoax"] == 0 and r["slander"] == int(r["id"][:8] in PERSON_INSULTS_RELABELLED[name]), r["id"]
        assert r["text"].strip() and r["platform"] and r["family"]
        if r["target"] == "none":  # only profanity may name no group
            assert r["kind"] == "profanity_nontarget", r["id"]
    # families are minimal pairs: most hold both a hateful post and a non-hateful twin
    families = _labels_per(rows, "family", "incitement")
    assert sum(set(v) == {0, 1} for v in families.values()) > len(families) / 2


# Sets that teach incitement by kind: (set, its incitement kinds, slander on those posts, slander on the others).
# Threats and slurs aim at groups, so slander is unjudged on them; a slur may also insult one person, so the slur
# set leaves slander unjudged everywhere.
INCITEMENT_KINDS = [
    ("saring_threat_posts", {"threat_personal", "threat_collective", "threat_conditional_or_veiled"}, None, 0),
    ("saring_slur_posts", {"slur_at_group", "slur_at_person", "slur_exclusion", "slur_obfuscated"}, None, None),
    (
        "saring_group_talk_posts",
        {"derogation", "hate_question", "implicit_stereotype", "exclusion", "hate_opinion"},
        0,
        0,
    ),
]


@pytest.mark.parametrize(("name", "kinds", "slander_on", "slander_off"), INCITEMENT_KINDS)
def test_incitement_sets_match_the_card_and_label_by_kind(
    name: str, kinds: set[str], slander_on: int | None, slander_off: int | None
) -> None:
    rows = _family_rows_matching_their_card(name)
    for r in rows:
        hateful = r["kind"] in kinds
        assert r["incitement"] == int(hateful), r["id"]
        assert r["hoax"] == 0 and r["slander"] == (slander_on if hateful else slander_off), r["id"]
        assert r["text"].strip() and r["platform"] and r["family"] and r["target"], r["id"]
    # the hard negatives outnumber the hateful posts: the violent words or the slurs alone must not decide
    assert sum(r["incitement"] == 0 for r in rows) > sum(r["incitement"] == 1 for r in rows)


def test_group_talk_posts_are_minimal_pairs_with_their_regional_variety_named() -> None:
    """Every family holds a hateful post and a kind, neutral or defending twin in the same register; the regional
    posts name ten varieties, as the card says."""
    rows = _family_rows_matching_their_card("saring_group_talk_posts")
    for family, labels in _labels_per(rows, "family", "incitement").items():
        assert set(labels) == {0, 1}, family
    for family, registers in _labels_per(rows, "family", "register").items():
        assert len(set(registers)) == 1, family
    assert len({r["variety"] for r in rows if r["variety"]}) == 10


EXCLUSION_KINDS = {"exclusion_casual", "exclusion_call", "threat_group"}
NAMES_NO_GROUP = {"legit_restriction", "inclusive_notice"}  # the same ad or rule, lawful or open to all


def test_group_exclusion_posts_label_incitement_by_kind_and_every_group_is_seen_both_ways() -> None:
    """Excluding, expelling or threatening a group is incitement; refusing the threat in its own words, criticising
    it, a victim's report, a lawful restriction and an open ad are not. Every family holds both, no group is tied to
    one label, and no register is (the second author's capital and alay twins)."""
    rows = _family_rows_matching_their_card("saring_group_exclusion_posts")
    for r in rows:
        assert r["incitement"] == int(r["kind"] in EXCLUSION_KINDS), r["id"]
        assert r["hoax"] == 0 and r["slander"] == 0, r["id"]
        assert bool(r["group"]) == bool(r["group_type"]), r["id"]
        if r["kind"] not in NAMES_NO_GROUP:  # only a lawful or open ad may name no group
            assert r["group"], r["id"]
    assert all(set(v) == {0, 1} for v in _labels_per(rows, "family", "incitement").values())
    of_group = _labels_per([r for r in rows if r["group"]], "group", "incitement")
    assert all(set(v) == {0, 1} for v in of_group.values()), of_group
    for register, labels in _labels_per(rows, "register", "incitement").items():  # hateful at most half of any
        assert labels.count(1) <= len(labels) / 2, register


PERSON_INSULT_KINDS = {"insult_person", "accusation_person", "insult_with_threat", "joking_insult"}
TARGET_OF_KIND = {"swearing_at_thing": "thing", "self_deprecation": "self"}  # the rude words aimed at no person


def test_person_insult_posts_label_slander_by_kind_and_never_incitement() -> None:
    """An insult or accusation aimed at one person is slander, joking or not; a bare threat at one person is not
    judged (the suites disagree); the same words at a thing or oneself, complaints, criticism, praise and reported
    insults are not slander; nothing here is group incitement or a claim."""
    rows = _family_rows_matching_their_card("saring_person_insult_posts")
    for r in rows:
        assert r["hoax"] == 0 and r["incitement"] == 0, r["id"]
        expected = 1 if r["kind"] in PERSON_INSULT_KINDS else None if r["kind"] == "threat_person" else 0
        assert r["slander"] == expected, r["id"]
        if expected == 1:
            assert r["target"] in ("person", "institution"), r["id"]
        if r["kind"] in TARGET_OF_KIND:
            assert r["target"] == TARGET_OF_KIND[r["kind"]], r["id"]
    # families share a topic: most hold an attack and a twin that attacks no one
    families = _labels_per(rows, "family", "slander")
    assert sum({0, 1} <= set(v) for v in families.values()) > len(families) / 2
    assert sum(r["slander"] == 0 for r in rows) > sum(r["slander"] == 1 for r in rows)


NEWS_ATTACK_KINDS = {"accusation_attack", "insult_on_report"}


def test_person_news_posts_are_reports_beside_attacks_on_the_same_person() -> None:
    """News of a named person's arrest, verdict or appointment, a question about it or a comment on the process is
    not slander; the writer's own verdict or an insult of the same person is. Every family holds both, and neither
    label owns a register (the second author's formal attacks and calm capitals)."""
    rows = _family_rows_matching_their_card("saring_person_news_posts")
    for r in rows:
        assert r["slander"] == int(r["kind"] in NEWS_ATTACK_KINDS), r["id"]
        assert r["hoax"] == 0 and r["incitement"] == 0, r["id"]
        assert r["target"] in ("person", "official", "institution"), r["id"]
    assert all(set(v) == {0, 1} for v in _labels_per(rows, "family", "slander").values())
    for register, labels in _labels_per(rows, "register", "slander").items():  # each label 30-70% of a register
        assert 0.3 * len(labels) <= labels.count(1) <= 0.7 * len(labels), register


OPINION_KINDS = {"opinion", "suggestion", "review", "disappointment", "preference", "feeling"}


def test_opinion_posts_claim_nothing_and_attack_no_one_in_every_register_and_variety() -> None:
    """The opinion set (a candidate in the twenty-eighth session, adopted in the thirtieth): mild negative and mixed
    opinions about things, places, services and policies, no risk at all, four wordings per family, no group of
    people named as the subject of a judgement, the five registers with the ten regional varieties evenly."""
    rows = _family_rows_matching_their_card("saring_opinion_posts")
    for r in rows:
        assert (r["hoax"], r["slander"], r["incitement"]) == (0, 0, 0), r["id"]
        assert r["kind"] in OPINION_KINDS and r["topic"], r["id"]
        # "orang X itu ...", "kaum ...", "umat ...": the judgements this set must not make
        assert not re.search(r"\b(orang|kaum|umat|suku|etnis)\s+[A-Z]", r["text"]), r["id"]
    families = _labels_per(rows, "family", "register")
    assert len(families) == 120 and all(len(v) == 4 for v in families.values())
    varieties = Counter(r["variety"] for r in rows if r["register"] == "regional")
    assert len(varieties) == 10 and set(varieties.values()) == {14}


# Sets written as one frame five times, the hardship set seven (thirtieth to thirty-second sessions): (set, its
# families, the kinds in every family, the kind that is incitement, the kind that names no group, whether each group
# is named both hatefully and not under one name: the question set's sincere questions may name a variant,
# "Tionghoa" for "Cina"; the regional varieties). The hardship set is a candidate (datasets/candidates/): measured
# and not adopted.
FRAME_SETS = [
    (
        "saring_group_opinion_posts",
        100,
        {"thing_opinion": 1, "kind_opinion": 1, "neutral_opinion": 1, "hate_opinion": 2},
        "hate_opinion",
        "thing_opinion",
        True,
        10,
    ),
    (
        "saring_group_question_posts",
        40,
        {"thing_question": 1, "hate_question": 2, "sincere_question": 2},
        "hate_question",
        "thing_question",
        False,
        10,
    ),
    (
        "saring_group_hardship_posts",
        80,
        {"hardship_report": 1, "kind_hardship": 2, "hate_hardship": 2, "negated_kind": 2},
        "hate_hardship",
        "hardship_report",
        True,
        9,
    ),
]


@pytest.mark.parametrize(
    ("name", "n_families", "shape", "hateful", "about_a_thing", "same_names", "varieties"), FRAME_SETS
)
def test_frame_sets_write_one_frame_about_a_thing_and_about_two_groups_both_ways(
    name: str,
    n_families: int,
    shape: dict[str, int],
    hateful: str,
    about_a_thing: str,
    same_names: bool,
    varieties: int,
) -> None:
    """Each family writes one opinion, question or misfortune five times, in one register: with no group named, and
    about each of two groups hatefully and not; only the hateful ones are incitement, so neither the frame, nor a
    group's name, nor a negative opinion, a rhetorical question or a misfortune's words decides the label alone."""
    rows = _family_rows_matching_their_card(name, CANDIDATES if (CANDIDATES / f"{name}.toml").exists() else DATASETS)
    families: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        assert r["incitement"] == int(r["kind"] == hateful), r["id"]
        assert r["hoax"] == 0 and r["slander"] == 0, r["id"]
        assert (r["target"] == "none") == (r["kind"] == about_a_thing) and r["topic"], r["id"]
        families[r["family"]].append(r)
    assert len(families) == n_families
    for family, posts in families.items():
        assert Counter(r["kind"] for r in posts) == shape, family
        assert len({r["register"] for r in posts}) == 1 and len({r["variety"] for r in posts}) == 1, family
        assert len({r["target"] for r in posts if r["kind"] == hateful}) == 2, family
        if same_names:
            named = _labels_per([r for r in posts if r["target"] != "none"], "target", "incitement")
            assert all(set(v) == {0, 1} for v in named.values()), family
    assert len({r["variety"] for r in rows if r["register"] == "regional"}) == varieties


#   Negation words of the registers and varieties the hardship and negated-hate sets are written in (Indonesian,
# colloquial, alay, Javanese, Sundanese, Betawi, Minang, Banjar, Makassar, Batak, Madurese, Palembang, Ambon).
NEGATION = re.compile(
    r"\b(tidak|tdk|tak|gak|ga|g|gk|nggak|ngga|enggak|kagak|kaga|ndak|nda|indak|dak|kada|ora|ojo|ulah|teu|henteu|can"
    r"|alun|ja'|ta'|jangan|jgn|jngn|bukan|bkn|belum|blm|belon|blom|seng|jang|mana ada)(?!\w)",
    re.IGNORECASE,
)


def test_hardship_refusals_have_kind_twins_in_negated_words() -> None:
    """The hardship set's hateful posts mostly refuse help in negated words ("gak usah dibantu"); each has a kind
    twin about the same group and need that carries a negation too ("gak usah nunggu diminta, ..."), so that a
    negation beside a group's name does not decide the label (thirty-second session)."""
    name = "saring_group_hardship_posts"
    rows = _rows(name, "posts.jsonl", CANDIDATES if (CANDIDATES / f"{name}.toml").exists() else DATASETS)
    twins = [r for r in rows if r["kind"] == "negated_kind"]
    assert twins and not [r["id"] for r in twins if not NEGATION.search(r["text"])]
    hateful = Counter((r["family"], r["target"]) for r in rows if r["kind"] == "hate_hardship")
    assert Counter((r["family"], r["target"]) for r in twins) == hateful
    negated = {kind: sum(bool(NEGATION.search(r["text"])) for r in rows if r["incitement"] == kind) for kind in (0, 1)}
    assert negated[0] >= negated[1], negated  # more negated kind posts than negated hateful ones


SLANDER_KINDS = {"accusation_crime", "accusation_disgrace", "insinuation", "insult_person", "insult_institution"}


def test_slander_posts_match_the_card_and_label_by_target() -> None:
    """Slander is an accusation or insult aimed at a person or an institution; the same words aimed at a
    protected group are incitement and not slander; reports, criticism and complaints are neither."""
    rows = _family_rows_matching_their_card("saring_slander_posts")
    for r in rows:
        assert r["hoax"] == 0, r["id"]
        assert r["slander"] == int(r["kind"] in SLANDER_KINDS), r["id"]
        assert r["incitement"] == int(r["kind"] == "group_accusation"), r["id"]
        kind_of_target = r["target"].split(":")[0]
        if r["kind"] == "group_accusation":
            assert kind_of_target == "group", r["id"]
        elif r["kind"] == "profanity_nontarget":
            assert r["target"] == "none", r["id"]
        else:
            assert kind_of_target in ("person", "institution"), r["id"]
    # families are minimal pairs: most hold a slanderous post and a twin that is not
    families = _labels_per(rows, "family", "slander")
    assert sum(set(v) == {0, 1} for v in families.values()) > len(families) / 2


GROUP_TARGETS = ("suku", "agama", "ras", "golongan")


def test_mention_posts_match_the_card_and_mostly_do_not_attack() -> None:
    """Friendly and neutral posts naming officials, institutions and groups, with attacking twins: insults of a
    person or office are slander, group hate is incitement, everything else is neither."""
    rows = _family_rows_matching_their_card("saring_mention_posts")
    group_kinds = {"positive_mention", "neutral_mention", "negated", "counter_speech", "group_hate"}
    for r in rows:
        assert r["hoax"] == 0, r["id"]
        assert r["slander"] == int(r["kind"] == "insult_person"), r["id"]
        assert r["incitement"] == int(r["kind"] == "group_hate"), r["id"]
        about_group = r["target"].split(":")[0] in GROUP_TARGETS
        assert about_group == (r["kind"] in group_kinds), r["id"]
    assert sum(r["slander"] or r["incitement"] for r in rows) < len(rows) / 3  # mostly not attacks


def _local_training_cards() -> list[tuple[Path, str]]:
    """The training sets committed here (local cards), as the catalogue reads their cards, and the candidate sets
    (datasets/candidates/, which may join the catalogue later): a new set is checked as soon as its card exists."""
    catalogue = [
        (DATASETS, name) for name, card in load_cards().items() if card.source.local and card.purpose == "training"
    ]
    candidates = load_cards(CANDIDATES) if CANDIDATES.is_dir() else {}  # a folder with no set may be absent
    return sorted(catalogue) + sorted((CANDIDATES, name) for name in candidates)


@pytest.fixture(scope="module")
def evaluation_cases() -> NearCopyIndex:
    return NearCopyIndex(evaluation_case_texts())


@pytest.mark.parametrize(("where", "name"), _local_training_cards(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_no_training_post_is_a_near_copy_of_an_evaluation_case(
    where: Path, name: str, evaluation_cases: NearCopyIndex
) -> None:
    file = _card(name, where)["files"][0]
    texts = [r["text"] for r in _rows(name, file["path"], where)]
    if spans := file.get("spans"):  # trained on as windows: a window must not be a near copy of a short case either
        texts += [w.text for r in _rows(name, file["path"], where) for w in _windows(r, spans)]
    worst, text = max((evaluation_cases.closest(t)[0], t) for t in texts)
    assert worst < NEAR_COPY, f"a training post shares {worst:.0%} of its words with an evaluation case: {text!r}"


def test_the_near_copy_index_finds_the_closest_text_exactly() -> None:
    index = NearCopyIndex(["Saya tidak sudi bertetangga dengan orang itu", "cuaca hari ini cerah sekali", "halo"])
    # 5 shared words of 7 + 7 - 5 = 9 distinct ones; the case and punctuation do not count
    assert index.closest("saya TIDAK sudi bertetangga dengan mereka, titik!")[0] == pytest.approx(5 / 9)
    assert index.closest("saya tidak sudi bertetangga dengan mereka")[1] == 0
    assert index.is_near_copy("Cuaca hari ini cerah") and not index.is_near_copy("hari ini hujan deras, banjir lagi")
    assert index.closest("tidak ada yang sama") == (1 / 10, 0) and index.closest("zzz") == (0.0, None)
    assert words("Yg 2x, YG!") == {"yg", "2x"}


def test_the_long_posts_match_their_card_and_labels_follow_the_function() -> None:
    rows = _rows("saring_long_posts", "posts.jsonl")
    card = _card("saring_long_posts")
    assert len(rows) == card["files"][0]["rows"]
    assert len({r["id"] for r in rows}) == len(rows) and len({r["text"] for r in rows}) == len(rows)
    assert Counter(r["function"] for r in rows) == card["original_labels"]["function"]["counts"]
    for r in rows:  # group hate is incitement, personal hate is slander, every other kind is neither
        fn = r["function"]
        hate = {"group_hate_": ("incitement", "slander"), "personal_hate_": ("slander", "incitement")}
        kind = next((k for k in hate if fn.startswith(k)), None)
        if kind:  # a hate post judges its own risk only
            assert r[hate[kind][0]] == 1 and r[hate[kind][1]] is None, r["id"]
        else:
            assert r["slander"] == 0 and r["incitement"] == 0, r["id"]
        assert r["polarity"] == ("positive" if "_hate_" in fn else "negative"), r["id"]
        assert r["hoax"] is None and r["split"] == "test"
        assert 70 <= len(r["text"].split()) <= 300, r["id"]  # long posts, as the card says


def _windows(row: dict, spans: dict) -> list:
    from model.spans import span_windows

    return span_windows(row["text"], row[spans["column"]], spans.get("words", 32), spans.get("stride", 16))


def test_the_long_training_posts_match_their_card_and_mark_their_hate() -> None:
    rows = _rows("saring_long_training_posts", "posts.jsonl")
    card = _card("saring_long_training_posts")
    file = card["files"][0]
    assert card.get("purpose", "training") == "training" and len(rows) == file["rows"]
    assert len({r["id"] for r in rows}) == len(rows) and len({r["text"] for r in rows}) == len(rows)
    assert Counter(r["kind"] for r in rows) == card["original_labels"]["kind"]["counts"]
    for r in rows:  # group hate is incitement, personal hate slander, the rest neither; hate marks its passages
        kind = r["kind"]
        expected = (0, 1) if kind.startswith("group_hate_") else (1, 0) if kind.startswith("personal_hate_") else (0, 0)
        assert (r["slander"], r["incitement"]) == expected, r["id"]
        assert bool(r["hate_spans"]) == (expected != (0, 0)), r["id"]
        assert all(s in r["text"] for s in r["hate_spans"]), r["id"]
        assert r["hoax"] is None and 60 <= len(r["text"].split()) <= 300, r["id"]
        windows = _windows(r, file["spans"])
        assert sum(w.positive for w in windows) >= (1 if r["hate_spans"] else 0), r["id"]


def test_chat_claim_posts_accuse_and_blame_no_one_and_both_authors_write_every_kind() -> None:
    """The set teaches where a hoax is (a false claim anywhere in a message), nothing about slander or incitement:
    both are 0 everywhere; each author wrote every kind, so no kind is one author's style."""
    rows = _rows("saring_chat_claim_posts", "posts.jsonl")
    assert all(r["slander"] == 0 and r["incitement"] == 0 for r in rows)
    _each_author_wrote_every_kind(rows, ("ccp-a-", "ccp-b-"))


def test_short_claim_posts_are_short_on_both_sides_and_claim_falsely_only_as_hoaxes() -> None:
    """The short-claim set exists to take length away as a hoax cue: every post is short, the hoax and the other
    posts are the same length on average, each author wrote every kind, and only false claims are hoaxes."""
    rows = _family_rows_matching_their_card("saring_short_claim_posts")
    for r in rows:
        assert r["hoax"] == int(r["kind"] == "short_false_claim") and r["slander"] == 0 and r["incitement"] == 0
        assert 5 <= len(r["text"].split()) <= 19, r["id"]
    words = {k: [len(r["text"].split()) for r in rows if r["hoax"] == k] for k in (0, 1)}
    assert abs(sum(words[1]) / len(words[1]) - sum(words[0]) / len(words[0])) < 1.0
    _each_author_wrote_every_kind(rows, ("scp-a-", "scp-b-"))


def test_negated_hate_posts_pair_each_hateful_post_with_its_negation() -> None:
    """Every family of the negated-hate set holds a hateful post and one that negates, refuses or corrects it, so
    the words cannot decide; the hateful posts that contain a negation word really contain one; incitement follows
    the kind, nothing else is labelled, and each author wrote every kind."""
    rows = _family_rows_matching_their_card("saring_negated_hate_posts")
    families: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        assert r["incitement"] == int(r["kind"].startswith("hate_")) and r["hoax"] == 0 and r["slander"] == 0, r["id"]
        assert r["target"].split(":")[0] in {"suku", "agama", "ras", "golongan"}, r["id"]
        families[r["family"]].add(r["incitement"])
        if r["kind"] == "hate_with_negation":
            assert NEGATION.search(r["text"]), r["id"]
    assert all(labels == {0, 1} for labels in families.values())
    _each_author_wrote_every_kind(rows, ("nhp-a-", "nhp-b-"))


COUNTER_SPEECH_HATE_KINDS = {"conditional_hate", "hate_behind_denial", "hate_endorsed", "consequence_threat"}
CONSEQUENCE_KINDS = {"consequence_threat", "consequence_rebuke"}


def test_counter_speech_posts_put_hate_in_the_same_words_beside_its_rebuke() -> None:
    """A candidate (measured in the forty-sixth session, not adopted). Each family of the counter-speech set is one
    group in one register: exactly one hateful post beside one or two that repeat its words to rebuke, deny or report
    it, so that "kalo", "bukan benci" or "ada yang bilang" cannot decide; the hate is never in quotation marks (quoted
    hate is already read right), incitement follows the kind, nothing else is labelled; authors A and B each wrote
    every kind but the two consequence kinds, author C those two alone, one of each per family."""
    rows = _family_rows_matching_their_card("saring_counter_speech_posts", CANDIDATES)
    families = _one_positive_per_family(rows, "incitement", lambda kind: kind in COUNTER_SPEECH_HATE_KINDS)
    assert all(len({p["target"] for p in posts}) == 1 for posts in families.values())
    for r in rows:
        assert r["target"].split(":")[0] in {"suku", "agama", "ras", "golongan"}, r["id"]
        assert not re.search(r"[\"\u201c\u201d]", r["text"]), r["id"]
    _each_author_wrote_every_kind([r for r in rows if not r["id"].startswith("csp-c-")], ("csp-a-", "csp-b-"))
    by_c = [r for r in rows if r["id"].startswith("csp-c-")]
    assert {r["kind"] for r in by_c} == CONSEQUENCE_KINDS and not any(
        r["kind"] in CONSEQUENCE_KINDS for r in rows[:400]
    )
    assert all(sorted(p["kind"] for p in families[r["family"]]) == sorted(CONSEQUENCE_KINDS) for r in by_c)


def _one_positive_per_family(rows: list[dict], label: str, positive: Callable[[str], bool]) -> dict[str, list[dict]]:
    """A contrast set's rows by family, after checking that `label` follows the kind (1 where `positive(kind)`), the
    other risks are 0, and each family is one register with exactly one positive beside one or two negatives."""
    families: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        assert r[label] == int(positive(r["kind"])), r["id"]
        assert all(r[other] == 0 for other in ("hoax", "slander", "incitement") if other != label), r["id"]
        families[r["family"]].append(r)
    for family, posts in families.items():
        assert sorted(p[label] for p in posts) in ([0, 1], [0, 0, 1]), family
        assert len({p["register"] for p in posts}) == 1, family
    return families


def test_rumour_posts_put_one_false_rumour_beside_true_posts_on_its_topic() -> None:
    """A candidate from the thirty-ninth session, adopted in the fifty-fourth with the group-in-place set. Each family
    of the rumour set is one topic in one register: exactly one false rumour and one or two true posts, so that what
    the post claims decides, not its topic or style; hoax follows the kind, nothing else is labelled, and each author
    wrote every kind."""
    rows = _family_rows_matching_their_card("saring_rumour_posts")
    families = _one_positive_per_family(rows, "hoax", lambda kind: kind.startswith("false_"))
    assert all(len({p["topic"] for p in posts}) == 1 for posts in families.values())
    _each_author_wrote_every_kind(rows, ("rmp-a-", "rmp-b-"))


def test_banter_posts_put_rough_words_at_nobody_beside_the_same_words_at_a_person() -> None:
    """A candidate (measured in the fortieth session, not adopted). Each family of the banter set is one situation in
    one register: one or two posts whose rough words attack nobody (at oneself, a thing, in admiration or in fun) and
    exactly one that aims them in earnest at a particular person or institution, so that the target decides, not the
    words; slander follows the kind, nothing else is labelled, and each author wrote every kind."""
    rows = _family_rows_matching_their_card("saring_banter_posts", CANDIDATES)
    _one_positive_per_family(rows, "slander", lambda kind: kind == "real_insult")
    assert all(r["target"].strip() for r in rows)
    _each_author_wrote_every_kind(rows, ("bnt-a-", "bnt-b-"))


def test_group_place_posts_say_plain_kind_and_hateful_things_in_one_shape() -> None:
    """Each family places one group somewhere (the shape that the team sets' hate mostly used: "Orang X di kampung
    ini ...") three times in one register: plainly, kindly and hatefully; only the hateful post is incitement, so the
    group placed in a place does not decide the label (written in the fifty-third session, adopted in the
    fifty-fourth with the rumour set)."""
    rows = _family_rows_matching_their_card("saring_group_place_posts")
    families: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        assert r["incitement"] == int(r["kind"] == "hate") and r["hoax"] == 0 and r["slander"] == 0, r["id"]
        assert r["target"] and r["place"], r["id"]
        families[r["family"]].append(r)
    assert len(families) == 100
    for family, posts in families.items():
        assert sorted(r["kind"] for r in posts) == ["hate", "kind_mention", "plain_mention"], family
        assert len({(r["register"], r["variety"], r["target"]) for r in posts}) == 1, family
    for author in ("a", "b"):  # each author wrote every kind, in families of their own
        mine = [r for r in rows if r["id"].startswith(f"sgp-{author}-")]
        assert {r["kind"] for r in mine} == {"plain_mention", "kind_mention", "hate"}, author
        assert all(r["family"].startswith(f"gp-{author}-") for r in mine) and len(mine) == 150, author


def test_news_share_posts_put_a_false_claim_in_news_dress_beside_two_true_news_posts() -> None:
    """Written in the fifty-fifth session. Each family of the news-share set is one news topic in one register: a true
    news item shared as a post, a true update on it, and a false claim on the same topic dressed as the same kind of
    share, so that what the post claims decides, not the outlet named, the link or the topic; hoax follows the kind,
    nothing else is labelled, and each of the four authors wrote every kind."""
    rows = _family_rows_matching_their_card("saring_news_share_posts", CANDIDATES)
    families = _one_positive_per_family(rows, "hoax", lambda kind: kind == "false_news_share")
    for family, posts in families.items():
        assert sorted(p["kind"] for p in posts) == ["false_news_share", "news_share", "news_update"], family
        assert len({p["topic"] for p in posts}) == 1, family
    _each_author_wrote_every_kind(rows, ("nsp-a-", "nsp-b-", "nsp-c-", "nsp-d-"))
