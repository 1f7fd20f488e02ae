from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from model.modeldir import THRESHOLDS_JSON, ModelDirError
from model.scorer import Scorer


def test_every_load_refuses_a_damaged_small_file_not_only_eval(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    """The shape checks run inside Scorer, so the API's start-up and /admin/reload and audits refuse a risk missing
    from thresholds.json (it was flagged at a made-up 0.5) as `saring eval` does."""
    model = tmp_path / "m"
    shutil.copytree(tiny_baseline_dir, model)
    path = model / THRESHOLDS_JSON
    data = json.loads(path.read_text())
    del data["risks"]["incitement"]
    path.write_text(json.dumps(data))
    with pytest.raises(ModelDirError, match=r"thresholds\.json.*incitement"):
        Scorer(model)
    data["risks"]["incitement"] = {"flag": 1.7, "block": 1.9}
    path.write_text(json.dumps(data))
    with pytest.raises(ModelDirError, match="between 0 and 1"):
        Scorer(model)
