"""Who else has a mention open: views are recorded as throttled "mention.viewed" audit events, so presence
is shared by every web process through the database without a table of its own.

Leaving the page is a view event too, marked `left` (the page sends it as it goes away), so a viewer disappears at
once rather than when the window runs out; the window is only for pages that could not say goodbye (a crash, a
lost connection). Both are presence pings that the history and the audit export leave out by their action.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from models import AuditEvent, User, record_event
from models.base import utcnow

VIEW_ACTION = "mention.viewed"
VIEW_THROTTLE = timedelta(minutes=1)
POLL_INTERVAL = timedelta(seconds=30)  # the open page's presence poll (queue/_presence.html)
# Long enough for a viewer's newest ping to be at most a throttle plus a poll old, and no longer.
PRESENCE_WINDOW = VIEW_THROTTLE + POLL_INTERVAL + timedelta(seconds=15)


def record_view(session: Session, mention_id: int, user: User, *, now: datetime | None = None) -> bool:
    """At most one view event per user and mention per minute, unless they left since; True when one was written."""
    now = now or utcnow()
    latest = _latest_ping(session, mention_id, user, since=now - VIEW_THROTTLE)
    if latest is not None and not latest.details.get("left"):
        return False
    record_event(session, VIEW_ACTION, actor=user, mention_id=mention_id).at = now
    return True


def record_leave(session: Session, mention_id: int, user: User, *, now: datetime | None = None) -> None:
    record_event(session, VIEW_ACTION, actor=user, mention_id=mention_id, left=True).at = now or utcnow()


def other_viewers(session: Session, mention_id: int, user: User, *, now: datetime | None = None) -> list[str]:
    """Everyone but `user` whose newest ping within the window is a view, not a leave."""
    since = (now or utcnow()) - PRESENCE_WINDOW
    statement = select(AuditEvent).where(
        AuditEvent.action == VIEW_ACTION, AuditEvent.mention_id == mention_id, AuditEvent.actor_id != user.id,
        col(AuditEvent.at) >= since,
    ).order_by(col(AuditEvent.at), col(AuditEvent.id))
    newest = {event.actor_id: event for event in session.exec(statement)}
    return sorted({event.actor for event in newest.values() if not event.details.get("left")})


def _latest_ping(session: Session, mention_id: int, user: User, *, since: datetime) -> AuditEvent | None:
    statement = select(AuditEvent).where(
        AuditEvent.action == VIEW_ACTION, AuditEvent.mention_id == mention_id, AuditEvent.actor_id == user.id,
        col(AuditEvent.at) >= since,
    ).order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(1)
    return session.exec(statement).first()
