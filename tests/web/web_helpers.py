"""Helpers for web tests: a recording dispatcher and browser-like, CSRF-honest form posts."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from models import User

PASSWORD = "correct horse battery"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


class RecordingDispatcher:
    """A real Dispatcher that remembers what it was asked to do instead of sending tasks."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int | None]] = []

    def collect(self, source_id: int) -> None:
        self.calls.append(("collect", source_id))

    def score_pending(self) -> None:
        self.calls.append(("score_pending", None))

    def post_reply(self, reply_id: int) -> None:
        self.calls.append(("post_reply", reply_id))


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def login(client: FlaskClient, user: User, password: str = PASSWORD, next_path: str | None = None) -> TestResponse:
    page = client.get("/login", query_string={"next": next_path} if next_path else None)
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "email": user.email, "password": password}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/login", data=data)


def post_form(client: FlaskClient, url: str, data: dict[str, str] | None = None, *,
              token_from: str = "/queue") -> TestResponse:
    """POST like a browser would: with the CSRF token taken from a page the user has open."""
    token = csrf_token(client.get(token_from).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})})
