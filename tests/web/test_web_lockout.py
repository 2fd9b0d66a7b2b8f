"""Login lockout (five failures lock an account for fifteen minutes) and per-address rate limiting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from models import AuditEvent, User
from models.base import utcnow
from tests.web.web_helpers import PASSWORD, csrf_token, login
from web.auth.lockout import LOCKOUT_PERIOD, MAX_FAILED_LOGINS
from web.auth.ratelimit import (
    LOGIN_ATTEMPTS_PER_WINDOW,
    LOGIN_LIMITER_KEY,
    LOGIN_WINDOW_SECONDS,
    SlidingWindowLimiter,
)
from web.auth.service import authenticate

GENERIC = "Email or password is incorrect."


def _fail(db_session: Session, user: User, times: int, **kwargs: object) -> None:
    for _ in range(times):
        assert authenticate(db_session, user.email, "wrong password!", **kwargs) is None  # type: ignore[arg-type]


def test_five_failures_lock_the_account(db_session: Session, make_user: Callable[..., User]) -> None:
    user = make_user(role="agent")
    now = utcnow()
    _fail(db_session, user, MAX_FAILED_LOGINS - 1, now=now)
    assert user.failed_logins == MAX_FAILED_LOGINS - 1 and user.locked_until is None
    _fail(db_session, user, 1, now=now)
    assert user.locked_until == now + LOCKOUT_PERIOD
    locks = db_session.exec(select(AuditEvent).where(AuditEvent.action == "user.locked")).all()
    assert [event.actor_id for event in locks] == [user.id]
    assert authenticate(db_session, user.email, PASSWORD, now=now + timedelta(minutes=14)) is None
    assert authenticate(db_session, user.email, PASSWORD, now=now + LOCKOUT_PERIOD + timedelta(seconds=1)) == user
    assert user.failed_logins == 0 and user.locked_until is None


def test_success_resets_the_count(db_session: Session, make_user: Callable[..., User]) -> None:
    user = make_user(role="agent")
    _fail(db_session, user, MAX_FAILED_LOGINS - 1)
    assert authenticate(db_session, user.email, PASSWORD) == user
    _fail(db_session, user, MAX_FAILED_LOGINS - 1)
    assert user.locked_until is None


def test_lock_expires_with_a_fresh_count(db_session: Session, make_user: Callable[..., User]) -> None:
    user = make_user(role="agent")
    now = utcnow()
    _fail(db_session, user, MAX_FAILED_LOGINS, now=now)
    after = now + LOCKOUT_PERIOD + timedelta(seconds=1)
    _fail(db_session, user, 1, now=after)
    assert user.locked_until == now + LOCKOUT_PERIOD and user.failed_logins == 1


def test_locked_and_unknown_accounts_get_the_same_answer(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(role="agent")
    for _ in range(MAX_FAILED_LOGINS):
        assert login(client, user, password="wrong password!").status_code == 401
    locked = login(client, user)
    assert locked.status_code == 401
    assert client.get("/queue").status_code == 302
    ghost = User(email="nobody@example.com", password_hash="")
    unknown = login(client, ghost)
    assert unknown.status_code == 401
    for response in (locked, unknown):
        text = response.get_data(as_text=True)
        assert GENERIC in text and "exist" not in text


def test_login_attempts_are_rate_limited_per_address(app: Flask, client: FlaskClient,
                                                     make_user: Callable[..., User]) -> None:
    assert (LOGIN_ATTEMPTS_PER_WINDOW, LOGIN_WINDOW_SECONDS) == (20, 300.0)
    app.extensions[LOGIN_LIMITER_KEY] = SlidingWindowLimiter(3, LOGIN_WINDOW_SECONDS)  # 20 argon2 checks are slow
    ghost = User(email="nobody@example.com", password_hash="")
    for _ in range(3):
        assert login(client, ghost).status_code == 401
    limited = login(client, make_user(role="agent"))  # the right password does not get past the limit
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= LOGIN_WINDOW_SECONDS
    assert "Too many login attempts" in limited.get_data(as_text=True)
    assert client.get("/queue").status_code == 302
    token = csrf_token(client.get("/login").get_data(as_text=True))
    elsewhere = client.post("/login", data={"csrf_token": token, "email": ghost.email, "password": "x"},
                            environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert elsewhere.status_code == 401


def test_limiter_slides_and_stays_bounded(app: Flask) -> None:
    now = [0.0]
    limiter = SlidingWindowLimiter(2, 10.0, max_keys=3, clock=lambda: now[0])
    assert limiter.hit("a") is None and limiter.hit("a") is None
    assert limiter.hit("a") == 10.0
    now[0] = 5.0
    assert limiter.hit("a") == 5.0
    now[0] = 10.5
    assert limiter.hit("a") is None
    for key in ("b", "c", "d", "e"):
        limiter.hit(key)
    assert len(limiter._hits) == 3
    assert isinstance(app.extensions[LOGIN_LIMITER_KEY], SlidingWindowLimiter)
