from __future__ import annotations

from collections import Counter

import pytest

from eval.functional import CAPABILITIES, CaseError, load_cases, parse_case, run_functional
from model.scorer import ScoredText, Scorer, ScoreWarning
from tests.eval.helpers import TableModel


def test_the_cases_file_covers_every_capability() -> None:
    cases = load_cases()
    counts = Counter(c.capability for c in cases)
    assert set(counts) == set(CAPABILITIES)
    assert min(counts.values()) >= 8 and len(cases) >= 100
    assert len({c.id for c in cases}) == len(cases)
    replies = [c for c in cases if c.capability == "draft_replies"]
    assert all(c.parent for c in replies)
    assert any(c.warning == "REPEATS_RISKY_PARENT" for c in replies)
    assert any(c.no_warning == "REPEATS_RISKY_PARENT" for c in replies)


def test_tiny_model_gets_pass_rates_per_capability(tiny_baseline_dir) -> None:
    res = run_functional(Scorer(tiny_baseline_dir))
    assert set(res["capabilities"]) == set(CAPABILITIES)
    assert sum(c["n"] for c in res["capabilities"].values()) == res["n"] == len(load_cases())
    for c in res["capabilities"].values():
        assert 0.0 <= c["pass_rate"] <= 1.0 and c["passed"] == round(c["pass_rate"] * c["n"])
    assert all(case["checks"] for case in res["cases"])


def _cases():
    return [
        parse_case({"id": "f", "capability": "negation", "text": "x", "expect": {"hoax": "flag"}}, "t:1"),
        parse_case({"id": "n", "capability": "negation", "text": "y", "expect": {"hoax": "no_flag"}}, "t:2"),
        parse_case(
            {"id": "l", "capability": "emoji", "text": "y", "compare": {"text": "x", "expect": {"slander": "lower"}}},
            "t:3",
        ),
        parse_case(
            {"id": "s", "capability": "emoji", "text": "x", "compare": {"text": "z", "expect": {"slander": "same"}}},
            "t:4",
        ),
    ]


def test_checks_follow_the_scores() -> None:
    model = TableModel({"x": (0.9, 0.8, 0.1), "y": (0.1, 0.2, 0.1), "z": (0.2, 0.6, 0.1)})
    res = run_functional(model, _cases())
    assert [c["passed"] for c in res["cases"]] == [True, True, True, True]
    assert res["capabilities"]["negation"]["pass_rate"] == 1.0
    flipped = TableModel({"x": (0.1, 0.1, 0.1), "y": (0.9, 0.8, 0.1), "z": (0.2, 0.9, 0.1)})
    res = run_functional(flipped, _cases())
    assert [c["passed"] for c in res["cases"]] == [False, False, False, False]
    assert res["pass_rate"] == 0.0


def test_warning_checks_use_the_scorers_warnings() -> None:
    class Replying:
        def score(self, texts, parents=None):
            out = []
            for t, p in zip(texts, parents or [None] * len(texts), strict=True):
                w = [ScoreWarning("REPEATS_RISKY_PARENT", "repeats")] if p and t.startswith("copy") else []
                out.append(
                    ScoredText(
                        {"hoax": 0.1, "slander": 0.1, "incitement": 0.1},
                        {"hoax": False, "slander": False, "incitement": False},
                        {"hoax": "allow", "slander": "allow", "incitement": "allow"},
                        "allow",
                        warnings=w,
                    )
                )
            return out

    cases = [
        parse_case(
            {
                "id": "a",
                "capability": "draft_replies",
                "text": "copy of it",
                "parent": "p",
                "warning": "REPEATS_RISKY_PARENT",
            },
            "t:1",
        ),
        parse_case(
            {
                "id": "b",
                "capability": "draft_replies",
                "text": "own words",
                "parent": "p",
                "no_warning": "REPEATS_RISKY_PARENT",
                "expect": {"hoax": "no_flag"},
            },
            "t:2",
        ),
    ]
    res = run_functional(Replying(), cases)
    assert res["passed"] == 2


@pytest.mark.parametrize(
    "obj, message",
    [
        ({"id": "a", "capability": "nope", "text": "x", "expect": {"hoax": "flag"}}, "capability"),
        ({"id": "a", "capability": "emoji", "text": "x", "expect": {"hoaks": "flag"}}, "risk"),
        ({"id": "a", "capability": "emoji", "text": "x", "expect": {"hoax": "maybe"}}, "expected one of"),
        ({"id": "a", "capability": "emoji", "text": "x"}, "checks nothing"),
        ({"id": "a", "capability": "emoji", "text": "", "expect": {"hoax": "flag"}}, "non-empty"),
        ({"id": "a", "capability": "emoji", "text": "x", "expect": {"hoax": "flag"}, "extra": 1}, "unknown keys"),
    ],
)
def test_bad_cases_are_reported_with_their_line(obj, message) -> None:
    with pytest.raises(CaseError, match=message) as e:
        parse_case(obj, "cases.jsonl:7")
    assert "cases.jsonl:7" in str(e.value)


def test_bad_json_line(tmp_path) -> None:
    p = tmp_path / "c.jsonl"
    p.write_text('{"id": "a", "capability": "emoji", "text": "x", "expect": {"hoax": "flag"}}\n{oops\n')
    with pytest.raises(CaseError, match=r"c.jsonl:2: not valid JSON"):
        load_cases(p)
