"""Prometheus metrics, one registry per app (so several apps in one process, as in tests, never collide).

saring_requests_total{route,method,status}      requests by route template ("unmatched" for unknown paths),
                                                method (the standard ones; any other is "OTHER") and status
saring_request_duration_seconds{route}          latency histogram
saring_batch_size                               texts per forward pass (micro-batching at work)
saring_score{risk}                              score distribution per risk (drift shows up here)
saring_decisions_total{risk,decision,policy}    decisions per risk and policy
saring_term_matches_total{list,risk}            terms of the term lists found in scored texts (TERM_LIST_MATCH)
saring_model_info{name,version,kind}            1 for the model serving now
saring_model_reloads_total{outcome}             hot swaps: success / failure
saring_score_cache_{entries,hits,misses}         the serving model's logit cache since it loaded (distinct texts
                                                kept; found there; run through the network)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from model.scorer import ScoredText

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
SCORE_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
# The `method` label: the methods of RFC 9110 and PATCH as themselves, any other as OTHER. A client picks the
# method (any token, in any case); labelled as sent, each new one would start a time series for good.
STANDARD_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})
OTHER_METHOD = "OTHER"
UNMATCHED_ROUTE = "unmatched"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "saring_requests", "HTTP requests by route, method and status", ["route", "method", "status"], registry=r
        )
        self.latency = Histogram(
            "saring_request_duration_seconds",
            "Request latency by route",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.batch_size = Histogram("saring_batch_size", "Texts per forward pass", buckets=BATCH_BUCKETS, registry=r)
        self.scores = Histogram(
            "saring_score", "Calibrated scores per risk", ["risk"], buckets=SCORE_BUCKETS, registry=r
        )
        self.decisions = Counter(
            "saring_decisions", "Decisions per risk and policy", ["risk", "decision", "policy"], registry=r
        )
        self.term_matches = Counter(
            "saring_term_matches", "Terms of the term lists found in scored texts", ["list", "risk"], registry=r
        )
        self.model_info = Gauge(
            "saring_model_info", "The model serving now (value 1)", ["name", "version", "kind"], registry=r
        )
        self.reloads = Counter("saring_model_reloads", "Model reloads by outcome", ["outcome"], registry=r)

    def watch_cache(self, scorer: Callable[[], Any]) -> None:
        """Gauges read at scrape time from the logit cache of `scorer()`, the model serving now
        (model.scorer.LogitCache; 0 without a model or a cache). They restart from 0 when a reload swaps the model."""

        def reading(measure: Callable[[Any], int]) -> Callable[[], float]:
            def read() -> float:
                cache = getattr(scorer(), "cache", None)  # a test's stand-in scorer may have none
                return float(measure(cache)) if cache is not None else 0.0

            return read

        gauges: list[tuple[str, str, Callable[[Any], int]]] = [
            ("entries", "Distinct texts in the serving model's logit cache", len),
            ("hits", "Distinct texts found in the logit cache since the model loaded", lambda c: c.hits),
            (
                "misses",
                "Distinct texts run through the network since the model loaded (not in the cache)",
                lambda c: c.misses,
            ),
        ]
        for name, doc, measure in gauges:
            Gauge(f"saring_score_cache_{name}", doc, registry=self.registry).set_function(reading(measure))

    def set_model(self, name: str, version: str, kind: str) -> None:
        self.model_info.clear()
        self.model_info.labels(name=name, version=version, kind=kind).set(1)

    def observe_result(self, scored: ScoredText, policy: str) -> None:
        for risk, s in scored.scores.items():
            self.scores.labels(risk=risk).observe(s)
        for risk, d in scored.decisions.items():
            self.decisions.labels(risk=risk, decision=d, policy=policy).inc()
        for w in scored.warnings:
            if w.code == "TERM_LIST_MATCH" and w.details is not None:
                self.term_matches.labels(list=w.details["list"], risk=w.risk).inc()

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def method_label(method: str) -> str:
    """The `method` label of a request: a standard method as itself (methods are case-sensitive: `get` is not GET),
    anything else as OTHER."""
    return method if method in STANDARD_METHODS else OTHER_METHOD


class MetricsMiddleware:
    """Counts every HTTP request by route template (never the raw path, which would explode cardinality) and
    by method, bounded the same way (method_label)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def _send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            route: Any = scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED_ROUTE
            method = method_label(str(scope.get("method", "")))
            self.metrics.requests.labels(route=template, method=method, status=str(status)).inc()
            self.metrics.latency.labels(route=template).observe(time.perf_counter() - start)
