"""Training's last step: the lexical head trained on every row of the training sets outside the blend share (the
calibration share and BLEND_EXTRA_ROWS more rows a set past the encoder's draw), its blend with a saved model fitted
on that share, and the validation figures of the blended model as production scores them (``earful train``, or
``earful train --lexical-only`` for a saved model)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from sentiment import corpora
from sentiment.corpora import Recipe
from sentiment.datasets import Example
from sentiment.evaluation import headline_of, sentiment_metrics
from sentiment.lexical import (
    BLEND_EXTRA_ROWS,
    CALIBRATION_LANGUAGES,
    LEXICAL_FILE,
    TRAINED_ON,
    LexicalHead,
    dequantised,
    digest,
    fit_blend,
    negative_log_likelihood,
    save,
    train_weights,
)

Log = Callable[[str], None]


def fit(heads_path: Path, data_dir: Path, cache_dir: Path, recipe: Recipe, log: Log = print) -> dict[str, Any]:
    """Train the lexical head, fit its blend with the model in ``heads_path`` per calibration language and save it
    beside that model; returns what was done (rows, weights, the blend share's log-likelihoods, seconds)."""
    from sentiment.model import E5HeadsModel, encoder_precision

    started = time.perf_counter()
    rows, blend_rows = corpora.lexical_shares(data_dir, recipe, TRAINED_ON, tuple(CALIBRATION_LANGUAGES),
                                              BLEND_EXTRA_ROWS)
    weights, bias = train_weights(rows, recipe.seed, log)
    head = dequantised(LexicalHead(weights, bias, {}))
    model = E5HeadsModel(cache_dir, heads_path, precision=encoder_precision("auto"), lexical=False)
    blend: dict[str, tuple[float, float]] = {}
    fitted: dict[str, Any] = {}
    for name, language in CALIBRATION_LANGUAGES.items():
        share = [r for r in blend_rows if r.dataset == name and r.sentiment is not None]
        if share:
            blend[language], fitted[language] = _fitted_blend(model, head, share, language)
            log(f"lexical head: {language} (weight, temperature) {blend[language]} on {len(share)} blend rows")
    head = replace(head, blend=blend)
    info = {"digest": digest(head), "trained_rows": len([r for r in rows if r.sentiment is not None]),
            "trained_on": list(TRAINED_ON), "calibration": fitted, "seconds": round(time.perf_counter() - started, 1)}
    save(heads_path.parent / LEXICAL_FILE, head, str(model.meta["model_version"]), info)
    return info


def _fitted_blend(model: Any, head: LexicalHead, share: list[Example],
                  language: str) -> tuple[tuple[float, float], dict[str, Any]]:
    texts = [r.text for r in share]
    probs = np.array([p.probs for p in model.predict(texts, languages=[language] * len(texts))])
    log_probs = np.log(np.clip(probs, 1e-12, None))
    lexical = head.logits(texts)
    targets = np.array([r.sentiment for r in share])
    binary = np.array([r.binary for r in share], dtype=bool)
    weight, temperature = fit_blend(log_probs, lexical, targets, binary)
    blended = (log_probs + weight * lexical) / temperature
    return (weight, temperature), {
        "rows": len(share), "lexical_weight": weight, "temperature": temperature,
        "nll_encoder": round(negative_log_likelihood(log_probs, targets, binary), 4),
        "nll_blend": round(negative_log_likelihood(blended, targets, binary), 4)}


def refresh_sentiment_metrics(metrics: dict[str, Any], model: Any, validation: list[Example]) -> dict[str, Any]:
    """``metrics`` with its sentiment figures measured again on the validation rows as ``model`` scores them in
    production (the complaint figures, out of fold, are the encoder's and stay)."""
    rows = [r for r in validation if r.sentiment is not None]
    probs = np.array([p.probs for p in model.predict([r.text for r in rows])])
    out = {**metrics, "sentiment": sentiment_metrics(rows, probs), "sentiment_scored_as": model.version}
    out["headline"] = headline_of(out)
    return out
