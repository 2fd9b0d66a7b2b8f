"""Alert delivery through an outbox: never lost, never sent twice once recorded as sent.

1. `enqueue` writes one `pending` row per channel in the caller's transaction, so an alert and its deliveries
   commit together (or not at all). Each row has a delivery id that goes into every message.
2. `claim` moves pending|unknown -> sending with a conditional UPDATE (attempts += 1, a lease) and COMMITs.
3. The channel sends, outside any transaction.
4. The outcome is recorded in a new transaction: sent (from any state but sent: the receiver has it, whatever
   happened meanwhile), or a failure guarded by the claim's attempt number so a late worker cannot overwrite a
   later attempt.

A worker that dies between 2 and 4 leaves the row `sending`; after the lease `expire_stale_claims` makes it
`unknown` and it is sent again with the SAME delivery id. Unlike a public reply (never retried blind), an alert
may be repeated: receivers drop the repeat by its delivery id, and a missed alert costs more than a doubled one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from alerts.channels import load_channel
from alerts.channels.errors import Broken, ChannelError, Rejected, Transient
from alerts.message import AlertMessage
from models import record_event
from models.alert_delivery import CLAIMABLE, AlertChannel, AlertDelivery, DeliveryStatus
from models.base import utcnow
from models.db import session_scope
from settings import Settings

log = logging.getLogger(__name__)
# Far above one send's limit (HTTP 10 s, SMTP 20 s): a live worker is never mistaken for a dead one.
SEND_LEASE = timedelta(minutes=5)
BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
MAX_RETRY_AFTER = timedelta(hours=6)
MAX_ATTEMPTS = 10  # about eight hours of backoff: past that an alert is stale, and the row says why it failed
BATCH = 100
MAX_ERROR = 2000


@dataclass(frozen=True)
class Claim:
    delivery: AlertDelivery  # detached snapshots: the send happens outside any session
    channel: AlertChannel

    @property
    def attempt(self) -> int:
        return self.delivery.attempts


def enqueue(session: Session, message: AlertMessage, *, key: str, channel_ids: Iterable[int] | None = None,
            now: datetime | None = None) -> list[AlertDelivery]:
    """One pending delivery per enabled channel (all of them when `channel_ids` is None), flushed in the caller's
    transaction. `key` names the message ("alert:7:opened"): enqueueing the same key again adds nothing."""
    now, key = now or utcnow(), key[:200]
    query = select(AlertChannel).where(col(AlertChannel.enabled))
    if channel_ids is not None:
        query = query.where(col(AlertChannel.id).in_(list(channel_ids)))
    rows = []
    for channel in session.exec(query.order_by(col(AlertChannel.id))).all():
        existing = session.exec(select(AlertDelivery).where(col(AlertDelivery.channel_id) == channel.id,
                                                            col(AlertDelivery.dedupe_key) == key)).first()
        if existing is not None:
            rows.append(existing)
            continue
        delivery = AlertDelivery(delivery_id=str(uuid.uuid4()), channel_id=_id(channel), alert_id=message.alert_id,
                                 dedupe_key=key, payload=message.to_json(), next_attempt_at=now,
                                 created_at=now, updated_at=now)
        session.add(delivery)
        session.flush()
        record_event(session, "alert.delivery.queued", delivery=delivery.delivery_id, channel_id=channel.id,
                     alert_id=message.alert_id, key=key)
        rows.append(delivery)
    return rows


def deliver(session_factory: sessionmaker[Session], delivery_pk: int, *, settings: Settings,
            now: datetime | None = None) -> AlertDelivery | None:
    """Claim, send, record. None when the row is not due or someone else holds it."""
    claim = claim_delivery(session_factory, delivery_pk, now=now)
    if claim is None:
        return None
    failure: ChannelError
    try:
        channel = load_channel(claim.channel.kind, claim.channel.config, settings)
    except Exception as error:  # nothing was sent: a channel that cannot start is a configuration fault
        return record_failure(session_factory, claim, Broken(f"channel cannot start: {error}"), now)
    try:
        receipt = channel.send(AlertMessage.from_json(claim.delivery.payload), claim.delivery.delivery_id)
    except ChannelError as error:
        failure = error
    except Exception as error:  # a bug halfway through may have sent it: retry under the same delivery id
        log.exception("alert channel %s raised unexpectedly", claim.channel.kind)
        failure = Transient(f"unexpected {type(error).__name__}: {error}", maybe_received=True)
    else:
        return record_sent(session_factory, claim, receipt, now)
    return record_failure(session_factory, claim, failure, now)


def claim_delivery(session_factory: sessionmaker[Session], delivery_pk: int, *, now: datetime | None = None,
                   lease: timedelta = SEND_LEASE) -> Claim | None:
    now = now or utcnow()
    with session_scope(session_factory) as session:
        current = session.get(AlertDelivery, delivery_pk)
        if current is None or current.status not in CLAIMABLE or current.next_attempt_at > now:
            return None
        if current.attempts >= MAX_ATTEMPTS:  # e.g. a worker that dies on every try of this row
            _move(session, delivery_pk, CLAIMABLE, now, status=DeliveryStatus.failed.value,
                  last_error=_bounded(f"gave up after {current.attempts} attempts: {current.last_error}"))
            return None
        channel = session.get_one(AlertChannel, current.channel_id)
        if not channel.enabled:
            _move(session, delivery_pk, CLAIMABLE, now, status=DeliveryStatus.failed.value,
                  last_error=_bounded(f"channel disabled: {channel.disabled_reason or 'by an admin'}"))
            return None
        claimed = _move(session, delivery_pk, CLAIMABLE, now, status=DeliveryStatus.sending.value,
                        attempts=col(AlertDelivery.attempts) + 1, claimed_until=now + lease,
                        extra=col(AlertDelivery.next_attempt_at) <= now)
        if not claimed:
            return None
        delivery = session.get_one(AlertDelivery, delivery_pk, populate_existing=True)
        record_event(session, "alert.delivery.sending", delivery=delivery.delivery_id, channel_id=channel.id,
                     attempt=delivery.attempts)
        session.flush()
        session.expunge(delivery)
        session.expunge(channel)
    return Claim(delivery, channel)


def record_sent(session_factory: sessionmaker[Session], claim: Claim, receipt: str,
                now: datetime | None = None) -> AlertDelivery:
    now = now or utcnow()
    with session_scope(session_factory) as session:
        not_sent = tuple(status.value for status in DeliveryStatus if status is not DeliveryStatus.sent)
        moved = _move(session, _pk(claim), not_sent, now, status=DeliveryStatus.sent.value, sent_at=now,
                      claimed_until=None, last_error=None)
        session.execute(sa.update(AlertChannel).where(col(AlertChannel.id) == claim.channel.id)
                        .values(last_sent_at=now))
        record_event(session, "alert.delivery.sent" if moved else "alert.delivery.late_result",
                     delivery=claim.delivery.delivery_id, channel_id=claim.channel.id, attempt=claim.attempt,
                     receipt=receipt[:500])
        return session.get_one(AlertDelivery, _pk(claim), populate_existing=True)


def record_failure(session_factory: sessionmaker[Session], claim: Claim, error: ChannelError,
                   now: datetime | None = None) -> AlertDelivery:
    now = now or utcnow()
    message = _bounded(str(error))
    with session_scope(session_factory) as session:
        guard = col(AlertDelivery.attempts) == claim.attempt
        sending = (DeliveryStatus.sending.value,)
        if isinstance(error, Transient) and claim.attempt < MAX_ATTEMPTS:
            status = DeliveryStatus.unknown if error.maybe_received else DeliveryStatus.pending
            moved = _move(session, _pk(claim), sending, now, extra=guard, status=status.value, claimed_until=None,
                          next_attempt_at=now + backoff(claim.attempt, error.retry_after), last_error=message)
            action = "alert.delivery.retry"
        else:
            if isinstance(error, Transient):
                message = _bounded(f"gave up after {claim.attempt} attempts: {error}")
            moved = _move(session, _pk(claim), sending, now, extra=guard, status=DeliveryStatus.failed.value,
                          claimed_until=None, last_error=message)
            action = "alert.delivery.failed"
        record_event(session, action if moved else "alert.delivery.late_result", delivery=claim.delivery.delivery_id,
                     channel_id=claim.channel.id, attempt=claim.attempt, error=message)
        if isinstance(error, Broken):
            disable_channel(session, _channel_id(claim), message, now=now)
        elif isinstance(error, Rejected):
            log.warning("alert delivery %s refused: %s", claim.delivery.delivery_id, message)
        return session.get_one(AlertDelivery, _pk(claim), populate_existing=True)


def disable_channel(session: Session, channel_id: int, reason: str, *, now: datetime | None = None) -> bool:
    """Stop using a channel that cannot deliver; the reason is shown on the Alerts page until an admin fixes it."""
    result = session.execute(
        sa.update(AlertChannel).where(col(AlertChannel.id) == channel_id, col(AlertChannel.enabled))
        .values(enabled=False, disabled_reason=_bounded(reason), disabled_at=now or utcnow()))
    if result.rowcount:  # type: ignore[attr-defined]
        record_event(session, "alert.channel.disabled", channel_id=channel_id, reason=_bounded(reason))
        return True
    return False


def backoff(attempt: int, retry_after: float | None) -> timedelta:
    """The receiver's Retry-After when it gave one, else 30 s doubling per attempt, at most an hour."""
    if retry_after is not None:
        return min(timedelta(seconds=retry_after + 1), MAX_RETRY_AFTER)
    return min(BASE_BACKOFF * 2 ** max(attempt - 1, 0), MAX_BACKOFF)


