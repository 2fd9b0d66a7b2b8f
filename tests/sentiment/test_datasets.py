"""Training material and test sets: the Japanese test-only set is never trained on."""

from __future__ import annotations

import pytest

from sentiment import datasets
from sentiment.evaluation import limited, validation_rows
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


def test_limited_keeps_the_first_rows_of_each_dataset() -> None:
    rows = datasets.ja_polarity()[:5] + datasets.ja_holdout()[:5]
    assert limited(rows, 2) == datasets.ja_polarity()[:2] + datasets.ja_holdout()[:2]
    assert limited(rows, None) == rows


@pytest.mark.skipif(not DEFAULT_DATA_DIR.is_dir(), reason="shared training data is not present")
def test_training_material_leaves_every_validation_set_out() -> None:
    from sentiment import corpora
    from sentiment.written_sets import written_examples

    validation = validation_rows(DEFAULT_DATA_DIR)
    assert {r.dataset for r in validation} == {"tweeteval", "nsmc", "ja_holdout"}
    assert len(validation) == 2000 + 2500 + 120
    drawn = corpora.sample(DEFAULT_DATA_DIR, corpora.Recipe())
    trained = {r.text for r in drawn["train"] + drawn["calib"] + written_examples()}
    assert not trained & {r.text for r in validation + datasets.complaints(DEFAULT_DATA_DIR)}
