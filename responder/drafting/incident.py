"""Incident mode: while an incident is declared, complaints it covers get one short public reply pointing to the
notice, instead of a per-person "send us your order number" reply that would go out by the hundred.

An admin declares it (the Incident page), possibly from an open alert (alerts.incidents), with an optional topic
(only complaints on it; none: every complaint), the public notice's address and the reply per language (en/ja/ko;
{notice_url} marks where the address goes, else it is appended). At most one incident is active; ending it is
audited like declaring it. Services flush; the caller commits once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models import User, record_event
from models.alert_rule import Alert
from models.base import utcnow
from models.drafting_aids import Incident
from models.errors import Invalid
from responder.drafting.intents import LANGUAGES
from responder.drafting.variables import check_template

MAX_REPLY = 600
MAX_URL = 2000
NOTICE = "{notice_url}"
COVERED_INTENTS = frozenset({"complaint", "mixed"})


@dataclass(frozen=True)
class IncidentSpec:
    topic: str | None
    notice_url: str
    replies: dict[str, str]
    alert_id: int | None


def active_incident(session: Session) -> Incident | None:
    statement = select(Incident).where(col(Incident.ended_at).is_(None)).order_by(col(Incident.id).desc())
    return session.exec(statement).first()


def covers(incident: Incident, intent: str, topics: Sequence[str]) -> bool:
    """A complaint (or a mixed review's criticism) on the incident's topic, or any when it has none."""
    return intent in COVERED_INTENTS and (incident.topic is None or incident.topic in topics)


def reply_text(incident: Incident, language: str) -> str | None:
    """The incident's reply in `language` (English when it has none there), with the notice's address in it."""
    text = incident.replies.get(language) or incident.replies.get("en")
    if not text:
        return None
    return text.replace(NOTICE, incident.notice_url) if NOTICE in text else f"{text} {incident.notice_url}"


def validate(*, topic: str, notice_url: str, replies: Mapping[str, str], alert_id: str = "",
             topics: Sequence[str] = ()) -> IncidentSpec:
    """Check the admin's form; `topics` are the ones offered (an empty topic means every complaint)."""
    errors: dict[str, str] = {}
    topic = topic.strip()
    if topic and topic not in topics:
        errors["topic"] = "Choose a topic from the list, or every complaint."
    notice_url = notice_url.strip()
    parts = urlsplit(notice_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(notice_url) > MAX_URL or " " in notice_url:
        errors["notice_url"] = "Give the public notice's address, starting with https://."
    cleaned = {language: " ".join(text.replace("\x00", "").split()) for language, text in replies.items()
               if language in LANGUAGES and text.strip()}
    if not cleaned:
        errors["replies"] = "Write the short reply in at least one language."
    for language, text in cleaned.items():
        problems = check_template(text.replace(NOTICE, ""))
        if len(text) > MAX_REPLY:
            errors[f"reply_{language}"] = f"At most {MAX_REPLY} characters."
        elif problems:
            errors[f"reply_{language}"] = "; ".join(problems) + "."
    alert = alert_id.strip()
    if alert and not (alert.isascii() and alert.isdigit() and len(alert) <= 18):
        errors["alert_id"] = "An alert is named by its number."
    if errors:
        raise Invalid(errors)
    return IncidentSpec(topic=topic or None, notice_url=notice_url, replies=cleaned,
                        alert_id=int(alert) if alert else None)


def declare(session: Session, spec: IncidentSpec, *, actor: User) -> Incident:
    """Start the incident; refused while another one is active or when the named alert does not exist."""
    current = active_incident(session)
    if current is not None:
        raise Invalid({"incident": f"Incident {current.id} is still active; end it first."})
    if spec.alert_id is not None and session.get(Alert, spec.alert_id) is None:
        raise Invalid({"alert_id": f"There is no alert {spec.alert_id}."})
    incident = Incident(topic=spec.topic, notice_url=spec.notice_url, replies=spec.replies, alert_id=spec.alert_id,
                        started_by_id=actor.id)
    try:
        with session.begin_nested():  # another admin may have declared one since the check above
            session.add(incident)
            session.flush()
    except IntegrityError:
        raise Invalid({"incident": "Another incident was declared a moment ago; end it first."}) from None
    record_event(session, "incident.declared", actor=actor, incident_id=incident.id, topic=spec.topic,
                 notice_url=spec.notice_url, replies=spec.replies, alert_id=spec.alert_id)
    return incident


def end(session: Session, incident: Incident, *, actor: User) -> bool:
    """End the incident; False when it had already ended. Drafts written meanwhile keep their text."""
    if incident.ended_at is not None:
        return False
    incident.ended_at = utcnow()
    incident.ended_by_id = actor.id
    session.flush()
    record_event(session, "incident.ended", actor=actor, incident_id=incident.id, topic=incident.topic)
    return True


def incidents(session: Session, limit: int = 20) -> list[Incident]:
    return list(session.exec(select(Incident).order_by(col(Incident.id).desc()).limit(limit)))
