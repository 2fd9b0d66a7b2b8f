"""Personal API tokens for /api/v1: created once in plain text, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from models import ApiToken, User, record_event
from models.base import utcnow

MAX_TOKEN_NAME_LENGTH = 120
MAX_TOKEN_LENGTH = 200
MAX_ACTIVE_TOKENS = 50
# Writing last_used_at on every call would turn each read-only API request into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def create_api_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """Add a token for this user (flushed); the plain text is returned once and never stored."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_TOKEN_NAME_LENGTH:
        raise ValueError(f"a token name must be 1 to {MAX_TOKEN_NAME_LENGTH} characters")
    if len(active_tokens(session, user)) >= MAX_ACTIVE_TOKENS:
        raise ValueError(f"at most {MAX_ACTIVE_TOKENS} tokens may be active; revoke one first")
    plaintext = secrets.token_urlsafe(32)
    token = ApiToken(user_id=_user_id(user), name=name, token_hash=hash_token(plaintext))
    session.add(token)
    session.flush()
    record_event(session, "api_token.created", actor=user, token_id=token.id, name=name)
    return token, plaintext


def authenticate_token(session: Session, plaintext: str, *, now: datetime | None = None) -> User | None:
    """The active owner of this unrevoked token, or None. Looking up the hash leaks nothing about the token."""
    if not plaintext or len(plaintext) > MAX_TOKEN_LENGTH:
        return None
    digest = hash_token(plaintext)
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    if token is None or token.revoked_at is not None or not hmac.compare_digest(token.token_hash, digest):
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    _touch(token, now or utcnow())
    session.flush()
    return user


def revoke_api_token(session: Session, user: User, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens; None when the user has no such token."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_event(session, "api_token.revoked", actor=user, token_id=token.id, name=token.name)
        session.flush()
    return token


def list_api_tokens(session: Session, user: User) -> list[ApiToken]:
    statement = select(ApiToken).where(ApiToken.user_id == user.id).order_by(col(ApiToken.id).desc())
    return list(session.exec(statement).all())


def active_tokens(session: Session, user: User) -> list[ApiToken]:
    return [token for token in list_api_tokens(session, user) if token.revoked_at is None]


def _touch(token: ApiToken, now: datetime) -> None:
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now


def _user_id(user: User) -> int:
    if user.id is None:
        raise ValueError("the user must be flushed before it can own a token")
    return user.id
