"""score_texts: clean -> language -> model (batched) -> topics -> Score, in input order."""

from __future__ import annotations

from collections.abc import Sequence

from sentiment.config import ModelConfig
from sentiment.language import detect_languages
from sentiment.scoring import LABELS, Prediction, Score, empty_score, is_complaint_like, label_of, make_score
from sentiment.text import clean_text
from sentiment.topics import Spec, Taxonomy, detect_topics, taxonomy_from_spec
from sentiment.updates import latest_part


def score_texts(texts: Sequence[str], config: ModelConfig, topics: Spec | None = None) -> list[Score]:
    """Score each text with the model `config` names, in input order; ``topics`` (the workspace's taxonomy, see
    models.topic_store.taxonomy_spec) defaults to the shipped topics.json. An updated review whose update is negative
    is judged by its update (sentiment.updates)."""
    if not texts:
        return []
    from sentiment.model import get_model

    engine = get_model(config)
    cleaned = [clean_text(t) for t in texts]
    languages = detect_languages(cleaned)
    live = [i for i, t in enumerate(cleaned) if t]
    updates = {i: part for i in live if (part := latest_part(cleaned[i])) is not None}
    read = [*live, *updates]
    predicted = engine.predict([cleaned[i] for i in live] + list(updates.values()), config.batch_size,
                               topics=topics, languages=[languages[i] for i in read], batch_tokens=config.batch_tokens)
    predictions = dict(zip(live, predicted[:len(live)], strict=True))
    judged = dict(enumerate(cleaned))
    for (i, part), p in zip(updates.items(), predicted[len(live):], strict=True):
        if LABELS[label_of(p.probs)] == "negative":  # a late complaint decides; "Edit: thanks for the gold" does not
            predictions[i], judged[i] = p, part
    taxonomy = taxonomy_from_spec(topics) if topics is not None else None
    scores = []
    for i, text in judged.items():
        if i not in predictions:
            scores.append(empty_score(languages[i], engine.name, engine.version))
            continue
        scores.append(_score(text, languages[i], predictions[i], taxonomy, engine.name, engine.version))
    return scores


def _score(text: str, language: str, p: Prediction, taxonomy: Taxonomy | None, name: str, version: str) -> Score:
    complaint_like = is_complaint_like(LABELS[label_of(p.probs)], p.complaint)
    found = detect_topics(text, taxonomy, similar=p.similar_topics) if complaint_like else []
    return make_score(text, language, p, found, name, version)
