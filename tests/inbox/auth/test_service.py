"""Accounts: hashing, validation on create, authentication."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session

from inbox.auth.service import authenticate, create_user, hash_password, verify_password
from models import User


def test_hash_and_verify_password() -> None:
    hashed = hash_password("a long enough password")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "a long enough password")
    assert not verify_password(hashed, "a wrong password!")
    assert not verify_password("not a hash", "anything at all")


def test_create_user_normalises_email_and_defaults_to_agent(db_session: Session) -> None:
    user = create_user(db_session, "  Ana@Example.COM ", "correct horse battery")
    assert user.id is not None
    assert user.email == "ana@example.com"
    assert user.role == "agent"
    assert user.password_hash != "correct horse battery"


@pytest.mark.parametrize(
    ("email", "password", "role", "message"),
    [
        ("not-an-email", "correct horse battery", "agent", "not a valid email"),
        ("a b@example.com", "correct horse battery", "agent", "not a valid email"),
        ("ana@example.com", "short", "agent", "at least 10 characters"),
        ("ana@example.com", "correct horse battery", "superuser", "unknown role"),
    ],
)
def test_create_user_rejects_bad_input(db_session: Session, email: str, password: str, role: str,
                                       message: str) -> None:
    with pytest.raises(ValueError, match=message):
        create_user(db_session, email, password, role=role)


def test_create_user_rejects_duplicate_email(db_session: Session) -> None:
    create_user(db_session, "ana@example.com", "correct horse battery")
    with pytest.raises(ValueError, match="already exists"):
        create_user(db_session, "ANA@example.com", "another good password")


def test_authenticate(db_session: Session, make_user: Callable[..., User]) -> None:
    user = make_user(role="agent", password="correct horse battery")
    assert authenticate(db_session, user.email.upper(), "correct horse battery") == user
    assert authenticate(db_session, user.email, "wrong password here") is None
    assert authenticate(db_session, "nobody@example.com", "correct horse battery") is None


def test_inactive_user_cannot_authenticate(db_session: Session, make_user: Callable[..., User]) -> None:
    user = make_user(role="agent")
    user.active = False
    db_session.flush()
    assert authenticate(db_session, user.email, "correct horse battery") is None
