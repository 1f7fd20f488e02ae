"""What the current flag rule would choose for trained models, without retraining them: thresholds only.

    python scripts/refit_flags.py models/default
    python scripts/refit_flags.py OLD_DIR NEW_DIR --precision fp32
    python scripts/refit_flags.py models/default --beta incitement=1.5

For each model directory (its own precision by default: int8), scores the catalogue's validation and test
splits (the split of `saring train --data catalogue`, with the split seed its data manifest records),
the circulated-posts suite and the group-hate suites, refits each risk's flag with
`model.calibration.choose_threshold` and the model's own objective and beta (or the one `--beta` names), and
prints, per risk: the stored flag, the refitted flag with its plateau, test F1 at both, for hoax the circulated
posts' recall and valid posts flagged at both, and for incitement each group-hate suite's recall and non-hateful
cases flagged at both. Nothing is written: to serve a different flag, use a channel policy (docs/api.md) or
retrain. The models' calibration is kept as stored.
"""

from __future__ import annotations

import argparse
import logging

import numpy as np

from eval.ood import load_suite
from model.calibration import choose_threshold
from model.examples import Example, label_matrix
from model.labels import RISKS
from model.metrics import risk_metrics
from model.modeldir import TRAINING_CONFIG_JSON
from model.scorer import Scorer
from training.cli import load_training_data

CIRCULATED = "saring_circulated_posts"
GROUP_HATE = ("saring_register_suite", "saring_outsider_hate_suite")


def beta_overrides(pairs: list[str]) -> dict[str, float]:
    """`--beta incitement=1.5` pairs as {risk: beta}; a clear error for anything else."""
    out: dict[str, float] = {}
    for pair in pairs:
        risk, _, value = pair.partition("=")
        try:
            beta = float(value)
        except ValueError:
            beta = 0.0
        if risk not in RISKS or beta <= 0:
            raise SystemExit(f"--beta expects RISK=POSITIVE_NUMBER with RISK one of {list(RISKS)}; found {pair!r}")
        out[risk] = beta
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="+", help="model directories (saring train --out)")
    ap.add_argument(
        "--precision", choices=["int8", "bf16", "fp32"], default=None, help="default: $SARING_PRECISION or int8"
    )
    ap.add_argument("--beta", action="append", default=[], help="refit a risk at this beta, e.g. incitement=1")
    args = ap.parse_args()
    betas = beta_overrides(args.beta)
    logging.basicConfig(level=logging.WARNING)
    circulated = load_suite(CIRCULATED)
    group_hate = {name: load_suite(name) for name in GROUP_HATE}
    splits_by_seed: dict[int, dict[str, list[Example]]] = {}  # models of one seed share one split: read it once
    for path in args.models:
        scorer = Scorer(path, precision=args.precision)
        config = scorer.dir.read_json(TRAINING_CONFIG_JSON, default={})
        seed = int(scorer.manifest.get("seed", 42))  # the split's seed (training's --set seed= leaves it alone)
        if seed not in splits_by_seed:
            _, prepared, _ = load_training_data(["catalogue"], [], "utf-8", seed)
            splits_by_seed[seed] = dict(prepared.items())
        splits = splits_by_seed[seed]
        sets = {"validation": splits["validation"], "test": splits["test"], CIRCULATED: circulated, **group_hate}
        scored = {name: scorer.risk_proba([e.text for e in ex]) for name, ex in sets.items()}
        truth = {name: label_matrix(list(ex), RISKS).astype(np.float64) for name, ex in sets.items()}
        print(f"{path} ({scorer.version}, {scorer.precision})")
        for j, risk in enumerate(RISKS):
            y_val = truth["validation"][:, j]
            keep = ~np.isnan(y_val)
            stored = scorer.thresholds[risk]
            objective = stored.objective if stored.objective in ("best_f1", "best_fbeta") else "best_fbeta"
            refit = choose_threshold(
                scored["validation"][keep, j],
                y_val[keep],
                objective=objective,  # type: ignore[arg-type]
                beta=betas.get(risk) or stored.beta or float(config.get("flag_beta", {}).get(risk, 1.0)),
            )
            s_test, y_test = scored["test"][:, j], truth["test"][:, j]
            plateau = "-".join(f"{x:.3f}" for x in refit.plateau) if refit.plateau else "none"
            line = (
                f"  {risk:10s} flag {stored.flag:.3f} -> {refit.flag:.3f} (plateau {plateau}); "
                f"test F1 {risk_metrics(s_test, y_test, stored.flag)['f1']:.3f} -> "
                f"{risk_metrics(s_test, y_test, refit.flag)['f1']:.3f}"
            )
            if risk == "hoax":
                y_c, s_c = truth[CIRCULATED][:, j], scored[CIRCULATED][:, j]
                line += "; circulated recall / valid flagged " + " -> ".join(
                    f"{np.mean(s_c[y_c == 1] >= f):.3f} / {np.mean(s_c[y_c == 0] >= f):.3f}"
                    for f in (stored.flag, refit.flag)
                )
            if risk == "incitement":
                for name in GROUP_HATE:
                    y_g, s_g = truth[name][:, j], scored[name][:, j]
                    line += f"; {name} recall / non-hateful flagged " + " -> ".join(
                        f"{np.mean(s_g[y_g == 1] >= f):.3f} / {np.mean(s_g[y_g == 0] >= f):.3f}"
                        for f in (stored.flag, refit.flag)
                    )
            print(line)


if __name__ == "__main__":
    main()
