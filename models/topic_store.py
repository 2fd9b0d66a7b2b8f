"""The workspace's complaint topics: Topic rows seeded from the shipped taxonomy, and the admin's additions,
edits and reordering (a topic is never deleted: switched off, mentions keep its name).

This lives beside the tables rather than in the sentiment package because the web process must not import the
model code: the admin page and the relabel form read topics here, and scoring reads `taxonomy_spec` each round.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, func, select

from models.audit import record_event
from models.base import utcnow
from models.errors import Invalid
from models.topic import Topic
from models.user import User

SHIPPED_PATH = Path(__file__).resolve().parents[1] / "sentiment" / "data" / "topics.json"  # the shipped taxonomy
FALLBACK = "other"  # what a complaint with no other topic is filed under, so always active
LANGUAGES = ("en", "ja", "ko", "zh")
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")  # a new topic's name, matched whole: the key mentions store
DIRECTIONS = ("up", "down")
MAX_DESCRIPTION_CHARS = 500
MAX_KEYWORDS = 200
MAX_KEYWORD_CHARS = 100
MAX_EXAMPLES = 50
MAX_EXAMPLE_CHARS = 300

Spec = Mapping[str, Mapping[str, Any]]  # topics.json's shape: name -> description, keywords, examples by language


@dataclass(frozen=True)
class TopicEdit:
    """What the admin may change on a topic."""

    description: str
    active: bool
    keywords: dict[str, list[str]]
    examples: dict[str, list[str]]


@dataclass(frozen=True)
class NewTopic(TopicEdit):
    """A topic the admin adds: its name (fixed once created) and the values every topic has."""

    name: str


def shipped_taxonomy() -> Spec:
    data: Spec = json.loads(SHIPPED_PATH.read_text(encoding="utf-8"))
    return data


def shipped_rows() -> list[dict[str, Any]]:
    """Each shipped topic as Topic column values, in the file's order."""
    return [{"name": name, "description": spec["description"], "keywords": spec.get("keywords") or {},
             "examples": spec.get("examples") or {}, "position": position, "active": True}
            for position, (name, spec) in enumerate(shipped_taxonomy().items())]


def seed_topics(session: Session) -> int:
    """Store every shipped topic the table lacks, after the stored ones; returns how many were added."""
    stored = session.exec(select(Topic.name, Topic.position)).all()
    known = {name for name, _ in stored}
    after = max((position for _, position in stored), default=-1) + 1
    missing = [row for row in shipped_rows() if row["name"] not in known]
    for offset, row in enumerate(missing):
        session.add(Topic(**{**row, "position": after + offset}))
    session.flush()
    return len(missing)


def list_topics(session: Session) -> list[Topic]:
    """Every topic, active or not, in the taxonomy's order."""
    return list(session.exec(select(Topic).order_by(col(Topic.position), col(Topic.id))).all())


def active_topic_names(session: Session | None = None) -> list[str]:
    """The topics staff can pick (relabelling, saved replies) and scoring detects, in the taxonomy's order: the
    workspace's active ones (the admin's /topics page); without a session, the shipped taxonomy's."""
    if session is None:
        return list(shipped_taxonomy())
    return [topic.name for topic in list_topics(session) if topic.active]


def find_topic(session: Session, name: str) -> Topic | None:
    return session.exec(select(Topic).where(Topic.name == name)).first()


def taxonomy_spec(session: Session) -> Spec:
    """The active topics in topics.json's shape, in order: what sentiment.topics builds keywords and prototypes from."""
    return {topic.name: {"description": topic.description, "keywords": dict(topic.keywords),
                         "examples": dict(topic.examples)}
            for topic in list_topics(session) if topic.active}


def validate_edit(topic: Topic, *, description: str, active: bool, keywords: dict[str, str],
                  examples: dict[str, str]) -> TopicEdit:
    """Form text (one keyword or example per line, per language) -> TopicEdit, or Invalid naming each field."""
    errors: dict[str, str] = {}
    if not active and topic.name == FALLBACK:
        errors["active"] = f"{FALLBACK} is where complaints with no other topic go, so it stays active"
    return _checked(errors, description=description, active=active, keywords=keywords, examples=examples)


def validate_new(session: Session, *, name: str, description: str, active: bool, keywords: dict[str, str],
                 examples: dict[str, str]) -> NewTopic:
    """The new-topic form -> NewTopic, or Invalid naming each field (the name is checked against the table)."""
    errors: dict[str, str] = {}
    name = name.strip()
    name_error = _name_error(session, name)
    if name_error:
        errors["name"] = name_error
    edit = _checked(errors, description=description, active=active, keywords=keywords, examples=examples)
    return NewTopic(name=name, **asdict(edit))


