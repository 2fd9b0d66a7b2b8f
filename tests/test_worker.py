"""prepare_broker: the embedded broker's tables and queues exist before several processes open it at once.

Unprepared, four processes opening a fresh SQLite broker together failed in 4 of 10 tries here with "table
kombu_queue already exists" (what `earful run` logged at every start, as a lost broker connection)."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from settings import Settings
from worker import QUEUES, make_celery, prepare_broker

PROCESSES = 4


def broker_settings(tmp_path: Path, broker_url: str | None = None) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'earful.db'}",
                    broker_url=broker_url or f"sqla+sqlite:///{tmp_path / 'broker.db'}",
                    secret_key="test-secret-key")  # type: ignore[arg-type]


def open_and_declare(settings: Settings, start: multiprocessing.synchronize.Barrier,
                     results: multiprocessing.Queue[str]) -> None:
    app = make_celery(settings)
    start.wait()
    try:
        with app.connection_for_write() as connection:
            for name in QUEUES:
                connection.default_channel.queue_declare(queue=name)
        results.put("ok")
    except Exception as error:  # the parent asserts on what each process met
        results.put(repr(error))


def test_the_broker_has_its_tables_and_queues_after_preparing(tmp_path: Path) -> None:
    settings = broker_settings(tmp_path)
    prepare_broker(settings)
    prepare_broker(settings)  # a second start finds them and changes nothing
    with sqlite3.connect(tmp_path / "broker.db") as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        queues = sorted(name for (name,) in db.execute("SELECT name FROM kombu_queue"))
    assert {"kombu_queue", "kombu_message"} <= tables
    assert queues == sorted(QUEUES)


@pytest.mark.parametrize("attempt", range(3))
def test_processes_opening_a_prepared_broker_at_once_all_connect(tmp_path: Path, attempt: int) -> None:
    settings = broker_settings(tmp_path)
    prepare_broker(settings)
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(PROCESSES), context.Queue()
    processes = [context.Process(target=open_and_declare, args=(settings, start, results)) for _ in range(PROCESSES)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert outcomes == ["ok"] * PROCESSES


def test_a_broker_without_tables_is_left_alone(tmp_path: Path) -> None:
    """Redis (or RabbitMQ) needs no preparing: nothing connects to it."""
    prepare_broker(broker_settings(tmp_path, "redis://203.0.113.1:6379/0"))
