"""The multi-label topic head: learns several topics per text, picks thresholds out of fold, and round-trips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from sentiment import topic_head
from sentiment.written_sets import topic_keys

NAMES = ("delivery", "refund", "quality")


def separable(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random((n, 3)) < 0.3).astype(np.float32)  # some rows carry two or three topics, some none
    x = rng.normal(size=(n, 12)).astype(np.float32)
    x[:, :3] += 4.0 * y
    return x, y


def test_the_head_finds_every_topic_a_text_carries() -> None:
    x, y = separable()
    head = topic_head.fit(x, y, NAMES)
    found = head.topics(x[:50])
    gold = [tuple(n for n, hit in zip(NAMES, row, strict=True) if hit) for row in y[:50]]
    assert sum(f == g for f, g in zip(found, gold, strict=True)) >= 45
    assert any(len(g) >= 2 for g in gold) and any(not g for g in gold)


def test_thresholds_come_from_the_grid() -> None:
    x, y = separable()
    head = topic_head.fit(x, y, NAMES)
    assert head.thresholds.shape == (3,) and all(round(float(t), 2) in topic_head.THRESHOLDS for t in head.thresholds)


def test_a_rare_topic_gets_a_threshold_that_keeps_precision() -> None:
    assert topic_head._best_threshold(np.array([0.9, 0.7, 0.6, 0.1]), np.array([1, 0, 0, 0])) > 0.7


def test_the_head_round_trips_through_its_state(tmp_path: Path) -> None:
    x, y = separable()
    head = topic_head.fit(x, y, NAMES)
    torch.save({"topics": head.state()}, tmp_path / "heads.pt")
    loaded = topic_head.load(tmp_path / "heads.pt")
    assert loaded is not None and loaded.names == NAMES
    assert np.allclose(loaded.probabilities(x), head.probabilities(x)) and loaded.topics(x) == head.topics(x)


def test_a_model_without_a_topic_head_loads_as_none(tmp_path: Path) -> None:
    torch.save({"sentiment": {}}, tmp_path / "heads.pt")
    assert topic_head.load(tmp_path / "heads.pt") is None


def test_training_rows_cover_every_shipped_topic_and_texts_with_none() -> None:
    texts, y, names = topic_head.training_rows()
    assert names == topic_keys() and y.shape == (len(texts), len(names))
    assert (y.sum(0) >= 100).all() and (y.sum(1) == 0).any() and (y.sum(1) >= 2).any()
