"""API token service functions and the account page that creates, lists and revokes tokens."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from models import ApiToken, AuditEvent, User
from models.base import utcnow
from tests.web.web_helpers import csrf_token, post_form
from web.auth.tokens import MAX_ACTIVE_TOKENS, authenticate_token, create_api_token, revoke_api_token

NEW_TOKEN = re.compile(r'<code class="new-token">([^<]+)</code>')


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


def test_account_page_creates_token_shown_once(client: FlaskClient, db_session: Session,
                                               logged_in: Callable[[str], User]) -> None:
    user = logged_in("viewer")
    response = post_form(client, "/account/tokens", {"name": "Dashboard"}, token_from="/account")
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    match = NEW_TOKEN.search(response.get_data(as_text=True))
    assert match
    plaintext = match.group(1)
    assert client.get("/api/v1/mentions", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 200
    page = client.get("/account").get_data(as_text=True)
    assert "Dashboard" in page and plaintext not in page
    stored = db_session.exec(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert stored.last_used_at is not None


def test_account_page_refuses_bad_names_and_missing_csrf(client: FlaskClient,
                                                         logged_in: Callable[[str], User]) -> None:
    logged_in("agent")
    assert post_form(client, "/account/tokens", {"name": " "}, token_from="/account").status_code == 400
    assert client.post("/account/tokens", data={"name": "no csrf"}).status_code == 400
    assert "no csrf" not in client.get("/account").get_data(as_text=True)


def test_account_page_revokes_own_tokens_only(client: FlaskClient, db_session: Session,
                                              logged_in: Callable[[str], User],
                                              make_user: Callable[..., User]) -> None:
    user = logged_in("agent")
    mine, plaintext = create_api_token(db_session, user, "mine")
    theirs, _ = create_api_token(db_session, make_user(), "theirs")
    db_session.flush()
    assert post_form(client, f"/account/tokens/{theirs.id}/revoke", token_from="/account").status_code == 404
    response = post_form(client, f"/account/tokens/{mine.id}/revoke", token_from="/account")
    assert response.status_code == 302 and response.location == "/account"
    assert client.get("/api/v1/mentions", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 401
    db_session.expire_all()
    assert db_session.get_one(ApiToken, theirs.id).revoked_at is None
    page = client.get("/account").get_data(as_text=True)
    assert "revoked" in page and csrf_token(page)


def test_account_page_needs_login(client: FlaskClient) -> None:
    response = client.get("/account")
    assert response.status_code == 302 and response.location.startswith("/login")
