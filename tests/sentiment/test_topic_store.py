"""The workspace's topics: seeded from topics.json, edited and audited, and what keyword and embedding detection
build from them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from models import AuditEvent, Topic, User
from models.errors import Invalid
from models.topic_store import (
    NewTopic,
    active_topic_names,
    create_topic,
    find_topic,
    list_topics,
    move_topic,
    save_topic,
    seed_topics,
    shipped_taxonomy,
    taxonomy_spec,
    validate_edit,
    validate_new,
)
from sentiment.model import E5HeadsModel
from sentiment.tasks import current_taxonomy
from sentiment.topics import build_prototypes, detect_topics, taxonomy_from_spec, topic_examples

SHIPPED_ORDER = ["delivery", "refund", "quality", "billing", "account", "support", "price", "app_bug", "other"]


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
    assert "price" not in spec and "price" not in active_topic_names(db_session)
    assert active_topic_names(db_session) == [name for name in shipped_taxonomy() if name != "price"]
    assert detect_topics("Way too expensive after the price increase", taxonomy_from_spec(spec)) == ["other"]
    assert "price" not in topic_examples(spec)


def test_an_invalid_edit_names_each_field(db_session: Session) -> None:
    other = find_topic(db_session, "other")
    assert other is not None
    with pytest.raises(Invalid) as raised:
        validate_edit(other, description="  ", active=False, keywords={"en": "ok\n!!!", "ja": "x" * 101},
                      examples={"ko": "\n".join(f"example {n}" for n in range(51))})
    assert set(raised.value.errors) == {"description", "active", "keywords_en", "keywords_ja", "examples_ko"}
    assert "!!!" in raised.value.errors["keywords_en"]


def new_topic(session: Session, name: str = "warranty", **changes: str) -> NewTopic:
    """The new-topic form filled in for a warranty topic with keywords and no example sentences."""
    form = {"description": "warranty claims and repairs", "keywords_en": "warranty\nguarantee",
            "keywords_ja": "保証", "keywords_ko": "", "examples_en": "", "examples_ja": "", "examples_ko": "",
            **changes}
    return validate_new(session, name=name, description=form["description"], active=True,
                        keywords={lang: form[f"keywords_{lang}"] for lang in ("en", "ja", "ko")},
                        examples={lang: form[f"examples_{lang}"] for lang in ("en", "ja", "ko")})


def names(session: Session) -> list[str]:
    return [topic.name for topic in list_topics(session)]


def test_a_new_topic_goes_last_is_detected_offered_and_audited(db_session: Session,
                                                               make_user: Callable[..., User]) -> None:
    admin = make_user("admin")
    topic = create_topic(db_session, new_topic(db_session, " warranty "), actor=admin)
    assert names(db_session) == [*SHIPPED_ORDER, "warranty"] and topic.position == len(SHIPPED_ORDER)
    spec = taxonomy_spec(db_session)
    assert spec["warranty"] == {"description": "warranty claims and repairs",
                                "keywords": {"en": ["warranty", "guarantee"], "ja": ["保証"]}, "examples": {}}
    assert detect_topics("Is this still under warranty?", taxonomy_from_spec(spec)) == ["warranty"]
    assert detect_topics("保証期間内です", taxonomy_from_spec(spec)) == ["warranty"]
    assert "warranty" in active_topic_names(db_session)
    assert "warranty" not in active_topic_names()  # without a session: the shipped taxonomy
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "topic.created")).one()
    assert event.actor_id == admin.id and event.details == {
        "topic": "warranty", "description": "warranty claims and repairs", "active": True,
        "keywords": {"en": ["warranty", "guarantee"], "ja": ["保証"]}, "examples": {}, "position": topic.position}


def test_a_new_topic_may_start_switched_off(db_session: Session, make_user: Callable[..., User]) -> None:
    parsed = validate_new(db_session, name="warranty", description="warranty claims", active=False,
                          keywords={"en": "warranty"}, examples={})
    create_topic(db_session, parsed, actor=make_user("admin"))
    assert "warranty" in names(db_session) and "warranty" not in taxonomy_spec(db_session)


@pytest.mark.parametrize("name", ["", "w", "Warranty", "1st_topic", "_warranty", "war ranty", "war-ranty",
                                  "garantía", "x" * 41, "保証"])
def test_a_new_topic_needs_a_lowercase_slug_for_a_name(db_session: Session, name: str) -> None:
    with pytest.raises(Invalid) as raised:
        new_topic(db_session, name)
    assert set(raised.value.errors) == {"name"} and "lowercase letters" in raised.value.errors["name"]


def test_a_new_topic_name_must_be_unused_even_by_a_topic_switched_off(db_session: Session,
                                                                       make_user: Callable[..., User]) -> None:
    assert new_topic(db_session, "x" * 40).name == "x" * 40 and new_topic(db_session, "a1").name == "a1"
    with pytest.raises(Invalid) as raised:
        new_topic(db_session, "delivery", description=" ", keywords_en="???")
    assert raised.value.errors == {"name": "there is already a topic delivery",
                                   "description": "write a description of 1 to 500 characters",
                                   "keywords_en": "a keyword needs a letter or digit: ???"}
    assert edit(db_session, "price", make_user("admin"), active=False)
    with pytest.raises(Invalid, match=r"already a topic price \(switched off"):
        new_topic(db_session, "price")


def test_moving_a_topic_swaps_it_with_its_neighbour_and_is_audited(db_session: Session,
                                                                    make_user: Callable[..., User]) -> None:
    admin = make_user("admin")
    refund = find_topic(db_session, "refund")
    assert refund is not None
    neighbour = move_topic(db_session, refund, "up", actor=admin)
    assert neighbour is not None and neighbour.name == "delivery"
    assert names(db_session)[:3] == ["refund", "delivery", "quality"]
    assert list(taxonomy_spec(db_session))[:2] == ["refund", "delivery"]  # detection follows the order
    assert detect_topics("My package never arrived and I want a refund",
                         taxonomy_from_spec(taxonomy_spec(db_session))) == ["refund", "delivery"]
    moved = move_topic(db_session, refund, "down", actor=admin)
    assert moved is not None and moved.name == "delivery" and names(db_session) == SHIPPED_ORDER
    events = db_session.exec(select(AuditEvent).where(AuditEvent.action == "topic.moved")
                             .order_by(col(AuditEvent.id))).all()
    assert [event.details for event in events] == [{"topic": "refund", "from": 1, "to": 0},
                                                   {"topic": "refund", "from": 0, "to": 1}]
    assert all(event.actor_id == admin.id for event in events)


def test_moving_past_either_end_changes_nothing(db_session: Session, make_user: Callable[..., User]) -> None:
    admin = make_user("admin")
    first, last = find_topic(db_session, SHIPPED_ORDER[0]), find_topic(db_session, SHIPPED_ORDER[-1])
    assert first is not None and last is not None
    assert move_topic(db_session, first, "up", actor=admin) is None
    assert move_topic(db_session, last, "down", actor=admin) is None
    assert names(db_session) == SHIPPED_ORDER
    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "topic.moved")).first() is None
    with pytest.raises(ValueError, match="direction"):
        move_topic(db_session, first, "sideways", actor=admin)


def test_moving_works_when_positions_tie_and_a_new_topic_moves_too(db_session: Session,
                                                                   make_user: Callable[..., User]) -> None:
    admin = make_user("admin")
    for topic in list_topics(db_session):  # say an old import left every position at 0: the list is then by id
        topic.position = 0
        db_session.add(topic)
    warranty = create_topic(db_session, new_topic(db_session), actor=admin)
    assert warranty.position == 1 and names(db_session)[-1] == "warranty"
    assert move_topic(db_session, warranty, "up", actor=admin) is not None
    assert names(db_session) == [*SHIPPED_ORDER[:-1], "warranty", "other"]
    assert [topic.position for topic in list_topics(db_session)] == list(range(len(SHIPPED_ORDER) + 1))


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

    def embed(self, texts: list[str], languages: list[str] | None = None) -> CountingEmbedder.Embedded:
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
