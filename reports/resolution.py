"""Staff mark a complaint resolved (or take the mark back): the reports count a marked complaint as an issue
resolved whatever happened after it. Each change is audited in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models import Mention, Role, User, record_event
from models.base import utcnow


class ResolutionError(ValueError):
    """The user may not change the mark, or the mark is already as asked."""


def mark_resolved(session: Session, mention: Mention, user: User, *, now: datetime | None = None) -> None:
    _check_staff(user)
    if mention.resolved_at is not None:
        raise ResolutionError(f"mention {mention.id} is already marked resolved")
    mention.resolved_at, mention.resolved_by_id = now or utcnow(), user.id
    session.add(mention)
    record_event(session, "mention.resolved", actor=user, mention_id=mention.id)


def unmark_resolved(session: Session, mention: Mention, user: User) -> None:
    _check_staff(user)
    if mention.resolved_at is None:
        raise ResolutionError(f"mention {mention.id} is not marked resolved")
    previous_at, previous_by = mention.resolved_at, mention.resolved_by_id
    mention.resolved_at, mention.resolved_by_id = None, None
    session.add(mention)
    record_event(session, "mention.unresolved", actor=user, mention_id=mention.id,
                 was_resolved_at=previous_at.isoformat(), was_resolved_by_id=previous_by)


def _check_staff(user: User) -> None:
    if not (user.active and user.has_role(Role.agent)):
        raise ResolutionError(f"{user.email} cannot change whether a mention is resolved")
