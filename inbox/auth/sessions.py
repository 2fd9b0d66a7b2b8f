"""Server-side login sessions: the session cookie carries a random token, the database says whether it still counts.

A signed cookie alone cannot be taken back: whoever copied it stayed logged in after logout. With a row per login,
logout, a password change, deactivation and an admin's "sign out everywhere" each revoke rows, and the very next
request with a revoked token is anonymous.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import User
from models.base import utcnow
from models.user import UserSession

MAX_TOKEN_LENGTH = 100


@dataclass(frozen=True)
class LiveSession:
    user: User
    row: UserSession


def start_session(session: Session, user: User) -> str:
    """Record a new login for this user (flushed); returns the token for the session cookie, never stored."""
    if user.id is None:
        raise ValueError("the user must be flushed before it can log in")
    token = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, token_hash=_digest(token)))
    session.flush()
    return token


def resolve_session(session: Session, token: str) -> LiveSession | None:
    """The active user and the unrevoked session row behind this token, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    statement = (select(UserSession, User).join(User, col(User.id) == UserSession.user_id)
                 .where(col(UserSession.token_hash) == _digest(token), col(UserSession.revoked_at).is_(None)))
    found = session.exec(statement).first()
    if found is None or not found[1].active:
        return None
    return LiveSession(user=found[1], row=found[0])


def end_session(session: Session, token: str) -> bool:
    """Revoke the session behind this token (logout). False when it was already gone."""
    result = session.execute(
        sa.update(UserSession)
        .where(col(UserSession.token_hash) == _digest(token), col(UserSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def revoke_sessions(session: Session, user: User) -> int:
    """Revoke every live session of this user; returns how many there were."""
    result = session.execute(
        sa.update(UserSession)
        .where(col(UserSession.user_id) == user.id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def live_session_counts(session: Session, user_ids: list[int]) -> Counter[int]:
    """Unrevoked sessions per user id, for the users page."""
    statement = (select(UserSession.user_id, sa.func.count())
                 .where(col(UserSession.user_id).in_(user_ids), col(UserSession.revoked_at).is_(None))
                 .group_by(col(UserSession.user_id)))
    return Counter({user_id: count for user_id, count in session.exec(statement).all()})


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
