"""Korean's own adapter: the shared adapter trained further on Korean rows alone, which Korean texts go through.

Why: one adapter serves every language, and training it harder on Korean cost the English complaint set (the 79k-row
runs in experiments.json: NSMC +1.3, the complaint set -2.6), while the encoder read Korean movie reviews at 80. A
language's own copy of the adapter changes nothing for the other languages and adds no work per text: the layers a
text goes through are chosen by its language (sentiment.embedding.Embedder), the token embeddings are shared.

The stage starts from the shared adapter and keeps the heads as they are, so the heads read the Korean layers as they
read the shared ones (no second set of heads, temperatures or word shares). It trains on the recipe's NSMC and KOTE
draws, more NSMC rows past the blend share (which no model trains on), and the written Korean rows; every row but the
movie reviews is also kept near the shared model's sentiment (learning without forgetting), so Korean customer text
keeps what the shared adapter knew of it while the movie reviews teach polarity.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from sentiment import corpora
from sentiment.corpora import Recipe
from sentiment.datasets import Example
from sentiment.finetune import FineTuneConfig, TopModel, embed_rows, fine_tune, top_adapter, training_rows
from sentiment.heads import logits_of
from sentiment.lexical import BLEND_EXTRA_ROWS
from sentiment.lora import adapter_state

Log = Callable[[str], None]


@dataclass(frozen=True)
class LanguageStage:
    language: str = "ko"
    movie_reviews_beyond: int = 24_000  # NSMC raw rows past the lexical blend's share, added to the encoder's draw
    distill: float = 1.0  # weight of the shared model's sentiment on every row but the movie reviews
    evaluations: int = 4
    # The best evaluation is kept, however small its lead: the starting point is the shared adapter, which the
    # stage exists to move (with the first stage's 0.005, 8,000 rows kept a quarter epoch whose Korean encoder read
    # NSMC's blend share at log-loss 0.405 over the full epoch's 0.373).
    min_gain: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"language": self.language, "movie_reviews_beyond": self.movie_reviews_beyond,
                "distill": self.distill, "evaluations": self.evaluations, "min_gain": self.min_gain}


def stage_rows(data_dir: Path, recipe: Recipe, written: list[Example],
               stage: LanguageStage) -> tuple[list[Example], list[Example]]:
    """(training rows, calibration rows): NSMC raw's draw for the encoder plus ``movie_reviews_beyond`` rows past
    the blend share, KOTE's draw and the written rows of the language, less any text of the blend or calibration
    shares; the NSMC and KOTE calibration shares."""
    nsmc = corpora.shuffled(data_dir, "nsmc_raw", recipe.seed)
    kote = corpora.shuffled(data_dir, "kote", recipe.seed)
    calib = recipe.calib_per_set
    encoder_end = calib + recipe.nsmc_raw
    beyond = encoder_end + BLEND_EXTRA_ROWS
    train = nsmc[calib:encoder_end] + nsmc[beyond: beyond + stage.movie_reviews_beyond]
    train += kote[calib: calib + recipe.kote]
    train += [r for r in written if r.dataset.endswith(f"_{stage.language}")]
    held_out = nsmc[:calib] + kote[:calib]
    # The sets share a few texts: one drawn for training in one set and held out in the other stays held out.
    measured = {r.text for r in held_out + nsmc[encoder_end:beyond]}
    return [r for r in train if r.text not in measured], held_out


def train_adapter(encoder: Any, top: TopModel, rows: list[Example], states: dict[str, torch.Tensor],
                  config: FineTuneConfig, stage: LanguageStage, validate: Callable[[TopModel], float],
                  checkpoint: Path | None, resume: bool, log: Log) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """The language's adapter (the full encoder's module names, as ``top_adapter``) and the run's record."""
    split = len(encoder.encoder.layer) - config.top_layers
    top.eval()
    teacher = logits_of(top.sentiment, embed_rows(top, [states[r.text] for r in rows]))
    teacher[[r.dataset == "nsmc_raw" for r in rows]] = np.nan  # the movie reviews learn from their labels alone
    data = replace(training_rows(rows, states), teacher=teacher.astype(np.float32), distill_weight=stage.distill)
    config = replace(config, evaluations_per_epoch=stage.evaluations, min_gain=stage.min_gain)
    log(f"{stage.language} adapter: {len(rows)} rows, from the shared adapter, heads frozen")
    trained, info = fine_tune(encoder, copy.deepcopy(top.sentiment), copy.deepcopy(top.complaint), data, config,
                              validate, log, checkpoint=checkpoint, resume=resume,
                              start_adapter=adapter_state(top.layers), train_heads=False)
    return top_adapter(trained, split), {**info, "stage": stage.as_dict(), "rows": len(rows)}
