"""Fine-tune the encoder's layers (LoRA) jointly with the sentiment and complaint heads, on CPU or a CUDA GPU.

Layers below the ``top_layers`` trained ones stay frozen, so their token states are computed once per text
(``lower_states``; with all 12 trained, that is only the embedding lookup) and every epoch runs the trained layers
forward and backward, in bfloat16 autocast where the CPU has it: about 5 minutes an epoch on 2 cores. Where torch
sees a CUDA GPU, the trained model lives there (``training_device``) and an epoch takes seconds; what this module
returns (embeddings, logits, checkpoints) is on the CPU either way. The adapter is merged into the encoder at load
time, so scoring costs the same.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from sentiment.complaint_cv import balanced_weights
from sentiment.datasets import Example
from sentiment.heads import LinearHead, device_of, row_losses
from sentiment.lora import adapter_state, add_lora, load_lora
from sentiment.model import native_bf16
from sentiment.storage import save_atomically


def training_device() -> torch.device:
    """A CUDA GPU where torch sees one, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def bf16_on(device: torch.device) -> bool:
    """Whether ``device`` multiplies bfloat16 natively (autocast would be emulated, and slower, elsewhere)."""
    return torch.cuda.is_bf16_supported() if device.type == "cuda" else native_bf16()


@dataclass(frozen=True)
class FineTuneConfig:
    # All 12: adapting only the top 2 scored below the frozen encoder (experiments.json); all 12 gained 2-5 points.
    top_layers: int = 12
    rank: int = 8
    alpha: float = 16.0
    dropout: float = 0.1
    epochs: int = 1
    # An evaluation replaces the best so far (epoch 0: heads only, no adapter) only when it beats it on the
    # calibration score by this much: below it the difference is noise on 3,000 calibration rows.
    min_gain: float = 0.005
    lr: float = 5e-4
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    batch_size: int = 32
    max_tokens: int = 128
    seed: int = 13
    # bfloat16 autocast where the CPU multiplies it natively: about half the time per batch; the adapter, heads
    # and optimiser state stay float32.
    bf16: bool = True
    # Checkpoints to choose from per epoch: on tens of thousands of rows one epoch is most of a run.
    evaluations_per_epoch: int = 4

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
    # Learning without forgetting (Li and Hoiem, 2016): per row, the sentiment logits of the model being trained
    # further, before it was; the loss then keeps each row's sentiment close to them (see distillation_loss). NaN
    # marks a row without a teacher.
    teacher: np.ndarray | None = None
    distill_weight: float = 0.0
    distill_temperature: float = 2.0


def training_rows(rows: list[Example], states: dict[str, torch.Tensor]) -> Rows:
    """Both tasks' targets and weights (each task's weights averaging 1) for the fine-tuning loop."""
    s = np.array([-1 if r.sentiment is None else r.sentiment for r in rows], dtype=np.int64)
    c = np.array([-1 if r.complaint is None else r.complaint for r in rows], dtype=np.int64)
    weights = []
    for y in (s, c):
        w, has = np.zeros(len(rows), dtype=np.float32), y >= 0
        w[has] = balanced_weights([r for r, k in zip(rows, has, strict=True) if k], y[has])
        w[has] /= w[has].mean()
        weights.append(w)
    return Rows([states[r.text] for r in rows], s, np.array([r.binary for r in rows]), c, weights[0], weights[1])


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
    device = device_of(top)
    out: list[np.ndarray | None] = [None] * len(states)
    order = sorted(range(len(states)), key=lambda i: states[i].shape[0])
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start: start + batch_size]
            hidden, mask = pad([states[i] for i in idx])
            vectors = top.embed(hidden.to(device), mask.to(device)).float().cpu().numpy()
            for row, i in enumerate(idx):
                out[i] = vectors[row]
    return np.stack([v for v in out if v is not None]).astype(np.float32)


class CheckpointMismatch(ValueError):
    """The checkpoint to resume was written by a run with other settings or data."""


@dataclass
class Progress:
    """Where a run stands: what a checkpoint holds, so ``resume`` continues from the last batch it recorded."""

    epoch: int = 1
    step: int = 0  # batches done in this epoch
    loss_sum: float = 0.0
    epoch_rng: Any = None  # the batch order's random state at the start of this epoch
    history: list[dict[str, float]] = field(default_factory=list)
    best_score: float = -1.0
    best_state: dict[str, torch.Tensor] = field(default_factory=dict)
    best_epoch: float = 0.0
    seconds: float = 0.0  # training time before this process (earlier runs of a resumed job)


def trained_state(top: TopModel) -> dict[str, torch.Tensor]:
    """The adapter and both heads, on the CPU: all a checkpoint needs (the frozen weights come from the encoder)."""
    return {k: v.detach().cpu().clone() for k, v in top.state_dict().items()
            if "lora_" in k or k.startswith(("sentiment.", "complaint."))}


