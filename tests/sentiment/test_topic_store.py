"""The workspace's topics: seeded from topics.json, edited and audited, and what keyword and embedding detection
build from them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from models import AuditEvent, Topic, User
from models.topic_store import (
    TopicInvalid,
    find_topic,
    save_topic,
    seed_topics,
    shipped_taxonomy,
    taxonomy_spec,
    validate_edit,
)
from sentiment.model import E5HeadsModel
from sentiment.tasks import current_taxonomy
from sentiment.topics import build_prototypes, detect_topics, taxonomy_from_spec, topic_examples
from web.corrections.service import topic_choices


def edit(session: Session, name: str, actor: User, *, active: bool = True, **changes: str) -> bool:
    """Submit the topic's form as it stands, with `changes` (keywords_en="...", description="...")."""
    topic = find_topic(session, name)
    assert topic is not None
    form = {"description": topic.description,
            **{f"keywords_{lang}": "\n".join(topic.keywords.get(lang, [])) for lang in ("en", "ja", "ko")},
            **{f"examples_{lang}": "\n".join(topic.examples.get(lang, [])) for lang in ("en", "ja", "ko")},
            **changes}
    parsed = validate_edit(topic, description=form["description"], active=active,
                           keywords={lang: form[f"keywords_{lang}"] for lang in ("en", "ja", "ko")},
                           examples={lang: form[f"examples_{lang}"] for lang in ("en", "ja", "ko")})
    return save_topic(session, topic, parsed, actor=actor)


def test_the_migration_seeds_the_shipped_topics_and_seeding_again_adds_only_missing_ones(db_session: Session) -> None:
    assert seed_topics(db_session) == 0
    db_session.delete(find_topic(db_session, "price"))
    db_session.flush()
    assert seed_topics(db_session) == 1 and seed_topics(db_session) == 0
    assert list(taxonomy_spec(db_session))[-1] == "price"  # a re-added topic goes last: the admin's order stays


def test_the_spec_of_the_shipped_rows_is_topics_json(db_session: Session) -> None:
    shipped = shipped_taxonomy()
    spec = taxonomy_spec(db_session)
    assert list(spec) == list(shipped)
    assert spec == {name: {**entry, "examples": entry.get("examples", {})} for name, entry in shipped.items()}
    assert taxonomy_from_spec(spec).keys() == shipped.keys()
    assert detect_topics("My package never arrived and I want a refund", taxonomy_from_spec(spec)) == \
        ["delivery", "refund"]


def test_an_edited_keyword_changes_detection_and_is_audited(db_session: Session,
                                                            make_user: Callable[..., User]) -> None:
    admin = make_user("admin")
    delivery = find_topic(db_session, "delivery")
    assert delivery is not None
    assert detect_topics("the pigeon lost it", taxonomy_from_spec(taxonomy_spec(db_session))) == ["other"]
    keywords = "\n".join([*delivery.keywords["en"], "pigeon", "pigeon", " "])
    assert edit(db_session, "delivery", admin, keywords_en=keywords)
    assert detect_topics("the pigeon lost it", taxonomy_from_spec(taxonomy_spec(db_session))) == ["delivery"]
    assert detect_topics("the pigeon lost it") == ["other"]  # callers passing nothing keep the shipped file
    assert taxonomy_spec(db_session)["delivery"]["keywords"]["en"][-1] == "pigeon"  # once: duplicates dropped
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "topic.updated")).one()
    assert event.actor_id == admin.id and event.details["topic"] == "delivery"
    assert not edit(db_session, "delivery", admin)  # the same form again changes nothing and is not audited


def test_an_inactive_topic_is_left_out_of_scoring_and_the_relabel_choices(db_session: Session,
                                                                          make_user: Callable[..., User]) -> None:
    assert edit(db_session, "price", make_user("admin"), active=False)
    spec = taxonomy_spec(db_session)
    assert "price" not in spec and "price" not in topic_choices(db_session)
    assert topic_choices(db_session) == [name for name in shipped_taxonomy() if name != "price"]
    assert detect_topics("Way too expensive after the price increase", taxonomy_from_spec(spec)) == ["other"]
    assert "price" not in topic_examples(spec)


def test_an_invalid_edit_names_each_field(db_session: Session) -> None:
    other = find_topic(db_session, "other")
    assert other is not None
    with pytest.raises(TopicInvalid) as raised:
        validate_edit(other, description="  ", active=False, keywords={"en": "ok\n!!!", "ja": "x" * 101},
                      examples={"ko": "\n".join(f"example {n}" for n in range(51))})
    assert set(raised.value.errors) == {"description", "active", "keywords_en", "keywords_ja", "examples_ko"}
    assert "!!!" in raised.value.errors["keywords_en"]


def test_the_scoring_task_reads_the_taxonomy_each_time(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        topic = session.exec(select(Topic).where(Topic.name == "billing")).one()
        topic.active = False
        session.commit()
    assert "billing" not in current_taxonomy(session_factory)
    with session_factory() as session:
        topic = session.exec(select(Topic).where(Topic.name == "billing")).one()
        topic.active = True
        session.commit()
    assert "billing" in current_taxonomy(session_factory)


def letters(texts: list[str]) -> np.ndarray:
    """A stand-in encoder: each text as its counts of a, e, i, o, u (enough to tell prototypes apart)."""
    return np.array([[text.count(v) + 1.0 for v in "aeiou"] for text in texts], dtype=np.float32)


def test_prototypes_are_built_from_a_spec(db_session: Session) -> None:
    spec = taxonomy_spec(db_session)
    prototypes = build_prototypes(letters, spec)
    assert prototypes.names == tuple(name for name in spec if name != "other")  # "other" has no examples
    assert np.allclose(np.linalg.norm(prototypes.vectors, axis=1), 1.0)
    fewer = {name: entry for name, entry in spec.items() if name != "refund"}
    assert "refund" not in build_prototypes(letters, fewer).names


@dataclass
class CountingEmbedder:
    calls: int = 0

    @dataclass
    class Embedded:
        vectors: np.ndarray

    def embed(self, texts: list[str]) -> CountingEmbedder.Embedded:
        self.calls += 1
        return self.Embedded(letters(texts))


def test_the_model_embeds_each_taxonomy_once(db_session: Session) -> None:
    model = E5HeadsModel.__new__(E5HeadsModel)  # the encoder is not loaded: only the prototype cache is under test
    model._prototypes, model.embedder = {}, CountingEmbedder()  # type: ignore[assignment]
    spec = taxonomy_spec(db_session)
    first = model.prototypes(spec)
    assert model.prototypes(taxonomy_spec(db_session)) is first  # the same taxonomy read again: no re-embedding
    edited = {**spec, "refund": {**spec["refund"], "examples": {"en": ["money back please"]}}}
    assert model.prototypes(edited) is not first and model.prototypes(edited) is model.prototypes(edited)
    assert model.prototypes().names == first.names  # the shipped file, as before
