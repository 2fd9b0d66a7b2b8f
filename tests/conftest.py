"""Fixtures per real component: settings, a migrated database, a session rolled back per test, factories.

The database is a temp SQLite file, or PostgreSQL when TEST_DATABASE_URL is set. Every test runs inside
an outer transaction that is rolled back; code under test commits into savepoints.
"""

from __future__ import annotations

import functools
import itertools
import os
import socket
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, SQLModel

from models import Mention, Reply, SavedReply, Source, User
from models.db import make_engine
from models.migrate import upgrade
from settings import Settings

ALLOWED_HOSTS = {"127.0.0.1", "::1", "localhost", "0.0.0.0"}
REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Fail any connection that leaves this machine; loopback (databases, brokers, local servers) is fine."""
    if request.node.get_closest_marker("allow_network"):
        return
    real_connect = socket.socket.connect

    def guarded_connect(sock: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if sock.family in (socket.AF_INET, socket.AF_INET6) and host not in ALLOWED_HOSTS:
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


BACKEND_FIXTURES = {"database_url", "fresh_database_url"}
BACKEND_VARIABLES = ("TEST_DATABASE_URL", "REDIS_URL")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Model-only and browser tests gain nothing from PostgreSQL + Redis, so that second run skips them; so do the
    tests that reach neither a database nor a broker (no database fixture, no read of the variables that name them)."""
    for item in items:
        if "tests/sentiment/" in item.nodeid:
            item.add_marker(pytest.mark.model_only)
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.sqlite_only)
        if not _reaches_a_backend(item):
            item.add_marker(pytest.mark.backend_free)


def _reaches_a_backend(item: pytest.Item) -> bool:
    if BACKEND_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    return _names_a_backend(str(item.fspath))


@functools.cache
def _names_a_backend(test_file: str) -> bool:
    source = Path(test_file).read_text(encoding="utf-8")
    return any(name in source for name in BACKEND_VARIABLES)


@pytest.fixture()
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own, migrated and committed to, for tests with several processes."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
        upgrade(url)
        yield url
        return
    name = f"earful_{os.getpid()}_{next(_counter)}"
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'earful-test.db'}"


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        SQLModel.metadata.drop_all(connection)
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture()
def session_factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions joined to one outer transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(bind=connection, class_=Session, expire_on_commit=False,
                           join_transaction_mode="create_savepoint")
    yield factory
    outer.rollback()
    connection.close()


@pytest.fixture()
def db_session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    yield session
    session.close()


@pytest.fixture()
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        broker_url=f"sqla+sqlite:///{tmp_path / 'broker.db'}",
        secret_key="test-secret-key",  # type: ignore[arg-type]
        model_cache_dir=Path(os.environ.get("EARFUL_MODEL_CACHE", REPO_ROOT / "var" / "models")),
        brand_name="Lumo Home",
        import_dir=tmp_path,  # tests write their import files into tmp_path
    )


_counter = itertools.count(1)


@pytest.fixture()
def make_user(db_session: Session) -> Callable[..., User]:
    from inbox.auth.service import create_user

    def factory(role: str = "admin", password: str = "correct horse battery", **fields: Any) -> User:
        email = fields.pop("email", f"user{next(_counter)}@example.com")
        user = create_user(db_session, email, password, role=role)
        db_session.flush()
        return user

    return factory


@pytest.fixture()
def make_source(db_session: Session) -> Callable[..., Source]:
    def factory(**fields: Any) -> Source:
        defaults: dict[str, Any] = {"name": "Test import", "collector": "import", "network": "x", "config": {}}
        source = Source(**{**defaults, **fields})
        db_session.add(source)
        db_session.flush()
        return source

    return factory


@pytest.fixture()
def make_mention(db_session: Session) -> Callable[..., Mention]:
    def factory(**fields: Any) -> Mention:
        n = next(_counter)
        defaults: dict[str, Any] = {
            "network": "x", "external_id": f"ext-{n}", "author": f"customer{n}", "author_id": f"a{n}",
            "text": "My order is two weeks late and nobody answers.",
            "created_at": datetime(2026, 11, 5, 14, 0, tzinfo=timezone.utc) + timedelta(minutes=n),
        }
        mention = Mention(**{**defaults, **fields})
        db_session.add(mention)
        db_session.flush()
        return mention

    return factory


@pytest.fixture()
def make_draft(db_session: Session, make_mention: Callable[..., Mention]) -> Callable[..., Reply]:
    def factory(text: str = "Hi, sorry about the delay. We are on it.", **mention_fields: object) -> Reply:
        mention = make_mention(status="needs_reply", **mention_fields)
        reply = Reply(mention_id=mention.id, text=text, poster="manual")
        db_session.add(reply)
        db_session.flush()
        return reply

    return factory


@pytest.fixture()
def make_saved_reply(db_session: Session) -> Callable[..., SavedReply]:
    def factory(**fields: Any) -> SavedReply:
        defaults: dict[str, Any] = {"name": "Generic apology", "language": "en",
                                    "body": "Hi {author}, we're sorry. {brand} will make this right."}
        saved = SavedReply(**{**defaults, **fields})
        db_session.add(saved)
        db_session.flush()
        return saved

    return factory
