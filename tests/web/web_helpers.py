"""Helpers for web tests: a recording dispatcher and browser-like, CSRF-honest form posts."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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

    def draft_pending(self) -> None:
        self.calls.append(("draft_pending", None))

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



class _FormReader(HTMLParser):
    """The fields a browser submits from the form posting to `action`, unchanged: inputs, checked boxes, each
    select's selected option (its first when none is), textareas. Disabled fields and buttons are not sent."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.fields: dict[str, str] = {}
        self._inside = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._inside = found.get("action") == self.action
        elif self._inside and tag == "option" and self._select is not None:
            self._option(found)
        elif self._inside and found.get("name") and "disabled" not in found:
            self._field(tag, found["name"], found)

    def _field(self, tag: str, name: str, found: dict[str, str]) -> None:
        kind = found.get("type", "text")
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in found:
                self.fields[name] = found.get("value", "on")
        elif tag == "input" and kind not in ("submit", "button", "image", "reset"):
            self.fields[name] = found.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea, self.fields[name] = name, ""

    def _option(self, found: dict[str, str]) -> None:
        assert self._select is not None
        if "selected" in found or self._select not in self.fields:  # the first option when none is selected
            self.fields[self._select] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # HTML drops one newline right after <textarea>.
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data


def form_fields(html: str, action: str) -> dict[str, str]:
    """What submitting the form that posts to `action` unchanged sends, the CSRF token included."""
    reader = _FormReader(action)
    reader.feed(html)
    return reader.fields
