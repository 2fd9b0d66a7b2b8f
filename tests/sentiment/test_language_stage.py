"""The Korean stage's rows: the encoder's Korean draw, more movie reviews past the blend share, KOTE's draw and the
written Korean rows; never a row of the blend share, the calibration share or a validation set."""

from __future__ import annotations

import pytest

from sentiment import corpora
from sentiment.evaluation import validation_rows
from sentiment.language_stage import LanguageStage, stage_rows
from sentiment.lexical import BLEND_EXTRA_ROWS, CALIBRATION_LANGUAGES, TRAINED_ON
from sentiment.train import DEFAULT_DATA_DIR
from sentiment.written_sets import written_examples


@pytest.mark.skipif(not (DEFAULT_DATA_DIR / "training").is_dir(), reason="shared training data is not present")
def test_the_korean_stage_trains_on_korean_rows_no_model_is_measured_or_blended_on() -> None:
    recipe, stage = corpora.Recipe(), LanguageStage()
    written = written_examples()
    train, calib = stage_rows(DEFAULT_DATA_DIR, recipe, written, stage)
    counts: dict[str, int] = {}
    for row in train:
        counts[row.dataset] = counts.get(row.dataset, 0) + 1
    assert recipe.nsmc_raw + stage.movie_reviews_beyond - 2 <= counts.pop("nsmc_raw") <= \
        recipe.nsmc_raw + stage.movie_reviews_beyond
    assert recipe.kote - 2 <= counts.pop("kote") <= recipe.kote  # less a text another set holds out
    assert set(counts) == {"messages_ko", "topics_ko"}
    assert sum(counts.values()) == sum(r.dataset.endswith("_ko") for r in written)
    encoder_draw = corpora.sample(DEFAULT_DATA_DIR, recipe)
    assert {r.text for r in calib} == {r.text for r in encoder_draw["calib"] if r.dataset in ("nsmc_raw", "kote")}
    korean_draw = {r.text for r in encoder_draw["train"] if r.dataset in ("nsmc_raw", "kote")}
    assert len(korean_draw - {r.text for r in train}) <= 2
    _, blend = corpora.lexical_shares(DEFAULT_DATA_DIR, recipe, TRAINED_ON, tuple(CALIBRATION_LANGUAGES),
                                      BLEND_EXTRA_ROWS)
    measured = {r.text for r in blend + calib + validation_rows(DEFAULT_DATA_DIR)}
    assert not measured & {r.text for r in train}
