"""The real app for browser tests: a migrated temp SQLite database, a fixed secret key, werkzeug's server
on a free loopback port in a background thread, and a dispatcher that posts replies inline (a reply held for
undo, on a timer when its window ends)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import sessionmaker
from sqlmodel import Session
from werkzeug.serving import make_server

from models.db import make_engine, make_session_factory
from models.migrate import upgrade
from responder.replies.posting import seconds_held
from responder.replies.service import post_reply
from settings import Settings
from web import create_app

SECRET_KEY = "browser-test-secret-key-not-for-production"


class InlineDispatcher:
    """Posts an approved reply right away, in its own sessions, through the real posting path."""

    def __init__(self, session_factory: sessionmaker[Session], settings: Settings) -> None:
        self.session_factory = session_factory
        self.settings = settings

    def collect(self, source_id: int) -> None:
        raise AssertionError("browser tests do not collect")

    def score_pending(self) -> None:
        raise AssertionError("browser tests do not score")

    def draft_pending(self) -> None:
        raise AssertionError("browser tests do not draft")

    def post_reply(self, reply_id: int) -> None:
        # As the Celery task does: an approval held for undo is posted once its window is over.
        wait = seconds_held(self.session_factory, reply_id)
        if wait > 0:
            timer = threading.Timer(wait + 0.5, self.post_reply, args=(reply_id,))
            timer.daemon = True
            timer.start()
            return
        post_reply(self.session_factory, reply_id, settings=self.settings)


@dataclass(frozen=True)
class LiveServer:
    url: str
    session_factory: sessionmaker[Session]


@contextmanager
def live_server(directory: Path) -> Iterator[LiveServer]:
    database_url = f"sqlite:///{directory / 'browser.db'}"
    upgrade(database_url)
    settings = Settings(database_url=database_url, broker_url=f"sqla+sqlite:///{directory / 'broker.db'}",
                        secret_key=SECRET_KEY, brand_name="Lumo Home",  # type: ignore[arg-type]
                        model_cache_dir=directory / "models")
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    app = create_app(settings, session_factory=factory, dispatcher=InlineDispatcher(factory, settings))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-test-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", factory)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        engine.dispose()
