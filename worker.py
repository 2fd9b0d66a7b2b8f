"""The Celery app, its queues and beat schedule, and the dispatcher the web app uses to enqueue work.

Run a worker with `celery -A worker worker -Q collect,score,post,alerts` (the Procfile does).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from celery import Celery
from kombu import Queue  # type: ignore[attr-defined]
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from models.db import make_engine, make_session_factory
from settings import Settings, get_settings

if TYPE_CHECKING:
    from sentiment.config import ModelConfig

QUEUES = ("collect", "score", "post", "alerts")
TASK_MODULES = ("listener.tasks", "sentiment.tasks", "responder.tasks", "responder.similar_tasks", "alerts.tasks",
                "reports.tasks")
TASK_ROUTES = {
    "earful.collect": {"queue": "collect"},
    "earful.collect_due": {"queue": "collect"},
    "earful.score_pending": {"queue": "score"},
    "earful.index_similar": {"queue": "score"},  # the scorer's process already holds the encoder
    "earful.draft_pending": {"queue": "post"},  # drafting needs no model: kept off the scorer's process
    "earful.post_reply": {"queue": "post"},
    "earful.reconcile_replies": {"queue": "post"},
    "earful.deliver_alert": {"queue": "alerts"},
    "earful.sweep_alert_deliveries": {"queue": "alerts"},
    "earful.evaluate_alerts": {"queue": "alerts"},
    "earful.send_report_digests": {"queue": "alerts"},  # email, like the alerts; sends the PDF it renders
}


def make_celery(settings: Settings) -> Celery:
    app = Celery("earful", broker=settings.broker_url, include=list(TASK_MODULES))
    _ensure_broker_dir(settings.broker_url)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        task_queues=[Queue(name) for name in QUEUES],  # type: ignore[no-untyped-call]
        task_default_queue="collect",
        task_routes=TASK_ROUTES,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        beat_schedule={
            "collect-due-sources": {"task": "earful.collect_due", "schedule": float(settings.collect_interval_seconds)},
            "score-pending": {"task": "earful.score_pending", "schedule": 30.0},
            "draft-pending": {"task": "earful.draft_pending", "schedule": 30.0},  # the scorer also sends it
            "index-similar": {"task": "earful.index_similar", "schedule": 60.0},
            "reconcile-replies": {"task": "earful.reconcile_replies", "schedule": 120.0},
            "sweep-alert-deliveries": {"task": "earful.sweep_alert_deliveries", "schedule": 15.0},
            "evaluate-alerts": {"task": "earful.evaluate_alerts", "schedule": 30.0},
            "send-report-digests": {"task": "earful.send_report_digests", "schedule": 300.0},
        },
        timezone="UTC",
    )
    return app


def prepare_broker(settings: Settings) -> None:
    """Create the embedded (SQLAlchemy) broker's tables and queues, once, before several processes use it: each
    worker would otherwise create them at the same moment, and SQLite's check-then-create lost that race at every
    `earful run` ("table kombu_queue already exists", a broker connection lost and re-established in the log)."""
    if not settings.broker_url.startswith("sqla+"):
        return  # Redis and RabbitMQ need no tables
    with make_celery(settings).connection_for_write() as connection:
        channel = connection.default_channel
        for name in QUEUES:
            channel.queue_declare(queue=name)


def _ensure_broker_dir(broker_url: str) -> None:
    if broker_url.startswith("sqla+sqlite:///"):
        Path(broker_url.removeprefix("sqla+sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


class Dispatcher(Protocol):
    """How request handlers and tasks ask for follow-up work, without importing the task modules."""

    def collect(self, source_id: int) -> None: ...
    def score_pending(self) -> None: ...
    def draft_pending(self) -> None: ...
    def post_reply(self, reply_id: int) -> None: ...


class CeleryDispatcher:
    def __init__(self, app: Celery) -> None:
        self.app = app

    def collect(self, source_id: int) -> None:
        self.app.send_task("earful.collect", args=[source_id], queue="collect")

    def score_pending(self) -> None:
        self.app.send_task("earful.score_pending", queue="score")

    def draft_pending(self) -> None:
        self.app.send_task("earful.draft_pending", queue="post")

    def post_reply(self, reply_id: int) -> None:
        self.app.send_task("earful.post_reply", args=[reply_id], queue="post")


@lru_cache(maxsize=1)
def worker_session_factory() -> sessionmaker[Session]:
    """One engine per worker process, built on first use (after the fork), never at import time."""
    return make_session_factory(make_engine(get_settings().database_url))


@lru_cache(maxsize=1)
def worker_model_config() -> ModelConfig:
    """The sentiment model's configuration for this worker process, built once from the settings."""
    from sentiment.config import ModelConfig

    return ModelConfig.from_settings(get_settings())


def worker_dispatcher() -> Dispatcher:
    return CeleryDispatcher(default_celery_app())


@lru_cache(maxsize=1)
def default_celery_app() -> Celery:
    return make_celery(get_settings())


def __getattr__(name: str) -> Celery:
    # `celery -A worker` looks up `worker.app`/`worker.celery`; building it lazily keeps imports side-effect free.
    if name in ("app", "celery"):
        return default_celery_app()
    raise AttributeError(name)
