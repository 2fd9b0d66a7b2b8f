"""score_texts: clean -> language -> model (batched) -> topics -> Score, in input order."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sentiment.language import detect_languages
from sentiment.scoring import LABELS, Score, empty_score, is_complaint_like, label_of, make_score
from sentiment.text import clean_text
from sentiment.topics import Spec, detect_topics, taxonomy_from_spec


def score_texts(texts: Sequence[str], model: str | None = None, cache_dir: Path | None = None,
                batch_size: int | None = None, threads: int | None = None, precision: str = "auto",
                topics: Spec | None = None) -> list[Score]:
    """Score each text, in input order; ``model`` and ``cache_dir`` default to the settings' values; ``topics``
    (the workspace's taxonomy, see models.topic_store.taxonomy_spec) defaults to the shipped topics.json."""
    if not texts:
        return []
    if model is None or cache_dir is None:
        from settings import get_settings

        settings = get_settings()
        model, cache_dir = model or settings.sentiment_model, cache_dir or settings.model_cache_dir
        batch_size = batch_size or settings.score_batch_size
    from sentiment.model import get_model

    engine = get_model(model, Path(cache_dir), threads, precision)
    cleaned = [clean_text(t) for t in texts]
    languages = detect_languages(cleaned)
    live = [i for i, t in enumerate(cleaned) if t]
    predictions = dict(zip(live, engine.predict([cleaned[i] for i in live], batch_size or 32, topics=topics),
                           strict=True))
    taxonomy = taxonomy_from_spec(topics) if topics is not None else None
    scores = []
    for i, text in enumerate(cleaned):
        if i not in predictions:
            scores.append(empty_score(languages[i], engine.name, engine.version))
            continue
        p = predictions[i]
        complaint_like = is_complaint_like(LABELS[label_of(p.probs)], p.complaint)
        found = detect_topics(text, taxonomy, similar=p.similar_topics) if complaint_like else []
        scores.append(make_score(text, languages[i], p, found, engine.name, engine.version))
    return scores
