"""LoRA: peft's training-time layers and the load-time merge compute the same function."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import torch

from sentiment.finetune import TopModel, embed_rows, top_adapter
from sentiment.heads import LinearHead
from sentiment.lora import adapter_state, add_lora, load_lora, merge_adapter


def randomise(model: torch.nn.Module) -> None:
    for name, p in model.named_parameters():
        if "lora_B" in name:
            torch.nn.init.normal_(p, std=0.2)


def test_only_the_targets_are_wrapped_and_trainable(tiny_bert: Callable[[], Any]) -> None:
    model = tiny_bert()
    names = add_lora(model, rank=4, alpha=8)
    assert len(names) == 3 * 5 and not any("key" in n for n in names)
    assert "encoder.layer.0.output.dense" in names and "encoder.layer.0.attention.output.dense" in names
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    assert trainable and all("lora_" in n for n in trainable)


def test_merged_adapter_matches_the_wrapped_model(tiny_bert: Callable[[], Any]) -> None:
    plain = tiny_bert()
    wrapped = copy.deepcopy(plain)
    add_lora(wrapped, rank=4, alpha=8)
    randomise(wrapped)
    ids = torch.tensor([[1, 5, 7, 9, 2], [1, 4, 2, 0, 0]])
    mask = (ids > 0).long()
    with torch.inference_mode():
        expected = wrapped(input_ids=ids, attention_mask=mask).last_hidden_state
        assert merge_adapter(plain, adapter_state(wrapped), alpha=8) == 15
        merged = plain(input_ids=ids, attention_mask=mask).last_hidden_state
    assert torch.allclose(expected, merged, atol=1e-2)  # the adapter is stored in fp16


def test_top_layer_training_path_matches_the_merged_encoder(tiny_bert: Callable[[], Any], char_tokens: Any) -> None:
    from sentiment.finetune import lower_states

    plain, texts = tiny_bert(), ["abc", "hello there", "x"]
    states = lower_states(plain, char_tokens, texts, split=2, prefix="", max_tokens=32)
    layers = copy.deepcopy(plain.encoder.layer[2:])
    add_lora(layers, rank=2, alpha=4)
    randomise(layers)
    top = TopModel(layers, LinearHead(16, 3), LinearHead(16, 1))
    via_top = embed_rows(top, states)
    merge_adapter(plain, top_adapter(top, 2), alpha=4)
    enc = char_tokens(texts)
    with torch.inference_mode():
        hidden = plain(**enc).last_hidden_state
    weights = enc["attention_mask"].unsqueeze(-1).float()
    direct = torch.nn.functional.normalize((hidden * weights).sum(1) / weights.sum(1), dim=-1).numpy()
    assert (via_top * direct).sum(axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=1e-3)


def test_a_saved_adapter_loads_back_into_fresh_lora_layers_to_train_further(tiny_bert: Callable[[], Any]) -> None:
    trained, fresh = tiny_bert(), tiny_bert()
    add_lora(trained, rank=4, alpha=8)
    add_lora(fresh, rank=4, alpha=8)
    randomise(trained)
    saved = adapter_state(trained)
    assert load_lora(fresh, saved) == 15
    assert all(torch.equal(saved[k], v) for k, v in adapter_state(fresh).items())
    assert all(p.requires_grad for n, p in fresh.named_parameters() if "lora_" in n)
    with pytest.raises(ValueError, match="no LoRA layer"):
        load_lora(fresh, {"encoder.layer.9.output.dense.lora_a": torch.zeros(4, 16)})