def fine_tune(encoder: Any, sentiment: LinearHead, complaint: LinearHead, train: Rows, config: FineTuneConfig,
              validate: Callable[[TopModel], float], log: Callable[[str], None] = print,
              checkpoint: Path | None = None, resume: bool = False, checkpoint_seconds: float = 600.0,
              start_adapter: dict[str, torch.Tensor] | None = None,
              train_heads: bool = True) -> tuple[TopModel, dict[str, Any]]:
    """Train LoRA on the top layers plus both heads; keep the evaluation (``evaluations_per_epoch`` of them each
    epoch; 0 = heads only, or the starting adapter) that scores best on ``validate``.

    ``start_adapter`` (the top layers' ``adapter_state``) is where the adapter starts instead of zero; with
    ``train_heads`` off the heads stay as they are, so what the adapter learns is read by the same heads.
    With ``checkpoint`` set, the run's state is written there every ``checkpoint_seconds`` and after each evaluation;
    ``resume`` continues a run from that file (same config and rows, else it refuses) instead of starting over.
    """
    torch.manual_seed(config.seed)
    split = len(encoder.encoder.layer) - config.top_layers
    layers = copy.deepcopy(encoder.encoder.layer[split:])
    add_lora(layers, config.rank, config.alpha, config.dropout)
    if start_adapter:
        load_lora(layers, start_adapter)
    for p in list(sentiment.parameters()) + list(complaint.parameters()):
        p.requires_grad_(train_heads)
    top = TopModel(layers, sentiment, complaint).to(training_device())
    per_epoch = math.ceil(len(train.states) / config.batch_size)
    steps = max(1, config.epochs * per_epoch)
    optimiser, schedule = optimiser_and_schedule(top, config.lr, config.head_lr, config.weight_decay, steps)
    key = run_key(config, train)
    progress = _resumed(checkpoint, key, top, optimiser, schedule, log) if resume and checkpoint else None
    if progress is None:
        progress = Progress(epoch_rng=random.Random(config.seed).getstate())
        progress.best_score, progress.best_state = validate(top), trained_state(top)
        log(f"epoch 0 (heads only): validation {progress.best_score:.4f}")
    lengths = [s.shape[0] for s in train.states]
    marks = {round(per_epoch * k / config.evaluations_per_epoch) for k in range(1, config.evaluations_per_epoch + 1)}
    started, saved_at = time.perf_counter(), time.perf_counter()
    done_before = (progress.epoch - 1) * per_epoch + progress.step
    while progress.epoch <= config.epochs:
        rng = random.Random()
        rng.setstate(progress.epoch_rng)
        order = list(batches(lengths, config.batch_size, rng))
        top.train()
        for idx in order[progress.step:]:
            progress.loss_sum += train_step(top, train, idx, optimiser, schedule, config.bf16) * len(idx)
            progress.step += 1
            done = (progress.epoch - 1) * per_epoch + progress.step
            if progress.step % 50 == 0:
                rate = (done - done_before) / max(time.perf_counter() - started, 1e-9)
                log(f"  epoch {progress.epoch} batch {progress.step}/{per_epoch}: loss "
                    f"{progress.loss_sum / max(1, progress.step * config.batch_size):.4f}, "
                    f"ETA {(steps - done) / max(rate, 1e-9) / 60:.0f} min")
            if progress.step in marks:
                _evaluate(top, progress, validate, per_epoch, config, log)
                top.train()
            if checkpoint and (progress.step in marks or time.perf_counter() - saved_at > checkpoint_seconds):
                _save(checkpoint, key, top, optimiser, schedule, progress, started)
                saved_at = time.perf_counter()
        progress.epoch, progress.step, progress.loss_sum = progress.epoch + 1, 0, 0.0
        progress.epoch_rng = rng.getstate()
        if checkpoint:
            _save(checkpoint, key, top, optimiser, schedule, progress, started)
    top.load_state_dict(progress.best_state, strict=False)
    top.eval()
    return top, {"history": progress.history, "best_epoch": progress.best_epoch,
                 "best_validation": progress.best_score, "split_layer": split, "config": config.as_dict(),
                 "training_seconds": round(progress.seconds + time.perf_counter() - started, 1)}


def optimiser_and_schedule(top: TopModel, lr: float, head_lr: float, weight_decay: float,
                           steps: int) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LambdaLR]:
    """AdamW over the adapter (``lr``) and both heads (``head_lr``); linear warm-up over 6% of ``steps``, then
    linear decay to zero."""
    optimiser = torch.optim.AdamW([
        {"params": [p for p in top.layers.parameters() if p.requires_grad], "lr": lr},
        {"params": list(top.sentiment.parameters()) + list(top.complaint.parameters()), "lr": head_lr},
    ], weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, (s + 1) / (0.06 * steps))
                                                 * max(0.0, (steps - s) / steps))
    return optimiser, schedule


