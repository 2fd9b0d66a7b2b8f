"""API tokens: stored as hashes, named, bounded, refused once revoked or their owner is inactive."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from inbox.auth.tokens import MAX_ACTIVE_TOKENS, authenticate_token, create_api_token, revoke_api_token
from models import AuditEvent, User
from models.base import utcnow


def test_token_is_stored_only_as_its_hash(db_session: Session, make_user: Callable[..., User]) -> None:
    user = make_user(role="viewer")
    token, plaintext = create_api_token(db_session, user, "  reporting   script ")
    assert token.name == "reporting script"
    assert len(plaintext) >= 43
    assert token.token_hash == hashlib.sha256(plaintext.encode()).hexdigest() != plaintext
    assert authenticate_token(db_session, plaintext) == user
    assert authenticate_token(db_session, plaintext + "x") is None
    assert authenticate_token(db_session, "") is None
    assert authenticate_token(db_session, "x" * 10_000) is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_token_name_is_required_and_bounded(db_session: Session, make_user: Callable[..., User], name: str) -> None:
    with pytest.raises(ValueError, match="token name"):
        create_api_token(db_session, make_user(), name)


def test_active_tokens_are_bounded(db_session: Session, make_user: Callable[..., User]) -> None:
    user = make_user()
    for number in range(MAX_ACTIVE_TOKENS):
        create_api_token(db_session, user, f"token {number}")
    with pytest.raises(ValueError, match="at most"):
        create_api_token(db_session, user, "one too many")


def test_last_used_is_written_at_most_once_a_minute(db_session: Session, make_user: Callable[..., User]) -> None:
    token, plaintext = create_api_token(db_session, make_user(), "ci")
    start = utcnow()
    authenticate_token(db_session, plaintext, now=start)
    assert token.last_used_at == start
    authenticate_token(db_session, plaintext, now=start + timedelta(seconds=30))
    assert token.last_used_at == start
    later = start + timedelta(seconds=61)
    authenticate_token(db_session, plaintext, now=later)
    assert token.last_used_at == later


def test_revoked_tokens_and_inactive_users_are_refused(db_session: Session, make_user: Callable[..., User]) -> None:
    owner, other = make_user(), make_user()
    token, plaintext = create_api_token(db_session, owner, "ci")
    assert token.id is not None
    assert revoke_api_token(db_session, other, token.id) is None  # not theirs
    assert authenticate_token(db_session, plaintext) == owner
    owner.active = False
    assert authenticate_token(db_session, plaintext) is None
    owner.active = True
    assert revoke_api_token(db_session, owner, token.id) is token and token.revoked_at is not None
    assert authenticate_token(db_session, plaintext) is None
    events = db_session.exec(select(AuditEvent.action).where(AuditEvent.actor_id == owner.id)).all()
    assert events == ["api_token.created", "api_token.revoked"]
