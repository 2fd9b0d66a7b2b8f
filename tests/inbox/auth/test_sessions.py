"""Server-side sessions: a token is stored only as its digest."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select

from inbox.auth.sessions import resolve_session, start_session
from models import User
from models.user import UserSession


def test_a_session_token_is_stored_only_as_its_digest(db_session: Session, make_user: Callable[..., User]) -> None:
    user = make_user(role="agent")
    token = start_session(db_session, user)
    rows = db_session.exec(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert len(rows) == 1 and token not in rows[0].token_hash
    live = resolve_session(db_session, token)
    assert live is not None and live.user.id == user.id
    assert resolve_session(db_session, token + "x") is None
    assert resolve_session(db_session, "") is None
