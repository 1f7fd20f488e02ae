"""Functional tests in the style of CheckList and HateCheck: small hand-written Indonesian cases per
capability, each with its expected outcome, and a pass rate per capability.

Cases live in `functional_cases.jsonl` beside this module, one JSON object a line:

    {"id": "negation-01", "capability": "negation", "text": "...",
     "expect": {"slander": "no_flag"},                      # flag | no_flag, per risk, on `text`
     "compare": {"text": "...", "expect": {"slander": "lower"}},  # lower: score(text) < score(other);
                                                             # same: both get the same flag decision
     "parent": "...",                                        # a draft reply: the post it answers
     "warning": "REPEATS_RISKY_PARENT",                      # a warning code the result must carry
     "no_warning": "REPEATS_RISKY_PARENT",                   # a warning code it must not carry
     "note": "why this is the expected outcome"}

A case passes when every one of its checks passes. The expected outcomes say what a good model should do,
not what the current one does: a low pass rate is a finding, not a broken test.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, StrictStr, ValidationError, model_validator

from model.labels import RISKS
from model.problems import field_problem

logger = logging.getLogger(__name__)

CASES_FILE = Path(__file__).with_name("functional_cases.jsonl")

CAPABILITIES: dict[str, str] = {
    "negation": "negated claims and insults ('bukan', 'tidak benar') are not flagged and score below the "
    "affirmative version",
    "counter_speech": "texts that quote a hoax or a slur in order to reject it are not flagged",
    "complaints_criticism": "angry complaints about services and criticism of policies or officials' work "
    "are not slander",
    "identity_groups": "neutral mentions of ethnic and religious groups are not incitement; hateful ones are",
    "slang_spelling": "slang, alay and leetspeak spellings get the same decision as the standard spelling",
    "emoji": "emojis neither create nor hide a risk",
    "urls_mentions": "URLs and @mentions neither create nor hide a risk",
    "code_mixing": "English or Javanese mixed into Indonesian is judged on its meaning",
    "long_text": "long texts are judged in full: a risky sentence deep inside a long text is found, a long "
    "harmless text is not flagged",
    "draft_replies": "an agency's draft reply that restates a risky post gets REPEATS_RISKY_PARENT; one that "
    "answers without restating it does not",
}
EXPECT_VALUES = ("flag", "no_flag")
RELATIONS = ("lower", "same")
CASE_KEYS = {"id", "capability", "text", "expect", "compare", "parent", "warning", "no_warning", "note"}


class CaseError(ValueError):
    """A malformed functional case, with the file and line."""


@dataclass(frozen=True)
class Case:
    id: str
    capability: str
    text: str
    expect: dict[str, str] = field(default_factory=dict)
    compare_text: str | None = None
    compare_expect: dict[str, str] = field(default_factory=dict)
    parent: str | None = None
    warning: str | None = None
    no_warning: str | None = None
    note: str = ""

    def n_checks(self) -> int:
        return len(self.expect) + len(self.compare_expect) + bool(self.warning) + bool(self.no_warning)


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must be a non-empty string")
    return value


def _risk(name: str) -> str:
    if name not in RISKS:
        raise ValueError(f"names risk {name!r}; expected one of {list(RISKS)}")
    return name


def _capability(name: str) -> str:
    if name not in CAPABILITIES:
        raise ValueError(f"capability {name!r} is unknown; expected one of {list(CAPABILITIES)}")
    return name


NonEmpty = Annotated[StrictStr, AfterValidator(_non_empty)]
Risk = Annotated[StrictStr, AfterValidator(_risk)]


class CompareSpec(BaseModel):
    """`compare`: a second text and, per risk, how the case's text must relate to it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: NonEmpty
    expect: dict[Risk, Literal["lower", "same"]] = {}


