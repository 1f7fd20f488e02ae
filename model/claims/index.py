"""The claim index: a claim store with its in-memory retrieval index, shared between threads."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model.claims.bm25 import BM25
from model.claims.cues import claim_stance
from model.claims.importers import ImportDefaults, _dedupe, parse_claim_file, parse_records
from model.claims.params import DEFAULT_PARAMS, LEXICAL_PARAMS, MatchParams, default_embedder, embedder_name
from model.claims.records import BadClaim, Claim, ClaimImportError, ImportReport
from model.claims.store import ClaimStore
from model.claims.text import CLAIM_TEXT_VERSION, ClaimEncoder, EmbedderLike
from model.examples import DataError
from model.normalize import Normalizer

logger = logging.getLogger(__name__)


@dataclass
class _Snapshot:
    generation: int
    claims: list[Claim]
    dense: np.ndarray | None  # (n, d) float32
    bm25: BM25
    params: MatchParams
    enc: ClaimEncoder  # what read the claims into `bm25` and `dense`: posts are read the same way


class ClaimIndex:
    """A claim store with its in-memory retrieval index. Safe to share between threads.

    Open it once (e.g. in a lifespan handler) with :meth:`open`. Its own writes are seen at once; writes
    from other processes (`saring claims import` beside a running server) within `max_staleness_s`
    (default 1 s): reads check the store's generation counter at most that often, because opening SQLite
    for every micro-batch cost the serving thread about a tenth of its time. 0 checks on every read.
    """

    MAX_STALENESS_S = 1.0

    def __init__(
        self,
        store: ClaimStore,
        embedder: EmbedderLike | None = None,
        *,
        normalizer: Normalizer | None = None,
        params: MatchParams | None = None,
        max_staleness_s: float = MAX_STALENESS_S,
    ) -> None:
        self.store = store
        self.max_staleness_s = max(0.0, max_staleness_s)
        self._clock = time.monotonic
        self._checked_at = float("-inf")  # self._clock() at the last generation check
        self.enc = ClaimEncoder(embedder, normalizer)
        self._explicit_params = params
        self._lock = threading.RLock()
        self._snap: _Snapshot | None = None
        if embedder is None:
            logger.warning(
                "claim index without an embedder: matching is lexical (BM25) only and finds fewer "
                "rewordings; pass the e5 embedder for dense retrieval"
            )
        self._refresh(force=True)

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        embedder: EmbedderLike | None = None,
        *,
        normalizer: Normalizer | None = None,
        params: MatchParams | None = None,
        max_staleness_s: float = MAX_STALENESS_S,
    ) -> ClaimIndex:
        """Open (creating if needed) the store at `path` (default :func:`default_claims_db`)."""
        return cls(ClaimStore(path), embedder, normalizer=normalizer, params=params, max_staleness_s=max_staleness_s)

    # -- parameters --------------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def embedder(self) -> EmbedderLike | None:
        return self.enc.embedder

    @property
    def normalizer(self) -> Normalizer:
        return self.enc.normalizer

    @property
    def params(self) -> MatchParams:
        return self._snapshot().params

    def _resolve_params(self) -> MatchParams:
        if self._explicit_params is not None:
            return self._explicit_params
        if self.embedder is None:
            return LEXICAL_PARAMS
        saved = self.store.get_meta("match_params")
        if saved:
            p = MatchParams.from_json(saved)
            if p.encoder == embedder_name(self.embedder) and p.text_version == CLAIM_TEXT_VERSION:
                return p
            if p.text_version != CLAIM_TEXT_VERSION:
                logger.warning(
                    "the claim store's saved match parameters were calibrated on claim text version "
                    "%r, this saring normalises claims as version %r; using the defaults (run `saring "
                    "claims calibrate --save`)",
                    p.text_version,
                    CLAIM_TEXT_VERSION,
                )
            else:
                logger.warning(
                    "the claim store's saved match parameters were calibrated for %r, not %r; using the defaults",
                    p.encoder,
                    embedder_name(self.embedder),
                )
        if DEFAULT_PARAMS.encoder != embedder_name(self.embedder):
            logger.warning(
                "no match parameters calibrated for encoder %r: using those of %r; run `saring claims "
                "calibrate --save` with this encoder",
                embedder_name(self.embedder),
                DEFAULT_PARAMS.encoder,
            )
        return DEFAULT_PARAMS

    def save_params(self, params: MatchParams) -> None:
        """Store calibrated parameters in the store (used for this encoder from now on, by every process)."""
        self.store.set_meta("match_params", params.to_json())
        self._refresh(force=True)

    def use_normalizer(self, normalizer: Normalizer) -> bool:
        """Read posts and claims with `normalizer`'s slang table from now on (the API calls it when it swaps in
        another model, so that matching reads slang as the model serving does). Returns whether anything changed.

        The lexical index is rebuilt at once; stored claim vectors are kept (their key names the claim text
        version, not the slang table: re-embedding on every swap between two models would cost more than the
        few formal claim words a slang table changes), and a matching call already running finishes with the
        reading it started with."""
        enc = ClaimEncoder(self.embedder, normalizer)
        if enc.normalizer.slang == self.enc.normalizer.slang:
            return False
        with self._lock:
            self.enc = enc
            self._refresh(force=True)
        logger.info("claim index: posts and claims now read with the serving model's slang table")
        return True

    def embed_key(self, params: MatchParams) -> str | None:
        if self.embedder is None:
            return None
        return f"{embedder_name(self.embedder)}|{params.claim_prefix}|text-v{CLAIM_TEXT_VERSION}"

    # -- snapshot ----------------------------------------------------------------------------------
    def _snapshot(self) -> _Snapshot:
        if self._snap is None or not self.max_staleness_s or self._clock() - self._checked_at >= self.max_staleness_s:
            self._refresh()
        assert self._snap is not None
        return self._snap

    def _refresh(self, force: bool = False) -> None:
        self._checked_at = self._clock()
        gen = self.store.generation()
        if not force and self._snap is not None and self._snap.generation == gen:
            return
        with self._lock:
            if not force and self._snap is not None and self._snap.generation == gen:
                return
            params = self._resolve_params()
            enc = self.enc
            gen = self.store.generation()
            claims, blobs, keys = self.store.all_rows()
            key = self.embed_key(params)
            dense = None
            if self.embedder is not None:
                stored = {
                    i: np.frombuffer(b, dtype="<f4")
                    for i, (b, k) in enumerate(zip(blobs, keys, strict=True))
                    if b is not None and k == key
                }
                stale = [i for i in range(len(blobs)) if i not in stored]
                if stale:
                    logger.info("embedding %d stored claim(s) for %s", len(stale), key)
                    new = enc.embed([claims[i].claim for i in stale], params.claim_prefix)
                    self.store.set_embeddings([claims[i].id for i in stale], new, key or "")
                    stored.update((i, new[j]) for j, i in enumerate(stale))
                vecs = [stored[i] for i in range(len(blobs))]
                dense = np.stack(vecs).astype(np.float32) if vecs else np.zeros((0, 0), np.float32)
            bm25 = BM25([enc.tokens(c.claim) for c in claims])
            self._snap = _Snapshot(gen, claims, dense, bm25, params, enc)
            logger.info("claim index: %d claim(s), generation %d", len(claims), gen)

    def __len__(self) -> int:
        return len(self._snapshot().claims)

    # -- writes ------------------------------------------------------------------------------------
    def add(self, claims: Sequence[Claim]) -> ImportReport:
        """Add or update claims (embedding them first); all or nothing. Conflicting ids raise."""
        unique, bad, dup = _dedupe(list(claims))
        if bad:
            raise ClaimImportError(bad, total=len(claims))
        return self._write(unique, ImportReport(file=None, total=len(claims), duplicates=dup))

    def _write(self, claims: list[Claim], report: ImportReport) -> ImportReport:
        params = self.params
        key = self.embed_key(params)
        vecs: list[np.ndarray | None] | None = None
        if self.enc.embedder is not None and claims:
            stored = self.store.embedded([c.id for c in claims])
            need = [i for i, c in enumerate(claims) if stored.get(c.id) != (c.claim, key)]
            vecs = [None] * len(claims)
            if need:
                new = self.enc.embed([claims[i].claim for i in need], params.claim_prefix)
                for j, i in enumerate(need):
                    vecs[i] = new[j]
        added, updated, unchanged = self.store.upsert(claims, vecs, key)
        report.added += added
        report.updated += updated
        report.unchanged += unchanged
        report.ids = [c.id for c in claims]
        self._refresh()
        return report

    def import_records(
        self, data: Any, *, defaults: ImportDefaults | None = None, partial: bool = False, source: str = "api"
    ) -> ImportReport:
        """Import already-decoded JSON records (the API's POST /v1/claims). All or nothing unless `partial`."""
        defaults = defaults or ImportDefaults(source=source)
        if not defaults.source:
            defaults.source = source
        claims, bad, skipped = parse_records(data, defaults)
        return self._finish(claims, bad, skipped, None, partial)

    def import_file(
        self,
        path: str | Path,
        fmt: str | None = None,
        *,
        columns: Mapping[str, str] | None = None,
        defaults: ImportDefaults | None = None,
        partial: bool = False,
        encoding: str = "utf-8",
    ) -> ImportReport:
        """Import a ClaimReview JSON / JSON-lines / JSON-LD file or a CSV. All or nothing unless `partial`:
        a file with a bad record raises ClaimImportError listing every bad record and changes nothing."""
        claims, bad, skipped = parse_claim_file(path, fmt, columns=columns, defaults=defaults, encoding=encoding)
        return self._finish(claims, bad, skipped, str(path), partial)

    def _finish(
        self, claims: list[Claim], bad: list[BadClaim], skipped: int, file: str | None, partial: bool
    ) -> ImportReport:
        unique, conflicts, dup = _dedupe(claims)
        bad = bad + conflicts
        total = len(claims) + len(bad) - len(conflicts)
        if bad and not partial:
            raise ClaimImportError(bad, file=file, total=total)
        if not claims and not bad:
            raise DataError(
                "no claims found",
                file=file,
                fix="expected ClaimReview objects (claimReviewed, reviewRating...), Fact Check API "
                "claims (claims[].claimReview[]) or flat records (claim, rating, publisher)",
            )
        report = ImportReport(file=file, total=total, duplicates=dup, skipped=skipped, bad=bad)
        if bad:
            logger.warning("%d bad record(s) not imported%s", len(bad), f" from {file}" if file else "")
        return self._write(unique, report)

    def remove(self, ids: Sequence[str]) -> int:
        n = self.store.delete(ids)
        self._refresh()
        return n

    def get(self, cid: str) -> Claim | None:
        return self.store.get(cid)

    def list_claims(self, limit: int = 50, offset: int = 0, verdict: str | None = None) -> list[Claim]:
        return self.store.list_claims(limit, offset, verdict)

    def count(self, verdict: str | None = None) -> int:
        """How many claims list_claims pages through (with `verdict`, those with it), read from the store."""
        return self.store.count(verdict)

    # -- reads -------------------------------------------------------------------------------------
    def similarities(
        self, texts: Sequence[str], snap: _Snapshot | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(similarity, cosine, coverage), each (n_texts, n_claims)."""
        snap = snap or self._snapshot()
        return snap.enc.similarities(texts, snap.bm25, snap.dense, snap.params.dense_weight, snap.params.query_prefix)

    def search(self, query: str, top: int = 5) -> list[dict[str, Any]]:
        """The `top` nearest claims whatever their similarity, best first; `match` says whether each is above
        the threshold."""
        snap = self._snapshot()
        if not snap.claims:
            return []
        sim, cos, lex = self.similarities([query], snap)
        order = np.argsort(-sim[0], kind="stable")[:top]
        stance = claim_stance(query, snap.enc.normalizer)
        return [self._result(snap, int(j), float(sim[0, j]), float(cos[0, j]), float(lex[0, j]), stance) for j in order]

    def match(self, texts: Sequence[str], top: int = 5, threshold: float | None = None) -> list[list[dict[str, Any]]]:
        """For every text, the claims it repeats (similarity >= threshold), best first, at most `top`."""
        texts = list(texts)
        snap = self._snapshot()
        if not snap.claims or not texts:
            return [[] for _ in texts]
        th = snap.params.threshold if threshold is None else threshold
        sim, cos, lex = self.similarities(texts, snap)
        out: list[list[dict[str, Any]]] = []
        for i, text in enumerate(texts):
            hits = np.where(sim[i] >= th)[0]
            if not len(hits):
                out.append([])
                continue
            hits = hits[np.argsort(-sim[i, hits], kind="stable")][:top]
            stance = claim_stance(text, snap.enc.normalizer)
            out.append(
                [self._result(snap, int(j), float(sim[i, j]), float(cos[i, j]), float(lex[i, j]), stance) for j in hits]
            )
        return out

    def _result(self, snap: _Snapshot, j: int, sim: float, cos: float, lex: float, stance: str) -> dict[str, Any]:
        c = snap.claims[j]
        return {
            "claim_id": c.id,
            "claim": c.claim,
            "verdict": c.verdict,
            "rating": c.rating,
            "publisher": c.publisher,
            "url": c.url,
            "date": c.date,
            "language": c.language,
            "similarity": round(sim, 4),
            "probability": round(float(snap.params.probability(sim)), 4),
            "match": bool(sim >= snap.params.threshold),
            "stance": stance,
            "dense": round(cos, 4),
            "lexical": round(lex, 4),
        }


def load_claim_store(
    path: str | Path | None = None,
    embedder: EmbedderLike | None = None,
    *,
    normalizer: Normalizer | None = None,
    device: str | None = None,
) -> ClaimIndex:
    """Open the claim store at `path` for serving: with `embedder`, else the e5 encoder; when the encoder
    cannot be prepared, matching falls back to BM25 only (logged). Pass the scorer's normaliser so that
    lexical matching reads slang as the model does."""
    if embedder is None:
        try:
            embedder = default_embedder(device)
        except Exception as e:
            logger.error("the e5 encoder could not be loaded (%s); claim matching is lexical only", e)
    return ClaimIndex.open(path, embedder, normalizer=normalizer)