def expire_stale_claims(session_factory: sessionmaker[Session], *, now: datetime | None = None,
                        lease_grace: timedelta = timedelta(0)) -> int:
    """Rows still `sending` past their lease belong to a worker that died: their outcome is unknown, and they are
    due again at once, under the same delivery id."""
    now = now or utcnow()
    with session_scope(session_factory) as session:
        stale = session.exec(select(AlertDelivery.id, AlertDelivery.delivery_id).where(
            col(AlertDelivery.status) == DeliveryStatus.sending.value,
            col(AlertDelivery.claimed_until) < now - lease_grace)).all()
        expired = 0
        for pk, delivery_id in stale:
            if pk is not None and _move(session, pk, (DeliveryStatus.sending.value,), now,
                                        extra=col(AlertDelivery.claimed_until) < now - lease_grace,
                                        status=DeliveryStatus.unknown.value, claimed_until=None, next_attempt_at=now,
                                        last_error="the worker stopped while sending; resending with the same "
                                                   "delivery id"):
                expired += 1
                record_event(session, "alert.delivery.unknown", delivery=delivery_id, reason="send lease expired")
    return expired


def due_delivery_ids(session_factory: sessionmaker[Session], *, now: datetime | None = None,
                     limit: int = BATCH) -> list[int]:
    now = now or utcnow()
    with session_scope(session_factory) as session:
        statement = (select(AlertDelivery.id).where(col(AlertDelivery.status).in_(CLAIMABLE),
                                                     col(AlertDelivery.next_attempt_at) <= now)
                     .order_by(col(AlertDelivery.next_attempt_at), col(AlertDelivery.id)).limit(limit))
        return [pk for pk in session.exec(statement).all() if pk is not None]


