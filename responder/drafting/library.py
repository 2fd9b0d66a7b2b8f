"""The saved-reply library: the starter set (en/ja/ko) for a new workspace, and the admin's list, add, edit and
(de)activate, each audited. Services flush; the caller commits once."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, func, select

from listener.platforms import NETWORK_NAMES
from models import Reply, SavedReply, User, record_event
from models.audit import apply_audited_changes
from models.errors import Invalid
from models.mention import SENTIMENT_LABELS
from models.topic_store import active_topic_names
from responder.drafting.intents import CHANNELS, SAVED_REPLY_INTENTS
from responder.drafting.variables import check_template

STARTER_FILE = Path(__file__).resolve().parent / "saved_replies.json"
# The 39 starters shipped before issue 19 (names and texts frozen): a workspace still holding one unedited
# gets it deactivated when the new starters load, so the old "DM us" / "@handle様" wordings stop drafting.
RETIRED_STARTER_FILE = Path(__file__).resolve().parent / "retired_starters.json"
LANGUAGES = {"en": "English", "ja": "Japanese", "ko": "Korean"}
MAX_BODY = 5000
MAX_VARIANTS = 10


@dataclass(frozen=True)
class StarterLoad:
    added: int
    reworded: int  # starters saved before other wordings existed, given the shipped ones
    retired: int = 0  # unedited old starters deactivated


def load_starter_saved_replies(session: Session) -> StarterLoad:
    """Add the starter replies that the workspace does not have yet (by name), and give a starter it has the
    shipped other wordings when it still has the shipped body and none of its own: an admin's edit is kept."""
    starters = json.loads(STARTER_FILE.read_text(encoding="utf-8"))
    existing: dict[str, list[SavedReply]] = defaultdict(list)
    names = [entry["name"] for entry in starters]
    for saved in session.exec(select(SavedReply).where(col(SavedReply.name).in_(names))):
        existing[saved.name].append(saved)
    added = reworded = 0
    for entry in starters:
        rows = existing.get(entry["name"], [])
        if not rows:
            session.add(SavedReply(**entry))
            added += 1
        for saved in rows:
            reworded += _add_starter_wordings(session, saved, entry)
    session.flush()
    return StarterLoad(added=added, reworded=reworded, retired=retire_old_starters(session))


def retire_old_starters(session: Session) -> int:
    """Deactivate each active old starter nobody edited (its frozen body, and its frozen wordings or none)."""
    retired = {entry["name"]: entry for entry in json.loads(RETIRED_STARTER_FILE.read_text(encoding="utf-8"))}
    count = 0
    for saved in session.exec(select(SavedReply).where(col(SavedReply.name).in_(list(retired)),
                                                       col(SavedReply.active))):
        frozen = retired[saved.name]
        if saved.body != frozen["body"] or (saved.variants or []) not in ([], frozen["variants"]):
            continue
        saved.active = False
        record_event(session, "saved_reply.deactivated", saved_reply_id=saved.id, name=saved.name,
                     reason="an unedited starter replaced by the issue-19 starters")
        count += 1
    session.flush()
    return count


def _add_starter_wordings(session: Session, saved: SavedReply, entry: dict[str, Any]) -> bool:
    if saved.body != entry["body"] or saved.variants or not entry["variants"]:
        return False
    saved.variants = list(entry["variants"])
    record_event(session, "saved_reply.updated", saved_reply_id=saved.id, variants=saved.variants)
    return True


@dataclass(frozen=True)
class SavedReplySpec:
    name: str
    language: str
    topic: str | None
    sentiment: str | None
    network: str | None
    body: str
    variants: list[str]
    intent: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class Filters:
    language: str | None = None
    topic: str | None = None
    sentiment: str | None = None
    network: str | None = None
    include_inactive: bool = False
    intent: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class SavedReplyRow:
    saved: SavedReply
    drafts: int  # how many drafts it has made (also what rotates its wordings)


