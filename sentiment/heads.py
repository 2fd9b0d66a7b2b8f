"""Small torch heads on frozen, L2-normalised e5 embeddings; fitting, temperature scaling, save/load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from sentiment.storage import save_atomically


class LinearHead(nn.Module):
    """Standardise the embedding, then one linear layer (logistic regression) so word shares stay exact."""

    center: torch.Tensor
    scale: torch.Tensor

    def __init__(self, dim: int, n_out: int) -> None:
        super().__init__()
        self.register_buffer("center", torch.zeros(dim))
        self.register_buffer("scale", torch.ones(dim))
        self.linear = nn.Linear(dim, n_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear((x - self.center) / self.scale)

    def directions(self) -> np.ndarray:
        """(dim, n_out): logit k = x . directions[:, k] + constant."""
        return (self.linear.weight / self.scale).T.detach().numpy().astype(np.float32)


def margin_directions(head: LinearHead) -> np.ndarray:
    """Per class, the direction of its logit minus the mean of the other classes' logits."""
    d = head.directions()
    if d.shape[1] == 1:
        return d
    others = (d.sum(axis=1, keepdims=True) - d) / (d.shape[1] - 1)
    return (d - others).astype(np.float32)


def fit_head(x: np.ndarray, targets: np.ndarray, weights: np.ndarray, pair_mask: np.ndarray | None,
             n_out: int, l2: float, steps: int = 300, seed: int = 0) -> LinearHead:
    """Weighted logistic regression (full batch, Adam).

    ``pair_mask`` marks rows whose source only knows negative vs positive: their loss is a softmax over
    those two logits, so binary data teaches polarity without teaching "never neutral".
    """
    torch.manual_seed(seed)
    xt, yt, wt = torch.from_numpy(x), torch.from_numpy(targets), torch.from_numpy(weights / weights.sum())
    head = LinearHead(x.shape[1], n_out)
    head.center.copy_(xt.mean(0))
    head.scale.copy_(xt.std(0) + 1e-6)
    opt = torch.optim.Adam(head.parameters(), lr=0.02)
    pair = None if pair_mask is None else torch.from_numpy(pair_mask)
    for _ in range(steps):
        opt.zero_grad()
        loss = (row_losses(head(xt), yt, pair) * wt).sum() + l2 * head.linear.weight.pow(2).sum()
        loss.backward()  # type: ignore[no-untyped-call]
        opt.step()
    return head.eval()


def row_losses(logits: torch.Tensor, targets: torch.Tensor, pair: torch.Tensor | None) -> torch.Tensor:
    if logits.shape[1] == 1:
        return nn.functional.binary_cross_entropy_with_logits(logits[:, 0], targets.float(), reduction="none")
    full = nn.functional.cross_entropy(logits, targets, reduction="none")
    if pair is None:
        return full
    polar = logits[:, [0, 2]]
    binary = nn.functional.cross_entropy(polar, (targets == 2).long(), reduction="none")
    return torch.where(pair, binary, full)


def fit_temperature(logits: np.ndarray, targets: np.ndarray, pair_mask: np.ndarray | None) -> float:
    """Single temperature minimising calibration-split NLL (Guo et al., 2017)."""
    lt, yt = torch.from_numpy(logits), torch.from_numpy(targets)
    pair = None if pair_mask is None else torch.from_numpy(pair_mask)
    log_t = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=100)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = row_losses(lt / log_t.exp(), yt, pair).mean()
        loss.backward()  # type: ignore[no-untyped-call]
        return loss

    opt.step(closure)  # type: ignore[no-untyped-call]
    return float(log_t.detach().exp().clamp(0.05, 20.0))


def device_of(module: nn.Module) -> torch.device:
    """Where a module's parameters live (training may keep them on a GPU)."""
    return next(module.parameters()).device


def logits_of(head: LinearHead, x: np.ndarray) -> np.ndarray:
    """The head's logits for embeddings ``x``, wherever the head lives."""
    with torch.inference_mode():
        return head(torch.from_numpy(x).to(device_of(head))).float().cpu().numpy()


def save_heads(path: Path, sentiment: LinearHead, complaint: LinearHead, meta: dict[str, Any],
               adapter: dict[str, torch.Tensor] | None = None, topics: dict[str, Any] | None = None,
               language_adapters: dict[str, dict[str, torch.Tensor]] | None = None) -> None:
    """Heads, metadata, the topic head's state (topic_head.TopicHead.state), (when the encoder was fine-tuned) the
    LoRA adapter and (where a language has its own) each language's adapter, in one small file."""
    payload = {"sentiment": detached(sentiment.state_dict()), "complaint": detached(complaint.state_dict()),
               "meta": meta, "adapter": detached(adapter or {}), "topics": topics or {},
               "language_adapters": {language: detached(own) for language, own in (language_adapters or {}).items()}}
    save_atomically(payload, path)


def detached(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A copy of a state dict, on the CPU, that shares no memory or autograd history with the live module."""
    return {k: v.detach().cpu().clone() for k, v in state.items()}


def read_heads_file(source: Path | dict[str, Any]) -> dict[str, Any]:
    """The saved payload (heads, meta, adapter, topic head); a payload already read is passed through, so a loader
    reads the file once for all its parts."""
    if isinstance(source, dict):
        return source
    payload: dict[str, Any] = torch.load(source, map_location="cpu", weights_only=True)
    return payload


def load_heads(source: Path | dict[str, Any]) -> tuple[LinearHead, LinearHead, dict[str, Any]]:
    payload = read_heads_file(source)
    return head_from_state(payload["sentiment"]), head_from_state(payload["complaint"]), dict(payload["meta"])


def head_from_state(state: dict[str, torch.Tensor]) -> LinearHead:
    """A head of the shape its saved weights have, in eval mode."""
    head = LinearHead(state["linear.weight"].shape[1], state["linear.weight"].shape[0])
    head.load_state_dict(state)
    return head.eval()


def load_adapter(source: Path | dict[str, Any]) -> dict[str, torch.Tensor]:
    """The LoRA adapter saved with the heads; empty for heads trained on the frozen encoder."""
    return dict(read_heads_file(source).get("adapter") or {})


def load_language_adapters(source: Path | dict[str, Any]) -> dict[str, dict[str, torch.Tensor]]:
    """Per language (ISO 639-1), the adapter its texts go through instead of the shared one; none for older files."""
    return {language: dict(own) for language, own in (read_heads_file(source).get("language_adapters") or {}).items()}
