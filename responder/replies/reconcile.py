"""Settles replies whose posting outcome nobody recorded.

A worker that dies between claim and record leaves its reply in `posting`; after a lease it becomes `unknown`.
An `unknown` reply is settled by reading the platform through its poster's `find_existing`: found -> posted;
absent -> failed with a note, for a person to re-approve. Nothing here ever sends a reply.

An `approved` reply that nobody claims lost its queued task (a broker restarted without persistence, or queueing
failed after the approval committed): `requeue_stale_approvals` queues it again. That is safe: the claim makes
every delivery but one a no-op, and an approved reply has certainly not been sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from models import Mention, Reply, ReplyStatus, record_event
from models.base import utcnow
from models.db import session_scope
from models.reply_states import Move, transition
from responder.posters import load_poster
from responder.replies.states import bounded_error, bounded_id, record_posted
from settings import Settings

log = logging.getLogger(__name__)
# Far above any poster's request timeout (20 s): a live worker is never mistaken for a dead one.
POSTING_LEASE = timedelta(minutes=10)
# Platforms may take a moment to list a new post; an unknown reply is read only after this long.
SETTLE = timedelta(minutes=2)
BATCH = 50
NOT_FOUND = "not found on the platform: re-approve to send again"
# A queued approval is claimed within seconds; one untouched this long lost its task. A deferred reply waits
# for its retry in the broker and may be queued again before it: the platform then refuses again (not sent).
REQUEUE_AFTER = POSTING_LEASE


@dataclass
class ReconcileSummary:
    expired: int = 0
    posted: int = 0
    failed: int = 0
    unresolved: int = 0


def reconcile(session_factory: sessionmaker[Session], *, settings: Settings, now: datetime | None = None,
              lease: timedelta = POSTING_LEASE, settle: timedelta = SETTLE, limit: int = BATCH) -> ReconcileSummary:
    now = now or utcnow()
    summary = ReconcileSummary(expired=expire_stale_claims(session_factory, now=now, lease=lease))
    for reply_id in unknown_reply_ids(session_factory, before=now - settle, limit=limit):
        reply = resolve_unknown(session_factory, reply_id, settings=settings)
        status = reply.status if reply else None
        if status == ReplyStatus.posted.value:
            summary.posted += 1
        elif status == ReplyStatus.failed.value:
            summary.failed += 1
        else:
            summary.unresolved += 1
    if summary.expired or summary.posted or summary.failed or summary.unresolved:
        log.info("reconcile done expired=%d posted=%d failed=%d unresolved=%d",
                 summary.expired, summary.posted, summary.failed, summary.unresolved)
    return summary


def expire_stale_claims(session_factory: sessionmaker[Session], *, now: datetime,
                        lease: timedelta = POSTING_LEASE) -> int:
    """Claims older than the lease belong to a worker that died: their outcome is unknown."""
    with session_scope(session_factory) as session:
        stale = session.exec(select(Reply.id).where(
            col(Reply.status) == ReplyStatus.posting.value, col(Reply.posting_started_at) < now - lease)).all()
        expired = 0
        for reply_id in stale:
            if reply_id is None:
                continue
            reply = transition(session, reply_id, Move.expire_claim,
                               error="the worker stopped while posting; checking the platform")
            if reply is not None:
                expired += 1
                record_event(session, "reply.unknown", mention_id=reply.mention_id, reply_id=reply.id,
                             reason="posting lease expired", attempt=reply.attempts)
                log.warning("reconciler decision=unknown reply_id=%s attempt=%s reason=%r",
                            reply.id, reply.attempts, "posting lease expired")
    return expired


def requeue_stale_approvals(session_factory: sessionmaker[Session], queue: Callable[[int], None], *,
                            now: datetime | None = None, after: timedelta = REQUEUE_AFTER, limit: int = BATCH) -> int:
    """Hand `queue` (the dispatcher's post_reply) every approved reply unchanged for `after`: its task was lost."""
    now = now or utcnow()
    with session_scope(session_factory) as session:
        statement = (select(Reply.id).where(col(Reply.status) == ReplyStatus.approved.value,
                                            col(Reply.updated_at) < now - after)
                     .order_by(col(Reply.id)).limit(limit))
        reply_ids = [reply_id for reply_id in session.exec(statement).all() if reply_id is not None]
    for reply_id in reply_ids:
        queue(reply_id)
    if reply_ids:
        log.warning("reconciler decision=requeue count=%d reply_ids=%s (approved, task lost)",
                    len(reply_ids), ",".join(map(str, reply_ids)))
    return len(reply_ids)


def unknown_reply_ids(session_factory: sessionmaker[Session], *, before: datetime, limit: int) -> list[int]:
    with session_scope(session_factory) as session:
        statement = (select(Reply.id).where(col(Reply.status) == ReplyStatus.unknown.value,
                                            col(Reply.posting_started_at) <= before)
                     .order_by(col(Reply.id)).limit(limit))
        return [reply_id for reply_id in session.exec(statement).all() if reply_id is not None]


def resolve_unknown(session_factory: sessionmaker[Session], reply_id: int, *, settings: Settings) -> Reply | None:
    """Read the platform (outside any transaction) and record what it says; None if the reply is not unknown."""
    loaded = _load_unknown(session_factory, reply_id)
    if loaded is None:
        return None
    reply, mention = loaded
    try:
        platform_id = load_poster(reply.poster, settings).find_existing(reply, mention)
    except Exception as error:  # could not read: stays unknown, tried again on the next run
        log.warning("could not check reply %s on %s: %s", reply_id, reply.poster, error)
        return _note_unchecked(session_factory, reply, f"could not check the platform: {error}")
    with session_scope(session_factory) as session:
        if platform_id is not None:
            return _found(session, reply, platform_id)
        return _not_found(session, reply)


def _load_unknown(session_factory: sessionmaker[Session], reply_id: int) -> tuple[Reply, Mention] | None:
    with session_scope(session_factory) as session:
        reply = session.get(Reply, reply_id)
        if reply is None or reply.status != ReplyStatus.unknown.value:
            return None
        mention = session.get_one(Mention, reply.mention_id)
        session.expunge(reply)
        session.expunge(mention)
        return reply, mention


def _found(session: Session, seen: Reply, platform_id: str) -> Reply | None:
    # The request left right after the claim; that time, not this check's, is when the customer got an answer.
    posted_at = seen.posting_started_at or utcnow()
    reply = transition(session, _id(seen), Move.found_on_platform,
                       attempt=seen.attempts, posted_at=posted_at, platform_reply_id=bounded_id(platform_id),
                       error=None)
    if reply is not None:
        record_posted(session, reply, session.get_one(Mention, reply.mention_id), reconciled=True)
        log.info("reconciler decision=posted reply_id=%s platform_reply_id=%s", reply.id, reply.platform_reply_id)
    return reply


def _not_found(session: Session, seen: Reply) -> Reply | None:
    reply = transition(session, _id(seen), Move.not_on_platform,
                       attempt=seen.attempts, error=NOT_FOUND)
    if reply is not None:
        record_event(session, "reply.failed", mention_id=reply.mention_id, reply_id=reply.id, error=NOT_FOUND,
                     reconciled=True)
        log.warning("reconciler decision=failed reply_id=%s reason=%r", reply.id, NOT_FOUND)
    return reply


def _note_unchecked(session_factory: sessionmaker[Session], seen: Reply, message: str) -> Reply | None:
    with session_scope(session_factory) as session:
        return transition(session, _id(seen), Move.note_unchecked,
                          attempt=seen.attempts, error=bounded_error(message))


def _id(reply: Reply) -> int:
    if reply.id is None:
        raise ValueError("a stored reply has an id")
    return reply.id
