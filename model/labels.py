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


def check_labels(names: list[str] | tuple[str, ...]) -> None:
    """Raise ValueError naming the unknown labels and the known ones."""
    unknown = [n for n in names if n not in ALL_LABELS]
    if unknown:
        raise ValueError(
            f"unknown label name(s) {unknown}; expected some of the risks {list(RISKS)} "
            f"or the auxiliary labels {list(AUX_LABELS)}"
        )
