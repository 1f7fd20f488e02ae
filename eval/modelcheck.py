"""Loading the model directories `saring eval` is given, and what a report says about a model not trained on a
risk. The files' shapes are checked by model.modelcheck (run by every Scorer load); here a path that cannot be a
model directory is refused before anything loads, and anything the loader still trips over is reported with the
directory it came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from model.labels import RISKS
from model.modelcheck import FIX, check_model_path
from model.modeldir import ModelDirError

# thresholds.json's objective for a risk training had no validation labels for (training.artifacts)
UNTRAINED_OBJECTIVE = "default"


def load_model(path: Path, option: str = "--model") -> Any:
    """model.scorer.Scorer for `path` (which checks its files: model.modelcheck), a file given for a directory
    refused first and any failure of the loader turned into a ModelDirError that names the directory."""
    from model.scorer import Scorer

    check_model_path(path, option)
    try:
        return Scorer(path)
    except ModelDirError:
        raise
    except Exception as e:
        if isinstance(e, ValueError) and str(path) in str(e):
            raise  # the loader's own message, naming the directory and the fix
        raise ModelDirError(f"{path}: the model directory could not be loaded ({type(e).__name__}: {e}). {FIX}") from e


def untrained_risks(model: Any) -> list[str]:
    """Risks whose flag is training's default because training had no validation labels for them: the model
    was, in all likelihood, not trained to judge them."""
    out = []
    for r in RISKS:
        t = (getattr(model, "thresholds", {}) or {}).get(r)
        objective = getattr(t, "objective", None)
        if isinstance(objective, str) and objective.startswith(UNTRAINED_OBJECTIVE):
            out.append(r)
    return out


def untrained_note(role: str, model: Any) -> str | None:
    """A sentence for reports and comparisons when a model was not trained on some risks (untrained_risks)."""
    risks = untrained_risks(model)
    if not risks:
        return None
    version = getattr(model, "version", None) or getattr(model, "name", "the model")
    return (
        f"{role} ({version}) had no validation labels for {', '.join(risks)} in training: its flag there is the "
        "default 0.5, not one chosen on data, so it was most likely not trained to judge "
        f"{'it' if len(risks) == 1 else 'them'} and its numbers there say little. Fix: retrain it on data "
        "labelled for every risk, or read only the other risks"
    )
