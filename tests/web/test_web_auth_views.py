"""Login/logout pages, safe next-redirects, CSRF enforcement and the login-by-default rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models import User
from tests.web.web_helpers import PASSWORD, csrf_token, login, post_form
from web.auth.redirects import is_local_path


def test_anonymous_user_is_sent_to_login_with_next(client: FlaskClient) -> None:
    response = client.get("/queue?tab=posted")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    assert "%2Fqueue" in response.location


def test_login_success_redirects_to_queue(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(role="agent")
    response = login(client, user)
    assert response.status_code == 302
    assert response.location == "/queue"
    assert client.get("/queue").status_code == 200


def test_login_failure_shows_generic_error(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(role="agent")
    response = login(client, user, password="not the password")
    assert response.status_code == 401
    assert "Email or password is incorrect." in response.get_data(as_text=True)
    assert client.get("/queue").status_code == 302


def test_login_sets_hardened_session_cookie(client: FlaskClient, make_user: Callable[..., User]) -> None:
    response = login(client, make_user(role="agent"))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_login_follows_local_next(client: FlaskClient, make_user: Callable[..., User]) -> None:
    response = login(client, make_user(role="agent"), next_path="/queue?tab=posted")
    assert response.location == "/queue?tab=posted"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
    "/\t/evil.example", "http:/evil.example", "queue",
])
def test_login_ignores_foreign_next(client: FlaskClient, make_user: Callable[..., User], target: str) -> None:
    response = login(client, make_user(role="agent"), next_path=target)
    assert response.status_code == 302
    assert response.location == "/queue"


def test_is_local_path() -> None:
    assert is_local_path("/mentions/3?x=1")
    assert not is_local_path("//evil.example")
    assert not is_local_path("/\u202e/evil")
    assert not is_local_path("")
    assert not is_local_path(None)


def test_post_without_csrf_token_is_refused(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(role="agent")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/queue").status_code == 302


def test_post_with_forged_csrf_token_is_refused(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    response = client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert client.get("/queue").status_code == 200


def test_csrf_token_from_another_session_is_refused(app: Flask, client: FlaskClient,
                                                    logged_in: Callable[[str], User]) -> None:
    other = app.test_client()
    foreign_token = csrf_token(other.get("/login").get_data(as_text=True))
    logged_in("admin")
    assert client.post("/logout", data={"csrf_token": foreign_token}).status_code == 400


def test_logout_needs_post(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("agent")
    assert client.get("/logout").status_code == 405
    response = post_form(client, "/logout")
    assert response.status_code == 302
    assert client.get("/queue").status_code == 302


def test_every_get_route_needs_login(app: Flask, client: FlaskClient) -> None:
    public = {"auth.login", "static", "health.healthz"}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint in public:
            continue
        url = rule.rule.replace("<int:", "<").replace("<mention_id>", "1").replace("<reply_id>", "1")
        response = client.get(url)
        if rule.rule.startswith("/api/v1/"):
            assert response.status_code == 401, url  # bearer-token API: a JSON 401, no login redirect
            continue
        assert response.status_code == 302, url
        assert response.location.startswith("/login"), url