class CaseSpec(BaseModel):
    """One line of functional_cases.jsonl, validated; `Case` is what the runner uses."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: NonEmpty
    capability: Annotated[NonEmpty, AfterValidator(_capability)]
    text: NonEmpty
    expect: dict[Risk, Literal["flag", "no_flag"]] = {}
    compare: CompareSpec | None = None
    parent: NonEmpty | None = None
    warning: NonEmpty | None = None
    no_warning: NonEmpty | None = None
    note: StrictStr = ""

    @model_validator(mode="after")
    def _checks_something(self) -> CaseSpec:
        if not (self.expect or (self.compare and self.compare.expect) or self.warning or self.no_warning):
            raise ValueError(f"case {self.id!r} checks nothing; give 'expect', 'compare', 'warning' or 'no_warning'")
        return self

    def case(self) -> Case:
        return Case(
            id=self.id,
            capability=self.capability,
            text=self.text,
            expect=dict(self.expect),
            compare_text=self.compare.text if self.compare else None,
            compare_expect=dict(self.compare.expect) if self.compare else {},
            parent=self.parent,
            warning=self.warning,
            no_warning=self.no_warning,
            note=self.note,
        )


def parse_case(obj: Any, where: str) -> Case:
    """Validate one case; raise CaseError naming `where` (file:line) and every problem of the case."""
    try:
        return CaseSpec.model_validate(obj).case()
    except ValidationError as e:
        problems = [field_problem(err, CASE_KEYS) for err in e.errors()]
        raise CaseError(f"{where}: " + "; ".join(problems)) from None


def load_cases(path: str | Path | None = None) -> list[Case]:
    """Read and validate the cases (default: eval/functional_cases.jsonl)."""
    p = Path(path) if path is not None else CASES_FILE
    if not p.exists():
        raise CaseError(f"functional cases file {p} not found; expected a JSON-lines file of cases")
    cases: list[Case] = []
    seen: set[str] = set()
    problems: list[str] = []  # every bad line, reported at once
    for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{p}:{i}"
        try:
            case = parse_case(json.loads(line), where)
        except json.JSONDecodeError as e:
            problems.append(f"{where}: not valid JSON ({e.msg} at column {e.colno})")
            continue
        except CaseError as e:
            problems.append(str(e))
            continue
        if case.id in seen:
            problems.append(f"{where}: duplicate case id {case.id!r}; ids must be unique")
        seen.add(case.id)
        cases.append(case)
    if problems:
        raise CaseError("\n".join(problems))
    if not cases:
        raise CaseError(f"{p}: no cases found")
    return cases


@dataclass
class _Result:
    scores: dict[str, float]
    flags: dict[str, bool]
    warnings: list[str]


def _score(model: Any, texts: list[str], parents: list[str | None]) -> list[_Result]:
    """Score with model.score (flags, decisions and reply warnings); for a model that only has risk_proba,
    flags come from its flag thresholds and no warnings are produced."""
    if hasattr(model, "score"):
        res = model.score(texts, parents)
        return [_Result(dict(r.scores), dict(r.flags), [w.code for w in r.warnings]) for r in res]
    from eval.evaluator import flag_block

    probs = np.asarray(model.risk_proba(texts), dtype=np.float64)
    flags = {r: flag_block(model, r)[0] for r in RISKS}
    return [
        _Result(
            {r: float(row[j]) for j, r in enumerate(RISKS)},
            {r: bool(row[j] >= flags[r]) for j, r in enumerate(RISKS)},
            [],
        )
        for row in probs
    ]


def run_functional(model: Any, cases: Sequence[Case] | None = None) -> dict[str, Any]:
    """Run the cases through the model; return overall and per-capability pass rates and per-case checks."""
    cases = list(cases) if cases is not None else load_cases()
    texts = [c.text for c in cases]
    parents: list[str | None] = [c.parent for c in cases]
    comp_idx = {}
    for i, c in enumerate(cases):
        if c.compare_text is not None:
            comp_idx[i] = len(texts)
            texts.append(c.compare_text)
            parents.append(None)
    results = _score(model, texts, parents)
    out_cases: list[dict[str, Any]] = []
    for i, c in enumerate(cases):
        r = results[i]
        checks: list[dict[str, Any]] = []
        for risk, want in c.expect.items():
            ok = r.flags[risk] if want == "flag" else not r.flags[risk]
            checks.append(
                {
                    "check": f"{risk}: {want}",
                    "passed": bool(ok),
                    "detail": f"score {r.scores[risk]:.3f}, {'flagged' if r.flags[risk] else 'not flagged'}",
                }
            )
        if i in comp_idx:
            o = results[comp_idx[i]]
            for risk, rel in c.compare_expect.items():
                if rel == "lower":
                    ok = r.scores[risk] < o.scores[risk]
                    detail = f"{r.scores[risk]:.3f} vs {o.scores[risk]:.3f}"
                else:
                    ok = r.flags[risk] == o.flags[risk]
                    detail = (
                        f"{r.scores[risk]:.3f} ({'flagged' if r.flags[risk] else 'not flagged'}) vs "
                        f"{o.scores[risk]:.3f} ({'flagged' if o.flags[risk] else 'not flagged'})"
                    )
                checks.append(
                    {
                        "check": f"{risk}: {rel} than the compared text"
                        if rel == "lower"
                        else f"{risk}: same decision as the compared text",
                        "passed": bool(ok),
                        "detail": detail,
                    }
                )
        if c.warning:
            ok = c.warning in r.warnings
            checks.append(
                {"check": f"warning {c.warning}", "passed": ok, "detail": f"warnings: {r.warnings or 'none'}"}
            )
        if c.no_warning:
            ok = c.no_warning not in r.warnings
            checks.append(
                {"check": f"no warning {c.no_warning}", "passed": ok, "detail": f"warnings: {r.warnings or 'none'}"}
            )
        out_cases.append(
            {
                "id": c.id,
                "capability": c.capability,
                "passed": all(ch["passed"] for ch in checks),
                "text": c.text,
                "parent": c.parent,
                "compare_text": c.compare_text,
                "checks": checks,
                "scores": {k: round(v, 4) for k, v in r.scores.items()},
            }
        )
    caps: dict[str, dict[str, Any]] = {}
    for cap, desc in CAPABILITIES.items():
        mine = [c for c in out_cases if c["capability"] == cap]
        if not mine:
            continue
        passed = sum(c["passed"] for c in mine)
        caps[cap] = {"description": desc, "n": len(mine), "passed": passed, "pass_rate": passed / len(mine)}
    passed = sum(c["passed"] for c in out_cases)
    logger.info("functional tests: %d of %d cases pass", passed, len(out_cases))
    return {
        "n": len(out_cases),
        "passed": passed,
        "pass_rate": passed / len(out_cases) if out_cases else float("nan"),
        "capabilities": caps,
        "cases": out_cases,
    }
