"""One database session per request, opened on first use and closed (rolling back leftovers) at teardown."""

from __future__ import annotations

from flask import Flask, g
from sqlmodel import Session

from web.extensions import session_factory


def db_session() -> Session:
    if "db_session" not in g:
        g.db_session = session_factory()()
    session: Session = g.db_session
    return session


def _close_session(_error: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_close_session)
