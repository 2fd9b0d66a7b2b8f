"""Rows for browser tests, committed through the live server's own session factory."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from inbox.auth.service import create_user
from models import Mention, Reply, User
from models.db import session_scope

PASSWORD = "correct horse battery"
START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def user(factory: sessionmaker[Session], email: str, role: str) -> User:
    with session_scope(factory) as session:
        return create_user(session, email, PASSWORD, role=role)


def mention_with_draft(factory: sessionmaker[Session], tag: str, *, draft: str | None = "Hi, sorry about this.",
                       minutes: int = 0, **fields: Any) -> tuple[int, int | None]:
    """A mention needing a reply (with a draft unless draft is None); returns (mention id, reply id)."""
    defaults: dict[str, Any] = {
        "network": "x", "external_id": f"browser-{tag}", "author": f"customer_{tag}",
        "text": f"My kettle {tag} arrived broken and nobody answers.", "status": "needs_reply",
        "sentiment": "negative", "confidence": 0.9, "language": "en", "complaint": 0.8,
        "created_at": START + timedelta(minutes=minutes),
    }
    with session_scope(factory) as session:
        mention = Mention(**{**defaults, **fields})
        session.add(mention)
        session.flush()
        reply_id = None
        if draft is not None:
            reply = Reply(mention_id=mention.id, text=draft, poster="manual")
            session.add(reply)
            session.flush()
            reply_id = reply.id
        assert mention.id is not None
        return mention.id, reply_id
