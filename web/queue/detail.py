"""What the mention page shows: the mention, its current reply, and its audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from models import AuditEvent, Mention, Reply
from responder.service import open_reply

MAX_AUDIT_EVENTS = 500


@dataclass(frozen=True)
class Conflict:
    """A save or approve that lost a race: the stored text and what this user submitted, side by side."""

    stored_text: str
    submitted_text: str


@dataclass(frozen=True)
class MentionDetail:
    mention: Mention
    reply: Reply | None  # the open (or posted) reply; None when the last one was rejected or failed
    last_closed: Reply | None
    events: list[AuditEvent]


def mention_detail(session: Session, mention: Mention) -> MentionDetail:
    reply = open_reply(session, mention)
    last_closed = None if reply is not None else latest_reply(session, mention)
    return MentionDetail(mention, reply, last_closed, audit_trail(session, mention))


def latest_reply(session: Session, mention: Mention) -> Reply | None:
    statement = select(Reply).where(Reply.mention_id == mention.id).order_by(col(Reply.id).desc())
    return session.exec(statement).first()


def audit_trail(session: Session, mention: Mention, limit: int = MAX_AUDIT_EVENTS) -> list[AuditEvent]:
    statement = (select(AuditEvent).where(AuditEvent.mention_id == mention.id)
                 .order_by(col(AuditEvent.at), col(AuditEvent.id)).limit(limit))
    return list(session.exec(statement).all())
