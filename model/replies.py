"""The pre-publication check for draft replies: does the reply repeat what made its parent risky?

An agency that answers a hoax by quoting it verbatim spreads the hoax further, even when the reply itself
is a correction. The reply is scored on its own text by the model; this module adds a warning when the
parent post is risky and the reply repeats runs of its words, and says which words, so the writer can
rephrase ("the claim that ... is false" instead of restating the claim in full).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.normalize import Normalizer
    from model.scorer import ScoreWarning

# Function words that carry no claim on their own; runs made only of these are not "repeated content".
STOPWORDS = frozenset(
    """yang dan di ke dari ini itu untuk dengan pada adalah tidak juga akan sudah ada dalam atau karena
    saya kami kita anda dia mereka jadi bisa lebih agar oleh saat sebagai telah bahwa apa ya kalau tapi
    namun hanya masih pun lagi sangat para bagi URL USER rt the a of to and is in""".split()
)
MIN_RUN = 4  # words: shorter shared runs are ordinary overlap between a post and its answer


def shared_runs(reply_tokens: list[str], parent_tokens: list[str], min_run: int = MIN_RUN) -> list[list[str]]:
    """Maximal runs of >= min_run consecutive tokens that occur in both, longest first, non-overlapping
    in the reply. Runs of stopwords only are ignored."""
    n, m = len(reply_tokens), len(parent_tokens)
    if n == 0 or m == 0:
        return []
    # Longest common substring lengths ending at (i, j), by dynamic programming.
    prev = [0] * (m + 1)
    best_at: dict[int, int] = {}  # reply end index -> run length
    for i in range(1, n + 1):
        cur = [0] * (m + 1)
        ri = reply_tokens[i - 1]
        for j in range(1, m + 1):
            if ri == parent_tokens[j - 1]:
                cur[j] = prev[j - 1] + 1
                if cur[j] >= min_run and cur[j] > best_at.get(i, 0):
                    best_at[i] = cur[j]
        prev = cur
    candidates = sorted(((length, end) for end, length in best_at.items()), reverse=True)
    taken = [False] * n
    runs: list[list[str]] = []
    for length, end in candidates:
        start = end - length
        if any(taken[start:end]):
            continue
        run = reply_tokens[start:end]
        if all(t in STOPWORDS or not t.isalnum() for t in run):
            continue
        for k in range(start, end):
            taken[k] = True
        runs.append(run)
    return runs


def reply_warnings(
    reply: str, parent: str, parent_flags: dict[str, bool], normalizer: Normalizer
) -> list[ScoreWarning]:
    from model.scorer import ScoreWarning

    risky = [r for r, f in parent_flags.items() if f]
    if not risky:
        return []
    runs = shared_runs(normalizer.normalize_tokens(reply), normalizer.normalize_tokens(parent))
    if not runs:
        return []
    words = [" ".join(r) for r in runs]
    quoted = "; ".join(f'"{w}"' for w in words[:3])
    return [
        ScoreWarning(
            "REPEATS_RISKY_PARENT",
            f"the post this reply answers was flagged for {', '.join(risky)}, and the reply repeats its words "
            f"{quoted}. Repeating a hoax or an insult spreads it further, even inside a correction: state "
            "the facts and refer to the claim without restating it.",
            risk=risky[0],
            words=words,
        )
    ]
