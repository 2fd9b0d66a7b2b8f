"""Low-rank adapters (LoRA, Hu et al. 2021) for the rebuilt BertModel: peft trains them, the encoder merges them.

Training wraps the target Linear layers with peft's LoRA layers. What is saved is only each layer's A and B
(``<module>.lora_a`` / ``<module>.lora_b``, fp16), so loading needs no peft and scoring costs nothing extra:
``merge_adapter`` folds ``alpha / rank * B @ A`` into each weight, the update peft applies (without rsLoRA).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

TARGETS = ("attention.self.query", "attention.self.value", "attention.output.dense", "intermediate.dense",
           "output.dense")
_ADAPTER = "default"


def add_lora(model: nn.Module, rank: int, alpha: float, dropout: float = 0.0,
             targets: tuple[str, ...] = TARGETS) -> list[str]:
    """Freeze ``model`` and give each target Linear a peft LoRA adapter (B starts at zero); returns their names."""
    from peft import LoraConfig, inject_adapter_in_model

    for p in model.parameters():
        p.requires_grad_(False)
    # peft annotates lora_alpha as int but scales by alpha / r in floating point; merge_adapter does the same.
    config = LoraConfig(r=rank, lora_alpha=alpha, lora_dropout=dropout,  # type: ignore[arg-type]
                        target_modules=list(targets), bias="none")
    inject_adapter_in_model(config, model, adapter_name=_ADAPTER)
    names = [name for name, _ in _lora_layers(model)]
    if not names:
        raise ValueError(f"no Linear layers named {targets} in the model")
    return names


def _lora_layers(model: nn.Module) -> list[tuple[str, Any]]:
    from peft.tuners.lora import LoraLayer

    return [(name, module) for name, module in model.named_modules()
            if isinstance(module, LoraLayer) and _ADAPTER in module.lora_A]


def trainable_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """The parameters being trained (the adapters), by name: what a checkpoint needs beside the heads."""
    return {name: p.detach().clone() for name, p in model.named_parameters() if p.requires_grad}


def adapter_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """The trained A/B matrices only, keyed ``<module>.lora_a`` / ``<module>.lora_b`` (fp16 halves the file)."""
    out: dict[str, torch.Tensor] = {}
    for name, module in _lora_layers(model):
        out[f"{name}.lora_a"] = module.lora_A[_ADAPTER].weight.detach().to(torch.float16).clone()
        out[f"{name}.lora_b"] = module.lora_B[_ADAPTER].weight.detach().to(torch.float16).clone()
    return out


def load_lora(model: nn.Module, state: dict[str, torch.Tensor]) -> int:
    """Copy an ``adapter_state`` into a model ``add_lora`` wrapped (to train it further); returns how many layers."""
    layers = dict(_lora_layers(model))
    missing = sorted({key.rsplit(".", 1)[0] for key in state} - layers.keys())
    if missing:
        raise ValueError(f"the adapter targets modules this model has no LoRA layer for: {', '.join(missing[:3])}")
    with torch.no_grad():
        for name, module in layers.items():
            if f"{name}.lora_a" in state:
                module.lora_A[_ADAPTER].weight.copy_(state[f"{name}.lora_a"].float())
                module.lora_B[_ADAPTER].weight.copy_(state[f"{name}.lora_b"].float())
    return sum(1 for key in state if key.endswith(".lora_a"))


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
