"""A real Celery worker on the `alerts` queue: the sweep task queues due deliveries, the deliver task sends them
to a loopback receiver, and the row ends `sent` in the database the worker shares with the test."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import select

from alerts.outbox import enqueue
from alerts.service import create_channel
from models.alert_delivery import AlertDelivery
from models.db import make_engine, make_session_factory, session_scope
from settings import Settings
from tests.alerts.test_channels_support import Receiver, sample_message
from worker import make_celery

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_real_worker_sweeps_and_delivers(fresh_database_url: str, settings: Settings, receiver: Receiver,
                                           tmp_path: Path) -> None:
    broker = os.environ.get("REDIS_URL") or f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    configured = settings.model_copy(update={"database_url": fresh_database_url, "broker_url": broker})
    engine = make_engine(fresh_database_url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        create_channel(session, name="hook", kind="webhook", settings=configured,
                       config={"url": receiver.url(), "secret": "s3cret-for-the-receiver-only"})
        [delivery] = enqueue(session, sample_message(), key="alert:7:opened")
        delivery_id = delivery.delivery_id
    env = {**os.environ, "DATABASE_URL": fresh_database_url, "BROKER_URL": broker, "SECRET_KEY": "x",
           "PYTHONPATH": str(REPO)}
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker", "worker", "-Q", "alerts", "-P", "solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            make_celery(configured).send_task("earful.sweep_alert_deliveries", queue="alerts")
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not _sent(factory):
                time.sleep(0.5)
            assert _sent(factory), log_path.read_text(errors="replace")[-4000:]
        finally:
            process.terminate()
            process.wait(timeout=30)
            engine.dispose()
    assert [r.headers["x-earful-delivery"] for r in receiver.received] == [delivery_id]


def _sent(factory: object) -> bool:
    with session_scope(factory) as session:  # type: ignore[arg-type]
        return session.exec(select(AlertDelivery.status)).one() == "sent"
