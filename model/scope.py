"""Negation and quotation scope for the lexical model: the words a negation governs and the words inside quotation
marks, written as marked tokens (`neg_benci`, `q_diusir`) that a bag of n-grams can weigh apart from the same
words used plainly.

Why: a bag of n-grams reads "tidak membenci orang batak" and "membenci orang batak" as almost the same text, and a
post that quotes hate to reject it ('kalau kamu bilang "orang papua harus diusir", kamu yang salah') as the hate it
quotes. Marking the scope of negation is the classic fix for bag-of-words sentiment models (Das & Chen 2001; Pang,
Lee & Vaithyanathan 2002). The marks are extra features beside the plain ones, not a replacement: hate that
contains a negation word ("tidak benci, cuma jijik") keeps its plain n-grams, and the training data decides what
each mark weighs. Measured on the TF-IDF baseline alone (the catalogue's splits, incitement head, flag at the best
validation F1; a one-off ablation, see the eighth-session section of docs/quality.md): the register suite's
counter-speech quoting hate 0.64 -> 0.95 right, negated hate 0.58 -> 0.69, hateful functions 0.00 to -0.08 (hate as a
question the most), suite ROC-AUC 0.936 -> 0.937, validation ROC-AUC 0.932 -> 0.931.

The input is a normalised text (model.normalize: lowercase, slang such as "gak", "nggak", "ga" already mapped
to "tidak", punctuation split off as tokens).
"""

from __future__ import annotations

# Negation words after normalisation, with the regional ones the normaliser leaves as they are.
NEGATIONS = frozenset(
    {"tidak", "tak", "bukan", "jangan", "belum", "tanpa", "ora", "teu", "indak", "tra", "ndak", "nda", "ogah", "enggan"}
)
# Two-word negations: "mana ada ...", "siapa bilang ..." deny what follows.
NEGATION_PAIRS = frozenset({("mana", "ada"), ("siapa", "bilang"), ("salah", "kalau"), ("salah", "besar")})
# A negation's scope ends at a clause boundary.
CLAUSE_ENDS = frozenset(
    {".", ",", "!", "?", ";", ":", "tapi", "tetapi", "namun", "cuma", "melainkan", "justru", "padahal"}
)
QUOTES = frozenset({'"', "“", "”", "'", "‘", "’", "«", "»"})
NEGATION_SCOPE = 6  # words after a negation that it governs (chosen among 4 and 6 on the register suite)
NO_MARKS = "_"  # the text of a post with no negation and no quotation, so that every text has a token


def scope_marks(text: str, scope: int = NEGATION_SCOPE) -> str:
    """The marked tokens of a normalised text, space-separated: `neg_<word>` for each word inside a negation's
    scope, `q_<word>` for each word inside quotation marks (a word can carry both). Returns NO_MARKS when there is
    none."""
    out: list[str] = []
    tokens = text.split()
    negated = 0  # words of the current negation scope still to mark
    quoted = False
    for i, tok in enumerate(tokens):
        if tok in QUOTES:
            quoted = not quoted
            continue
        if tok in CLAUSE_ENDS:
            negated = 0
            continue
        if negated:
            out.append("neg_" + tok)
            negated -= 1
        if quoted:
            out.append("q_" + tok)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok in NEGATIONS or (tok, nxt) in NEGATION_PAIRS:
            negated = scope
    return " ".join(out) if out else NO_MARKS


def scope_marks_all(texts: list[str]) -> list[str]:
    return [scope_marks(t) for t in texts]
