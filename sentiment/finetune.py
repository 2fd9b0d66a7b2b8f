"""Fine-tune the encoder's layers (LoRA) jointly with the sentiment and complaint heads, on CPU.

Layers below the ``top_layers`` trained ones stay frozen, so their token states are computed once per text
(``lower_states``; with all 12 trained, that is only the embedding lookup) and every epoch runs the trained layers
forward and backward, in bfloat16 autocast where the CPU has it: about 5 minutes an epoch on 2 cores. The adapter
is merged into the encoder at load time, so scoring costs the same.
"""

from __future__ import annotations

import copy
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from sentiment.heads import LinearHead, row_losses
from sentiment.lora import adapter_state, add_lora
from sentiment.model import native_bf16


@dataclass(frozen=True)
class FineTuneConfig:
    # All 12: adapting only the top 2 scored below the frozen encoder (experiments.json); all 12 gained 2-5 points.
    top_layers: int = 12
    rank: int = 8
    alpha: float = 16.0
    dropout: float = 0.1
    epochs: int = 3
    # An epoch replaces the best so far (epoch 0: heads only, no adapter) only when it beats it on the
    # validation score by this much: below it the difference is noise on ~1,000 calibration rows.
    min_gain: float = 0.01
    lr: float = 5e-4
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    batch_size: int = 32
    max_tokens: int = 128
    seed: int = 13
    # bfloat16 autocast where the CPU multiplies it natively: about half the time per batch; the adapter, heads
    # and optimiser state stay float32.
    bf16: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Rows:
    """One split's training rows: cached lower states and, per task, a target (-1 = no label) and a weight."""

    states: list[torch.Tensor]  # per text (tokens, hidden), fp16, after the frozen layers
    sentiment: np.ndarray  # int64, -1 where the row has no sentiment label
    pair: np.ndarray  # bool, the row's source only knows negative vs positive
    complaint: np.ndarray  # int64, -1 where unlabelled
    w_sentiment: np.ndarray
    w_complaint: np.ndarray


def lower_states(model: Any, tokenizer: Any, texts: list[str], split: int, prefix: str, max_tokens: int,
                 batch_size: int = 32, progress: Callable[[int], None] | None = None) -> list[torch.Tensor]:
    """Token states after the first ``split`` layers of the frozen encoder, one fp16 tensor per text."""
    out: list[torch.Tensor | None] = [None] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start: start + batch_size]
            enc = tokenizer([prefix + texts[i] for i in idx], padding=True, truncation=True,
                            max_length=max_tokens, return_tensors="pt")
            hidden = model.embeddings(input_ids=enc["input_ids"])
            mask = attention_bias(enc["attention_mask"], hidden.dtype)
            for layer in model.encoder.layer[:split]:
                hidden = layer(hidden, mask)
            lengths = enc["attention_mask"].sum(1).tolist()
            for row, i in enumerate(idx):
                out[i] = hidden[row, : lengths[row]].to(torch.float16).clone()
            if progress:
                progress(start + len(idx))
    return [t for t in out if t is not None]