def _name_error(session: Session, name: str) -> str | None:
    if not NAME_PATTERN.fullmatch(name):
        return ("a name is 2 to 40 characters: lowercase letters a-z, digits and _, starting with a letter "
                "(it is the key stored on each mention)")
    existing = find_topic(session, name)
    if existing is None:
        return None
    return f"there is already a topic {name}" + ("" if existing.active else " (switched off: edit it to switch it on)")


def _checked(errors: dict[str, str], *, description: str, active: bool, keywords: dict[str, str],
             examples: dict[str, str]) -> TopicEdit:
    """The fields both topic forms share, parsed; Invalid with theirs and the caller's `errors` if any."""
    description = description.strip()
    if not description or len(description) > MAX_DESCRIPTION_CHARS:
        errors["description"] = f"write a description of 1 to {MAX_DESCRIPTION_CHARS} characters"
    parsed_keywords = {language: _keywords(keywords.get(language, ""), f"keywords_{language}", errors)
                       for language in LANGUAGES}
    parsed_examples = {language: _lines(examples.get(language, ""), f"examples_{language}", errors,
                                        MAX_EXAMPLES, MAX_EXAMPLE_CHARS) for language in LANGUAGES}
    if errors:
        raise Invalid(errors)
    return TopicEdit(description, active, parsed_keywords, parsed_examples)


def _lines(raw: str, field: str, errors: dict[str, str], most: int, longest: int) -> list[str]:
    lines = list(dict.fromkeys(line.strip() for line in raw.splitlines() if line.strip()))
    if len(lines) > most or any(len(line) > longest for line in lines):
        errors[field] = f"at most {most} lines of {longest} characters"
    return lines


def _keywords(raw: str, field: str, errors: dict[str, str]) -> list[str]:
    """Keywords are matched literally (escaped), ignoring case; one with no letter or digit would match noise."""
    keywords = _lines(raw, field, errors, MAX_KEYWORDS, MAX_KEYWORD_CHARS)
    unusable = [keyword for keyword in keywords if not any(character.isalnum() for character in keyword)]
    if unusable and field not in errors:
        errors[field] = f"a keyword needs a letter or digit: {', '.join(unusable)[:200]}"
    return keywords


def save_topic(session: Session, topic: Topic, edit: TopicEdit, *, actor: User) -> bool:
    """Store the edit on the topic's row and audit it; False if it changes nothing."""
    keywords = _merged(topic.keywords, edit.keywords)
    examples = _merged(topic.examples, edit.examples)
    if (topic.description, topic.active, topic.keywords, topic.examples) == (edit.description, edit.active,
                                                                             keywords, examples):
        return False
    topic.description, topic.active, topic.keywords, topic.examples = edit.description, edit.active, keywords, examples
    topic.updated_at = utcnow()
    session.add(topic)
    session.flush()
    record_event(session, "topic.updated", actor=actor, topic=topic.name, description=edit.description,
                 active=edit.active, keywords=keywords, examples=examples)
    return True


def create_topic(session: Session, new: NewTopic, *, actor: User) -> Topic:
    """Store the new topic after all the others and audit it with its values."""
    last = session.exec(select(func.max(Topic.position))).one()
    topic = Topic(name=new.name, description=new.description, active=new.active, keywords=_merged({}, new.keywords),
                  examples=_merged({}, new.examples), position=(-1 if last is None else last) + 1)
    session.add(topic)
    session.flush()
    record_event(session, "topic.created", actor=actor, topic=topic.name, description=topic.description,
                 active=topic.active, keywords=topic.keywords, examples=topic.examples, position=topic.position)
    return topic


def move_topic(session: Session, topic: Topic, direction: str, *, actor: User) -> Topic | None:
    """Swap the topic with its neighbour in list order ("up" or "down") and audit it; returns the neighbour, or
    None when the topic is already at that end. Positions are renumbered 0.. so that ties cannot stall a swap."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}")
    order = list_topics(session)
    here = [row.id for row in order].index(topic.id)
    there = here - 1 if direction == "up" else here + 1
    if not 0 <= there < len(order):
        return None
    before = topic.position
    order[here], order[there] = order[there], order[here]
    _renumber(session, order)
    record_event(session, "topic.moved", actor=actor, topic=topic.name, **{"from": before, "to": topic.position})
    return order[here]


def _renumber(session: Session, order: list[Topic]) -> None:
    for position, row in enumerate(order):
        if row.position != position:
            row.position = position
            session.add(row)
    session.flush()


def _merged(stored: dict[str, list[str]], edited: dict[str, list[str]]) -> dict[str, list[str]]:
    """The form's languages replace the stored ones; a language the form does not show is kept; empty ones go."""
    merged = {**stored, **edited}
    return {language: words for language, words in merged.items() if words}