def train_step(top: TopModel, rows: Rows, idx: list[int], optimiser: torch.optim.Optimizer,
               schedule: torch.optim.lr_scheduler.LambdaLR, bf16: bool) -> float:
    """One batch forward (bfloat16 autocast where the device has it and ``bf16`` asks), backward and step; its loss."""
    device = device_of(top)
    with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16 and bf16_on(device)):
        loss = _batch_loss(top, rows, idx)
    optimiser.zero_grad()
    loss.backward()  # type: ignore[no-untyped-call]
    optimiser.step()
    schedule.step()
    return float(loss.detach())


def _evaluate(top: TopModel, progress: Progress, validate: Callable[[TopModel], float], per_epoch: int,
              config: FineTuneConfig, log: Callable[[str], None]) -> None:
    score = validate(top)
    at = round(progress.epoch - 1 + progress.step / per_epoch, 3)
    loss = progress.loss_sum / max(1, progress.step * config.batch_size)
    progress.history.append({"epoch": at, "loss": loss, "validation": score})
    log(f"epoch {at}: loss {loss:.4f} validation {score:.4f}")
    if score > progress.best_score + config.min_gain:
        progress.best_score, progress.best_state, progress.best_epoch = score, trained_state(top), at


def run_key(config: FineTuneConfig, train: Rows) -> str:
    """What a checkpoint must match to be resumed: the config and the training rows' targets and lengths."""
    digest = hashlib.sha256(json.dumps(config.as_dict(), sort_keys=True).encode())
    for part in (train.sentiment, train.complaint, np.array([s.shape[0] for s in train.states])):
        digest.update(np.ascontiguousarray(part).tobytes())
    return digest.hexdigest()[:16]


def _save(path: Path, key: str, top: TopModel, optimiser: Any, schedule: Any, progress: Progress,
          started: float) -> None:
    state = {"key": key, "top": trained_state(top), "optimiser": optimiser.state_dict(),
             "schedule": schedule.state_dict(), "torch_rng": torch.get_rng_state(),
             "progress": {**progress.__dict__, "seconds": progress.seconds + time.perf_counter() - started}}
    save_atomically(state, path)


def _resumed(path: Path, key: str, top: TopModel, optimiser: Any, schedule: Any,
             log: Callable[[str], None]) -> Progress | None:
    if not path.is_file():
        log(f"no checkpoint at {path}: starting from the beginning")
        return None
    state = torch.load(path, weights_only=False)
    if state["key"] != key:
        raise CheckpointMismatch(f"the checkpoint at {path} belongs to another run (other settings or data); "
                         "start afresh without --resume or delete it")
    top.load_state_dict(state["top"], strict=False)
    optimiser.load_state_dict(state["optimiser"])
    schedule.load_state_dict(state["schedule"])
    torch.set_rng_state(state["torch_rng"])
    progress = Progress(**state["progress"])
    log(f"resuming at epoch {progress.epoch}, batch {progress.step} ({progress.seconds / 60:.0f} min trained)")
    return progress


def _batch_loss(top: TopModel, rows: Rows, idx: list[int]) -> torch.Tensor:
    device = device_of(top)

    def on_device(values: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(values[idx]).to(device)

    hidden, mask = pad([rows.states[i] for i in idx])
    logits, complaint_logit = top(hidden.to(device), mask.to(device))
    loss = torch.zeros((), device=device)
    y_s = on_device(rows.sentiment)
    has_s = y_s >= 0
    if has_s.any():
        w = on_device(rows.w_sentiment)[has_s]
        pair = on_device(rows.pair)[has_s]
        loss = loss + (row_losses(logits[has_s], y_s[has_s], pair) * w).sum() / len(idx)
    y_c = on_device(rows.complaint)
    has_c = y_c >= 0
    if has_c.any():
        w = on_device(rows.w_complaint)[has_c]
        loss = loss + (row_losses(complaint_logit[has_c][:, None], y_c[has_c], None) * w).sum() / len(idx)
    if rows.teacher is not None and rows.distill_weight > 0:
        teacher = on_device(rows.teacher)
        taught = ~torch.isnan(teacher[:, 0])  # a row without a teacher (NaN) learns from its label alone
        if taught.any():
            share = taught.float().mean()
            loss = loss + rows.distill_weight * share * distillation_loss(logits[taught], teacher[taught],
                                                                          rows.distill_temperature)
    return loss


def distillation_loss(student: torch.Tensor, teacher: torch.Tensor, temperature: float) -> torch.Tensor:
    """KL(teacher || student) of the softened distributions, times T^2 so its gradient's scale does not depend on
    T (Hinton et al., 2015); the batch mean."""
    target = torch.softmax(teacher.float() / temperature, dim=1)
    log_student = torch.log_softmax(student.float() / temperature, dim=1)
    kl = nn.functional.kl_div(log_student, target, reduction="batchmean")
    return kl * temperature**2


def top_adapter(top: TopModel, split: int) -> dict[str, torch.Tensor]:
    """The top layers' adapter, renamed to the full encoder's module names."""
    return {f"encoder.layer.{int(k.split('.', 1)[0]) + split}.{k.split('.', 1)[1]}": v
            for k, v in adapter_state(top.layers).items()}
