"""API keys and rate limits.

Keys come in `Authorization: Bearer <key>` or `X-API-Key: <key>`. The server holds only SHA-256 digests and
compares the digest of the presented key with every configured one using `hmac.compare_digest` (constant
time, no early exit), so neither the keys nor their position leak through timing. A caller is identified by
the first 12 hex characters of its key's digest (never the key), or by its address when keys are optional.

Rate limits are token buckets per caller: `rate_limit_per_minute` tokens per minute, holding at most
`burst`; a request costs one token; an empty bucket answers 429 RATE_LIMITED with Retry-After (seconds).
Limits are per server process.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from dataclasses import dataclass

from fastapi import Request

from serving.errors import ApiError


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    key = request.headers.get("x-api-key")
    return key.strip() if key and key.strip() else None


def matches_any(key: str, hashes: list[str]) -> bool:
    digest = hash_key(key).encode()
    ok = False
    for h in hashes:  # no early exit
        ok |= hmac.compare_digest(digest, h.encode())
    return ok


@dataclass
class Caller:
    id: str  # "key:<digest prefix>" or "addr:<client address>"
    authenticated: bool


def identify(request: Request, hashes: list[str], required: bool) -> Caller:
    """Authenticate the request; raise 401 UNAUTHORIZED when a key is required and missing or wrong."""
    key = presented_key(request)
    if key is None:
        if required:
            raise ApiError(
                "UNAUTHORIZED",
                "an API key is required: send `Authorization: Bearer <key>` or `X-API-Key: <key>`",
                headers={"WWW-Authenticate": "Bearer"},
            )
        client = request.client.host if request.client else "unknown"
        return Caller(f"addr:{client}", False)
    if not matches_any(key, hashes):
        raise ApiError(
            "UNAUTHORIZED",
            "the API key is not valid; check it, or ask the operator for a key",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return Caller(f"key:{hash_key(key)[:12]}", True)


class RateLimiter:
    """Token buckets per caller id. Thread-safe; prunes idle full buckets to bound memory."""

    MAX_BUCKETS = 10_000

    def __init__(self, per_minute: float, burst: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}  # id -> (tokens, last time)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, caller: str, now: float | None = None) -> float:
        """Take one token; return 0 when allowed, else the seconds to wait before retrying."""
        if not self.enabled:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(caller, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[caller] = (tokens - 1.0, now)
                if len(self._buckets) > self.MAX_BUCKETS:
                    self._prune(now)
                return 0.0
            self._buckets[caller] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        full = [k for k, (t, last) in self._buckets.items() if t + (now - last) * self.rate >= self.burst]
        for k in full:
            del self._buckets[k]

    def check(self, caller: str) -> None:
        wait = self.take(caller)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise ApiError(
                "RATE_LIMITED",
                f"rate limit reached ({self.rate * 60:g} requests per minute, bursts "
                f"of {self.burst:g}); retry after {seconds} s, or send more texts per request "
                "(up to the items limit) instead of more requests",
                headers={"Retry-After": str(seconds)},
            )
