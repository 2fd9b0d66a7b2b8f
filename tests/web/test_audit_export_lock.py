"""A streamed audit export holds no transaction: other connections write while it is read and after it ends.

On SQLite every transaction begins IMMEDIATE (the write lock), so a stream that kept its session open
locked the whole service until the web process restarted.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from inbox.auth.service import create_user
from models import Mention, record_event
from models.db import make_engine, make_session_factory, session_scope
from settings import Settings
from tests.web.web_helpers import RecordingDispatcher, login
from web import create_app

EVENTS = 1_500  # several 64 kB chunks, so the client can stop half-way


@pytest.fixture()
def file_app(settings: Settings, fresh_database_url: str) -> Iterator[Flask]:
    app = create_app(settings.model_copy(update={"database_url": fresh_database_url}),
                     dispatcher=RecordingDispatcher())
    factory = make_session_factory(make_engine(fresh_database_url))
    with session_scope(factory) as session:
        user = create_user(session, "ann@example.com", "correct horse battery", role="approver")
        mention = Mention(network="x", external_id="1", author="c", author_id="c1", text="late",
                          created_at=datetime(2026, 11, 5, tzinfo=timezone.utc))
        session.add(mention)
        session.flush()
        for n in range(EVENTS):
            event = record_event(session, "reply.edited", actor=user, mention_id=mention.id, text="x" * 80 + str(n))
            event.at = datetime(2026, 11, 5, 9, tzinfo=timezone.utc)
    app.config["EARFUL_TEST_USER"] = user
    yield app


def _write_elsewhere(url: str) -> None:
    """A second connection (another process's, in production) must get the write lock within a second."""
    sqlite = url.startswith("sqlite")
    engine = sa.create_engine(url, connect_args={"timeout": 1}) if sqlite else make_engine(url)
    try:
        with engine.begin() as connection:
            if not sqlite:
                connection.execute(sa.text("SET LOCAL lock_timeout = '1s'"))
            connection.execute(sa.text("UPDATE mention SET author = 'changed' WHERE external_id = '1'"))
    finally:
        engine.dispose()


def _client(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert login(client, app.config["EARFUL_TEST_USER"]).status_code == 302
    return client


@pytest.mark.parametrize("args", [{"mention_id": "1"}, {"since": "2026-11-05", "until": "2026-11-05"}])
def test_database_is_writable_after_an_export(file_app: Flask, fresh_database_url: str, args: dict[str, str]) -> None:
    response = _client(file_app).get("/audit/export.csv", query_string=args)
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("reply.edited") == EVENTS
    _write_elsewhere(fresh_database_url)


def test_database_is_writable_while_the_client_reads(file_app: Flask, fresh_database_url: str) -> None:
    response = _client(file_app).get("/audit/export.csv", query_string={"mention_id": "1"}, buffered=False)
    chunks = iter(response.response)
    first = next(chunks)
    assert first.startswith(b"at,actor,action")
    _write_elsewhere(fresh_database_url)
    rest = b"".join(chunks)
    response.close()
    assert (first + rest).count(b"reply.edited") == EVENTS
    _write_elsewhere(fresh_database_url)


