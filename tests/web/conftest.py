"""Web fixtures: the real app on the per-test database, a recording dispatcher, and a logged-in client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from models import User
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

