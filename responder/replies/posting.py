"""Posting an approved reply exactly once, in three steps with no transaction open across the network call:

1. claim approved -> posting with a conditional UPDATE (attempts += 1, audit) and COMMIT;
2. call the poster;
3. record the outcome in a new transaction, guarded by the claim's attempt number.

A crash between 1 and 3 leaves the reply in `posting`; the reconciler turns it `unknown` after a lease and
reads the platform. Nothing here ever sends a create twice: a retry happens only when the request is known not
to have been acted on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col

from models import Mention, Reply, record_event
from models.base import utcnow
from models.db import session_scope
from models.reply_states import Move, allowed, transition
from responder.posters import Poster, PostOutcome, configured_poster, load_poster
from responder.posters.errors import MaybeSent, NeedsManual, NotSent, PostError, Rejected
from responder.replies.states import bounded_error, bounded_id, record_posted
from settings import Settings

log = logging.getLogger(__name__)
DATABASE_DOWN = (sa.exc.OperationalError, sa.exc.InterfaceError)  # a restart, a failover, a dropped connection
RECORD_TRIES = 6  # 0.5 + 1 + 2 + 4 + 8 s of waiting: a database restart takes seconds


class PostingDeferred(Exception):
    """The platform certainly did not act on the request (rate limit, refused connection); the reply is back
    to approved and the caller should try again after `retry_after` seconds (None: its own backoff)."""

    def __init__(self, reply: Reply, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.reply = reply
        self.retry_after = retry_after


@dataclass(frozen=True)
class Claim:
    reply: Reply  # detached snapshots: the poster works on them outside any session
    mention: Mention

    @property
    def attempt(self) -> int:
        return self.reply.attempts


def post_reply(session_factory: sessionmaker[Session], reply_id: int, *, settings: Settings) -> Reply | None:
    """Claim, post, record. None when the reply is not approved (already taken, or not ready)."""
    claim = claim_reply(session_factory, reply_id, settings)
    if claim is None:
        return None
    try:
        poster = load_poster(claim.reply.poster, settings)
    except Exception as error:  # nothing was sent: a poster that cannot start is a configuration fault
        return _record_error(session_factory, claim, Rejected(f"poster {claim.reply.poster} cannot start: {error}"))
    return _post_and_record(session_factory, claim, poster)


def claim_reply(session_factory: sessionmaker[Session], reply_id: int, settings: Settings) -> Claim | None:
    with session_scope(session_factory) as session:
        current = session.get(Reply, reply_id)
        if current is None or not allowed(current.status, Move.claim) or held(current) > 0:
            return None
        poster = configured_poster(current.poster, settings)
        reply = transition(session, reply_id, Move.claim, when=hold_over(),
                           poster=poster, posting_started_at=utcnow(), attempts=col(Reply.attempts) + 1, error=None)
        if reply is None:
            return None
        mention = session.get_one(Mention, reply.mention_id)
        record_event(session, "reply.posting", mention_id=mention.id, reply_id=reply.id, poster=poster,
                     attempt=reply.attempts, text=reply.text)
        log.info("reply claimed for posting reply_id=%s mention_id=%s poster=%s attempt=%s",
                 reply.id, mention.id, poster, reply.attempts)
        session.flush()
        session.expunge(reply)
        session.expunge(mention)
    return Claim(reply, mention)


def held(reply: Reply) -> float:
    """Seconds left of the reply's undo window (0 when none is running): no claim before it ends."""
    if reply.post_after is None:
        return 0.0
    return max(0.0, (reply.post_after - utcnow()).total_seconds())


def hold_over() -> sa.ColumnElement[bool]:
    """The claim's own condition, in its UPDATE: an undo and a re-approval between the check above and the claim
    cannot let it post before the new window ends."""
    return sa.or_(col(Reply.post_after).is_(None), col(Reply.post_after) <= utcnow())


def seconds_held(session_factory: sessionmaker[Session], reply_id: int) -> float:
    """For the posting task: how long an approved reply still waits for its undo window."""
    with session_scope(session_factory) as session:
        reply = session.get(Reply, reply_id)
        if reply is None or not allowed(reply.status, Move.claim):
            return 0.0
        return held(reply)


def _post_and_record(session_factory: sessionmaker[Session], claim: Claim, poster: Poster) -> Reply:
    failure: PostError
    try:
        outcome = poster.post(claim.reply, claim.mention)
    except PostError as error:
        failure = error
    except Exception as error:  # a bug halfway through a request may have sent it: never assume it did not
        log.exception("poster %s raised unexpectedly for reply %s", claim.reply.poster, claim.reply.id)
        failure = MaybeSent(f"unexpected {type(error).__name__}: {error}")
    else:
        return _recorded(lambda: _record_outcome(session_factory, claim, outcome))
    return _recorded(lambda: _record_error(session_factory, claim, failure))


