"""What runs in the scoring thread: one batch of items -> scores, decisions, warnings and explanations.

The batch is scored with ONE model (captured at the start, so a hot swap never mixes versions within a
batch) and one `scorer.score` call per channel policy present in the batch (usually one). Explanations of
every explained item of the batch are computed in one more forward pass over all occlusion variants.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from model.calibration import Threshold
from model.claims import apply_claim_matches
from model.labels import RISKS
from model.scorer import ScoredText, Scorer
from model.terms import TermLists, with_matches
from serving import explain as occlusion
from serving.settings import DEFAULT_POLICY

logger = logging.getLogger(__name__)


class ModelHolder:
    """The scorer currently serving. Swapping is one attribute assignment, atomic under the GIL."""

    def __init__(self) -> None:
        self.scorer: Scorer | None = None
        self.error: str | None = None
        self.loading = False
        self.model_dir: str | None = None


class PolicyBook:
    """Channel policies: threshold overrides per named channel, merged onto the model's thresholds."""

    def __init__(self, policies: dict[str, dict[str, dict[str, float]]]) -> None:
        self.policies = policies

    @property
    def names(self) -> list[str]:
        return [DEFAULT_POLICY, *sorted(self.policies)]

    def resolve(self, channel: str | None) -> str | None:
        """The policy name for a channel, or None when the channel is unknown."""
        if channel is None or channel == DEFAULT_POLICY:
            return DEFAULT_POLICY
        return channel if channel in self.policies else None

    def thresholds(self, scorer: Scorer, policy: str) -> dict[str, Threshold]:
        base = {r: t for r, t in scorer.thresholds.items() if r in RISKS}
        if policy == DEFAULT_POLICY:
            return base
        out = dict(base)
        for risk, override in self.policies[policy].items():
            model_t = base.get(risk, Threshold())
            # the settings allow only 'flag' and 'block' here (serving.settings.ChannelPolicies)
            t = dataclasses.replace(
                model_t,
                flag=float(override.get("flag", model_t.flag)),
                block=float(override.get("block", model_t.block)),
            )
            if t.block < t.flag:  # an override of flag alone above the model's block
                t = dataclasses.replace(t, block=t.flag)
            out[risk] = t
        return out

    def describe(self, scorer: Scorer, policy: str) -> dict[str, dict[str, float]]:
        return {
            r: {"flag": round(t.flag, 6), "block": round(t.block, 6)}
            for r, t in self.thresholds(scorer, policy).items()
        }


class ClaimMatcher(Protocol):
    def match(self, texts: list[str]) -> list[list[dict[str, Any]]]: ...


@dataclass
class WorkItem:
    text: str
    parent: str | None = None
    policy: str = DEFAULT_POLICY
    explain: bool = False


@dataclass
class Outcome:
    scored: ScoredText
    spans: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    matches: list[dict[str, Any]] = field(default_factory=list)


class BatchRunner:
    """Callable run by the batcher's thread: `(items) -> (outcomes, scorer)`.

    `claims()` returns the claim matcher attached to the app (or None). When there is one, every text of the
    batch is matched against the fact-checked claims in one call, and `model.claims.apply_claim_matches`
    folds the matches into the scores (a repeated false claim raises hoax, with a warning citing it) under
    the item's policy thresholds, before decisions are explained.
    """

    def __init__(
        self,
        holder: ModelHolder,
        policies: PolicyBook,
        explain_max_words: int = 256,
        claims: Any = None,
        terms: Callable[[], TermLists | None] | None = None,
    ) -> None:
        self.holder = holder
        self.policies = policies
        self.explain_max_words = explain_max_words
        self.claims = claims or (lambda: None)
        self.terms = terms or (lambda: None)

    def __call__(self, items: list[WorkItem]) -> tuple[list[Outcome], Scorer]:
        scorer = self.holder.scorer
        if scorer is None:
            raise RuntimeError("no model is loaded")
        outcomes: list[Outcome | None] = [None] * len(items)
        groups: dict[str, list[int]] = {}
        for i, it in enumerate(items):
            groups.setdefault(it.policy, []).append(i)
        for policy, idx in groups.items():
            texts = [items[i].text for i in idx]
            parents = [items[i].parent for i in idx]
            scored = scorer.score(
                texts, parents=parents if any(parents) else None, thresholds=self.policies.thresholds(scorer, policy)
            )
            for i, s in zip(idx, scored, strict=True):
                outcomes[i] = Outcome(s)
        done = [o for o in outcomes if o is not None]
        assert len(done) == len(items)
        self._match_claims(scorer, items, done)
        terms = self.terms()
        if terms is not None:  # after the claims, so that a term raises the decision they leave
            texts = [it.text for it in items]
            for out, found in zip(done, terms.match(texts, scorer.normalizer), strict=True):
                out.scored = with_matches(out.scored, found)
        self._explain(scorer, items, done)
        return done, scorer

    def _match_claims(self, scorer: Scorer, items: list[WorkItem], outcomes: list[Outcome]) -> None:
        matcher: ClaimMatcher | None = self.claims()
        if matcher is None:
            return
        texts = [it.text for it in items]
        try:
            found = matcher.match(texts)
            if not isinstance(found, list) or len(found) != len(texts):
                raise ValueError(f"match returned {type(found).__name__}, expected one list per text")
        except Exception as e:
            logger.error("claim matching failed (%s); results carry no matches", type(e).__name__, exc_info=True)
            for out in outcomes:
                out.warnings.append(
                    {
                        "code": "CLAIMS_UNAVAILABLE",
                        "message": "matching against fact-checked "
                        "claims failed on the server; the scores do not take known claims into "
                        "account and `matches` is empty",
                    }
                )
            return
        for it, out, matches in zip(items, outcomes, found, strict=True):
            out.matches = [dict(m) for m in matches]
            if matches:
                out.scored = apply_claim_matches(
                    out.scored,
                    it.text,
                    matches,
                    thresholds=self.policies.thresholds(scorer, it.policy),
                    normalizer=scorer.normalizer,
                )

    def _explain(self, scorer: Scorer, items: list[WorkItem], outcomes: list[Outcome]) -> None:
        plans: list[tuple[int, occlusion.Plan, list[str]]] = []
        all_variants: list[str] = []
        for i, (it, out) in enumerate(zip(items, outcomes, strict=True)):
            if not it.explain:
                continue
            flagged = [r for r in RISKS if out.scored.flags.get(r)]
            if not flagged:
                continue
            p = occlusion.plan(it.text, self.explain_max_words)
            if p.truncated:
                out.warnings.append(
                    {
                        "code": "EXPLANATION_PARTIAL",
                        "message": f"only the first {self.explain_max_words} words were tested for the explanation",
                    }
                )
            plans.append((i, p, flagged))
            all_variants.extend(occlusion.variants(p))
        if not plans:
            return
        # Variants are never sent again: kept in the logit cache they would only push out posts that are.
        probs = scorer.risk_proba(all_variants, remember=False) if all_variants else np.zeros((0, len(RISKS)))
        start = 0
        for i, p, flagged in plans:
            n = len(p.words)
            base = np.array([outcomes[i].scored.scores[r] for r in RISKS])
            outcomes[i].spans = occlusion.spans_for(p, base, probs[start : start + n], flagged)
            start += n
