"""Reply transitions shared by the review queue, the posting steps and the reconciler."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from models import Mention, MentionStatus, Reply, ReplyStatus, User, record_event
from models.base import utcnow

MAX_ERROR_CHARS = 2000
MAX_PLATFORM_ID_CHARS = 200


def bump(reply: Reply) -> None:
    reply.version += 1
    reply.updated_at = utcnow()


def transition(session: Session, reply_id: int, *, to: ReplyStatus, from_states: Iterable[ReplyStatus],
               attempt: int | None = None, **values: Any) -> Reply | None:
    """Move the reply with a conditional UPDATE, so of two racing workers exactly one wins; None if it lost.
    `attempt` pins the claim the caller holds: a stale worker cannot overwrite a later attempt."""
    condition = [col(Reply.id) == reply_id, col(Reply.status).in_([s.value for s in from_states])]
    if attempt is not None:
        condition.append(col(Reply.attempts) == attempt)
    result = session.execute(
        sa.update(Reply).where(*condition)
        .values(status=to.value, version=col(Reply.version) + 1, updated_at=utcnow(), **values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get_one(Reply, reply_id, populate_existing=True)


def mark_posted(session: Session, reply: Reply, mention: Mention, platform_id: str | None, *,
                actor: User | None) -> None:
    """Reports read posted_at (response time = posted_at - mention.created_at): every posted path sets it."""
    reply.status = ReplyStatus.posted.value
    reply.posted_at = utcnow()
    reply.platform_reply_id = bounded_id(platform_id)
    reply.error = None
    record_posted(session, reply, mention, actor=actor)


def record_posted(session: Session, reply: Reply, mention: Mention, *, actor: User | None = None,
                  **details: Any) -> None:
    """The audit row keeps the exact text sent and the platform's id for it."""
    mention.status = MentionStatus.replied.value
    record_event(session, "reply.posted", actor=actor, mention_id=mention.id, reply_id=reply.id, text=reply.text,
                 platform_reply_id=reply.platform_reply_id, poster=reply.poster, **details)


def bounded_error(message: str) -> str:
    return message if len(message) <= MAX_ERROR_CHARS else message[: MAX_ERROR_CHARS - 1] + "…"


def bounded_id(platform_id: str | None) -> str | None:
    return platform_id[:MAX_PLATFORM_ID_CHARS] if platform_id else None
