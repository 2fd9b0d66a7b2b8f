"""Batching for the encoder: similar lengths together, capped by texts and by padded tokens, same scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentiment import score_texts
from sentiment.config import DEFAULT_MODEL, ModelConfig
from sentiment.embedding import length_batches


def test_batches_group_similar_lengths_and_keep_every_index_once() -> None:
    lengths = [30, 5, 12, 5, 40, 12]
    batches = list(length_batches(lengths, 2))
    assert batches == [[1, 3], [2, 5], [0, 4]]


def test_a_token_limit_puts_many_short_texts_together_and_few_long_ones() -> None:
    lengths = [10] * 8 + [100] * 4
    batches = list(length_batches(lengths, 64, max_tokens=200))
    assert [len(b) for b in batches] == [8, 2, 2]
    assert all(len(b) * max(lengths[i] for i in b) <= 200 for b in batches)
    assert sorted(i for b in batches for i in b) == list(range(12))


def test_a_text_longer_than_the_token_limit_gets_a_batch_of_its_own() -> None:
    assert list(length_batches([500, 3, 4], 64, max_tokens=100)) == [[1, 2], [0]]


def test_the_text_cap_holds_under_the_token_limit() -> None:
    assert [len(b) for b in length_batches([2] * 10, 4, max_tokens=10_000)] == [4, 4, 2]


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_the_batching_does_not_change_a_score(model_cache_dir: Path, precision: str) -> None:
    texts = ["ok", "Great blender, smooth results and easy to clean.", "배송이 너무 늦어요",
             "The parcel never arrived and support has not answered my three emails in ten days, which is a joke.",
             "サポートの方がとても親切で、すぐに解決してくれました。", "meh", "Love it!!", "refund please"]
    one_by_one = score_texts(texts, ModelConfig(DEFAULT_MODEL, model_cache_dir, 1, precision=precision,
                                                batch_tokens=None))
    pooled = score_texts(texts, ModelConfig(DEFAULT_MODEL, model_cache_dir, 64, precision=precision,
                                            batch_tokens=64))
    assert [s.label for s in pooled] == [s.label for s in one_by_one]
    assert [s.topics for s in pooled] == [s.topics for s in one_by_one]
    tolerance = 1e-4 if precision == "fp32" else 0.02  # bfloat16 rounds by the shape of the product
    assert all(abs(a.confidence - b.confidence) < tolerance and abs(a.complaint - b.complaint) < tolerance
               for a, b in zip(one_by_one, pooled, strict=True))
