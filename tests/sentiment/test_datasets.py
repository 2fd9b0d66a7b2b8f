"""Training material and test sets: the Japanese test-only set is never trained on."""

from __future__ import annotations

import pytest

from sentiment import datasets
from sentiment.evaluation import all_examples, evaluation_rows
from sentiment.scoring import LABELS
from sentiment.train import DEFAULT_DATA_DIR


def test_the_japanese_holdout_is_labelled_and_has_every_class() -> None:
    rows = datasets.ja_holdout()
    assert len(rows) == 120 and {r.dataset for r in rows} == {"ja_holdout"}
    assert {LABELS[r.sentiment] for r in rows if r.sentiment is not None} == set(LABELS)
    assert {r.complaint for r in rows} == {0, 1} and not any(r.binary for r in rows)
    assert len({r.text for r in rows}) == len(rows)


def test_the_japanese_holdout_shares_no_text_with_the_training_sentences() -> None:
    assert not {r.text for r in datasets.ja_holdout()} & {r.text for r in datasets.ja_polarity()}


def test_evaluation_adds_the_holdout_to_the_test_share_only() -> None:
    parts = datasets.split(datasets.ja_polarity(), seed=13)
    rows = evaluation_rows(parts)
    assert rows[: len(parts["test"])] == parts["test"]
    assert [r for r in rows if r.dataset == "ja_holdout"] == datasets.ja_holdout()
    assert not any(r.dataset == "ja_holdout" for r in parts["train"] + parts["calib"])


@pytest.mark.skipif(not DEFAULT_DATA_DIR.is_dir(), reason="shared training data is not present")
def test_training_material_leaves_the_holdout_out() -> None:
    holdout = {r.text for r in datasets.ja_holdout()}
    assert not any(r.dataset == "ja_holdout" or r.text in holdout for r in all_examples(DEFAULT_DATA_DIR))
