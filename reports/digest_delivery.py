"""Sending due report digests: one delivery row per digest and period is written first, then claimed, sent and
recorded; a failure keeps the row with its error and a later `next_attempt_at` (exponential back-off), so it is
retried and shown on the Reports page, never lost. After MAX_ATTEMPTS, or a refusal no retry can pass (a 5xx
for every recipient, a refused login), it is marked failed, and an admin can send it again from the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models import User, record_event
from models.base import utcnow
from models.report_digest import DigestDeliveryStatus, DigestFrequency, ReportDigest, ReportDigestDelivery
from reports.digest_periods import Period, last_complete_period, period_from_key

MAX_ATTEMPTS = 6
FIRST_BACKOFF = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
CLAIM_LEASE = timedelta(minutes=15)  # a worker that dies mid-send frees the row after this
MAX_ERROR = 2000


class SendFailed(Exception):
    """The digest could not be sent; `permanent` when retrying the same message cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


# Sends one digest's report for one period (build, render, email); raises SendFailed. Returns a short summary.
Sender = Callable[[ReportDigest, Period], str]


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    digest: str
    period: str
    status: str
    note: str


def enqueue_due(session: Session, *, now: datetime, zone: ZoneInfo) -> list[ReportDigestDelivery]:
    """A pending delivery for each enabled digest whose last complete period has none yet (flushed, not
    committed). A period that ended before the digest was created is not sent: a new digest waits for its first."""
    added = []
    for digest in session.exec(select(ReportDigest).where(col(ReportDigest.enabled).is_(True))):
        period = last_complete_period(DigestFrequency(digest.frequency), now, zone)
        if period.end(zone) <= digest.created_at:
            continue
        exists = session.exec(select(ReportDigestDelivery.id).where(ReportDigestDelivery.digest_id == digest.id,
                                                                    ReportDigestDelivery.period == period.key))
        if exists.first() is not None:
            continue
        delivery = ReportDigestDelivery(digest_id=digest.id or 0, period=period.key, next_attempt_at=now)
        try:
            with session.begin_nested():  # another beat run may have added it since the check
                session.add(delivery)
        except IntegrityError:
            continue
        added.append(delivery)
    return added


def due_ids(session: Session, *, now: datetime) -> list[int]:
    statement = (select(ReportDigestDelivery.id)
                 .where(ReportDigestDelivery.status == DigestDeliveryStatus.pending.value,
                        col(ReportDigestDelivery.next_attempt_at) <= now)
                 .order_by(col(ReportDigestDelivery.next_attempt_at)))
    return [row for row in session.exec(statement) if row is not None]


def claim(session: Session, delivery_id: int, *, now: datetime) -> ReportDigestDelivery | None:
    """Push the row's next attempt past the lease with a conditional UPDATE: only one worker wins it."""
    table = ReportDigestDelivery.__table__  # type: ignore[attr-defined]
    result = session.execute(
        sa.update(table)
        .where(table.c.id == delivery_id, table.c.status == DigestDeliveryStatus.pending.value,
               table.c.next_attempt_at <= now)
        .values(next_attempt_at=now + CLAIM_LEASE, updated_at=now))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    delivery = session.get(ReportDigestDelivery, delivery_id)
    if delivery is not None:
        session.refresh(delivery)
    return delivery


def attempt(session: Session, delivery: ReportDigestDelivery, send: Sender, *, now: datetime) -> Outcome:
    """Send a claimed delivery and record the result (flushed; the caller commits)."""
    digest = session.get(ReportDigest, delivery.digest_id)
    assert digest is not None
    period = period_from_key(DigestFrequency(digest.frequency), delivery.period)
    delivery.attempts += 1
    delivery.updated_at = now
    try:
        note = send(digest, period)
    except SendFailed as error:
        return _failed(session, delivery, digest, str(error), permanent=error.permanent, now=now)
    delivery.status, delivery.sent_at, delivery.last_error = DigestDeliveryStatus.sent.value, now, None
    delivery.details = {**delivery.details, "note": note}
    digest.last_sent_period = max(digest.last_sent_period or "", delivery.period)
    session.add_all([delivery, digest])
    record_event(session, "report_digest.sent", digest_id=digest.id, period=delivery.period,
                 attempts=delivery.attempts, recipients=len(digest.recipients))
    return Outcome(delivery.id or 0, digest.name, delivery.period, delivery.status, note)


def _failed(session: Session, delivery: ReportDigestDelivery, digest: ReportDigest, message: str, *,
            permanent: bool, now: datetime) -> Outcome:
    delivery.last_error = message[:MAX_ERROR]
    if permanent or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DigestDeliveryStatus.failed.value
        record_event(session, "report_digest.failed", digest_id=digest.id, period=delivery.period,
                     attempts=delivery.attempts, error=delivery.last_error)
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    session.add(delivery)
    return Outcome(delivery.id or 0, digest.name, delivery.period, delivery.status, delivery.last_error)


def backoff(attempts: int) -> timedelta:
    """5 minutes after the first failure, then x3 each time (15 min, 45 min, 2 h 15), at most 6 hours."""
    return min(FIRST_BACKOFF * (3 ** max(attempts - 1, 0)), MAX_BACKOFF)


def retry_now(session: Session, delivery: ReportDigestDelivery, *, actor: User) -> None:
    """An admin sends a failed (or waiting) delivery again at the next beat, with a fresh set of attempts."""
    delivery.status, delivery.attempts, delivery.next_attempt_at = DigestDeliveryStatus.pending.value, 0, utcnow()
    delivery.updated_at = utcnow()
    session.add(delivery)
    record_event(session, "report_digest.retried", actor=actor, digest_id=delivery.digest_id,
                 period=delivery.period, last_error=delivery.last_error)


def send_due(session: Session, send: Sender, *, zone: ZoneInfo, now: datetime | None = None) -> list[Outcome]:
    """Enqueue the periods that came due, then send every due delivery; commits after each one, so one slow or
    failing digest never holds back the others' records."""
    now = now or utcnow()
    enqueue_due(session, now=now, zone=zone)
    session.commit()
    outcomes = []
    for delivery_id in due_ids(session, now=now):
        delivery = claim(session, delivery_id, now=now)
        session.commit()
        if delivery is None:
            continue
        outcomes.append(attempt(session, delivery, send, now=now))
        session.commit()
    return outcomes
