"""The account page that creates, lists and revokes API tokens (the token service: tests/inbox/auth/test_tokens.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlmodel import Session, select

from inbox.auth.tokens import create_api_token
from models import ApiToken, User
from tests.web.web_helpers import csrf_token, post_form

NEW_TOKEN = re.compile(r'<code class="new-token">([^<]+)</code>')


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
