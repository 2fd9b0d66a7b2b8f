"""Staff accounts: password hashing (argon2id), account creation with validation, authentication."""

from __future__ import annotations

import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from models import Role, User

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
MAX_EMAIL_LENGTH = 254
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_user(session: Session, email: str, password: str, role: str | Role = Role.agent) -> User:
    """Validate and add a user (flushed). Raises ValueError with a message fit to show the operator."""
    email = normalize_email(email)
    _check_email(email)
    check_password(password)
    role_value = _check_role(role)
    if find_user(session, email) is not None:
        raise ValueError(f"a user with email {email} already exists")
    user = User(email=email, password_hash=hash_password(password), role=role_value)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Throttling is the caller's (inbox.auth.attempts).

    Missing and inactive users cost a hash check too, so timing tells nothing about the account.
    """
    user = find_user(session, normalize_email(email))
    if user is None or not user.active or len(password) > MAX_PASSWORD_LENGTH:
        verify_password(_dummy_hash(), password[:MAX_PASSWORD_LENGTH])
        return None
    if not verify_password(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def find_user(session: Session, email: str) -> User | None:
    """The user with this (normalised) email, active or not."""
    return session.exec(select(User).where(User.email == email)).first()


def _check_email(email: str) -> None:
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL_PATTERN.match(email):
        raise ValueError(f"{email!r} is not a valid email address")


def check_password(password: str) -> None:
    """The rules every new password meets (user creation and password change); ValueError fit to show."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"the password must be at most {MAX_PASSWORD_LENGTH} characters")


def _check_role(role: str | Role) -> str:
    try:
        return Role(role).value
    except ValueError:
        known = ", ".join(member.value for member in Role)
        raise ValueError(f"unknown role {role!r}; expected one of {known}") from None


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("earful-dummy-password-for-timing")
