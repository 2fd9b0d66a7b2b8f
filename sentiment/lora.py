"""Low-rank adapters (LoRA, Hu et al. 2021) for the rebuilt BertModel: trained here, merged at load time.

Written out rather than taken from peft: the training side is a few lines, and inference then needs no
extra package and costs nothing extra, because ``merge_adapter`` folds ``scale * B @ A`` into each weight.
"""

from __future__ import annotations

import math
import re
from typing import Any

import torch
from torch import nn

TARGETS = ("attention.self.query", "attention.self.value", "attention.output.dense", "intermediate.dense",
           "output.dense")


class LoRALinear(nn.Module):
    """``base(x) + scale * B(A(dropout(x)))`` with ``base`` frozen and ``B`` starting at zero."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float = 0.0) -> None:
        super().__init__()
        self.base = base
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        self.scale = alpha / rank
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (self.dropout(x) @ self.lora_a.T @ self.lora_b.T) * self.scale


def _targets(model: nn.Module, targets: tuple[str, ...]) -> list[str]:
    # "<...>.<layer index>.<target>": the index anchors the match, so "output.dense" never hits "attention.output.dense"
    pattern = re.compile(rf"(?:^|\.)\d+\.(?:{'|'.join(map(re.escape, targets))})$")
    names = [name for name, module in model.named_modules() if isinstance(module, nn.Linear) and pattern.search(name)]
    if not names:
        raise ValueError(f"no Linear layers named {targets} in the model")
    return names


def add_lora(model: nn.Module, rank: int, alpha: float, dropout: float = 0.0,
             targets: tuple[str, ...] = TARGETS) -> list[str]:
    """Freeze ``model`` and wrap each target Linear in a LoRALinear; returns the wrapped module names."""
    for p in model.parameters():
        p.requires_grad_(False)
    names = _targets(model, targets)
    for name in names:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, LoRALinear(getattr(parent, child), rank, alpha, dropout))
    return names


def adapter_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """The trained A/B matrices only, keyed ``<module>.lora_a`` / ``<module>.lora_b`` (fp16 halves the file)."""
    return {f"{name}.{part}": getattr(module, part).detach().to(torch.float16).clone()
            for name, module in model.named_modules() if isinstance(module, LoRALinear)
            for part in ("lora_a", "lora_b")}


def merge_adapter(model: nn.Module, state: dict[str, Any], alpha: float) -> int:
    """Fold an ``adapter_state`` into a plain model's weights in place; returns how many layers changed."""
    merged = 0
    with torch.no_grad():
        for key, a in state.items():
            if not key.endswith(".lora_a"):
                continue
            name = key[: -len(".lora_a")]
            b = state[f"{name}.lora_b"].float()
            linear = model.get_submodule(name)
            if not isinstance(linear, nn.Linear):
                raise ValueError(f"adapter targets {name}, which is not a Linear layer")
            linear.weight += (alpha / a.shape[0]) * (b @ a.float())
            merged += 1
    return merged