def validate(*, name: str, language: str, topic: str, sentiment: str, network: str, body: str,
             variants: str, topics: Sequence[str] | None = None, intent: str = "",
             channel: str = "") -> SavedReplySpec:
    """Check the admin's form: `variants` is one wording per block, blocks separated by a line holding only ---.
    Empty topic/sentiment/network/intent/channel mean "any"; `topics` are the ones offered (default: the shipped
    taxonomy's)."""
    errors: dict[str, str] = {}
    name = name.strip()
    if not 1 <= len(name) <= 120:
        errors["name"] = "A name is 1 to 120 characters."
    if language not in LANGUAGES:
        errors["language"] = "Choose one of " + ", ".join(LANGUAGES) + "."
    if topic and topic not in (active_topic_names() if topics is None else topics):
        errors["topic"] = "Choose a topic from the list, or any."
    if sentiment and sentiment not in SENTIMENT_LABELS:
        errors["sentiment"] = "Choose negative, neutral or positive, or any."
    if network and network not in NETWORK_NAMES:
        errors["network"] = "Choose a network from the list, or any."
    if intent and intent not in SAVED_REPLY_INTENTS:
        errors["intent"] = "Choose " + ", ".join(SAVED_REPLY_INTENTS) + ", or any."
    if channel and channel not in CHANNELS:
        errors["channel"] = "Choose store or social, or any."
    body = _clean(body)
    _check_wording("body", body, errors)
    wordings = split_variants(variants)
    if len(wordings) > MAX_VARIANTS:
        errors["variants"] = f"At most {MAX_VARIANTS} other wordings."
    for number, wording in enumerate(wordings, start=1):
        _check_wording("variants", wording, errors, label=f"Wording {number}: ")
    if errors:
        raise Invalid(errors)
    return SavedReplySpec(name=name, language=language, topic=topic or None, sentiment=sentiment or None,
                          network=network or None, body=body, variants=wordings, intent=intent or None,
                          channel=channel or None)


def _clean(text: str) -> str:
    return text.replace("\x00", "").replace("\r\n", "\n").strip()


def _check_wording(field: str, text: str, errors: dict[str, str], *, label: str = "") -> None:
    if field in errors:
        return
    if not text:
        errors[field] = label + "The reply text is empty."
    elif len(text) > MAX_BODY:
        errors[field] = label + f"At most {MAX_BODY} characters."
    elif problems := check_template(text):
        errors[field] = label + "; ".join(problems) + "."


def split_variants(raw: str) -> list[str]:
    blocks: list[list[str]] = [[]]
    for line in _clean(raw).split("\n"):
        if line.strip() == "---":
            blocks.append([])
        else:
            blocks[-1].append(line)
    return [text for text in ("\n".join(block).strip() for block in blocks) if text]


def join_variants(variants: list[str] | None) -> str:
    return "\n---\n".join(variants or [])


def create_saved_reply(session: Session, spec: SavedReplySpec, *, actor: User) -> SavedReply:
    saved = SavedReply(**_values(spec))
    session.add(saved)
    session.flush()
    record_event(session, "saved_reply.created", actor=actor, saved_reply_id=saved.id, **_values(spec))
    return saved


def update_saved_reply(session: Session, saved: SavedReply, spec: SavedReplySpec, *, actor: User) -> bool:
    """Apply the form; False when nothing changed. Drafts already made keep their text."""
    return bool(apply_audited_changes(session, saved, _values(spec), "saved_reply.updated", actor=actor,
                                      saved_reply_id=saved.id))


def set_active(session: Session, saved: SavedReply, active: bool, *, actor: User) -> bool:
    if saved.active == active:
        return False
    saved.active = active
    session.flush()
    record_event(session, "saved_reply.activated" if active else "saved_reply.deactivated", actor=actor,
                 saved_reply_id=saved.id, name=saved.name)
    return True


def _values(spec: SavedReplySpec) -> dict[str, Any]:
    values = {field.name: getattr(spec, field.name) for field in fields(spec)}
    values["variants"] = values["variants"] or None
    return values


def saved_reply_rows(session: Session, filters: Filters) -> list[SavedReplyRow]:
    drafts = (select(Reply.saved_reply_id, func.count().label("drafts")).where(col(Reply.saved_reply_id).is_not(None))
              .group_by(col(Reply.saved_reply_id)).subquery())
    statement = select(SavedReply, func.coalesce(drafts.c.drafts, 0)).outerjoin(
        drafts, drafts.c.saved_reply_id == SavedReply.id)
    for name in ("language", "topic", "sentiment", "network", "intent", "channel"):
        wanted = getattr(filters, name)
        if wanted == "any":  # the rows that apply to any value of this field
            statement = statement.where(col(getattr(SavedReply, name)).is_(None))
        elif wanted:
            statement = statement.where(col(getattr(SavedReply, name)) == wanted)
    if not filters.include_inactive:
        statement = statement.where(col(SavedReply.active))
    statement = statement.order_by(col(SavedReply.language), col(SavedReply.name), col(SavedReply.id))
    return [SavedReplyRow(saved, int(count)) for saved, count in session.exec(statement).all()]
