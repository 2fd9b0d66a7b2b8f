"""What the review queue, the posting steps and the reconciler share around a reply's moves: the version bump of an
edit, the posted record and its audit row, bounded error texts. The moves themselves: models.reply_states."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models import Mention, MentionStatus, Reply, User, record_event
from models.base import utcnow
from models.reply_states import Move, transition

MAX_ERROR_CHARS = 2000
MAX_PLATFORM_ID_CHARS = 200


def bump(reply: Reply) -> None:
    reply.version += 1
    reply.updated_at = utcnow()


def mark_posted(session: Session, reply: Reply, mention: Mention, platform_id: str | None, *,
                actor: User | None) -> None:
    """The operator's confirmation of a pasted reply. Reports read posted_at (response time = posted_at -
    mention.created_at): every posted path sets it."""
    transition(session, reply, Move.confirm_pasted, posted_at=utcnow(), platform_reply_id=bounded_id(platform_id),
               error=None)
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
