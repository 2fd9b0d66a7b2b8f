"""Shared helpers for the /api/v1 tests (no tests here): a bearer token for a user of a given role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session, col, select

from inbox.auth.tokens import create_api_token
from models import AuditEvent, Reply, User

Headers = dict[str, str]


def bearer(db_session: Session, user: User) -> Headers:
    _token, plaintext = create_api_token(db_session, user, "tests")
    db_session.flush()
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture()
def api_headers(db_session: Session, make_user: Callable[..., User]) -> Callable[[str], Headers]:
    def for_role(role: str) -> Headers:
        return bearer(db_session, make_user(role=role))

    return for_role


def audit_actions(db_session: Session, reply: Reply) -> list[str]:
    statement = select(AuditEvent.action).where(AuditEvent.reply_id == reply.id).order_by(col(AuditEvent.id))
    return list(db_session.exec(statement).all())


def reload(db_session: Session, reply: Reply) -> Reply:
    db_session.expire_all()
    return db_session.get_one(Reply, reply.id)
