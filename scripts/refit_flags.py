"""What the current flag rule would choose for trained models, without retraining them: thresholds only.

    python scripts/refit_flags.py models/default
    python scripts/refit_flags.py OLD_DIR NEW_DIR --precision fp32
    python scripts/refit_flags.py models/default --beta incitement=1.5
    python scripts/refit_flags.py models/default --resample clusters

For each model directory (its own precision by default: int8), scores the catalogue's validation and test
splits (the split of `saring train --data catalogue`, with the split seed its data manifest records),
the circulated-posts suite and the group-hate suites, refits each risk's flag with
`model.calibration.choose_threshold` and the model's own objective and beta (or the one `--beta` names), and
prints, per risk: the stored flag, the refitted flag with its plateau, test F1 at both, and the recall and
false flags at both on the suites `SUITES_PER_RISK` names (hoax: the circulated posts and the outsider rumour
suite; incitement: the group-hate suites). Nothing is written: to serve a different flag, use a channel policy
(docs/api.md) or retrain. The models' calibration is kept as stored.
"""

from __future__ import annotations

import argparse
import logging
import math

import numpy as np

from eval.ood import load_suite
from model.calibration import choose_threshold
from model.examples import Example, label_matrix
from model.labels import RISKS
from model.metrics import risk_metrics
from model.modeldir import TRAINING_CONFIG_JSON
from model.resample import clusters_of
from model.scorer import Scorer
from model.splits import SPLIT_SEED
from training.cli import load_training_data

# Per risk, the suites whose recall and false flags are printed at both flags: (suite, what its negatives are).
SUITES_PER_RISK = {
    "hoax": [("saring_circulated_posts", "valid posts"), ("saring_outsider_rumour_suite", "valid posts")],
    "incitement": [("saring_register_suite", "non-hateful cases"), ("saring_outsider_hate_suite", "non-hateful cases")],
}


def beta_overrides(pairs: list[str]) -> dict[str, float]:
    """`--beta incitement=1.5` pairs as {risk: beta}; a clear error for anything else."""
    out: dict[str, float] = {}
    for pair in pairs:
        risk, _, value = pair.partition("=")
        try:
            beta = float(value)
        except ValueError:
            beta = math.nan
        if risk not in RISKS or not (math.isfinite(beta) and beta > 0):
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
    ap.add_argument(
        "--resample",
        choices=["texts", "clusters"],
        default=None,
        help="what the flag's plateau resamples from validation (default: the model's own flag_resampling)",
    )
    args = ap.parse_args()
    betas = beta_overrides(args.beta)
    logging.basicConfig(level=logging.WARNING)
    suites = {name: load_suite(name) for named in SUITES_PER_RISK.values() for name, _ in named}
    splits_by_seed: dict[int, dict[str, list[Example]]] = {}  # models of one seed share one split: read it once
    for path in args.models:
        scorer = Scorer(path, precision=args.precision)
        config = scorer.dir.read_json(TRAINING_CONFIG_JSON, default={})
        seed = int(scorer.manifest.get("seed", SPLIT_SEED))  # the split's seed (training's --set seed= leaves it alone)
        if seed not in splits_by_seed:
            _, prepared, _ = load_training_data(["catalogue"], [], "utf-8", seed)
            splits_by_seed[seed] = dict(prepared.items())
        splits = splits_by_seed[seed]
        sets = {"validation": splits["validation"], "test": splits["test"], **suites}
        scored = {name: scorer.risk_proba([e.text for e in ex]) for name, ex in sets.items()}
        truth = {name: label_matrix(list(ex), RISKS).astype(np.float64) for name, ex in sets.items()}
        # a template's texts drawn together for the plateau, where the model's recipe (or --resample) says so
        resample = args.resample or config.get("flag_resampling", "texts")
        val_clusters = clusters_of(splits["validation"]) if resample == "clusters" else None
        print(f"{path} ({scorer.version}, {scorer.precision}; validation's {resample} resampled)")
        for j, risk in enumerate(RISKS):
            y_val = truth["validation"][:, j]
            keep = ~np.isnan(y_val)
            stored = scorer.thresholds[risk]
            objective = stored.objective if stored.objective in ("best_f1", "best_fbeta") else "best_fbeta"
            refit = choose_threshold(
                scored["validation"][keep, j],
                y_val[keep],
                clusters=val_clusters[keep] if val_clusters is not None else None,
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
            for name, negatives in SUITES_PER_RISK.get(risk, []):
                y_s, s_s = truth[name][:, j], scored[name][:, j]
                line += f"; {name} recall / {negatives} flagged " + " -> ".join(
                    f"{np.mean(s_s[y_s == 1] >= f):.3f} / {np.mean(s_s[y_s == 0] >= f):.3f}"
                    for f in (stored.flag, refit.flag)
                )
            print(line)


if __name__ == "__main__":
    main()
