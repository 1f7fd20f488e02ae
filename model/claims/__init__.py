"""A memory of fact-checked claims: import, storage, retrieval of rewordings, and their effect on scores.

Fact-checkers do not judge a post by its style; they remember what has been debunked and recognise it again
in new words. This package gives saring that memory, one module per part:

* ``verdicts.py``: fact-checkers' rating texts (``SALAH``, ``HOAKS``, ``Misleading``...) and the normalised
  verdict each stands for (one of :data:`VERDICTS`).
* ``records.py``: :class:`Claim` (claim text, rating, verdict, publisher, URL, date, language, where it came
  from), :class:`BadClaim`, :class:`ClaimImportError`, :class:`ImportReport`.
* ``importers.py``: :func:`parse_claim_file`, :func:`parse_records`: the open ClaimReview shape (schema.org
  ``claimReviewed``, ``reviewRating.alternateName``, ``author.name``...), the Google Fact Check Tools API
  shape (``claims[].claimReview[]``) and flat records (``claim``, ``rating``, ``publisher``...), from any file
  ``model.readers`` reads (JSON document or JSON lines, JSON-LD ``@graph``, gzipped or not; CSV/TSV and
  Parquet with a column mapping). Every bad record is reported with its position, field, what was found and
  the fix; a file is imported all or nothing unless the caller asks for the good records only.
* ``store.py``: :class:`ClaimStore`, one SQLite file (SQLAlchemy Core; default ``$SARING_CLAIMS_DB``, else
  ``model.paths.data_dir()/claims.sqlite``) holding the records and their embeddings (float32 BLOBs) in the
  same rows, so that every update, embeddings included, is one transaction. A generation counter lets every
  process holding an index notice another process's writes and reload (checked at most once a second).
* ``text.py`` (with ``numbers.py`` and ``slang.py``): :class:`ClaimEncoder`, one normalisation for posts and
  claims (symbols to words, amounts as one integer, slang, abbreviations and regional words to standard
  Indonesian; long posts are also read sentence by sentence); ``bm25.py``: BM25 over lightly stemmed tokens.
* ``index.py``: :class:`ClaimIndex`, retrieval: a dense cosine similarity from the e5 encoder and a lexical
  BM25 coverage, combined (the best over a long post's parts) into ``w * cosine + (1 - w) * coverage``.
* ``params.py``: :class:`MatchParams`, the weight, the threshold and a Platt mapping from similarity to match
  probability; ``calibrate.py``: :func:`calibrate` on a paraphrase set (``saring claims calibrate``,
  ``cli.py``). The matching metrics are in ``model.metrics``.
* ``cues.py``: the debunk, joke and question cues ("hoaks", "tidak benar", "cek fakta", "apa benar"...).
* ``effect.py``: :func:`apply_claim_matches`, a strong match to a claim rated false or misleading raises the
  hoax score to the match probability and adds a warning citing the claim, unless the text refutes, jokes
  about or asks about it; :func:`claim_from_feedback`, a hoax confirmed by a reviewer becomes a claim.

The embedder is injected: any object with ``encode(texts, prefix=...) -> (n, d) L2-normalised array`` works
(``model.encoder.Embedder`` in production; fakes in tests). Without one, retrieval is lexical only.
"""

from __future__ import annotations

from model.claims.bm25 import (
    BM25,
    LEX_STOPWORDS,
    light_stem,
)
from model.claims.calibrate import (
    ParaphraseGroup,
    calibrate,
    default_paraphrase_path,
    evaluate_matching,
    read_paraphrases,
)
from model.claims.cues import (
    COUNTER_CUES,
    JOKE_CUES,
    QUESTION_CUES,
    REFUTATION_CUES,
    claim_stance,
    joke_cues,
    question_cues,
    refutation_cues,
)
from model.claims.effect import (
    FEEDBACK_PUBLISHER,
    apply_claim_matches,
    claim_from_feedback,
)
from model.claims.importers import (
    FORMATS,
    DateError,
    ImportDefaults,
    claim_id,
    parse_claim_file,
    parse_date,
    parse_records,
)
from model.claims.index import (
    ClaimIndex,
    load_claim_store,
)
from model.claims.numbers import (
    canonical_amounts,
)
from model.claims.params import (
    DEFAULT_PARAMS,
    LEXICAL_PARAMS,
    MatchParams,
    default_embedder,
    embedder_name,
)
from model.claims.records import (
    CLAIM_FIELDS,
    MAX_CLAIM_CHARS,
    BadClaim,
    Claim,
    ClaimImportError,
    ImportReport,
)
from model.claims.slang import (
    BUILTIN_SLANG,
    CLAIM_SYNONYMS,
    REGIONAL_SLANG,
)
from model.claims.store import (
    CLAIMS_DB_ENV,
    SCHEMA_VERSION,
    ClaimStore,
    default_claims_db,
)
from model.claims.text import (
    CLAIM_TEXT_VERSION,
    MAX_WINDOWS,
    WINDOW_MIN_WORDS,
    ClaimEncoder,
    EmbedderLike,
    text_windows,
)
from model.claims.verdicts import (
    RAISING_VERDICTS,
    RATING_TABLE,
    VERDICTS,
    normalise_verdict,
    rating_key,
)
from model.metrics import matching_ap, matching_pr, wilson

__all__ = [
    "BM25",
    "BUILTIN_SLANG",
    "BadClaim",
    "CLAIMS_DB_ENV",
    "CLAIM_FIELDS",
    "CLAIM_SYNONYMS",
    "CLAIM_TEXT_VERSION",
    "COUNTER_CUES",
    "Claim",
    "ClaimEncoder",
    "ClaimImportError",
    "ClaimIndex",
    "DateError",
    "ClaimStore",
    "DEFAULT_PARAMS",
    "EmbedderLike",
    "FEEDBACK_PUBLISHER",
    "FORMATS",
    "ImportDefaults",
    "ImportReport",
    "JOKE_CUES",
    "LEXICAL_PARAMS",
    "LEX_STOPWORDS",
    "MAX_CLAIM_CHARS",
    "MAX_WINDOWS",
    "MatchParams",
    "ParaphraseGroup",
    "QUESTION_CUES",
    "RAISING_VERDICTS",
    "RATING_TABLE",
    "REFUTATION_CUES",
    "REGIONAL_SLANG",
    "SCHEMA_VERSION",
    "VERDICTS",
    "WINDOW_MIN_WORDS",
    "apply_claim_matches",
    "calibrate",
    "canonical_amounts",
    "claim_from_feedback",
    "claim_id",
    "claim_stance",
    "default_claims_db",
    "default_embedder",
    "default_paraphrase_path",
    "embedder_name",
    "evaluate_matching",
    "joke_cues",
    "light_stem",
    "load_claim_store",
    "matching_ap",
    "matching_pr",
    "normalise_verdict",
    "parse_claim_file",
    "parse_date",
    "parse_records",
    "question_cues",
    "rating_key",
    "read_paraphrases",
    "refutation_cues",
    "text_windows",
    "wilson",
]
