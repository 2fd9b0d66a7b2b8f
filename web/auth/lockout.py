"""Account lockout: five failed logins in a row lock the account for fifteen minutes.

Counters move with conditional UPDATEs so that parallel guesses cannot slip past the limit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from models import User, record_event

MAX_FAILED_LOGINS = 5
LOCKOUT_PERIOD = timedelta(minutes=15)


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def record_failure(session: Session, user: User, now: datetime) -> None:
    """Count one failed login and lock the account when the count reaches the limit (flushed)."""
    session.execute(
        sa.update(User).where(col(User.id) == user.id).values(failed_logins=col(User.failed_logins) + 1)
    )
    # The counter restarts with the lock, so the account gets a fresh five attempts once it expires.
    locked = session.execute(
        sa.update(User)
        .where(col(User.id) == user.id, col(User.failed_logins) >= MAX_FAILED_LOGINS)
        .values(failed_logins=0, locked_until=now + LOCKOUT_PERIOD)
    )
    session.refresh(user)
    if locked.rowcount:  # type: ignore[attr-defined]
        record_event(session, "user.locked", actor=user, until=(now + LOCKOUT_PERIOD).isoformat())
        session.flush()


def record_success(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
