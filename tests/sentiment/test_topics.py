from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sentiment.topics import (
    TAXONOMY_PATH,
    Prototypes,
    Similarity,
    build_prototypes,
    choose_similarity,
    detect_topics,
    load_taxonomy,
    read_spec,
    similar_topics,
    taxonomy_from_spec,
    topic_examples,
)

EXPECTED = {"delivery", "refund", "quality", "billing", "account", "support", "price", "app_bug", "other"}


@pytest.mark.parametrize(("text", "topics"), [
    ("My package never arrived and I want a refund", ["delivery", "refund"]),
    ("I was charged twice for one subscription", ["billing"]),
    ("Locked out of my account, password reset email never comes", ["account"]),
    ("The app keeps crashing since the update", ["app_bug"]),
    ("Rude customer service agent hung up on me", ["support"]),
    ("Way too expensive after the price increase", ["price"]),
    ("The approach of this company is unacceptable", ["other"]),
    ("配送が遅れて、返金もまだです", ["delivery", "refund"]),
    ("アプリが起動するたびに落ちる", ["app_bug"]),
    ("결제가 두 번 됐어요. 환불해 주세요", ["refund", "billing"]),
    ("제품이 도착하자마자 고장났어요", ["delivery", "quality"]),
])
def test_detect_topics(text: str, topics: list[str]) -> None:
    assert detect_topics(text) == topics


def test_taxonomy_is_editable_data(tmp_path: Path) -> None:
    data = json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))
    assert set(data) == EXPECTED
    data["delivery"]["keywords"]["en"].append("pigeon")
    custom = tmp_path / "topics.json"
    custom.write_text(json.dumps(data), encoding="utf-8")
    assert detect_topics("the pigeon lost it", load_taxonomy(custom)) == ["delivery"]


def test_similarity_adds_the_one_closest_topic_when_it_stands_out() -> None:
    prototypes = Prototypes(("delivery", "refund", "price"), np.eye(3, dtype=np.float32))
    vectors = np.array([[0.9, 0.1, 0.1], [0.5, 0.5, 0.5]], dtype=np.float32)
    found = similar_topics(vectors, prototypes, minimum=0.5, margin=0.2)
    assert found == [("delivery",), ()]
    assert detect_topics("order is two weeks late", similar=found[0]) == ["delivery"]
    assert detect_topics("where is my refund", similar=found[0]) == ["delivery", "refund"]


def test_similarity_limits_are_chosen_for_the_most_right_topics_at_the_precision_asked() -> None:
    prototypes = Prototypes(("delivery", "refund", "price"), np.eye(3, dtype=np.float32))
    # Rows near a prototype are right (labelled with it) except the two least separated; unlabelled rows sit between.
    vectors, labels = [], []
    for strength, right in [(0.99, True)] * 6 + [(0.96, True)] * 3 + [(0.93, False)] * 2 + [(0.7, False)] * 4:
        rest = np.sqrt((1 - strength ** 2) / 2)
        vectors.append([strength, rest, rest])
        labels.append([1.0 if right else 0.0, 0.0, 0.0])
    x, y = np.array(vectors, dtype=np.float32), np.array(labels, dtype=np.float32)
    chosen = choose_similarity(x, y, ("delivery", "refund", "price"), prototypes, precision=0.9)
    assert chosen is not None and chosen.found == 9 and chosen.precision == 1.0
    assert similar_topics(x, prototypes, chosen.minimum, chosen.margin) == [("delivery",)] * 9 + [()] * 6
    assert choose_similarity(x[9:], y[9:], ("delivery", "refund", "price"), prototypes) is None  # none is ever right


def test_a_model_uses_the_similarity_limits_its_training_chose() -> None:
    from sentiment.model import similarity_of

    assert similarity_of({}) == Similarity()  # saved before training chose them: the shipped defaults
    assert similarity_of({"similarity": None}) is None  # no pair was precise enough: prototypes stay silent
    assert similarity_of({"similarity": {"minimum": 0.9, "margin": 0.01, "found": 3, "precision": 0.95}}) == \
        Similarity(0.9, 0.01, 3, 0.95)


def test_every_topic_but_other_has_multilingual_examples() -> None:
    examples = topic_examples()
    assert set(examples) == EXPECTED - {"other"}
    data = json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))
    assert all(set(data[t]["examples"]) == {"en", "ja", "ko"} for t in examples)


def vowel_counts(texts: list[str]) -> np.ndarray:
    """A stand-in encoder (no model load): each text as its counts of a, e, i, o, u."""
    return np.array([[text.count(v) + 1.0 for v in "aeiou"] for text in texts], dtype=np.float32)


WARRANTY = {"description": "warranty claims and repairs", "keywords": {"en": ["warranty"], "ja": ["保証"]},
            "examples": {"en": []}}  # an admin's new topic: keywords, no example sentence yet