def _recorded(write: Callable[[], Reply]) -> Reply:
    """Only this worker knows what the platform answered: while the database restarts, try again for a few
    seconds before leaving the reply in `posting` for the reconciler to settle by reading the platform."""
    for attempt in range(RECORD_TRIES):
        try:
            return write()
        except DATABASE_DOWN:
            if attempt == RECORD_TRIES - 1:
                raise
            log.warning("could not record a posting outcome (database unreachable); trying again")
            time.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


def _record_outcome(session_factory: sessionmaker[Session], claim: Claim, outcome: PostOutcome) -> Reply:
    with session_scope(session_factory) as session:
        if outcome.status == "manual":
            return _to_manual(session, claim, outcome.note)
        # The platform has it: that is the truth whatever happened to the row meanwhile (a reconciler that
        # gave up on a slow worker), unless a later attempt already owns the reply.
        # The reply and its audit keep what was published.
        sent: dict[str, Any] = {"text": outcome.text} if outcome.text else {}
        reply = transition(session, _id(claim), Move.record_posted,
                           attempt=claim.attempt, posted_at=utcnow(),
                           platform_reply_id=bounded_id(outcome.platform_reply_id), error=None, **sent)
        if reply is None:
            return _late(session, claim, f"posted as {outcome.platform_reply_id}")
        record_posted(session, reply, session.get_one(Mention, reply.mention_id), attempt=claim.attempt)
        log.info("reply posted reply_id=%s mention_id=%s poster=%s platform_reply_id=%s attempt=%s",
                 reply.id, reply.mention_id, claim.reply.poster, reply.platform_reply_id, claim.attempt)
        return reply


def _to_manual(session: Session, claim: Claim, note: str | None) -> Reply:
    reply = transition(session, _id(claim), Move.hand_to_person,
                       attempt=claim.attempt, error=bounded_error(note) if note else None)
    if reply is None:
        return _late(session, claim, "ready to paste")
    record_event(session, "reply.ready_to_paste", mention_id=reply.mention_id, reply_id=reply.id, text=reply.text,
                 note=note)
    log.info("reply handed to a person reply_id=%s mention_id=%s poster=%s note=%r",
             reply.id, reply.mention_id, claim.reply.poster, note)
    return reply


def _record_error(session_factory: sessionmaker[Session], claim: Claim, error: PostError) -> Reply:
    message = bounded_error(str(error))
    with session_scope(session_factory) as session:
        if isinstance(error, NeedsManual):
            return _to_manual(session, claim, message)
        move, action = _error_move(error)
        reply = transition(session, _id(claim), move,
                           attempt=claim.attempt, error=message)
        if reply is None:
            return _late(session, claim, message)
        retry_after = error.retry_after if isinstance(error, NotSent) else None
        record_event(session, action, mention_id=reply.mention_id, reply_id=reply.id, error=message,
                     attempt=claim.attempt, retry_after=retry_after)
        log.warning("reply posting outcome=%s reply_id=%s mention_id=%s poster=%s attempt=%s retry_after=%s error=%r",
                    action.removeprefix("reply."), reply.id, reply.mention_id, claim.reply.poster, claim.attempt,
                    retry_after, message)
    if isinstance(error, NotSent):
        raise PostingDeferred(reply, message, retry_after)
    return reply


def _error_move(error: PostError) -> tuple[Move, str]:
    if isinstance(error, NotSent):
        return Move.defer, "reply.deferred"
    if isinstance(error, Rejected):
        return Move.record_refused, "reply.failed"
    return Move.record_maybe_sent, "reply.unknown"  # MaybeSent and anything unforeseen: check, never resend


def _late(session: Session, claim: Claim, what: str) -> Reply:
    """Someone else moved the reply while this worker was posting; keep what this worker learnt."""
    record_event(session, "reply.late_result", mention_id=claim.mention.id, reply_id=claim.reply.id,
                 attempt=claim.attempt, result=what)
    log.warning("reply late result reply_id=%s attempt=%s result=%r (someone else moved it meanwhile)",
                claim.reply.id, claim.attempt, what)
    return session.get_one(Reply, _id(claim), populate_existing=True)


def give_up(session_factory: sessionmaker[Session], reply_id: int, reason: str) -> Reply | None:
    """The task ran out of retries for a reply that was never sent: a human re-approves it later."""
    message = bounded_error(f"gave up retrying: {reason}")
    with session_scope(session_factory) as session:
        reply = transition(session, reply_id, Move.give_up, error=message)
        if reply is not None:
            record_event(session, "reply.failed", mention_id=reply.mention_id, reply_id=reply.id, error=message)
            log.warning("reply posting gave up reply_id=%s error=%r", reply.id, message)
        return reply


def _id(claim: Claim) -> int:
    if claim.reply.id is None:
        raise ValueError("a claimed reply has an id")
    return claim.reply.id
