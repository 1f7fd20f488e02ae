"""The network: a pretrained transformer encoder, mean pooling, and one sigmoid output per label (the three
risks first, then the auxiliary original labels), plus its inference backend for the scorer.

Two size levers, both recorded in the model directory so the scorer rebuilds exactly what was trained:
- `num_layers`: keep only the first N encoder layers (6 of 12 roughly doubles speed on 2 cores).
- a pruned vocabulary: only the embedding rows of pieces seen in the catalogue are kept (about 40k of
  multilingual-e5's 250k), with `id_map` (original id -> row) stored beside the weights. The tokenizer is
  unchanged; a piece never seen maps to the unknown-token row. This shrinks the model about 3x.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import torch
from torch import nn

from model.modeldir import ModelDir

logger = logging.getLogger(__name__)


class RiskClassifier(nn.Module):
    def __init__(
        self, encoder: nn.Module, n_labels: int, dropout: float = 0.1, id_map: torch.Tensor | None = None
    ) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, n_labels)
        # Original token id -> embedding row, when the vocabulary was pruned (a buffer: saved, not trained).
        self.register_buffer(
            "id_map", id_map if id_map is not None else torch.zeros(0, dtype=torch.long), persistent=True
        )

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        if self.id_map.numel():
            input_ids = self.id_map[input_ids]
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        hidden = out.last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)  # mean pooling, as e5 was trained
        return self.head(self.dropout(pooled))


def truncate_layers(encoder: nn.Module, num_layers: int | None) -> None:
    """Keep the first `num_layers` transformer layers (in place)."""
    layers = encoder.encoder.layer
    if num_layers is None or num_layers >= len(layers):
        return
    if num_layers < 1:
        raise ValueError(f"num_layers must be >= 1, found {num_layers}")
    encoder.encoder.layer = nn.ModuleList(list(layers)[:num_layers])
    encoder.config.num_hidden_layers = num_layers


def prune_vocabulary(encoder: nn.Module, keep_ids: list[int], unk_id: int) -> torch.Tensor:
    """Cut the word-embedding table to `keep_ids` (in place); return the id_map original id -> new row."""
    emb = encoder.get_input_embeddings()
    old_vocab = emb.weight.shape[0]
    keep = sorted(set(keep_ids) | {unk_id})
    id_map = torch.full((old_vocab,), keep.index(unk_id), dtype=torch.long)
    id_map[torch.tensor(keep)] = torch.arange(len(keep))
    new = nn.Embedding(len(keep), emb.weight.shape[1], padding_idx=None)
    with torch.no_grad():
        new.weight.copy_(emb.weight[torch.tensor(keep)])
    new.weight.requires_grad = emb.weight.requires_grad
    encoder.set_input_embeddings(new)
    encoder.config.vocab_size = len(keep)
    return id_map


def window_ids(ids: list[int], head: list[int], tail: list[int], max_length: int) -> list[list[int]]:
    """Split a token sequence (without special tokens) into overlapping windows that fit max_length with
    the special tokens; windows overlap by a quarter so no phrase is only ever seen cut in half."""
    body = max_length - len(head) - len(tail)
    if body < 4:
        raise ValueError(f"max_length {max_length} leaves no room for text")
    if len(ids) <= body:
        return [head + ids + tail]
    stride = max(1, body - body // 4)
    out = []
    for start in range(0, len(ids), stride):
        out.append(head + ids[start : start + body] + tail)
        if start + body >= len(ids):
            break
    return out


class Tokenized:
    """Tokenizer wrapper shared by training and scoring: prefix, special tokens, windows."""

    def __init__(self, tokenizer: Any, prefix: str, max_length: int) -> None:
        self.tokenizer = tokenizer
        # Whole texts are tokenised and then cut into windows here; the tokenizer's own length warning
        # ("sequence length is longer than ... 512") would only mislead.
        tokenizer.model_max_length = 10**9
        self.prefix = prefix
        self.max_length = max_length
        specials = tokenizer("", add_special_tokens=True)["input_ids"]
        self.head, self.tail = specials[:1], specials[1:]
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    def ids(self, texts: list[str]) -> list[list[int]]:
        enc = self.tokenizer([self.prefix + t for t in texts], add_special_tokens=False)["input_ids"]
        return list(enc)

    def truncated(self, texts: list[str]) -> list[list[int]]:
        """For training: the first window only."""
        body = self.max_length - len(self.head) - len(self.tail)
        return [self.head + ids[:body] + self.tail for ids in self.ids(texts)]

    def windows(self, texts: list[str]) -> list[list[list[int]]]:
        return [window_ids(ids, self.head, self.tail, self.max_length) for ids in self.ids(texts)]

    def pad(self, batch: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        width = max(len(x) for x in batch)
        ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for i, x in enumerate(batch):
            ids[i, : len(x)] = torch.tensor(x, dtype=torch.long)
            mask[i, : len(x)] = 1
        return ids, mask


def pick_device(device: str | None = None) -> torch.device:
    if device:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def save_network(md: ModelDir, net: RiskClassifier, tokenizer: Any) -> None:
    """Weights (safetensors), encoder config (JSON) and tokenizer files into the model directory."""
    from safetensors.torch import save_file

    state = {k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}
    save_file(state, str(md.weights))
    md.write_json(md.encoder_config.name, net.encoder.config.to_dict())
    tokenizer.save_pretrained(str(md.tokenizer_dir))
    # transformers may write helper files that are not JSON (e.g. a sentencepiece model); keep JSON only.
    for p in md.tokenizer_dir.iterdir():
        if p.suffix != ".json":
            p.unlink()


def load_network(md: ModelDir, n_labels: int, device: torch.device) -> tuple[RiskClassifier, Any]:
    from safetensors.torch import load_file
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    cfg_dict = md.read_json(md.encoder_config.name)
    model_type = cfg_dict.get("model_type", "bert")
    config = AutoConfig.for_model(model_type, **{k: v for k, v in cfg_dict.items() if k != "model_type"})
    encoder = AutoModel.from_config(config)
    state = load_file(str(md.weights))
    id_map = state.get("id_map")
    net = RiskClassifier(encoder, n_labels, id_map=id_map)
    missing, unexpected = net.load_state_dict(state, strict=False)
    # Position ids and similar non-persistent buffers may be absent; real weights must not be.
    real_missing = [k for k in missing if not k.endswith("position_ids")]
    if real_missing or unexpected:
        raise ValueError(
            f"{md.weights}: weights do not match the network (missing {real_missing[:5]}, "
            f"unexpected {unexpected[:5]}); the model directory is corrupt or from another version"
        )
    tokenizer = AutoTokenizer.from_pretrained(str(md.tokenizer_dir))
    net.to(device).eval()
    return net, tokenizer


class TransformerBackend:
    """Raw logits for normalised texts: length-sorted batches, overlapping windows for long texts (the
    highest window logit per label wins), torch.inference_mode()."""

    def __init__(
        self,
        net: RiskClassifier,
        tokenizer: Any,
        labels: list[str],
        max_length: int,
        prefix: str,
        device: torch.device,
        batch_size: int = 32,
    ) -> None:
        self.net = net
        self.tok = Tokenized(tokenizer, prefix, max_length)
        self.labels = labels
        self.max_length = max_length
        self.device = device
        self.batch_size = batch_size

    @classmethod
    def load(cls, md: ModelDir, device: str | None = None) -> TransformerBackend:
        info = md.info()
        dev = pick_device(device)
        labels = list(info["labels"])
        net, tokenizer = load_network(md, len(labels), dev)
        return cls(
            net,
            tokenizer,
            labels,
            int(info["max_length"]),
            info.get("text_prefix", ""),
            dev,
            int(info.get("batch_size", 32)),
        )

    def logits(self, texts: list[str]) -> tuple[np.ndarray, list[int]]:
        windows = self.tok.windows(texts)
        flat = [(i, w) for i, ws in enumerate(windows) for w in ws]
        order = sorted(range(len(flat)), key=lambda k: len(flat[k][1]))
        out = np.empty((len(flat), len(self.labels)), dtype=np.float32)
        with torch.inference_mode():
            for s in range(0, len(order), self.batch_size):
                idx = order[s : s + self.batch_size]
                ids, mask = self.tok.pad([flat[k][1] for k in idx])
                out[idx] = self.net(ids.to(self.device), mask.to(self.device)).float().cpu().numpy()
        result = np.full((len(texts), len(self.labels)), -np.inf, dtype=np.float32)
        for k, (i, _) in enumerate(flat):
            result[i] = np.maximum(result[i], out[k])
        return result, [len(ws) for ws in windows]