def sweep(session_factory: sessionmaker[Session], queue: Callable[[int], None], *,
          now: datetime | None = None) -> dict[str, int]:
    """Beat's job: settle dead workers' claims, then hand every due row to `queue`. Queueing a row twice is
    harmless: the claim lets one delivery through."""
    now = now or utcnow()
    expired = expire_stale_claims(session_factory, now=now)
    due = due_delivery_ids(session_factory, now=now)
    for pk in due:
        queue(pk)
    return {"expired": expired, "queued": len(due)}


def _move(session: Session, pk: int, from_states: tuple[str, ...], now: datetime, *,
          extra: sa.ColumnElement[bool] | None = None, **values: object) -> bool:
    """The conditional UPDATE every transition goes through: it happens only from `from_states`."""
    statement = sa.update(AlertDelivery).where(col(AlertDelivery.id) == pk, col(AlertDelivery.status).in_(from_states))
    if extra is not None:
        statement = statement.where(extra)
    result = session.execute(statement.values(updated_at=now, **values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"


def _pk(claim: Claim) -> int:
    if claim.delivery.id is None:
        raise ValueError("a claimed delivery has an id")
    return claim.delivery.id


def _channel_id(claim: Claim) -> int:
    return _id(claim.channel)


def _id(channel: AlertChannel) -> int:
    if channel.id is None:
        raise ValueError("a stored channel has an id")
    return channel.id