def attention_bias(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """(batch, tokens) 0/1 mask -> the additive (batch, 1, 1, tokens) bias BertLayer expects."""
    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


class TopModel(nn.Module):
    """The encoder's top layers (LoRA-wrapped) + mean pooling + L2 norm + both heads."""

    def __init__(self, layers: nn.ModuleList, sentiment: LinearHead, complaint: LinearHead) -> None:
        super().__init__()
        self.layers, self.sentiment, self.complaint = layers, sentiment, complaint

    def embed(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        bias = attention_bias(mask, hidden.dtype)
        for layer in self.layers:
            hidden = layer(hidden, bias)
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return nn.functional.normalize(pooled, dim=-1)

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.embed(hidden, mask)
        return self.sentiment(x), self.complaint(x)[:, 0]


def pad(states: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(s.shape[0] for s in states)
    hidden = torch.zeros(len(states), longest, states[0].shape[1])
    mask = torch.zeros(len(states), longest, dtype=torch.long)
    for row, s in enumerate(states):
        hidden[row, : s.shape[0]] = s.float()
        mask[row, : s.shape[0]] = 1
    return hidden, mask


def batches(lengths: list[int], batch_size: int, rng: random.Random) -> Iterator[list[int]]:
    """Length-bucketed batches (jittered so they differ between epochs), in shuffled order."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i] + rng.random() * 4)
    chunks = [order[s: s + batch_size] for s in range(0, len(order), batch_size)]
    rng.shuffle(chunks)
    yield from chunks


def embed_rows(top: TopModel, states: list[torch.Tensor], batch_size: int = 64) -> np.ndarray:
    """Final L2-normalised embeddings for cached lower states (eval mode, no grad)."""
    top.eval()
    out: list[np.ndarray | None] = [None] * len(states)
    order = sorted(range(len(states)), key=lambda i: states[i].shape[0])
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start: start + batch_size]
            vectors = top.embed(*pad([states[i] for i in idx])).numpy()
            for row, i in enumerate(idx):
                out[i] = vectors[row]
    return np.stack([v for v in out if v is not None]).astype(np.float32)


def fine_tune(encoder: Any, sentiment: LinearHead, complaint: LinearHead, train: Rows, config: FineTuneConfig,
              validate: Callable[[TopModel], float],
              log: Callable[[str], None] = print) -> tuple[TopModel, dict[str, Any]]:
    """Train LoRA on the top layers plus both heads; keep the epoch with the best ``validate`` score."""
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    split = len(encoder.encoder.layer) - config.top_layers
    layers = copy.deepcopy(encoder.encoder.layer[split:])
    add_lora(layers, config.rank, config.alpha, config.dropout)
    top = TopModel(layers, sentiment, complaint)
    optimiser = torch.optim.AdamW([
        {"params": [p for p in layers.parameters() if p.requires_grad], "lr": config.lr},
        {"params": list(sentiment.parameters()) + list(complaint.parameters()), "lr": config.head_lr},
    ], weight_decay=config.weight_decay)
    steps = max(1, config.epochs * math.ceil(len(train.states) / config.batch_size))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, (s + 1) / (0.06 * steps))
                                                 * max(0.0, (steps - s) / steps))
    history: list[dict[str, float]] = []
    best: tuple[float, dict[str, torch.Tensor], int] = (validate(top), copy.deepcopy(top.state_dict()), 0)
    log(f"epoch 0 (heads only): validation {best[0]:.4f}")
    lengths = [s.shape[0] for s in train.states]
    for epoch in range(1, config.epochs + 1):
        started, total = time.perf_counter(), 0.0
        top.train()
        for step, idx in enumerate(batches(lengths, config.batch_size, rng)):
            if step and step % 50 == 0:
                log(f"  epoch {epoch} batch {step}: {time.perf_counter() - started:.0f} s")
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=config.bf16 and native_bf16()):
                loss = _batch_loss(top, train, idx)
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(idx)
        score = validate(top)
        history.append({"epoch": epoch, "loss": total / len(lengths), "validation": score,
                        "seconds": round(time.perf_counter() - started, 1)})
        log(f"epoch {epoch}: loss {total / len(lengths):.4f} validation {score:.4f} "
            f"({time.perf_counter() - started:.0f} s)")
        if score > best[0] + config.min_gain:
            best = (score, copy.deepcopy(top.state_dict()), epoch)
    top.load_state_dict(best[1])
    top.eval()
    return top, {"history": history, "best_epoch": best[2], "best_validation": best[0],
                 "split_layer": split, "config": config.as_dict()}


def _batch_loss(top: TopModel, rows: Rows, idx: list[int]) -> torch.Tensor:
    hidden, mask = pad([rows.states[i] for i in idx])
    logits, complaint_logit = top(hidden, mask)
    loss = torch.zeros(())
    y_s = torch.from_numpy(rows.sentiment[idx])
    has_s = y_s >= 0
    if has_s.any():
        w = torch.from_numpy(rows.w_sentiment[idx])[has_s]
        pair = torch.from_numpy(rows.pair[idx])[has_s]
        loss = loss + (row_losses(logits[has_s], y_s[has_s], pair) * w).sum() / len(idx)
    y_c = torch.from_numpy(rows.complaint[idx])
    has_c = y_c >= 0
    if has_c.any():
        w = torch.from_numpy(rows.w_complaint[idx])[has_c]
        loss = loss + (row_losses(complaint_logit[has_c][:, None], y_c[has_c], None) * w).sum() / len(idx)
    return loss


def top_adapter(top: TopModel, split: int) -> dict[str, torch.Tensor]:
    """The top layers' adapter, renamed to the full encoder's module names."""
    return {f"encoder.layer.{int(k.split('.', 1)[0]) + split}.{k.split('.', 1)[1]}": v
            for k, v in adapter_state(top.layers).items()}