def test_a_topic_with_keywords_but_no_examples_is_found_by_keyword_and_has_no_prototype() -> None:
    spec = {**read_spec(), "warranty": WARRANTY}
    taxonomy = taxonomy_from_spec(spec)
    assert detect_topics("Is this still under warranty?", taxonomy) == ["warranty"]
    assert detect_topics("保証期間なのに修理を断られた", taxonomy) == ["warranty"]
    prototypes = build_prototypes(vowel_counts, spec)
    assert "warranty" not in prototypes.names and len(prototypes.names) == len(EXPECTED) - 1  # nor "other"
    vectors = vowel_counts(["the warranty ran out a day after it broke"])
    similar = similar_topics(vectors / np.linalg.norm(vectors, axis=1, keepdims=True), prototypes, -1.0, -1.0)
    assert similar[0] and similar[0][0] != "warranty"  # found by the embedding: some shipped topic, never this one
    assert detect_topics("the warranty ran out", taxonomy, similar=similar[0])[-1] == "warranty"  # listed last


def test_a_taxonomy_whose_only_topics_lack_examples_builds_no_prototypes() -> None:
    spec = {"warranty": WARRANTY, "other": {"description": "anything else", "keywords": {}}}
    prototypes = build_prototypes(vowel_counts, spec)
    assert prototypes.names == () and prototypes.vectors.shape[0] == 0
    assert similar_topics(vowel_counts(["anything"]), prototypes) == [()]
    assert detect_topics("my parcel is late", taxonomy_from_spec(spec)) == ["other"]


# Paraphrased complaints with no taxonomy keyword, and texts that must get no topic by similarity.
TOPIC_PROBES = [("delivery", "My order is two weeks late, this is ridiculous"),
                ("billing", "They took my money twice this month, unacceptable"),
                ("delivery", "注文から二週間、まだ来ない"), ("delivery", "Still waiting for my parcel, where is it?"),
                ("refund", "I sent it back a month ago and still haven't got my money back"),
                ("billing", "Why was I charged again after I cancelled?"),
                ("support", "Nobody at your call centre ever answers, I've been on hold for an hour"),
                ("delivery", "택배가 일주일째 안 와요"), ("refund", "返品したのにまだ返金されていません"),
                ("app_bug", "The app crashes every time I open it"),
                ("account", "I can't log into my account since yesterday"),
                ("quality", "The handle snapped off after two days")]
NO_TOPIC_PROBES = ["worst company ever", "What a beautiful film, the actors were brilliant",
                   "Thanks so much, you guys are great!", "I love this brand", "영화 정말 재밌었어요",
                   "この映画は最高でした", "Meh. It's ok I guess", "Going to the beach tomorrow"]


def test_the_model_finds_topics_by_meaning_and_never_a_wrong_one(model_cache_dir: Path) -> None:
    from sentiment.config import DEFAULT_MODEL, ModelConfig
    from sentiment.model import get_model

    model = get_model(ModelConfig(DEFAULT_MODEL, model_cache_dir))
    prototypes, limits = model.prototypes(), model.similarity  # the limits training chose for this encoder
    assert limits is not None and limits.precision >= 0.9

    def similar(texts: list[str]) -> list[tuple[str, ...]]:
        return similar_topics(model.embedder.embed(texts).vectors, prototypes, limits.minimum, limits.margin)

    found = similar([t for _, t in TOPIC_PROBES])
    assert all(not topics or topics == (want,) for (want, _), topics in zip(TOPIC_PROBES, found, strict=True))
    assert sum(bool(topics) for topics in found) >= 8  # 9 of 12 with the committed model; the rest stay "other"
    assert similar(NO_TOPIC_PROBES) == [()] * len(NO_TOPIC_PROBES)


def test_score_texts_files_a_keywordless_complaint_under_its_topic(model_cache_dir: Path) -> None:
    from sentiment import score_texts
    from sentiment.config import DEFAULT_MODEL, ModelConfig

    texts = ["The handle snapped off after two days", "注文から二週間、まだ来ない", "快递太慢了，等了一个星期还没到"]
    scores = score_texts(texts, ModelConfig(DEFAULT_MODEL, model_cache_dir))
    assert [s.topics for s in scores] == [["quality"], ["delivery"], ["delivery"]]


ZH_PROBES = [("delivery", "快递太慢了，等了一个星期还没到"), ("support", "客服态度很差，打了三次电话都没人接")]


def test_the_topic_head_finds_the_topics_a_text_names_in_every_language(model_cache_dir: Path) -> None:
    from sentiment.config import DEFAULT_MODEL, ModelConfig
    from sentiment.model import get_model

    model = get_model(ModelConfig(DEFAULT_MODEL, model_cache_dir))
    assert model.topic_head is not None
    probes = TOPIC_PROBES + ZH_PROBES
    found = model.topic_head.topics(model.embedder.embed([t for _, t in probes]).vectors)
    assert sum(want in topics for (want, _), topics in zip(probes, found, strict=True)) >= len(probes) - 2
    assert model.topic_head.topics(model.embedder.embed(NO_TOPIC_PROBES).vectors) == [()] * len(NO_TOPIC_PROBES)
