"""Account changes that end sessions: a password change, an admin's sign-out-everywhere, (de)activation. Audited."""

from __future__ import annotations

from dataclasses import dataclass

from limits.storage import Storage
from sqlmodel import Session, col, select

from inbox.auth.attempts import confirm_password
from inbox.auth.service import check_password, hash_password
from inbox.auth.sessions import live_session_counts, revoke_sessions, start_session
from inbox.auth.throttle import ThrottlePolicy
from models import User, record_event

USERS_PER_PAGE = 100


class WrongPassword(ValueError):
    pass


@dataclass(frozen=True)
class UserRow:
    user: User
    live_sessions: int


@dataclass(frozen=True)
class UserPage:
    rows: list[UserRow]
    next_after: str | None  # the keyset of the next page, None on the last


@dataclass(frozen=True)
class PasswordChange:
    current: str
    new: str
    confirmation: str
    address: str


def change_password(session: Session, store: Storage, policy: ThrottlePolicy, user: User,
                    change: PasswordChange) -> str:
    """Set a new password and end every session of the user, this one too; returns the token of a fresh session
    for the browser that made the change (flushed). Raises ValueError to show, or Throttled."""
    check_password(change.new)
    if change.new != change.confirmation:
        raise ValueError("the new password and its confirmation differ")
    if not confirm_password(session, store, policy, user, change.current, change.address):
        raise WrongPassword("the current password is not right")
    user.password_hash = hash_password(change.new)
    ended = revoke_sessions(session, user)
    record_event(session, "user.password_changed", actor=user, sessions_ended=ended)
    return start_session(session, user)


def sign_out_everywhere(session: Session, actor: User, target: User) -> int:
    """End every session of the target user (flushed); returns how many were live."""
    ended = revoke_sessions(session, target)
    record_event(session, "user.signed_out", actor=actor, user_id=target.id, email=target.email,
                 sessions_ended=ended)
    session.flush()
    return ended


def set_user_active(session: Session, actor: User, target: User, active: bool) -> bool:
    """Activate or deactivate; deactivation ends every session. False when nothing changed."""
    if not active and target.id == actor.id:
        raise ValueError("you cannot deactivate your own account; ask another admin")
    if target.active == active:
        return False
    target.active = active
    ended = 0 if active else revoke_sessions(session, target)
    record_event(session, "user.activated" if active else "user.deactivated", actor=actor, user_id=target.id,
                 email=target.email, sessions_ended=ended)
    session.flush()
    return True


def list_users(session: Session, *, after: str = "", limit: int = USERS_PER_PAGE) -> UserPage:
    """One page of users by email (keyset: the emails after `after`), with their live session counts."""
    statement = select(User).where(col(User.email) > after).order_by(col(User.email)).limit(limit + 1)
    users = list(session.exec(statement).all())
    page = users[:limit]
    counts = live_session_counts(session, [user.id for user in page if user.id is not None])
    rows = [UserRow(user, counts[user.id] if user.id is not None else 0) for user in page]
    return UserPage(rows, page[-1].email if len(users) > limit else None)
