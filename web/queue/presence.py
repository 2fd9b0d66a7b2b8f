"""Who else has a mention open: views are recorded as throttled "mention.viewed" audit events, so presence
is shared by every web process through the database without a table of its own."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from models import AuditEvent, User, record_event
from models.base import utcnow

VIEW_ACTION = "mention.viewed"
VIEW_THROTTLE = timedelta(minutes=1)
PRESENCE_WINDOW = timedelta(minutes=2)


def record_view(session: Session, mention_id: int, user: User, *, now: datetime | None = None) -> bool:
    """At most one view event per user and mention per minute; True when one was written."""
    now = now or utcnow()
    recent = select(AuditEvent.id).where(
        AuditEvent.action == VIEW_ACTION, AuditEvent.mention_id == mention_id, AuditEvent.actor_id == user.id,
        col(AuditEvent.at) >= now - VIEW_THROTTLE,
    ).limit(1)
    if session.exec(recent).first() is not None:
        return False
    event = record_event(session, VIEW_ACTION, actor=user, mention_id=mention_id)
    event.at = now
    return True


def other_viewers(session: Session, mention_id: int, user: User, *, now: datetime | None = None) -> list[str]:
    since = (now or utcnow()) - PRESENCE_WINDOW
    statement = select(AuditEvent.actor).where(
        AuditEvent.action == VIEW_ACTION, AuditEvent.mention_id == mention_id, AuditEvent.actor_id != user.id,
        col(AuditEvent.at) >= since,
    ).distinct().order_by(col(AuditEvent.actor))
    return list(session.exec(statement).all())
