"""Web fixtures: the real app on the per-test database, a recording dispatcher, and a logged-in client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from models import Mention, Reply, User
from settings import Settings
from tests.web.web_helpers import RecordingDispatcher, login
from web import create_app


@pytest.fixture()
def dispatcher() -> RecordingDispatcher:
    return RecordingDispatcher()


@pytest.fixture()
def app(settings: Settings, session_factory: sessionmaker[Session], dispatcher: RecordingDispatcher) -> Flask:
    app = create_app(settings, session_factory=session_factory, dispatcher=dispatcher)
    app.config["TESTING"] = True
    assert app.config.get("WTF_CSRF_ENABLED", True), "tests must exercise CSRF for real"
    return app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def logged_in(client: FlaskClient, make_user: Callable[..., User]) -> Callable[[str], User]:
    def as_role(role: str) -> User:
        user = make_user(role=role)
        assert login(client, user).status_code == 302
        return user

    return as_role


@pytest.fixture()
def make_draft(db_session: Session, make_mention: Callable[..., Mention]) -> Callable[..., Reply]:
    def factory(text: str = "Hi, sorry about the delay. We are on it.", **mention_fields: object) -> Reply:
        mention = make_mention(status="needs_reply", **mention_fields)
        reply = Reply(mention_id=mention.id, text=text, poster="manual")
        db_session.add(reply)
        db_session.flush()
        return reply

    return factory
