"""The deployment gate's notion of "one recipe" across model generations: a training configuration written before an
option existed is read with the value that training ran with (eval.compare.ADDED_SETTINGS), so that the gate does
not call two runs of one recipe different because only the newer one records the option."""

from __future__ import annotations

from eval.compare import ADDED_SETTINGS, RUN_SETTINGS, training_config
from training.config import TrainConfig

# The options of the first training configurations recorded (training/config.py at its first commit, 2026-11-27);
# every option since is in ADDED_SETTINGS.
FIRST_RECORDED = frozenset(
    {
        "recipe", "name", "base_model", "text_prefix", "max_length", "num_layers", "freeze_embeddings", "prune_vocab",
        "dropout", "epochs", "batch_size", "lr", "head_lr", "weight_decay", "warmup_ratio", "grad_clip", "pos_weight",
        "max_pos_weight", "aux_loss_weight", "evals_per_epoch", "early_stopping_patience", "time_budget_minutes",
        "checkpoint_every_steps", "seed", "threads", "device", "eval_batch_size", "threshold_objective",
        "min_precision", "block_precision",
    }
)  # fmt: skip


def test_every_option_added_since_the_first_models_says_what_they_ran_with() -> None:
    options = set(TrainConfig.model_fields)
    added = options - FIRST_RECORDED - RUN_SETTINGS
    missing = sorted(added - set(ADDED_SETTINGS))
    # a new option goes into ADDED_SETTINGS with the value training had before it existed (usually "off")
    assert not missing, f"options missing from eval.compare.ADDED_SETTINGS: {missing}"
    assert not set(ADDED_SETTINGS) - options, "ADDED_SETTINGS names an option TrainConfig no longer has"
    # each old value is one the option accepts
    TrainConfig(**ADDED_SETTINGS)


def test_a_model_written_before_an_option_reads_as_running_without_it() -> None:
    class Dir:
        def read_json(self, name: str, default: object = None) -> object:
            return {"lr": 8e-5, "seed": 42} if name == "training_config.json" else default

    class Model:
        dir = Dir()

    config = training_config(Model())
    assert config is not None
    # before: the forty-fifth session's layer_lr_decay was missing here, and the gate called a run of the same recipe
    # written after it "different in layer_lr_decay"
    assert config["layer_lr_decay"] == 1.0 and config["style_augment"] == 0.0 and config["fast_dropout"] is False
