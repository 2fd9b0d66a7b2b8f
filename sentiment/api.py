"""score_texts: clean -> language -> model (batched) -> topics -> Score, in input order."""

from __future__ import annotations

from collections.abc import Sequence

from sentiment.config import ModelConfig
from sentiment.language import detect_languages
from sentiment.scoring import LABELS, Score, empty_score, is_complaint_like, label_of, make_score
from sentiment.text import clean_text
from sentiment.topics import Spec, detect_topics, taxonomy_from_spec


def score_texts(texts: Sequence[str], config: ModelConfig, topics: Spec | None = None) -> list[Score]:
    """Score each text with the model `config` names, in input order; ``topics`` (the workspace's taxonomy, see
    models.topic_store.taxonomy_spec) defaults to the shipped topics.json."""
    if not texts:
        return []
    from sentiment.model import get_model

    engine = get_model(config)
    cleaned = [clean_text(t) for t in texts]
    languages = detect_languages(cleaned)
    live = [i for i, t in enumerate(cleaned) if t]
    predicted = engine.predict([cleaned[i] for i in live], config.batch_size, topics=topics,
                               languages=[languages[i] for i in live])
    predictions = dict(zip(live, predicted, strict=True))
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
