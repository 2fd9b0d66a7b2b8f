"""Two workers racing over the same due rows, each with its own engine (connections, transactions): the
conditional UPDATE lets exactly one of them send each delivery."""

from __future__ import annotations

import threading

from sqlmodel import select

from alerts.outbox import deliver, due_delivery_ids, enqueue
from alerts.service import create_channel
from models.alert_delivery import AlertDelivery, DeliveryStatus
from models.db import make_engine, make_session_factory, session_scope
from settings import Settings
from tests.alerts.test_channels_support import Receiver, sample_message

ROWS = 12


def test_racing_workers_send_each_delivery_once(fresh_database_url: str, settings: Settings,
                                                receiver: Receiver) -> None:
    configured = settings.model_copy(update={"database_url": fresh_database_url, "alert_http_timeout_seconds": 5.0})
    engines = [make_engine(fresh_database_url) for _ in range(2)]
    factories = [make_session_factory(engine) for engine in engines]
    with session_scope(factories[0]) as session:
        create_channel(session, name="hook", kind="webhook", settings=configured,
                       config={"url": receiver.url(), "secret": "s3cret-for-the-receiver-only"})
        for n in range(ROWS):
            enqueue(session, sample_message(alert_id=n), key=f"alert:{n}:opened")
    due = due_delivery_ids(factories[0])
    assert len(due) == ROWS
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(index: int) -> None:
        try:
            start.wait()
            for pk in due:
                deliver(factories[index], pk, settings=configured)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert errors == []
        ids = [request.headers["x-earful-delivery"] for request in receiver.received]
        assert len(ids) == ROWS and len(set(ids)) == ROWS
        with session_scope(factories[0]) as session:
            rows = session.exec(select(AlertDelivery)).all()
            assert {row.status for row in rows} == {DeliveryStatus.sent.value}
            assert {row.attempts for row in rows} == {1}
    finally:
        for engine in engines:
            engine.dispose()
