"""The label set: saring's three risks and the original labels kept as auxiliary targets.

The order of RISKS is the order of the network's first outputs and of every score vector.
"""

from __future__ import annotations

from typing import Final

RISKS: Final[tuple[str, ...]] = ("hoax", "slander", "incitement")

RISK_DESCRIPTIONS: Final[dict[str, str]] = {
    "hoax": "hoaks: false or fabricated claims presented as fact",
    "slander": "fitnah: defamation or insult of a person or institution",
    "incitement": "hasutan: provocation or hate against groups (religion, ethnicity, race, inter-group)",
}

# What a score means, for the model card and the API docs: calibrated probabilities on the validation split,
# which includes the team-written register posts (colloquial, alay, regional, capitals).
RISK_SCORE_MEANING: Final[dict[str, str]] = {
    "hoax": "the probability that the post states a checkable claim that is false, presented as fact. A post that "
    "claims nothing checkable (an insult, a threat, an opinion, a question, a greeting, a joke) should score "
    "low whatever its tone; urgent true notices and debunks too. Learnt from news articles, team-written "
    "post-form hoaxes and look-alike true posts; a known debunked claim matched by the claim memory "
    "raises it (see `matches`). It does not check facts itself: treat a flag as a review signal.",
    "slander": "the probability that the post accuses or insults a person or an institution (crimes, disgrace, "
    "abuse). Factual reports of investigations, criticism of performance and citizens' complaints "
    "should score low.",
    "incitement": "the probability that the post attacks or stirs hatred against a group (suku, agama, ras, "
    "antargolongan): derogation, dehumanisation, threats, slurs, hate as a question or opinion. "
    "Counter-speech that quotes hate, negated hate, and neutral or positive mentions of groups should "
    "score low.",
}

# Original labels of the catalogue, kept as auxiliary outputs. They are trained with the same masked loss
# and let results be compared with published work (e.g. Ibrohim & Budi's HS label).
AUX_LABELS: Final[tuple[str, ...]] = (
    "hate_speech",  # ibrohim HS
    "abusive",  # ibrohim Abusive, news-comments label 2/3
    "hs_individual",
    "hs_group",
    "hs_religion",
    "hs_race",
    "hs_physical",
    "hs_gender",
    "hs_other",
    "pornography",  # netifier pornografi
    "sara",  # netifier sara
    "radicalism",  # netifier radikalisme
    "defamation",  # netifier pencemaran_nama_baik
)

ALL_LABELS: Final[tuple[str, ...]] = RISKS + AUX_LABELS

DECISIONS: Final[tuple[str, ...]] = ("allow", "review", "block")
