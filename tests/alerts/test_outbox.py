"""The delivery outbox against real loopback servers: committed before sending, retried on transient failures
with the same delivery id, channels disabled on permanent ones, and nothing recorded as sent is sent again."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from alerts.channels import load_channel
from alerts.channels.errors import Transient
from alerts.channels.webhook import verify
from alerts.outbox import (
    MAX_ATTEMPTS,
    SEND_LEASE,
    claim_delivery,
    deliver,
    enqueue,
    record_failure,
    record_sent,
    sweep,
)
from alerts.service import create_channel, enable_channel, list_channels
from models import AuditEvent
from models.alert_delivery import AlertChannel, AlertDelivery, DeliveryStatus
from models.db import session_scope
from settings import Settings
from tests.alerts.test_channels_support import (
    Answer,
    Receiver,
    SmtpServer,
    closed_port,
    sample_message,
)

SECRET = "s3cret-for-the-receiver-only"
T0 = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)


@pytest.fixture()
def fast(settings: Settings) -> Settings:
    return settings.model_copy(update={"alert_http_timeout_seconds": 0.5})


def _channel(factory: sessionmaker[Session], settings: Settings, kind: str, config: dict[str, object]) -> int:
    with session_scope(factory) as session:
        channel = create_channel(session, name=f"{kind} on call", kind=kind, config=config, settings=settings)
        assert channel.id is not None
        return channel.id


def _enqueue(factory: sessionmaker[Session], channel_id: int, key: str = "alert:7:opened") -> int:
    with session_scope(factory) as session:
        [delivery] = enqueue(session, sample_message(), key=key, channel_ids=[channel_id], now=T0)
        assert delivery.id is not None
        return delivery.id


def _row(factory: sessionmaker[Session], pk: int) -> AlertDelivery:
    with session_scope(factory) as session:
        row = session.get_one(AlertDelivery, pk)
        session.expunge(row)
        return row


def _webhook(factory: sessionmaker[Session], settings: Settings, receiver: Receiver) -> tuple[int, int]:
    channel_id = _channel(factory, settings, "webhook", {"url": receiver.url(), "secret": SECRET})
    return channel_id, _enqueue(factory, channel_id)


def test_the_row_is_committed_pending_before_anything_is_sent(session_factory: sessionmaker[Session],
                                                               fast: Settings, receiver: Receiver) -> None:
    channel_id, pk = _webhook(session_factory, fast, receiver)
    row = _row(session_factory, pk)
    assert row.status == DeliveryStatus.pending and row.attempts == 0 and len(row.delivery_id) == 36
    assert receiver.received == []
    assert _enqueue(session_factory, channel_id) == pk  # the same message enqueued twice is one delivery
    long_key = "alert:7:" + "x" * 300
    assert _enqueue(session_factory, channel_id, key=long_key) == _enqueue(session_factory, channel_id, key=long_key)
    assert row.payload["title"] == "Negative mentions spiking: delivery" and row.alert_id == 7


def test_sent_once_and_never_again(session_factory: sessionmaker[Session], fast: Settings,
                                   receiver: Receiver) -> None:
    _, pk = _webhook(session_factory, fast, receiver)
    sent = deliver(session_factory, pk, settings=fast, now=T0)
    assert sent is not None and sent.status == DeliveryStatus.sent and sent.attempts == 1
    [request] = receiver.received
    assert request.json()["delivery_id"] == sent.delivery_id == request.headers["x-earful-delivery"]
    assert verify(SECRET, request.headers["x-earful-timestamp"], request.body, request.headers["x-earful-signature"])
    assert deliver(session_factory, pk, settings=fast, now=T0 + timedelta(days=1)) is None
    queued: list[int] = []
    assert sweep(session_factory, queued.append, now=T0 + timedelta(days=1)) == {"expired": 0, "queued": 0}
    assert len(receiver.received) == 1
    with session_scope(session_factory) as session:
        actions = session.exec(select(AuditEvent.action).where(col(AuditEvent.action).like("alert.delivery.%"))).all()
    assert list(actions) == ["alert.delivery.queued", "alert.delivery.sending", "alert.delivery.sent"]


def test_a_500_is_retried_with_backoff_and_the_same_delivery_id(session_factory: sessionmaker[Session],
                                                                 fast: Settings, receiver: Receiver) -> None:
    _, pk = _webhook(session_factory, fast, receiver)
    receiver.script(Answer(500, b"oops"))
    first = deliver(session_factory, pk, settings=fast, now=T0)
    assert first is not None and first.status == DeliveryStatus.unknown and first.attempts == 1
    assert first.next_attempt_at == T0 + timedelta(seconds=30) and "HTTP 500" in (first.last_error or "")
    assert deliver(session_factory, pk, settings=fast, now=T0 + timedelta(seconds=10)) is None  # not due yet
    queued: list[int] = []
    sweep(session_factory, queued.append, now=T0 + timedelta(seconds=31))
    assert queued == [pk]
    second = deliver(session_factory, pk, settings=fast, now=T0 + timedelta(seconds=31))
    assert second is not None and second.status == DeliveryStatus.sent and second.attempts == 2
    ids = {request.headers["x-earful-delivery"] for request in receiver.received}
    assert len(receiver.received) == 2 and ids == {first.delivery_id}


def test_429_waits_as_long_as_the_receiver_asks(session_factory: sessionmaker[Session], fast: Settings,
                                                receiver: Receiver) -> None:
    _, pk = _webhook(session_factory, fast, receiver)
    receiver.script(Answer(429, b"slow down", {"Retry-After": "120"}))
    row = deliver(session_factory, pk, settings=fast, now=T0)
    assert row is not None and row.status == DeliveryStatus.pending
    assert row.next_attempt_at == T0 + timedelta(seconds=121)


def test_refused_connection_stays_pending_and_the_channel_enabled(session_factory: sessionmaker[Session],
                                                                  fast: Settings) -> None:
    url = f"http://127.0.0.1:{closed_port()}/hook"
    channel_id = _channel(session_factory, fast, "slack", {"url": url})
    pk = _enqueue(session_factory, channel_id)
    row = deliver(session_factory, pk, settings=fast, now=T0)
    assert row is not None and row.status == DeliveryStatus.pending and "could not connect" in (row.last_error or "")
    [state] = list_channels(_session(session_factory))
    assert state.enabled and state.waiting == 1 and state.target == url.split("/")[2]


def test_a_slow_receiver_times_out_and_is_resent_under_the_same_id(session_factory: sessionmaker[Session],
                                                                   fast: Settings, receiver: Receiver) -> None:
    channel_id = _channel(session_factory, fast, "teams", {"url": receiver.url()})
    pk = _enqueue(session_factory, channel_id)
    receiver.script(Answer(200, b"ok", delay=1.5))
    row = deliver(session_factory, pk, settings=fast, now=T0)
    assert row is not None and row.status == DeliveryStatus.unknown and "no answer" in (row.last_error or "")
    row = deliver(session_factory, pk, settings=fast, now=T0 + timedelta(minutes=1))
    assert row is not None and row.status == DeliveryStatus.sent
    assert [r.headers["x-earful-delivery"] for r in receiver.received] == [row.delivery_id] * 2


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_a_permanent_refusal_disables_the_channel_and_says_why(session_factory: sessionmaker[Session],
                                                               fast: Settings, receiver: Receiver, status: int) -> None:
    channel_id, pk = _webhook(session_factory, fast, receiver)
    other = _enqueue(session_factory, channel_id, key="alert:8:opened")
    receiver.script(Answer(status, b"gone"))
    row = deliver(session_factory, pk, settings=fast, now=T0)
    assert row is not None and row.status == DeliveryStatus.failed and f"HTTP {status}" in (row.last_error or "")
    [state] = list_channels(_session(session_factory))
    assert not state.enabled and f"HTTP {status}" in (state.disabled_reason or "") and state.failed == 1
    # Other deliveries to the broken channel fail with its reason instead of hammering it.
    assert deliver(session_factory, other, settings=fast, now=T0) is None
    assert "channel disabled" in (_row(session_factory, other).last_error or "")
    assert len(receiver.received) == 1
    with session_scope(session_factory) as session:
        assert enqueue(session, sample_message(), key="alert:9:opened", now=T0) == []  # skipped while disabled
        enable_channel(session, channel_id)
    assert list_channels(_session(session_factory))[0].enabled


def test_email_through_the_outbox_and_a_bad_address(session_factory: sessionmaker[Session], settings: Settings,
                                                    smtp_server: SmtpServer) -> None:
    configured = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp_server.port,
                                             "smtp_security": "none", "smtp_from": "alerts@example.com"})
    good = _enqueue(session_factory, _channel(session_factory, configured, "email", {"to": "oncall@example.com"}))
    bad_channel = _channel(session_factory, configured, "email", {"to": "bad@example.com"})
    bad = _enqueue(session_factory, bad_channel)
    sent = deliver(session_factory, good, settings=configured, now=T0)
    assert sent is not None and sent.status == DeliveryStatus.sent
    failed = deliver(session_factory, bad, settings=configured, now=T0)
    assert failed is not None and failed.status == DeliveryStatus.failed
    states = {state.id: state for state in list_channels(_session(session_factory))}
    assert not states[bad_channel].enabled and "550" in (states[bad_channel].disabled_reason or "")
    assert len(smtp_server.mailbox.messages) == 1


def test_a_worker_killed_after_sending_is_resent_under_the_same_id(session_factory: sessionmaker[Session],
                                                                   fast: Settings, receiver: Receiver) -> None:
    _, pk = _webhook(session_factory, fast, receiver)
    claim = claim_delivery(session_factory, pk, now=T0)
    assert claim is not None
    load_channel("webhook", claim.channel.config, fast).send(sample_message(), claim.delivery.delivery_id)
    # ...and the worker dies before recording. Within the lease nobody touches the row:
    queued: list[int] = []
    assert sweep(session_factory, queued.append, now=T0 + SEND_LEASE - timedelta(seconds=1)) == {"expired": 0,
                                                                                                 "queued": 0}
    assert claim_delivery(session_factory, pk, now=T0 + timedelta(minutes=1)) is None  # held by the dead claim
    later = T0 + SEND_LEASE + timedelta(seconds=1)
    assert sweep(session_factory, queued.append, now=later) == {"expired": 1, "queued": 1}
    assert _row(session_factory, pk).status == DeliveryStatus.unknown
    row = deliver(session_factory, queued[0], settings=fast, now=later)
    assert row is not None and row.status == DeliveryStatus.sent and row.attempts == 2
    # Two requests, one delivery id: the receiver drops the second.
    assert [r.json()["delivery_id"] for r in receiver.received] == [claim.delivery.delivery_id] * 2
    assert sweep(session_factory, queued.append, now=later + timedelta(days=1)) == {"expired": 0, "queued": 0}
    assert len(receiver.received) == 2


def test_a_worker_killed_before_sending_is_sent_exactly_once(session_factory: sessionmaker[Session],
                                                             fast: Settings, receiver: Receiver) -> None:
    _, pk = _webhook(session_factory, fast, receiver)
    assert claim_delivery(session_factory, pk, now=T0) is not None  # claimed, then killed before the request
    later = T0 + SEND_LEASE + timedelta(seconds=1)
    sweep(session_factory, lambda pk: None, now=later)
    assert deliver(session_factory, pk, settings=fast, now=later) is not None
    assert len(receiver.received) == 1


def test_a_late_worker_cannot_undo_a_recorded_send(session_factory: sessionmaker[Session], fast: Settings,
                                                   receiver: Receiver) -> None:
    _, pk = _webhook(session_factory, fast, receiver)
    slow = claim_delivery(session_factory, pk, now=T0)
    assert slow is not None
    later = T0 + SEND_LEASE + timedelta(seconds=1)
    sweep(session_factory, lambda pk: None, now=later)
    assert deliver(session_factory, pk, settings=fast, now=later) is not None  # a second worker sends, records
    # The first worker wakes up with a failure, then with a success: the row stays sent, attempt 2.
    assert record_failure(session_factory, slow, Transient("timeout", maybe_received=True)).status == "sent"
    assert record_sent(session_factory, slow, "late").status == "sent"
    assert _row(session_factory, pk).attempts == 2
    assert claim_delivery(session_factory, pk, now=later + timedelta(days=1)) is None
    assert len(receiver.received) == 1


def test_gives_up_after_the_last_attempt(session_factory: sessionmaker[Session], fast: Settings,
                                         receiver: Receiver) -> None:
    _, pk = _webhook(session_factory, fast, receiver)
    with session_scope(session_factory) as session:
        session.get_one(AlertDelivery, pk).attempts = MAX_ATTEMPTS - 1
    receiver.script(Answer(503, b"down"))
    row = deliver(session_factory, pk, settings=fast, now=T0)
    assert row is not None and row.status == DeliveryStatus.failed
    assert (row.last_error or "").startswith(f"gave up after {MAX_ATTEMPTS} attempts")
    assert list_channels(_session(session_factory))[0].enabled  # a flaky receiver is not a broken channel


def test_a_row_whose_worker_dies_on_every_try_is_given_up(session_factory: sessionmaker[Session], fast: Settings,
                                                          receiver: Receiver) -> None:
    _, pk = _webhook(session_factory, fast, receiver)
    now = T0
    for _ in range(MAX_ATTEMPTS):
        assert claim_delivery(session_factory, pk, now=now) is not None  # ...and the worker dies
        now += SEND_LEASE + timedelta(seconds=1)
        sweep(session_factory, lambda pk: None, now=now)
    assert claim_delivery(session_factory, pk, now=now) is None
    row = _row(session_factory, pk)
    assert row.status == DeliveryStatus.failed and (row.last_error or "").startswith(f"gave up after {MAX_ATTEMPTS}")
    assert receiver.received == []


def test_a_channel_that_cannot_start_is_disabled(session_factory: sessionmaker[Session], fast: Settings) -> None:
    with session_scope(session_factory) as session:
        channel = AlertChannel(name="typo", kind="webhook", config={"url": "https://hooks.example/x"})
        session.add(channel)
        session.flush()
        assert channel.id is not None
        channel_id = channel.id
    pk = _enqueue(session_factory, channel_id)
    row = deliver(session_factory, pk, settings=fast, now=T0)
    assert row is not None and row.status == DeliveryStatus.failed and "cannot start" in (row.last_error or "")
    assert "secret" in (list_channels(_session(session_factory))[0].disabled_reason or "")


def test_the_tasks_run_on_the_alerts_queue_from_beat(settings: Settings) -> None:
    from worker import make_celery

    app = make_celery(settings)
    assert app.conf.task_routes["earful.deliver_alert"] == {"queue": "alerts"}
    assert app.conf.task_routes["earful.sweep_alert_deliveries"] == {"queue": "alerts"}
    assert app.conf.beat_schedule["sweep-alert-deliveries"]["task"] == "earful.sweep_alert_deliveries"
    import alerts.tasks  # noqa: F401  (registers the task names)

    assert {"earful.deliver_alert", "earful.sweep_alert_deliveries"} <= set(app.tasks.keys())


def _session(factory: sessionmaker[Session]) -> Session:
    return factory()


def test_the_tasks_are_thin_wrappers_over_the_outbox(session_factory: sessionmaker[Session], fast: Settings,
                                                     receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    import alerts.tasks as tasks

    sent_tasks: list[tuple[str, list[int], str]] = []

    class App:
        def send_task(self, name: str, args: list[int], queue: str) -> None:
            sent_tasks.append((name, args, queue))

    monkeypatch.setattr(tasks, "worker_session_factory", lambda: session_factory)
    monkeypatch.setattr(tasks, "get_settings", lambda: fast)
    monkeypatch.setattr(tasks, "default_celery_app", lambda: App())
    _, pk = _webhook(session_factory, fast, receiver)
    with session_scope(session_factory) as session:  # due now, in real time
        session.get_one(AlertDelivery, pk).next_attempt_at = T0
    assert tasks.sweep_alert_deliveries.run() == {"expired": 0, "queued": 1}
    assert sent_tasks == [("earful.deliver_alert", [pk], "alerts")]
    assert tasks.deliver_alert.run(pk) == "sent"
    assert tasks.deliver_alert.run(pk) is None  # a repeated task is a no-op
    assert len(receiver.received) == 1
