"""Shared fixtures: one model cache per session (EARFUL_MODEL_CACHE reuses a built one, e.g. in CI)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def model_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("EARFUL_MODEL_CACHE")
    if configured:
        Path(configured).mkdir(parents=True, exist_ok=True)
        return Path(configured)
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session")
def encoder_dir(model_cache_dir: Path) -> Path:
    from sentiment.encoder import build_encoder

    return build_encoder(model_cache_dir)


@pytest.fixture
def tiny_bert() -> Callable[[], Any]:
    """A randomly initialised 3-layer BertModel (hidden 16), the same weights on every call."""
    import torch
    from transformers import BertConfig, BertModel

    def build() -> Any:
        torch.manual_seed(0)
        config = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=3, num_attention_heads=2,
                            intermediate_size=32, max_position_embeddings=32)
        return BertModel(config, add_pooling_layer=False).eval()

    return build


class CharTokens:
    """A tokenizer for tiny_bert: one id per character, [1] ... [2] around, 0 = padding."""

    def __call__(self, texts: list[str], **_: object) -> dict[str, Any]:
        import torch

        ids = [[1] + [3 + ord(c) % 40 for c in t] + [2] for t in texts]
        longest = max(map(len, ids))
        return {"input_ids": torch.tensor([i + [0] * (longest - len(i)) for i in ids]),
                "attention_mask": torch.tensor([[1] * len(i) + [0] * (longest - len(i)) for i in ids])}


@pytest.fixture
def char_tokens() -> CharTokens:
    return CharTokens()
